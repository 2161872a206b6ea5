"""The dynamic programme: the cheapest monotone path of beads through two sentence lists.

``D[i, j]`` is the cost of the best alignment of the first ``i`` source and first
``j`` target sentences::

    D[i, j] = min over beads (a, b) of  D[i - a, j - b] + cost_ab(i, j)

where ``cost_ab(i, j)`` is the cost of a bead that joins source sentences
``i-a .. i-1`` with target sentences ``j-b .. j-1``. The search runs row by row
inside a band of ``width`` target positions around the diagonal, so memory is
``O(n * width)``: per cell one byte of back-pointer and two float32 (the cost of
the chosen bead and its margin); bead costs are computed for a chunk of rows at
a time and only the last four rows of ``D`` are kept.

Inside a row every bead with ``a >= 1`` depends on earlier rows only, so it is a
vector operation; the 0-1 bead (a target sentence left alone) depends on the cell
to its left, which is a running minimum::

    D[i, j] = min(E[j], D[i, j-1] + z[j])  =  Z[j] + min_{k <= j} (E[k] - Z[k]),   Z = cumsum(z)

computed with ``np.minimum.accumulate``. If the best path touches the edge of
the band, the band is doubled and the search repeated.

This module also holds the Gale & Church (1993) length cost.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import kernels

#: The default bead types (source count, target count) searched besides 0-1; the aligner
#: passes its own list (``CostModel.moves``), up to 4 sentences on a side.
MOVES: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (2, 1), (1, 2), (2, 2))
ZERO_ONE = (0, 1)
#: Rows whose bead costs are computed in one vectorized call.
CHUNK_ROWS = 64

#: Rows of the posterior pass whose bead costs are asked for in one call (the cost function splits
#: them into blocks of CHUNK_ROWS rows: same costs, fewer calls).
POSTERIOR_COST_ROWS = 1024

CostBlock = Callable[[np.ndarray, np.ndarray], dict[tuple[int, int], np.ndarray]]
Path = list[tuple[tuple[int, ...], tuple[int, ...], float, float]]


def clamp(values, low, high):
    """``np.clip(values, low, high)`` without its per-call checks (~8 µs each, which added up to a
    tenth of the bead costs): the same values, NaN and ``low > high`` included."""
    return np.minimum(np.maximum(values, low), high)


def log_erfc(x: np.ndarray) -> np.ndarray:
    """log(erfc(x)) for x >= 0, vectorized, to within 1e-5 (absolute, in the log).

    Numerical Recipes' Chebyshev fit erfc(x) = t * exp(-x^2 + P(t)), t = 1/(1 + x/2),
    taken in log form so that it stays finite far in the tail.
    """
    t = 1.0 / (1.0 + 0.5 * x)
    return np.log(t) - x * x + erfc_poly(t)


def erfc_poly(t):
    """The polynomial P(t) of :func:`log_erfc` (on arrays, or on floats in ``kernels``: the same operations)."""
    return -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))


def length_cost(len_src: np.ndarray, len_tgt: np.ndarray, ratio: float, variance: float) -> np.ndarray:
    """Gale & Church: -log P(|delta| >= observed), delta = (l_t - c l_s) / sqrt(s^2 * mean length).

    The mean of the two (ratio-scaled) lengths stands in for l_s so that the
    cost is symmetric in the two sides.
    """
    scaled = len_src * ratio
    mean = np.maximum((scaled + len_tgt) / 2.0, 1.0)
    z = np.abs(scaled - len_tgt) / np.sqrt(mean * variance)
    return -log_erfc(z / math.sqrt(2.0))


def _band_bases(n: int, m: int, width: int) -> np.ndarray:
    """First target position of each row's band, centred on the diagonal, nondecreasing."""
    if width >= m + 1:
        return np.zeros(n + 1, dtype=np.int64)
    centre = np.rint(np.arange(n + 1) * (m / max(n, 1))).astype(np.int64)
    return clamp(centre - width // 2, 0, m + 1 - width)


def _tracked_bases(base: np.ndarray, rows: np.ndarray, last_row: np.ndarray, m: int, slope: float,
                   width: int) -> None:
    """Band of the next chunk of rows, centred on where the path is now (``base[rows]``, in place).

    The cheapest cell of the last row searched is where the best partial alignment
    ends; from there the band follows the documents' slope. Unlike the diagonal, this
    centre moves with omissions and merges, so the band need not grow with the length.
    """
    previous = int(rows[0]) - 1
    if np.isfinite(last_row).any():
        centre = base[previous] + int(np.argmin(last_row))
    else:   # the band lost every path: go back to the diagonal (the search then widens)
        centre = int(round(previous * slope))
    centres = np.rint(centre + (rows - previous) * slope).astype(np.int64)
    base[rows] = clamp(centres - width // 2, 0, m + 1 - width)


def _search_rows(ring: np.ndarray, ring_rows: np.ndarray, gather: np.ndarray, costs: np.ndarray, cum: np.ndarray,
                 in_matrix: np.ndarray, rows: np.ndarray, width: int, codes: np.ndarray, bests: np.ndarray,
                 seconds: np.ndarray, runs: np.ndarray, lefts: np.ndarray,
                 probe: Callable[[int, np.ndarray], None] | None = None) -> None:
    """The search's walk over one chunk of rows (numpy; ``kernels.search_rows`` is the compiled twin).

    Row by row: the best bead into each cell (``codes``, ``bests``; ``seconds`` the
    runner-up), then the 0-1 beads along the row as a running minimum (``runs``,
    ``lefts`` where a 0-1 bead wins); the row of D goes into ``ring`` (and to ``probe``).
    """
    columns = np.arange(width)
    for r, i in enumerate(rows.tolist()):
        cand = ring[ring_rows[r], gather[r]] + costs[r]
        code = cand.argmin(axis=0)
        best = cand[code, columns]
        if costs.shape[1] > 1:
            seconds[r] = np.partition(cand, 1, axis=0)[1]
        # 0-1 beads along the row: D[j] = min(E[j], D[j-1] + z[j]), a running minimum.
        h = best - cum[r]
        run = np.minimum.accumulate(h)
        from_left = (run < h) & in_matrix[r]
        ring[i % 4, width:2 * width] = np.where(from_left, run + cum[r], best)
        if probe is not None:
            probe(i, ring[i % 4, width:2 * width])
        codes[r], bests[r], runs[r], lefts[r] = code, best, run, from_left


def _search(n: int, m: int, width: int, cost_block: CostBlock, zero_one: np.ndarray,
            moves: tuple[tuple[int, int], ...],
            probes: dict[int, np.ndarray] | None = None,
            tracked: bool = False) -> tuple[Path, bool, dict[int, np.ndarray]]:
    """One banded search; returns the path, whether it touched the band's edge, and
    ``D[i, j]`` at the probed cells (``probes[i]``: the columns j of row i; +inf outside the band).

    The band is centred on the diagonal, or with ``tracked`` on the cheapest cell of
    the row before each chunk of rows (:func:`_tracked_bases`)."""
    tracked = tracked and width < m + 1
    base = np.zeros(n + 1, dtype=np.int64) if tracked else _band_bases(n, m, width)
    compiled = probes is None and kernels.wanted(n)   # the row walk compiled (same results)
    probed: dict[int, np.ndarray] = {}

    def probe(i: int, row: np.ndarray) -> None:
        if probes is not None and i in probes:
            k = probes[i] - base[i]
            inside = (k >= 0) & (k < width)
            probed[i] = np.where(inside, row[clamp(k, 0, width - 1)], np.inf)
    offsets = np.arange(width)
    # z[j] = cost of the 0-1 bead that ends at target position j (consumes sentence j-1).
    z_full = np.concatenate(([np.inf], zero_one.astype(np.float64), np.full(width + 1, np.inf)))
    back = np.full((n + 1, width), -1, dtype=np.int8)
    step = np.zeros((n + 1, width), dtype=np.float32)    # cost of the bead chosen into each cell
    margin = np.zeros((n + 1, width), dtype=np.float32)  # how much worse the best other last bead is
    move_a = np.array([a for a, _ in moves])
    move_b = np.array([b for _, b in moves])
    n_moves = len(moves)
    # The last four rows of D, padded with +inf on both sides so that shifted reads stay inside.
    ring = np.full((4, 3 * width), np.inf)
    zero_one_code = n_moves
    # Row 0: only 0-1 beads, from (0, 0).
    z0 = z_full[base[0] + offsets]
    row0 = np.cumsum(np.concatenate(([0.0], z0[1:])))
    row0[base[0] + offsets > m] = np.inf
    ring[0, width:2 * width] = row0
    probe(0, row0)
    back[0, 1:] = zero_one_code
    step[0, 1:] = z0[1:]
    margin[0] = 1e4
    for first in range(1, n + 1, CHUNK_ROWS):
        rows = np.arange(first, min(n, first + CHUNK_ROWS - 1) + 1)
        if tracked:
            _tracked_bases(base, rows, ring[(first - 1) % 4, width:2 * width], m, m / n, width)
        j_grid = base[rows][:, None] + offsets[None, :]
        in_matrix = j_grid <= m
        block = cost_block(rows, np.minimum(j_grid, m))
        costs = np.stack([block[mv] for mv in moves], axis=1)              # (rows, moves, width)
        # A bead (a, b) cannot end before target position b, nor outside the matrix.
        costs[(j_grid[:, None, :] < move_b[None, :, None]) | ~in_matrix[:, None, :]] = np.inf
        z = z_full[j_grid]
        z[:, 0] = 0.0
        cum = np.cumsum(np.where(in_matrix, z, 0.0), axis=1)
        prev = np.maximum(rows[:, None] - move_a[None, :], 0)
        gather = clamp(width + (base[rows][:, None] - move_b[None, :] - base[prev])[:, :, None]
                         + offsets[None, None, :], 0, 3 * width - 1)
        ring_rows = ((rows[:, None] - move_a[None, :]) % 4)[:, :, None]
        count = len(rows)
        codes = np.empty((count, width), dtype=np.int64)
        bests = np.empty((count, width))
        seconds = np.full((count, width), np.inf)
        runs = np.empty((count, width))
        lefts = np.empty((count, width), dtype=bool)
        if compiled:
            kernels.search_rows(ring, ring_rows, gather, costs, cum, in_matrix, rows, width,
                                codes, bests, seconds, runs, lefts)
        else:
            _search_rows(ring, ring_rows, gather, costs, cum, in_matrix, rows, width, codes, bests, seconds, runs,
                         lefts, probe if probes is not None else None)
        back[rows] = np.where(lefts, zero_one_code, np.where(np.isfinite(bests), codes, -1))
        chosen = np.take_along_axis(costs, codes[:, None, :], axis=1)[:, 0, :]
        step[rows] = np.where(lefts, z, chosen)
        # The best way into each cell with another last bead: another move, or a 0-1 bead from the left.
        value = np.where(lefts, runs + cum, bests)
        via_left = np.concatenate((np.full((count, 1), np.inf), runs[:, :-1]), axis=1) + cum
        other = np.where(lefts, bests, np.minimum(seconds, via_left))
        with np.errstate(invalid="ignore"):
            margin[rows] = np.nan_to_num(np.minimum(other - value, 1e4), nan=0.0)
    # Backtrace from (n, m).
    path: Path = []
    touched = False
    i, j = n, m
    all_moves = list(moves) + [ZERO_ONE]
    while i or j:
        k = j - base[i]
        if (k <= 1 and base[i] > 0) or (k >= width - 2 and base[i] + width - 1 < m):
            touched = True
        code = back[i][k] if 0 <= k < width else -1
        if code < 0:
            # The band lost the path (very unequal lengths): the caller widens it.
            return [], True, probed
        a, b = all_moves[code]
        path.append((tuple(range(i - a, i)), tuple(range(j - b, j)), float(step[i][k]), float(margin[i][k])))
        i, j = i - a, j - b
    path.reverse()
    return path, touched, probed


def initial_width(n: int, m: int) -> int:
    """Band width: a band around the diagonal that grows with the square root of the length.

    Omissions move the true path off the diagonal like a random walk, by about
    the square root of their number; the band doubles when the path touches it.
    Past ``TRACKED_WIDTH`` the band follows the path instead (:func:`_tracked_bases`).
    """
    return min(m + 1, 32 + math.isqrt(max(n, m)))


#: Width of the band that follows the path: used where the diagonal band would be wider.
#: The path drifts from the row's cheapest cell by a few positions within a chunk of rows
#: (merges and omissions); 64 leaves it room (measured: no band touched on the synthetic
#: pairs of 25k-200k sentences), and the band doubles when the path touches it.
TRACKED_WIDTH = 64


def best_path(n: int, m: int, cost_block: CostBlock, zero_one: np.ndarray,
              moves: tuple[tuple[int, int], ...] = MOVES, width: int | None = None,
              tracked: bool | None = None) -> Path:
    """Cheapest monotone bead sequence through an ``n`` x ``m`` problem.

    ``cost_block(rows, j_grid)`` returns, for each move (a, b) with a >= 1, an array
    shaped like ``j_grid``: the cost of the bead of that type ending at source
    position ``rows[r]`` and target position ``j_grid[r, k]`` (cells where the bead
    does not fit are masked here, whatever the array holds). ``zero_one[j]`` is
    the cost of leaving target sentence ``j`` unaligned. Returns the beads as
    (source indices, target indices, bead cost, margin), where the margin is how
    much more the best path into the bead's end would cost with another last bead.

    ``width`` and ``tracked`` choose the band (default: the diagonal band of
    :func:`initial_width`, or a band of ``TRACKED_WIDTH`` that follows the path when
    that is narrower); any band gives the same path as long as it holds the path
    away from its edges.
    """
    if n == 0 or m == 0:
        return ([((i,), (), 0.0, 1e4) for i in range(n)] + [((), (j,), float(zero_one[j]), 1e4) for j in range(m)])
    return _widening(n, m, cost_block, zero_one, moves, width, tracked=tracked)[0]


def _widening(n: int, m: int, cost_block: CostBlock, zero_one: np.ndarray, moves: tuple[tuple[int, int], ...],
              width: int | None, probes: dict[int, np.ndarray] | None = None,
              tracked: bool | None = None) -> tuple[Path, dict[int, np.ndarray]]:
    """The banded search, its band doubled until the best path keeps off its edges."""
    if tracked is None:
        tracked = width is None and initial_width(n, m) > TRACKED_WIDTH
    if width is None:
        width = TRACKED_WIDTH if tracked else initial_width(n, m)
    # Consecutive rows' bands must overlap for a path to exist: with very unequal
    # lengths (many target sentences per source sentence) start wider.
    width = max(width, 2 * -(-m // n) + 4)
    while True:
        path, touched, probed = _search(n, m, min(width, m + 1), cost_block, zero_one, moves, probes, tracked)
        if not touched or width >= m + 1:
            return path, probed
        width *= 2


def costs_through(n: int, m: int, cost_block: CostBlock, zero_one: np.ndarray, cells: list[tuple[int, int]],
                  moves: tuple[tuple[int, int], ...] = MOVES) -> tuple[np.ndarray, float, Path]:
    """``D[i, j]`` at each of ``cells`` (the cheapest way from (0, 0) to it), ``D[n, m]``, and the best path."""
    probes: dict[int, list[int]] = {}
    for i, j in cells + [(n, m)]:
        probes.setdefault(i, []).append(j)
    arrays = {i: np.array(js, dtype=np.int64) for i, js in probes.items()}
    path, probed = _widening(n, m, cost_block, zero_one, moves, None, arrays)
    seen = {i: dict(zip(js, probed.get(i, np.full(len(js), np.inf)).tolist())) for i, js in probes.items()}
    return np.array([seen[i][j] for i, j in cells]), float(seen[n][m]), path


def searched_whole(n: int, m: int) -> bool:
    """Whether :func:`best_path` searches every cell of an ``n`` x ``m`` problem at once (its first
    band already holds the whole matrix), as :func:`best_paths_whole` does for many problems."""
    if n == 0 or m == 0 or n >= CHUNK_ROWS:
        return False
    tracked = initial_width(n, m) > TRACKED_WIDTH
    width = TRACKED_WIDTH if tracked else initial_width(n, m)
    return max(width, 2 * -(-m // n) + 4) >= m + 1


def best_paths_whole(sizes: list[tuple[int, int]], costs: np.ndarray, zero_one: np.ndarray,
                     moves: tuple[tuple[int, int], ...] = MOVES) -> list[Path | None]:
    """:func:`best_path` of many small problems at once, each over all its cells (``searched_whole``).

    ``costs[s, r, mv, k]``: the cost of a bead of type ``moves[mv]`` ending at source position
    ``r + 1`` and target position ``k`` of problem ``s`` (shape: problems x the most rows x moves x
    the most columns + 1); ``zero_one[s, j]`` the cost of leaving target sentence ``j`` alone.
    Each row is one vector operation over all the problems, with the arithmetic of
    :func:`_search` cell for cell, so each problem gets the path :func:`best_path` gives it
    (``tests/test_perf_paths.py``); a problem without a path gives None (the caller searches it alone).
    Padding cells (past a problem's own size) are masked here, whatever ``costs`` holds.
    """
    count, rows, n_moves, width = costs.shape
    n_rows = np.array([n for n, _ in sizes], dtype=np.int64)
    n_cols = np.array([m for _, m in sizes], dtype=np.int64)
    move_a = np.array([a for a, _ in moves])
    move_b = np.array([b for _, b in moves])
    columns = np.arange(width)
    in_matrix = columns[None, :] <= n_cols[:, None]                                   # (problems, width)
    np.copyto(costs, np.inf, where=(columns[None, :] < move_b[:, None])[None, None] | ~in_matrix[:, None, None, :])
    z = np.where(columns[None, :] <= n_cols[:, None],
                 np.concatenate((np.full((count, 1), np.inf), zero_one), axis=1)[:, :width], np.inf)
    z[:, 0] = 0.0
    cum = np.cumsum(np.where(in_matrix, z, 0.0), axis=1)
    # D with three rows and three columns of +inf before it: a bead (a, b) reads row r - a, column k - b.
    pad = 3
    table = np.full((count, rows + 1 + pad, width + pad), np.inf)
    table[:, pad, pad:] = np.cumsum(z, axis=1)          # row 0: only 0-1 beads (z[:, 0] is 0)
    codes = np.empty((count, rows, width), dtype=np.int64)
    bests = np.empty((count, rows, width))
    seconds = np.full((count, rows, width), np.inf)
    runs = np.empty((count, rows, width))
    lefts = np.empty((count, rows, width), dtype=bool)
    cand = np.empty((count, n_moves, width))
    for r in range(1, rows + 1):
        for mv in range(n_moves):
            row, shift = pad + r - move_a[mv], pad - move_b[mv]
            np.add(table[:, row, shift:shift + width], costs[:, r - 1, mv], out=cand[:, mv])
        code = cand.argmin(axis=1)
        best = np.take_along_axis(cand, code[:, None, :], axis=1)[:, 0]
        if n_moves > 1:
            seconds[:, r - 1] = np.partition(cand, 1, axis=1)[:, 1]
        h = best - cum
        run = np.minimum.accumulate(h, axis=1)
        from_left = (run < h) & in_matrix
        table[:, pad + r, pad:] = np.where(from_left, run + cum, best)
        codes[:, r - 1], bests[:, r - 1], runs[:, r - 1], lefts[:, r - 1] = code, best, run, from_left
    zero_one_code = n_moves
    back = np.where(lefts, zero_one_code, np.where(np.isfinite(bests), codes, -1))
    chosen = np.take_along_axis(costs, codes[:, :, None, :], axis=2)[:, :, 0, :]
    step = np.where(lefts, z[:, None, :], chosen).astype(np.float32)
    value = np.where(lefts, runs + cum[:, None, :], bests)
    via_left = np.concatenate((np.full((count, rows, 1), np.inf), runs[:, :, :-1]), axis=2) + cum[:, None, :]
    other = np.where(lefts, bests, np.minimum(seconds, via_left))
    with np.errstate(invalid="ignore", over="ignore"):   # -inf margins stay -inf in float32, as in _search
        margin = np.nan_to_num(np.minimum(other - value, 1e4), nan=0.0).astype(np.float32)
    all_moves = list(moves) + [ZERO_ONE]
    out: list[Path | None] = []
    for s in range(count):
        back_s, step_s, margin_s, z_s = back[s].tolist(), step[s].tolist(), margin[s].tolist(), z[s]
        path: Path = []
        i, j = int(n_rows[s]), int(n_cols[s])
        lost = False
        while (i or j) and not lost:
            if i == 0:   # row 0: 0-1 beads only
                path.append(((), (j - 1,), float(np.float32(z_s[j])), float(np.float32(1e4))))
                j -= 1
                continue
            code = back_s[i - 1][j]
            lost = code < 0
            if not lost:
                a, b = all_moves[code]
                path.append((tuple(range(i - a, i)), tuple(range(j - b, j)), step_s[i - 1][j], margin_s[i - 1][j]))
                i, j = i - a, j - b
        out.append(None if lost else path[::-1])
    return out


#: Stands for log(0) in the posterior computation (finite, so that differences never give NaN).
_LOG_ZERO = -1e30


def _path_band(n: int, m: int, path: Path, halo: int) -> tuple[np.ndarray, int]:
    """A band of target positions around a path: nondecreasing first column per row, and its width."""
    return _spans_band(n, m, _bead_spans(path), halo)


def _spans_band(n: int, m: int, spans: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                halo: int) -> tuple[np.ndarray, int]:
    """``_path_band`` of a path given as its ``_bead_spans``."""
    starts_i, ends_i, starts_j, ends_j = spans
    # Row r is touched by the beads that start at or before it and end at or after it (a run of
    # beads, in order): its lowest column is where the first of them starts, its highest where the
    # last of them ends.
    rows = np.arange(n + 1)
    lo = starts_j[np.searchsorted(ends_i, rows, "left")]
    hi = ends_j[np.searchsorted(starts_i, rows, "right") - 1]
    width = int(min(m + 1, (hi - lo).max() + 2 * halo + 1))
    base = clamp(lo - halo, 0, m + 1 - width)
    return np.maximum.accumulate(base), width


def bead_posteriors(n: int, m: int, cost_block: CostBlock, zero_one: np.ndarray, path: Path,
                    moves: tuple[tuple[int, int], ...] = MOVES, temperature: float = 1.0,
                    halo: int = 4) -> np.ndarray:
    """The probability of each bead of ``path`` given the two documents (only the beads' sizes are
    read: ``path`` may hold the beads numbered in the whole document).

    Bead costs are read as negative log-probabilities (divided by ``temperature``);
    summing over every monotone path within ``halo`` target positions of ``path``
    (forward-backward), a bead's probability is that of all paths that contain it.
    A bead that the evidence pins down gets about 1; one with a near rival (a 1-1
    where a 2-1 costs almost the same) gets what the two share.

    Memory is that of the narrow band: ``(n + 1) x width`` forward and backward values
    and ``(n + 1) x moves x width`` bead log-probabilities, width about 2 x halo.
    """
    if not path:
        return np.zeros(0)
    if n == 0 or m == 0:
        return np.ones(len(path))
    base, width = _path_band(n, m, path, halo)
    compiled = kernels.wanted(n)   # the forward and backward walks compiled (same results)
    offsets = np.arange(width)
    n_moves = len(moves)
    move_a = np.array([a for a, _ in moves])
    move_b = np.array([b for _, b in moves])
    # zl[j]: log-probability of the 0-1 bead that consumes target sentence j-1 (ends at column j).
    zl = np.concatenate(([_LOG_ZERO], -zero_one.astype(np.float64) / temperature, np.full(width + 1, _LOG_ZERO)))
    alpha = np.full((n + 1, width), _LOG_ZERO)
    beta = np.full((n + 1, width), _LOG_ZERO)
    logp = np.full((n + 1, n_moves, width), _LOG_ZERO, dtype=np.float32)
    columns = base[:, None] + offsets[None, :]                      # absolute column of each band cell
    in_matrix = columns <= m

    # Forward: alpha[i, j] = log of the summed probability of the paths from (0, 0) to (i, j).
    # Along a row the 0-1 beads give alpha[j] = logaddexp(entry[j], alpha[j-1] + zl[j]), which
    # is a cumulative log-sum-exp: with S = cumsum(zl), alpha = S + logaddexp.accumulate(entry - S).
    row0 = np.where(offsets == 0, 0.0, _LOG_ZERO)
    step0 = np.where(in_matrix[0], zl[columns[0]], _LOG_ZERO)
    step0[0] = 0.0
    cum0 = np.cumsum(step0)
    alpha[0] = np.where(in_matrix[0], cum0 + np.logaddexp.accumulate(row0 - cum0), _LOG_ZERO)
    # The bead log-probabilities of many rows per cost_block call (the band is known: no row
    # depends on the walk), then the walk a chunk of rows at a time.
    for first in range(1, n + 1, POSTERIOR_COST_ROWS):
        rows = np.arange(first, min(n, first + POSTERIOR_COST_ROWS - 1) + 1)
        j_grid = columns[rows]
        block = cost_block(rows, np.minimum(j_grid, m))
        lp = np.stack([-block[mv] / temperature for mv in moves], axis=1)
        bad = (j_grid[:, None, :] < move_b[None, :, None]) | ~in_matrix[rows][:, None, :] | ~np.isfinite(lp)
        logp[rows] = np.where(bad, _LOG_ZERO, lp)
    for first in range(1, n + 1, CHUNK_ROWS):
        rows = np.arange(first, min(n, first + CHUNK_ROWS - 1) + 1)
        j_grid = columns[rows]
        # Where each bead type ending in these rows starts: (row, band column), and whether it is in the band.
        prev_rows = rows[:, None] - move_a[None, :]                                   # (rows, moves)
        prev_k = j_grid[:, None, :] - move_b[None, :, None] - base[np.maximum(prev_rows, 0)][:, :, None]
        inside = (prev_k >= 0) & (prev_k < width) & (prev_rows >= 0)[:, :, None]
        prev_k = clamp(prev_k, 0, width - 1)
        prev_rows = np.maximum(prev_rows, 0)[:, :, None]
        lp_rows = np.where(inside, logp[rows], _LOG_ZERO)
        steps = np.where(in_matrix[rows], zl[j_grid], _LOG_ZERO)
        steps[:, 0] = 0.0
        step_cum = np.cumsum(steps, axis=1)
        if compiled:
            kernels.forward_rows(alpha, prev_rows, prev_k, lp_rows, step_cum, in_matrix[rows], rows, _LOG_ZERO)
            continue
        for r, i in enumerate(rows.tolist()):
            entry = np.logaddexp.reduce(alpha[prev_rows[r], prev_k[r]] + lp_rows[r], axis=0)
            alpha[i] = np.where(in_matrix[i], step_cum[r] + np.logaddexp.accumulate(entry - step_cum[r]), _LOG_ZERO)
    total = alpha[n, m - base[n]]

    # Backward: beta[i, j] = log of the summed probability of the paths from (i, j) to (n, m).
    # The index arrays are built for one chunk of rows at a time (from the last chunk up), so
    # that memory stays the band's tables, not (n + 1) x moves x width of indices.
    move_index = np.arange(n_moves)[:, None]
    for last in range(n, -1, -CHUNK_ROWS):
        chunk = np.arange(max(0, last - CHUNK_ROWS + 1), last + 1)
        next_rows = chunk[:, None] + move_a[None, :]                                   # (rows, moves)
        safe_next = np.minimum(next_rows, n)
        next_k = columns[chunk][:, None, :] + move_b[None, :, None] - base[safe_next][:, :, None]
        ahead_ok = (next_k >= 0) & (next_k < width) & (next_rows <= n)[:, :, None]
        next_k = clamp(next_k, 0, width - 1).astype(np.int32)
        # 0-1 beads to the right: beta[j] = logaddexp(exit[j], zl[j + 1] + beta[j + 1]), run right to left.
        chunk_columns = columns[chunk]
        right_steps = np.where(in_matrix[chunk] & (chunk_columns + 1 <= m),
                               zl[np.minimum(chunk_columns + 1, m + width + 1)], _LOG_ZERO)
        reversed_cum = np.cumsum(np.concatenate((np.zeros((len(chunk), 1)), right_steps[:, ::-1][:, 1:]), axis=1),
                                 axis=1)
        if compiled:
            kernels.backward_rows(beta, logp, safe_next, next_k, ahead_ok, reversed_cum, in_matrix, columns, chunk,
                                  n, m, _LOG_ZERO)
            continue
        for r in range(len(chunk) - 1, -1, -1):
            i = int(chunk[r])
            rows_i = safe_next[r][:, None]
            ahead = np.where(ahead_ok[r], beta[rows_i, next_k[r]] + logp[rows_i, move_index, next_k[r]], _LOG_ZERO)
            exit_ = np.logaddexp.reduce(ahead, axis=0)
            if i == n:
                exit_ = np.where(columns[i] == m, 0.0, exit_)
            cum = reversed_cum[r]
            backward = cum + np.logaddexp.accumulate(exit_[::-1] - cum)
            beta[i] = np.where(in_matrix[i], backward[::-1], _LOG_ZERO)

    # The path's beads: alpha at the start, the bead, beta at the end, over the total.
    i, ni, j, nj = _bead_spans(path)
    lp_bead = np.where(ni == i, zl[nj], logp[ni, _move_codes(ni - i, nj - j, moves), nj - base[ni]].astype(np.float64))
    out = alpha[i, j - base[i]] + lp_bead + beta[ni, nj - base[ni]] - total
    return np.clip(np.exp(np.minimum(out, 0.0)), 0.0, 1.0)



def bead_posteriors_many(costs: np.ndarray, problems: list[tuple[int, int, np.ndarray, Path]],
                         moves: tuple[tuple[int, int], ...] = MOVES, temperature: float = 1.0,
                         halo: int = 4) -> list[np.ndarray]:
    """:func:`bead_posteriors` of many small problems ``(n, m, zero_one, path)`` at once (each
    ``n < CHUNK_ROWS``, as for ``searched_whole``): the same probabilities, bit for bit.

    ``costs[s, r, k, j]`` is the cost of bead ``moves[k]`` ending at source position ``r + 1`` and
    target position ``j`` of problem ``s``, as ``best_paths_whole`` reads it (the search's table of
    a group of small stretches): problem s's ``bead_posteriors`` with a cost block that reads it.
    One by one, a small problem pays a fixed cost (a hundred-odd array operations on a band of a
    few cells) that is most of its time: a document with 60 paragraph numbers paid it 60 times.
    Here the problems are padded to one shape (the most rows, the widest band) and every step
    of the forward and backward walks runs on all of them together, each cell with the same
    operations in the same order as alone. A problem's own cells are the first ``width`` of its
    band: the walks along a row run left to right (the padding comes after its cells) and, for
    the backward walk's right-to-left sums, over the problem's own cells reversed in place.
    """
    out: list[np.ndarray] = []
    todo: list[int] = []
    for k, (n, m, _, path) in enumerate(problems):
        out.append(np.zeros(0) if not path else np.ones(len(path)))
        if path and n and m:
            if n >= CHUNK_ROWS:
                raise ValueError("bead_posteriors_many is for problems of fewer than CHUNK_ROWS rows")
            todo.append(k)
    if not todo:
        return out
    count = len(todo)
    stretch = np.arange(count)
    spans = [_bead_spans(problems[k][3]) for k in todo]
    bands = [_spans_band(problems[k][0], problems[k][1], span, halo) for k, span in zip(todo, spans)]
    n_s = np.array([problems[k][0] for k in todo], dtype=np.int64)
    m_s = np.array([problems[k][1] for k in todo], dtype=np.int64)
    widths = np.array([width for _, width in bands], dtype=np.int64)
    rows_max, width_max = int(n_s.max()), int(widths.max())
    base = np.empty((count, rows_max + 1), dtype=np.int64)
    for s, (own_base, _) in enumerate(bands):
        base[s, :len(own_base)] = own_base
        base[s, len(own_base):] = own_base[-1]               # rows past a problem's end: never read
    n_moves = len(moves)
    move_a = np.array([a for a, _ in moves])
    move_b = np.array([b for _, b in moves])
    offsets = np.arange(width_max)
    # zl[s, j] as bead_posteriors' zl of problem s (padded with log(0) past its own length).
    zl = np.full((count, int(m_s.max()) + width_max + 2), _LOG_ZERO)
    for s, k in enumerate(todo):
        zl[s, 1:m_s[s] + 1] = -problems[k][2].astype(np.float64) / temperature
    alpha = np.full((count, rows_max + 1, width_max), _LOG_ZERO)
    beta = np.full((count, rows_max + 1, width_max), _LOG_ZERO)
    columns = base[:, :, None] + offsets[None, None, :]
    own = (offsets[None, None, :] < widths[:, None, None]) & (np.arange(rows_max + 1)[None, :, None]
                                                               <= n_s[:, None, None])
    in_matrix = (columns <= m_s[:, None, None]) & own
    at = stretch[:, None, None]

    # The beads' log-probabilities (bead_posteriors' logp), every problem's rows from one gather.
    rows = np.arange(1, rows_max + 1)
    j_grid = columns[:, rows]                                                        # (problems, rows, width)
    table = costs[np.array(todo)[:, None, None, None], (rows - 1)[None, :, None, None],
                  np.arange(n_moves)[None, None, :, None],
                  np.minimum(j_grid, m_s[:, None, None])[:, :, None, :]]           # (problems, rows, moves, width)
    lp = -table / temperature
    bad = (j_grid[:, :, None, :] < move_b[None, None, :, None]) | ~in_matrix[:, rows][:, :, None, :] | ~np.isfinite(lp)
    logp = np.full((count, rows_max + 1, n_moves, width_max), _LOG_ZERO, dtype=np.float32)
    logp[:, rows] = np.where(bad, _LOG_ZERO, lp)

    # Forward (see bead_posteriors).
    row0 = np.where(offsets == 0, 0.0, _LOG_ZERO)
    step0 = np.where(in_matrix[:, 0], zl[stretch[:, None], columns[:, 0]], _LOG_ZERO)
    step0[:, 0] = 0.0
    cum0 = np.cumsum(step0, axis=1)
    alpha[:, 0] = np.where(in_matrix[:, 0], cum0 + np.logaddexp.accumulate(row0 - cum0, axis=1), _LOG_ZERO)
    prev_rows = rows[:, None] - move_a[None, :]                                      # (rows, moves)
    prev_k = (j_grid[:, :, None, :] - move_b[None, None, :, None]
              - base[:, np.maximum(prev_rows, 0)][:, :, :, None])                    # (problems, rows, moves, width)
    inside = (prev_k >= 0) & (prev_k < widths[:, None, None, None]) & (prev_rows >= 0)[None, :, :, None]
    prev_k = np.minimum(np.maximum(prev_k, 0), widths[:, None, None, None] - 1)
    prev_rows = np.maximum(prev_rows, 0)
    lp_rows = np.where(inside, logp[:, rows], _LOG_ZERO)
    steps = np.where(in_matrix[:, rows], zl[stretch[:, None, None], j_grid], _LOG_ZERO)
    steps[:, :, 0] = 0.0
    step_cum = np.cumsum(steps, axis=2)
    for r, i in enumerate(rows.tolist()):
        entry = np.logaddexp.reduce(alpha[at, prev_rows[r][None, :, None], prev_k[:, r]] + lp_rows[:, r], axis=1)
        alpha[:, i] = np.where(in_matrix[:, i], step_cum[:, r] + np.logaddexp.accumulate(entry - step_cum[:, r],
                                                                                          axis=1), _LOG_ZERO)
    last_column = m_s - base[stretch, n_s]
    total = alpha[stretch, n_s, last_column]

    # Backward (see bead_posteriors), every row in one chunk.
    chunk = np.arange(rows_max + 1)
    next_rows = chunk[None, :, None] + move_a[None, None, :]                          # (1, rows, moves)
    safe_next = np.minimum(next_rows, n_s[:, None, None])                           # (problems, rows, moves)
    next_k = columns[:, :, None, :] + move_b[None, None, :, None] - base[at, safe_next][..., None]
    ahead_ok = (next_k >= 0) & (next_k < widths[:, None, None, None]) & (next_rows <= n_s[:, None, None])[..., None]
    next_k = np.minimum(np.maximum(next_k, 0), widths[:, None, None, None] - 1).astype(np.int32)
    right_steps = np.where(in_matrix & (columns + 1 <= m_s[:, None, None]),
                           zl[at, np.minimum(columns + 1, (m_s + widths + 1)[:, None, None])], _LOG_ZERO)
    # Each problem's own cells reversed in place (the padding stays after them).
    flip = np.where(offsets[None, :] < widths[:, None], widths[:, None] - 1 - offsets[None, :], offsets[None, :])
    flip_rows = np.broadcast_to(flip[:, None, :], right_steps.shape)
    reversed_steps = np.take_along_axis(right_steps, flip_rows, axis=2)
    reversed_cum = np.cumsum(np.concatenate((np.zeros((count, rows_max + 1, 1)), reversed_steps[:, :, 1:]), axis=2),
                             axis=2)
    move_index = np.arange(n_moves)[None, :, None]
    for i in range(rows_max, -1, -1):
        rows_i = safe_next[:, i][:, :, None]
        ahead = np.where(ahead_ok[:, i], beta[at, rows_i, next_k[:, i]] + logp[at, rows_i, move_index, next_k[:, i]],
                         _LOG_ZERO)
        exit_ = np.logaddexp.reduce(ahead, axis=1)
        exit_ = np.where((n_s == i)[:, None] & (columns[:, i] == m_s[:, None]), 0.0, exit_)
        cum = reversed_cum[:, i]
        backward = cum + np.logaddexp.accumulate(np.take_along_axis(exit_, flip, axis=1) - cum, axis=1)
        beta[:, i] = np.where(in_matrix[:, i], np.take_along_axis(backward, flip, axis=1), _LOG_ZERO)

    # The paths' beads, all problems' at once.
    owner = np.repeat(stretch, [len(problems[k][3]) for k in todo])
    i, ni, j, nj = (np.concatenate([span[c] for span in spans]) for c in range(4))
    lp_bead = np.where(ni == i, zl[owner, nj],
                       logp[owner, ni, _move_codes(ni - i, nj - j, moves), nj - base[owner, ni]].astype(np.float64))
    found = alpha[owner, i, j - base[owner, i]] + lp_bead + beta[owner, ni, nj - base[owner, ni]] - total[owner]
    probabilities = np.clip(np.exp(np.minimum(found, 0.0)), 0.0, 1.0)
    bounds = np.cumsum([0] + [len(problems[k][3]) for k in todo])
    for s, k in enumerate(todo):
        out[k] = probabilities[bounds[s]:bounds[s + 1]]
    return out



def _move_codes(sizes_a: np.ndarray, sizes_b: np.ndarray, moves: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The number in ``moves`` of each bead of sizes (a, b) (0 for a size that is no move: a 0-1 bead,
    whose probability is read elsewhere)."""
    code_of = np.zeros((int(sizes_a.max()) + 1, int(sizes_b.max()) + 1), dtype=np.int64)
    for c, (a, b) in enumerate(moves):
        if a < code_of.shape[0] and b < code_of.shape[1]:
            code_of[a, b] = c
    return code_of[sizes_a, sizes_b]

def _bead_spans(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each bead of a path starts and ends: source start, source end, target start, target end."""
    ends_i = np.cumsum(np.fromiter((len(p) for p, *_ in path), dtype=np.int64, count=len(path)))
    ends_j = np.cumsum(np.fromiter((len(q) for _, q, *_ in path), dtype=np.int64, count=len(path)))
    return (np.concatenate(([0], ends_i[:-1])), ends_i, np.concatenate(([0], ends_j[:-1])), ends_j)
