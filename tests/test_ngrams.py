"""Batched clipped n-gram matches (alinea.report.ngrams) against plain counters."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from alinea.report import ngrams
from alinea.report.ngrams import Sequences, char_sequences, clipped_matches


def counter_matches(hyp: list[int], ref: list[int], n: int) -> int:
    h = Counter(tuple(hyp[i:i + n]) for i in range(len(hyp) - n + 1))
    r = Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
    return sum((h & r).values())


@pytest.mark.parametrize("alphabet,batch", [(3, 4000), (40, 7), (10 ** 12, 5)],
                         ids=["small alphabet", "small batches", "sorted by several keys"])
def test_clipped_matches_equal_counters(alphabet, batch, monkeypatch):
    """Repeated symbols, empty and one-symbol segments, batch boundaries, and
    symbols too large for one packed sort key (then np.lexsort)."""
    monkeypatch.setattr(ngrams, "BATCH_SEGMENTS", batch)
    rng = random.Random(alphabet)
    n_seg, order = 23, 6

    def segment() -> list[int]:
        return [rng.randrange(1, 4) * (alphabet // 3 or 1) + rng.randrange(2)
                for _ in range(rng.choice([0, 1, 2, 5, 30]))]

    hyps = [segment() for _ in range(n_seg)]
    refs = [[segment() for _ in range(n_seg)] for _ in range(3)]
    refs[0][4] = list(hyps[4])  # one identical pair
    per_ref, best = clipped_matches(Sequences.from_lists(hyps), [Sequences.from_lists(r) for r in refs], order)
    for i in range(n_seg):
        for n in range(1, order + 1):
            for r in range(3):
                assert per_ref[r, i, n - 1] == counter_matches(hyps[i], refs[r][i], n)
            grams = Counter(tuple(hyps[i][k:k + n]) for k in range(len(hyps[i]) - n + 1))
            most = Counter()
            for ref in refs:
                for gram, c in Counter(tuple(ref[i][k:k + n]) for k in range(len(ref[i]) - n + 1)).items():
                    most[gram] = max(most[gram], c)
            assert best[i, n - 1] == sum((grams & most).values())
    assert per_ref[0, 4, 0] == len(hyps[4])


def test_char_sequences_share_one_alphabet():
    hyp, ref = char_sequences([["ab", "", "ñé"], ["ba", "x", "éñ“"]])
    assert list(hyp.lengths) == [2, 0, 2] and list(ref.lengths) == [2, 1, 3]
    h, r = hyp.symbols.tolist(), ref.symbols.tolist()
    assert h[:2] == r[1::-1] and h[2:] == r[4:2:-1]  # "ab"/"ba", "ñé"/"éñ": the same ids
    assert len(set(h + r)) == 6 and min(h + r) >= 1  # a b ñ é x “; 0 is the padding
