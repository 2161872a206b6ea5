"""The one Spanish/English guesser (alinea.align.language), shared by the pipeline and the check."""
from __future__ import annotations

from alinea.align.language import FUNCTION_WORDS, function_word_counts, guess_language, looks_spanish


def test_one_guesser_for_the_pipeline_and_the_check():
    import alinea.pipeline
    import alinea.report.consistency

    assert alinea.pipeline.guess_language is guess_language
    assert alinea.report.consistency.looks_spanish is looks_spanish


def test_no_function_word_belongs_to_both_languages():
    assert not FUNCTION_WORDS["es"] & FUNCTION_WORDS["en"]
    # words of both languages, or the UN's acronym lower-cased, would count for the wrong side
    for word in ("a", "no", "un"):
        assert word not in FUNCTION_WORDS["es"] | FUNCTION_WORDS["en"]


def test_counts_words_not_punctuation():
    assert function_word_counts("The UN, the report; and a vote.") == {"es": 0, "en": 3}
    assert function_word_counts("El informe de la ONU, a la Asamblea.") == {"es": 4, "en": 0}


def test_document_guess_needs_enough_text():
    spanish = ["La Asamblea General aprobó el informe de la Comisión y de los Estados Miembros."] * 3
    english = ["The General Assembly adopted the report of the Commission and of the Member States."] * 3
    assert guess_language(spanish) == "es" and guess_language(english) == "en"
    assert guess_language(["El informe de la ONU."]) is None


def test_segment_guess():
    assert looks_spanish("Los países de origen y de destino deben cooperar en la gestión.")
    assert not looks_spanish("The countries of origin and destination should cooperate.")
    assert not looks_spanish("The UN report of the Comisión Económica para América Latina y el Caribe.")
    assert not looks_spanish("de la y")  # too short to say
