"""Alignment around fixed beads: a reviewer's confirmed links stay, the rest is aligned between them.

``align_with_fixed(src, tgt, fixed)`` is the aligner's answer to "re-align the
rest": the fixed beads (those a translator confirmed) are kept exactly as they
are, and :func:`alinea.align.aligner.align_sentences` aligns each stretch of
sentences between two of them on its own, so that nothing it decides can cross
a confirmed link.

A fixed bead with sentences on both sides cuts both documents. A fixed null
bead (1-0 or 0-1: "this sentence has no counterpart") cuts only its own side;
where it cuts the other side is taken from the aligner's own first opinion of
the stretch: the other-side sentences of the bead that held the sentence go
with its neighbour in that bead (after the cut when the sentence opened its
bead, before it when it closed it). The stretches on both sides of the cut are
then aligned separately.
"""
from __future__ import annotations

from collections.abc import Sequence

from .errors import InputError
from .model import Bead, Sentence

__all__ = ["align_with_fixed", "check_fixed_beads"]


def check_fixed_beads(fixed: Sequence[Bead], n_src: int, n_tgt: int) -> list[Bead]:
    """The fixed beads as a list, or InputError when they are not a monotone partial alignment.

    The beads come in document order; each holds at least one sentence, each
    side a run of consecutive indices within the documents, and every bead
    starts after the previous ones end on both sides (no shared sentence, no
    crossing).
    """
    beads = list(fixed)
    last_src = last_tgt = -1
    for bead in beads:
        if not bead.src and not bead.tgt:
            raise InputError("a fixed bead has no sentence on either side")
        for side, ids, size in (("source", bead.src, n_src), ("target", bead.tgt, n_tgt)):
            if any(not 0 <= i < size for i in ids):
                raise InputError(f"fixed bead {_show(bead)}: {side} sentence out of range (0..{size - 1})")
            if ids and list(ids) != list(range(ids[0], ids[0] + len(ids))):
                raise InputError(f"fixed bead {_show(bead)}: its {side} sentences are not consecutive")
        if (bead.src and bead.src[0] <= last_src) or (bead.tgt and bead.tgt[0] <= last_tgt):
            raise InputError(f"fixed bead {_show(bead)} overlaps or crosses an earlier fixed bead "
                             "(fixed beads must be in document order)")
        last_src = bead.src[-1] if bead.src else last_src
        last_tgt = bead.tgt[-1] if bead.tgt else last_tgt
    return beads


def align_with_fixed(src: Sequence[str | Sentence], tgt: Sequence[str | Sentence], fixed: Sequence[Bead], *,
                     src_lang: str = "es", tgt_lang: str = "en") -> list[Bead]:
    """Align ``src`` with ``tgt`` keeping the ``fixed`` beads; all beads in document order.

    Every sentence ends up in exactly one bead; the fixed beads come back
    unchanged (same indices, same score), the others are the aligner's.
    """
    from .aligner import align_sentences

    def align(s0: int, s1: int, t0: int, t1: int) -> list[Bead]:
        if s1 <= s0 and t1 <= t0:
            return []
        found = align_sentences(src[s0:s1], tgt[t0:t1], src_lang=src_lang, tgt_lang=tgt_lang)
        return [Bead(tuple(s0 + i for i in b.src), tuple(t0 + j for j in b.tgt), b.score) for b in found]

    beads = check_fixed_beads(fixed, len(src), len(tgt))
    out: list[Bead] = []
    s = t = 0  # where the next stretch starts
    pending: list[Bead] = []  # fixed null beads inside the current stretch
    for bead in beads + [Bead((len(src),), (len(tgt),))]:  # a sentinel closes the last stretch
        if not bead.src or not bead.tgt:
            pending.append(bead)
            continue
        s_end, t_end = bead.src[0], bead.tgt[0]
        out += _stretch_with_nulls(align, s, s_end, t, t_end, pending)
        pending = []
        if bead.src[0] < len(src):  # not the sentinel
            out.append(bead)
        s, t = bead.src[-1] + 1, bead.tgt[-1] + 1
    return out


def _stretch_with_nulls(align, s0: int, s1: int, t0: int, t1: int, nulls: list[Bead]) -> list[Bead]:
    """Align [s0, s1) x [t0, t1) around the fixed null beads inside it (in document order)."""
    if not nulls:
        return align(s0, s1, t0, t1)
    provisional = align(s0, s1, t0, t1)  # the aligner's own opinion says where the other side is cut
    out: list[Bead] = []
    s, t = s0, t0
    for n, null in enumerate(nulls):
        on_src = bool(null.src)
        # Never cut the other side past the next fixed null bead on that side, nor before the last cut.
        limit = next(((b.tgt[0] if on_src else b.src[0]) for b in nulls[n + 1:] if (b.tgt if on_src else b.src)),
                     t1 if on_src else s1)
        start = t if on_src else s
        other = max(min(_other_side_cut(provisional, null, start), limit), start)
        if on_src:
            out += align(s, null.src[0], t, other)
            s, t = null.src[-1] + 1, other
        else:
            out += align(s, other, t, null.tgt[0])
            s, t = other, null.tgt[-1] + 1
        out.append(null)
    return out + align(s, s1, t, t1)


def _other_side_cut(beads: list[Bead], null: Bead, start: int) -> int:
    """Where the aligner's own beads put a fixed null bead on the other side.

    The other-side sentences of the bead that held the null bead's sentence go
    with what followed the sentence when it opened that bead, else with what
    preceded it.
    """
    own = (lambda b: b.src) if null.src else (lambda b: b.tgt)
    other_of = (lambda b: b.tgt) if null.src else (lambda b: b.src)
    k = own(null)[0]
    cut = start
    for bead in beads:
        others = other_of(bead)
        if k in own(bead):
            if others and own(bead)[0] != k:
                cut = others[-1] + 1
            break
        if others:
            cut = others[-1] + 1
    return cut


def _show(bead: Bead) -> str:
    def ids(side):
        return ",".join(str(i) for i in side) or "-"
    return f"({ids(bead.src)} | {ids(bead.tgt)})"
