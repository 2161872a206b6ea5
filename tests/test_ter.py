"""The fast TER (alinea.report.ter) gives sacrebleu's statistics for every segment.

sacrebleu is the oracle: its public ``TER().sentence_score`` returns the
number of edits and the reference length of one segment. Random inputs
with small vocabularies make many equal words (many shift candidates, ties
in the ranking); long and lopsided pairs push paths out of sacrebleu's beam;
repetitive long pairs reach its limit of 1,000 shift candidates. Each of
those situations is checked to really occur.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import TER

from alinea.report import ter

CORPUS_EN = Path(__file__).resolve().parents[1] / "corpora" / "A_58_98" / "en.txt"


def sacrebleu_statistics(hyp: list[str], refs: list[list[str]]) -> list[float]:
    score = TER().sentence_score(" ".join(hyp), [" ".join(r) for r in refs])
    return [score.num_edits, score.ref_length]


def naive_levenshtein(a: list[int], b: list[int]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


words = st.lists(st.sampled_from("a b c d e f".split()), max_size=40)


@settings(max_examples=250, deadline=None)
@given(hyp=words, ref=words)
def test_random_pairs_give_sacrebleus_statistics(hyp, ref):
    assert ter.ter_statistics(hyp, [ref]) == sacrebleu_statistics(hyp, [ref])


@settings(max_examples=60, deadline=None)
@given(hyp=words, refs=st.lists(words, min_size=2, max_size=3))
def test_several_references(hyp, refs):
    """Fewest edits over the references, average reference length (a float)."""
    assert ter.ter_statistics(hyp, refs) == sacrebleu_statistics(hyp, refs)


@settings(max_examples=200, deadline=None)
@given(a=st.lists(st.integers(0, 5), max_size=70), b=st.lists(st.integers(0, 5), max_size=70))
def test_bit_parallel_distance_is_levenshtein(a, b):
    assert ter.levenshtein(a, b) == naive_levenshtein(a, b)


def _sentences() -> list[list[str]]:
    text = " ".join(CORPUS_EN.read_text(encoding="utf-8").split())
    return [s.lower().split() for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", text) if len(s.split()) >= 5]


def _degrade(words: list[str], rng: random.Random) -> list[str]:
    """Drops, block moves, insertions: what MT output does to a reference."""
    out = [w for w in words if rng.random() > 0.15]
    for _ in range(rng.randrange(4)):
        if len(out) > 4:
            start, length = rng.randrange(len(out)), rng.randint(1, 5)
            block = out[start:start + length]
            del out[start:start + length]
            target = rng.randrange(len(out) + 1)
            out[target:target] = block
    for _ in range(rng.randrange(4)):
        out.insert(rng.randrange(len(out) + 1), rng.choice(["the", "of", "a", "and", "new"]))
    return out


def test_degraded_un_sentences():
    rng = random.Random(11)
    sentences = _sentences()
    assert len(sentences) > 150
    for ref in rng.sample(sentences, 60):
        hyp = _degrade(ref, rng)
        assert ter.ter_statistics(hyp, [ref]) == sacrebleu_statistics(hyp, [ref]), (hyp, ref)
        other = _degrade(ref, rng)
        assert ter.ter_statistics(hyp, [ref, other]) == sacrebleu_statistics(hyp, [ref, other])


def test_paths_outside_the_beam(monkeypatch):
    """Long, lopsided, very different pairs: the beam programme must decide (and does)."""
    calls = {"trace": 0, "value": 0}
    beam_distance = ter.beam_distance

    def counted(*args, **kwargs):
        calls["trace" if kwargs.get("with_trace") else "value"] += 1
        return beam_distance(*args, **kwargs)

    monkeypatch.setattr(ter, "beam_distance", counted)
    rng = random.Random(3)
    for k in range(8):
        vocabulary = rng.choice([3, 6, 20])
        # a short hypothesis of a long reference leaves the beam in its trace,
        # a long one in the distances of shift candidates
        ref = [str(rng.randrange(vocabulary)) for _ in range(rng.randint(40, 60) if k % 2 else rng.randint(30, 50))]
        hyp = [str(rng.randrange(vocabulary)) for _ in range(rng.randint(2, 10) if k % 2 else rng.randint(60, 80))]
        assert ter.ter_statistics(hyp, [ref]) == sacrebleu_statistics(hyp, [ref])
    assert calls["trace"] > 0 and calls["value"] > 0


def test_the_limit_of_1000_shift_candidates(monkeypatch):
    """Long repetitive pairs reach sacrebleu's candidate limit; the search
    must stop on the same round as there."""
    counts: list[int] = []
    candidates = ter._candidates

    def counted(*args):
        count, distinct = candidates(*args)
        counts.append(count)
        return count, distinct

    monkeypatch.setattr(ter, "_candidates", counted)
    rng = random.Random(3)
    reached = 0
    for _ in range(6):
        ref = [rng.choice("ab") for _ in range(45)]
        hyp = ref[20:] + ref[:20]
        hyp = [w if rng.random() > 0.2 else "c" for w in hyp]
        counts.clear()
        assert ter.ter_statistics(hyp, [ref]) == sacrebleu_statistics(hyp, [ref])
        reached += sum(counts) >= ter.MAX_SHIFT_CANDIDATES
    assert reached >= 3


@pytest.mark.parametrize("hyp,ref", [
    ([], []), (["a"], []), ([], ["a", "b"]), (["a", "b"], ["a", "b"]),
    (["b", "a"], ["a", "b"]), (["a"] * 30, ["a"] * 3), (["x"] * 3, ["a"] * 60),
])
def test_edge_cases(hyp, ref):
    assert ter.ter_statistics(hyp, [ref]) == sacrebleu_statistics(hyp, [ref])
