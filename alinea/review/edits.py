"""The reviewer's edits as pure functions: beads in, one :class:`Change` out.

A review holds the two sides' sentences and a list of :class:`ReviewBead` in
document order (each side's sentences, read bead after bead, are 0, 1, 2 …).
Every edit keeps that true: it replaces a run of neighbouring beads with new
ones and may change sentence texts, which is all a :class:`Change` records, so
undo is the same change turned around. Edits that would touch a confirmed
(locked) bead are refused with :class:`EditError`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from alinea.align.errors import InputError
from alinea.align.model import Bead

SIDES = ("src", "tgt")


class EditError(InputError):
    """An edit that cannot be made (the message says why, in one sentence)."""


@dataclass(frozen=True)
class ReviewBead(Bead):
    """A bead under review: a :class:`~alinea.align.model.Bead` with the reviewer's marks."""

    #: the aligner's confidence, or None when none was computed: a unit of the input
    #: without x-score (a CAT tool's memory), or a bead the reviewer made or reshaped
    #: (a human decision, marked ``edited``, not a score the aligner gave)
    score: float | None = None
    #: confirmed by the reviewer: locked against edits, a fixed point when re-aligning
    confirmed: bool = False
    #: made or reshaped by the reviewer (not as the aligner or the input had it)
    edited: bool = False
    #: properties of the input's translation unit(s) that alinea does not compute, kept on export
    props: tuple[tuple[str, str], ...] = ()

    def side(self, side: str) -> tuple[int, ...]:
        return self.src if side == "src" else self.tgt

    def to_json(self) -> list:
        return [list(self.src), list(self.tgt), self.score, self.confirmed, self.edited, [list(p) for p in self.props]]

    @classmethod
    def from_json(cls, value: list) -> ReviewBead:
        src, tgt, score, confirmed, edited, props = value
        return cls(tuple(src), tuple(tgt), None if score is None else float(score), bool(confirmed), bool(edited),
                   tuple((str(k), str(v)) for k, v in props))


@dataclass(frozen=True)
class TextChange:
    side: str
    index: int
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """``beads[start:start + len(old)]`` becomes ``new``; sentence texts change as listed."""

    label: str
    start: int
    old: tuple[ReviewBead, ...]
    new: tuple[ReviewBead, ...]
    texts: tuple[TextChange, ...] = ()

    @property
    def is_noop(self) -> bool:
        """A change that changes nothing (a re-alignment that found nothing to do)."""
        return not self.old and not self.new and not self.texts

    def inverse(self) -> Change:
        return Change(self.label, self.start, self.new, self.old,
                      tuple(TextChange(t.side, t.index, t.new, t.old) for t in self.texts))

    def to_json(self) -> dict:
        return {"label": self.label, "start": self.start, "old": [b.to_json() for b in self.old],
                "new": [b.to_json() for b in self.new],
                "texts": [[t.side, t.index, t.old, t.new] for t in self.texts]}

    @classmethod
    def from_json(cls, value: dict) -> Change:
        return cls(value["label"], int(value["start"]), tuple(ReviewBead.from_json(b) for b in value["old"]),
                   tuple(ReviewBead.from_json(b) for b in value["new"]),
                   tuple(TextChange(s, int(i), o, n) for s, i, o, n in value["texts"]))


def apply(beads: list[ReviewBead], change: Change) -> None:
    """Apply ``change`` to ``beads`` in place (the texts are the caller's)."""
    end = change.start + len(change.old)
    if beads[change.start:end] != list(change.old):
        raise EditError("the alignment changed meanwhile: reload the page")
    beads[change.start:end] = change.new


# --------------------------------------------------------------------------- edits

def _bead(beads: Sequence[ReviewBead], pos: int) -> ReviewBead:
    if not 0 <= pos < len(beads):
        raise EditError(f"there is no bead {pos + 1} (the alignment has {len(beads)})")
    return beads[pos]


def _unlocked(beads: Sequence[ReviewBead], *positions: int) -> None:
    for pos in positions:
        if _bead(beads, pos).confirmed:
            raise EditError(f"bead {pos + 1} is confirmed: unconfirm it first to change it")


def _side(side: str) -> str:
    if side not in SIDES:
        raise EditError(f"side must be 'src' or 'tgt', not {side!r}")
    return side


def _made(src: Sequence[int], tgt: Sequence[int], props=()) -> ReviewBead:
    return ReviewBead(tuple(src), tuple(tgt), None, False, True, tuple(props))


def _merged_props(*beads: ReviewBead) -> tuple[tuple[str, str], ...]:
    props: dict[str, str] = {}
    for bead in beads:
        for key, value in bead.props:
            props.setdefault(key, value)
    return tuple(props.items())


def merge(beads: Sequence[ReviewBead], pos: int, with_next: bool = True) -> Change:
    """Join bead ``pos`` with the next bead (or the previous one)."""
    other = pos + 1 if with_next else pos - 1
    _bead(beads, pos)
    if not 0 <= other < len(beads):
        raise EditError(f"bead {pos + 1} has no {'next' if with_next else 'previous'} bead to merge with")
    first, second = sorted((pos, other))
    _unlocked(beads, first, second)
    a, b = beads[first], beads[second]
    joined = _made(a.src + b.src, a.tgt + b.tgt, _merged_props(a, b))
    return Change(f"merge beads {first + 1} and {second + 1}", first, (a, b), (joined,))


def _balanced_cut(own: Sequence[int], at: int, other: Sequence[int]) -> int:
    """Where to cut the other side so both parts keep the same share of its text as of ``own``'s."""
    total = sum(own) or 1
    share = sum(own[:at]) / total
    other_total = sum(other) or 1
    best, best_gap = 0, 2.0
    running = 0
    for cut in range(len(other) + 1):
        gap = abs(running / other_total - share)
        if gap <= best_gap + 1e-12:  # on a tie the later cut: the other side stays with the first part
            best, best_gap = cut, gap
        if cut < len(other):
            running += other[cut]
    return best


def split(beads: Sequence[ReviewBead], pos: int, src_at: int, tgt_at: int) -> Change:
    """Cut bead ``pos`` in two: its first ``src_at`` source and ``tgt_at`` target sentences, then the rest."""
    bead = _bead(beads, pos)
    _unlocked(beads, pos)
    if not (0 <= src_at <= len(bead.src) and 0 <= tgt_at <= len(bead.tgt)):
        raise EditError(f"bead {pos + 1} ({bead.kind}) cannot be cut after {src_at} source and "
                        f"{tgt_at} target sentences")
    first = (bead.src[:src_at], bead.tgt[:tgt_at])
    second = (bead.src[src_at:], bead.tgt[tgt_at:])
    if not any(first) or not any(second):
        raise EditError(f"bead {pos + 1} ({bead.kind}): a split must leave a sentence on each side of the cut")
    return Change(f"split bead {pos + 1}", pos, (bead,),
                  (_made(*first, bead.props), _made(*second, bead.props)))


def split_after(beads: Sequence[ReviewBead], pos: int, side: str, sentence: int,
                lengths: Mapping[str, Sequence[int]]) -> Change:
    """Split bead ``pos`` after its sentence ``sentence`` of ``side``; the other side is cut where the
    lengths balance (``lengths[side][i]``: characters of sentence i). Move sentences afterwards if needed."""
    bead = _bead(beads, pos)
    own = bead.side(_side(side))
    if sentence not in own:
        raise EditError(f"sentence {sentence + 1} is not in bead {pos + 1}")
    at = own.index(sentence) + 1
    if at == len(own):
        raise EditError(f"bead {pos + 1}: sentence {sentence + 1} is the last of its side; "
                        "split after an earlier one")
    other_side = "tgt" if side == "src" else "src"
    other = bead.side(other_side)
    cut = _balanced_cut([lengths[side][i] for i in own], at, [lengths[other_side][i] for i in other])
    return split(beads, pos, at, cut) if side == "src" else split(beads, pos, cut, at)


def move(beads: Sequence[ReviewBead], pos: int, side: str, sentence: int, direction: int) -> Change:
    """Move a sentence across a bead boundary: the first of its side to the previous bead
    (``direction`` -1), or the last of its side to the next bead (+1). A bead left empty disappears."""
    bead = _bead(beads, pos)
    own = bead.side(_side(side))
    if sentence not in own:
        raise EditError(f"sentence {sentence + 1} is not in bead {pos + 1}")
    if direction not in (-1, 1):
        raise EditError("direction must be -1 (to the previous bead) or 1 (to the next bead)")
    other = pos + direction
    if not 0 <= other < len(beads):
        raise EditError(f"bead {pos + 1} has no {'previous' if direction < 0 else 'next'} bead")
    if direction < 0 and own[0] != sentence:
        raise EditError("only the first sentence of a side can move to the previous bead")
    if direction > 0 and own[-1] != sentence:
        raise EditError("only the last sentence of a side can move to the next bead")
    _unlocked(beads, pos, other)
    rest = own[1:] if direction < 0 else own[:-1]
    left = replace(bead, src=rest, tgt=bead.tgt) if side == "src" else replace(bead, src=bead.src, tgt=rest)
    left = _made(left.src, left.tgt, bead.props)
    neighbour = beads[other]
    theirs = neighbour.side(side)
    theirs = theirs + (sentence,) if direction < 0 else (sentence,) + theirs
    grown = _made(theirs, neighbour.tgt, neighbour.props) if side == "src" else \
        _made(neighbour.src, theirs, neighbour.props)
    pair = (grown, left) if direction < 0 else (left, grown)
    first = min(pos, other)
    new = tuple(b for b in pair if b.src or b.tgt)
    return Change(f"move {'source' if side == 'src' else 'target'} sentence {sentence + 1} "
                  f"to bead {other + 1}", first, (beads[first], beads[first + 1]), new)


def unalign(beads: Sequence[ReviewBead], pos: int, side: str, sentence: int,
            lengths: Mapping[str, Sequence[int]]) -> Change:
    """Take one sentence out of bead ``pos`` into a bead of its own (1-0 or 0-1).

    The first sentence of a side goes before the bead, the last after it; one
    in the middle splits the bead around it (the other side cut where the
    lengths balance).
    """
    bead = _bead(beads, pos)
    own = bead.side(_side(side))
    if sentence not in own:
        raise EditError(f"sentence {sentence + 1} is not in bead {pos + 1}")
    if bead.is_null and len(own) == 1:
        raise EditError(f"bead {pos + 1} is already unaligned ({bead.kind})")
    _unlocked(beads, pos)
    other_side = "tgt" if side == "src" else "src"
    other = bead.side(other_side)
    k = own.index(sentence)
    alone = _made((sentence,), ()) if side == "src" else _made((), (sentence,))

    def made(own_part, other_part):
        return _made(own_part, other_part, bead.props) if side == "src" else \
            _made(other_part, own_part, bead.props)

    if k == 0:
        new = (alone, made(own[1:], other))
    elif k == len(own) - 1:
        new = (made(own[:-1], other), alone)
    else:
        own_lengths = [lengths[side][i] for i in own]
        kept = own_lengths[:k] + own_lengths[k + 1:]
        cut = _balanced_cut(kept, k, [lengths[other_side][i] for i in other])
        new = (made(own[:k], other[:cut]), alone, made(own[k + 1:], other[cut:]))
    new = tuple(b for b in new if b.src or b.tgt)
    label = f"mark {'source' if side == 'src' else 'target'} sentence {sentence + 1} unaligned"
    return Change(label, pos, (bead,), new)


def edit_text(beads: Sequence[ReviewBead], pos: int, side: str, sentence: int, old: str, new: str) -> Change:
    """Replace the text of one sentence of bead ``pos``."""
    bead = _bead(beads, pos)
    if sentence not in bead.side(_side(side)):
        raise EditError(f"sentence {sentence + 1} is not in bead {pos + 1}")
    _unlocked(beads, pos)
    text = " ".join(new.split())
    if not text:
        raise EditError("a sentence cannot be empty: mark it unaligned or merge it instead")
    if text == old:
        raise EditError("the text is unchanged")
    return Change(f"edit {'source' if side == 'src' else 'target'} sentence {sentence + 1}", pos, (bead,),
                  (replace(bead, edited=True),), (TextChange(side, sentence, old, text),))


def confirm(beads: Sequence[ReviewBead], pos: int, confirmed: bool = True) -> Change:
    """Confirm (lock) bead ``pos``, or unconfirm it."""
    bead = _bead(beads, pos)
    if bead.confirmed == confirmed:
        raise EditError(f"bead {pos + 1} is already {'confirmed' if confirmed else 'unconfirmed'}")
    label = f"{'confirm' if confirmed else 'unconfirm'} bead {pos + 1}"
    return Change(label, pos, (bead,), (replace(bead, confirmed=confirmed),))
