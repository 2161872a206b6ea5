"""The dynamic programme: a monotone path of beads through two sentence lists.

First version: Gale & Church (1993) length cost over the bead types
1-1, 1-0, 0-1, 2-1, 1-2, 2-2; the full matrix is searched.
"""
from __future__ import annotations

import math

# Bead types with their prior probabilities (Gale & Church 1993, table 5).
BEAD_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089 / 2,
               (1, 2): 0.089 / 2, (2, 2): 0.011}
VARIANCE = 6.8


def _norm_logsf(z: float) -> float:
    """log of the two-sided tail probability of a standard normal."""
    p = math.erfc(abs(z) / math.sqrt(2))
    return math.log(max(p, 1e-300))


def length_cost(len_src: int, len_tgt: int, ratio: float) -> float:
    """-log P(match | lengths) for the summed character lengths of a bead."""
    if len_src == 0 and len_tgt == 0:
        return 0.0
    mean = (len_src * ratio + len_tgt) / 2
    z = (len_src * ratio - len_tgt) / math.sqrt(max(mean, 1.0) * VARIANCE)
    return -_norm_logsf(z)


def best_path(src_lens: list[int], tgt_lens: list[int], ratio: float) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Cheapest monotone bead sequence; each bead with its own cost."""
    n, m = len(src_lens), len(tgt_lens)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    priors = {k: -math.log(p) for k, p in BEAD_PRIORS.items()}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for (di, dj), prior in priors.items():
                if di > i or dj > j or cost[i - di][j - dj] == inf:
                    continue
                step = prior + length_cost(sum(src_lens[i - di:i]), sum(tgt_lens[j - dj:j]), ratio)
                total = cost[i - di][j - dj] + step
                if total < cost[i][j]:
                    cost[i][j] = total
                    back[i][j] = (di, dj, step)
    path = []
    i, j = n, m
    while i or j:
        di, dj, step = back[i][j]
        path.append((tuple(range(i - di, i)), tuple(range(j - dj, j)), step))
        i, j = i - di, j - dj
    path.reverse()
    return path
