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
from typing import NamedTuple

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


# ---------------------------------------------------------------------------- numbers in words

def _fold(text: str) -> str:
    return text.lower().translate(str.maketrans("áéíóúü", "aeiouu"))


_ES_WORD_VALUES = {
    "cero": 0, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiuna": 21,
    "veintiun": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
    "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100,
    "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300, "cuatrocientos": 400,
    "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600, "seiscientas": 600,
    "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800, "novecientos": 900,
    "novecientas": 900,
}
_EN_WORD_VALUES = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
#: Words that are 1 only inside a larger number ("un millón", "a thousand", "ciento uno"); alone they
#: are articles or pronouns.
_ONE = {"es": {"un", "una", "uno"}, "en": {"a", "one"}}
_SCALES = {
    "es": {"mil": 10**3, "millon": 10**6, "millones": 10**6, "billon": 10**12, "billones": 10**12},
    "en": {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12},
}
#: Joining words inside a number: "treinta y tres", "one hundred and twenty".
_JOINERS = {"es": {"y"}, "en": {"and"}}
#: Words after a number that make it an ordinal or a fraction, not a count.
_NOT_CARDINAL = {
    "es": {"tercio", "tercios", "medio", "medios", "avo", "avos"} | {
        stem + ending for stem in ("tercer", "cuart", "quint", "sext", "septim", "octav", "noven", "decim",
                                   "centesim", "milesim") for ending in ("o", "os", "a", "as")},
    "en": {"first", "second", "third", "thirds", "fourth", "fourths", "fifth", "fifths", "sixth", "sixths",
           "seventh", "sevenths", "eighth", "eighths", "ninth", "ninths", "tenth", "tenths", "half", "halves",
           "quarter", "quarters", "hundredth", "hundredths", "thousandth", "thousandths", "millionth"},
}
_WORD_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGIT_BEFORE = re.compile(r"\d\s*$")
#: Words for "the two": they match a 2 on the other side ("ambos organismos", "the two agencies").
_BOTH = {"es": {"ambos", "ambas"}, "en": {"both"}}


class NumberWord(NamedTuple):
    """A number written in words: its text, its value, and whether it says a count by itself.

    ``certain`` is False for words that match a number but need not be one
    ("ambos"/"both" for 2, a number in a hyphenated adjective such as
    "three-year", which Spanish may say "trienal"): they excuse the other
    side's number, and are not findings of their own.
    """

    text: str
    value: int
    certain: bool = True


def number_words(text: str, lang: str) -> list[NumberWord]:
    """Numbers written in words, with their values: ``dos millones`` 2000000, ``veinticinco`` 25.

    Spanish and English cardinals up to the billions ("tres mil doscientos",
    "one hundred and twenty", "twenty-five", "a million", "mil millones"), and
    Ordinals and fractions ("Fifty-ninth", "dos tercios") are not numbers here,
    nor is a lone "un"/"una"/"one"/"a" (an article or a pronoun), a bare plural
    scale ("millones de personas", "thousands") or a scale word after digits
    ("100 mil", which :func:`scaled_numbers` reads). "ambos"/"both" and a
    number in a hyphenated adjective ("two-State solution", "three-year
    programme", Spanish "biestatal", "trienal") are uncertain (``certain`` False).
    """
    lang = "es" if lang.startswith("es") else "en"
    values = _ES_WORD_VALUES if lang == "es" else _EN_WORD_VALUES
    scales, ones, joiners = _SCALES[lang], _ONE[lang], _JOINERS[lang]
    words = [(m.group(0), _fold(m.group(0)), m.start(), m.end()) for m in _WORD_TOKEN.finditer(text)]
    found: list[NumberWord] = []
    i = 0
    while i < len(words):
        start = i
        total = current = 0
        counted = False  # a word with a value of its own (not only "un", "a", a joiner or a scale)
        top_scale = 1
        last = i - 1
        j = i
        while j < len(words):
            word = words[j][1]
            gap = text[words[j - 1][3]:words[j][2]] if j > i else ""
            if j > i and gap.strip() not in ("", "-"):
                break  # punctuation between words ends a number
            if word in values:
                value = values[word]
                # after hundreds anything under 100, after tens a unit: "ciento treinta y dos"
                if current % 100 == 0 and value < 100 or current % 10 == 0 and value < 10:
                    current += value
                elif current == 0:
                    current = value
                else:
                    break  # "dos tres", "veinte treinta": two numbers, not one
                counted, last = True, j
            elif word in ones:
                nxt = words[j + 1][1] if j + 1 < len(words) else ""
                if nxt in scales or (current >= 100 and current % 100 == 0):  # "un millón", "ciento uno"
                    current += 1
                    last = j
                else:
                    break
            elif word in scales:
                scale = scales[word]
                if current == 0 and total == 0 and word != "mil":
                    break  # "millones de personas", "thousands": no count ("mil" alone is 1000)
                if lang == "en" and scale == 100:
                    if current == 0 or current % 100 == 0:
                        break  # "hundred" needs a count under 100 before it
                    current *= 100
                else:
                    count = current if current or total else 1
                    if scale > top_scale:
                        total, top_scale = (total + count) * scale, scale
                    else:
                        total += count * scale
                    current = 0
                counted = counted or word == "mil"
                last = j
            elif word in joiners and j > i and j + 1 < len(words) and words[j + 1][1] in (*values, *ones):
                pass  # "treinta y tres", "hundred and five"
            else:
                break
            j += 1
        value = total + current
        if last >= start and (counted or total or value > 1):
            after = words[last + 1][1] if last + 1 < len(words) else ""
            begin, end = words[start][2], words[last][3]
            if not (after in _NOT_CARDINAL[lang]  # "Fifty-ninth", "two thirds", "dos tercios"
                    or _DIGIT_BEFORE.search(text, 0, begin) and words[start][1] in scales):  # "100 mil"
                # "two-State solution", "three-year": an adjective, often one word in the other language
                found.append(NumberWord(text[begin:end], value, text[end:end + 1] != "-"))
            i = last + 1
        elif j < len(words) and words[j][1] in _BOTH[lang]:
            found.append(NumberWord(words[j][0], 2, False))
            i = j + 1
        else:
            i += 1
    return found


# ---------------------------------------------------------------------------- months in dates

_ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre"]
_EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
_ES_MONTH = "|".join(_ES_MONTHS + ["setiembre"])
_EN_MONTH = "|".join(_EN_MONTHS + ["Sept?"] + [m[:3] for m in _EN_MONTHS if len(m) > 3])
# A month name next to a day or a year: "1° de julio", "julio de 2003", "1 July", "July 1, 2003", "July 2003".
_DATE_MONTH = {
    "es": re.compile(rf"(?:\b\d{{1,2}}\s*[°º]?\s+de\s+|\bprimero\s+de\s+)({_ES_MONTH})\b|"
                     rf"\b({_ES_MONTH})\s+(?:de\s+|del\s+)?\d{{4}}\b",
                     re.IGNORECASE),
    # English month names are capitalized: "May" is a month, "may" a verb.
    "en": re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH})\.?(?![\w])|"
                     rf"\b({_EN_MONTH})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{4}}\b)"),
}


def date_months(text: str, lang: str) -> list[int]:
    """The months (1-12) of the dates in ``text``: month names next to a day or a year
    ("1° de julio de 2003", "julio de 2003", "1 July 2003", "July 1, 2003", "Sept. 2003")."""
    lang = "es" if lang.startswith("es") else "en"
    months = []
    for match in _DATE_MONTH[lang].finditer(text):
        name = (match.group(1) or match.group(2)).lower()
        if lang == "es":
            months.append(9 if name == "setiembre" else _ES_MONTHS.index(name) + 1)
        else:
            months.append(next(n for n, month in enumerate(_EN_MONTHS, start=1) if month.lower().startswith(name[:3])))
    return months


def month_name(month: int, lang: str) -> str:
    return (_ES_MONTHS if lang.startswith("es") else _EN_MONTHS)[month - 1]
