# shellcheck shell=bash
# classpath.sh: sourced by build.sh and run.sh (not run on its own).
#
# Sets LUCENE_CP to the Lucene jars that LuceneBench needs, from Debian's liblucene8-java
# (Lucene 8.8.1; the files are named *-8.7.0.jar but Version.LATEST reports 8.8.1).
# LUCENE_JAR_DIR overrides the directory (default /usr/share/java). On a missing jar it prints
# what to install and exits with 2.
#
#   core, analyzers-common   IndexWriter, IndexSearcher, EnglishAnalyzer
#   highlighter              UnifiedHighlighter; it depends on queries and memory
#   queryparser              listed for completeness (LuceneBench builds queries itself);
#                            it depends on queries and sandbox

lucene_jar_dir="${LUCENE_JAR_DIR:-/usr/share/java}"
LUCENE_CP=""
for lucene_module in core analyzers-common highlighter queries memory queryparser sandbox; do
    # Versioned names only (lucene-core-8.7.0.jar); pick the highest version if several.
    lucene_jar="$(printf '%s\n' "$lucene_jar_dir"/lucene-"$lucene_module"-[0-9]*.jar | sort -V | tail -n 1)"
    # An unmatched glob stays literal, so a missing module fails the -r test.
    if [[ ! -r "$lucene_jar" ]]; then
        echo "error: $lucene_jar_dir/lucene-$lucene_module-*.jar not found." >&2
        echo "       Install Lucene 8 with: apt-get install -y liblucene8-java" >&2
        echo "       (or point LUCENE_JAR_DIR at a directory holding the Lucene 8 jars)" >&2
        exit 2
    fi
    LUCENE_CP="${LUCENE_CP:+$LUCENE_CP:}$lucene_jar"
done
unset lucene_module lucene_jar lucene_jar_dir
