"""CAT-style fuzzy match percentages: word-based edit similarity with placeables.

A segment is cut into *words*, *numbers* and *punctuation* (:func:`tokenize`).
The match percentage of a memory segment against a new one is what CAT tools
print (OmegaT, Trados and memoQ compute it on words, not characters):

- **100** only when the two segments are identical (after whitespace is
  normalized);
- otherwise ``100 * (1 - d / n)`` where ``d`` is the word-level Levenshtein
  distance (inserting, deleting or replacing one word costs 1) between the two
  sequences of words and numbers, and ``n`` the length of the longer sequence.
  Words are compared case-folded; every number is the same token there
  ("placeable"), so a changed number does not cost a word;
- minus 1 point for each number that differs (``2003`` → ``2004``), each
  punctuation mark that differs (``,`` added, ``;`` → ``:``) and each word that
  differs only in case, at most :data:`MAX_PENALTY` points in all: a segment
  with the same words lands in the 95–99 band, where CAT tools put
  placeable-only differences;
- never above 99 unless identical, and cut down (floored) to a whole number,
  so that 94.9 is in the 85–94 band, as CAT analyses count.

Words are compared as single characters (:class:`Encoder`) so that rapidfuzz's
C Levenshtein works on word sequences at string speed.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

#: At most this many points are taken off for numbers, punctuation and case.
MAX_PENALTY = 4

# Numbers as UN texts write them: 1.000, 1,000.5, 3,5, 2003, 15.00, 56/203 is
# three tokens (56, /, 203). A word is letters, with inner apostrophes or hyphens
# (rights-based, d'Ivoire, ex-Yugoslavia); a letter-digit mix (COVID-19) is a word
# and a number.
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
    r"|(?P<punct>[^\w\s]|_)"
)
_WORD_OR_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_KEYS = re.compile(r"(\d+(?:[.,]\d+)*)|([^\W\d_]+(?:['’\-][^\W\d_]+)*)")
_NUMBER_KEY = "\x00#"
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Tokens:
    """A segment cut into what fuzzy matching compares."""

    text: str
    keys: tuple[str, ...]  # case-folded words and the number placeholder, in order
    words: tuple[str, ...]  # words as written
    numbers: tuple[str, ...]
    punctuation: tuple[str, ...]

    @property
    def word_count(self) -> int:
        """Words as CAT tools count them: words and numbers, not punctuation."""
        return len(self.keys)


def normalize_space(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def tokenize(text: str) -> Tokens:
    """Words, numbers and punctuation of ``text`` (NFC, whitespace normalized)."""
    text = normalize_space(text)
    found = _TOKEN.findall(text)  # (number, word, punctuation), one of them non-empty
    keys = tuple(word.casefold() if word else _NUMBER_KEY for number, word, mark in found if not mark)
    return Tokens(text, keys, tuple(w for _, w, _ in found if w), tuple(n for n, _, _ in found if n),
                  tuple(m for _, _, m in found if m))


def word_keys(text: str) -> list[str]:
    """Only the ``keys`` of :func:`tokenize` (case-folded words, numbers as one placeholder): the fast path."""
    return [word if word else _NUMBER_KEY for _, word in _KEYS.findall(text.casefold())]


def numbers_of(text: str) -> list[str]:
    """Only the ``numbers`` of :func:`tokenize` (a cheaper regex)."""
    return _NUMBERS.findall(text)


def word_count(text: str) -> int:
    """Words and numbers in ``text``, as CAT tools count them for an analysis."""
    return len(_WORD_OR_NUMBER.findall(text))


class Encoder:
    """Each distinct word key as one character, for rapidfuzz."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, keys) -> str:
        codes = self._codes
        return "".join([codes[key] if key in codes else self._add(key) for key in keys])

    def _add(self, key: str) -> str:
        code = self._codes[key] = _char(len(self._codes))
        return code


def _char(n: int) -> str:
    # Code points from U+10000 on: no surrogates, and over a million distinct
    # words before running out (they are only compared, never printed).
    return chr(0x10000 + n)


def _one_sided_difference(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many items of the larger side have no counterpart in the other (multisets)."""
    if a == b:
        return 0
    balance = Counter(a)
    balance.subtract(b)
    extra = sum(v for v in balance.values() if v > 0)
    missing = -sum(v for v in balance.values() if v < 0)
    return max(extra, missing)


def number_difference(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Numbers of one segment without their like in the other: 1 point each in :func:`penalty`."""
    return _one_sided_difference(a, b)


def penalty(query: Tokens, candidate: Tokens) -> int:
    """Points taken off for numbers, punctuation and case differences (capped)."""
    numbers = number_difference(query.numbers, candidate.numbers)
    marks = _one_sided_difference(query.punctuation, candidate.punctuation)
    case = 0
    if query.words != candidate.words:
        raw = _one_sided_difference(query.words, candidate.words)
        if raw:
            folded = _one_sided_difference(tuple(w.casefold() for w in query.words),
                                           tuple(w.casefold() for w in candidate.words))
            case = raw - folded
    return min(MAX_PENALTY, numbers + marks + case)


def word_similarity(query_codes: str, candidate_codes: str) -> float:
    """``100 * (1 - d / n)`` on encoded word sequences (rapidfuzz Levenshtein)."""
    from rapidfuzz.distance import Levenshtein

    return 100.0 * Levenshtein.normalized_similarity(query_codes, candidate_codes)


def final_score(query: Tokens, candidate: Tokens, similarity: float) -> int:
    """The match percentage from the word similarity: penalties, 99 cap, floor."""
    if query.text == candidate.text:
        return 100
    if not query.keys and not candidate.keys:
        # Punctuation only: compare the marks themselves.
        from rapidfuzz.distance import Levenshtein

        similarity = 100.0 * Levenshtein.normalized_similarity(query.punctuation, candidate.punctuation)
        return min(99, math.floor(similarity + 1e-9))
    score = similarity - penalty(query, candidate)
    return max(0, min(99, math.floor(score + 1e-9)))


def match_score(query: str | Tokens, candidate: str | Tokens) -> int:
    """The CAT-style match percentage (0-100) of ``candidate`` for the new segment ``query``."""
    q = query if isinstance(query, Tokens) else tokenize(query)
    c = candidate if isinstance(candidate, Tokens) else tokenize(candidate)
    encoder = Encoder()
    return final_score(q, c, word_similarity(encoder.encode(q.keys), encoder.encode(c.keys)))


#: The bands of a CAT analysis, highest first: (name, lowest score, highest score).
BANDS = (("100", 100, 100), ("95-99", 95, 99), ("85-94", 85, 94), ("75-84", 75, 84), ("50-74", 50, 74))
NO_MATCH = "no match"


def band_of(score: int | None) -> str:
    """The analysis band of a match percentage ("no match" under 50 or without a match)."""
    if score is not None:
        for name, low, high in BANDS:
            if low <= score <= high:
                return name
    return NO_MATCH


