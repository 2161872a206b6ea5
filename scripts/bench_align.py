#!/usr/bin/env python3
"""Benchmark the sentence aligner against NLTK's Gale-Church (and hunalign when installed).

1. ``../shared/bench/align_undev.jsonl`` (20 UN documents of 100 sentence pairs with
   injected 1-2, 2-1, 1-0, 0-1 beads): strict and non-null precision / recall / F1,
   scored with ``../shared/bench/score_align.py``, and the wall time of each aligner
   over the 20 documents (alinea: in-process, imports done, first run in this process).
2. A synthetic long document pair built from ``../shared/data/un_devset_first2000.{es,en}``
   (blocks of 100 pairs repeated in shuffled order, then merges and omissions injected
   with the shared bench builder): alinea's time, peak traced memory (tracemalloc) and
   strict F1 at 5,000, 10,000 and 20,000 sentences.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench" / "align_undev.jsonl"
SCORER = SHARED / "bench" / "score_align.py"
BUILDER = SHARED / "bench" / "make_align_bench.py"
DATA = SHARED / "data" / "un_devset_first2000"
REFERENCE = "hunalign (reference figure from ../shared/bench/README.md, not measured here): strict F1 0.925, 0.32 s"


def _check_inputs() -> None:
    missing = [p for p in (BENCH, SCORER, BUILDER, DATA.with_suffix(".es"), DATA.with_suffix(".en")) if not p.exists()]
    if missing:
        sys.exit("bench_align: missing shared benchmark files: " + ", ".join(str(p) for p in missing)
                 + " (expected ../shared next to the repository)")
    sys.path.insert(0, str(SCORER.parent))


def beads_from_pairs(pairs: list[tuple[int, int]], n: int, m: int) -> list[list[list[int]]]:
    """NLTK's list of aligned index pairs -> beads, unaligned sentences as null beads."""
    groups: list[tuple[set, set]] = []
    for i, j in sorted(pairs):
        if groups and (i in groups[-1][0] or j in groups[-1][1]):
            groups[-1][0].add(i)
            groups[-1][1].add(j)
        else:
            groups.append(({i}, {j}))
    beads, i, j = [], 0, 0
    for src, tgt in groups:
        while i < min(src):
            beads.append([[i], []])
            i += 1
        while j < min(tgt):
            beads.append([[], [j]])
            j += 1
        beads.append([sorted(src), sorted(tgt)])
        i, j = max(src) + 1, max(tgt) + 1
    beads += [[[k], []] for k in range(i, n)] + [[[], [k]] for k in range(j, m)]
    return beads


def run_alinea(docs) -> tuple[list, float]:
    from alinea.align.aligner import align_sentences

    started = time.perf_counter()
    preds = [[[list(b.src), list(b.tgt)] for b in align_sentences(d["es"], d["en"])] for d in docs]
    return preds, time.perf_counter() - started


def run_nltk(docs) -> tuple[list, float]:
    from nltk.translate.gale_church import align_blocks

    started = time.perf_counter()
    preds = []
    for d in docs:
        pairs = align_blocks([len(s) for s in d["es"]], [len(s) for s in d["en"]])
        preds.append(beads_from_pairs(pairs, len(d["es"]), len(d["en"])))
    return preds, time.perf_counter() - started


def run_hunalign(docs, binary: str) -> tuple[list, float]:
    """hunalign with an empty dictionary; its ladder output (rungs i, j) becomes beads."""
    preds = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "null.dic").write_text("", encoding="utf-8")
        paths = []
        for k, d in enumerate(docs):
            src, tgt = tmp_path / f"{k}.es", tmp_path / f"{k}.en"
            src.write_text("\n".join(d["es"]) + "\n", encoding="utf-8")
            tgt.write_text("\n".join(d["en"]) + "\n", encoding="utf-8")
            paths.append((src, tgt))
        started = time.perf_counter()
        outputs = [subprocess.run([binary, str(tmp_path / "null.dic"), str(s), str(t)], capture_output=True,
                                  text=True, check=True).stdout for s, t in paths]
        seconds = time.perf_counter() - started
    for d, out in zip(docs, outputs):
        rungs = [tuple(int(x) for x in line.split("\t")[:2]) for line in out.splitlines() if line.strip()]
        beads = []
        for (i0, j0), (i1, j1) in zip(rungs, rungs[1:]):
            beads.append([list(range(i0, i1)), list(range(j0, j1))])
        preds.append([b for b in beads if b[0] or b[1]])
    return preds, seconds


def score(docs, preds) -> dict:
    from score_align import score as score_files

    with tempfile.TemporaryDirectory() as tmp:
        gold, pred = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        gold.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        pred.write_text("".join(json.dumps({"id": d["id"], "pred": p}) + "\n" for d, p in zip(docs, preds)),
                        encoding="utf-8")
        return score_files(str(gold), str(pred))


def line(name: str, result: dict, seconds: float) -> str:
    (sp, sr, sf), (np_, nr, nf) = result["strict"], result["nonnull"]
    return (f"{name:<9} strict P={sp:.4f} R={sr:.4f} F1={sf:.4f} | non-null P={np_:.4f} R={nr:.4f} F1={nf:.4f}"
            f" | {seconds:.2f} s")


def synthetic_pair(size: int, seed: int = 5) -> dict:
    """A long document pair: the 2,000 devset pairs in shuffled blocks of 100, merges and omissions injected."""
    from make_align_bench import build

    es = DATA.with_suffix(".es").read_text(encoding="utf-8").split("\n")[:2000]
    en = DATA.with_suffix(".en").read_text(encoding="utf-8").split("\n")[:2000]
    rng = random.Random(seed)
    starts = list(range(0, 2000, 100))
    src, tgt = [], []
    while len(src) < size:
        rng.shuffle(starts)
        for start in starts:
            src += es[start:start + 100]
            tgt += en[start:start + 100]
    return build(src[:size], tgt[:size], size, 0.10, 0.04, seed, "synthetic")[0]


def synthetic_line(size: int) -> str:
    from alinea.align.aligner import align_sentences

    doc = synthetic_pair(size)
    started = time.perf_counter()
    beads = align_sentences(doc["es"], doc["en"])
    seconds = time.perf_counter() - started
    tracemalloc.start()
    align_sentences(doc["es"], doc["en"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gold = {(tuple(s), tuple(t)) for s, t in doc["gold"]}
    found = len(gold & {(b.src, b.tgt) for b in beads})
    p, r = found / len(beads), found / len(gold)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return (f"synthetic {size:>6} pairs ({len(doc['es'])} es / {len(doc['en'])} en sentences): "
            f"alinea {seconds:.2f} s, peak memory {peak / 1e6:.0f} MB, strict F1 {f1:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000",
                        help="sizes of the synthetic document pairs (comma-separated; empty to skip)")
    args = parser.parse_args()
    _check_inputs()
    docs = [json.loads(x) for x in BENCH.read_text(encoding="utf-8").splitlines() if x.strip()]
    gold_beads = sum(len(d["gold"]) for d in docs)
    print(f"align_undev: {len(docs)} documents, {gold_beads} gold beads")
    preds, seconds = run_alinea(docs)
    print(line("alinea", score(docs, preds), seconds), flush=True)
    preds, seconds = run_nltk(docs)
    print(line("nltk-gc", score(docs, preds), seconds), flush=True)
    binary = shutil.which("hunalign")
    if binary:
        preds, seconds = run_hunalign(docs, binary)
        print(line("hunalign", score(docs, preds), seconds), flush=True)
    else:
        print(REFERENCE)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        print(synthetic_line(size), flush=True)
    print("NLTK Gale-Church is not run on the synthetic pairs: its full n x m search in pure Python is quadratic.")


if __name__ == "__main__":
    main()
