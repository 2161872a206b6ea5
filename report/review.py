"""The alignment review: where a translator should look first.

One self-contained HTML file (summary, "to review", the alignment path as an
embedded PNG, the full side-by-side table) and the same table as TSV/XLSX.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext

from .html import figure_data_uri, write_html

#: Beads under this confidence are listed in "to review".
LOW_CONFIDENCE = 0.5


def review_reasons(bead: Bead, threshold: float = LOW_CONFIDENCE) -> list[str]:
    """Why a bead deserves a look: unaligned, not 1-1, low confidence (empty if fine)."""
    reasons = []
    if not bead.src:
        reasons.append(f"English without Spanish ({bead.kind})")
    elif not bead.tgt:
        reasons.append(f"Spanish without English ({bead.kind})")
    elif bead.kind != "1-1":
        reasons.append(f"{bead.kind} bead")
    # A null bead's score says nothing more; a unit with no recorded score (another tool's TMX) is not low.
    if bead.score is not None and bead.score < threshold and not bead.is_null:
        reasons.append(f"low confidence ({bead.score:.2f})")
    return reasons


@dataclass(frozen=True)
class ReviewRow:
    number: int
    bead: Bead
    paragraph: str
    source: str
    target: str
    reasons: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def review_rows(bitext: Bitext, threshold: float = LOW_CONFIDENCE) -> list[ReviewRow]:
    return [ReviewRow(n, bead, bitext.paragraph_number(bead) or "", src, tgt,
                      tuple(review_reasons(bead, threshold)))
            for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1)]


def to_review(rows: list[ReviewRow]) -> list[ReviewRow]:
    """The rows that need a look: unaligned and non-1-1 first, then by confidence (unscored last)."""
    return sorted((r for r in rows if r.needs_review),
                  key=lambda r: (r.bead.kind == "1-1", r.bead.score is None, r.bead.score or 0.0, r.number))


def summary(bitext: Bitext, threshold: float = LOW_CONFIDENCE) -> dict:
    aligned = [b for b in bitext.beads if not b.is_null]
    # Units without a recorded confidence (a TMX from another tool) count in no confidence figure.
    scores = [b.score for b in aligned if b.score is not None]
    return {
        "src_sentences": len(bitext.src),
        "tgt_sentences": len(bitext.tgt),
        "beads": len(bitext.beads),
        "bead_counts": bitext.bead_counts(),
        "mean_score": sum(scores) / len(scores) if scores else None,
        "min_score": min(scores) if scores else None,
        "low_confidence": sum(s < threshold for s in scores),
        "unscored": len(aligned) - len(scores),
        "threshold": threshold,
        "unaligned_src": sum(len(b.src) for b in bitext.beads if not b.tgt),
        "unaligned_tgt": sum(len(b.tgt) for b in bitext.beads if not b.src),
        # unaligned sentences the TMX writer left out (header x-unaligned-*), None when not recorded
        "left_out_src": _count(bitext.meta.get("left_out_src")),
        "left_out_tgt": _count(bitext.meta.get("left_out_tgt")),
    }


def _count(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def path_points(bitext: Bitext) -> list[tuple[int, int]]:
    """Where the alignment path is after each bead: (source sentences, target sentences) consumed.

    A 1-0 bead moves right only, a 0-1 bead up only, so null beads show as
    horizontal or vertical steps instead of jumping back to the axis.
    """
    x = y = 0
    points = []
    for bead in bitext.beads:
        if bead.src:
            x = max(x, max(bead.src) + 1)
        if bead.tgt:
            y = max(y, max(bead.tgt) + 1)
        points.append((x, y))
    return points


def path_plot(bitext: Bitext, threshold: float = LOW_CONFIDENCE) -> str:
    """The alignment path as a PNG data URI, with its deviation from the diagonal beside it."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    points = path_points(bitext)
    n_src, n_tgt = max(len(bitext.src), 1), max(len(bitext.tgt), 1)
    xs = [0] + [p[0] for p in points]
    ys = [0] + [p[1] for p in points]
    fig = Figure(figsize=(11, 4.8))
    path_ax, dev_ax = fig.subplots(1, 2)
    # Margins set by hand (room for the axis labels) instead of a tight crop at save time, which
    # would draw the figure a second time: this plot is drawn for every review page and batch pair.
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.11, top=0.93, wspace=0.2)
    path_ax.plot([0, n_src], [0, n_tgt], color="#bbbbbb", lw=1, ls="--", label="diagonal")
    path_ax.step(xs, ys, where="post", color="#1f5fa8", lw=1.2, label="alignment path")
    # deviation: how many target sentences the path is above (+) or below (-) the diagonal
    deviation = [y - x * n_tgt / n_src for x, y in zip(xs, ys)]
    dev_ax.axhline(0, color="#bbbbbb", lw=1, ls="--")
    dev_ax.plot(xs, deviation, color="#1f5fa8", lw=1.2)
    # label -> (bead numbers, marker, colour)
    marks: dict[str, tuple[list[int], str, str]] = {
        "unaligned (1-0 / 0-1)": ([], "x", "#d62728"),
        "many-to-one (2-1, 1-2 …)": ([], "D", "#ff7f0e"),
        f"confidence < {threshold:g}": ([], "o", "#9467bd"),
    }
    for i, bead in enumerate(bitext.beads, start=1):
        if bead.is_null:
            marks["unaligned (1-0 / 0-1)"][0].append(i)
        elif bead.kind != "1-1":
            marks["many-to-one (2-1, 1-2 …)"][0].append(i)
        elif bead.score is not None and bead.score < threshold:
            marks[f"confidence < {threshold:g}"][0].append(i)
    for label, (indices, marker, colour) in marks.items():
        if indices:
            path_ax.scatter([xs[i] for i in indices], [ys[i] for i in indices], marker=marker,
                            color=colour, s=18, zorder=3, label=label)
            dev_ax.scatter([xs[i] for i in indices], [deviation[i] for i in indices], marker=marker,
                           color=colour, s=18, zorder=3)
    path_ax.set_xlabel(f"source sentence ({bitext.src_lang})")
    path_ax.set_ylabel(f"target sentence ({bitext.tgt_lang})")
    path_ax.set_title("Alignment path")
    path_ax.legend(loc="upper left", fontsize="small")
    dev_ax.set_xlabel(f"source sentence ({bitext.src_lang})")
    dev_ax.set_ylabel("target sentences above (+) / below (−) the diagonal")
    dev_ax.set_title("Deviation from the diagonal")
    return figure_data_uri(fig, tight=False)


REVIEW_COLUMNS = ["bead", "type", "score", "paragraph", "review", "src_ids", "tgt_ids", "source", "target"]


def review_frame(bitext: Bitext, threshold: float = LOW_CONFIDENCE) -> pd.DataFrame:
    """The full table of the review, one row per bead, with a "review" reason column."""
    from alinea.tmx.tabular import bitext_frame

    frame = bitext_frame(bitext)
    reasons = [row.reason for row in review_rows(bitext, threshold)]
    frame.insert(frame.columns.get_loc("paragraph") + 1, "review", reasons)
    return frame[[c for c in REVIEW_COLUMNS if c in frame.columns] +
                 [c for c in frame.columns if c not in REVIEW_COLUMNS]]


def write_review_table(bitext: Bitext, path: str | os.PathLike,
                       threshold: float = LOW_CONFIDENCE) -> None:
    """The review table as TSV, CSV or XLSX (:mod:`alinea.tables`: formula-safe text, header frozen)."""
    from alinea.tmx.tabular import write_table

    write_table(review_frame(bitext, threshold), path, sheet="alignment")


def review_warnings(bitext: Bitext) -> list[str]:
    """The aligner's warnings (dropped anchors, many unaligned sentences, runs of null beads).

    A bitext read back from a TMX or table has no record of them: the bead-based ones are found again.
    """
    from alinea.align.aligner import alignment_warnings

    return bitext.warnings or alignment_warnings(bitext.beads, len(bitext.src), len(bitext.tgt),
                                                 src_lang=bitext.src_lang, tgt_lang=bitext.tgt_lang)


def review_title(bitext: Bitext) -> str:
    """What the review is of: the document symbol (``--document``), else the input files' names
    (``informe.es.txt – report.en.txt``, or the TMX or table reviewed), else the two languages."""
    meta = bitext.meta
    if meta.get("symbol"):
        return meta["symbol"]
    names = [Path(meta[key]).name for key in ("src_file", "tgt_file") if meta.get(key)]
    if names:
        return " – ".join(names)
    if meta.get("source_file"):
        return Path(meta["source_file"]).name
    return f"{bitext.src_lang}–{bitext.tgt_lang} alignment"


def write_review(bitext: Bitext, path: str | os.PathLike, threshold: float = LOW_CONFIDENCE) -> None:
    """Write the self-contained HTML alignment review."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"review threshold must be between 0 and 1, not {threshold}")
    rows = review_rows(bitext, threshold)
    title = review_title(bitext)
    write_html(path, "review.html.j2", title=title, warnings=review_warnings(bitext),
               meta=bitext.meta, summary=summary(bitext, threshold), rows=rows, to_review=to_review(rows),
               plot=path_plot(bitext, threshold) if bitext.beads else "",
               src_lang=bitext.src_lang, tgt_lang=bitext.tgt_lang)
