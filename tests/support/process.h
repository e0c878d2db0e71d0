// Running the real binaries from tests: argv in; exit code, stdout and
// stderr out. Test-only code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace talksearch::test {

/// What a finished process left behind.
struct ProcessResult {
    int exit_code = -1;  ///< the exit status, or 128 + signal number
    std::string out;
    std::string err;
};

/// Runs `argv` (argv[0] is a path) with extra environment entries
/// ("NAME=value"), waits for it, and returns what it printed.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env = {});

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
