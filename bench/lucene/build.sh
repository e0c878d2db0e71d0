#!/usr/bin/env bash
# build.sh [OUTDIR]: compile LuceneBench.java into OUTDIR (default /tmp/lucene-build) and print
# the classpath to run it with on stdout (OUTDIR first, then the Lucene jars).
#
#   cp="$(bench/lucene/build.sh /tmp/lucene-build)"
#   java -Xmx2g -XX:+UseParallelGC -cp "$cp" LuceneBench index CORPUS INDEXDIR
#
# Needs javac (JDK 17) and Debian's liblucene8-java. Build outputs never go into the repo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-/tmp/lucene-build}"

# shellcheck source=SCRIPTDIR/classpath.sh
source "$here/classpath.sh"

if ! command -v javac >/dev/null 2>&1; then
    echo "error: javac not found; install a JDK (apt-get install -y openjdk-17-jdk-headless)" >&2
    exit 2
fi

mkdir -p "$out"
javac -encoding UTF-8 -Xlint:all -Xlint:-options -d "$out" -cp "$LUCENE_CP" "$here/LuceneBench.java" >&2
echo "$out:$LUCENE_CP"
