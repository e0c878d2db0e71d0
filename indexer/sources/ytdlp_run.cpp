#include "indexer/sources/ytdlp_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "indexer/io/files.h"

extern char** environ;

namespace fs = std::filesystem;

namespace talksearch {

namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;
constexpr std::uint64_t kMaxInfoJson = 64u << 20;
constexpr std::string_view kStem = "video";  // every file yt-dlp writes is named video.*

bool contains(std::string_view text, std::string_view what) {
    return ascii_lower(text).find(ascii_lower(what)) != std::string::npos;
}

// The last line of `text` that starts with "ERROR:", else its last non-empty line.
std::string reason_line(std::string_view text) {
    std::string last, last_error;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (!line.empty()) last = std::string(line);
        if (line.starts_with("ERROR:")) last_error = std::string(line.substr(6));
        start = end + 1;
    }
    std::string out = last_error.empty() ? last : last_error;
    // yt-dlp appends an invitation to report a bug to many errors: not the reason.
    if (const auto cut = out.find("; please report this issue"); cut != std::string::npos) {
        out.erase(cut);
    }
    while (!out.empty() && out.front() == ' ') out.erase(0, 1);
    if (out.size() > 300) out = out.substr(0, 300) + "...";
    return sanitize_utf8(out);
}

}  // namespace

YtdlpOutcome classify_ytdlp(int exit_code, bool timed_out, std::string_view stderr_text,
                            std::string& reason) {
    reason = reason_line(stderr_text);
    if (timed_out) {
        reason = "timed out";
        return YtdlpOutcome::kFailed;
    }
    static constexpr std::string_view kRateLimited[] = {"HTTP Error 429", "Too Many Requests",
                                                        "Sign in to confirm", "rate-limited",
                                                        "rate limited"};
    for (std::string_view s : kRateLimited) {
        if (contains(stderr_text, s)) return YtdlpOutcome::kRateLimited;
    }
    if (exit_code == 0) return YtdlpOutcome::kOk;
    static constexpr std::string_view kUnavailable[] = {
        "HTTP Error 404",   "HTTP Error 410",
        "Private video",    "Video unavailable",
        "has been removed", "is not available",
        "Unsupported URL",  "This video is private",
        "members-only",     "account associated with this video has been terminated"};
    for (std::string_view s : kUnavailable) {
        if (contains(stderr_text, s)) return YtdlpOutcome::kUnavailable;
    }
    if (reason.empty()) reason = "yt-dlp exited with status " + std::to_string(exit_code);
    return YtdlpOutcome::kFailed;
}

std::string subtitle_languages(std::string_view language,
                               const std::vector<std::string>& fallbacks) {
    std::vector<std::string> wanted;
    auto add = [&](std::string tag) {
        if (tag.empty()) return;
        // yt-dlp's list is of regular expressions: keep to tag characters.
        std::erase_if(tag, [](char c) {
            return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
        });
        const std::string primary = tag.substr(0, tag.find_first_of("-_"));
        if (primary.empty() || std::find(wanted.begin(), wanted.end(), primary) != wanted.end()) {
            return;
        }
        wanted.push_back(primary);
    };
    add(std::string(language));
    for (const std::string& f : fallbacks) add(f);
    std::string out;
    for (const std::string& w : wanted) {
        if (!out.empty()) out += ',';
        out += w + ".*," + w;  // "en" and "en-US", "en-orig", ...
    }
    return out;
}

std::vector<std::string> ytdlp_arguments(const YtdlpSettings& s, std::string_view url,
                                         std::string_view language, const fs::path& work) {
    return {"--ignore-config", "--skip-download", "--no-playlist", "--playlist-items", "1",
            "--write-subs", "--write-auto-subs", "--sub-langs",
            subtitle_languages(language, s.fallback_languages),
            // Formats with word times first: YouTube's json3 and srv3, else WebVTT.
            "--sub-format", "json3/srv3/vtt/best", "--write-info-json", "--no-progress",
            "--no-color", "--socket-timeout", std::to_string(s.socket_timeout.count()), "--retries",
            "2", "-P", work.string(), "-o", std::string(kStem) + ".%(ext)s", "--",
            std::string(url)};
}

FetchedFiles read_fetched_tracks(const fs::path& work) {
    FetchedFiles out;
    const std::string info_name = std::string(kStem) + ".info.json";
    std::set<std::string> human, automatic;
    std::error_code ec;
    if (fs::exists(work / info_name, ec)) {
        out.info_json = info_name;
        const std::string text = read_file(work / info_name, kMaxInfoJson);
        simdjson::dom::parser parser;
        simdjson::dom::object info;
        if (parser.parse(text).get_object().get(info)) {
            throw ParseError(0, info_name + ": yt-dlp wrote something that is not JSON");
        }
        for (auto [field, set] :
             {std::pair{"subtitles", &human}, {"automatic_captions", &automatic}}) {
            simdjson::dom::object langs;
            if (!info[field].get_object().get(langs)) {
                for (auto [lang, v] : langs) set->insert(std::string(lang));
            }
        }
    }
    std::vector<fs::path> files;
    for (auto it = fs::directory_iterator(work, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        const std::string name = f.filename().string();
        // video.<lang>.<ext>
        if (name == info_name || !name.starts_with(std::string(kStem) + ".")) continue;
        const std::string rest = name.substr(kStem.size() + 1);
        const auto dot = rest.rfind('.');
        if (dot == std::string::npos || dot == 0) continue;
        const std::string lang = rest.substr(0, dot);
        if (lang == "live_chat") continue;
        StoredTrack t;
        t.file = name;
        t.language = lang;
        // yt-dlp writes a language it has as human subtitles from those, not
        // from the automatic ones; a track of neither list is taken as machine.
        t.human = human.contains(lang);
        out.tracks.push_back(std::move(t));
    }
    return out;
}

YtdlpRun run_program(const std::string& program, const std::vector<std::string>& args,
                     std::chrono::seconds timeout) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0)
        throw Error(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw Error(std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A group of its own: a timeout kills yt-dlp and whatever it started.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        throw Error(program + ": cannot run: " + std::strerror(rc));
    }
    YtdlpRun run;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
    std::array<std::string*, 2> sinks{&run.stdout_text, &run.stderr_text};
    std::array<char, 4096> buf;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            run.timed_out = true;
            break;
        }
        const int n = ::poll(fds.data(), fds.size(),
                             static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (n <= 0) continue;  // EINTR or a second without output
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {  // closed: the child is ending
                ::close(fds[i].fd);
                fds[i].fd = -1;
                continue;
            }
            std::string& sink = *sinks[i];
            sink.append(buf.data(), static_cast<std::size_t>(got));
            // Only the end is kept: yt-dlp says why it failed last.
            if (sink.size() > 2 * kMaxOutput) sink.erase(0, sink.size() - kMaxOutput);
        }
    }
    for (const pollfd& p : fds) {
        if (p.fd >= 0) ::close(p.fd);
    }
    if (run.timed_out) ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    for (std::string* sink : sinks) {
        if (sink->size() > kMaxOutput) sink->erase(0, sink->size() - kMaxOutput);
    }
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

std::string ytdlp_version(const std::string& program) {
    YtdlpRun r;
    try {
        r = run_program(program, {"--version"}, std::chrono::seconds(60));
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + " (apt-get install yt-dlp, or give --yt-dlp PATH)");
    }
    std::string version = r.stdout_text.substr(0, r.stdout_text.find('\n'));
    while (!version.empty() && (version.back() == '\r' || version.back() == ' '))
        version.pop_back();
    if (r.exit_code != 0 || version.empty() || version.size() > 64) {
        throw Error(program + ": does not answer --version as yt-dlp does (" +
                    reason_line(r.stderr_text + "\n" + r.stdout_text) + ")");
    }
    return sanitize_utf8(version);
}

}  // namespace talksearch
