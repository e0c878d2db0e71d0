#!/usr/bin/env bash
# The Debian package as a user gets it: built with cpack from the build folder, installed with
# dpkg on this machine, its programs run on data/ (build, a query, serve answering curl on
# 127.0.0.1), its units checked with systemd-analyze verify, then removed and purged, leaving the
# machine as it was (no package, no talksearch user, no /var/lib/talksearch).
#
#   tests/package/package_test.sh BUILD_DIR SOURCE_DIR
#
# Prints one line per check and "N passed, N failed"; exits 1 on a failure and 77 (skipped) where
# it cannot run without changing what is not its own: not root, no dpkg, or a talksearch
# package, user or /var/lib/talksearch already there.
set -uo pipefail
build_dir="$(cd "$1" && pwd)"
source_dir="$(cd "$2" && pwd)"
passed=0 failed=0

skip() { echo "SKIPPED: $*"; exit 77; }
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {  # check NAME COMMAND...: the command's success is the check
  local name="$1"; shift
  if "$@" >"$work/check.out" 2>&1; then ok "$name"; else bad "$name"; sed 's/^/     /' "$work/check.out" | tail -20; fi
}

[ "$(id -u)" = 0 ] || skip "needs root to install a package"
command -v dpkg >/dev/null && command -v cpack >/dev/null || skip "needs dpkg and cpack"
dpkg -s talksearch >/dev/null 2>&1 && skip "a talksearch package is installed already"
getent passwd talksearch >/dev/null && skip "a talksearch user exists already"
[ -e /var/lib/talksearch ] && skip "/var/lib/talksearch exists already"

work="$(mktemp -d /tmp/talksearch-package.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  # Whatever happened, the machine is left as it was.
  dpkg -s talksearch >/dev/null 2>&1 && dpkg --purge talksearch >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The package.
(cd "$build_dir" && cpack -G DEB -B "$work/deb") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; bad "cpack builds the package"; }
deb="$(ls "$work"/deb/talksearch_*.deb 2>/dev/null | head -1)"
[ -n "$deb" ] || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
ok "cpack builds $(basename "$deb")"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "     Depends: $depends"
check "its dependencies are the real library packages, found by dpkg-shlibdeps" \
  bash -c 'for p in libxapian30 libcurl4 libmicrohttpd12 libsimdjson libutf8proc zlib1g adduser; do grep -q "$p" <<<"$1" || { echo "missing $p"; exit 1; }; done' _ "$depends"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
check "it holds the programs, their man pages, the units and the docs" \
  bash -c 'for f in ./usr/bin/talksearch-index ./usr/bin/talksearch-query ./usr/share/man/man1/talksearch-index.1 ./usr/share/man/man1/talksearch-query.1 ./usr/lib/systemd/system/talksearch-serve.service ./usr/lib/systemd/system/talksearch-update.service ./usr/lib/systemd/system/talksearch-update.timer ./usr/share/doc/talksearch/examples/sources.json ./usr/share/doc/talksearch/README.md; do grep -qx "$f" "$1" || { echo "missing $f"; exit 1; }; done' _ "$work/contents"

# 2. Installed, the maintainer script makes the user and the state folder, and starts nothing.
check "dpkg installs it" dpkg -i "$deb"
check "postinst made the talksearch system user and /var/lib/talksearch, owned by it" \
  bash -c 'getent passwd talksearch && [ "$(stat -c %U /var/lib/talksearch)" = talksearch ]'
check "--version names the version on both programs" \
  bash -c '/usr/bin/talksearch-index --version | grep -E "^talksearch-index [0-9]+\.[0-9]+\.[0-9]+" && /usr/bin/talksearch-query --version | grep -E "^talksearch-query [0-9]"'
check "man talksearch-index finds the installed page" bash -c 'man -w talksearch-index 2>/dev/null | grep -q /usr/share/man || [ -f /usr/share/man/man1/talksearch-index.1 ]'
check "the units verify (systemd-analyze verify)" \
  systemd-analyze verify /usr/lib/systemd/system/talksearch-serve.service \
    /usr/lib/systemd/system/talksearch-update.service /usr/lib/systemd/system/talksearch-update.timer

# 3. The installed programs on data/.
check "the installed talksearch-index builds an index of data/" \
  /usr/bin/talksearch-index build --talks "$source_dir/data/talks" --captions "$source_dir/data/captions" --index "$work/index"
check "the installed talksearch-query finds \"Decorators from the Ground Up\"" \
  bash -c '/usr/bin/talksearch-query --index "$1" decorators | grep -q "Decorators from the Ground Up"' _ "$work/index"
/usr/bin/talksearch-query serve --index "$work/index" --host 127.0.0.1 --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$work/serve.out" && break; sleep 0.1; done
base="$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)"
check "the installed server answers curl on 127.0.0.1" \
  bash -c 'curl -sf --max-time 10 "$1/api/v1/search?q=decorators" | grep -q "\"title\":\"Decorators from the Ground Up\""' _ "$base"
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""

# 4. Removing keeps the index; purging removes it and the user, and says so.
dpkg -r talksearch >"$work/remove.out" 2>&1
check "dpkg -r removes the programs and keeps /var/lib/talksearch, saying so" \
  bash -c '[ ! -e /usr/bin/talksearch-index ] && [ -d /var/lib/talksearch ] && grep -q "kept /var/lib/talksearch" "$1"' _ "$work/remove.out"
dpkg --purge talksearch >"$work/purge.out" 2>&1
check "dpkg --purge says what it removes and removes it" \
  bash -c 'grep -q "removing /var/lib/talksearch" "$1" && grep -q "removing the system user" "$1" && [ ! -e /var/lib/talksearch ]' _ "$work/purge.out"
check "the machine is as it was: no package, no talksearch user or group" \
  bash -c '! dpkg -s talksearch >/dev/null 2>&1 && ! getent passwd talksearch && ! getent group talksearch'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
