"""The faster paths of issue 17 give the results of the reference paths.

- The band that follows the path (``corelib.TRACKED_WIDTH``, used on long documents) finds
  the same beads, with the same costs and confidences, as the diagonal band that grows
  with the square root of the length (the reference), on UN-like documents with merges and
  omissions built here from a word list, and on randomized cost tables whose best path
  wanders far from the diagonal.
- The dictionary's batched stemming gives the entries the one-by-one stemming gave.

Bead confidences are compared exactly: both paths compute them from the same chosen
path with the same arithmetic (``bead_posteriors`` does not depend on the search band).
"""
from __future__ import annotations

import os
import random

import numpy as np
import pytest

from alinea.align import corelib
from alinea.align.aligner import align_sentences
from alinea.align.corelib import MOVES, best_path
from alinea.align.dictionary import _WORD, from_entries, phrase_stems, stems

# Spanish / English word pairs of UN prose (cognates and listed words), to build documents from.
_PAIRS = [("comisión", "commission"), ("resolución", "resolution"), ("informe", "report"),
          ("desarrollo", "development"), ("programa", "programme"), ("internacional", "international"),
          ("económico", "economic"), ("social", "social"), ("gobierno", "government"),
          ("organización", "organization"), ("cooperación", "cooperation"), ("asamblea", "assembly"),
          ("consejo", "council"), ("secretario", "secretary"), ("naciones", "nations"), ("derechos", "rights"),
          ("mujeres", "women"), ("niños", "children"), ("educación", "education"), ("salud", "health"),
          ("protección", "protection"), ("seguridad", "security"), ("migración", "migration"),
          ("población", "population"), ("financiación", "financing"), ("comité", "committee"),
          ("conferencia", "conference"), ("recomendación", "recommendation"), ("medidas", "measures"),
          ("región", "region"), ("sistema", "system"), ("política", "policy"), ("tecnología", "technology"),
          ("agricultura", "agriculture"), ("industria", "industry"), ("comercio", "trade"),
          ("presupuesto", "budget"), ("mandato", "mandate"), ("operaciones", "operations"),
          ("reunión", "meeting"), ("período", "period"), ("sesiones", "session"), ("proyecto", "draft")]
_ES_GLUE = ["de la", "del", "y", "en el", "para la", "sobre el", "con los", "por la"]
_EN_GLUE = ["of the", "and", "in the", "for the", "on the", "with the", "by the"]


def un_like_pair(n: int, seed: int, merge_rate: float = 0.08, omission_rate: float = 0.03):
    """A Spanish/English document pair of ``n`` sentences with merges and omissions, and its gold beads."""
    rng = random.Random(seed)
    es, en = [], []
    for _ in range(n):
        words = [rng.randrange(len(_PAIRS)) for _ in range(rng.randint(4, 12))]
        number = f"{rng.randint(1, 999)}" if rng.random() < 0.4 else ""
        es.append(" ".join(_PAIRS[w][0] + " " + rng.choice(_ES_GLUE) for w in words).capitalize()
                  + (f" {number}" if number else "") + ".")
        en.append(" ".join(_PAIRS[w][1] + " " + rng.choice(_EN_GLUE) for w in words).capitalize()
                  + (f" {number}" if number else "") + ".")
    src, tgt, gold = [], [], []
    k = 0
    while k < n:
        r = rng.random()
        if r < omission_rate / 2:
            gold.append(((len(src),), ()))
            src.append(es[k])
        elif r < omission_rate:
            gold.append(((), (len(tgt),)))
            tgt.append(en[k])
        elif r < omission_rate + merge_rate / 2 and k + 1 < n:
            gold.append(((len(src), len(src) + 1), (len(tgt),)))
            src += [es[k], es[k + 1]]
            tgt.append(en[k] + " " + en[k + 1])
            k += 1
        elif r < omission_rate + merge_rate and k + 1 < n:
            gold.append(((len(src),), (len(tgt), len(tgt) + 1)))
            src.append(es[k] + " " + es[k + 1])
            tgt += [en[k], en[k + 1]]
            k += 1
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(es[k])
            tgt.append(en[k])
        k += 1
    return src, tgt, gold


def _aligned(src, tgt, tracked_width: int, monkeypatch) -> list[tuple]:
    monkeypatch.setattr(corelib, "TRACKED_WIDTH", tracked_width)
    return [(b.src, b.tgt, b.score) for b in align_sentences(src, tgt)]


@pytest.mark.parametrize("seed, n, width", [(1, 700, 24), (2, 900, 32), (3, 1200, 48)])
def test_band_following_the_path_gives_the_reference_beads(seed, n, width, monkeypatch):
    # A narrow tracked band (24-48 positions, against the reference's 32 + sqrt(n), widened
    # when touched) on documents whose omissions move the path off the diagonal.
    src, tgt, gold = un_like_pair(n, seed, omission_rate=0.06)
    reference = _aligned(src, tgt, 10 ** 9, monkeypatch)   # never tracked: the diagonal band
    tracked = _aligned(src, tgt, width, monkeypatch)
    assert tracked == reference
    # ... and the documents are real work: the aligner finds most of the gold.
    assert len({(p, q) for p, q, _ in reference} & set(gold)) > 0.9 * len(gold)


def test_tracked_band_follows_a_long_omission(monkeypatch):
    # 60 English sentences missing in the middle: the path leaves the diagonal by 60 positions.
    src, tgt, _ = un_like_pair(600, 11, merge_rate=0.05, omission_rate=0.0)
    tgt = tgt[:250] + tgt[310:]
    reference = _aligned(src, tgt, 10 ** 9, monkeypatch)
    assert sum(1 for p, q, _ in reference if p and not q) >= 55
    assert _aligned(src, tgt, 32, monkeypatch) == reference


def _random_walk_table(seed: int, n: int):
    """Bead costs whose cheapest path follows a random walk away from the diagonal."""
    rng = np.random.default_rng(seed)
    offset = np.concatenate(([0], np.cumsum(rng.choice([-1, 0, 0, 0, 1], size=n))))
    offset = np.clip(offset + np.arange(n + 1), 0, None)
    m = int(offset[-1]) + 3
    truth = np.minimum(offset, m)
    noise = rng.random((n + 1, m + 1))

    def costs(rows, j_grid):
        near = np.abs(j_grid - truth[rows][:, None])
        base = noise[rows[:, None], j_grid] + np.minimum(near, 6) * 1.5
        return {mv: base + (0.0 if mv == (1, 1) else 1.0 + 0.5 * sum(mv)) for mv in MOVES}

    return n, m, costs, np.full(m, 3.0)


@pytest.mark.parametrize("seed", range(6))
def test_tracked_search_equals_the_full_search_on_random_tables(seed):
    n, m, costs, nulls = _random_walk_table(seed, 400)
    full = best_path(n, m, costs, nulls, width=m + 1, tracked=False)
    for width in (16, 24, 40):
        assert best_path(n, m, costs, nulls, width=width, tracked=True) == full


def test_dictionary_entries_stemmed_in_one_pass_equal_one_by_one():
    rng = random.Random(3)
    letters = "abcdeéiñosrnmtlxzhyu"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    entries = [(" ".join(rng.sample(words, rng.choice((1, 1, 1, 2, 3)))),
                " ".join(rng.sample(words, rng.choice((1, 1, 2)))))
               for _ in range(800)] + [("", "x"), ("casa de huéspedes", "guest house"), ("yo", "I"), ("él", "he")]
    pairs, phrases = set(), set()
    for es, en in entries:   # the reference: phrase_stems entry by entry
        es_stems, en_stems = phrase_stems(es, "es"), phrase_stems(en, "en")
        if es_stems and en_stems:
            (pairs.add((es_stems[0], en_stems[0])) if len(es_stems) == len(en_stems) == 1
             else phrases.add((es_stems, en_stems)))
    built = from_entries(entries, "test")
    assert built.pairs == pairs and built.phrases == phrases
    # Short words (shorter than a stem) are their own stems in the one-pass regex too.
    for lang in ("es", "en"):
        assert stems(words, lang) == [s for w in words for s in stems([w], lang)]
        assert stems(["a", "yo", "os", "es"], lang) == ["a", "yo", "os", "es"]
    assert _WORD.findall("casa de huéspedes") == ["casa", "de", "huéspedes"]


def test_numeric_text_by_one_substitution_equals_token_by_token():
    from alinea.align.encoder import _DIGIT, _numeric_text

    def reference(text: str) -> str:   # the token-by-token version it replaced
        out, gap = [], False
        for token in text.split():
            if _DIGIT.search(token):
                out.append(token)
                gap = False
            elif not gap:
                out.append("~")
                gap = True
        return " ".join(out)

    rng = random.Random(5)
    alphabet = ["a", "b", "5", "1", "/", ".", ",", " ", " ", "\n", "\t", "é", "٣", "²", "-", "("]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(20000)]
    texts += ["El 5 y 100 casos", "175 000 personas (A/56/329)", "", "   ", "sin cifras"]
    assert [_numeric_text(t) for t in texts] == [reference(t) for t in texts]


def test_side_encoding_is_the_same_in_every_process():
    # Phrase keys used to follow set order, which changes with the string hash seed.
    import os
    import subprocess
    import sys

    code = ("from alinea.align.encoder import Vocabulary, encode_side\n"
            "from alinea.align.dictionary import default_dictionary\n"
            "v = Vocabulary(default_dictionary())\n"
            "f = encode_side(['El anciano bajó la escalera, buscó la llave y se acostó temprano.'] * 3, 'es', v)\n"
            "names = {i: k for k, i in v.ids.items()}\n"
            "print([[names[i] for i in k.tolist()] for k in f.keys])")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1


def test_compiled_row_walks_give_the_numpy_results(monkeypatch):
    # alinea.align.kernels (numba) against the numpy loops, on the search and the posterior pass.
    pytest.importorskip("numba", reason="numba not installed (pip install alinea[fast])")
    src, tgt, _ = un_like_pair(500, 21, omission_rate=0.05)
    results = {}
    for kernels in ("numpy", "numba"):
        monkeypatch.setenv("ALINEA_KERNELS", kernels)
        results[kernels] = [(b.src, b.tgt, b.score) for b in align_sentences(src, tgt)]
    assert results["numba"] == results["numpy"]
    # The band that follows the path, compiled.
    assert _aligned(src, tgt, 24, monkeypatch) == results["numpy"]


def _stretches_of(n: int, m: int, rng: random.Random, count: int) -> list[tuple[int, int, int, int]]:
    """Disjoint random stretches of an n x m problem, small and large, some with an empty side."""
    out, s, t = [], 0, 0
    while len(out) < count:
        a, b = rng.choice((0, 1, 2, 3, 5, 8, 13, 30, 60)), rng.choice((0, 1, 2, 4, 6, 9, 14, 33, 70))
        if (a or b) and s + a <= n and t + b <= m:
            out.append((s, s + a, t, t + b))
        s, t = s + a + rng.randint(0, 3), t + b + rng.randint(0, 3)
        if s >= n or t >= m:
            s, t = rng.randint(0, 20), rng.randint(0, 20)
            out = sorted(set(out))
            out = [st for k, st in enumerate(out) if k == 0 or (st[0] >= out[k - 1][1] and st[2] >= out[k - 1][3])]
    return out


def _encoded(n: int, seed: int, omission_rate: float = 0.05):
    """A UN-like pair encoded as the aligner encodes it: its features, cost model and key weights, and gold."""
    from alinea.align import aligner
    from alinea.align.dictionary import default_dictionary
    from alinea.align.encoder import Vocabulary, encode_side

    src, tgt, gold = un_like_pair(n, seed, omission_rate=omission_rate)
    vocab = Vocabulary(default_dictionary())
    src_f, tgt_f = encode_side(src, "es", vocab), encode_side(tgt, "en", vocab)
    model = aligner.CostModel(ratio=float(tgt_f.lengths.sum() / src_f.lengths.sum()))
    return src_f, tgt_f, model, aligner.KeyWeights.build(src_f, tgt_f, vocab, model), gold


def _random_structure(seed: int, sizes: tuple[int, int]):
    from alinea.align import aligner

    rng = np.random.default_rng(seed)
    return tuple(aligner.Structure(kinds=rng.integers(0, 3, size), paragraphs=np.cumsum(rng.random(size) < 0.3))
                 for size in sizes)


def _small_stretches(size: int, seed: int, structured: bool, count: int):
    """An encoded UN-like pair (random structure or none) and those of ``count`` random stretches
    that the aligner searches and scores together (``corelib.searched_whole``)."""
    src_f, tgt_f, model, weights, _ = _encoded(size, seed)
    structure = _random_structure(seed, (len(src_f), len(tgt_f))) if structured else None
    stretches = [st for st in _stretches_of(len(src_f), len(tgt_f), random.Random(seed), count)
                 if corelib.searched_whole(st[1] - st[0], st[3] - st[2])]
    return src_f, tgt_f, model, weights, structure, stretches


@pytest.mark.parametrize("seed, structured", [(31, False), (32, True), (33, False)])
def test_stretches_searched_together_give_the_beads_searched_one_by_one(seed, structured):
    # aligner._search_whole (the second pass's small stretches in one go) against aligner._search
    # on each stretch: the same beads, bead costs and margins, on real keys and weights.
    from alinea.align import aligner

    src_f, tgt_f, model, weights, structure, stretches = _small_stretches(900, seed, structured, 120)
    assert len(stretches) > 40 and len({st[1] - st[0] for st in stretches}) > 5
    together = aligner._search_whole(src_f, tgt_f, model, weights, stretches, structure)
    alone = [aligner._search(src_f, tgt_f, model, weights, [st], structure) for st in stretches]
    assert together == alone


@pytest.mark.parametrize("seed, structured", [(34, False), (35, True), (36, False)])
def test_posteriors_of_many_stretches_at_once_equal_each_stretchs_own(seed, structured):
    # aligner._posteriors computes small stretches' posteriors together (corelib.bead_posteriors_many),
    # reading their bead costs from the search's _group_costs tables: the same probabilities, to the
    # last bit, as bead_posteriors on each stretch costing its own band with BeadCosts, on real keys,
    # weights, structure and paths, with stretches of many shapes padded together.
    from alinea.align import aligner

    src_f, tgt_f, model, weights, structure, stretches = _small_stretches(700, seed, structured, 90)
    checked = 0
    for group in aligner._stretch_groups(stretches):
        spans, table = aligner._group_costs(src_f, tgt_f, model, weights, [stretches[g] for g in group], structure)
        problems = []
        for s0, s1, t0, t1 in spans.tolist():
            path = aligner._search(src_f, tgt_f, model, weights, [(s0, s1, t0, t1)], structure)
            problems.append((s1 - s0, t1 - t0, np.full(t1 - t0, model.prior_cost((0, 1))), path))
        args = (model.moves, model.temperature, model.posterior_halo)
        together = corelib.bead_posteriors_many(table, problems, *args)
        assert len(together) == len(problems)
        for position, ((n, m, zero_one, path), got) in enumerate(zip(problems, together)):
            s0, s1, t0, t1 = spans[position].tolist()
            own = aligner.BeadCosts(src_f, tgt_f, model, (s0, s1), (t0, t1), weights, structure)
            np.testing.assert_array_equal(got, corelib.bead_posteriors(n, m, own, zero_one, path, *args))
            checked += len(got)
    assert checked > 100


@pytest.mark.parametrize("seed", range(4))
def test_posteriors_of_many_random_problems_at_once_equal_each_alone(seed):
    # Random cost tables (some costs infinite), random monotone paths of every bead type, problems of
    # one row to CHUNK_ROWS - 1 rows and empty ones together; temperatures and halos vary.
    rng = np.random.default_rng(seed)
    moves = ((1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
    problems = []
    for _ in range(30):
        n, m = int(rng.integers(0, corelib.CHUNK_ROWS)), int(rng.integers(0, 40))
        if rng.random() < 0.2:
            n = int(rng.integers(1, 4))
        path, i, j = [], 0, 0
        while i < n or j < m:
            a, b = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)][int(rng.integers(0, 8))]
            a, b = min(a, n - i), min(b, m - j)
            if a or b:
                path.append((tuple(range(i, i + a)), tuple(range(j, j + b)), 0.0, 0.0))
                i, j = i + a, j + b
        problems.append((n, m, rng.random(m) * 5, path))
    # One table for all (as the search's groups have): past a problem's own size, its last row / column.
    rows, width = max(max(n for n, *_ in problems), 1), max(m for _, m, *_ in problems) + 1
    table = rng.random((len(problems), rows, len(moves), width)) * 6
    table[rng.random(table.shape) < 0.05] = np.inf
    for s, (n, m, *_) in enumerate(problems):
        table[s, n:] = table[s, max(n - 1, 0)]
        table[s, :, :, m + 1:] = table[s, :, :, m:m + 1]
    temperature, halo = float(rng.uniform(0.7, 1.5)), int(rng.integers(1, 6))
    together = corelib.bead_posteriors_many(table, problems, moves, temperature, halo)
    for s, ((n, m, zero_one, path), got) in enumerate(zip(problems, together)):
        def costs(r, j_grid, s=s):
            return {mv: table[s, r[:, None] - 1, k, j_grid] for k, mv in enumerate(moves)}
        np.testing.assert_array_equal(got, corelib.bead_posteriors(n, m, costs, zero_one, path, moves, temperature,
                                                                   halo))
    with pytest.raises(ValueError):
        corelib.bead_posteriors_many(np.zeros((1, corelib.CHUNK_ROWS, len(moves), 2)),
                                     [(corelib.CHUNK_ROWS, 1, np.zeros(1), [((0,), (0,), 0.0, 0.0)])])


@pytest.mark.parametrize("seed", range(4))
def test_whole_searches_at_once_equal_best_path_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    sizes = [(int(rng.integers(1, 20)), int(rng.integers(1, 24))) for _ in range(40)]
    sizes = [(n, m) for n, m in sizes if corelib.searched_whole(n, m)]
    rows, width = max(n for n, _ in sizes), max(m for _, m in sizes) + 1
    table = rng.random((len(sizes), rows, len(MOVES), width)) * 4 + rng.integers(0, 3, (len(sizes), rows, 1, width))
    nulls = rng.random((len(sizes), width - 1)) * 5
    together = corelib.best_paths_whole(sizes, table.copy(), nulls, MOVES)
    for s, (n, m) in enumerate(sizes):
        def costs(r, j_grid, s=s):
            return {mv: table[s, r[:, None] - 1, k, j_grid] for k, mv in enumerate(MOVES)}
        assert together[s] == best_path(n, m, costs, nulls[s, :m], MOVES)


def test_ragged_rows_and_link_keys_equal_the_per_sentence_arrays():
    from alinea.align.encoder import Ragged, SideFeatures, with_link_keys

    rng = np.random.default_rng(4)
    key_rows = [rng.integers(0, 50, rng.integers(0, 6)) for _ in range(300)]
    word_rows = [np.unique(rng.integers(0, 40, rng.integers(0, 5))) for _ in range(300)]
    side = SideFeatures(lengths=np.ones(300), keys=Ragged.from_rows(key_rows),
                        key_counts=np.array([len(k) for k in key_rows], float), words=Ragged.from_rows(word_rows))
    assert [k.tolist() for k in side.keys] == [k.tolist() for k in key_rows]
    order = rng.integers(0, 300, 500)
    assert [k.tolist() for k in side.keys.take(order)] == [key_rows[o].tolist() for o in order]
    link_words, link_keys = np.array([3, 7, 7, 12, 39]), np.array([100, 101, 102, 103, 104])
    linked = with_link_keys(side, link_words, link_keys)
    expected = [list(k) + [int(key) for w in words for lw, key in zip(link_words, link_keys) if lw == w]
                for k, words in zip(key_rows, word_rows)]
    assert [k.tolist() for k in linked.keys] == expected
    assert linked.key_counts.tolist() == [len(k) for k in expected]


def test_bead_evidence_from_each_beads_own_block_equals_the_block_around_its_end():
    # aligner.bead_evidence reads each bead's own sentences (hit_count_blocks); the reference reads
    # a block of shared keys around the bead's end cell (BeadCosts._matches), as the search does.
    from alinea.align import aligner

    src_f, tgt_f, model, weights, gold = _encoded(400, 41)
    beads = [(p, q) for p, q in gold]
    costs = aligner.BeadCosts(src_f, tgt_f, model, (0, len(src_f)), (0, len(tgt_f)), weights)
    reference, i, j = [], 0, 0
    for p, q in beads:
        i, j = i + len(p), j + len(q)
        if not p or not q:
            reference.append(0.0)
            continue
        i_abs, j_abs = np.array([[i]]), np.array([[j]])
        cells = aligner._Cells(costs, i_abs, j_abs, *costs._matches(i_abs[:, 0], j_abs))
        reference.append(float(costs._lexical_llr(len(p), len(q), cells, i_abs - len(p), j_abs - len(q))[0, 0]))
    assert aligner.bead_evidence(beads, src_f, tgt_f, model, weights).tolist() == reference
    assert len({(len(p), len(q)) for p, q in beads}) >= 4


def test_costs_of_many_rows_at_once_equal_one_call_per_chunk_of_rows():
    # BeadCosts._by_blocks (the posterior pass's many rows per call) against the search's calls of
    # CHUNK_ROWS rows: the same costs in every cell, structure penalties included.
    from alinea.align import aligner

    src_f, tgt_f, model, weights, _ = _encoded(700, 51)
    structure = _random_structure(5, (len(src_f), len(tgt_f)))
    rng = np.random.default_rng(5)
    s0, t0 = 37, 29
    costs = aligner.BeadCosts(src_f, tgt_f, model, (s0, len(src_f) - 5), (t0, len(tgt_f) - 3), weights, structure)
    n, m = costs.shape
    rows = np.arange(1, n + 1)
    base = np.clip(np.rint(rows * m / n).astype(int) - 8 + rng.integers(-3, 4, n), 0, m - 16)
    j_grid = np.minimum(base[:, None] + np.arange(18)[None, :], m)
    together = costs(rows, j_grid)
    step = corelib.CHUNK_ROWS
    for first in range(0, n, step):
        alone = costs(rows[first:first + step], j_grid[first:first + step])
        for mv in model.moves:
            assert np.array_equal(together[mv][first:first + step], alone[mv])


def test_hit_count_blocks_equal_hit_counts_block_by_block():
    from alinea.align.encoder import hit_count_blocks, hit_counts

    src_f, tgt_f, _, weights, _ = _encoded(300, 61, omission_rate=0.03)
    rng = np.random.default_rng(6)
    s_lo, t_lo = rng.integers(0, 250, 60), rng.integers(0, 250, 60)   # overlapping blocks, some empty
    src_ranges = np.stack((s_lo, s_lo + rng.integers(0, 30, 60)), axis=1)
    tgt_ranges = np.stack((t_lo, t_lo + rng.integers(0, 30, 60)), axis=1)
    blocks, offsets = hit_count_blocks(src_f, tgt_f, src_ranges, tgt_ranges, weights.src_gain, weights.tgt_gain)
    for (a0, a1), (b0, b1), offset in zip(src_ranges.tolist(), tgt_ranges.tolist(), offsets.tolist()):
        alone = hit_counts(src_f, tgt_f, range(a0, a1), range(b0, b1), weights.src_gain, weights.tgt_gain)
        for together, one in zip(blocks, alone):
            assert np.array_equal(together[offset:offset + one.size], one.ravel())
    assert sum(float(b.sum()) for b in blocks) > 0


@pytest.mark.parametrize("seed", [61, 62])
def test_compiled_hit_counts_equal_the_numpy_ones(seed, monkeypatch):
    # kernels.hit_blocks (numba) against encoder's numpy hit_count_blocks and hit_counts, bit for bit:
    # overlapping and empty blocks, keys repeated in a sentence, dictionary keys active on one side.
    pytest.importorskip("numba", reason="numba not installed (pip install alinea[fast])")
    from alinea.align.encoder import hit_count_blocks, hit_counts

    src_f, tgt_f, _, weights, _ = _encoded(300, seed, omission_rate=0.03)
    rng = np.random.default_rng(seed)
    s_lo, t_lo = rng.integers(0, len(src_f), 80), rng.integers(0, len(tgt_f), 80)
    src_ranges = np.stack((s_lo, np.minimum(s_lo + rng.integers(0, 50, 80), len(src_f))), axis=1)
    tgt_ranges = np.stack((t_lo, np.minimum(t_lo + rng.integers(0, 50, 80), len(tgt_f))), axis=1)
    results = {}
    for kernels in ("numpy", "numba"):
        monkeypatch.setenv("ALINEA_KERNELS", kernels)
        blocks = hit_count_blocks(src_f, tgt_f, src_ranges, tgt_ranges, weights.src_gain, weights.tgt_gain)
        single = [hit_counts(src_f, tgt_f, range(a0, a1), range(b0, b1), weights.src_gain, weights.tgt_gain)
                  for (a0, a1), (b0, b1) in zip(src_ranges.tolist(), tgt_ranges.tolist())]
        results[kernels] = blocks, single
    (numpy_blocks, numpy_offsets), numpy_single = results["numpy"]
    (numba_blocks, numba_offsets), numba_single = results["numba"]
    assert np.array_equal(numpy_offsets, numba_offsets)
    for expected, got in zip(numpy_blocks, numba_blocks):
        assert np.array_equal(expected, got)
    for expected, got in zip(numpy_single, numba_single):
        for a, b in zip(expected, got):
            assert a.shape == b.shape and np.array_equal(a, b)
    assert sum(float(b.sum()) for b in numba_blocks) > 0 and any(b.size == 0 for b, *_ in numba_single)


def test_compiled_key_weights_equal_the_numpy_ones(monkeypatch):
    # kernels.sentence_sums / document_counts (numba) against numpy's bincounts in KeyWeights.build and
    # encoder.document_frequencies: every per-key and per-sentence array, bit for bit (refit scale too).
    pytest.importorskip("numba", reason="numba not installed (pip install alinea[fast])")
    from dataclasses import fields, replace

    from alinea.align import aligner
    from alinea.align.dictionary import default_dictionary
    from alinea.align.encoder import Vocabulary, document_frequencies, encode_side

    src, tgt, _ = un_like_pair(400, 81, omission_rate=0.05)
    tgt = tgt + [""]   # a sentence without keys
    vocab = Vocabulary(default_dictionary())
    src_f, tgt_f = encode_side(src, "es", vocab), encode_side(tgt, "en", vocab)
    model = replace(aligner.CostModel(ratio=1.1), miss_rate_scale=0.7)
    built = {}
    for kernels in ("numpy", "numba"):
        monkeypatch.setenv("ALINEA_KERNELS", kernels)
        built[kernels] = (aligner.KeyWeights.build(src_f, tgt_f, vocab, model),
                          document_frequencies(src_f, len(vocab)), document_frequencies(tgt_f, len(vocab)))
    for field in fields(aligner.KeyWeights):
        expected, got = getattr(built["numpy"][0], field.name), getattr(built["numba"][0], field.name)
        assert expected.shape == got.shape and np.array_equal(expected, got), field.name
    for expected, got in zip(built["numpy"][1:], built["numba"][1:]):
        assert np.array_equal(expected, got)
    assert built["numba"][0].src_chance_var.sum() > 0


@pytest.mark.parametrize("structured", [False, True])
def test_compiled_bead_costs_equal_the_numpy_ones(structured, monkeypatch):
    # kernels.bead_costs (numba) against BeadCosts' numpy arithmetic, bit for bit: chunks of the search
    # (bands anywhere, the first rows, column 0), many rows at once (the posterior pass's blocks), a
    # stretch inside the documents, a refit miss scale, structure penalties added after the kernel.
    pytest.importorskip("numba", reason="numba not installed (pip install alinea[fast])")
    from dataclasses import replace

    from alinea.align import aligner, forked
    from alinea.align import kernels as compiled

    # Rows shared with the kernels' helper thread (as on a machine with two cores) and not.
    monkeypatch.setattr(forked, "may_use_second_core", lambda: True)
    compiled._helper.cache_clear()
    monkeypatch.setattr(compiled, "SHARED_CELLS", 500)
    src_f, tgt_f, model, weights, _ = _encoded(700, 91)
    model = replace(model, miss_rate_scale=0.8)
    structure = _random_structure(9, (len(src_f), len(tgt_f))) if structured else None
    rng = np.random.default_rng(9)
    checked = 0
    for s0, t0, s_end, t_end in ((0, 0, len(src_f), len(tgt_f)), (41, 33, len(src_f) - 7, len(tgt_f) - 2)):
        costs = aligner.BeadCosts(src_f, tgt_f, model, (s0, s_end), (t0, t_end), weights, structure)
        n, m = costs.shape
        for count, width, first in ((64, 64, 1), (64, 64, None), (64, 12, None), (3, 5, 1), (1, 4, 1), (300, 17, 1),
                                    (64, 30, None)):
            first = int(rng.integers(1, n - count)) if first is None else first
            rows = np.arange(first, first + count)
            base = np.rint(rows * m / n).astype(int) - width // 2 + rng.integers(-4, 5, count)
            base = np.clip(base, 0, m + 1 - width)
            j_grid = np.minimum(np.maximum.accumulate(base)[:, None] + np.arange(width)[None, :], m)
            results = {}
            for kernels in ("numpy", "numba"):
                monkeypatch.setenv("ALINEA_KERNELS", kernels)
                results[kernels] = costs(rows, j_grid)
            for mv in model.moves:
                assert np.array_equal(results["numpy"][mv], results["numba"][mv]), (s0, count, width, mv)
                checked += int(np.isfinite(results["numba"][mv]).sum())
    assert checked > 50000 and compiled._helper() is not None
    compiled._helper.cache_clear()


def test_word_tokens_equal_the_word_regex():
    # encoder.word_tokens (whitespace split, regex only on tokens that are not all letters) against
    # the regex over the whole text: digits, underscores, hyphens, superscripts, combining accents,
    # apostrophes, other scripts, every kind of whitespace.
    from alinea.align.encoder import _WORD, word_tokens

    pieces = ["casa", "Estado-Miembro", "-guion-", "a_b", "x²", "ⅫA", "cafe\u0301s", "l'ONU", "O’Neill", "1.000,5",
              "n.º", "(Nueva", "York)", "«Hola»", "Ελλάδα", "東京", "ǂ", "--", "a-", "-b", "5-año", "año-5", "½x",
              "e\u200bf", ""]
    spaces = [" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u200b", "/", ""]
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randint(0, 12)))
        assert word_tokens(text) == _WORD.findall(text), text


def _forked_from(sentences: int, monkeypatch) -> None:
    """Share the work with a forked process from ``sentences`` sentences, as on a 2-core machine."""
    from alinea.align import forked

    monkeypatch.setattr(forked, "MIN_SENTENCES", sentences)
    monkeypatch.setattr(forked, "may_use_second_core", lambda: True)   # (other tests may leave threads running)


def _encoded_state(src, tgt, parallel: bool, monkeypatch):
    from alinea.align import encoder
    from alinea.align.dictionary import default_dictionary

    _forked_from(1 if parallel else 10 ** 9, monkeypatch)
    vocab = encoder.Vocabulary(default_dictionary())
    sides = encoder.encode_sides(src, "es", tgt, "en", vocab)
    arrays = [(f.lengths, f.keys.flat, f.keys.bounds, f.key_counts, f.words.flat, f.words.bounds) for f in sides]
    return arrays, (list(vocab.ids.items()), vocab.directions, vocab.words, vocab.word_stems, vocab.word_ids,
                    vocab.tokens)


def _fork_or_skip() -> None:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork() on this platform: the work is never shared with a forked process")


def test_sides_encoded_in_two_processes_equal_the_serial_encoding(monkeypatch):
    # encoder.encode_sides: the target side encoded by a forked process and renumbered into the
    # vocabulary gives every key and word the id of the serial order (and the same vocabulary).
    _fork_or_skip()
    from alinea.align.encoder import Vocabulary

    src, tgt, _ = un_like_pair(400, 71, omission_rate=0.05)
    tgt = tgt + ["El Sr. Pérez-Ruiz dijo: «¿1.000 personas?» (A/58/98, párr. 3) comisión"]   # Spanish words too
    serial_arrays, serial_vocab = _encoded_state(src, tgt, False, monkeypatch)
    adopted = []
    adopt = Vocabulary.adopt
    monkeypatch.setattr(Vocabulary, "adopt", lambda self, *args: adopted.append(os.getpid()) or adopt(self, *args))
    parallel_arrays, parallel_vocab = _encoded_state(src, tgt, True, monkeypatch)
    assert adopted == [os.getpid()]   # the target side did come from another process
    for serial, parallel in zip(serial_arrays, parallel_arrays):
        for a, b in zip(serial, parallel):
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert parallel_vocab == serial_vocab
    assert len(serial_vocab[0]) > 100


def test_work_of_a_failed_process_is_done_here(monkeypatch, tmp_path):
    # forked.Forked: a child that dies (or raises) leaves the work to this process: the same result.
    _fork_or_skip()
    from alinea.align import encoder

    src, tgt, _ = un_like_pair(120, 72)
    serial_arrays, serial_vocab = _encoded_state(src, tgt, False, monkeypatch)
    alone = encoder._encoded_alone
    parent = os.getpid()

    def dies_in_the_child(*args):
        if os.getpid() != parent:
            (tmp_path / "started").write_text("")
            os._exit(3)
        return alone(*args)
    monkeypatch.setattr(encoder, "_encoded_alone", dies_in_the_child)
    arrays, vocab = _encoded_state(src, tgt, True, monkeypatch)
    assert (tmp_path / "started").exists()
    for serial, parallel in zip(serial_arrays, arrays):
        for a, b in zip(serial, parallel):
            assert np.array_equal(a, b)
    assert vocab == serial_vocab


def test_alignment_shared_with_forked_processes_equals_the_serial_one(monkeypatch):
    # The sides' encoding and the evidence model in forked processes (long documents): the same beads
    # and confidences, compiled kernels or not.
    _fork_or_skip()
    from alinea.align import aligner

    src, tgt, _ = un_like_pair(300, 73, omission_rate=0.06)
    evidence = aligner._translation_evidence
    calls: list[int] = []
    monkeypatch.setattr(aligner, "_translation_evidence", lambda *a: calls.append(os.getpid()) or evidence(*a))
    results = {}
    for parallel in (False, True):
        _forked_from(1 if parallel else 10 ** 9, monkeypatch)
        calls.clear()
        results[parallel] = [(b.src, b.tgt, b.score) for b in align_sentences(src, tgt)]
        assert calls == ([] if parallel else [os.getpid()])   # in the child, not here
    assert results[True] == results[False]


def test_a_forked_child_makes_its_own_kernel_helper_thread(monkeypatch):
    # The child of forked.Forked has no copy of the parent's helper thread (kernels._helper): a task
    # handed to the inherited pool would never run; it gets a pool of its own.
    _fork_or_skip()
    from alinea.align import forked
    from alinea.align import kernels as compiled

    monkeypatch.setattr(forked, "may_use_second_core", lambda: True)
    compiled._helper.cache_clear()
    assert compiled._helper() is not None

    def in_the_child():
        return compiled._helper().submit(os.getpid).result(timeout=20)
    assert forked.Forked(in_the_child).result() != os.getpid()   # ran in the child, not here after a failure
    compiled._helper.cache_clear()


def _second_core_in_a_daemon(queue) -> None:
    from alinea.align import forked

    queue.put((forked.may_use_second_core(), forked.Forked(os.getpid).result() == os.getpid()))


def test_no_second_core_in_pool_workers_or_beside_other_threads(monkeypatch):
    # alinea batch's Dask workers are daemonic processes (which may not fork, and whose pool keeps
    # every core busy already); fork() copies only the calling thread. There the work stays here.
    import multiprocessing
    import threading

    from alinea.align import forked

    _fork_or_skip()
    monkeypatch.setattr(forked, "available_cpus", lambda: 2)
    monkeypatch.delenv("ALINEA_PARALLEL", raising=False)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    daemon = context.Process(target=_second_core_in_a_daemon, args=(queue,), daemon=True)
    daemon.start()
    assert queue.get(timeout=120) == (False, True)   # not allowed, and Forked worked in the daemon itself
    daemon.join()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="someone-else")
    other.start()
    try:
        assert not forked.may_use_second_core()
    finally:
        stop.set()
        other.join()
    monkeypatch.setenv("ALINEA_PARALLEL", "0")
    assert not forked.may_use_second_core()


def test_ragged_slices_are_ragged_rows():
    from alinea.align.encoder import Ragged

    rows = [[1, 2], [], [3], [4, 5, 6]]
    ragged = Ragged.from_rows(rows)
    assert [r.tolist() for r in ragged[1:]] == rows[1:]
    assert [r.tolist() for r in ragged[::-2]] == rows[::-2]
    assert len(ragged) == 4 and ragged[3].tolist() == [4, 5, 6]


def test_clamp_is_np_clip():
    """corelib.clamp (np.clip without its per-call checks) gives np.clip's values and dtype."""
    import numpy as np

    from alinea.align.corelib import clamp

    rng = np.random.default_rng(3)
    ints = rng.integers(-50, 50, size=(7, 9)).astype(np.int32)
    floats = rng.normal(size=40) * 10
    floats[::7] = np.nan
    for values, low, high in ((ints, 0, 20), (ints, 5, -3), (ints - 1, -4, 4), (floats, -2.5, 2.5),
                              (floats, 3.0, -1.0), (np.int64(12), 0, 9)):
        expected, got = np.clip(values, low, high), clamp(values, low, high)
        np.testing.assert_array_equal(got, expected)
        assert np.asarray(got).dtype == np.asarray(expected).dtype
