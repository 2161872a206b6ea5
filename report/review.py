"""The alignment review: where a translator should look first."""
from __future__ import annotations

import os
from dataclasses import dataclass

from align.model import Bead, Bitext

from .html import figure_data_uri, write_html

#: Beads under this confidence are listed in "to review".
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class ReviewRow:
    number: int
    bead: Bead
    paragraph: str
    source: str
    target: str

    @property
    def needs_review(self) -> bool:
        return self.bead.kind != "1-1" or self.bead.score < LOW_CONFIDENCE


def review_rows(bitext: Bitext) -> list[ReviewRow]:
    return [ReviewRow(n, bead, bitext.paragraph_number(bead) or "", src, tgt)
            for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1)]


def summary(bitext: Bitext) -> dict:
    scores = [b.score for b in bitext.beads if not b.is_null] or [0.0]
    return {
        "src_sentences": len(bitext.src),
        "tgt_sentences": len(bitext.tgt),
        "beads": len(bitext.beads),
        "bead_counts": bitext.bead_counts(),
        "mean_score": sum(scores) / len(scores),
        "min_score": min(scores),
        "unaligned_src": sum(len(b.src) for b in bitext.beads if not b.tgt),
        "unaligned_tgt": sum(len(b.tgt) for b in bitext.beads if not b.src),
    }


def path_plot(bitext: Bitext) -> str:
    """The alignment path as a PNG data URI: source index against target index."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6))
    xs, ys, odd_x, odd_y = [], [], [], []
    for bead in bitext.beads:
        x = bead.src[-1] + 1 if bead.src else (bead.src or [0])[0]
        y = bead.tgt[-1] + 1 if bead.tgt else 0
        if not bead.src:
            x = xs[-1] if xs else 0
        if not bead.tgt:
            y = ys[-1] if ys else 0
        xs.append(x)
        ys.append(y)
        if bead.kind != "1-1":
            odd_x.append(x)
            odd_y.append(y)
    ax.plot([0, len(bitext.src)], [0, len(bitext.tgt)], color="#bbbbbb", lw=1, ls="--", label="diagonal")
    ax.plot(xs, ys, color="#1f5fa8", lw=1.5, label="alignment path")
    ax.scatter(odd_x, odd_y, color="#d62728", s=14, zorder=3, label="non 1-1 bead")
    ax.set_xlabel(f"source sentence ({bitext.src_lang})")
    ax.set_ylabel(f"target sentence ({bitext.tgt_lang})")
    ax.legend(loc="upper left")
    uri = figure_data_uri(fig)
    plt.close(fig)
    return uri


def write_review(bitext: Bitext, path: str | os.PathLike) -> None:
    """Write the self-contained HTML alignment review."""
    rows = review_rows(bitext)
    to_review = sorted((r for r in rows if r.needs_review), key=lambda r: (r.bead.score, r.number))
    write_html(path, "review.html.j2", title=bitext.meta.get("symbol") or "Alignment review",
               meta=bitext.meta, summary=summary(bitext), rows=rows, to_review=to_review,
               plot=path_plot(bitext), src_lang=bitext.src_lang, tgt_lang=bitext.tgt_lang)
