"""Clipped n-gram matches of many segments at once (numpy, exact integer counts).

BLEU and chrF count, for every segment and n-gram order, how many n-grams of
the hypothesis also occur in the reference (each at most as often as
there). Counting with Python dictionaries segment by segment is most of
their cost; here all the segments of a batch are counted together:

* every segment is a sequence of positive integer symbols (word or
  character ids); position ``p`` of a segment gets the digits
  ``d_0 … d_{N-1}`` = the symbols at ``p … p + N - 1`` (0 past its end);
* the positions of the hypotheses and of every reference are sorted once by
  (segment, ``d_0``, …, ``d_{N-1}``), so that for every order ``n`` the
  positions starting the same n-gram of the same segment are neighbours;
* walking ``n`` up from 1, a new group starts where the segment or one of the
  first ``n`` digits changes; counting each side per group (``bincount``)
  gives the hypothesis and reference counts of every n-gram, whose minimum
  is the clipped match.

The counts are integers (float64 sums of 0/1 below 2**53), so the result is
exactly that of the dictionary loops. Batches of segments bound the memory.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Segments counted together (memory: about 8 * (order + 4) bytes per symbol).
BATCH_SEGMENTS = 4000


@dataclass
class Sequences:
    """Segments as one array of symbols (integers >= 1) and their lengths."""

    symbols: np.ndarray  # int64
    lengths: np.ndarray  # int64, one per segment

    @classmethod
    def from_lists(cls, segments: Sequence[Sequence[int]]) -> Sequences:
        lengths = np.fromiter((len(s) for s in segments), dtype=np.int64, count=len(segments))
        symbols = np.fromiter((x for s in segments for x in s), dtype=np.int64, count=int(lengths.sum()))
        return cls(symbols, lengths)


def char_sequences(texts_by_side: Sequence[Sequence[str]]) -> list[Sequences]:
    """Character ids (shared by all sides) of several lists of texts."""
    joined = ["".join(texts) for texts in texts_by_side]
    codes = [np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) for text in joined]
    _, inverse = np.unique(np.concatenate(codes) if codes else np.zeros(0, np.uint32), return_inverse=True)
    out, start = [], 0
    for texts, side_codes in zip(texts_by_side, codes):
        end = start + len(side_codes)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        out.append(Sequences(inverse[start:end].astype(np.int64) + 1, lengths))
        start = end
    return out


def clipped_matches(hyp: Sequences, refs: Sequence[Sequences], order: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Clipped matches of the hypotheses, per reference and against the best.

    Returns ``per_ref`` of shape (references, segments, order): the sum over
    the n-grams of ``min(hypothesis count, count in that reference)``, and
    ``best`` of shape (segments, order): the same against the highest count
    over the references (BLEU's clipping with several references).
    """
    n_seg = len(hyp.lengths)
    per_ref = np.zeros((len(refs), n_seg, order), dtype=np.int64)
    best = np.zeros((n_seg, order), dtype=np.int64)
    sides = [hyp, *refs]
    offsets = [np.concatenate(([0], np.cumsum(s.lengths))) for s in sides]
    for lo in range(0, n_seg, BATCH_SEGMENTS):
        hi = min(n_seg, lo + BATCH_SEGMENTS)
        batch = [Sequences(s.symbols[o[lo]:o[hi]], s.lengths[lo:hi]) for s, o in zip(sides, offsets)]
        p, b = _batch_matches(batch, order)
        per_ref[:, lo:hi] = p
        best[lo:hi] = b
    return per_ref, best


def _batch_matches(sides: list[Sequences], order: int) -> tuple[np.ndarray, np.ndarray]:
    n_seg = len(sides[0].lengths)
    n_sides = len(sides)
    symbols = np.concatenate([s.symbols for s in sides])
    lengths = np.concatenate([s.lengths for s in sides])
    seg = np.repeat(np.tile(np.arange(n_seg, dtype=np.int64), n_sides), lengths)
    side = np.repeat(np.repeat(np.arange(n_sides, dtype=np.int64), n_seg), lengths)
    ends = np.repeat(np.cumsum(lengths), lengths)  # end of each position's segment
    size = len(symbols)
    if size == 0:
        return np.zeros((n_sides - 1, n_seg, order), np.int64), np.zeros((n_seg, order), np.int64)
    padded = np.concatenate([symbols, np.zeros(order, dtype=np.int64)])
    positions = np.arange(size, dtype=np.int64)
    digits = [np.where(positions + k < ends, padded[k:k + size], 0) for k in range(order)]

    base = int(symbols.max()) + 1
    if n_seg * base ** order < 2 ** 62:  # one packed key: (segment, digits) in base `base`
        key = seg.copy()
        for d in digits:
            key *= base
            key += d
        ordering = np.argsort(key, kind="stable")
    else:  # np.lexsort's last key is the primary one
        ordering = np.lexsort([*reversed(digits), seg])

    seg_sorted = seg[ordering]
    side_sorted = side[ordering]
    new_group = np.empty(size, dtype=bool)
    new_group[0] = True
    np.not_equal(seg_sorted[1:], seg_sorted[:-1], out=new_group[1:])
    per_ref = np.zeros((n_sides - 1, n_seg, order), dtype=np.int64)
    best = np.zeros((n_seg, order), dtype=np.int64)
    for n in range(1, order + 1):
        d = digits[n - 1][ordering]
        new_group[1:] |= d[1:] != d[:-1]
        group = np.cumsum(new_group) - 1
        n_groups = int(group[-1]) + 1
        counts = np.bincount(group * n_sides + side_sorted, weights=d > 0,
                             minlength=n_groups * n_sides).reshape(n_groups, n_sides)
        group_seg = seg_sorted[new_group]
        hyp_counts, ref_counts = counts[:, 0], counts[:, 1:]
        for r in range(n_sides - 1):
            per_ref[r, :, n - 1] = np.bincount(group_seg, weights=np.minimum(hyp_counts, ref_counts[:, r]),
                                               minlength=n_seg)
        if n_sides > 2:
            best[:, n - 1] = np.bincount(group_seg, weights=np.minimum(hyp_counts, ref_counts.max(axis=1)),
                                         minlength=n_seg)
        else:
            best[:, n - 1] = per_ref[0, :, n - 1]
    return per_ref, best
