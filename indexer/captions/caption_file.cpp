#include "indexer/captions/caption_file.h"

#include "indexer/captions/captions.h"

namespace talksearch {

Captions read_caption_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    const std::string data = read_file(path, max_bytes);
    return parse_captions(data, path.filename().string());
}

}  // namespace talksearch
