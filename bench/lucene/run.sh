#!/usr/bin/env bash
# run.sh ARGS...: run LuceneBench with the benchmark's JVM flags, passing ARGS through.
#
#   bench/lucene/run.sh index CORPUS INDEXDIR
#   bench/lucene/run.sh query INDEXDIR CORPUS/queries.tsv OUT.json [--passes 3] [--warmup-seconds 30]
#
# The classes are taken from LUCENE_BENCH_BUILD (default /tmp/lucene-build); build.sh is run
# first (its output on stderr) only when the class file is missing or older than the source, so
# a timed run measures the JVM alone. The last step is an exec: the process measured by
# `time -v` or /proc/<pid> is the JVM itself. Extra JVM flags: LUCENE_BENCH_JAVA_OPTS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${LUCENE_BENCH_BUILD:-/tmp/lucene-build}"

# shellcheck source=SCRIPTDIR/classpath.sh
source "$here/classpath.sh"

if ! command -v java >/dev/null 2>&1; then
    echo "error: java not found; install a JDK (apt-get install -y openjdk-17-jdk-headless)" >&2
    exit 2
fi

if [[ ! -f "$build/LuceneBench.class" || "$here/LuceneBench.java" -nt "$build/LuceneBench.class" ]]; then
    "$here/build.sh" "$build" >/dev/null
fi

# shellcheck disable=SC2086  # LUCENE_BENCH_JAVA_OPTS is a list of flags
exec java -Xmx2g -XX:+UseParallelGC ${LUCENE_BENCH_JAVA_OPTS:-} -cp "$build:$LUCENE_CP" LuceneBench "$@"
