"""The corpus-level outputs of a batch: corpus.tmx, summary.json and the index.html dashboard.

They are built from the pairs' own files once every pair is done, on the machine
that runs ``alinea batch`` (or ``alinea batch --merge``): corpus.tmx with the
project's TMX merge and dedupe (:mod:`alinea.tmx.ops`), so every unit keeps its
``x-document`` property; summary.json last, when everything else is in place.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .job import HISTOGRAM_BINS, PairOptions, PairResult, alinea_version, output_paths
from .pairs import Orphan

CORPUS_TMX = "corpus.tmx"
SUMMARY_JSON = "summary.json"
INDEX_HTML = "index.html"


@dataclass
class BatchOutcome:
    """Everything a batch found and did; what summary.json and the dashboard show."""

    source: Path
    outdir: Path
    options: PairOptions
    results: list[PairResult] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    corpus_units: int = 0
    duplicates_dropped: int = 0

    @property
    def failed(self) -> list[PairResult]:
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def totals(self) -> dict:
        done = [r for r in self.results if r.status != "failed"]
        return {
            "pairs": len(self.results), "ok": self.count("ok"), "skipped": self.count("skipped"),
            "failed": self.count("failed"), "orphans": len(self.orphans), "ignored": len(self.ignored),
            "sentences_es": sum(r.sentences_es or 0 for r in done),
            "sentences_en": sum(r.sentences_en or 0 for r in done),
            "units": sum(r.units or 0 for r in done),
            "unaligned": sum(r.unaligned or 0 for r in done),
        }


def write_corpus_outputs(outcome: BatchOutcome) -> list[Path]:
    """corpus.tmx, index.html, then summary.json; returns the paths written."""
    outcome.results.sort(key=lambda r: r.name)
    corpus = outcome.outdir / CORPUS_TMX
    outcome.corpus_units, outcome.duplicates_dropped = write_corpus_tmx(outcome, corpus)
    index = outcome.outdir / INDEX_HTML
    write_dashboard(outcome, index)
    summary = outcome.outdir / SUMMARY_JSON
    write_summary(outcome, summary)
    return [corpus, index, summary]


def write_corpus_tmx(outcome: BatchOutcome, path: Path) -> tuple[int, int]:
    """Merge the TMX of every pair that is done, in name order, and drop exact duplicates.

    Returns (units written, duplicates dropped).
    """
    from alinea.tmx.ops import dedupe_units, load_tmx, merge_units, write_tmx_units

    done = [r for r in outcome.results if r.status != "failed"]
    loaded = [load_tmx(output_paths(outcome.outdir, r.name, outcome.options)["tmx"]) for r in done]
    units, dropped = dedupe_units(merge_units(loaded))
    if not loaded:
        from alinea.tmx.writer import header_attributes, write_units

        return write_units([], path, header_attributes(outcome.options.src_lang)), 0
    return write_tmx_units(units, path, loaded), dropped


def summary_data(outcome: BatchOutcome) -> dict:
    return {
        "alinea_version": alinea_version(),
        "input": str(outcome.source.resolve()),
        "output": str(outcome.outdir.resolve()),
        "pairs": [r.summary() for r in outcome.results],
        "orphans": [{"name": o.name, "path": str(o.path), "missing": o.missing} for o in outcome.orphans],
        "ignored": [str(p) for p in outcome.ignored],
        "totals": outcome.totals(),
        "corpus": {"path": CORPUS_TMX, "units": outcome.corpus_units,
                   "duplicates_dropped": outcome.duplicates_dropped},
        "options": {"src_lang": outcome.options.src_lang, "tgt_lang": outcome.options.tgt_lang,
                    "keep_unaligned": outcome.options.keep_unaligned, "report": outcome.options.report},
        "seconds": round(outcome.seconds, 3),
    }


def write_summary(outcome: BatchOutcome, path: Path) -> None:
    from alinea.align.utils import atomic_write

    with atomic_write(path) as fh:
        json.dump(summary_data(outcome), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


# --- the dashboard ---------------------------------------------------------------

def worst_first(results: list[PairResult]) -> list[PairResult]:
    """Failed pairs first, then by mean confidence (lowest first), then by share of unaligned sentences."""
    def badness(r: PairResult):
        if r.status == "failed":
            return (0, 0.0, 0.0, r.name)
        sentences = (r.sentences_es or 0) + (r.sentences_en or 0)
        unaligned_share = (r.unaligned or 0) / sentences if sentences else 1.0
        mean = r.mean_confidence if r.mean_confidence is not None else -1.0
        return (1, mean, -unaligned_share, r.name)

    return sorted(results, key=badness)


def _links(outcome: BatchOutcome, result: PairResult) -> dict[str, str]:
    if result.status == "failed":
        return {}
    base = outcome.outdir
    return {kind: quote(os.path.relpath(path, base).replace(os.sep, "/"))
            for kind, path in output_paths(base, result.name, outcome.options).items()}


def confidence_plot(outcome: BatchOutcome) -> str:
    """Mean confidence of each pair across the corpus (name order) and the corpus-wide histogram
    of bead confidences, as a PNG data URI; "" when no pair was aligned."""
    from matplotlib.figure import Figure

    from alinea.report.html import figure_data_uri
    from alinea.report.review import LOW_CONFIDENCE

    done = [r for r in outcome.results if r.status != "failed" and r.mean_confidence is not None]
    if not done:
        return ""
    fig = Figure(figsize=(11, 4.2))
    pairs_ax, hist_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    xs = range(1, len(done) + 1)
    ys = [r.mean_confidence for r in done]
    colours = ["#d62728" if y < LOW_CONFIDENCE else "#1f5fa8" for y in ys]
    pairs_ax.scatter(xs, ys, c=colours, s=10 if len(done) > 200 else 18)
    pairs_ax.axhline(LOW_CONFIDENCE, color="#bbbbbb", lw=1, ls="--")
    pairs_ax.set_ylim(0, 1.02)
    pairs_ax.set_xlabel("pair (in name order)")
    pairs_ax.set_ylabel("mean bead confidence")
    pairs_ax.set_title(f"Confidence across the corpus ({len(done)} pairs)")
    counts = [0] * HISTOGRAM_BINS
    for r in done:
        for i, n in enumerate(r.details.get("histogram", [])[:HISTOGRAM_BINS]):
            counts[i] += n
    edges = [i / HISTOGRAM_BINS for i in range(HISTOGRAM_BINS)]
    hist_ax.bar(edges, counts, width=1 / HISTOGRAM_BINS, align="edge",
                color=["#d62728" if e < LOW_CONFIDENCE else "#1f5fa8" for e in edges], edgecolor="white")
    hist_ax.set_xlim(0, 1)
    hist_ax.set_xlabel("bead confidence")
    hist_ax.set_ylabel("aligned beads")
    hist_ax.set_title(f"All beads ({sum(counts)})")
    return figure_data_uri(fig)


def write_dashboard(outcome: BatchOutcome, path: Path) -> None:
    """index.html: one row per pair (sortable, worst first, with links) and the confidence plot."""
    from alinea.report.html import write_html
    from alinea.report.review import LOW_CONFIDENCE

    rows = [{"result": r, "links": _links(outcome, r), "to_review": r.details.get("to_review"),
             "low_confidence": r.details.get("low_confidence"), "warnings": r.details.get("warnings", [])}
            for r in worst_first(outcome.results)]
    write_html(path, "batch.html.j2", title=outcome.source.name or str(outcome.source),
               outcome=outcome, totals=outcome.totals(), rows=rows, plot=confidence_plot(outcome),
               threshold=LOW_CONFIDENCE, corpus=CORPUS_TMX, summary=SUMMARY_JSON,
               orphans=outcome.orphans, ignored=outcome.ignored)
