"""Sentence segmentation: UN abbreviations, numbers, enumerators, spans, structure."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alinea.align.model import BODY, CONTENTS, FOOTNOTE, HEADER, HEADING
from alinea.align.normalize import normalize
from alinea.align.segment import segment, segment_text, sentence_spans, split_sentences


def nonspace(text: str) -> str:
    return "".join(text.split())


# ------------------------------------------------------------ abbreviations

@pytest.mark.parametrize("text, expected", [
    ("El Sr. Pérez presentó el informe. La Sra. Gómez lo apoyó.",
     ["El Sr. Pérez presentó el informe.", "La Sra. Gómez lo apoyó."]),
    ("Véase el párr. 4 del informe. El Comité tomó nota.",
     ["Véase el párr. 4 del informe.", "El Comité tomó nota."]),
    ("Conforme al art. 12 y a los arts. 13 y 14, se aprobó. Luego se levantó la sesión.",
     ["Conforme al art. 12 y a los arts. 13 y 14, se aprobó.", "Luego se levantó la sesión."]),
    ("Se aplica la resolución núm. 56/203. El Dr. Ruiz informó.",
     ["Se aplica la resolución núm. 56/203.", "El Dr. Ruiz informó."]),
    ("Hay varias medidas, p. ej. la capacitación. Otras son caras.",
     ["Hay varias medidas, p. ej. la capacitación.", "Otras son caras."]),
    ("Participaron Francia, los EE.UU. y el Japón. La reunión terminó.",
     ["Participaron Francia, los EE.UU. y el Japón.", "La reunión terminó."]),
    ("Se trataron la salud, la educación, etc. La Comisión decidió aplazar el tema.",
     ["Se trataron la salud, la educación, etc.", "La Comisión decidió aplazar el tema."]),
    ("Véase A/58/50/Rev.1 y Corr.1. El documento se publicó en la pág. 3 del cap. II.",
     ["Véase A/58/50/Rev.1 y Corr.1.", "El documento se publicó en la pág. 3 del cap. II."]),
    ("Votaron en EE. UU. El Gobierno lo confirmó.", ["Votaron en EE. UU.", "El Gobierno lo confirmó."]),
    ("La delegación dijo que no. Cuba respondió que sí.",
     ["La delegación dijo que no.", "Cuba respondió que sí."]),
])
def test_spanish_abbreviations(text, expected):
    assert split_sentences(text, "es") == expected


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith introduced the report. Mrs. Jones supported it.",
     ["Mr. Smith introduced the report.", "Mrs. Jones supported it."]),
    ("See para. 4 and paras. 7-9 of the report. The Committee took note.",
     ["See para. 4 and paras. 7-9 of the report.", "The Committee took note."]),
    ("Several bodies, e.g. UNHCR and ILO, replied. Others, i.e. the rest, did not.",
     ["Several bodies, e.g. UNHCR and ILO, replied.", "Others, i.e. the rest, did not."]),
    ("It was adopted as Act No. 18561. The law entered into force in 2013.",
     ["It was adopted as Act No. 18561.", "The law entered into force in 2013."]),
    ("The meeting was opened by H.E. Mr. Ayoko (Nigeria). He thanked the members.",
     ["The meeting was opened by H.E. Mr. Ayoko (Nigeria).", "He thanked the members."]),
    ("To be held on Monday, 19 January 2015, at 10 a.m. Delegations are invited to attend.",
     ["To be held on Monday, 19 January 2015, at 10 a.m.", "Delegations are invited to attend."]),
    ("The meeting starts at 10 a.m. on Monday. It ends at noon.",
     ["The meeting starts at 10 a.m. on Monday.", "It ends at noon."]),
    ("Statements were made (cf. A/56/329). See also ST/ESA/SER.A/220 and ibid. The item was closed.",
     ["Statements were made (cf. A/56/329).", "See also ST/ESA/SER.A/220 and ibid.",
      "The item was closed."]),
    ("Spain voted no. Cuba voted yes. St. Lucia abstained.",
     ["Spain voted no.", "Cuba voted yes.", "St. Lucia abstained."]),
])
def test_english_abbreviations(text, expected):
    assert split_sentences(text, "en") == expected


# ------------------------------------------------------------ numbers

@pytest.mark.parametrize("lang, text, expected", [
    ("es", "La población es de 1.000 habitantes. El crecimiento fue del 3,5%.",
     ["La población es de 1.000 habitantes.", "El crecimiento fue del 3,5%."]),
    ("es", "Entró en vigor el 1° de julio de 2003. Se celebró el 1.º de enero.",
     ["Entró en vigor el 1° de julio de 2003.", "Se celebró el 1.º de enero."]),
    ("es", "Sumaron 3.5 millones en 2000. En 1990 eran 2.9 millones.",
     ["Sumaron 3.5 millones en 2000.", "En 1990 eran 2.9 millones."]),
    ("en", "The total was 1,000.5 tons. It rose by 3.5 per cent in 2013.",
     ["The total was 1,000.5 tons.", "It rose by 3.5 per cent in 2013."]),
    ("en", "The figure was 16.3 per cent in 2004. It fell to 5.3 per cent.",
     ["The figure was 16.3 per cent in 2004.", "It fell to 5.3 per cent."]),
    ("en", "Sales No. E.98.XVII.14 is out. It covers 2002.",
     ["Sales No. E.98.XVII.14 is out.", "It covers 2002."]),
])
def test_numbers_do_not_split(lang, text, expected):
    assert split_sentences(text, lang) == expected


# ------------------------------------------------------------ enumerators

@pytest.mark.parametrize("lang, text, expected", [
    ("es", "4. Varias oficinas del DAES llevan a cabo actividades. La División publica datos.",
     ["4. Varias oficinas del DAES llevan a cabo actividades.", "La División publica datos."]),
    ("es", "El Comité terminó. 12. Aprobación del programa. 13. Se levantó la sesión.",
     ["El Comité terminó.", "12. Aprobación del programa.", "13. Se levantó la sesión."]),
    ("en", "The item was closed. 204. The social stigma remains. (a) Measures were taken.",
     ["The item was closed.", "204. The social stigma remains.", "(a) Measures were taken."]),
    ("es", "Tres orientaciones: 1) la investigación; 2) la facilitación. i) Primero. ii) Segundo.",
     ["Tres orientaciones: 1) la investigación; 2) la facilitación.", "i) Primero.", "ii) Segundo."]),
    ("en", "It ended at 10 a.m. 29. The round table began.",
     ["It ended at 10 a.m.", "29. The round table began."]),
    ("en", "The report is in paragraph 4. The Council agreed.",
     ["The report is in paragraph 4.", "The Council agreed."]),
])
def test_enumerators_stay_with_their_sentence(lang, text, expected):
    assert split_sentences(text, lang) == expected


@pytest.mark.parametrize("lang, text, expected", [
    # A line that runs into the next numbered paragraph: the number opens the sentence.
    ("es", "La sesión se abrió a las 10.00 horas 1. Acoge con beneplácito el informe. 2. Decide seguir.",
     ["La sesión se abrió a las 10.00 horas", "1. Acoge con beneplácito el informe.", "2. Decide seguir."]),
    ("en", "The meeting was called to order at the usual time 3. Welcomes the report.",
     ["The meeting was called to order at the usual time", "3. Welcomes the report."]),
    # A number that completes the sentence before stays there.
    ("es", "Véase el párrafo 12. El Comité decidió.", ["Véase el párrafo 12.", "El Comité decidió."]),
    ("es", "Los Estados que lo habían hecho eran 111. Otros no.",
     ["Los Estados que lo habían hecho eran 111.", "Otros no."]),
    ("es", "El vehículo viaja a bordo de Hayabusa 2. La misión sigue.",
     ["El vehículo viaja a bordo de Hayabusa 2.", "La misión sigue."]),
    ("en", "It was examined under agenda item 44. The report followed.",
     ["It was examined under agenda item 44.", "The report followed."]),
    ("en", "This is summarized in tables 9 and 10. The figures rose.",
     ["This is summarized in tables 9 and 10.", "The figures rose."]),
    ("en", "The population reached 2013. It fell later.", ["The population reached 2013.", "It fell later."]),
])
def test_paragraph_number_inside_a_line_opens_its_sentence(lang, text, expected):
    assert split_sentences(text, lang) == expected


# ------------------------------------------------------------ quotes, brackets, case

@pytest.mark.parametrize("lang, text, expected", [
    ("es", 'Dijo: "Se aprobó el texto." Después se votó.',
     ['Dijo: "Se aprobó el texto."', "Después se votó."]),
    ("es", "Se aprobó (véase el anexo.) Luego se votó. ¿Qué se decidió? Nada.",
     ["Se aprobó (véase el anexo.)", "Luego se votó.", "¿Qué se decidió?", "Nada."]),
    ("en", "It is “the principle of equality.” The Charter says so.",
     ["It is “the principle of equality.”", "The Charter says so."]),
    ("es", "Son mujeres. y que el 44% lo son también.",
     ["Son mujeres. y que el 44% lo son también."]),
    ("en", "The costs are shown below. a Includes travel. b Excludes staff.",
     ["The costs are shown below.", "a Includes travel.", "b Excludes staff."]),
])
def test_quotes_brackets_and_case(lang, text, expected):
    assert split_sentences(text, lang) == expected


# ------------------------------------------------------------ dialogue, clock times, ellipses

#: The acceptance review's cases and their neighbours; tests/test_srx.py checks that the exported
#: SRX rules cut all of them the same way.
DIALOGUE_CASES = [
    ("en", 'She said "Stop!" and left.', ['She said "Stop!" and left.']),
    ("en", '"Who\'s there?" asked the fisherman.', ['"Who\'s there?" asked the fisherman.']),
    ("es", "—¿Vienes? —preguntó Ana.", ["—¿Vienes? —preguntó Ana."]),
    ("es", "¡Qué bien! dijo ella. Luego se fue.", ["¡Qué bien! dijo ella.", "Luego se fue."]),
    ("es", "«¿Vienes?», preguntó Ana. No contesté.", ["«¿Vienes?», preguntó Ana.", "No contesté."]),
    ("es", "Dijo «Basta.», y se fue.", ["Dijo «Basta.», y se fue."]),
    # A capital after the question or exclamation is a new sentence, a new line of dialogue too.
    ("es", "—¿Vienes? —Sí, ahora voy.", ["—¿Vienes?", "—Sí, ahora voy."]),
    ("en", 'He asked: "Why?" She did not answer.', ['He asked: "Why?"', "She did not answer."]),
    ("es", "Dijo: “¿Por qué?” Nadie respondió.", ["Dijo: “¿Por qué?”", "Nadie respondió."]),
    ("en", "Stop! Then go.", ["Stop!", "Then go."]),
    ("es", "¿Qué hacer? a) Esto. b) Aquello.", ["¿Qué hacer?", "a) Esto.", "b) Aquello."]),
    # Clock times: "p. m." and "a. m." behave like "p.m.".
    ("es", "Llegaron a las 3 p. m. Después hablaron.", ["Llegaron a las 3 p. m.", "Después hablaron."]),
    ("es", "Llegaron a las 3 p.m. Después hablaron.", ["Llegaron a las 3 p.m.", "Después hablaron."]),
    ("en", "They met at 10 a. m. Delegations spoke.", ["They met at 10 a. m.", "Delegations spoke."]),
    ("es", "Llegó a las 10 a. m. del lunes.", ["Llegó a las 10 a. m. del lunes."]),
    ("es", "Véase, p. ej. el informe.", ["Véase, p. ej. el informe."]),
    # Ellipses: the same in both languages, a capital after them starts a sentence.
    ("en", "He waited... Then he left.", ["He waited...", "Then he left."]),
    ("es", "Esperó... Luego se fue.", ["Esperó...", "Luego se fue."]),
    ("en", "He waited… Then he left.", ["He waited…", "Then he left."]),
    ("es", "Esperó… Luego se fue.", ["Esperó…", "Luego se fue."]),
    ("en", "He waited... then he left.", ["He waited... then he left."]),
    ("es", "Esperó… luego se fue.", ["Esperó… luego se fue."]),
    ("es", "Esperó... «Luego» se fue.", ["Esperó...", "«Luego» se fue."]),
    ("es", "El Comité (...) Decide aprobar el texto.", ["El Comité (...) Decide aprobar el texto."]),
    ("es", "El Comité […] decide aprobar.", ["El Comité […] decide aprobar."]),
    ("es", "Esperó (...). Luego se fue.", ["Esperó (...).", "Luego se fue."]),
]


@pytest.mark.parametrize("lang, text, expected", DIALOGUE_CASES)
def test_dialogue_clock_times_and_ellipses(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_blank_line_is_a_boundary_and_single_newline_is_not():
    text = "Primera línea sin punto\n\nSegunda frase que sigue\ncon un salto de línea."
    assert split_sentences(text, "es") == [
        "Primera línea sin punto", "Segunda frase que sigue\ncon un salto de línea."]


def test_a_short_text_is_split_in_document_mode_too():
    assert [(s.kind, s.text) for s in segment_text("El Sr. Pérez llegó. Luego se fue.", "es")] == [
        (BODY, "El Sr. Pérez llegó."), (BODY, "Luego se fue.")]


def test_split_sentences_rejects_unknown_language():
    from alinea.align.errors import InputError

    with pytest.raises(InputError):
        split_sentences("Hallo. Welt.", "de")


# ------------------------------------------------------------ spans and structure

def test_spans_are_exact_slices_of_the_input():
    text = "  1. Primera frase.  Segunda, con el Sr. Pérez.\n\n(a) Tercera? Cuarta!  "
    spans = sentence_spans(text, "es")
    assert [text[s:e] for s, e in spans] == split_sentences(text, "es")
    assert [text[s:e] for s, e in spans] == [
        "1. Primera frase.", "Segunda, con el Sr. Pérez.", "(a) Tercera?", "Cuarta!"]
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))


def test_segment_sentences_know_block_number_kind_and_span(es_path):
    from alinea.align.read import read_document

    doc = normalize(read_document(es_path), "es")
    sentences = segment(doc, "es")
    assert [s.index for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert doc.text[s.start:s.end] == s.text
        block = doc.blocks[s.paragraph]
        assert block.start <= s.start < s.end <= block.end
        assert s.kind == block.kind and s.number == block.number
    para4 = [s for s in sentences if s.number == "4" and s.kind == BODY]
    assert para4[0].text.startswith("4. Varias oficinas del Departamento")
    assert len(para4) > 3 and len({s.paragraph for s in para4}) == 1
    kinds = {s.kind for s in sentences}
    assert kinds == {BODY, HEADING, CONTENTS, FOOTNOTE, HEADER}
    # Every numbered paragraph 1-55 is there, each starting with its number.
    numbers = [s.number for s in sentences if s.kind == BODY and s.number]
    assert sorted(set(numbers), key=int) == [str(n) for n in range(1, 56)]
    for n in range(1, 56):
        first = next(s for s in sentences if s.number == str(n))
        assert first.text.startswith(f"{n}. ")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a58_has_no_paragraph_number_split_off(lang, es_path, en_path):
    from alinea.align.read import read_document

    path = es_path if lang == "es" else en_path
    sentences = segment_text(read_document(path), lang)
    body = [s for s in sentences if s.kind == BODY]
    assert not [s.text for s in body if re.fullmatch(r"\(?\w{1,3}[.)]", s.text)]
    # A body sentence ends in final punctuation: no sentence was cut by a page break.
    assert not [s.text for s in body if s.text.rstrip("\"'»”)")[-1] not in ".:;?!"]


# ------------------------------------------------------------ lossless property

_ALPHABET = st.sampled_from(list(
    "aeiouAEIOU bcdnrstlBCDNRST  ..,,;:?!¿¡()\"«»“”'0123456789\n\n\t*-/^_<>ñáéÑ¹²³⁴°ºª…\u00a0\r"))
_PIECES = st.sampled_from([
    "Sr. ", "núm. ", "p. ej. ", "4. ", "(a) ", "1) ", "etc. ", "a.m. ", "**", "*", "<i>", "</i>",
    "¹", "^a", "\n\n", "-\n", "Índice\n\n", "Notas\n\n", "\tPágina\n", "A/58/98 ", "3,5 ",
    "Mr. ", "No. 5 ", "e.g. ", "U.S. ", ". ", "\x0c", "\ufeff", "—", "...", "·",
])
_TEXTS = st.lists(st.one_of(_ALPHABET, _PIECES), max_size=120).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, lang=st.sampled_from(["es", "en"]))
def test_segmentation_is_lossless_on_arbitrary_input(text, lang):
    """Every non-space character of Document.text is in exactly one sentence, in order."""
    doc = normalize(text, lang)
    sentences = segment(doc, lang)
    assert nonspace("".join(s.text for s in sentences)) == nonspace(doc.text)
    for s in sentences:
        assert doc.text[s.start:s.end] == s.text and s.text.strip() == s.text and s.text
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:]))


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS, lang=st.sampled_from(["es", "en"]))
def test_plain_splitting_is_lossless_on_arbitrary_input(text, lang):
    sentences = split_sentences(text, lang)
    assert nonspace("".join(sentences)) == nonspace(text)
    assert all(s and s == s.strip() for s in sentences)
