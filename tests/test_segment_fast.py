"""The fast segmenter gives exactly the sentences of the reference path (issue 17, and the rules added since).

``tests/segment_reference.py`` is alinea's segmenter as it was before the fast
path: NLTK's own Punkt tokenizer, then the UN rules one boundary at a time.
Both must cut every text at the same offsets: hostile random text, the
A/58/98 reports (raw and cleaned) and, when ``../shared/bench`` is there, every
paragraph of the segmentation bench.
"""
from __future__ import annotations

import json
import random
import re

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from segment_reference import reference_spans

from alinea.align.normalize import normalize
from alinea.align.segment import sentence_spans

# Pieces that exercise every rule: abbreviations of each kind, numbers,
# enumerators, initials, ellipses, quotes and brackets around periods, case.
_PIECES = [
    "Sr. ", "Sra. ", "núm. ", "No. ", "no. ", "párr. ", "para. ", "p. ej. ", "e.g. ", "i.e. ",
    "etc. ", "a.m. ", "p.m. ", "a. m. ", "EE.UU. ", "EE. UU. ", "U.S. ", "ibid. ", "Corr.1 ",
    "op. cit. ", "et al. ", "Mr. ", "H.E. ", "J. ", "S. ", "4. ", "12. ", "1) ", "(a) ", "iv) ",
    "ii. ", "A. ", "IV. ", "1.2. ", "• ", "- ", "horas 1. ", "item 44. ", "10.00 ", "3,5 ",
    "2003. ", "1.000 ", "... ", "…", ". ", "? ", "! ", ".) ", '." ', ".” ", ".» ", '"', "«", "“",
    "(", ")", "[", "]", "¿", "¡", ";", ":", ",", "-", "--", "\n", "\n\n", "\t", " ", "  ",
    "El ", "La ", "Los ", "The ", "A ", "In ", "Acoge ", "Welcomes ", "Decide ", "Comité ",
    "informe", "report", "desarrollo", "se ", "de ", "the ", "of ", "a ", "b ", "x", "Z",
    "Represents ", "Nada", "Cuba", "Spain", "voted ", "votó ", "Ginebra ", "Hayabusa ",
    # Punkt's collocations ("3. Minuto", "B. Smith") and sentence starters.
    "Minuto ", "minuto ", "Smith ", "International ", "Who ", "V. ", "B. ", "However ", "But ",
    # Dialogue, quotations, clock times and ellipses (the acceptance review's rules).
    "—", "–", "»", "”", "’", "...", "(...) ", "[…] ", "?» ", "!” ", "», ", "?, ", "dijo ", "preguntó ",
    "and ", "asked ", "Luego ", "Then ", "3 ", "10 ", "p. m. ", "a. m. ", "Sr… ",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, lang=st.sampled_from(["es", "en"]))
def test_fast_path_cuts_like_the_reference_on_random_text(text, lang):
    assert sentence_spans(text, lang) == reference_spans(text, lang)


def test_fast_path_cuts_like_the_reference_on_seeded_random_text():
    # A fixed seed and long texts: the same inputs in every run, where hypothesis varies them.
    rng = random.Random(17)
    for _ in range(300):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(20, 300)))
        for lang in ("es", "en"):
            assert sentence_spans(text, lang) == reference_spans(text, lang), text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_fast_path_cuts_like_the_reference_on_a58(lang, es_path, en_path):
    from alinea.align.read import read_document

    raw = read_document(es_path if lang == "es" else en_path)
    for text in (raw, normalize(raw, lang).text):
        spans = sentence_spans(text, lang)
        assert len(spans) > 200
        assert spans == reference_spans(text, lang)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_fast_path_cuts_like_the_reference_on_the_bench(lang):
    bench = SHARED / "bench" / f"seg_undev.{lang}.jsonl"
    if not bench.exists():
        pytest.skip(f"{bench} is not there (the shared bench sits beside the repository)")
    rows = [json.loads(line) for line in bench.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) > 300
    for row in rows:
        assert sentence_spans(row["text"], lang) == reference_spans(row["text"], lang), row["text"]


# Punkt's own candidates and realignment: end punctuation in runs, closing quotes and brackets
# after it (ASCII, curly, guillemets), "--", and every kind of whitespace NLTK tells apart
# (string.whitespace is ASCII only: a no-break space is not a word boundary for it).
_PUNKT_PIECES = [
    "word", "Word", "Dr", "U.S", "e.g", "3", "12", "a", ".", ". ", "!", "!!! ", "?", "? ", "..", "...", "…",
    ";", ":", ",", '"', "'", ")", "]", "}", "‘", "’", "“", "”", "«", "»", "(", "[", "--", "-", " ", "  ",
    "\n", "\t", "\r", "\x0b", "\x0c", "\xa0", "\u2009", " The ", " the ", " Sr. ", " El ", "# ", "@",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(_PUNKT_PIECES), max_size=60).map("".join), lang=st.sampled_from(["es", "en"]))
def test_punkt_spans_are_nltks_own(text, lang):
    # alinea's one-loop span_tokenize against NLTK's three generators, with the same parameters.
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from alinea.align.segment import _tokenizer, punkt_parameters

    nltk_punkt = PunktSentenceTokenizer(punkt_parameters(lang))
    assert list(_tokenizer(lang).span_tokenize(text)) == list(nltk_punkt.span_tokenize(text))
    assert (list(_tokenizer(lang).span_tokenize(text, realign_boundaries=False))
            == list(nltk_punkt.span_tokenize(text, realign_boundaries=False)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(_PUNKT_PIECES + ["|", "|| ", ".|"]), max_size=40).map("".join))
def test_punkt_spans_follow_a_realignment_pattern_of_another_version(text):
    # An NLTK whose realignment pattern takes other closing characters ("|" here): the pattern is
    # then tried after every cut, and the spans stay NLTK's.
    from nltk import redos
    from nltk.tokenize.punkt import PunktLanguageVars, PunktSentenceTokenizer

    from alinea.align.segment import _FastPunkt, punkt_parameters

    class OtherVersion(PunktLanguageVars):
        re_boundary_realignment = redos.compile(r'["\')\]}|]+?(?:\s+|(?=--)|$)', re.MULTILINE)

    fast, nltk_punkt = _FastPunkt(punkt_parameters("en")), PunktSentenceTokenizer(punkt_parameters("en"))
    for tokenizer in (fast, nltk_punkt):
        tokenizer._lang_vars = OtherVersion()
    assert list(fast.span_tokenize(text)) == list(nltk_punkt.span_tokenize(text))
