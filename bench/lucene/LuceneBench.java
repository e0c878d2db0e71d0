/*
 * LuceneBench: the Lucene 8.8.1 comparator of the talksearch benchmark.
 *
 * Role (docs perf-baseline.md §6.2 item 3): "how fast can a mature inverted index go on the
 * 2-core VM". It indexes the benchmark corpus as one Lucene document per talk and times the full
 * result page (top 10 talks, each with a highlighted passage) for every query of queries.tsv, so
 * that talksearch's numbers can be put next to a well-tuned, widely used engine on the same
 * files and the same machine.
 *
 * Usage (run.sh adds the JVM flags -Xmx2g -XX:+UseParallelGC and the classpath):
 *
 *   LuceneBench index CORPUS INDEXDIR [--serial-merges]
 *   LuceneBench update CORPUS INDEXDIR CHANGED [--serial-merges]
 *   LuceneBench query INDEXDIR QUERIES OUT.json [--passes 3] [--warmup-seconds 30] [--seed 42]
 *                                               [--snippets]
 *
 * Exit status: 0 on success, 2 on bad usage or unreadable input (the message names the file),
 * 1 on any other failure. Results go to stdout (index, update) or OUT.json (query); progress
 * and summaries go to stderr.
 *
 * index: reads CORPUS/talks.tsv (header line starting with '#', then
 *   n<TAB>ytid<TAB>caption<TAB>year<TAB>event<TAB>slug<TAB>title) and each caption file (WebVTT or
 *   SRT, relative to CORPUS). The body of a talk is the plain text of its cues, tags removed and
 *   &amp; &lt; &gt; decoded, joined with single spaces. Fields:
 *     id     StringField (indexed, not stored), n as decimal text: update finds the talk by it
 *     n      StoredField + NumericDocValuesField (the page reads n from doc values)
 *     title  TextField, stored
 *     year   IntPoint (filter) + StoredField, only when the talk has a year
 *     body   text, stored, postings with DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS (the
 *            UnifiedHighlighter then takes offsets from the postings, no re-analysis)
 *   EnglishAnalyzer (StandardTokenizer, English possessive, lower case, English stopwords, Porter
 *   stemmer). IndexWriterConfig: OpenMode.CREATE, 256 MB RAM buffer, no compound files, documents
 *   added by the main thread only; merges use Lucene's default TieredMergePolicy and
 *   ConcurrentMergeScheduler (background merge threads, so the second core may be used while
 *   merging; --serial-merges runs them on the main thread instead). No forceMerge: the segments
 *   stay as the writer left them. Prints one JSON line on stdout:
 *     {"engine":"lucene-8.8-per-talk","talks":N,"seconds":S,"index_bytes":B,"segments":K}
 *   seconds = wall time (System.nanoTime) of reading + parsing + indexing + commit + close;
 *   index_bytes = total size of the files in INDEXDIR; segments = segments in the last commit.
 *
 * update: re-indexes the talks listed in CHANGED (one talk number n a line; blank lines and lines
 *   starting with '#' skipped; a number listed twice is updated once) in an existing INDEXDIR
 *   built by index. Each n is looked up in CORPUS/talks.tsv; its caption file is read again
 *   and writer.updateDocument(Term("id", n), doc) replaces the talk's document (atomically:
 *   the old one is deleted, the new one added; a talk not yet in the index is simply added) with
 *   exactly the document index builds (talkDocument). IndexWriterConfig as index, but
 *   OpenMode.APPEND: same EnglishAnalyzer, 256 MB RAM buffer, no compound files, the default
 *   TieredMergePolicy/ConcurrentMergeScheduler (--serial-merges as index). Then commit and close;
 *   no forceMerge, so the replaced documents stay as deletions in their old segments until a
 *   natural merge drops them. Checked before the writer is opened (exit 2, index untouched):
 *   every n is an integer, in talks.tsv and on one line only, every caption file is readable,
 *   and the index has the "id" field (one written before it was added must be rebuilt). A
 *   caption that still fails to read while updating rolls the writer back (exit 2). Prints one
 *   JSON line on stdout:
 *     {"engine":"lucene-8.8-per-talk","updated":K,"seconds":S,"index_bytes":B,"segments":G}
 *   K = talks updated; seconds = wall time (System.nanoTime) from opening the IndexWriter to the
 *   end of close (reading + parsing the K caption files, updateDocument, commit, close with any
 *   merges it waits for), not reading talks.tsv and CHANGED or the checks; index_bytes and
 *   segments as for index, after the update.
 *
 * query: reads QUERIES (lines class<TAB>words<TAB>year; '#' lines are comments), opens a
 *   DirectoryReader (MMapDirectory) and one IndexSearcher (single-threaded, default query cache),
 *   and builds every query programmatically (no QueryParser), each word analysed with the same
 *   EnglishAnalyzer:
 *     rare, mid, common, year   (title:t OR body:t), a BooleanQuery of two SHOULD clauses
 *     and                       each word's (title OR body) pair as a MUST clause
 *     phrase                    PhraseQuery on body, the analysed terms at the analyser's
 *                               positions (a removed stopword leaves a gap)
 *     prefix                    PrefixQuery on body with the raw stem (constant score rewrite)
 *     year column not empty     + FILTER IntPoint.newExactQuery("year", y)
 *   A word the analyser removes (a stopword) is dropped; a query with nothing left matches
 *   nothing (MatchNoDocsQuery).
 *   One timed "page" = analyse and build the query + searcher.search(q, 10) + read n of the 10
 *   hits from doc values + UnifiedHighlighter.highlight(body, q, top, 1): one passage per hit.
 *   Warm-up: loops over all queries in file order, untimed, for --warmup-seconds. Then --passes
 *   timed passes, each over all queries in a new order shuffled by java.util.Random(--seed).
 *   Afterwards, untimed: matches = searcher.count(q) and the top 10 n. Writes OUT.json:
 *     {"engine":"lucene-8.8-per-talk","queries":[{"class":..,"words":..,"year":2019|null,
 *      "matches":N,"top":[n,...],"ms":[t1,t2,t3]}, ...]}
 *   (--snippets adds "snippets":[...] with the passages of the top hits, for eyeballing).
 *
 * Highlighter settings, chosen so that the passage is a snippet comparable to talksearch's:
 *   maxLength = Integer.MAX_VALUE - 1 (the default, 10,000 chars, would ignore matches past the
 *   first third of a 27 KB transcript); passages are cut at word boundaries to about 160 chars
 *   centred on the match (LengthGoalBreakIterator over a word BreakIterator), because caption
 *   text often has no sentence punctuation and the default sentence BreakIterator would then
 *   return the whole transcript as one "passage".
 *
 * Semantic differences from talksearch (report them next to the numbers):
 *   - Stemming: Lucene indexes only Porter stems (EnglishAnalyzer); talksearch (Xapian
 *     STEM_SOME) indexes every word and its stem. Exact-form matching is not possible here.
 *   - Stopwords: EnglishAnalyzer drops 33 English stopwords at index and query time; a query
 *     word that is a stopword is dropped, and phrases match across any word in the gap.
 *   - Prefix: the raw stem is matched against Porter-stemmed index terms, on body only. Usually
 *     harmless ("comp*" matches "comput", the stem of "computer"), but a stem with a letter that
 *     Porter rewrites misses: "easy*" finds neither "easy" nor "easily" (indexed "easi",
 *     "easili"). Prefix matches all score the same, so their top 10 is in index order, not by
 *     relevance.
 *   - Result page: top 10 talks by BM25 (title and body summed), one highlighted passage per
 *     hit, no jump time (no cue timing is indexed) and no title or metadata rendering.
 *   - AND means both words anywhere in the talk (title or body), as in talksearch per talk.
 */

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.LengthGoalBreakIterator;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;

public final class LuceneBench {
    static final String ENGINE = "lucene-8.8-per-talk";
    static final int PAGE_SIZE = 10;
    /** Target passage length in chars for the highlighter (a snippet, not a paragraph). */
    static final int PASSAGE_CHARS = 160;

    static final String USAGE =
        "usage: LuceneBench index CORPUS INDEXDIR [--serial-merges]\n"
      + "       LuceneBench update CORPUS INDEXDIR CHANGED [--serial-merges]\n"
      + "       LuceneBench query INDEXDIR QUERIES OUT.json [--passes 3] [--warmup-seconds 30]"
      + " [--seed 42] [--snippets]\n";

    /** Bad usage or unreadable input: exit status 2. */
    static final class InputError extends Exception {
        private static final long serialVersionUID = 1L;
        InputError(String message) { super(message); }
    }

    /** Keeps JIT from discarding page work whose result is otherwise unused. */
    static long sink;

    public static void main(String[] args) {
        try {
            if (args.length == 0) throw new InputError("missing command");
            switch (args[0]) {
                case "index": index(Arrays.copyOfRange(args, 1, args.length)); break;
                case "query": query(Arrays.copyOfRange(args, 1, args.length)); break;
                case "update": update(Arrays.copyOfRange(args, 1, args.length)); break;
                case "-h": case "--help": System.out.print(USAGE); return;
                default: throw new InputError("unknown command '" + args[0] + "'");
            }
        } catch (InputError e) {
            System.err.println("LuceneBench: " + e.getMessage());
            if (e.getMessage().startsWith("missing command") || e.getMessage().startsWith("unknown command")
                || e.getMessage().startsWith("usage")) System.err.print(USAGE);
            System.exit(2);
        } catch (Exception | Error e) {
            System.err.println("LuceneBench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);  // ConcurrentMergeScheduler threads are done, but be explicit
    }

    // ---------------------------------------------------------------------------------------
    // Captions

    /** The plain text of a caption file: cue texts joined with single spaces. */
    static final class Captions {
        final String text;
        final int cues;
        /** Start of each cue in ms (-1 if its timing line did not parse). */
        final int[] startMs;
        Captions(String text, int cues, int[] startMs) {
            this.text = text; this.cues = cues; this.startMs = startMs;
        }
    }

    /**
     * Parses WebVTT or SRT: every line after a timing line ("... --> ...") up to the next blank
     * line is cue text. Everything else (WEBVTT header, NOTE/STYLE blocks, SRT index lines, cue
     * identifiers) is skipped. Tags (<i>, <c.x>, <00:01:02.000>) are removed, &amp; &lt; &gt;
     * (and &nbsp; &quot; &apos;) decoded.
     */
    static Captions parseCaptions(String src) {
        StringBuilder out = new StringBuilder(src.length() / 2 + 16);
        int[] starts = new int[256];
        int cues = 0;
        boolean inCue = false;
        int len = src.length();
        int i = (len > 0 && src.charAt(0) == '\uFEFF') ? 1 : 0;
        while (i < len) {
            int eol = src.indexOf('\n', i);
            if (eol < 0) eol = len;
            int end = eol;
            if (end > i && src.charAt(end - 1) == '\r') end--;
            int arrow = indexOf(src, "-->", i, end);
            if (arrow >= 0) {
                if (cues == starts.length) starts = Arrays.copyOf(starts, cues * 2);
                starts[cues++] = parseTimestamp(src, i, arrow);
                inCue = true;
            } else if (isBlank(src, i, end)) {
                inCue = false;
            } else if (inCue) {
                appendCleanText(out, src, i, end);
            }
            i = eol + 1;
        }
        // appendCleanText puts a space before every line; drop the leading one.
        String text = (out.length() > 0 && out.charAt(0) == ' ') ? out.substring(1) : out.toString();
        return new Captions(text, cues, Arrays.copyOf(starts, cues));
    }

    static int indexOf(String s, String needle, int from, int to) {
        int k = s.indexOf(needle, from);
        return (k >= 0 && k + needle.length() <= to) ? k : -1;
    }

    static boolean isBlank(String s, int from, int to) {
        for (int k = from; k < to; k++) if (!Character.isWhitespace(s.charAt(k))) return false;
        return true;
    }

    /** "hh:mm:ss.mmm", "mm:ss.mmm" or SRT's "hh:mm:ss,mmm" before the arrow; -1 if malformed. */
    static int parseTimestamp(String s, int from, int to) {
        while (from < to && s.charAt(from) == ' ') from++;
        long total = 0, field = 0, frac = 0;
        int fracDigits = 0, digits = 0;
        boolean inFrac = false;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c >= '0' && c <= '9') {
                if (inFrac) { if (fracDigits < 3) { frac = frac * 10 + (c - '0'); fracDigits++; } }
                else { field = field * 10 + (c - '0'); digits++; }
            } else if (c == ':' && !inFrac && digits > 0) {
                total = total * 60 + field; field = 0; digits = 0;
            } else if ((c == '.' || c == ',') && !inFrac && digits > 0) {
                inFrac = true;
            } else if (c == ' ' || c == '\t') {
                break;
            } else {
                return -1;
            }
        }
        if (digits == 0) return -1;
        while (fracDigits < 3) { frac *= 10; fracDigits++; }
        long ms = (total * 60 + field) * 1000 + frac;
        return ms > Integer.MAX_VALUE ? -1 : (int) ms;
    }

    /** Appends ' ' + the line without tags and with entities decoded. */
    static void appendCleanText(StringBuilder out, String s, int from, int to) {
        out.append(' ');
        int k = from;
        while (k < to) {
            char c = s.charAt(k);
            if (c == '<') {
                int close = s.indexOf('>', k + 1);
                if (close >= 0 && close < to) { k = close + 1; continue; }
                out.append(c);  // a lone '<' is text
            } else if (c == '&') {
                int semi = s.indexOf(';', k + 1);
                if (semi > k && semi < to && semi - k <= 6) {
                    String ent = s.substring(k + 1, semi);
                    String rep;
                    switch (ent) {
                        case "amp": rep = "&"; break;
                        case "lt": rep = "<"; break;
                        case "gt": rep = ">"; break;
                        case "nbsp": rep = " "; break;
                        case "quot": rep = "\""; break;
                        case "apos": rep = "'"; break;
                        default: rep = null;
                    }
                    if (rep != null) { out.append(rep); k = semi + 1; continue; }
                }
                out.append(c);
            } else {
                out.append(c);
            }
            k++;
        }
    }

    // ---------------------------------------------------------------------------------------
    // index

    static final FieldType BODY_TYPE = new FieldType();
    static {
        BODY_TYPE.setTokenized(true);
        BODY_TYPE.setStored(true);
        BODY_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        BODY_TYPE.freeze();
    }

    /** One row of talks.tsv: what the document of a talk is built from (besides its captions). */
    static final class TalkRow {
        final int n;
        final Integer year;  // null: no year
        final String title;
        final Path caption;
        final String where;  // "talks.tsv:LINE", for messages
        TalkRow(int n, Integer year, String title, Path caption, String where) {
            this.n = n; this.year = year; this.title = title; this.caption = caption; this.where = where;
        }
    }

    /** Parses one non-comment line of talks.tsv (n, ytid, caption, year, event, slug, title). */
    static TalkRow parseTalkRow(Path corpus, String line, String where) throws InputError {
        String[] f = line.split("\t", -1);
        if (f.length < 4) throw new InputError(where + ": expected at least 4 tab-separated fields, got " + f.length);
        int n = parseIntField(f[0], where, "n");
        String yearText = f[3].trim();
        Integer year = yearText.isEmpty() ? null : parseIntField(yearText, where, "year");
        String title = f.length > 6 ? f[6] : "";
        return new TalkRow(n, year, title, corpus.resolve(f[2]), where);
    }

    /** The raw bytes of a talk's caption file; an unreadable file is an input error (exit 2). */
    static byte[] readCaption(TalkRow t) throws InputError {
        try {
            return Files.readAllBytes(t.caption);
        } catch (IOException e) {
            throw new InputError(t.caption + ": cannot read caption file (listed at " + t.where + "): "
                + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
        }
    }

    /** The term that identifies talk n: field "id", n as decimal text (a StringField). */
    static Term idTerm(int n) { return new Term("id", Integer.toString(n)); }

    /** The document of one talk, as both index and update write it. */
    static Document talkDocument(TalkRow t, Captions cap) {
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(t.n), Field.Store.NO));  // for updateDocument
        doc.add(new StoredField("n", t.n));
        doc.add(new NumericDocValuesField("n", t.n));
        doc.add(new TextField("title", t.title, Field.Store.YES));
        if (t.year != null) {
            doc.add(new IntPoint("year", t.year));
            doc.add(new StoredField("year", t.year));
        }
        doc.add(new Field("body", cap.text, BODY_TYPE));
        return doc;
    }

    /** The IndexWriter configuration of both index (CREATE) and update (APPEND). */
    static IndexWriterConfig writerConfig(Analyzer analyzer, IndexWriterConfig.OpenMode mode, boolean serialMerges) {
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
            .setOpenMode(mode)
            .setRAMBufferSizeMB(256)
            .setUseCompoundFile(false);
        if (serialMerges) cfg.setMergeScheduler(new SerialMergeScheduler());
        return cfg;
    }

    /**
     * The arguments of a writing command: CORPUS INDEXDIR and any further positional arguments,
     * and --serial-merges. The corpus's talks.tsv must be readable.
     */
    static final class WriterArgs {
        final List<String> pos = new ArrayList<>();
        boolean serialMerges = false;
        final Path corpus;
        final Path indexDir;
        final Path talksTsv;

        WriterArgs(String[] args, int count, String usage) throws InputError {
            for (String a : args) {
                if (a.equals("--serial-merges")) serialMerges = true;
                else if (a.startsWith("--")) throw new InputError("usage: unknown option " + a);
                else pos.add(a);
            }
            if (pos.size() != count) throw new InputError("usage: " + usage);
            corpus = Paths.get(pos.get(0));
            indexDir = Paths.get(pos.get(1));
            talksTsv = corpus.resolve("talks.tsv");
            if (!Files.isReadable(talksTsv)) throw new InputError(talksTsv + ": cannot read (no such file?)");
        }
    }

    static void index(String[] args) throws Exception {
        WriterArgs parsed = new WriterArgs(args, 2, "index needs CORPUS and INDEXDIR");
        boolean serialMerges = parsed.serialMerges;
        Path corpus = parsed.corpus;
        Path indexDir = parsed.indexDir;
        Path talksTsv = parsed.talksTsv;
        if (Files.exists(indexDir) && !Files.isDirectory(indexDir))
            throw new InputError(indexDir + ": exists and is not a directory");
        Files.createDirectories(indexDir);

        long t0 = System.nanoTime();
        List<String> lines = readLines(talksTsv);
        Analyzer analyzer = new EnglishAnalyzer();
        IndexWriterConfig cfg = writerConfig(analyzer, IndexWriterConfig.OpenMode.CREATE, serialMerges);
        int talks = 0;
        long captionBytes = 0, textChars = 0, cues = 0;
        try (Directory dir = FSDirectory.open(indexDir)) {
          IndexWriter writer = new IndexWriter(dir, cfg);
          try {
            for (int ln = 0; ln < lines.size(); ln++) {
                String line = lines.get(ln);
                if (line.isEmpty() || line.startsWith("#")) continue;
                TalkRow row = parseTalkRow(corpus, line, talksTsv + ":" + (ln + 1));
                byte[] raw = readCaption(row);
                captionBytes += raw.length;
                Captions cap = parseCaptions(new String(raw, StandardCharsets.UTF_8));
                textChars += cap.text.length();
                cues += cap.cues;
                writer.addDocument(talkDocument(row, cap));
                talks++;
                if (talks % 1000 == 0) System.err.printf(Locale.ROOT, "indexed %d talks, %.1f s%n", talks, secondsSince(t0));
            }
            writer.commit();
            writer.close();  // waits for running merges, then commits their result
          } catch (Exception | Error e) {
            // close() would commit the talks added so far: an input error must not leave a
            // half-built index that looks complete.
            try { writer.rollback(); } catch (Exception | Error r) { e.addSuppressed(r); }
            throw e;
          }
        }
        double seconds = secondsSince(t0);

        int segments;
        try (Directory dir = FSDirectory.open(indexDir)) {
            segments = SegmentInfos.readLatestCommit(dir).size();
        }
        long indexBytes = directoryBytes(indexDir);
        System.err.printf(Locale.ROOT,
            "Lucene %s: %d talks, %d cues, %.1f MB captions, %.1f M chars of text, %.3f s (%.1f talks/s, %.2f MB/s of captions)%n",
            Version.LATEST, talks, cues, captionBytes / 1e6, textChars / 1e6, seconds,
            talks / seconds, captionBytes / 1e6 / seconds);
        System.out.printf(Locale.ROOT,
            "{\"engine\":\"%s\",\"talks\":%d,\"seconds\":%.3f,\"index_bytes\":%d,\"segments\":%d}%n",
            ENGINE, talks, seconds, indexBytes, segments);
    }

    // ---------------------------------------------------------------------------------------
    // update

    static void update(String[] args) throws Exception {
        WriterArgs parsed = new WriterArgs(args, 3, "update needs CORPUS INDEXDIR CHANGED");
        boolean serialMerges = parsed.serialMerges;
        Path corpus = parsed.corpus;
        Path indexDir = parsed.indexDir;
        Path talksTsv = parsed.talksTsv;
        Path changedFile = Paths.get(parsed.pos.get(2));
        if (!Files.isReadable(changedFile)) throw new InputError(changedFile + ": cannot read (no such file?)");

        // CHANGED: one talk number a line; blank lines and '#' lines skipped; duplicates once.
        Set<Integer> changed = new LinkedHashSet<>();
        List<String> changedLines = readLines(changedFile);
        for (int ln = 0; ln < changedLines.size(); ln++) {
            String line = changedLines.get(ln).trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            changed.add(parseIntField(line, changedFile + ":" + (ln + 1), "talk number"));
        }

        // talks.tsv: every row parsed (as index does), the listed ones kept.
        Map<Integer, TalkRow> rows = new HashMap<>();
        Set<Integer> duplicated = new TreeSet<>();
        List<String> lines = readLines(talksTsv);
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            if (line.isEmpty() || line.startsWith("#")) continue;
            TalkRow row = parseTalkRow(corpus, line, talksTsv + ":" + (ln + 1));
            if (!changed.contains(row.n)) continue;
            if (rows.putIfAbsent(row.n, row) != null) duplicated.add(row.n);
        }
        List<Integer> unknown = new ArrayList<>();
        for (int n : changed) if (!rows.containsKey(n)) unknown.add(n);
        if (!unknown.isEmpty())
            throw new InputError(changedFile + ": talk number" + (unknown.size() == 1 ? "" : "s") + " not in "
                + talksTsv + ": " + joinInts(unknown));
        if (!duplicated.isEmpty())
            throw new InputError(talksTsv + ": talk number" + (duplicated.size() == 1 ? "" : "s")
                + " on more than one line (which one to update?): " + joinInts(duplicated));
        // Checked before the writer is opened, so that a bad input leaves the index untouched;
        // a file that fails to read later still stops the update (rolled back, exit 2).
        List<String> unreadable = new ArrayList<>();
        for (int n : changed) {
            TalkRow row = rows.get(n);
            if (!Files.isRegularFile(row.caption) || !Files.isReadable(row.caption))
                unreadable.add(row.caption + " (talk " + n + ", " + row.where + ")");
        }
        if (!unreadable.isEmpty())
            throw new InputError("cannot read caption file" + (unreadable.size() == 1 ? "" : "s") + ": "
                + String.join(", ", unreadable));

        if (!Files.isDirectory(indexDir)) throw new InputError(indexDir + ": no such directory");
        try (Directory dir = FSDirectory.open(indexDir)) {
            if (!DirectoryReader.indexExists(dir)) throw new InputError(indexDir + ": no Lucene index here");
            // An index written before talks had an "id" term cannot be updated: updateDocument
            // would delete nothing and add a second document for the talk.
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                if (reader.maxDoc() > 0 && FieldInfos.getMergedFieldInfos(reader).fieldInfo("id") == null)
                    throw new InputError(indexDir + ": index has no \"id\" field (written by an older"
                        + " LuceneBench); rebuild it with the index command");
            }
        }

        Analyzer analyzer = new EnglishAnalyzer();
        IndexWriterConfig cfg = writerConfig(analyzer, IndexWriterConfig.OpenMode.APPEND, serialMerges);
        int updated = 0;
        long captionBytes = 0;
        long t0;
        double seconds;
        try (Directory dir = FSDirectory.open(indexDir)) {
          t0 = System.nanoTime();
          IndexWriter writer = new IndexWriter(dir, cfg);
          try {
            for (int n : changed) {
                TalkRow row = rows.get(n);
                byte[] raw = readCaption(row);
                captionBytes += raw.length;
                Captions cap = parseCaptions(new String(raw, StandardCharsets.UTF_8));
                writer.updateDocument(idTerm(n), talkDocument(row, cap));
                updated++;
            }
            writer.commit();
            writer.close();  // waits for running merges, then commits their result
          } catch (Exception | Error e) {
            // Leave the index at its previous commit.
            try { writer.rollback(); } catch (Exception | Error r) { e.addSuppressed(r); }
            throw e;
          }
          seconds = secondsSince(t0);
        }

        int segments;
        long liveDocs = 0;
        try (Directory dir = FSDirectory.open(indexDir)) {
            SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
            segments = infos.size();
            for (SegmentCommitInfo si : infos) liveDocs += si.info.maxDoc() - si.getDelCount() - si.getSoftDelCount();
        }
        long indexBytes = directoryBytes(indexDir);
        System.err.printf(Locale.ROOT,
            "Lucene %s: updated %d talks (%.2f MB captions) in %.3f s; the index now holds %d talks in %d segments%n",
            Version.LATEST, updated, captionBytes / 1e6, seconds, liveDocs, segments);
        System.out.printf(Locale.ROOT,
            "{\"engine\":\"%s\",\"updated\":%d,\"seconds\":%.3f,\"index_bytes\":%d,\"segments\":%d}%n",
            ENGINE, updated, seconds, indexBytes, segments);
    }

    static String joinInts(Iterable<Integer> xs) {
        StringBuilder o = new StringBuilder();
        for (int x : xs) o.append(o.length() > 0 ? ", " : "").append(x);
        return o.toString();
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try { return Files.size(p); } catch (IOException e) { throw new UncheckedIOException(e); }
            }).sum();
        }
    }

    // ---------------------------------------------------------------------------------------
    // query

    /** One line of queries.tsv. */
    static final class QuerySpec {
        final String cls;
        final String words;
        final Integer year;  // null: no year filter
        QuerySpec(String cls, String words, Integer year) { this.cls = cls; this.words = words; this.year = year; }
    }

    static List<QuerySpec> readQueries(Path file) throws IOException, InputError {
        if (!Files.isReadable(file)) throw new InputError(file + ": cannot read (no such file?)");
        List<String> lines = readLines(file);
        List<QuerySpec> out = new ArrayList<>();
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            if (line.isBlank() || line.startsWith("#")) continue;
            String where = file + ":" + (ln + 1);
            String[] f = line.split("\t", -1);
            if (f.length < 2 || f.length > 3) throw new InputError(where + ": expected class<TAB>words<TAB>year");
            String cls = f[0].trim(), words = f[1].trim();
            String yearText = f.length == 3 ? f[2].trim() : "";
            int nWords = words.isEmpty() ? 0 : words.split(" ").length;
            switch (cls) {
                case "rare": case "mid": case "common": case "year": case "prefix":
                    if (nWords != 1) throw new InputError(where + ": class " + cls + " takes one word, got '" + words + "'");
                    break;
                case "and":
                    if (nWords < 2) throw new InputError(where + ": class and takes two words, got '" + words + "'");
                    break;
                case "phrase":
                    if (nWords < 2) throw new InputError(where + ": class phrase takes 2 or 3 words, got '" + words + "'");
                    break;
                default:
                    throw new InputError(where + ": unknown class '" + cls + "'");
            }
            Integer year = yearText.isEmpty() ? null : parseIntField(yearText, where, "year");
            out.add(new QuerySpec(cls, words, year));
        }
        return out;
    }

    /** An analysed token: its term and its position (from the position increments). */
    static final class Token {
        final String term;
        final int position;
        Token(String term, int position) { this.term = term; this.position = position; }
    }

    static List<Token> analyse(Analyzer analyzer, String field, String text) throws IOException {
        List<Token> out = new ArrayList<>(4);
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int pos = -1;
            while (ts.incrementToken()) {
                pos += inc.getPositionIncrement();
                out.add(new Token(term.toString(), pos));
            }
            ts.end();
        }
        return out;
    }

    /** title:t OR body:t for one analysed term. */
    static Query anyField(String term) {
        return new BooleanQuery.Builder()
            .add(new TermQuery(new Term("body", term)), Occur.SHOULD)
            .add(new TermQuery(new Term("title", term)), Occur.SHOULD)
            .build();
    }

    /** A query word in title or body; null if the analyser removes it (a stopword). */
    static Query wordQuery(Analyzer analyzer, String word) throws IOException {
        List<Token> toks = analyse(analyzer, "body", word);
        if (toks.isEmpty()) return null;
        if (toks.size() == 1) return anyField(toks.get(0).term);
        BooleanQuery.Builder b = new BooleanQuery.Builder();  // a "word" the tokenizer splits
        for (Token t : toks) b.add(anyField(t.term), Occur.MUST);
        return b.build();
    }

    /** The Lucene query for one line of queries.tsv (query analysis included). */
    static Query buildQuery(Analyzer analyzer, QuerySpec spec) throws IOException {
        Query core;
        switch (spec.cls) {
            case "and": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                int kept = 0;
                for (String w : spec.words.split(" ")) {
                    Query q = wordQuery(analyzer, w);
                    if (q != null) { b.add(q, Occur.MUST); kept++; }
                }
                core = kept == 0 ? null : b.build();
                break;
            }
            case "phrase": {
                List<Token> toks = analyse(analyzer, "body", spec.words);
                if (toks.isEmpty()) { core = null; break; }
                if (toks.size() == 1) { core = new TermQuery(new Term("body", toks.get(0).term)); break; }
                PhraseQuery.Builder b = new PhraseQuery.Builder();
                int first = toks.get(0).position;
                for (Token t : toks) b.add(new Term("body", t.term), t.position - first);
                core = b.build();
                break;
            }
            case "prefix":
                core = new PrefixQuery(new Term("body", spec.words));
                break;
            default:  // rare, mid, common, year: one word
                core = wordQuery(analyzer, spec.words);
        }
        if (core == null) return new MatchNoDocsQuery("every query word is a stopword");
        if (spec.year == null) return core;
        return new BooleanQuery.Builder()
            .add(core, Occur.MUST)
            .add(IntPoint.newExactQuery("year", spec.year), Occur.FILTER)
            .build();
    }

    /** What one result page holds. */
    static final class Page {
        final int[] talks;
        final String[] passages;
        Page(int[] talks, String[] passages) { this.talks = talks; this.passages = passages; }
    }

    /** Everything the query side needs, opened once. */
    static final class Engine {
        final IndexSearcher searcher;
        final Analyzer analyzer;
        final UnifiedHighlighter highlighter;
        final List<LeafReaderContext> leaves;

        Engine(DirectoryReader reader) {
            searcher = new IndexSearcher(reader);
            analyzer = new EnglishAnalyzer();
            leaves = reader.leaves();
            highlighter = new UnifiedHighlighter(searcher, analyzer);
            highlighter.setMaxLength(Integer.MAX_VALUE - 1);
            highlighter.setBreakIterator(() -> LengthGoalBreakIterator.createClosestToLength(
                BreakIterator.getWordInstance(Locale.ROOT), PASSAGE_CHARS, 0.5f));
        }

        /** The full page: build, search top 10, read n from doc values, one passage per hit. */
        Page page(QuerySpec spec) throws IOException {
            Query q = buildQuery(analyzer, spec);
            TopDocs top = searcher.search(q, PAGE_SIZE);
            int[] ns = new int[top.scoreDocs.length];
            for (int k = 0; k < ns.length; k++) ns[k] = talkNumber(top.scoreDocs[k].doc);
            String[] passages = top.scoreDocs.length == 0 ? new String[0] : highlighter.highlight("body", q, top, 1);
            return new Page(ns, passages);
        }

        int talkNumber(int doc) throws IOException {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
            NumericDocValues dv = leaf.reader().getNumericDocValues("n");
            if (dv == null || !dv.advanceExact(doc - leaf.docBase)) throw new IOException("doc " + doc + " has no n");
            return (int) dv.longValue();
        }
    }

    static void query(String[] args) throws Exception {
        List<String> pos = new ArrayList<>();
        int passes = 3;
        double warmupSeconds = 30;
        long seed = 42;
        boolean snippets = false;
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            switch (a) {
                case "--passes": passes = (int) numberOption(args, ++k, a, 1); break;
                case "--warmup-seconds": warmupSeconds = numberOption(args, ++k, a, 0); break;
                case "--seed": seed = (long) numberOption(args, ++k, a, Long.MIN_VALUE); break;
                case "--snippets": snippets = true; break;
                default:
                    if (a.startsWith("--")) throw new InputError("usage: unknown option " + a);
                    pos.add(a);
            }
        }
        if (pos.size() != 3) throw new InputError("usage: query needs INDEXDIR QUERIES OUT.json");
        Path indexDir = Paths.get(pos.get(0));
        Path queriesFile = Paths.get(pos.get(1));
        Path outFile = Paths.get(pos.get(2));

        List<QuerySpec> specs = readQueries(queriesFile);
        Path outDir = outFile.toAbsolutePath().getParent();
        if (outDir == null || !Files.isDirectory(outDir) || !Files.isWritable(outDir))
            throw new InputError(outFile + ": cannot write (no such directory, or not writable)");
        if (!Files.isDirectory(indexDir)) throw new InputError(indexDir + ": no such directory");
        try (Directory dir = FSDirectory.open(indexDir)) {
            if (!DirectoryReader.indexExists(dir)) throw new InputError(indexDir + ": no Lucene index here");
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                Engine engine = new Engine(reader);
                System.err.printf(Locale.ROOT, "Lucene %s: %d talks in %d segments, %d queries%n",
                    Version.LATEST, reader.numDocs(), reader.leaves().size(), specs.size());

                // Warm-up, untimed: all queries in file order, again and again.
                long warmed = 0;
                long deadline = System.nanoTime() + (long) (warmupSeconds * 1e9);
                while (!specs.isEmpty() && System.nanoTime() < deadline) {
                    for (QuerySpec s : specs) {
                        consume(engine.page(s));
                        warmed++;
                        if (System.nanoTime() >= deadline) break;
                    }
                }
                System.err.printf(Locale.ROOT, "warm-up: %d pages in %.1f s%n", warmed, warmupSeconds);

                // Timed passes, each in a new shuffled order.
                double[][] ms = new double[specs.size()][passes];
                List<Integer> order = new ArrayList<>(specs.size());
                for (int k = 0; k < specs.size(); k++) order.add(k);
                Random rnd = new Random(seed);
                for (int p = 0; p < passes; p++) {
                    Collections.shuffle(order, rnd);
                    long passStart = System.nanoTime();
                    for (int k : order) {
                        long t = System.nanoTime();
                        Page page = engine.page(specs.get(k));
                        ms[k][p] = (System.nanoTime() - t) / 1e6;
                        consume(page);
                    }
                    System.err.printf(Locale.ROOT, "pass %d: %.1f ms%n", p + 1, (System.nanoTime() - passStart) / 1e6);
                }

                // Untimed: exact counts and the top 10 of each query.
                try (BufferedWriter w = Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)) {
                    w.write("{\"engine\":");
                    w.write(jsonString(ENGINE));
                    w.write(",\"queries\":[");
                    for (int k = 0; k < specs.size(); k++) {
                        QuerySpec s = specs.get(k);
                        int matches = engine.searcher.count(buildQuery(engine.analyzer, s));
                        Page page = engine.page(s);
                        StringBuilder o = new StringBuilder(256);
                        if (k > 0) o.append(',');
                        o.append("\n{\"class\":").append(jsonString(s.cls))
                         .append(",\"words\":").append(jsonString(s.words))
                         .append(",\"year\":").append(s.year == null ? "null" : s.year.toString())
                         .append(",\"matches\":").append(matches)
                         .append(",\"top\":[");
                        for (int h = 0; h < page.talks.length; h++) o.append(h > 0 ? "," : "").append(page.talks[h]);
                        o.append("],\"ms\":[");
                        for (int p = 0; p < passes; p++)
                            o.append(p > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", ms[k][p]));
                        o.append(']');
                        if (snippets) {
                            o.append(",\"snippets\":[");
                            for (int h = 0; h < page.passages.length; h++)
                                o.append(h > 0 ? "," : "").append(page.passages[h] == null ? "null" : jsonString(page.passages[h]));
                            o.append(']');
                        }
                        o.append('}');
                        w.write(o.toString());
                    }
                    w.write("\n]}\n");
                } catch (NoSuchFileException e) {
                    throw new InputError(outFile + ": cannot write (no such directory?)");
                }
                System.err.printf(Locale.ROOT, "wrote %s (checksum %d)%n", outFile, sink);
            }
        }
    }

    static void consume(Page page) {
        sink += page.talks.length;
        for (String s : page.passages) if (s != null) sink += s.length();
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    static List<String> readLines(Path file) throws InputError {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError(file + ": cannot read: " + e);
        }
    }

    static int parseIntField(String s, String where, String what) throws InputError {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new InputError(where + ": " + what + " is not an integer: '" + s + "'");
        }
    }

    static double numberOption(String[] args, int k, String name, double min) throws InputError {
        if (k >= args.length) throw new InputError("usage: " + name + " needs a value");
        double v;
        try {
            v = Double.parseDouble(args[k]);
        } catch (NumberFormatException e) {
            throw new InputError("usage: " + name + " needs a number, got '" + args[k] + "'");
        }
        if (v < min || Double.isNaN(v)) throw new InputError("usage: " + name + " must be >= " + min);
        return v;
    }

    static double secondsSince(long t0) { return (System.nanoTime() - t0) / 1e9; }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String s) {
        StringBuilder o = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"': o.append("\\\""); break;
                case '\\': o.append("\\\\"); break;
                case '\n': o.append("\\n"); break;
                case '\r': o.append("\\r"); break;
                case '\t': o.append("\\t"); break;
                case '\b': o.append("\\b"); break;
                case '\f': o.append("\\f"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') o.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else o.append(c);
            }
        }
        return o.append('"').toString();
    }
}
