#include "indexer/command/report.h"

#include <sys/statvfs.h>

#include <cstdint>
#include <cstdio>

#include "core/json_writer.h"

namespace talksearch {

std::string report_json(const BuildReport& r, const std::string& error, int exit_code) {
    JsonWriter w;
    w.begin_object();
    w.key("mode").value(r.mode);
    w.key("exit_code").value(static_cast<std::int64_t>(exit_code));
    w.key("error").string_or_null(error);
    w.key("generation").string_or_null(r.generation);
    w.key("talks").value(static_cast<std::uint64_t>(r.talks));
    w.key("added").value(static_cast<std::uint64_t>(r.added));
    w.key("replaced").value(static_cast<std::uint64_t>(r.replaced));
    w.key("deleted").value(static_cast<std::uint64_t>(r.deleted));
    w.key("unchanged").value(static_cast<std::uint64_t>(r.unchanged));
    w.key("changes").strings(r.changes);
    w.key("caption_files").value(static_cast<std::uint64_t>(r.caption_files));
    w.key("caption_files_used").value(static_cast<std::uint64_t>(r.caption_files_used));
    // The skipped inputs, then the warnings: path, line, reason, message each.
    const auto problems = [&](const char* key, bool skipped) {
        w.key(key).begin_array();
        for (const InputProblem& p : r.problems) {
            if (p.skipped != skipped) continue;
            w.begin_object();
            w.key("path").value(p.path);
            w.key("line").value(static_cast<std::uint64_t>(p.line));
            w.key("reason").value(p.reason);
            w.key("message").value(p.message);
            w.end_object();
        }
        w.end_array();
    };
    problems("skipped", true);
    w.key("warnings").value(static_cast<std::uint64_t>(r.problems.size() - r.skipped()));
    problems("warning_list", false);
    w.key("fetch_errors").begin_array();
    for (const InputProblem& p : r.problems) {
        if (p.reason != "fetch") continue;
        w.begin_object();
        w.key("url").value(p.path);
        w.key("error").value(p.message);
        w.key("used_cached_copy").value(!p.skipped);
        w.end_object();
    }
    w.end_array();
    w.key("bytes_written").value(r.bytes_written);
    w.key("seconds").value(r.seconds, 3);
    w.end_object();
    return w.take() + "\n";
}

std::string summary_line(const BuildReport& report, bool update, bool verbose,
                         std::size_t warnings) {
    std::string skipped;
    for (const auto& [reason, n] : report.skipped_by_reason()) {
        skipped += (skipped.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    }
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", report.seconds);
    const std::string tail = ", skipped " + std::to_string(report.skipped()) +
                             (skipped.empty() ? "" : " (" + skipped + ")") + ", " +
                             std::to_string(warnings) + " warnings" +
                             (verbose || warnings == 0 ? "" : " (--verbose lists them)") + ", " +
                             secs + " s\n";
    const auto n = [](std::size_t v) { return std::to_string(v); };
    if (update) {
        if (report.added + report.replaced + report.deleted == 0) {
            return "no change: unchanged " + n(report.unchanged) + " talks, nothing written" + tail;
        }
        return "updated: added " + n(report.added) + ", replaced " + n(report.replaced) +
               ", deleted " + n(report.deleted) + ", unchanged " + n(report.unchanged) + "; " +
               n(report.talks) + " talks" + tail;
    }
    return "indexed " + n(report.talks) + " talks (" + n(report.talks_with_captions) +
           " with captions, " + n(report.caption_only_talks) + " from captions alone, " +
           n(report.repeated_talks) + " given at more than one event), " +
           n(report.caption_files_used) + "/" + n(report.caption_files) + " caption files" + tail;
}

std::string full_disk_note(const std::string& dir, const std::string& error) {
    if (error.find("No space left") != std::string::npos) return {};  // said already
    if (error.find("Database") == std::string::npos && error.find("writ") == std::string::npos) {
        return {};
    }
    struct statvfs fs {};
    if (dir.empty() || ::statvfs(dir.c_str(), &fs) != 0) return {};
    const unsigned long long free_bytes =
        static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    const unsigned long long size = static_cast<unsigned long long>(fs.f_blocks) * fs.f_frsize;
    if (free_bytes >= (64ull << 20) && free_bytes * 100 >= size) return {};
    return " (low on space: the disk holding " + dir + " has " + std::to_string(free_bytes / 1024) +
           " KB free, and a write that runs out of space can show as a corrupt block)";
}

}  // namespace talksearch
