# Shell functions sourced by the scripts in scripts/ (not a command of its own).

# install_missing NAME PACKAGE...: installs the Debian packages that are not installed yet,
# saying so on stderr as NAME (root, or through sudo).
install_missing() {
  local name="$1" p
  shift
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "$name: installing ${missing[*]}" >&2
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# configure_sanitized SOURCE BUILD: configures the sanitized tree that scripts/test-sanitizers
# and scripts/fuzz share (build-asan): clang with AddressSanitizer and UndefinedBehaviorSanitizer,
# -O1 -g, without NDEBUG, and with libFuzzer's coverage in every library and the fuzz targets.
# One tree, so that CI compiles the libraries sanitized once, not twice; the coverage costs the
# sanitized tests little (their time is in processes, sockets and Xapian, which is not rebuilt).
configure_sanitized() {
  local source="$1" build="$2"
  CC=clang CXX=clang++ cmake -S "$source" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DTALKSEARCH_SANITIZE=ON -DTALKSEARCH_FUZZ=ON \
    -DTALKSEARCH_BENCH=OFF >/dev/null
}

# export_sanitizer_options SOURCE: the sanitizers' settings for the test and fuzz runs.
#   - ASan's new/delete size check is off: Xapian 1.4.22's Database::check frees with a size its
#     allocation did not have (inside libxapian).
#   - tests/sanitizers/lsan.supp names the leaks of libraries we do not build.
#   - A report exits 86, so that no test that expects our exit code 1 (inputs skipped) can pass
#     on one.
export_sanitizer_options() {
  export ASAN_OPTIONS="new_delete_type_mismatch=0:detect_leaks=1:abort_on_error=0:exitcode=86"
  export LSAN_OPTIONS="suppressions=$1/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"
}
