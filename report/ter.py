"""Translation edit rate (TER) with the exact numbers of sacrebleu, faster.

sacrebleu's TER (``sacrebleu.metrics.lib_ter``) follows Tercom: shift word
blocks of the hypothesis while a shift lowers the edit distance, then add the
edit distance of the shifted hypothesis. Its edit distance is a *beam*
Levenshtein distance (only a band of about 50 cells around the diagonal is
computed) and every quirk of its search decides the score: the order in which
shift candidates are ranked, which ones are tried, the limit of 1,000
candidates per sentence, and the tie-breaking of its edit trace. This module
computes the same number of edits for every sentence, by other means:

* Words are integers, and the edit distance of a whole hypothesis is computed
  with the bit-parallel algorithm of Myers (1999) in Hyyrö's formulation: one
  row of the matrix is a handful of operations on two Python integers used
  as bit vectors (one bit per reference word), not a loop over 50 cells.
  Rows are kept for the current hypothesis, so a shifted candidate starts
  from the row where it first differs (the role of sacrebleu's prefix cache).

* That distance is the *unrestricted* Levenshtein distance, which is never
  more than the beam distance. It equals it whenever an optimal path stays in
  the beam: for a distance ``d`` and a length difference ``k`` every optimal
  path lies within ``(d + k) / 2`` cells of the diagonal (see
  :func:`_surely_in_beam`), and for the edit trace of the current hypothesis
  the traced path itself is checked cell by cell. When neither proof holds,
  the exact beam distance is computed the slow way (:func:`beam_distance`),
  the same dynamic programme as sacrebleu's.

* The trace of edit operations is rebuilt from the stored bit vectors with
  sacrebleu's preferences (match/substitution, then deletion, then
  insertion). When the traced path stays inside the beam, the beam programme
  makes the same choice in every cell of it (its values there are the same
  and the alternatives are no better), so the alignment and the error marks
  that steer the shift search are sacrebleu's.

* Shift candidates are enumerated in sacrebleu's order and counted the same
  way (the 1,000-candidate limit ends the search on the same sentence and
  round), but a candidate's distance is only worked out when it can still
  win: candidates are ranked by the key sacrebleu ranks them by (gain,
  length, earliest start, earliest target), first with the optimistic gain
  of the unrestricted distance, and the exact beam distance is computed in
  that order until no remaining optimistic key can beat the best exact one.

The tests and ``scripts/bench_score`` compare the statistics with sacrebleu's
own on the UN data and on randomized inputs.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

# Tercom's limits, as sacrebleu applies them.
MAX_SHIFT_SIZE = 10
MAX_SHIFT_DIST = 50
BEAM_WIDTH = 25
MAX_SHIFT_CANDIDATES = 1000

_MATCH, _SUB, _DEL, _INS = 0, 1, 2, 3  # DEL drops a hypothesis word, INS adds a reference word


def encode(hyp: Sequence[str], refs: Sequence[Sequence[str]]) -> tuple[list[int], list[list[int]]]:
    """The words of one segment as small integers (equal words, equal numbers)."""
    codes: dict[str, int] = {}
    get = codes.setdefault
    hyp_codes = [get(w, len(codes)) for w in hyp]
    return hyp_codes, [[get(w, len(codes)) for w in ref] for ref in refs]


class _Beam:
    """sacrebleu's beam for a hypothesis of ``n_hyp`` and a reference of ``n_ref`` words.

    Row ``i`` (1-based, one per hypothesis word) computes the columns
    ``lo[i] <= j < hi[i]``; row 0 is complete and the last row reaches the
    last column.
    """

    __slots__ = ("n_hyp", "n_ref", "width", "lo", "hi")

    def __init__(self, n_hyp: int, n_ref: int):
        self.n_hyp, self.n_ref = n_hyp, n_ref
        ratio = n_ref / n_hyp if n_hyp else 1
        # the same floating-point expressions as sacrebleu, so the same cells
        width = math.ceil(ratio / 2 + BEAM_WIDTH) if BEAM_WIDTH < ratio / 2 else BEAM_WIDTH
        self.width = width
        lo, hi = [0], [n_ref + 1]
        for i in range(1, n_hyp + 1):
            diagonal = math.floor(i * ratio)
            lo.append(max(0, diagonal - width))
            hi.append(min(n_ref + 1, diagonal + width))
        if n_hyp:
            hi[n_hyp] = n_ref + 1
        self.lo, self.hi = lo, hi


def _surely_in_beam(distance: int, beam: _Beam) -> bool:
    """Whether every path of cost ``distance`` stays inside ``beam``.

    Along a path with ``a`` deletions and ``b`` insertions so far, ``j - i``
    is ``b - a``; with ``A + B <= d`` in all and ``B - A = n_ref - n_hyp``, every
    cell has ``|j - x| <= (d + |n_ref - n_hyp|) / 2`` where ``x = i * n_ref / n_hyp``.
    Row ``i`` of the beam is ``floor(x') - width <= j < floor(x') + width`` with
    ``x'`` the floating-point ``x``, which is off by one below an integer ``x`` at
    worst; so ``|j - x| <= width - 2`` is inside the beam.
    """
    return distance + abs(beam.n_ref - beam.n_hyp) <= 2 * beam.width - 4


class _Reference:
    """One reference: its bit masks per word, for the bit-parallel distance."""

    __slots__ = ("words", "n", "mask", "high", "peq")

    def __init__(self, words: Sequence[int]):
        self.words = list(words)
        self.n = len(words)
        self.mask = (1 << self.n) - 1
        self.high = 1 << (self.n - 1) if self.n else 0
        peq: dict[int, int] = {}
        for j, w in enumerate(words):
            peq[w] = peq.get(w, 0) | (1 << j)
        self.peq = peq


def _rows(ref: _Reference, words: Sequence[int], start: int, vp: int, vn: int,
          keep: list[tuple[int, int]] | None) -> tuple[int, int]:
    """Advance the bit vectors of row ``start`` through ``words[start:]``.

    ``vp``/``vn`` have bit ``j`` set when cell ``j + 1`` of the row is one more
    / one less than cell ``j``; cell 0 of row ``i`` is ``i``. With ``keep``,
    the vectors of every new row are appended to it.
    """
    get, mask = ref.peq.get, ref.mask
    append = keep.append if keep is not None else None
    for word in words[start:]:
        eq = get(word, 0)
        xv = eq | vn
        xh = (((eq & vp) + vp) ^ vp) | eq
        hp = vn | (mask & ~(xh | vp))
        hn = vp & xh
        hp = ((hp << 1) | 1) & mask
        hn = (hn << 1) & mask
        vp = hn | (mask & ~(xv | hp))
        vn = hp & xv
        if append is not None:
            append((vp, vn))
    return vp, vn


def _last_cell(row: int, vp: int, vn: int) -> int:
    return row + vp.bit_count() - vn.bit_count()


def levenshtein(hyp: Sequence[int], ref: Sequence[int]) -> int:
    """The unrestricted word edit distance (for tests and as a lower bound)."""
    r = _Reference(ref)
    if not r.n:
        return len(hyp)
    vp, vn = _rows(r, hyp, 0, r.mask, 0, None)
    return _last_cell(len(hyp), vp, vn)


# ---------------------------------------------------------------- the beam programme

def beam_distance(hyp: Sequence[int], ref: Sequence[int], beam: _Beam,
                  with_trace: bool = False) -> tuple[int, list[int] | None]:
    """sacrebleu's beam edit distance and, if asked, its edit trace (ops from the start).

    The dynamic programme of ``BeamEditDistance`` written for integers: the
    cells outside the beam are unreachable, and each cell takes the first of
    match/substitution, deletion, insertion that reaches its minimum.
    """
    n_h, n_r = len(hyp), len(ref)
    inf = 1 << 60
    prev = list(range(n_r + 1))
    ops: list[list[int]] = [[_INS] * (n_r + 1)] if with_trace else []
    for i in range(1, n_h + 1):
        row = [inf] * (n_r + 1)
        op_row = [-1] * (n_r + 1) if with_trace else None
        word = hyp[i - 1]
        for j in range(beam.lo[i], beam.hi[i]):
            if j == 0:
                row[0] = prev[0] + 1
                if op_row is not None:
                    op_row[0] = _DEL
                continue
            best, op = inf, -1
            diag = prev[j - 1] + (0 if word == ref[j - 1] else 1)
            if diag < best:
                best, op = diag, (_MATCH if word == ref[j - 1] else _SUB)
            if prev[j] + 1 < best:
                best, op = prev[j] + 1, _DEL
            if row[j - 1] + 1 < best:
                best, op = row[j - 1] + 1, _INS
            row[j] = best
            if op_row is not None:
                op_row[j] = op
        prev = row
        if op_row is not None:
            ops.append(op_row)
    if not with_trace:
        return prev[n_r], None
    trace: list[int] = []
    i, j = n_h, n_r
    while i > 0 or j > 0:
        op = ops[i][j]
        trace.append(op)
        if op in (_MATCH, _SUB):
            i, j = i - 1, j - 1
        elif op == _INS:
            j -= 1
        else:
            i -= 1
    trace.reverse()
    return prev[n_r], trace


# ---------------------------------------------------------------- one hypothesis state

class _State:
    """The current (shifted) hypothesis against one reference: rows, trace, alignment."""

    __slots__ = ("words", "rows", "distance", "align", "hyp_err", "ref_err")

    def __init__(self, ref: _Reference, words: list[int], beam: _Beam,
                 prefix: list[tuple[int, int]] | None = None, floor: int = -1):
        # ``prefix``: rows already known for the first words (those a shift kept).
        # ``floor``: a lower bound of every shifted hypothesis's distance; a
        # state that reaches it is final and needs no trace.
        self.words = words
        rows = prefix if prefix else [(ref.mask, 0)]
        _rows(ref, words, len(rows) - 1, *rows[-1], rows)
        self.rows = rows
        lower = _last_cell(len(words), *rows[-1])
        if lower == floor and _surely_in_beam(lower, beam):
            self.distance = lower
            return
        trace = _bit_trace(ref, words, rows, beam)
        if trace is None:  # the traced path leaves the beam: the beam's own programme
            self.distance, trace = beam_distance(words, ref.words, beam, with_trace=True)
            assert trace is not None  # with_trace=True always gives one
        else:
            self.distance = _last_cell(len(words), *rows[-1])
        self._alignment(trace, len(words), ref.n)

    def _alignment(self, trace: list[int], n_h: int, n_r: int) -> None:
        # sacrebleu flips the trace (reference rewritten into hypothesis) and
        # maps every reference word to the hypothesis word it faces (-1 before
        # the first); error marks are prefix sums for quick block sums.
        align = [0] * n_r
        hyp_err, ref_err = [0] * (n_h + 1), [0] * (n_r + 1)
        h = r = -1
        for op in trace:
            if op == _MATCH or op == _SUB:
                h += 1
                r += 1
                align[r] = h
                bad = op == _SUB
                hyp_err[h + 1] = hyp_err[h] + bad
                ref_err[r + 1] = ref_err[r] + bad
            elif op == _DEL:  # a hypothesis word without reference counterpart
                h += 1
                hyp_err[h + 1] = hyp_err[h] + 1
            else:  # a reference word without hypothesis counterpart
                r += 1
                align[r] = h
                ref_err[r + 1] = ref_err[r] + 1
        self.align, self.hyp_err, self.ref_err = align, hyp_err, ref_err


def _bit_trace(ref: _Reference, words: Sequence[int], rows: list[tuple[int, int]],
               beam: _Beam) -> list[int] | None:
    """The edit trace of sacrebleu's preferences from the stored rows, or None
    when it leaves the beam (then the beam programme may trace otherwise)."""
    n_h, n_r = len(words), ref.n
    rwords = ref.words
    lo, hi = beam.lo, beam.hi
    i, j = n_h, n_r
    value = _last_cell(i, *rows[i])
    trace: list[int] = []
    append = trace.append
    while i > 0 and j > 0:
        if not lo[i] <= j < hi[i]:
            return None
        # the three neighbours: (i-1, j-1), (i-1, j), (i, j-1)
        pvp, pvn = rows[i - 1]
        low = (1 << j) - 1
        up = i - 1 + (pvp & low).bit_count() - (pvn & low).bit_count()
        bit = 1 << (j - 1)
        diag = up - (1 if pvp & bit else -1 if pvn & bit else 0)
        same = words[i - 1] == rwords[j - 1]
        if diag + (0 if same else 1) == value:
            append(_MATCH if same else _SUB)
            i, j, value = i - 1, j - 1, diag
        elif up + 1 == value:
            append(_DEL)
            i, value = i - 1, up
        else:
            append(_INS)
            j, value = j - 1, value - 1
    while i > 0:  # column 0: deletions only
        if not lo[i] <= 0 < hi[i]:
            return None
        append(_DEL)
        i -= 1
    trace.extend([_INS] * j)  # row 0 is complete
    trace.reverse()
    return trace


def _shifted(words: list[int], start: int, length: int, target: int) -> list[int]:
    """sacrebleu's ``_perform_shift`` (including its treatment of a target
    inside the block)."""
    if target < start:
        return words[:target] + words[start:start + length] + words[target:start] + words[start + length:]
    if target > start + length:
        return words[:start] + words[start + length:target] + words[start:start + length] + words[target:]
    return (words[:start] + words[start + length:length + target] + words[start:start + length]
            + words[length + target:])


def _candidates(state: _State, ref: _Reference, positions: dict[int, list[int]]
                ) -> tuple[int, dict[tuple[int, int, int], None]]:
    """Count sacrebleu's shift candidates and collect the distinct ones.

    Returns the number of candidates sacrebleu evaluates in this round and
    the distinct (start, length, target) shifts among them (several
    reference positions can propose the same shift).
    """
    words, rwords = state.words, ref.words
    n_h, n_r = len(words), ref.n
    align, hyp_err, ref_err = state.align, state.hyp_err, state.ref_err
    count = 0
    distinct: dict[tuple[int, int, int], None] = {}
    for start_h in range(n_h):
        if hyp_err[n_h] == hyp_err[start_h]:
            break  # no hypothesis error from here on: no block can qualify
        for start_r in positions.get(words[start_h], ()):
            if start_r - start_h > MAX_SHIFT_DIST:
                break
            if start_h - start_r > MAX_SHIFT_DIST:
                continue
            limit = min(MAX_SHIFT_SIZE, n_h - start_h, n_r - start_r)
            length = 1
            while True:
                if (hyp_err[start_h + length] != hyp_err[start_h]
                        and ref_err[start_r + length] != ref_err[start_r]
                        and not start_h <= align[start_r] < start_h + length):
                    prev_idx = -1
                    for offset in range(-1, length):
                        idx = 0 if start_r + offset == -1 else align[start_r + offset] + 1
                        if idx == prev_idx:
                            continue
                        prev_idx = idx
                        count += 1
                        distinct[(start_h, length, idx)] = None
                if (length >= limit or words[start_h + length] != rwords[start_r + length]):
                    break
                length += 1
    return count, distinct


def _best_shift(state: _State, ref: _Reference, beam: _Beam,
                shifts: dict[tuple[int, int, int], None]) -> tuple[int, list[int], int] | None:
    """The shift sacrebleu picks: highest gain, then longest block, then the
    earliest start, then the earliest target. Returns (gain, shifted words,
    the first position where they differ from the current words)."""
    words, rows = state.words, state.rows
    pre = state.distance
    n_h = len(words)
    scored = []
    for start, length, target in shifts:
        shifted = _shifted(words, start, length, target)
        first = min(start, target)
        while first < n_h and shifted[first] == words[first]:
            first += 1
        vp, vn = _rows(ref, shifted, first, *rows[first], None)
        lower = _last_cell(n_h, vp, vn)
        scored.append((pre - lower, length, -start, -target, lower, shifted, first))
    scored.sort(key=lambda c: c[:4], reverse=True)
    best = None
    for gain, length, neg_start, neg_target, lower, shifted, first in scored:
        if best is not None and (gain, length, neg_start, neg_target) < best[0]:
            break  # optimistic keys only fall from here: nothing can beat it
        if not _surely_in_beam(lower, beam):
            exact, _ = beam_distance(shifted, ref.words, beam)
            gain = pre - exact
        key = (gain, length, neg_start, neg_target)
        if best is None or key > best[0]:
            best = (key, shifted, first)
    if best is None:
        return None
    return best[0][0], best[1], best[2]


def _edits_one(hyp: list[int], ref_words: list[int]) -> int:
    """Number of edits (shifts + beam edit distance) of one hypothesis against one reference."""
    n_h, n_r = len(hyp), len(ref_words)
    if n_r == 0:
        return n_h
    if n_h == 0:
        return n_r
    ref = _Reference(ref_words)
    beam = _Beam(n_h, n_r)
    positions: dict[int, list[int]] = {}
    for j, w in enumerate(ref_words):
        positions.setdefault(w, []).append(j)
    # Shifts keep the words, so no shifted hypothesis is closer than the
    # words the two sides cannot share: a state at that floor is final (in
    # sacrebleu every candidate would then have a gain <= 0 and the search stop).
    shared = Counter(hyp) & Counter(ref_words)
    floor = max(n_h, n_r) - sum(shared.values())
    checked = shifts = 0
    state = _State(ref, hyp, beam, floor=floor)
    while state.distance != floor:
        count, candidates = _candidates(state, ref, positions)
        checked += count
        if checked >= MAX_SHIFT_CANDIDATES or not candidates:
            break
        best = _best_shift(state, ref, beam, candidates)
        if best is None or best[0] <= 0:
            break
        gain, words, first = best
        shifts += 1
        state = _State(ref, words, beam, state.rows[:first + 1], floor)
    return shifts + state.distance


def ter_statistics(hyp_words: Sequence[str], refs_words: Sequence[Sequence[str]]) -> list[float]:
    """sacrebleu's TER statistics of one segment: [fewest edits, average reference length].

    The words are those of sacrebleu's Tercom tokenizer; with several
    references the fewest edits over them count, and the average of their
    lengths, as sacrebleu computes it.
    """
    hyp, refs = encode(hyp_words, refs_words)
    best = int(1e16)
    total = 0
    for ref in refs:
        best = min(best, _edits_one(hyp, ref))
        total += len(ref)
    return [best, total / len(refs)]
