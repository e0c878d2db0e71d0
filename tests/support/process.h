// Running the real binaries from tests: argv in; exit code, stdout and
// stderr out. Test-only code.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace talksearch::test {

/// What a finished process left behind.
struct ProcessResult {
    int exit_code = -1;  ///< the exit status, or 128 + signal number
    std::string out;
    std::string err;
    double seconds = 0;      ///< wall time from start to exit
    double cpu_seconds = 0;  ///< user and system CPU time of the process (getrusage)
    long max_rss_kb = 0;     ///< the process's peak resident set size (getrusage), in KiB
};

/// Runs `argv` (argv[0] is a path) with extra environment entries
/// ("NAME=value", replacing any of the same name), waits for it, and returns
/// what it printed.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env = {});

/// A process started in the background (a test server): the first line it prints on stdout is
/// read at start; the destructor stops it (SIGTERM, then SIGKILL after 5 s) and reaps it.
/// stdin is /dev/null, stderr is the test's.
class BackgroundProcess {
  public:
    /// Starts `argv` (argv[0] is a path) and waits up to `first_line_timeout` for its first
    /// line. Throws std::runtime_error when it cannot start or prints no line in time.
    explicit BackgroundProcess(
        const std::vector<std::string>& argv,
        std::chrono::milliseconds first_line_timeout = std::chrono::seconds(10));
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    /// Waits up to `timeout` for the process to exit (a test sends the signal
    /// itself) and returns its exit code (128 + signal number when killed),
    /// or -1 when it is still running. Once it has exited, the destructor has
    /// nothing to stop.
    int wait_for_exit(std::chrono::milliseconds timeout);
    /// The first line printed, without its newline.
    const std::string& first_line() const { return first_line_; }
    pid_t pid() const { return pid_; }

  private:
    void stop();
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string first_line_;
};

/// A temporary folder removed (recursively) by the destructor.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

/// Reads a whole file into a string.
std::string slurp(const std::filesystem::path& path);

/// Writes `content` to `path`, creating parent folders.
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace talksearch::test
