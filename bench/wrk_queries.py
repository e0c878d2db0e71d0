#!/usr/bin/env python3
"""Writes a wrk Lua script that cycles through 300 search queries made from the
catalogue's titles: single words, pairs, phrases, year filters, wildcards and
ORs (scripts/bench-serve, scripts/bench-shards).

Usage: bench/wrk_queries.py PYVIDEO_DATA_DIR OUT.lua
"""
import json, os, random, re, sys
root, out = sys.argv[1], sys.argv[2]
rng = random.Random(2026)
titles = []
for event in sorted(os.listdir(root)):
    videos = os.path.join(root, event, "videos")
    if os.path.isdir(videos):
        for name in sorted(os.listdir(videos))[:20]:
            try:
                titles.append(json.load(open(os.path.join(videos, name)))["title"])
            except Exception:
                pass
words = [w.lower() for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)]
queries = []
for i in range(300):
    kind = i % 6
    if kind == 0: q = rng.choice(words)
    elif kind == 1: q = rng.choice(words) + " " + rng.choice(words)
    elif kind == 2:
        t = re.findall(r"[A-Za-z]+", rng.choice(titles))
        q = '"' + " ".join(t[:2]) + '"' if len(t) >= 2 else rng.choice(words)
    elif kind == 3: q = rng.choice(words) + " year:2015..2019"
    elif kind == 4: q = rng.choice(words)[:4] + "*"
    else: q = rng.choice(words) + " OR " + rng.choice(words)
    queries.append(q)
with open(out, "w") as f:
    f.write("local q = {\n")
    for q in queries:
        enc = "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in q)
        f.write('  "%s",\n' % enc)
    f.write("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
            '  return wrk.format("GET", "/api/v1/search?limit=10&q=" .. q[(i % #q) + 1])\nend\n')
