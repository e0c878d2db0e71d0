// The caption folder walk: one directory_iterator per folder, so that a
// folder that cannot be read is reported and the walk goes on (a recursive
// iterator either skips it silently or stops there).
#include "indexer/index/caption_walk.h"

#include <algorithm>
#include <string_view>
#include <system_error>

#include "core/error.h"
#include "core/text.h"

namespace talksearch {

namespace fs = std::filesystem;

namespace {

/// Caption formats that people keep beside their captions and that
/// talksearch does not read: reported rather than passed over in silence.
constexpr std::string_view kUnreadFormats[] = {
    ".ass", ".ssa", ".sub", ".smi", ".sami", ".scc", ".stl", ".lrc", ".cap", ".mcc", ".usf",
};

std::string_view type_name(fs::file_type type) {
    switch (type) {
        case fs::file_type::fifo:
            return "a FIFO";
        case fs::file_type::socket:
            return "a socket";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::character:
            return "a character device";
        case fs::file_type::directory:
            return "a folder";
        default:
            return "not a file";
    }
}

class Walk {
  public:
    Walk(const fs::path& root, CaptionScan& scan) : root_(root), scan_(scan) {}

    void folder(const fs::path& dir) {
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) {
            problem(dir, "cannot read the folder: " + ec.message());
            return;
        }
        std::vector<fs::path> subfolders;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) break;
            entry(*it, subfolders);
        }
        if (ec) problem(dir, "cannot read the whole folder: " + ec.message());
        // Files first, then subfolders: the order of the list is sorted later.
        for (const fs::path& sub : subfolders) folder(sub);
    }

  private:
    void entry(const fs::directory_entry& e, std::vector<fs::path>& subfolders) {
        const fs::path& path = e.path();
        std::error_code ec;
        const fs::file_status own = e.symlink_status(ec);
        if (ec) {
            if (is_caption_file_name(path)) problem(path, "cannot stat: " + ec.message());
            return;
        }
        if (fs::is_directory(own)) {
            subfolders.push_back(path);
            return;
        }
        fs::file_status target = own;
        if (fs::is_symlink(own)) {
            target = fs::status(path, ec);
            if (ec || !fs::exists(target)) {
                if (is_caption_file_name(path)) {
                    problem(path, "a symlink that cannot be followed: " +
                                      (ec ? ec.message() : std::string("it leads nowhere")));
                }
                return;
            }
            if (fs::is_directory(target)) return;  // not followed: no loops
        }
        if (!fs::is_regular_file(target)) {
            if (is_caption_file_name(path)) {
                problem(path, "not a regular file (" + std::string(type_name(target.type())) + ")");
            }
            return;
        }
        if (is_caption_file_name(path)) {
            scan_.files.push_back({path, root_, parse_caption_file_name(path)});
            return;
        }
        const std::string ext = ascii_lower(path.extension().string());
        if (std::find(std::begin(kUnreadFormats), std::end(kUnreadFormats), ext) !=
            std::end(kUnreadFormats)) {
            problem(path,
                    "a caption format talksearch does not read (" + ext +
                        "): convert it to WebVTT or SubRip",
                    "unread caption format");
        }
    }

    void problem(const fs::path& path, std::string message,
                 std::string reason = "unreadable caption") {
        scan_.problems.push_back({path, std::move(message), std::move(reason)});
    }

    const fs::path& root_;
    CaptionScan& scan_;
};

}  // namespace

CaptionScan find_caption_files(const std::vector<fs::path>& roots) {
    CaptionScan scan;
    for (const fs::path& root : roots) {
        std::error_code ec;
        const fs::file_status st = fs::status(root, ec);
        if (ec || !fs::exists(st)) throw Error(root.string() + ": no such caption folder");
        if (fs::is_regular_file(st)) {
            scan.files.push_back({root, root.parent_path(), parse_caption_file_name(root)});
            continue;
        }
        fs::directory_iterator probe(root, ec);
        if (ec) throw Error(root.string() + ": " + ec.message());
        Walk(root, scan).folder(root);
    }
    std::sort(scan.files.begin(), scan.files.end(),
              [](const CaptionFile& a, const CaptionFile& b) { return a.path < b.path; });
    return scan;
}

}  // namespace talksearch
