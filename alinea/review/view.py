"""What the page shows: why a bead is risky, filters, text search, riskiest-first order.

A bead's reasons are those of the static review (unaligned, not 1-1, low
confidence, as :func:`alinea.report.review.review_reasons` gives them) plus what the
one-pair checks of ``alinea check`` find in it (numbers, UN bodies, untranslated
text, brackets …). The checks cost about a millisecond a bead, so their
findings are cached by text and computed for the beads a page shows, or for
all beads when the order or the filter needs them.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alinea.align.utils import fold

from .edits import ReviewBead

#: Filters the page offers: name -> label.
FILTERS = {
    "all": "all beads",
    "review": "to review (unconfirmed, with a reason)",
    "unaligned": "unaligned (1-0, 0-1)",
    "merged": "not 1-1",
    "low": "low confidence",
    "problems": "check problems",
    "unconfirmed": "unconfirmed",
    "confirmed": "confirmed",
    "edited": "edited",
}
ORDERS = {"document": "document order", "risk": "riskiest first"}
#: Filters that need every bead's check findings.
NEEDS_CHECKS = {"review", "problems"}




class CheckCache:
    """``alinea check``'s one-pair findings per (source, target) text, computed once."""

    def __init__(self) -> None:
        self._checks = None
        self._found: dict[tuple[str, str], tuple[str, ...]] = {}

    def _load(self):
        if self._checks is None:
            from alinea.report.consistency import PairCheck, default_checks

            self._checks = [c for c in default_checks() if isinstance(c, PairCheck)]
        return self._checks

    def findings(self, source: str, target: str) -> tuple[str, ...]:
        key = (source, target)
        found = self._found.get(key)
        if found is None:
            found = ()
            if source and target:
                found = tuple(f"{check.name}: {message}" for check in self._load()
                              for message in check.problems(source, target))
            self._found[key] = found
        return found


@dataclass(frozen=True)
class Risk:
    """Why a bead deserves a look, and how urgently (rank 0 first)."""

    reasons: tuple[str, ...]
    problems: tuple[str, ...]
    low: bool
    #: 0 unaligned, 1 not 1-1, 2 low confidence, 3 check problems, 4 nothing found
    rank: int


def bead_risk(bead: ReviewBead, threshold: float, problems: tuple[str, ...] = ()) -> Risk:
    """The static review's reasons (unaligned, not 1-1, low confidence) plus the check findings.

    A bead the reviewer made by hand, or one without a score, has no aligner confidence to doubt.
    """
    if not bead.src or not bead.tgt:
        side = "target without source" if not bead.src else "source without target"
        return Risk((f"{side} ({bead.kind})",), problems, False, 0)
    reasons = [f"{bead.kind} bead"] if bead.kind != "1-1" else []
    low = bead.score is not None and bead.score < threshold and not bead.edited
    if low:
        reasons.append(f"low confidence ({bead.score:.2f})")
    rank = 1 if bead.kind != "1-1" else 2 if low else 3 if problems else 4
    return Risk(tuple(reasons), problems, low, rank)


def select(beads: Sequence[ReviewBead], risk: Callable[[int], Risk], text: Callable[[int], str], *,
           filter_name: str = "all", query: str = "", order: str = "document") -> list[int]:
    """Positions of the beads to show, in the order to show them."""
    needle = fold(" ".join(query.split()))
    keep = _FILTERS[filter_name]
    positions = [n for n, bead in enumerate(beads)
                 if keep(bead, risk, n) and (not needle or needle in text(n))]
    if order == "risk":
        # Confirmed beads have been looked at: they go last whatever they hold.
        # Within a rank the lowest confidence first; beads without a score after the scored ones.
        positions.sort(key=lambda n: (beads[n].confirmed, risk(n).rank, beads[n].score is None,
                                      beads[n].score or 0.0, n))
    return positions


_FILTERS: dict[str, Callable] = {
    "all": lambda b, risk, n: True,
    "review": lambda b, risk, n: not b.confirmed and (risk(n).reasons or risk(n).problems),
    "unaligned": lambda b, risk, n: b.is_null,
    "merged": lambda b, risk, n: b.kind != "1-1",
    "low": lambda b, risk, n: risk(n).low,
    "problems": lambda b, risk, n: bool(risk(n).problems),
    "unconfirmed": lambda b, risk, n: not b.confirmed,
    "confirmed": lambda b, risk, n: b.confirmed,
    "edited": lambda b, risk, n: b.edited,
}
