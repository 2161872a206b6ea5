#!/usr/bin/env python3
"""Benchmark the sentence aligner against NLTK's Gale-Church and hunalign, in the same run.

1. ``../shared/bench/align_undev.jsonl`` (20 UN documents of 100 sentence pairs with
   injected 1-2, 2-1, 1-0, 0-1 beads) and ``../shared/bench/literary_dev.jsonl`` (hand-aligned
   literary translations, paragraph-level gold), the literary works split into the ones the
   aligner was tuned on (dev: Pinocchio, Tao Te Ching, The Raven) and the one held out of all
   tuning (Le Petit Prince): strict and non-null precision / recall / F1, scored with
   ``../shared/bench/score_align.py``, and the wall time of each aligner (alinea in-process,
   imports done; hunalign is run when it is on the PATH or ``$HUNALIGN`` names it, with an
   empty dictionary and ``-utf``).
2. Calibration of alinea's confidence on every set with sentence-level gold: the UN set,
   and the literary paragraphs with a single sentence on one side (there the sentence-level
   bead is known: the whole paragraph). A reliability table (confidence bins against the
   share of right beads), ECE, the accuracy of beads at >= 0.9 and the share of right beads
   that are at >= 0.9.
3. Null beads: alinea's predicted 1-0/0-1 beads against the gold's (raw, and after the
   scorer's paragraph merge). Unrelated pairs: documents that are not translations of each
   other (align_undev document k's Spanish with document k+1's English; literary chapters with a
   chapter of another work and with the next chapter of the same work): the share of alinea's
   beads at >= 0.9 and >= 0.5 (every bead is wrong there), the pairs that get the warning, and
   hunalign's own bead quality beside it; then how many real pairs get the warning.
   The embedded A/58/98 pair: bead counts and paragraph numbers that disagree inside a bead.
4. A synthetic long document pair built from ``../shared/data/un_devset_first2000.{es,en}``
   (blocks of 100 pairs repeated in shuffled order, then merges and omissions injected
   with the shared bench builder): alinea's time, CPU time, peak traced memory (tracemalloc)
   and strict F1 at 5,000, 10,000 and 20,000 sentences.
"""
from __future__ import annotations

import argparse
import json
import os
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
LITERARY = SHARED / "bench" / "literary_dev.jsonl"
#: Held out of all tuning of the aligner (decided before tuning started; see README).
HELD_OUT_WORKS = ("le_petit_prince",)
SCORER = SHARED / "bench" / "score_align.py"
BUILDER = SHARED / "bench" / "make_align_bench.py"
DATA = SHARED / "data" / "un_devset_first2000"
REFERENCE = ("hunalign  not run: put it on the PATH or set HUNALIGN=/path/to/hunalign "
             "(../shared/bench/README.md quotes strict F1 0.925 on align_undev, 0.542 on literary_dev)")


def _check_inputs() -> None:
    missing = [p for p in (BENCH, LITERARY, SCORER, BUILDER, DATA.with_suffix(".es"), DATA.with_suffix(".en"))
               if not p.exists()]
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


def run_alinea(docs) -> tuple[list, float, list]:
    """alinea's beads for each document, the wall time, and the (confidence, right) pairs it can be judged on."""
    from alinea.align.aligner import align_sentences

    started = time.perf_counter()
    beads = [align_sentences(d["es"], d["en"]) for d in docs]
    seconds = time.perf_counter() - started
    preds = [[[list(b.src), list(b.tgt)] for b in doc_beads] for doc_beads in beads]
    judged = [pair for d, doc_beads in zip(docs, beads) for pair in judge(d, doc_beads)]
    return preds, seconds, judged


def judge(doc: dict, beads) -> list[tuple[float, bool]]:
    """(confidence, right) for the beads whose correctness the gold decides sentence by sentence.

    Sentence-level gold (UN): a bead is right when it is a gold bead (a null bead of k
    sentences counts as k single ones). Paragraph-level gold (literary): only paragraphs
    with at most one sentence on a side decide (their sentence-level bead is the whole
    paragraph); a bead touching one is right when it is that paragraph exactly (or, for a
    paragraph missing on one side, a single null bead of it); beads elsewhere are not judged.
    """
    from score_align import norm

    if "es_unit" not in doc:
        gold = norm(doc["gold"])
        return [(b.score, norm([(b.src, b.tgt)]) <= gold) for b in beads]
    owner_src, owner_tgt = {}, {}
    for k, (s, t) in enumerate(doc["gold"]):
        owner_src.update((i, k) for i in s)
        owner_tgt.update((j, k) for j in t)
    decided = {k: len(s) <= 1 or len(t) <= 1 for k, (s, t) in enumerate(doc["gold"])}
    out = []
    for b in beads:
        owners = {owner_src.get(i) for i in b.src} | {owner_tgt.get(j) for j in b.tgt}
        if not any(decided.get(k) for k in owners):
            continue
        if len(owners) > 1:
            out.append((b.score, False))
            continue
        gold_src, gold_tgt = doc["gold"][owners.pop()]
        if not gold_src or not gold_tgt:
            out.append((b.score, len(b.src) + len(b.tgt) == 1))
        else:
            out.append((b.score, sorted(b.src) == sorted(gold_src) and sorted(b.tgt) == sorted(gold_tgt)))
    return out


def reliability(judged: list[tuple[float, bool]], name: str) -> list[str]:
    """A reliability table: confidence bins against the share of right beads; ECE; the >= 0.9 figures."""
    if not judged:
        return [f"calibration {name}: no bead can be judged"]
    lines = [f"calibration {name}: {len(judged)} beads judged, {sum(r for _, r in judged) / len(judged):.3f} right"]
    bins: dict[int, list[tuple[float, bool]]] = {}
    for score, right in judged:
        bins.setdefault(min(int(score * 10), 9), []).append((score, right))
    ece = 0.0
    lines.append("  confidence   beads  mean conf  right")
    for b in sorted(bins):
        items = bins[b]
        mean = sum(c for c, _ in items) / len(items)
        acc = sum(r for _, r in items) / len(items)
        ece += abs(acc - mean) * len(items) / len(judged)
        closing = "]" if b == 9 else ")"
        lines.append(f"  [{b / 10:.1f}, {(b + 1) / 10:.1f}{closing} {len(items):>7}  {mean:9.3f}  {acc:5.3f}")
    high = [r for c, r in judged if c >= 0.9]
    right = sum(r for _, r in judged)
    lines.append(f"  ECE {ece:.4f} | confidence >= 0.9: {len(high)} beads, {sum(high) / max(len(high), 1):.3f} right"
                 f" | right beads at >= 0.9: {sum(high) / max(right, 1):.3f}")
    return lines


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
        # cwd: hunalign writes a translate.txt into its working folder
        outputs = [subprocess.run([binary, "-utf", str(tmp_path / "null.dic"), str(s), str(t)], cwd=tmp_path,
                                  capture_output=True, text=True, check=True).stdout for s, t in paths]
        seconds = time.perf_counter() - started
    for _doc, out in zip(docs, outputs):
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
    started, cpu = time.perf_counter(), time.process_time()
    beads = align_sentences(doc["es"], doc["en"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    align_sentences(doc["es"], doc["en"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gold = {(tuple(s), tuple(t)) for s, t in doc["gold"]}
    found = len(gold & {(b.src, b.tgt) for b in beads})
    p, r = found / len(beads), found / len(gold)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return (f"synthetic {size:>6} pairs ({len(doc['es'])} es / {len(doc['en'])} en sentences): "
            f"alinea {seconds:.2f} s (CPU {cpu:.2f} s), peak memory {peak / 1e6:.0f} MB, strict F1 {f1:.4f}")


def a58_lines() -> list[str]:
    """The embedded A/58/98 pair: bead counts, and beads whose two sides carry different paragraph numbers."""
    from alinea.corpora import corpus
    from alinea.pipeline import align_files

    pair = corpus("A_58_98")
    bitext = align_files(pair.path("es"), pair.path("en"))
    mismatched = 0
    for bead in bitext.beads:
        src = {bitext.src[i].number for i in bead.src if bitext.src[i].number}
        tgt = {bitext.tgt[j].number for j in bead.tgt if bitext.tgt[j].number}
        mismatched += bool(bead.src and bead.tgt and src != tgt)
    numbers = {s.number for s in bitext.src if s.number} & {s.number for s in bitext.tgt if s.number}
    counts = ", ".join(f"{k}: {v}" for k, v in bitext.bead_counts().items())
    return [f"A/58/98: {len(bitext.beads)} beads ({counts}); {len(numbers)} numbers on both sides, "
            f"{mismatched} beads joining different numbers; warnings: {len(bitext.warnings)}"]


def mismatched_pairs(docs: list[dict], partner) -> list[dict]:
    """Document pairs that are not translations: each document's Spanish with ``partner(k)``'s English."""
    out = []
    for k, d in enumerate(docs):
        other = partner(k)
        if other is not None and other is not d:
            out.append({"id": f"{d['id']}~{other['id']}", "es": d["es"], "en": other["en"]})
    return out


def unrelated_sets(undev: list[dict], literary: list[dict]) -> list[tuple[str, list[dict]]]:
    """Pairs that are not translations: align_undev document k's Spanish with document k+1's English;
    literary chapter k's Spanish with a chapter of another work, and with the next chapter of the
    same work (dev works and the held-out work apart)."""
    def works(docs):
        out: dict[str, list[dict]] = {}
        for d in docs:
            out.setdefault(d["id"].rsplit("-", 1)[0], []).append(d)
        return out
    dev = [d for d in literary if not d["id"].startswith(HELD_OUT_WORKS)]
    held = [d for d in literary if d["id"].startswith(HELD_OUT_WORKS)]
    dev_works = works(dev)
    names = sorted(dev_works)
    other_work = []
    for w, name in enumerate(names):   # each dev chapter with the chapter of the same rank in the next dev work
        partner = dev_works[names[(w + 1) % len(names)]]
        other_work += mismatched_pairs(dev_works[name], lambda k, partner=partner: partner[k % len(partner)])
    same_work = [p for chapters in dev_works.values()
                 for p in mismatched_pairs(chapters, lambda k, c=chapters: c[(k + 1) % len(c)])]
    held_other = mismatched_pairs(held, lambda k: dev[(7 * k) % len(dev)])
    held_same = mismatched_pairs(held, lambda k: held[(k + 1) % len(held)])
    return [("unrelated align_undev (document k's Spanish, k+1's English)",
             mismatched_pairs(undev, lambda k: undev[(k + 1) % len(undev)])),
            ("unrelated literary dev works, another work", other_work),
            ("unrelated literary dev works, same work, next chapter", same_work),
            ("unrelated held-out work, another work", held_other),
            ("unrelated held-out work, same work, next chapter", held_same)]


def hunalign_qualities(docs, binary: str) -> list[float]:
    """hunalign's own quality figure of every bead (the third column of its ladder output)."""
    qualities = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "null.dic").write_text("", encoding="utf-8")
        for k, d in enumerate(docs):
            src, tgt = tmp_path / f"{k}.es", tmp_path / f"{k}.en"
            src.write_text("\n".join(d["es"]) + "\n", encoding="utf-8")
            tgt.write_text("\n".join(d["en"]) + "\n", encoding="utf-8")
            out = subprocess.run([binary, "-utf", str(tmp_path / "null.dic"), str(src), str(tgt)], cwd=tmp_path,
                                 capture_output=True, text=True, check=True).stdout
            rungs = [line.split("\t") for line in out.splitlines() if line.strip()]
            qualities += [float(r[2]) for r in rungs[:-1]]   # the last rung closes the ladder
    return qualities


def unrelated_lines(sets: list[tuple[str, list[dict]]], binary: str | None) -> list[str]:
    """Confidence on document pairs that are not translations of each other: every bead is wrong there.

    For each set: the share of alinea's beads at >= 0.9 and >= 0.5, and how many pairs got the
    warning that the documents do not look like translations; hunalign's own bead quality beside it.
    """
    from alinea.align.aligner import TRANSLATED_WARNING, align

    lines = []
    for name, docs in sets:
        started = time.perf_counter()
        results = [align(d["es"], d["en"]) for d in docs]
        seconds = time.perf_counter() - started
        scores = [b.score for r in results for b in r.beads]
        warned = sum(r.translated < TRANSLATED_WARNING for r in results)
        high, mid = (sum(s >= t for s in scores) / max(len(scores), 1) for t in (0.9, 0.5))
        lines.append(f"{name}: {len(docs)} pairs, {len(scores)} beads")
        mean = sum(scores) / max(len(scores), 1)
        lines.append(f"  alinea    confidence >= 0.9: {high:.3f} | >= 0.5: {mid:.3f} | mean {mean:.3f}"
                     f" | pairs warned: {warned} of {len(docs)} | {seconds:.2f} s")
        if binary:
            quality = hunalign_qualities(docs, binary)
            h_high, h_mid = (sum(q >= t for q in quality) / max(len(quality), 1) for t in (0.9, 0.5))
            lines.append(f"  hunalign  quality >= 0.9: {h_high:.3f} | >= 0.5: {h_mid:.3f} | mean "
                         f"{sum(quality) / max(len(quality), 1):.3f} (its own score, not a probability)")
    return lines


def warned_real(docs: list[dict]) -> int:
    """How many real translation pairs get the warning (false alarms)."""
    from alinea.align.aligner import TRANSLATED_WARNING, align

    return sum(align(d["es"], d["en"]).translated < TRANSLATED_WARNING for d in docs)


def null_counts(docs: list[dict]) -> str:
    """alinea's predicted null beads against the gold's, raw and as the paragraph scorer sees them."""
    from score_align import norm, project

    from alinea.align.aligner import align_sentences

    predicted = merged = gold = 0
    for d in docs:
        beads = [(list(b.src), list(b.tgt)) for b in align_sentences(d["es"], d["en"])]
        predicted += sum(not s or not t for s, t in norm(beads))
        if "es_unit" in d:
            beads = project(beads, d["es_unit"], d["en_unit"])
        merged += sum(not s or not t for s, t in norm(beads))
        gold += sum(not s or not t for s, t in norm(d["gold"]))
    return (f"null beads (1-0/0-1): alinea {predicted} predicted, {merged} after the scorer's paragraph merge; "
            f"gold {gold}")


def hunalign_binary() -> str | None:
    binary = os.environ.get("HUNALIGN") or shutil.which("hunalign")
    return binary if binary and Path(binary).is_file() and os.access(binary, os.X_OK) else None


def compare(name: str, docs: list[dict], binary: str | None) -> list:
    """alinea, NLTK Gale-Church and hunalign on one set; returns alinea's judged beads."""
    print(f"{name}: {len(docs)} documents, {sum(len(d['gold']) for d in docs)} gold beads", flush=True)
    preds, seconds, judged = run_alinea(docs)
    print(line("alinea", score(docs, preds), seconds), flush=True)
    preds, seconds = run_nltk(docs)
    print(line("nltk-gc", score(docs, preds), seconds), flush=True)
    if binary:
        preds, seconds = run_hunalign(docs, binary)
        print(line("hunalign", score(docs, preds), seconds), flush=True)
    return judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000",
                        help="sizes of the synthetic document pairs (comma-separated; empty to skip)")
    args = parser.parse_args()
    _check_inputs()
    binary = hunalign_binary()
    if not binary:
        print(REFERENCE)
    def read(path: Path) -> list[dict]:
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]

    literary = read(LITERARY)
    sets = [("align_undev", "align_undev", read(BENCH)),
            ("literary_dev, dev works (pinocchio, taoteching, the_raven)", "literary dev works",
             [d for d in literary if not d["id"].startswith(HELD_OUT_WORKS)]),
            ("literary_dev, held-out work (le_petit_prince)", "literary held-out work",
             [d for d in literary if d["id"].startswith(HELD_OUT_WORKS)]),
            ("literary_dev, all works", None, literary)]
    calibration = []
    for name, short, docs in sets:
        judged = compare(name, docs, binary)
        if short:
            calibration.append((short, judged))
    for name, judged in calibration:
        print("\n".join(reliability(judged, name)), flush=True)
    for name, _, docs in sets[:3]:
        print(f"{name.split(',')[0]}{', ' + name.split(', ')[1].split(' (')[0] if ',' in name else ''}: "
              + null_counts(docs), flush=True)
    print("\n".join(unrelated_lines(unrelated_sets(read(BENCH), literary), binary)), flush=True)
    print(f"warning on real pairs (false alarms): align_undev {warned_real(sets[0][2])} of {len(sets[0][2])}, "
          f"literary dev works {warned_real(sets[1][2])} of {len(sets[1][2])}, held-out work "
          f"{warned_real(sets[2][2])} of {len(sets[2][2])}", flush=True)
    print("\n".join(a58_lines()), flush=True)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        print(synthetic_line(size), flush=True)
    print("NLTK Gale-Church and hunalign are not run on the synthetic pairs (NLTK's full n x m search "
          "in pure Python is quadratic).")


if __name__ == "__main__":
    main()
