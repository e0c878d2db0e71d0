#!/usr/bin/env python3
"""The engine comparison's tables (bench/README.md): reads what scripts/bench
measured in OUT/<talks>/ and prints Markdown with ratios against each baseline,
and writes OUT/report.json.

Usage: bench/report.py OUT SCALE [SCALE ...]
"""
import json
import math
import os
import sys

ENGINES = [("talksearch", "talksearch"), ("fts5", "FTS5 per cue"), ("lucene", "Lucene 8.8 per talk")]
CLASSES = ["rare", "mid", "common", "and", "phrase", "prefix", "year"]


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def percentile(values, p):
    """Nearest rank, as talksearch-bench-query computes it."""
    if not values:
        return None
    v = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(v)))
    return v[min(rank, len(v)) - 1]


def index_run(run, engine, phase="index"):
    """wall seconds, peak RSS (MB), exit status, index bytes (or None) of a
    build (phase "index") or an update (phase "update")."""
    line = read(os.path.join(run, f"{engine}.{phase}"))
    if not line:
        return None
    wall, rss_kb, status = line.split()[:3]
    size = None
    if engine == "talksearch":
        name = "talksearch.bytes" if phase == "index" else "talksearch.update.bytes"
        size = int(read(os.path.join(run, name), "0").strip() or 0)
    else:
        out = read(os.path.join(run, f"{engine}.{phase}.out"), "")
        for text in out.splitlines():
            try:
                record = json.loads(text)
            except ValueError:
                continue
            size = record.get("db_bytes") or record.get("index_bytes")
    return {"seconds": float(wall), "rss_mb": int(rss_kb) / 1024, "status": int(status),
            "bytes": size}


def query_runs(run, engine):
    """{class: [ms samples]}, {query key: matches}."""
    text = read(os.path.join(run, engine + ".queries.json"))
    if not text:
        return None, None
    data = json.loads(text)
    samples, matches = {}, {}
    for i, q in enumerate(data.get("queries", [])):
        cls = q.get("class")
        samples.setdefault(cls, []).extend(q.get("ms", []))
        count = q.get("matches_exact", q.get("matches"))
        matches[(cls, i)] = count
    return samples, matches


def fmt(v, digits=1):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def scale_report(out, n):
    run = os.path.join(out, str(n))
    corpus = json.loads(read(os.path.join(run, "corpus.json"), "{}") or "{}")
    caption_mb = corpus.get("caption_bytes", 0) / 1e6
    lines = [f"### {n:,} talks ({caption_mb:,.0f} MB of captions, "
             f"{corpus.get('cues', 0):,} cues)", ""]
    result = {"talks": n, "corpus": corpus, "index": {}, "queries": {}}

    lines += ["| engine | build s | talks/s | caption MB/s | peak RSS MB | index MB | "
              "index ÷ captions | talks/s ÷ FTS5 | talks/s ÷ Lucene |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    builds = {e: index_run(run, e) for e, _ in ENGINES}
    rate = {e: (n / b["seconds"] if b and b["seconds"] > 0 else None) for e, b in builds.items()}
    for engine, name in ENGINES:
        b = builds[engine]
        if not b:
            lines.append(f"| {name} | not run | | | | | | | |")
            continue
        size_mb = b["bytes"] / 1e6 if b["bytes"] else None
        note = "" if b["status"] in (0, 1) else f" (exit {b['status']})"
        lines.append(
            f"| {name}{note} | {fmt(b['seconds'])} | {fmt(rate[engine])} | "
            f"{fmt(caption_mb / b['seconds'] if b['seconds'] else None)} | {fmt(b['rss_mb'], 0)} | "
            f"{fmt(size_mb)} | {ratio(size_mb, caption_mb)} | {ratio(rate[engine], rate['fts5'])} | "
            f"{ratio(rate[engine], rate['lucene'])} |")
        result["index"][engine] = dict(b, talks_per_s=rate[engine])
    lines.append("")

    runs = {e: query_runs(run, e) for e, _ in ENGINES}
    lines += ["Full result page, warm, ms: p50 / p95 / p99 (3 passes pooled).", "",
              "| class | talksearch | FTS5 per cue | Lucene | p99 FTS5 ÷ talksearch | "
              "p99 Lucene ÷ talksearch | matches within 5% of FTS5 / Lucene |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for cls in CLASSES:
        cells, p99 = [], {}
        for engine, _ in ENGINES:
            samples = (runs[engine][0] or {}).get(cls) if runs[engine][0] else None
            if not samples:
                cells.append("–")
                continue
            p = [percentile(samples, x) for x in (50, 95, 99)]
            p99[engine] = p[2]
            cells.append(" / ".join(fmt(x, 2) for x in p))
            result["queries"].setdefault(engine, {})[cls] = {"p50": p[0], "p95": p[1], "p99": p[2]}

        def agreement(other):
            mine, theirs = runs["talksearch"][1], runs[other][1]
            if not mine or not theirs:
                return "–"
            keys = [k for k in mine if k[0] == cls and k in theirs]
            if not keys:
                return "–"
            close = sum(1 for k in keys
                        if abs((mine[k] or 0) - (theirs[k] or 0)) <= 0.05 * max(mine[k] or 0, theirs[k] or 0, 1))
            return f"{close}/{len(keys)}"

        lines.append(f"| {cls} | {cells[0]} | {cells[1]} | {cells[2]} | "
                     f"{ratio(p99.get('fts5'), p99.get('talksearch'))} | "
                     f"{ratio(p99.get('lucene'), p99.get('talksearch'))} | "
                     f"{agreement('fts5')} / {agreement('lucene')} |")
    lines.append("")

    variant = json.loads(read(os.path.join(run, "corpus-variant.json"), "{}") or "{}")
    updates = {e: index_run(run, e, "update") for e, _ in ENGINES}
    if any(updates.values()):
        lines += [f"Incremental update: {variant.get('changed_talks', '?')} talks "
                  "(1%) say other words.", "",
                  "| engine | update s | update s ÷ build s | size before → after MB | growth |",
                  "|---|---:|---:|---:|---:|"]
        for engine, name in ENGINES:
            u, b = updates[engine], builds[engine]
            if not u:
                lines.append(f"| {name} | not run | | | |")
                continue
            note = "" if u["status"] in (0, 1) else f" (exit {u['status']})"
            before = b["bytes"] / 1e6 if b and b["bytes"] else None
            after = u["bytes"] / 1e6 if u["bytes"] else None
            lines.append(f"| {name}{note} | {fmt(u['seconds'], 2)} | "
                         f"{ratio(u['seconds'], b['seconds'] if b else None)} | "
                         f"{fmt(before)} → {fmt(after)} | {ratio(after, before)} |")
            result.setdefault("update", {})[engine] = u
        lines.append("")
    return "\n".join(lines), result


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, scales = sys.argv[1], [int(s) for s in sys.argv[2:]]
    report = []
    print("## Engine comparison (scripts/bench)\n")
    for n in scales:
        text, result = scale_report(out, n)
        print(text)
        report.append(result)
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
