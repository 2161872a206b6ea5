"""Bilingual resources written by the team: UN bodies and acronyms.

The table lives in ``resources/un_bodies.tsv`` (Spanish acronym, English
acronym, English name). The aligner uses it as lexical evidence and the
consistency check to flag bodies that do not correspond.
"""
from __future__ import annotations

import re
from functools import cache

from .utils import resource_rows


@cache
def un_bodies() -> tuple[tuple[str, str, str], ...]:
    """(es, en, English name) rows of the UN bodies table."""
    return tuple(resource_rows("un_bodies.tsv", 3))


@cache
def acronym_map(direction: str = "es-en") -> dict[str, frozenset[str]]:
    """Acronym -> the acronyms it may correspond to on the other side."""
    out: dict[str, set[str]] = {}
    for es, en, _ in un_bodies():
        key, value = (es, en) if direction == "es-en" else (en, es)
        out.setdefault(key, set()).add(value)
    return {k: frozenset(v) for k, v in out.items()}


def _acronym_pattern(words) -> re.Pattern:
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![\w-])")


@cache
def _pattern(lang: str) -> re.Pattern:
    return _acronym_pattern({row[0 if lang == "es" else 1] for row in un_bodies()})


def acronyms(text: str, lang: str) -> list[str]:
    """Acronyms of the table that occur in ``text`` (case-sensitive, whole words)."""
    return _pattern("es" if lang.startswith("es") else "en").findall(text)
