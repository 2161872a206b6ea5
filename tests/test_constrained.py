"""align_with_fixed: confirmed beads stay, the rest is aligned between them."""
from __future__ import annotations

import pytest

from alinea.align import align_with_fixed
from alinea.align.aligner import align_sentences
from alinea.align.errors import InputError
from alinea.align.model import Bead


def _partition_ok(beads, n, m) -> None:
    """Every sentence in exactly one bead, in document order on both sides."""
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    assert all(b.src or b.tgt for b in beads)


def test_without_fixed_beads_it_is_the_aligner(a58_bitext):
    src, tgt = a58_bitext.src, a58_bitext.tgt
    assert align_with_fixed(src, tgt, []) == align_sentences(src, tgt)


def test_fixed_beads_are_kept_and_the_rest_is_realigned(a58_bitext):
    src, tgt, right = a58_bitext.src, a58_bitext.tgt, a58_bitext.beads
    # A reviewer confirmed every 15th bead of the right alignment (null beads included when they fall there).
    fixed = [b for k, b in enumerate(right) if k % 15 == 7]
    result = align_with_fixed(src, tgt, fixed)
    _partition_ok(result, len(src), len(tgt))
    for bead in fixed:
        assert bead in result  # same indices, same score
    same = len({(b.src, b.tgt) for b in result} & {(b.src, b.tgt) for b in right})
    assert same >= 0.95 * len(right)


def test_a_confirmed_bead_overrides_the_aligner(a58_bitext):
    """Fix a bead the aligner would never make: the result holds it, and the rest stays sound."""
    src, tgt, right = a58_bitext.src, a58_bitext.tgt, a58_bitext.beads
    k = next(k for k in range(40, len(right) - 3) if all(len(b.src) == len(b.tgt) == 1 for b in right[k:k + 3]))
    odd = Bead(right[k].src + right[k + 1].src, right[k].tgt, 0.3)  # 2-1: the second Spanish sentence misplaced
    result = align_with_fixed(src, tgt, [odd])
    _partition_ok(result, len(src), len(tgt))
    assert odd in result
    after = result[result.index(odd) + 1]
    assert right[k + 1].tgt[0] in after.tgt  # the orphaned English sentence is aligned after the fixed bead


def test_fixed_null_beads(a58_bitext):
    src, tgt, right = a58_bitext.src, a58_bitext.tgt, a58_bitext.beads
    k = next(k for k in range(60, len(right)) if right[k].kind == "1-1")
    lone = Bead(right[k].src, (), 1.0)  # the reviewer says this Spanish sentence has no English counterpart
    result = align_with_fixed(src, tgt, [right[20], lone, right[k + 10]])
    _partition_ok(result, len(src), len(tgt))
    assert lone in result and right[20] in result and right[k + 10] in result
    assert Bead((), right[k].tgt, 0) not in result  # scores aside: its English sentence went somewhere
    assert any(right[k].tgt[0] in b.tgt for b in result)


@pytest.mark.parametrize("fixed, message", [
    ([Bead((3,), (3,)), Bead((2,), (4,))], "crosses"),
    ([Bead((3,), (3,)), Bead((3,), (4,))], "overlaps"),
    ([Bead((1, 3), (1,))], "not consecutive"),
    ([Bead((1,), (99,))], "out of range"),
    ([Bead((), ())], "no sentence"),
])
def test_bad_fixed_beads_are_refused(fixed, message):
    src = [f"Oración número {i}." for i in range(6)]
    tgt = [f"Sentence number {i}." for i in range(6)]
    with pytest.raises(InputError, match=message):
        align_with_fixed(src, tgt, fixed)


def test_plain_strings_and_edges():
    src = [f"El párrafo {i} habla de migración." for i in range(8)]
    tgt = [f"Paragraph {i} is about migration." for i in range(8)]
    fixed = [Bead((0,), (0,)), Bead((7,), (7,))]  # first and last
    result = align_with_fixed(src, tgt, fixed)
    _partition_ok(result, 8, 8)
    assert result[0] == fixed[0] and result[-1] == fixed[-1]
    assert [b.kind for b in result] == ["1-1"] * 8
