"""Compiled row loops of the dynamic programmes (numba), for long documents.

The search (``corelib._search``) and the posterior pass (``corelib.bead_posteriors``)
compute their bead costs with numpy a chunk of rows at a time, then walk the rows
one by one: each row depends on the rows before it. In numpy that walk costs a
dozen array calls per row, most of the time on a long document. These kernels do
the same walk compiled, with the same floating-point operations in the same order
(additions, comparisons, ``logaddexp`` as numpy defines it), so they give the same
paths and the same confidences as the numpy loops, which stay the reference
(``tests/test_perf_paths.py`` compares the two).

numba is optional (``pip install alinea[fast]``) and imported only for problems of at
least ``MIN_ROWS`` rows: importing it costs about half a second, more than a short
document takes to align. Its compiled code is cached on disk (``cache=True``), so the
compilation is paid once per installation. ``ALINEA_KERNELS=numpy`` turns the kernels
off, ``ALINEA_KERNELS=numba`` uses them at every size (tests); without numba installed,
the numpy loops run. Measured on a 25,000-sentence pair: the posterior pass takes a
third less time, the search a tenth less; the bead costs (numpy) are the rest.
"""
from __future__ import annotations

import math
import os
import threading
from functools import cache

import numpy as np

#: Problems with fewer rows run the numpy loops: numba's import (about 0.5 s) costs more than the
#: compiled walks save below this (measured: about 60 microseconds per row saved, posteriors and search).
MIN_ROWS = 10000
_LOG_ZERO = -1e30


def wanted(rows: int) -> bool:
    """Whether to use the compiled loops for a problem of ``rows`` rows."""
    choice = os.environ.get("ALINEA_KERNELS", "").strip().lower()
    if choice == "numpy":
        return False
    if choice != "numba" and rows < MIN_ROWS:
        return False
    return _compiled() is not None


@cache
def _compiled():
    """The compiled kernels, or None when numba is not installed."""
    try:
        import numba
    except ImportError:
        return None
    jit = numba.njit(cache=True, nogil=True)
    # The kernels call _logaddexp by its global name: compiled, it must be compiled too.
    globals()["_logaddexp"] = numba.njit(cache=True, nogil=True, inline="always")(_logaddexp)
    globals()["_postings"] = jit(_postings)
    globals()["_reset"] = jit(_reset)
    globals()["_accumulate"] = jit(_accumulate)
    from .corelib import erfc_poly

    globals()["_erfc_poly"] = numba.njit(cache=True, nogil=True, inline="always")(erfc_poly)
    return {"search_rows": jit(_search_rows), "forward_rows": jit(_forward_rows),
            "backward_rows": jit(_backward_rows), "hit_blocks": jit(_hit_blocks),
            "sentence_sums": jit(_sentence_sums), "document_counts": jit(_document_counts),
            "length_logs_wanted": jit(_length_logs_wanted), "bead_costs": jit(_bead_costs)}


def search_rows(*args) -> None:
    _compiled()["search_rows"](*args)


def forward_rows(*args) -> None:
    _compiled()["forward_rows"](*args)


def backward_rows(*args) -> None:
    _compiled()["backward_rows"](*args)


def sentence_sums(bounds: np.ndarray, flat: np.ndarray, per_key: np.ndarray) -> np.ndarray:
    """For each row of ``per_key`` (values by key id) and each sentence (``bounds`` / ``flat``: its
    key ids), the sum of the values of the sentence's keys, added in order from 0.0: what
    ``np.bincount(sentence_of_each_key, row[flat])`` gives, in one pass for all the rows."""
    out = np.zeros((per_key.shape[0], len(bounds) - 1))
    _compiled()["sentence_sums"](bounds, flat, np.ascontiguousarray(per_key), out)
    return out


def document_counts(bounds: np.ndarray, flat: np.ndarray, vocab_size: int) -> np.ndarray:
    """For each key id, in how many sentences it occurs (once per sentence however often)."""
    counts = np.zeros(vocab_size, np.int64)
    _compiled()["document_counts"](bounds, flat, counts, np.full(vocab_size, -1, np.int64))
    return counts


def bead_costs(moves: tuple[tuple[int, int], ...], priors: np.ndarray, i_abs: np.ndarray, j_abs: np.ndarray,
               s0: int, t0: int, ratio: float, variance: float, lexical_weight: float, orphan_penalty: float,
               min_orphan_keys: float, src_len_cum: np.ndarray, tgt_len_cum: np.ndarray, src_log_len: np.ndarray,
               tgt_log_len: np.ndarray, sides: tuple[np.ndarray, ...], blocks: tuple[np.ndarray, ...],
               block_of_row: tuple[np.ndarray, ...]) -> np.ndarray:
    """``aligner.BeadCosts.costs`` of every move at the cells (row ``i_abs[r]``, column ``j_abs[r, k]``),
    compiled, without the structure penalty: shape (moves, rows, columns).

    The logarithms are numpy's (``np.log`` on the values the numpy version takes them of: the
    first kernel gathers them, numpy takes them, the second kernel uses them); everything else is
    the numpy version's additions and products in its order, so the costs are the same to the last
    bit. ``sides``: per sentence, source and target sums of gains (own), informative key counts and
    prefix sums of the miss terms; ``blocks``: the four flat arrays of ``encoder.hit_count_blocks``;
    ``block_of_row``: per row, where its block starts, its first source and target sentence, its
    rows and columns.
    """
    compiled = _compiled()
    move_a = np.array([a for a, _ in moves], np.int64)
    move_b = np.array([b for _, b in moves], np.int64)
    rows, width = j_abs.shape
    t_arg = np.ones((len(moves), rows, width))
    totals = np.ones((2, len(moves), rows, width))
    compiled["length_logs_wanted"](move_a, move_b, i_abs, j_abs, s0, t0, ratio, variance, src_len_cum, tgt_len_cum,
                                   t_arg, totals)
    out = np.empty((len(moves), rows, width))
    args = (move_a, move_b, priors, i_abs, j_abs, s0, t0, ratio, variance, lexical_weight, orphan_penalty,
            min_orphan_keys, src_len_cum, tgt_len_cum, src_log_len, tgt_log_len, np.log(t_arg), np.log(totals),
            *sides, *blocks, *block_of_row, out)
    if rows * width < SHARED_CELLS or _helper() is None:
        compiled["bead_costs"](*args, 0, rows)
    else:   # the rows' second half on the helper thread meanwhile (the kernel runs without the GIL)
        half = rows // 2
        second = _helper().submit(compiled["bead_costs"], *args, half, rows)
        compiled["bead_costs"](*args, 0, half)
        second.result()
    return out


#: Cells from which ``bead_costs`` shares a call's rows with a helper thread (a 64 x 64 chunk of the search:
#: the hand-over costs about 0.05 ms, half the kernel about 0.6 ms).
SHARED_CELLS = 2048


@cache
def _helper():
    """One helper thread for the compiled kernels (made on first use: only long documents use the
    kernels), or None where a second core may not be used (``forked.may_use_second_core``)."""
    from . import forked

    if not forked.may_use_second_core():
        return None
    from concurrent.futures import ThreadPoolExecutor

    # A forked child (``alinea.align.forked``) has no copy of the thread: it makes its own if it needs one.
    os.register_at_fork(after_in_child=_helper.cache_clear)
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=forked.HELPER_PREFIX)


_scratch = threading.local()


def hit_blocks(s_bounds: np.ndarray, s_flat: np.ndarray, t_bounds: np.ndarray, t_flat: np.ndarray,
               src_weights: np.ndarray, tgt_weights: np.ndarray, src_ranges: np.ndarray, tgt_ranges: np.ndarray,
               offsets: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """``encoder.hit_count_blocks``'s four flat arrays, compiled (see ``_hit_blocks``)."""
    vocab = len(src_weights)
    # Per-key list heads and last rows seen, one pair per side: made once per thread (the kernel
    # leaves them at -1), as a table the size of the vocabulary costs more to fill than a block.
    table = getattr(_scratch, "keys", None)
    if table is None or table.shape[1] < vocab:
        table = _scratch.keys = np.full((4, max(vocab, 2 * (0 if table is None else table.shape[1]))), -1, np.int64)
    out = tuple(np.zeros(size) for _ in range(4))
    _compiled()["hit_blocks"](s_bounds, s_flat, t_bounds, t_flat, src_weights, tgt_weights,
                              src_ranges.astype(np.int64), tgt_ranges.astype(np.int64), offsets.astype(np.int64),
                              *out, table)
    return out


# The kernels, as plain Python over arrays (numba compiles them; they also run uncompiled).

def _search_rows(ring, ring_rows, gather, costs, cum, in_matrix, rows, width, codes, bests, seconds, runs, lefts):
    """``corelib._search``'s walk over one chunk of rows (see the numpy loop there)."""
    n_moves = costs.shape[1]
    for r in range(rows.shape[0]):
        i = rows[r]
        for k in range(width):
            best = np.inf
            second = np.inf
            code = 0
            for mv in range(n_moves):
                value = ring[ring_rows[r, mv, 0], gather[r, mv, k]] + costs[r, mv, k]
                if value < best or (mv == 0):
                    if mv == 0:
                        best, code = value, 0
                    else:
                        second = best
                        best, code = value, mv
                elif value < second:
                    second = value
            codes[r, k] = code
            bests[r, k] = best
            if n_moves > 1:
                seconds[r, k] = second
        # 0-1 beads along the row: a running minimum of best - cum.
        run = np.inf
        for k in range(width):
            h = bests[r, k] - cum[r, k]
            if k == 0 or h < run:
                run = h
            runs[r, k] = run
            left = run < h and in_matrix[r, k]
            lefts[r, k] = left
            ring[i % 4, width + k] = run + cum[r, k] if left else bests[r, k]


def _logaddexp(x, y):
    """numpy's ``logaddexp`` (npymath), operation for operation."""
    if x == y:
        return x + 0.693147180559945309417232121458176568
    tmp = x - y
    if tmp > 0:
        return x + math.log1p(math.exp(-tmp))
    elif tmp <= 0:
        return y + math.log1p(math.exp(tmp))
    return tmp


def _forward_rows(alpha, prev_rows, prev_k, lp_rows, step_cum, in_matrix_rows, rows, log_zero):
    """``corelib.bead_posteriors``'s forward walk over one chunk of rows."""
    n_moves = lp_rows.shape[1]
    width = alpha.shape[1]
    entry = np.empty(width)
    for r in range(rows.shape[0]):
        i = rows[r]
        for k in range(width):
            acc = alpha[prev_rows[r, 0, 0], prev_k[r, 0, k]] + lp_rows[r, 0, k]
            for mv in range(1, n_moves):
                acc = _logaddexp(acc, alpha[prev_rows[r, mv, 0], prev_k[r, mv, k]] + lp_rows[r, mv, k])
            entry[k] = acc
        acc = 0.0
        for k in range(width):
            value = entry[k] - step_cum[r, k]
            acc = value if k == 0 else _logaddexp(acc, value)
            alpha[i, k] = step_cum[r, k] + acc if in_matrix_rows[r, k] else log_zero


def _backward_rows(beta, logp, safe_next, next_k, ahead_ok, reversed_cum, in_matrix, columns, chunk, n, m,
                   log_zero):
    """``corelib.bead_posteriors``'s backward walk over one chunk of rows, last row first."""
    n_moves = logp.shape[1]
    width = beta.shape[1]
    exit_ = np.empty(width)
    for r in range(chunk.shape[0] - 1, -1, -1):
        i = chunk[r]
        for k in range(width):
            acc = 0.0
            for mv in range(n_moves):
                row = safe_next[r, mv]
                kk = next_k[r, mv, k]
                value = beta[row, kk] + logp[row, mv, kk] if ahead_ok[r, mv, k] else log_zero
                acc = value if mv == 0 else _logaddexp(acc, value)
            if i == n and columns[i, k] == m:
                acc = 0.0
            exit_[k] = acc
        acc = 0.0
        for k in range(width):
            value = exit_[width - 1 - k] - reversed_cum[r, k]
            acc = value if k == 0 else _logaddexp(acc, value)
            backward = reversed_cum[r, k] + acc
            beta[i, width - 1 - k] = backward if in_matrix[i, width - 1 - k] else log_zero


def _postings(bounds, flat, first, count, findable, head, last, node_row, node_next):
    """Which of ``count`` sentences from ``first`` hold each key ``findable`` (weight > 0 on the other
    side): a linked list per key (``head``), its rows ascending, each row once."""
    nodes = 0
    for row in range(count - 1, -1, -1):
        for q in range(bounds[first + row], bounds[first + row + 1]):
            k = flat[q]
            if findable[k] > 0 and last[k] != row:
                last[k] = row
                node_row[nodes] = row
                node_next[nodes] = head[k]
                head[k] = nodes
                nodes += 1


def _accumulate(bounds, flat, first, count, weights, head, node_row, node_next, out_w, out_n, offset, stride,
                other_stride):
    """For each key occurrence (weight > 0) of ``count`` sentences from ``first``, its weight and a count
    added to the cell of (its sentence, each sentence of ``head``'s lists holding the key), in order."""
    for x in range(count):
        for q in range(bounds[first + x], bounds[first + x + 1]):
            k = flat[q]
            w = weights[k]
            if w > 0:
                node = head[k]
                while node >= 0:
                    cell = offset + x * stride + node_row[node] * other_stride
                    out_w[cell] += w
                    out_n[cell] += 1.0
                    node = node_next[node]


def _erfc_poly(t):
    """``corelib.erfc_poly`` (``_compiled`` puts its compiled version here)."""
    from .corelib import erfc_poly

    return erfc_poly(t)


def _reset(bounds, flat, first, count, head, last):
    for q in range(bounds[first], bounds[first + count]):
        head[flat[q]] = -1
        last[flat[q]] = -1


def _hit_blocks(s_bounds, s_flat, t_bounds, t_flat, src_weights, tgt_weights, src_ranges, tgt_ranges, offsets,
                src_w, tgt_w, src_n, tgt_n, table):
    """``encoder.hit_count_blocks`` walked key by key: for each key occurrence of a sentence, the
    sentences of the other side of its block that hold the key. A cell's sums take the same terms
    in the same order as the numpy version's ``bincount`` (the occurrences of its sentence in
    order), so they are the same numbers to the last bit."""
    for p in range(src_ranges.shape[0]):
        s0, t0 = src_ranges[p, 0], tgt_ranges[p, 0]
        rows, cols = src_ranges[p, 1] - s0, tgt_ranges[p, 1] - t0
        if rows <= 0 or cols <= 0:
            continue
        offset = offsets[p]
        s_count = s_bounds[s0 + rows] - s_bounds[s0]
        t_count = t_bounds[t0 + cols] - t_bounds[t0]
        node_row = np.empty(max(s_count, t_count), np.int64)
        node_next = np.empty(max(s_count, t_count), np.int64)
        # Source keys (weight > 0) found in the target sentences of the block.
        _postings(t_bounds, t_flat, t0, cols, src_weights, table[0], table[1], node_row, node_next)
        _accumulate(s_bounds, s_flat, s0, rows, src_weights, table[0], node_row, node_next, src_w, src_n, offset,
                    cols, 1)
        _reset(t_bounds, t_flat, t0, cols, table[0], table[1])
        # Target keys found in the source sentences.
        _postings(s_bounds, s_flat, s0, rows, tgt_weights, table[2], table[3], node_row, node_next)
        _accumulate(t_bounds, t_flat, t0, cols, tgt_weights, table[2], node_row, node_next, tgt_w, tgt_n, offset,
                    1, cols)
        _reset(s_bounds, s_flat, s0, rows, table[2], table[3])


def _sentence_sums(bounds, flat, per_key, out):
    for s in range(bounds.shape[0] - 1):
        for c in range(per_key.shape[0]):
            acc = 0.0
            for q in range(bounds[s], bounds[s + 1]):
                acc += per_key[c, flat[q]]
            out[c, s] = acc


def _document_counts(bounds, flat, counts, last):
    for s in range(bounds.shape[0] - 1):
        for q in range(bounds[s], bounds[s + 1]):
            k = flat[q]
            if last[k] != s:
                last[k] = s
                counts[k] += 1


def _length_logs_wanted(move_a, move_b, i_abs, j_abs, s0, t0, ratio, variance, src_len_cum, tgt_len_cum, t_arg,
                        totals):
    """What ``_bead_costs`` takes the logarithm of: the t of ``corelib.log_erfc`` (length cost) and
    the merged target and source lengths (``BeadCosts._lexical_llr``), as numpy computes them."""
    sqrt2 = math.sqrt(2.0)
    for mv in range(move_a.shape[0]):
        a, b = move_a[mv], move_b[mv]
        if b == 0:
            continue
        for r in range(j_abs.shape[0]):
            i = i_abs[r]
            i_start = max(i - a, s0)
            len_s = src_len_cum[i] - src_len_cum[i_start]
            for k in range(j_abs.shape[1]):
                j = j_abs[r, k]
                j_start = max(j - b, t0)
                len_t = tgt_len_cum[j] - tgt_len_cum[j_start]
                scaled = len_s * ratio
                mean = max((scaled + len_t) / 2.0, 1.0)
                z = abs(scaled - len_t) / math.sqrt(mean * variance)
                t_arg[mv, r, k] = 1.0 / (1.0 + 0.5 * (z / sqrt2))
                if b > 1:
                    totals[0, mv, r, k] = max(len_t, 1.0)
                if a > 1:
                    totals[1, mv, r, k] = max(len_s, 1.0)


def _bead_costs(move_a, move_b, priors, i_abs, j_abs, s0, t0, ratio, variance, lexical_weight, orphan_penalty,
                min_orphan_keys, src_len_cum, tgt_len_cum, src_log_len, tgt_log_len, log_t, log_totals,
                src_own, tgt_own, src_informative, tgt_informative, src_miss_cum, tgt_miss_cum,
                src_w, tgt_w, src_n, tgt_n, block_offset, block_s_lo, block_t_lo, block_rows, block_cols, out,
                first_row, end_row):
    """``aligner.BeadCosts.costs`` cell by cell (see ``bead_costs``), rows ``first_row .. end_row - 1``.
    Per cell, the fields of ``aligner._Cells.pair(da, db)`` are gathered once for all moves (as
    ``_Cells`` memoizes them); the sums over a bead's sentence pairs go in the order of
    ``_Cells.row_sum`` / ``col_sum`` / ``block_sum``."""
    sqrt2 = math.sqrt(2.0)
    n_moves = move_a.shape[0]
    most_a, most_b = 1, 1
    for mv in range(n_moves):
        most_a, most_b = max(most_a, move_a[mv]), max(most_b, move_b[mv])
    needed = np.zeros((most_a, most_b), np.bool_)
    for mv in range(n_moves):
        for da in range(move_a[mv]):
            for db in range(move_b[mv]):
                needed[da, db] = True
    pair = np.zeros((7, most_a, most_b))
    rows_idx = np.empty(most_a, np.int64)
    cols_idx = np.empty(most_b, np.int64)
    for r in range(first_row, end_row):
        i = i_abs[r]
        offset, s_lo, t_lo = block_offset[r], block_s_lo[r], block_t_lo[r]
        n_rows, n_cols = block_rows[r], block_cols[r]
        has_block = n_rows * n_cols > 0
        for da in range(most_a):
            rows_idx[da] = min(max(i - 1 - da - s_lo, 0), n_rows - 1)
        for k in range(j_abs.shape[1]):
            j = j_abs[r, k]
            if has_block:
                for db in range(most_b):
                    cols_idx[db] = min(max(j - 1 - db - t_lo, 0), n_cols - 1)
                for da in range(most_a):
                    for db in range(most_b):
                        if needed[da, db]:
                            flat = offset + rows_idx[da] * n_cols + cols_idx[db]
                            found_s, found_t = src_n[flat], tgt_n[flat]
                            pair[0, da, db] = src_w[flat]
                            pair[1, da, db] = tgt_w[flat]
                            pair[2, da, db] = found_s
                            pair[3, da, db] = found_t
                            pair[4, da, db] = found_s * tgt_log_len[cols_idx[db] + t_lo]
                            pair[5, da, db] = found_t * src_log_len[rows_idx[da] + s_lo]
                            pair[6, da, db] = found_s + found_t
            for mv in range(n_moves):
                a, b = move_a[mv], move_b[mv]
                if b == 0:
                    out[mv, r, k] = priors[mv]
                    continue
                i_start = max(i - a, s0)
                len_s = src_len_cum[i] - src_len_cum[i_start]
                j_start = max(j - b, t0)
                len_t = tgt_len_cum[j] - tgt_len_cum[j_start]
                # Gale & Church (corelib.length_cost, log_erfc)
                scaled = len_s * ratio
                mean = max((scaled + len_t) / 2.0, 1.0)
                z = abs(scaled - len_t) / math.sqrt(mean * variance)
                x = z / sqrt2
                t = 1.0 / (1.0 + 0.5 * x)
                cost = priors[mv] + -(log_t[mv, r, k] - x * x + _erfc_poly(t))
                # BeadCosts._lexical_llr
                llr = src_miss_cum[i] - src_miss_cum[i_start] + tgt_miss_cum[j] - tgt_miss_cum[j_start]
                if has_block:
                    for da in range(a):
                        acc = pair[0, da, 0]
                        for db in range(1, b):
                            acc = acc + pair[0, da, db]
                        llr = llr + min(acc, src_own[rows_idx[da] + s_lo])
                    for db in range(b):
                        acc = pair[1, 0, db]
                        for da in range(1, a):
                            acc = acc + pair[1, da, db]
                        llr = llr + min(acc, tgt_own[cols_idx[db] + t_lo])
                    for side in range(2):
                        if (side == 0 and b > 1) or (side == 1 and a > 1):
                            # block_sum(2 | 3) and block_sum(4 | 5): sums over db per da, then over da
                            count_sum = 0.0
                            log_sum = 0.0
                            for da in range(a):
                                row_count = pair[2 + side, da, 0]
                                row_log = pair[4 + side, da, 0]
                                for db in range(1, b):
                                    row_count = row_count + pair[2 + side, da, db]
                                    row_log = row_log + pair[4 + side, da, db]
                                count_sum = row_count if da == 0 else count_sum + row_count
                                log_sum = row_log if da == 0 else log_sum + row_log
                            llr = llr - (log_totals[side, mv, r, k] * count_sum - log_sum)
                cost = cost - lexical_weight * llr
                if (a > 1 or b > 1) and orphan_penalty != 0.0 and has_block:
                    count = 0.0
                    if a > 1:
                        for da in range(a):
                            hits = pair[6, da, 0]
                            for db in range(1, b):
                                hits = hits + pair[6, da, db]
                            if hits == 0 and src_informative[rows_idx[da] + s_lo] >= min_orphan_keys:
                                count += 1.0
                    if b > 1:
                        for db in range(b):
                            hits = pair[6, 0, db]
                            for da in range(1, a):
                                hits = hits + pair[6, da, db]
                            if hits == 0 and tgt_informative[cols_idx[db] + t_lo] >= min_orphan_keys:
                                count += 1.0
                    cost = cost + orphan_penalty * count
                out[mv, r, k] = cost
