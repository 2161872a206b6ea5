"""alinea's properties of a translation unit: one set of rules, read in one place.

alinea writes ``x-bead``, ``x-score``, ``x-kind``, ``x-paragraph`` and
``x-document`` on every unit (:mod:`alinea.tmx.writer`); a bead table carries
them in its ``type``/``src_ids``/``tgt_ids``, ``score`` and ``kind`` columns.
Every command that reads them — ``report``, ``review``, ``tmx stats``,
``tmx filter``, ``tmx convert`` (both ways), ``score`` with a TMX or table
reference — goes through :class:`alinea.tmx.reader.TranslationUnit`, which
applies these rules, so they accept and refuse the same values; ``tmx
validate`` reports exactly those values as warnings (the TMX is still valid
TMX 1.4: a ``<prop>``'s text is free, these are alinea's conventions).
(``tm import`` reads x-bead's form through the same class, and x-score its
own lenient way.)

``x-bead``
    ``M-N``: how many source and target sentences the unit joins, as alinea
    writes them — the aligner's 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3, and
    larger beads merged in the review editor. M and N are whole numbers, not
    both 0; a side is 0 exactly when it has no text (a side without text
    with M > 0 is a unit missing that language, which readers skip and
    count); and a side joins at most as many sentences as it has words,
    since alinea joins sentences with a space.
``x-score``
    The alignment confidence: a number between 0 and 1 (not NaN).
``x-kind``
    body, heading, contents, footnote or header; another value reads as body
    (``tmx validate`` warns).
"""
from __future__ import annotations

import math
import re

from alinea.align.model import UNIT_KINDS
from alinea.align.utils import base_lang

_BEAD = re.compile(r"^(\d{1,6})-(\d{1,6})$")
#: Header properties counting the sentences left out of a file, by language: ``x-unaligned-es``.
LEFT_OUT_PREFIX = "x-unaligned-"


def left_out_prop(lang: str) -> str:
    """The header property counting the sentences in ``lang`` left out of the file: ``x-unaligned-es``."""
    return LEFT_OUT_PREFIX + base_lang(lang)


#: The properties commands refuse when their value breaks the rules.
CHECKED = ("x-bead", "x-score")


def bead_numbers(value: str) -> tuple[int, int] | None:
    """``(M, N)`` of an ``M-N`` bead type, or None when ``value`` is not one (``banana``, ``0-0``, ``1-1-1``)."""
    match = _BEAD.match(value.strip())
    if not match:
        return None
    numbers = int(match.group(1)), int(match.group(2))
    return numbers if any(numbers) else None


def bead_problem(value: str, src: str | None, tgt: str | None, src_lang: str = "es",
                 tgt_lang: str = "en") -> str | None:
    """Why x-bead ``value`` cannot be right for a unit whose two sides are ``src`` and ``tgt``
    (None or "" for a side without text); None when it is right."""
    numbers = bead_numbers(value)
    if numbers is None:
        return (f"x-bead {value!r} is not a bead type (M-N: the sentences each side joins, such as "
                "1-1, 2-1 or 1-0)")
    for count, text, lang in ((numbers[0], src, src_lang), (numbers[1], tgt, tgt_lang)):
        words = len(text.split()) if text else 0
        if count == 0 and words:
            return f"x-bead {value!r} says the {lang} side is empty, but it has text"
        if words and count > words:
            return (f"x-bead {value!r} joins {count} {lang} sentences, but the {lang} side has "
                    f"{words} word{'s' if words > 1 else ''}")
    return None


def score_problem(value: str) -> str | None:
    """Why x-score ``value`` is not a confidence between 0 and 1; None when it is."""
    try:
        score = float(value)
    except ValueError:
        score = math.nan
    if not 0.0 <= score <= 1.0:  # NaN fails too
        return f"x-score {value!r} is not a confidence between 0 and 1"
    return None


def kind_problem(value: str) -> str | None:
    """Why x-kind ``value`` is not one of alinea's kinds of text (it then reads as body); None when it is."""
    if value in UNIT_KINDS:
        return None
    return f"x-kind {value!r} is not one of {', '.join(UNIT_KINDS)}: alinea reads it as body"
