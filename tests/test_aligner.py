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
from alinea.tables import read_table

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
    table = read_table(out)
    assert table.header == ["bead", "type", "score", "paragraph", "src_ids", "tgt_ids", "source", "target",
                            "tuid", "kind", "document"]  # the bead table of `align --tsv`
    body = [dict(zip(table.header, row + [""] * 11)) for row in table.rows[1:]]
    ids = [(r["src_ids"], r["tgt_ids"]) for r in body]
    assert ("5", "") in ids                            # the Spanish sentence with no English (line 5)
    assert ("6", "6") in ids                           # English line numbers count the blank line 5
    assert "5" not in [tgt for _, tgt in ids]          # ... which is not a sentence
    assert sorted(int(src) for src, _ in ids if src) == list(range(1, len(ES) + 1))
    assert [r["type"] for r in body if r["src_ids"] == "5"] == ["1-0"]
    assert {r["source"] for r in body} - {""} == set(ES)


def test_align_lines_table_is_read_by_every_command(tmp_path, run_cli):
    """Issue: align-lines output could not be used by report, check, tmx convert. Now it is the one bead table."""
    es, en = tmp_path / "doc.es", tmp_path / "doc.en"
    es.write_text("\n".join(ES) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    beads = tmp_path / "beads.tsv"
    assert run_cli("align-lines", es, en, "-o", beads).exit_code == 0
    tm = tmp_path / "tm.tmx"
    result = run_cli("tmx", "convert", beads, tm)
    assert result.exit_code == 0, result.output
    assert tm.read_text(encoding="utf-8").count("<tu ") == len(ES)
    result = run_cli("report", beads, "-o", tmp_path / "r.html")
    assert result.exit_code == 0 and "skipped" not in result.output, result.output
    result = run_cli("check", beads, "--json", tmp_path / "c.json")
    assert result.exit_code in (0, 1) and f"segments: {len(ES)}" in result.output, result.output
    result = run_cli("tmx", "stats", tm)
    assert "bead types: 1-1 " in result.output, result.output


def test_legacy_align_lines_table_is_read(tmp_path, run_cli):
    """Tables written by alinea 0.2's align-lines (src, tgt, score, src_text, tgt_text) still convert,
    their 0-based line lists giving the bead types."""
    old = tmp_path / "old.tsv"
    old.write_text("src\ttgt\tscore\tsrc_text\ttgt_text\n"
                   "0\t0\t0.9941\tHola.\tHello.\n"
                   "1,2\t1\t0.8\tUna. Dos.\tOne and two.\n"
                   "3\t\t0.0\tSola.\t\n", encoding="utf-8")
    tm = tmp_path / "old.tmx"
    result = run_cli("tmx", "convert", old, tm, "--keep-unaligned")
    assert result.exit_code == 0, result.output
    text = tm.read_text(encoding="utf-8")
    assert '<prop type="x-bead">2-1</prop>' in text and '<prop type="x-bead">1-0</prop>' in text
    assert '<prop type="x-score">0.9941</prop>' in text


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


# -- issue 12: more bead types, verified anchors, dictionaries, confidence ------------------------

MORE_ES = [
    "El Comité examinó el informe del Secretario General sobre la financiación de la Misión.",
    "La Comisión recomendó que se aprobaran 45 puestos adicionales para el bienio 2004-2005.",
    "Varias delegaciones expresaron su preocupación por la situación humanitaria en la región.",
    "El Fondo de Población de las Naciones Unidas (UNFPA) apoyó programas en 140 países.",
    "Los niños y las mujeres representan el 80% de los refugiados del mundo.",
    "La Organización Mundial de la Salud (OMS) publicó nuevas directrices sobre el VIH/SIDA.",
    "El Consejo de Seguridad prorrogó el mandato de la Misión hasta el 31 de diciembre de 2004.",
    "Se invitó a los Estados Miembros a presentar sus observaciones antes del 15 de marzo.",
    "La pobreza extrema afecta todavía a más de 1.200 millones de personas.",
    "El Programa de las Naciones Unidas para el Desarrollo (PNUD) coordinó la asistencia técnica.",
    "La Asamblea tomó nota del informe de la Comisión de Derechos Humanos.",
    "El Presidente declaró clausurado el período de sesiones a las 18.00 horas.",
]
MORE_EN = [
    "The Committee considered the report of the Secretary-General on the financing of the Mission.",
    "The Commission recommended the approval of 45 additional posts for the biennium 2004-2005.",
    "Several delegations expressed concern about the humanitarian situation in the region.",
    "The United Nations Population Fund (UNFPA) supported programmes in 140 countries.",
    "Children and women account for 80% of the world's refugees.",
    "The World Health Organization (WHO) published new guidelines on HIV/AIDS.",
    "The Security Council extended the mandate of the Mission until 31 December 2004.",
    "Member States were invited to submit their comments before 15 March.",
    "Extreme poverty still affects more than 1.2 billion people.",
    "The United Nations Development Programme (UNDP) coordinated the technical assistance.",
    "The Assembly took note of the report of the Commission on Human Rights.",
    "The President declared the session closed at 6 p.m.",
]
ALL_ES, ALL_EN = ES + MORE_ES, EN + MORE_EN


def test_a_misleading_paragraph_number_is_dropped_and_reported():
    from alinea.align.aligner import align, alignment_warnings

    # Five paragraphs of four sentences. In the English the number "3." opens the sentence two
    # places later than in the Spanish: trusting it would leave four sentences unaligned.
    es_numbers = [str(1 + k // 4) for k in range(20)]
    en_numbers = list(es_numbers)
    en_numbers[8:10] = ["2", "2"]
    es = _numbered(ALL_ES, es_numbers, [k // 4 for k in range(20)])
    en = _numbered(ALL_EN, en_numbers, [k // 4 if k not in (8, 9) else 1 for k in range(20)])
    assert (8, 10) in anchor_points(es, en)          # the misleading anchor is a candidate
    result = align(es, en)
    assert pairs(result.beads) == [((i,), (i,)) for i in range(20)]
    assert [a.label for a in result.dropped_anchors] == ["paragraph 3"]
    assert {(a.src, a.tgt) for a in result.anchors} == {(4, 4), (12, 12), (16, 16)}
    warnings = alignment_warnings(result.beads, 20, 20, result.dropped_anchors)
    assert any("paragraph 3" in w and "sentence 9" in w and "sentence 11" in w for w in warnings)
    # Without anchors the text alone gives the same alignment.
    assert pairs(align_sentences(es, en, use_anchors=False)) == pairs(result.beads)


def test_anchors_that_agree_with_the_text_are_all_kept():
    from alinea.align.aligner import align

    numbers = [str(1 + k // 4) for k in range(20)]
    es = _numbered(ALL_ES, numbers, [k // 4 for k in range(20)])
    en = _numbered(ALL_EN, numbers, [k // 4 for k in range(20)])
    result = align(es, en)
    assert not result.dropped_anchors and len(result.anchors) == 4


def test_one_spanish_sentence_for_three_english_gives_a_1_3_bead():
    # The translator joined three sentences with semicolons.
    es = ALL_ES[:5] + ["; ".join(s.rstrip(".") for s in MORE_ES[1:4]) + "."] + ALL_ES[15:]
    en = ALL_EN[:5] + MORE_EN[1:4] + ALL_EN[15:]
    beads = align_sentences(es, en)
    assert ((5,), (5, 6, 7)) in pairs(beads)
    assert_partition(beads, len(es), len(en))


def test_three_spanish_sentences_for_one_english_give_a_3_1_bead():
    es = ALL_ES[:5] + MORE_ES[1:4] + ALL_ES[15:]
    en = ALL_EN[:5] + ["; ".join(s.rstrip(".") for s in MORE_EN[1:4]) + "."] + ALL_EN[15:]
    beads = align_sentences(es, en)
    assert ((5, 6, 7), (5,)) in pairs(beads)
    assert_partition(beads, len(es), len(en))


def test_a_general_language_dictionary_links_sentences_without_cognates():
    from alinea.align.dictionary import Dictionary

    # Literary sentences: no numbers, few cognates. The second Spanish sentence is two in English.
    es = ["El viejo carpintero cerró la puerta de la casa.", "Luego dijo al niño que no llorara y se durmió.",
          "A la mañana siguiente salió al bosque a buscar leña."]
    en = ["The old woodworker shut the door of the house.", "Then he told the boy not to cry.",
          "And he fell asleep.", "The next morning he went out to the forest to look for firewood."]
    assert pairs(align_sentences(es, en)) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]
    # The table's words are evidence: a Spanish word and its translations share a key, inflected
    # forms included; without the table they share nothing.
    from alinea.align.dictionary import builtin_dictionary
    from alinea.align.encoder import word_keys

    for es_word, en_word in (("dijo", "told"), ("chico", "boy"), ("puerta", "door"), ("puertas", "doors"),
                             ("durmió", "asleep"), ("salió", "left")):
        builtin = builtin_dictionary()
        shared = set(word_keys(es_word, "es", builtin)) & set(word_keys(en_word, "en", builtin))
        assert shared, (es_word, en_word)
        assert not set(word_keys(es_word, "es", Dictionary())) & set(word_keys(en_word, "en", Dictionary()))
    builtin = builtin_dictionary()
    assert not set(word_keys("puerta", "es", builtin)) & set(word_keys("forest", "en", builtin))


def test_confidence_is_low_on_a_shuffled_pair():
    rng = random.Random(11)
    shuffled = list(ALL_EN)
    rng.shuffle(shuffled)
    right = {(ALL_EN.index(sentence), j) for j, sentence in enumerate(shuffled)}
    beads = align_sentences(ALL_ES, shuffled)
    wrong_links = [b.score for b in beads if not b.is_null
                   and not all((i, j) in right for i in b.src for j in b.tgt)]
    assert len(wrong_links) >= 5, "a shuffled pair must make the aligner guess"
    # Some shuffled neighbours do say much the same thing ("X published ..." / "Y published ..."),
    # but most guesses are doubtful, and on average far below the straight pair's links.
    assert sum(score >= 0.9 for score in wrong_links) <= len(wrong_links) / 3
    assert sum(wrong_links) / len(wrong_links) < 0.8
    straight = align_sentences(ALL_ES, ALL_EN)
    assert all(b.score >= 0.9 for b in straight)


def test_the_same_input_gives_the_same_output_with_every_bead_type():
    es = ALL_ES[:5] + MORE_ES[1:4] + ALL_ES[15:]
    en = ALL_EN[:4] + ALL_EN[5:6] + ["The Commission recommended 45 posts and several delegations expressed "
                                     "concern."] + ALL_EN[7:]
    first = align_sentences(es, en)
    align_sentences(list(reversed(en)), list(reversed(es)), src_lang="en", tgt_lang="es")
    assert align_sentences(es, en) == first
    assert [b.score for b in align_sentences(es, en)] == [b.score for b in first]


def test_bead_posteriors_match_the_sum_over_every_path():
    from alinea.align.corelib import bead_posteriors

    rng = np.random.default_rng(3)
    n, m = 5, 6
    moves = ((1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
    table = {mv: rng.random((n + 1, m + 1)) * 3 + (0.0 if mv == (1, 1) else 1.5) for mv in moves}
    nulls = rng.random(m) * 2 + 2

    def costs(rows, j_grid):
        return {mv: table[mv][rows[:, None], j_grid] for mv in moves}

    path = best_path(n, m, costs, nulls, moves, width=m + 1)
    every = []

    def walk(i, j, beads, cost):
        if (i, j) == (n, m):
            every.append((beads, cost))
        for a, b in moves + ((0, 1),):
            if i + a <= n and j + b <= m:
                step = nulls[j] if (a, b) == (0, 1) else table[(a, b)][i + a, j + b]
                walk(i + a, j + b, beads + [(i, j, a, b)], cost + step)

    walk(0, 0, [], 0.0)
    weights = np.array([math.exp(-c / 1.3) for _, c in every])
    expected, i, j = [], 0, 0
    for p, q, *_ in path:
        expected.append(sum(w for (beads, _), w in zip(every, weights) if (i, j, len(p), len(q)) in beads)
                        / weights.sum())
        i, j = i + len(p), j + len(q)
    got = bead_posteriors(n, m, costs, nulls, path, moves, temperature=1.3, halo=m)
    assert np.allclose(got, expected, atol=1e-9)
