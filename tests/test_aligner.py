"""The sentence aligner: bead types, coverage, anchors, determinism, and its parts."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.align import ibm1
from alinea.align.aligner import align_sentences, anchor_points
from alinea.align.corelib import best_path, length_cost, log_erfc
from alinea.align.encoder import Vocabulary, cognate_key, encode_side
from alinea.align.model import Sentence

ES = [
    "La Comisión de Población y Desarrollo celebró su 36º período de sesiones en Nueva York en 2003.",
    "El informe examina la migración internacional y el desarrollo en 56 países.",
    "La Organización Internacional del Trabajo (OIT) publicó 1.250 estudios sobre los trabajadores migrantes.",
    "Los gobiernos aprobaron la resolución 56/203 sin votación.",
    "Se calcula que 175 millones de personas residen fuera de su país de nacimiento.",
    "El ACNUR prestó asistencia a 20,6 millones de refugiados y desplazados.",
    "La Asamblea General decidió examinar el tema en su quincuagésimo octavo período de sesiones.",
    "El Secretario General presentó el informe A/58/98 a la Asamblea.",
]
EN = [
    "The Commission on Population and Development held its thirty-sixth session in New York in 2003.",
    "The report examines international migration and development in 56 countries.",
    "The International Labour Organization (ILO) published 1,250 studies on migrant workers.",
    "Governments adopted resolution 56/203 without a vote.",
    "An estimated 175 million persons reside outside their country of birth.",
    "UNHCR assisted 20.6 million refugees and displaced persons.",
    "The General Assembly decided to consider the item at its fifty-eighth session.",
    "The Secretary-General submitted report A/58/98 to the Assembly.",
]


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def assert_partition(beads, n: int, m: int) -> None:
    """Every sentence in exactly one bead, beads in document order, confidences in [0, 1]."""
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert src == list(range(n))
    assert tgt == list(range(m))
    assert all(b.src or b.tgt for b in beads)
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def test_parallel_sentences_give_one_to_one():
    beads = align_sentences(ES, EN)
    assert pairs(beads) == [((i,), (i,)) for i in range(len(ES))]
    assert_partition(beads, len(ES), len(EN))


def test_two_target_sentences_for_one_source_give_a_1_2_bead():
    es = ES[:3] + ["Los gobiernos aprobaron la resolución 56/203 sin votación y 175 millones de personas residen "
                   "fuera de su país de nacimiento."] + ES[5:]
    beads = align_sentences(es, EN)
    assert ((3,), (3, 4)) in pairs(beads)
    assert_partition(beads, len(es), len(EN))


def test_two_source_sentences_for_one_target_give_a_2_1_bead():
    en = EN[:1] + [EN[1] + " " + EN[2]] + EN[3:]
    beads = align_sentences(ES, en)
    assert ((1, 2), (1,)) in pairs(beads)
    assert_partition(beads, len(ES), len(en))


def test_a_sentence_missing_in_english_gives_a_1_0_bead():
    en = EN[:4] + EN[5:]
    beads = align_sentences(ES, en)
    assert ((4,), ()) in pairs(beads)
    assert ((5,), (4,)) in pairs(beads)
    assert_partition(beads, len(ES), len(en))


def test_a_sentence_missing_in_spanish_gives_a_0_1_bead():
    es = ES[:2] + ES[3:]
    beads = align_sentences(es, EN)
    assert ((), (2,)) in pairs(beads)
    assert ((2,), (3,)) in pairs(beads)
    assert_partition(beads, len(es), len(EN))


def test_two_and_two_sentences_split_differently_give_a_2_2_bead():
    # The Spanish breaks late, the English early: neither sentence has a counterpart of its own.
    es = ["La Comisión se reunió en 2003 y examinó el informe A/58/98 de la OIT sobre los 1.250 trabajadores",
          "migrantes.", *ES[3:]]
    en = ["The Commission met in 2003.", "It considered ILO report A/58/98 on the 1,250 migrant workers.",
          *EN[3:]]
    beads = align_sentences(es, en)
    assert pairs(beads)[0] == ((0, 1), (0, 1))
    assert_partition(beads, len(es), len(en))


def test_identical_documents_give_all_one_to_one(es_path):
    from alinea.pipeline import segment_file

    texts = [s.text for s in segment_file(es_path, "es")][:120]
    beads = align_sentences(texts, texts)
    assert pairs(beads) == [((i,), (i,)) for i in range(len(texts))]


@pytest.mark.parametrize("src, tgt", [(ES, []), ([], EN), ([], [])])
def test_one_side_empty_keeps_every_sentence_as_a_null_bead(src, tgt):
    beads = align_sentences(src, tgt)
    assert len(beads) == len(src) + len(tgt)
    assert all(b.is_null for b in beads)
    assert_partition(beads, len(src), len(tgt))


def test_the_same_input_gives_the_same_output():
    rng = random.Random(3)
    en = [s for s in EN if rng.random() > 0.2]
    first = align_sentences(ES, en)
    align_sentences(EN[::-1], ES)  # other work in between changes the shared key vocabulary
    assert align_sentences(ES, en) == first


def _numbered(texts: list[str], numbers: list[str | None], paragraphs: list[int]) -> list[Sentence]:
    return [Sentence(t, i, paragraph=p, number=n) for i, (t, n, p) in enumerate(zip(texts, numbers, paragraphs))]


def test_an_omission_inside_paragraph_4_cannot_shift_paragraph_5():
    # Paragraph 4 has three Spanish sentences but only two English ones; paragraph 5 follows.
    es = _numbered(ES[:6], ["3", "4", "4", "4", "5", "5"], [0, 1, 1, 1, 2, 2])
    en_texts = [EN[0], EN[1], EN[3], EN[4], EN[5]]
    en = _numbered(en_texts, ["3", "4", "4", "5", "5"], [0, 1, 1, 2, 2])
    assert (4, 3) in anchor_points(es, en)
    beads = align_sentences(es, en)
    assert_partition(beads, len(es), len(en))
    for bead in beads:
        numbers = {es[i].number for i in bead.src} | {en[j].number for j in bead.tgt}
        assert len(numbers) == 1, bead
    assert ((4,), (3,)) in pairs(beads) and ((5,), (4,)) in pairs(beads)


def test_anchors_keep_the_order_of_both_documents():
    es = _numbered(ES[:4], ["1", "2", "3", "4"], [0, 1, 2, 3])
    en = _numbered(EN[:4], ["1", "3", "2", "4"], [0, 1, 2, 3])  # 2 and 3 swapped: one of them is dropped
    anchors = anchor_points(es, en)
    assert anchors == sorted(anchors)
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(anchors, anchors[1:]))
    assert_partition(align_sentences(es, en), 4, 4)


def test_a58_98_paragraph_numbers_are_matched_to_the_same_number(a58_bitext):
    bitext = a58_bitext
    assert_partition(bitext.beads, len(bitext.src), len(bitext.tgt))
    linked: set[str] = set()
    for bead in bitext.beads:
        if bead.is_null:
            continue
        src_numbers = {bitext.src[i].number for i in bead.src if bitext.src[i].kind == "body"}
        tgt_numbers = {bitext.tgt[j].number for j in bead.tgt if bitext.tgt[j].kind == "body"}
        assert src_numbers == tgt_numbers, (bitext.src_text(bead), bitext.tgt_text(bead))
        linked |= src_numbers - {None}
    src_all = {s.number for s in bitext.src if s.number and s.kind == "body"}
    tgt_all = {s.number for s in bitext.tgt if s.number and s.kind == "body"}
    assert src_all & tgt_all <= linked
    # Most of the report is 1-1; about one correspondence in ten is 1-2 / 2-1 in this English text.
    kinds = bitext.bead_counts()
    assert kinds.get("1-1", 0) > 0.75 * len(bitext.beads)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), max_size=12), st.lists(st.text(min_size=0, max_size=60), max_size=12))
def test_any_input_is_partitioned_into_beads(src, tgt):
    assert_partition(align_sentences(src, tgt), len(src), len(tgt))


# -- the parts -----------------------------------------------------------------------------------

def test_log_erfc_matches_math_erfc_far_into_the_tail():
    for x in (0.0, 0.3, 1.0, 2.5, 5.0, 10.0):
        assert log_erfc(np.array([x]))[0] == pytest.approx(math.log(math.erfc(x)), abs=1e-5)


def test_log_erfc_has_the_accuracy_of_the_numerical_recipes_fit():
    # Numerical Recipes' Chebyshev fit of erfc has a fractional error below 1.2e-7 everywhere,
    # so log erfc is within 1.2e-7 absolute. A wrong digit in any coefficient (0.27886187 for
    # 0.27886807 was one) shows up near x = 0, where t = 1 and every coefficient counts in full.
    xs = np.concatenate((np.linspace(0.0, 1.0, 201), np.linspace(1.0, 6.0, 101)))
    expected = np.array([math.log(math.erfc(x)) for x in xs])
    assert np.max(np.abs(log_erfc(xs) - expected)) < 1.3e-7


def test_length_cost_grows_with_the_length_mismatch():
    costs = length_cost(np.array([100.0, 100.0, 100.0]), np.array([100.0, 130.0, 200.0]), 1.0, 6.8)
    assert costs[0] < costs[1] < costs[2]


def test_banded_search_finds_the_full_search_path():
    rng = np.random.default_rng(7)
    n = m = 60
    table = rng.random((n + 1, m + 1)) * 3 + np.abs(np.subtract.outer(np.arange(n + 1), np.arange(m + 1)))

    def costs(rows, j_grid):
        from alinea.align.corelib import MOVES

        return {mv: table[rows[:, None], j_grid] + (0.0 if mv == (1, 1) else 2.0) for mv in MOVES}

    nulls = np.full(m, 4.0)
    full = best_path(n, m, costs, nulls, width=m + 1)
    banded = best_path(n, m, costs, nulls, width=12)
    assert [(p, q) for p, q, *_ in banded] == [(p, q) for p, q, *_ in full]


def test_cognates_numbers_and_acronyms_share_keys():
    assert cognate_key("comisión") == cognate_key("commission")
    assert cognate_key("migración") == cognate_key("migration")
    vocab = Vocabulary()
    es = encode_side(["La OIT publicó 1.250 estudios (resolución 56/203)."], "es", vocab).keys[0]
    en = encode_side(["The ILO published 1,250 studies (resolution 56/203)."], "en", vocab).keys[0]
    for key in ("@ILO", "#1250", "#56/203", "p("):
        assert vocab.ids[key] in es and vocab.ids[key] in en


def test_ibm1_learns_word_translations_from_the_pairs():
    vocab = Vocabulary()
    src = ["la casa verde", "la casa", "el perro", "el perro verde", "la casa grande", "un perro grande"] * 20
    tgt = ["the green house", "the house", "the dog", "the green dog", "the big house", "a big dog"] * 20
    src_words = encode_side(src, "es", vocab).words
    tgt_words = encode_side(tgt, "en", vocab).words
    links = ibm1.translation_links(src_words, tgt_words, [(i, i) for i in range(len(src))])
    assert links is not None
    learned = {(vocab.words[f], vocab.words[e]) for f, e in zip(*links)}
    assert ("casa", "house") in learned and ("perro", "dog") in learned
    assert ("casa", "dog") not in learned


# -- the command line ----------------------------------------------------------------------------

def test_align_lines_writes_the_beads_as_tsv(tmp_path, run_cli):
    es, en = tmp_path / "doc.es", tmp_path / "doc.en"
    es.write_text("\n".join(ES) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN[:4] + [""] + EN[5:]) + "\n", encoding="utf-8")  # a blank line, one missing
    out = tmp_path / "beads.tsv"
    result = run_cli("align-lines", es, en, "-o", out)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["src", "tgt", "score", "src_text", "tgt_text"]
    body = rows[1:]
    assert ["4", ""] in [r[:2] for r in body]          # the Spanish sentence with no English
    assert ["5", "5"] in [r[:2] for r in body]         # English line numbers count the blank line
    assert "4" not in [r[1] for r in body]              # ... which is not a sentence
    assert sorted(int(r[0]) for r in body if r[0]) == list(range(len(ES)))


def test_align_lines_reports_a_missing_file_in_one_line(tmp_path, run_cli):
    es = tmp_path / "doc.es"
    es.write_text("Hola.\n", encoding="utf-8")
    out = tmp_path / "beads.tsv"
    result = run_cli("align-lines", es, tmp_path / "missing.en", "-o", out)
    assert result.exit_code == 2
    assert "missing.en" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_ibm1_needs_enough_pairs_to_learn_anything():
    vocab = Vocabulary()
    words = encode_side(["la casa"] * 5, "es", vocab).words
    assert ibm1.translation_links(words, words, [(i, i) for i in range(5)]) is None


def test_a_path_far_from_the_diagonal_widens_the_band():
    # The best path skips 20 target sentences, runs 20 positions above the diagonal, then
    # leaves the last 20 source sentences alone: a band of 12 must grow to find it.
    n = m = 60

    def costs(rows, j_grid):
        from alinea.align.corelib import MOVES

        i = rows[:, None] + np.zeros_like(j_grid)
        out = {mv: np.full(j_grid.shape, 50.0) for mv in MOVES}
        out[(1, 1)] = np.where(j_grid - i == 20, 0.0, 5.0)
        out[(1, 0)] = np.where(i > 40, 1.0, 10.0)
        return out

    nulls = np.where(np.arange(m) < 20, 1.0, 10.0)
    full = [(p, q) for p, q, *_ in best_path(n, m, costs, nulls, width=m + 1)]
    banded = [(p, q) for p, q, *_ in best_path(n, m, costs, nulls, width=12)]
    assert banded == full
    assert full[:20] == [((), (j,)) for j in range(20)] and full[-1] == ((59,), ())


def test_clear_links_are_confident_and_doubtful_ones_are_not():
    beads = align_sentences(ES, EN)
    assert all(b.score > 0.9 for b in beads)
    # Two unrelated sentences where a translation should be: the aligner has to guess.
    unsure = align_sentences(ES[:3] + ["Se levantó la sesión a las 13.00 horas."] + ES[4:],
                             EN[:3] + ["Mr. Smith thanked the interpreters."] + EN[4:])
    guessed = [b for b in unsure if 3 in b.src or 3 in b.tgt]
    assert min(b.score for b in guessed) < min(b.score for b in beads)


@pytest.mark.parametrize("extra", [0, 30, 300])
def test_one_sentence_against_many_finds_its_translation(extra):
    beads = align_sentences(["La OIT publicó 1.250 estudios."],
                            ["The ILO published 1,250 studies."] + [f"Annex line {k}." for k in range(extra)])
    assert pairs(beads)[0] == ((0,), (0,))
    assert_partition(beads, 1, 1 + extra)


def test_many_sentences_against_one_are_all_kept():
    beads = align_sentences([f"Línea {k} del anexo." for k in range(400)], ["The ILO published 1,250 studies."])
    assert_partition(beads, 400, 1)


def test_align_lines_refuses_an_empty_file(tmp_path, run_cli):
    es, en = tmp_path / "doc.es", tmp_path / "doc.en"
    es.write_text("\n\n", encoding="utf-8")
    en.write_text("Hello.\n", encoding="utf-8")
    result = run_cli("align-lines", es, en, "-o", tmp_path / "beads.tsv")
    assert result.exit_code == 2
    assert "empty" in result.output or "no sentences" in result.output


def test_bulk_word_analysis_gives_the_keys_of_word_keys():
    from alinea.align.dictionary import builtin_dictionary
    from alinea.align.encoder import word_keys

    vocab = Vocabulary(builtin_dictionary())
    tokens = {"es": ["Comisión", "inmigrantes", "OIT", "ONU-Mujeres", "de", "Phil", "mundo", "año", "dijo"],
              "en": ["Commission", "immigrants", "ILO", "UN-Women", "the", "Philosophy", "world", "year", "said"]}
    for lang, words in tokens.items():
        vocab.analyse(words, lang)
        names = {i: k for k, i in vocab.ids.items()}
        for word in words:
            key_ids, word_id = vocab.tokens[lang][word]
            assert tuple(names[i] for i in key_ids) == word_keys(word, lang, builtin_dictionary())
            assert vocab.words[word_id] == word.lower()


def test_the_vocabulary_is_made_anew_for_each_alignment(monkeypatch):
    from alinea.align import aligner

    made = []
    original = aligner.Vocabulary

    def spy(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(aligner, "Vocabulary", spy)
    align_sentences(ES, EN)
    align_sentences(ES, EN)
    assert len(made) == 2 and made[0] is not made[1]
    assert "sentence_keys" not in dir(__import__("alinea.align.encoder", fromlist=["x"]))
    assert not hasattr(original, "encode_text")
