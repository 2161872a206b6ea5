"""The segmenter as it was before the fast path: the reference for tests/test_segment_fast.py.

NLTK's own ``PunktSentenceTokenizer.span_tokenize`` proposes the boundaries and
the UN rules are applied one boundary at a time, exactly as alinea 0.2 did,
with the rules the acceptance review asked for written here in their plain
form too (dialogue after ``?``/``!``/``…``, a comma after a quotation, clock
times spelt "p. m.", ellipses, cuts never before a closing quote).
The fast path in ``alinea.align.segment`` must give the same cuts on every
text; this module is test code, not installed. It reads the word lists from
the package, so the two cannot drift apart on data, only on logic.
"""
from __future__ import annotations

import re
from functools import cache

from nltk.tokenize.punkt import PunktSentenceTokenizer

from alinea.align.segment import (
    CLOCK_ABBREVIATIONS,
    NON_FINAL_ABBREVIATIONS,
    NUMBER_ABBREVIATIONS,
    NUMBER_WORDS,
    SOFT_ABBREVIATIONS,
    STARTERS,
    punkt_parameters,
)

_ENUMERATOR = re.compile(
    r"""^(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z]|[IVXLC]{1,6})[.)]
         |\((?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z])\)
         |[•·▪◦\-–—*])$""",
    re.X,
)
# The word before a candidate boundary (its trailing period included).
_LAST_WORD = re.compile(r"(\S+)\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_OPENERS = "\"'«“‘([¿¡"
_DASHES = "—–-"
_CLOSERS = "\"'»”’)]"
_ROMAN = re.compile(r"^[IVXLC]+\b")
# "horas 1." at a cut: a lower-case word, then a paragraph number and its period.
_INLINE_NUMBER = re.compile(r"(?<!\S)(?P<word>[a-záéíóúñü]+)\s+(?P<number>[1-9]\d{0,2}\.)$")


@cache
def _tokenizer(lang: str) -> PunktSentenceTokenizer:
    return PunktSentenceTokenizer(punkt_parameters(lang))


def _abbreviation(word: str) -> str:
    """Punkt's type for a word that ends in a period: "Sr." -> "sr"."""
    return word.lstrip(_OPENERS).rstrip(".").lower()


def _word_before(text: str, end: int) -> tuple[str, int] | None:
    """The last word of ``text[:end]`` and its start offset.

    Searched in a short window so that a long paragraph stays linear time.
    """
    start = max(0, end - 120)
    match = _LAST_WORD.search(text[start:end])
    return (match.group(1), start + match.start()) if match else None


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
    match = re.match(r"\s*(\S+)", text)
    return match.group(1) if match else ""


def _is_enumerator(sentence: str) -> bool:
    return bool(_ENUMERATOR.match(sentence.strip()))


def _note_letter(text: str) -> bool:
    """Whether ``text`` opens with a table-note letter: "a Represents ..."."""
    return bool(re.match(r"\s*[a-z]\s+[A-ZÁÉÍÓÚÑ]", text))


def _keeps_boundary(text: str, cut: int, lang: str) -> bool:
    """Whether a boundary Punkt proposed at ``cut`` survives the UN rules."""
    # Short windows around the cut keep long paragraphs linear in time.
    left, right = text[max(0, cut - 20):cut], text[cut:cut + 120]
    # A comma, semicolon or colon after final punctuation (closing quotes between) continues it.
    if re.match(r"[\"'»”’)\]]*\s*(?:[,;]|:(?!:))", right):
        return False
    final = re.sub(r"[\"'»”’)\]]+$", "", left.rstrip())
    if not final.endswith("."):
        if final[-1:] in ("?", "!", "…"):
            # Dialogue: a lower-case word after the question or exclamation (a dash may open it).
            nxt = _first_word(re.sub(r"^[\"'»”’)\]]+", "", right))
            bare = re.sub(r"^[\"'«“‘(\[¿¡—–-]+", "", nxt)
            return not (bare[:1].islower() and not _is_enumerator(nxt) and not _note_letter(right))
        return True
    word = _word_before(text, cut)[0]
    nxt = _first_word(right)
    if not nxt:
        return True
    pair = _tail(text, cut)
    single = _abbreviation(word)
    names = {single, pair}
    if names & NON_FINAL_ABBREVIATIONS[lang]:
        return False
    # UN sentences start in upper case; what follows a period in lower case
    # continues the sentence, unless it is an enumerator ("b)") or a table
    # note letter ("a Includes ...").
    bare = nxt.lstrip(_OPENERS)
    if bare[:1].islower() and not _is_enumerator(nxt) and not _note_letter(right):
        return False
    # "No. 5", "párr. 4", "Sales No. E.98.XVII.14", "cap. IV", "art. (a)"
    starts_number = any(c.isdigit() for c in nxt) or nxt[0] in "([" or bool(_ROMAN.match(nxt))
    if names & NUMBER_ABBREVIATIONS[lang] and starts_number:
        return False
    return True


def _missing_boundary(text: str, end: int, lang: str) -> bool:
    """Whether the period ending at ``end`` ends a sentence Punkt ran on through.

    Only periods of soft abbreviations are candidates; they end a sentence
    when a paragraph number, or a capitalised sentence starter, follows, and
    a clock abbreviation after a time ("at 10 a.m.") when any capitalised
    word follows (inside a sentence the time is followed by lower case).
    """
    words = text[end:end + 200].split(None, 2)
    if not words:
        return False
    nxt = words[0].lstrip(_OPENERS)
    last, last_start = _word_before(text, end)
    names = {_abbreviation(last), _tail(text, end)}
    if not names & SOFT_ABBREVIATIONS[lang]:
        return False
    if _is_enumerator(words[0]) and len(words) > 1 and words[1].lstrip(_OPENERS)[:1].isupper():
        return True
    if not nxt or not nxt[0].isupper():
        return False
    if names & CLOCK_ABBREVIATIONS:
        # The time is before the clock abbreviation, before its first word when it has two ("3 p. m.").
        start = last_start
        if _tail(text, end) in CLOCK_ABBREVIATIONS and " " in _tail(text, end):
            start = _word_before(text, last_start)[1]
        if re.search(r"\d\s*$", text[max(0, start - 20):start]):
            return True
    word = re.sub(r"\W+$", "", nxt).lower()
    return word in STARTERS[lang] or word in punkt_parameters(lang).sent_starters


def _before_paragraph_number(text: str, cut: int, lang: str) -> int:
    """Where a cut right after an inline paragraph number really belongs.

    "... a las 10.00 horas 1. Acoge ..." is a line that runs into the next
    numbered paragraph: the boundary goes before "1.", which opens the
    sentence. Only a 1-3 digit number after a lower-case word counts, and not
    after a word that takes a number ("párrafo 12.", "item 44.", "eran 111.").
    """
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
    cuts = []
    for _start, end in spans[:-1]:
        # Never a cut before a closing quote or bracket: it closes the sentence before.
        while end < len(text) and (text[end] in "»”)]" or text[end] in "\"'’" and text[end + 1:end + 2].strip() == ""):
            end += 1
        cuts.append(end)
    kept_by_rules = {cut for cut in cuts if cut < len(text) and _keeps_boundary(text, cut, lang)}
    # Periods after soft abbreviations that Punkt ran on through.
    for match in re.finditer(r"\.(?=\s+\S)", text):
        end = match.end()
        if end not in kept_by_rules and _missing_boundary(text, end, lang):
            kept_by_rules.add(end)
    # An ellipsis before a capitalised word ends a sentence; one in brackets is an omission mark.
    for match in re.finditer(r"(?<![(\[])(?:\.\.\.+|…)[\"'»”’)\]]*(?=\s+[\"'«“‘(\[¿¡—–-]*(\w))", text):
        before = _word_before(text, match.start())
        if match.group(1).isupper() and not (before and _abbreviation(before[0]) in NON_FINAL_ABBREVIATIONS[lang]):
            kept_by_rules.add(match.end())
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


def reference_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of plain ``text``, in order.

    Each span is trimmed of surrounding whitespace; the spans do not overlap
    and together cover every non-space character of ``text``. A blank line is
    always a boundary. No cleaning is done: see :func:`segment_text` for that.
    """
    cuts: list[int] = []
    start = 0
    for match in list(_PARAGRAPH_BREAK.finditer(text)) + [None]:
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
        if piece.strip():
            left = previous + len(piece) - len(piece.lstrip())
            right = cut - (len(piece) - len(piece.rstrip()))
            spans.append((left, right))
        previous = cut
    return spans


