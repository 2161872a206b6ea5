#!/usr/bin/env python3
"""Translation-memory benchmark: import, concordance and fuzzy lookup at a million units.

The memory is built from the 2,000 UN sentence pairs of
``../shared/data/un_devset_first2000.{es,en}``: unit ``k`` is pair ``k % 2000``
with a UN paragraph number ``k // 2000 + 1`` in front and every number in it
raised by ``k // 2000`` (on both sides), so that the million units are all
distinct, as in a memory of many numbered reports that repeat their wording.
They are written as TMX files of 100,000 units in a temporary folder and
imported with ``import_files`` (the same path as ``alinea tm import``: all
files read and checked first, by one process per CPU, then each file written
in its own transaction).

Then, in the same process:

- **import**: units per second over all files (target: at least 20,000/s), the
  CPU time per unit (reading processes and writing process apart: on a shared
  machine the wall clock depends on the other jobs, CPU time much less), and the
  database size, next to a peer: translate-toolkit's TMX reader on the first
  file (reading only: no validation, no hashing, no writing);
- **concordance**: ``search`` for phrases of 1-3 words cut from the sentences
  (Spanish and English), p50/p95 (target p95 < 20 ms), next to a peer:
  ``LIKE '%phrase%'`` on the same table (what one does without FTS);
- **fuzzy lookup** (top 5, from 50 %): new sentences made from memory
  sentences with 0-5 words deleted, replaced or inserted and other paragraph
  numbers, plus sentences of report A/58/98 (``corpora/``: mostly no match),
  p50/p95 (target p95 < 50 ms), next to a brute-force rapidfuzz scan of every
  unit with the same score function (``rapidfuzz.process.cdist`` on the word
  codes, then the CAT penalties on every unit close to the best): the true best
  match. Recall = queries whose best match has the brute force's best score.

The query sets are drawn with ``--seed`` (default 1). The lookup parameters
were tuned on the sets of seeds 1 to 5; seed 6 was kept out of the tuning. ``--keep DB`` keeps
the memory, ``--reuse DB`` measures searches and lookups on a kept memory without building and importing it again.
Exit status 2 when ``../shared/data`` is absent.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
_NUMBER = re.compile(r"\d+")
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="bench_tm" '
          'creationtoolversion="1" segtype="sentence" o-tmf="bench" adminlang="en" srclang="es" '
          'datatype="plaintext"/>\n<body>\n')


def vary(text: str, variant: int) -> str:
    return f"{variant + 1}. " + _NUMBER.sub(lambda m: str(int(m.group()) + variant), text)


def build_files(folder: Path, es: list[str], en: list[str], units: int, per_file: int) -> list[Path]:
    files = []
    for start in range(0, units, per_file):
        path = folder / f"un_{start // per_file:03d}.tmx"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(HEADER)
            for k in range(start, min(units, start + per_file)):
                i, v = k % len(es), k // len(es)
                fh.write(f'<tu tuid="{k + 1}"><prop type="x-document">UN/{v + 1}</prop><prop type="x-score">0.9'
                         f'</prop><tuv xml:lang="es"><seg>{escape(vary(es[i], v))}</seg></tuv><tuv xml:lang="en">'
                         f'<seg>{escape(vary(en[i], v))}</seg></tuv></tu>\n')
            fh.write("</body>\n</tmx>\n")
        files.append(path)
    return files


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float], cpu: list[float] | None = None) -> str:
    text = (f"p50 {1000 * statistics.median(values):6.1f} ms  p95 {1000 * percentile(values, 0.95):6.1f} ms  "
            f"max {1000 * max(values):6.1f} ms")
    if cpu:
        text += f"  [CPU p50 {1000 * statistics.median(cpu):.1f} p95 {1000 * percentile(cpu, 0.95):.1f} ms]"
    return text


class Clock:
    """Wall-clock and CPU time of one call (on a shared machine, waiting for a core is in the first only)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, fn, *args, **kwargs):
        w, c = time.perf_counter(), time.process_time()
        result = fn(*args, **kwargs)
        self.wall.append(time.perf_counter() - w)
        self.cpu.append(time.process_time() - c)
        return result


def concordance_queries(rng: random.Random, es: list[str], en: list[str], n: int) -> list[tuple[str, str]]:
    queries = []
    while len(queries) < n:
        lang = rng.choice(("es", "en"))
        words = re.findall(r"[^\W\d_]+", rng.choice(es if lang == "es" else en))
        if len(words) < 3:
            continue
        size = rng.choice((1, 2, 2, 3))
        start = rng.randrange(len(words) - size + 1)
        phrase = " ".join(words[start:start + size])
        if len(phrase) >= 4:
            queries.append((phrase, lang))
    return queries


def lookup_queries(rng: random.Random, es: list[str], a58: list[str], n: int, variants: int) -> list[str]:
    vocabulary = sorted({w for s in es for w in s.split()})
    queries = []
    for _ in range(n * 3 // 4):
        words = rng.choice(es).split()
        for _ in range(rng.choice((0, 1, 2, 3, 5))):
            op = rng.random()
            if op < 0.4 and len(words) > 3:
                del words[rng.randrange(len(words))]
            elif op < 0.8:
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            else:
                words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
        queries.append(vary(" ".join(words), rng.randrange(variants)))
    queries += rng.sample(a58, n - len(queries))
    rng.shuffle(queries)
    return queries


class BruteForce:
    """Every unit scored with the same function: rapidfuzz over all word codes, penalties near the top."""

    def __init__(self, tm) -> None:
        from alinea.tm.match import Encoder, tokenize

        self.encoder = Encoder()
        self.ids, self.texts, self.codes = [], [], []
        for unit_id, source in tm.conn.execute("SELECT id, source FROM units ORDER BY id"):
            self.ids.append(unit_id)
            self.texts.append(source)
            self.codes.append(self.encoder.encode(tokenize(source).keys))

    def lookup(self, sentence: str, min_score: int, limit: int) -> list[tuple[int, int]]:
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        from alinea.tm.match import MAX_PENALTY, final_score, tokenize

        query = tokenize(sentence)
        similarities = process.cdist([self.encoder.encode(query.keys)], self.codes,
                                     scorer=Levenshtein.normalized_similarity, dtype=np.float64, workers=1)[0]
        best = float(similarities.max()) * 100
        floor = max(min_score, best - MAX_PENALTY - 1) / 100
        scored = []
        for k in np.nonzero(similarities >= floor)[0]:
            score = final_score(query, tokenize(self.texts[k]), 100.0 * float(similarities[k]))
            if score >= min_score:
                scored.append((score, self.ids[k]))
        scored.sort(key=lambda item: (-item[0], -item[1]))
        return scored[:limit]


def peer_reading(path: Path, units: int) -> None:
    """translate-toolkit's TMX reader on one file: its units' source and target, nothing checked or written."""
    from translate.storage.tmx import tmxfile

    wall, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as fh:
        store = tmxfile(fh, "es", "en")
    pairs = sum(1 for unit in store.units if unit.source and unit.target)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"import    peer: translate-toolkit tmxfile reads {path.name} ({units:,} units, {pairs:,} pairs) in "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU = {units / cpu:,.0f} units per CPU-second (reading only: "
          "no validation, no hashing, no writing)")


def build_memory(args, folder: Path, es: list[str], en: list[str]) -> Path:
    """Write the TMX files, import them, print the import figures and the database size."""
    from alinea.tm.store import TranslationMemory

    started = time.perf_counter()
    files = build_files(folder, es, en, args.units, args.per_file)
    size_tmx = sum(f.stat().st_size for f in files)
    print(f"TMX files: {len(files)} × {args.per_file:,} units, {size_tmx / 1e6:.0f} MB, written in "
          f"{time.perf_counter() - started:.1f} s (not counted)")
    db = args.keep or folder / "bench.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    tm = TranslationMemory(db, create=True)
    written: list[float] = []
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu_started = time.perf_counter(), time.process_time()
    tm.import_files(files, progress=lambda result: written.append(time.perf_counter()))
    elapsed = time.perf_counter() - started
    writer = time.process_time() - cpu_started  # this process: waiting for the readers, then writing
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    readers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    cpu = writer + readers
    rate = args.units / elapsed
    reading = written[0] - started - (written[1] - written[0] if len(written) > 1 else 0)
    print(f"import    {args.units:,} units in {elapsed:.1f} s: {rate:,.0f} units/s (target >= 20,000: "
          f"{'met' if rate >= 20_000 else 'NOT met'}); CPU {cpu:.1f} s = {args.units / cpu:,.0f} units per "
          f"CPU-second ({1e6 * cpu / args.units:.0f} µs per unit); load average now {os.getloadavg()[0]:.2f}")
    print(f"          reading and checking all files {reading:.1f} s wall, {readers:.1f} s CPU in "
          f"{min(len(files), os.cpu_count() or 1)} reading processes ({1e6 * readers / args.units:.0f} µs per unit); "
          f"then writing {elapsed - reading:.1f} s wall, {writer:.1f} s CPU in one process "
          f"({1e6 * writer / args.units:.0f} µs per unit)")
    peer_reading(files[0], args.per_file)
    tm.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    print(f"database  {size / 1e6:.0f} MB ({size / args.units:.0f} bytes per unit; the TMX files: "
          f"{size_tmx / 1e6:.0f} MB)")
    tm.close()
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--brute", type=int, default=60, help="lookups also run by brute force (slow)")
    parser.add_argument("--keep", type=Path, help="keep the memory at this path")
    parser.add_argument("--reuse", type=Path, help="measure searches and lookups on this memory (made with --keep)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"bench_tm: {DATA} is missing (the shared benchmark data)", file=sys.stderr)
        return 2
    from alinea.tm.store import TranslationMemory

    es = (DATA / "un_devset_first2000.es").read_text(encoding="utf-8").splitlines()
    en = (DATA / "un_devset_first2000.en").read_text(encoding="utf-8").splitlines()
    load = os.getloadavg()[0]
    print(f"memory: {args.units:,} units from {len(es):,} UN sentence pairs; {os.cpu_count()} CPUs; "
          f"load average before: {load:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench_tm.") as tmp:
        if args.reuse:
            db = args.reuse
            print(f"memory: {db} as it is (--reuse: no import measured)")
        else:
            db = build_memory(args, Path(tmp), es, en)
        tm = TranslationMemory(db, readonly=True)
        rng = random.Random(args.seed)
        searches = concordance_queries(rng, es, en, args.searches)
        tm.search(searches[0][0], lang=searches[0][1])  # warm the page cache once
        clock = Clock()
        found = sum(bool(clock(tm.search, phrase, lang=lang, limit=20)) for phrase, lang in searches)
        print(f"concordance  alinea tm search   {ms(clock.wall, clock.cpu)}  ({len(searches)} phrases, {found} found; "
              f"target p95 < 20 ms: {'met' if percentile(clock.wall, 0.95) < 0.020 else 'NOT met'})")
        like = Clock()
        for phrase, lang in searches[:20]:
            column = "source" if lang == "es" else "target"
            like(lambda column=column, phrase=phrase: tm.conn.execute(
                f"SELECT id FROM units WHERE {column} LIKE ? LIMIT 20", (f"%{phrase}%",)).fetchall())
        print(f"concordance  peer: LIKE scan    {ms(like.wall, like.cpu)}  (first 20 phrases; accents must match)")

        from alinea.pipeline import segment_file

        a58 = [s.text for s in segment_file(ROOT / "corpora" / "A_58_98" / "es.txt", "es") if len(s.text) > 30]
        queries = lookup_queries(rng, es, a58, args.lookups, max(1, args.units // len(es)))
        clock = Clock()
        results = [clock(tm.lookup, query, min_score=50, limit=5) for query in queries]
        matched = sum(bool(h) for h in results)
        lookup_met = "met" if percentile(clock.wall, 0.95) < 0.050 else "NOT met"
        print(f"lookup top-5 alinea tm lookup   {ms(clock.wall, clock.cpu)}  ({len(queries)} sentences, {matched} "
              f"with a match >= 50 %; target p95 < 50 ms: {lookup_met})")
        started = time.perf_counter()
        brute = BruteForce(tm)
        print(f"lookup top-5 peer: brute force  preparation {time.perf_counter() - started:.1f} s "
              f"(tokenize and encode {len(brute.ids):,} units, once)")
        clock, same_best, deltas = Clock(), 0, []
        for query, hits in list(zip(queries, results))[:args.brute]:
            truth = clock(brute.lookup, query, 50, 5)
            ours = hits[0].score if hits else None
            best = truth[0][0] if truth else None
            same_best += ours == best
            deltas.append((best or 0) - (ours or 0))
        n = len(clock.wall)
        print(f"lookup top-5 peer: brute force  {ms(clock.wall, clock.cpu)}  (first {n} sentences, rapidfuzz cdist "
              "over all units)")
        print(f"recall of the true best match: {same_best}/{n} = {same_best / n:.3f} (best score equal to the brute "
              f"force's); mean shortfall {statistics.fmean(deltas):.2f} points, worst {max(deltas)}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        tm.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
