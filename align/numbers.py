"""Numbers, percentages and document symbols as language-neutral tokens.

Spanish writes 1.000 / 3,5 / 175 000 where English writes 1,000 / 3.5 /
175,000; both come out as "1000", "3.5" and "175000". Document symbols
(A/56/329, ESA/P/WP.176) and resolution numbers (56/203) are kept verbatim.
Used by the aligner (shared numbers are evidence of a match) and by the
consistency check (a number on one side only is a finding).
"""
from __future__ import annotations

import re
from collections import Counter

# A symbol: slash-separated parts, at least one slash, e.g. A/56/329, 56/203,
# ST/ESA/SER.A/220, A/58/50/Rev.1.
SYMBOL = re.compile(r"(?<![\w/])(?:[A-Z][A-Za-z.]*|\d+)(?:/(?:[A-Z][A-Za-z.]*\d*|\d+(?:\.\d+)?))+(?![\w/])")
_NUMBER = {
    # thousands with "." or a (narrow) space, decimals with ","
    "es": re.compile(r"(?<![\w.,])(\d{1,3}(?:[.\u202f\u00a0 ]\d{3})+|\d+)(?:,(\d+))?(?![\d])"),
    # thousands with ",", decimals with "."
    "en": re.compile(r"(?<![\w.,])(\d{1,3}(?:[,\u202f\u00a0]\d{3})+|\d+)(?:\.(\d+))?(?![\d])"),
}
# (?<!\d): a match starts where a digit run starts (else a long run of digits is quadratic)
_ORDINAL = re.compile(r"(?<!\d)(\d+)\s?[°º](?!\s?C\b)")


def canonical_number(integer: str, fraction: str | None = None) -> str:
    digits = re.sub(r"\D", "", integer).lstrip("0") or "0"
    if fraction and fraction.strip("0"):
        return f"{digits}.{fraction.rstrip('0')}"
    return digits


def symbols(text: str) -> list[str]:
    """Document symbols and resolution numbers, verbatim (trailing dot dropped)."""
    return [m.group(0).rstrip(".") for m in SYMBOL.finditer(text)]


def numbers(text: str, lang: str) -> list[str]:
    """Canonical numbers outside symbols, in order of appearance."""
    lang = "es" if lang.startswith("es") else "en"
    text = SYMBOL.sub(" ", text)
    text = _ORDINAL.sub(r"\1", text)
    return [canonical_number(m.group(1), m.group(2)) for m in _NUMBER[lang].finditer(text)]


def numeric_tokens(text: str, lang: str) -> Counter:
    """The multiset of symbols and canonical numbers in ``text``."""
    return Counter(symbols(text)) + Counter(numbers(text, lang))


# A number followed by a percent sign or the words for it ("3,5 %", "3 por ciento",
# "3.5 per cent", "3 percent"); the number part is matched by _NUMBER.
_PERCENT_AFTER = re.compile(r"\s?(?:%|por\s+ciento\b|per\s?cent\b)", re.IGNORECASE)


def percentages(text: str, lang: str) -> list[str]:
    """Canonical percentages ("3.5%") in ``text``, whichever way they are written.

    Lets the consistency check tell "3%" from a plain "3" without changing
    what :func:`numeric_tokens` returns.
    """
    lang = "es" if lang.startswith("es") else "en"
    text = SYMBOL.sub(" ", text)
    return [canonical_number(m.group(1), m.group(2)) + "%"
            for m in _NUMBER[lang].finditer(text) if _PERCENT_AFTER.match(text, m.end())]


# Scale words after a number: "80.000 millones" is "80 billion" is 80000000000.
_SCALE_AFTER = {
    "es": [(re.compile(r"\s(?:mil\s+millones)\b", re.IGNORECASE), 10**9),
           (re.compile(r"\s(?:millones|millón)\b", re.IGNORECASE), 10**6),
           (re.compile(r"\s(?:billones|billón)\b", re.IGNORECASE), 10**12),
           (re.compile(r"\smil\b", re.IGNORECASE), 10**3)],
    "en": [(re.compile(r"\s(?:billion)s?\b", re.IGNORECASE), 10**9),
           (re.compile(r"\s(?:million)s?\b", re.IGNORECASE), 10**6),
           (re.compile(r"\s(?:trillion)s?\b", re.IGNORECASE), 10**12),
           (re.compile(r"\sthousands?\b", re.IGNORECASE), 10**3)],
}


def scaled_numbers(text: str, lang: str) -> list[tuple[str, str]]:
    """(canonical number, its value with the scale word) for numbers followed by million/billion.

    "3,5 millones" gives ("3.5", "3500000"); lets the consistency check accept
    "80.000 millones" for "80 billion" without changing :func:`numeric_tokens`.
    """
    from decimal import Decimal

    lang = "es" if lang.startswith("es") else "en"
    text = SYMBOL.sub(" ", text)
    out = []
    for m in _NUMBER[lang].finditer(text):
        for pattern, scale in _SCALE_AFTER[lang]:
            if pattern.match(text, m.end()):
                token = canonical_number(m.group(1), m.group(2))
                value = Decimal(token) * scale
                out.append((token, canonical_number(str(int(value))) if value == int(value) else str(value)))
                break
    return out


# A UN sales number: the edition's language prefix (E. English, S. Spanish, F., R., C., A., M.
# multilingual, E/F. bilingual, GV.E. Geneva), the year, the subject category in roman numerals
# (0 at Geneva), an optional sub-category letter and a serial: "Sales No. E.03.XIII.4", "número
# de venta: S.98.XVII.14". Each language version cites its own edition, and Spanish texts often
# leave the prefix out ("03.XIII.4"), so the number without the prefix is what identifies it.
SALES_NUMBER = re.compile(r"(?<![\w./])(?:(?:GV\.)?[A-Z](?:/[A-Z])*\.)?"
                          r"(\d{2}\.(?:[IVXL]+|0)(?:\.[A-Z])?\.\d+)(?![\w/]|\.\d)")


def sales_numbers(text: str) -> list[str]:
    """UN sales numbers in ``text`` without their language prefix ("03.XIII.4" for "E.03.XIII.4").

    Additive, like :func:`percentages`: :func:`numeric_tokens` is unchanged.
    """
    return [m.group(1) for m in SALES_NUMBER.finditer(text)]
