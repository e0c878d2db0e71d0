#include "indexer/index/space_guard.h"

#include <unistd.h>
#include <xapian.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

#include "core/error.h"
#include "indexer/io/files.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// The tables of a Xapian 1.4 glass database; one that is empty may have no file.
constexpr const char* kGlassTables[] = {"postlist", "docdata",  "termlist",
                                        "position", "spelling", "synonym"};
constexpr const char* kRecordFile = ".update-lengths";

// A generation's revision and table lengths before an update wrote to it.
struct Record {
    fs::path gen_dir;
    std::uint64_t revision = 0;
    std::vector<std::optional<std::uintmax_t>> lengths;  // as kGlassTables; nullopt: no file
};

// The record of the update this process is writing, for give_back_update_space().
std::optional<Record> g_record;

fs::path table_file(const fs::path& gen_dir, std::size_t t) {
    return gen_dir / (std::string(kGlassTables[t]) + ".glass");
}

std::uint64_t revision_of(const fs::path& gen_dir) {
    return Xapian::Database(gen_dir.string()).get_revision();
}

// "revision R", then one line a table: "postlist 1130496" or "synonym -".
std::string format_record(const Record& r) {
    std::ostringstream out;
    out << "revision " << r.revision << "\n";
    for (std::size_t t = 0; t < r.lengths.size(); ++t)
        out << kGlassTables[t] << ' ' << (r.lengths[t] ? std::to_string(*r.lengths[t]) : "-")
            << "\n";
    return out.str();
}

// The record in `text`, or nullopt when it is not a whole one.
std::optional<Record> parse_record(const fs::path& gen_dir, const std::string& text) {
    std::istringstream in(text);
    Record r{gen_dir, 0, {}};
    std::string word, length;
    if (!(in >> word >> r.revision) || word != "revision") return std::nullopt;
    for (const char* table : kGlassTables) {
        if (!(in >> word >> length) || word != table) return std::nullopt;
        if (length == "-") {
            r.lengths.emplace_back();
        } else if (length.find_first_not_of("0123456789") == std::string::npos) {
            r.lengths.emplace_back(std::stoull(length));
        } else {
            return std::nullopt;
        }
    }
    return r;
}

// Truncates the tables back to `r` when the generation is still at its revision.
void give_back(const Record& r) noexcept {
    // A commit that took effect owns every block it wrote; one whose version
    // file was not written (the revision unchanged) owns none past the
    // recorded lengths. When the revision cannot be read, nothing is touched.
    try {
        if (revision_of(r.gen_dir) != r.revision) return;
    } catch (...) {
        return;
    }
    for (std::size_t t = 0; t < r.lengths.size(); ++t) {
        const fs::path file = table_file(r.gen_dir, t);
        std::error_code ec;
        if (!r.lengths[t]) {
            fs::remove(file, ec);
            continue;
        }
        const std::uintmax_t now = fs::file_size(file, ec);
        if (ec || now <= *r.lengths[t]) continue;
        [[maybe_unused]] const int rc = ::truncate(file.c_str(), static_cast<off_t>(*r.lengths[t]));
    }
}

void remove_record_file(const fs::path& gen_dir) noexcept {
    std::error_code ec;
    fs::remove(gen_dir / kRecordFile, ec);
    fs::remove(gen_dir / (std::string(kRecordFile) + ".tmp"), ec);
}

}  // namespace

UpdateSpaceGuard::UpdateSpaceGuard(const fs::path& gen_dir) : gen_dir_(gen_dir) {
    Record r{gen_dir, 0, {}};
    try {
        r.revision = revision_of(gen_dir);
    } catch (const Xapian::Error& e) {
        throw Error(gen_dir.string() + ": cannot read the live index: " + e.get_description());
    }
    for (std::size_t t = 0; t < std::size(kGlassTables); ++t) {
        std::error_code ec;
        const std::uintmax_t length = fs::file_size(table_file(gen_dir, t), ec);
        if (ec && ec != std::errc::no_such_file_or_directory)
            throw Error(table_file(gen_dir, t).string() + ": cannot stat: " + ec.message());
        r.lengths.push_back(ec ? std::nullopt : std::optional<std::uintmax_t>(length));
    }
    try {
        write_file_atomically(gen_dir / kRecordFile, format_record(r));
    } catch (const Error&) {
        // A full disk: this process still gives the space back if it fails.
    }
    g_record = std::move(r);
}

UpdateSpaceGuard::~UpdateSpaceGuard() {
    if (!released_ && g_record) give_back(*g_record);
    g_record.reset();
    remove_record_file(gen_dir_);
}

void UpdateSpaceGuard::release() noexcept {
    released_ = true;
    g_record.reset();
    remove_record_file(gen_dir_);
}

void give_back_update_space() noexcept {
    if (!g_record) return;
    give_back(*g_record);
    remove_record_file(g_record->gen_dir);
    g_record.reset();
}

void give_back_dead_update_space(const fs::path& gen_dir) noexcept {
    std::error_code ec;
    if (!fs::exists(gen_dir / kRecordFile, ec)) {
        remove_record_file(gen_dir);  // a temporary one, if any
        return;
    }
    try {
        if (const auto r = parse_record(gen_dir, read_file(gen_dir / kRecordFile, 4096)))
            give_back(*r);
    } catch (...) {  // unreadable: the space stays (Xapian reuses it)
    }
    remove_record_file(gen_dir);
}

}  // namespace talksearch
