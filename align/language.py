"""Spanish or English? The one guesser alinea uses, by function-word counts.

The pipeline asks it whether the Spanish document is Spanish and the English
one English (swapped files, the same language twice), and the consistency
check whether an English segment is still Spanish. Both count the same words:
frequent function words of one language that are not words of the other
("a", "no" and "un", the United Nations' acronym once lower-cased, are left
out for that reason). Short texts give no answer rather than a guess.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

#: Function words of each language; none is a word of the other.
FUNCTION_WORDS = {
    "es": frozenset("""el la los las de del que y en por para con una se su sus al como más sobre entre
        este esta estos estas es ha han fue lo también pero según desde hasta cuando donde otros otras
        todos países""".split()),
    "en": frozenset("""the of and to in is that for on with as by are be this which from at its was were
        has have been an or it their not will should would also these other""".split()),
}
#: Function words a document must have before :func:`guess_language` answers.
MIN_DOCUMENT_WORDS = 20
_WORD = re.compile(r"[^\W\d_]+")


def function_word_counts(text: str) -> dict[str, int]:
    """How many of ``text``'s words are Spanish and English function words: ``{"es": 5, "en": 0}``."""
    found = Counter(_WORD.findall(text.lower()))
    return {lang: sum(found[word] for word in words if word in found) for lang, words in FUNCTION_WORDS.items()}


def guess_language(texts: Iterable[str] | Iterable[object]) -> str | None:
    """"es" or "en" for a document (its sentences: strings or objects with ``.text``), by
    function-word counts; None when it has fewer than :data:`MIN_DOCUMENT_WORDS` of them."""
    # One pass over the whole document (no word spans the line breaks that join its sentences).
    totals = function_word_counts("\n".join(item if isinstance(item, str) else item.text for item in texts))
    if sum(totals.values()) < MIN_DOCUMENT_WORDS:
        return None
    return max(totals, key=totals.get)


def looks_spanish(text: str) -> bool:
    """Whether one segment reads as Spanish rather than English: at least 4 words, 3 Spanish
    function words, and more than twice as many Spanish as English ones."""
    if len(_WORD.findall(text)) < 4:
        return False
    counts = function_word_counts(text)
    return counts["es"] >= 3 and counts["es"] > 2 * counts["en"]
