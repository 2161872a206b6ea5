"""Translation-consistency check: where a Spanish–English bitext is inconsistent.

Each check is a small class with a ``name``, a ``severity`` ("error" gates a
pipeline, "warning" only informs) and a one-line ``description``. Checks look
at :class:`Segment` values (one bead: its location and both texts) and yield
:class:`Finding` values. :func:`check_bitext` runs the default set.

Formal checks (brackets, end punctuation, double spaces, quotes …) are
translate-toolkit's own ``translate.filters.checks`` methods, run one by one on
each source/target pair; alinea only adapts Spanish typography first.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import ClassVar

from alinea.align.errors import InputError
from alinea.align.language import function_word_counts, looks_spanish
from alinea.align.lexicon import acronym_map, acronyms, un_bodies
from alinea.align.model import BODY, CONTENTS, Bitext
from alinea.align.numbers import (
    SALES_NUMBER,
    date_months,
    month_name,
    number_words,
    numeric_tokens,
    percentages,
    sales_numbers,
    scaled_numbers,
)
from alinea.align.utils import atomic_write

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


# --------------------------------------------------------------------------- values

@dataclass(frozen=True)
class Segment:
    """One bead as the checks see it."""

    number: int  # 1-based position in the bitext (the order of the TMX units)
    tuid: str  # the TMX tuid when known, else the position
    paragraph: str  # UN paragraph number, "" when unknown
    source: str
    target: str
    kind: str = BODY  # what the text is: body, heading, contents, footnote, header (x-kind)
    other: str = ""  # the unit's other languages, when it has no text in these two ("fr-FR")

    @property
    def location(self) -> str:
        where = f"tuid {self.tuid}"
        return f"{where}, ¶ {self.paragraph}" if self.paragraph else where

    def to_dict(self) -> dict:
        return {"tuid": self.tuid, "bead": self.number, "paragraph": self.paragraph,
                "source": self.source, "target": self.target}


@dataclass(frozen=True)
class Finding:
    """One problem: which check, how serious, where, and why in one line."""

    check: str
    severity: str
    message: str
    segment: Segment
    #: other segments involved (e.g. the other translations of the same source)
    related: tuple[Segment, ...] = ()

    def to_dict(self) -> dict:
        return {"check": self.check, "severity": self.severity, "message": self.message,
                "location": {"tuid": self.segment.tuid, "bead": self.segment.number,
                             "paragraph": self.segment.paragraph},
                "source": self.segment.source, "target": self.segment.target,
                "related": [s.to_dict() for s in self.related]}


@dataclass(frozen=True)
class Term:
    """A glossary entry: a Spanish term and the English term(s) it requires."""

    source: str
    targets: tuple[str, ...]


def _norm(text: str) -> str:
    return " ".join(text.split())


def segments_of(bitext: Bitext) -> list[Segment]:
    """The beads of ``bitext`` as segments.

    The tuid is the bead number, which is the tuid ``alinea align -o`` writes
    for that bead; :func:`load_segments` keeps a TMX file's own tuids.
    """
    return [Segment(n, str(n), bitext.paragraph_number(bead) or "", _norm(src), _norm(tgt),
                    bitext.unit_kind(bead)) for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1)]


# --------------------------------------------------------------------------- checks

class Check:
    """A named check over all segments of a bitext."""

    #: set by each check class; a ToolkitCheck names itself after its filter
    name: str = ""
    severity: ClassVar[str] = WARNING
    #: set by each check class; a ToolkitCheck sets its own per instance
    description: str = ""

    def run(self, segments: Sequence[Segment]) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, message: str, segment: Segment, related: Iterable[Segment] = ()) -> Finding:
        return Finding(self.name, self.severity, message, segment, tuple(related))


#: Segments longer than this (characters, either side) are left out of the pair checks,
#: whose regular expressions take seconds on one long run of characters; "too-long" says so.
MAX_CHECK_CHARS = 5000


def _checkable(segment: Segment) -> bool:
    return bool(segment.source and segment.target) and \
        max(len(segment.source), len(segment.target)) <= MAX_CHECK_CHARS


class PairCheck(Check):
    """A check that looks at one source/target pair at a time (both sides non-empty, not too long)."""

    def run(self, segments: Sequence[Segment]) -> Iterator[Finding]:
        for segment in segments:
            if _checkable(segment):
                for message in self.problems(*self.texts(segment)):
                    yield self.finding(message, segment)

    def texts(self, segment: Segment) -> tuple[str, str]:
        """The source and target text this check compares (a check may leave out what its kind of text adds)."""
        return segment.source, segment.target

    def problems(self, source: str, target: str) -> Iterator[str]:
        raise NotImplementedError


def _has_words(text: str) -> bool:
    return re.search(r"[^\W\d_]{3,}", text) is not None


def _quote(text: str, limit: int = 60) -> str:
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def _divergent_groups(segments, key: str, value: str):
    """Groups of segments equal on side ``key`` whose side ``value`` differs.

    Yields (group, number of distinct values, the segments that differ from the first).
    """
    groups: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
        if s.source and s.target and _has_words(getattr(s, key)):
            groups[getattr(s, key)].append(s)
    for group in groups.values():
        variants = {getattr(s, value) for s in group}
        if len(variants) > 1:
            first = getattr(group[0], value)
            yield group, len(variants), [s for s in group[1:] if getattr(s, value) != first]


class TooLong(Check):
    name = "too-long"
    severity = WARNING
    description = (f"A segment longer than {MAX_CHECK_CHARS:,} characters: left out of the checks that "
                   "compare the two sides (a whole document in one cell?).")

    def run(self, segments):
        for segment in segments:
            longest = max(len(segment.source), len(segment.target))
            if longest > MAX_CHECK_CHARS:
                yield self.finding(f"{longest:,} characters: not compared (the checks stop at "
                                   f"{MAX_CHECK_CHARS:,})", segment)


class InconsistentTranslation(Check):
    name = "inconsistent-translation"
    severity = WARNING
    description = "The same Spanish segment is translated differently in different places."

    def run(self, segments):
        for group, variants, others in _divergent_groups(segments, "source", "target"):
            yield self.finding(f"translated {variants} different ways in {len(group)} places",
                               group[0], others)


class InconsistentSource(Check):
    name = "inconsistent-source"
    severity = WARNING
    description = "The same English segment comes from different Spanish segments."

    def run(self, segments):
        for group, variants, others in _divergent_groups(segments, "target", "source"):
            yield self.finding(f"the same English comes from {variants} different Spanish "
                               f"segments in {len(group)} places", group[0], others)


# Numbers under 100 are often spelled out on one side ("dos países" / "2 countries",
# "59º período de sesiones" / "Fifty-ninth session"): cardinals and ordinals in words.
_EN_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
            "fifteen sixteen seventeen eighteen nineteen".split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_ORDINAL_UNITS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh " \
                    "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
# ("un", "una" left out: as articles they would excuse any missing 1)
_ES_UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
             "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
             "diecinueve", "veinte", "veintiuno|veintiuna", "veintidós", "veintitrés",
             "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"]
_ES_TENS = "_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_ES_ORDINAL_UNITS = ["", "primer[oa]?", "segund[oa]", "tercer[oa]?", "cuart[oa]", "quint[oa]", "sext[oa]",
                     "séptim[oa]", "octav[oa]", "noven[oa]"]
_ES_ORDINAL_TENS = ["", "décim[oa]", "vigésim[oa]", "trigésim[oa]", "cuadragésim[oa]", "quincuagésim[oa]",
                    "sexagésim[oa]", "septuagésim[oa]", "octogésim[oa]", "nonagésim[oa]"]


def _number_words(n: int, lang: str) -> str:
    """A regex for ``n`` (0-99) written in words, as a cardinal or an ordinal."""
    tens, units = divmod(n, 10)
    if lang == "en":
        if n < 20:
            cardinal, ordinal = _EN_UNITS[n], _EN_ORDINAL_UNITS[n]
        elif units == 0:
            cardinal, ordinal = _EN_TENS[tens], _EN_TENS[tens][:-1] + "ieth"
        else:
            cardinal = f"{_EN_TENS[tens]}[- ]{_EN_UNITS[units]}"
            ordinal = f"{_EN_TENS[tens]}[- ]{_EN_ORDINAL_UNITS[units]}"
        return f"{cardinal}|{ordinal}"
    if n < 30:
        cardinal = _ES_UNITS[n]
    elif units == 0:
        cardinal = _ES_TENS[tens]
    else:
        cardinal = f"{_ES_TENS[tens]} y (?:{_ES_UNITS[units]})"
    if n == 0:
        return cardinal
    special = {11: "undécim[oa]|decimoprimer[oa]?", 12: "duodécim[oa]|decimosegund[oa]"}.get(n)
    if special is not None:
        ordinal = special
    elif tens == 1 and units:
        ordinal = "décimo ?" + _ES_ORDINAL_UNITS[units]
    else:
        ordinal = " ".join(p for p in (_ES_ORDINAL_TENS[tens], _ES_ORDINAL_UNITS[units]) if p)
    return f"{cardinal}|{ordinal}"


_ROUND_WORDS = {"es": {100: "cien|ciento", 1000: "mil", 10**6: "un millón"},
                "en": {100: "a hundred|one hundred", 1000: "a thousand|one thousand", 10**6: "a million|one million"}}


def _spelled_out(number: str, text: str, lang: str) -> bool:
    if not number.isdigit():
        return False
    words = _ROUND_WORDS[lang].get(int(number))
    if words is None and int(number) >= 100:
        return False
    words = words or _number_words(int(number), lang)
    return re.search(rf"(?<!\w)(?:{words})(?!\w)", text, re.IGNORECASE) is not None


# A UN paragraph number opening a segment ("29. In order to ..."): often kept on one side only
# (the other side has it as x-paragraph metadata), so it is not compared when only one side has it.
_LEADING_NUMBER = re.compile(r"^\s*\d{1,3}\.\s+(?=\D)")


def _drop_lone_paragraph_number(source: str, target: str) -> tuple[str, str]:
    src_has, tgt_has = bool(_LEADING_NUMBER.match(source)), bool(_LEADING_NUMBER.match(target))
    if src_has and not tgt_has:
        return _LEADING_NUMBER.sub("", source, count=1), target
    if tgt_has and not src_has:
        return source, _LEADING_NUMBER.sub("", target, count=1)
    return source, target


def _numeric(text: str, lang: str) -> Counter:
    # symbols without a digit (VIH/SIDA, y/o) are words, not numbers
    return Counter({k: v for k, v in numeric_tokens(text, lang).items() if any(c.isdigit() for c in k)})


def _values(text: str, lang: str, tokens: set[str], words) -> set[int]:
    """Every whole number ``text`` says, whatever the form: digits, digits with a scale word
    ("3 millones"), words ("tres millones", "ambos")."""
    values = {int(t) for t in tokens if t.isdigit()}
    values |= {int(v) for _, v in scaled_numbers(text, lang) if v.isdigit()}
    return values | {w.value for w in words}


def _said_in_words(token: str, text: str, lang: str, other_words) -> bool:
    """Whether the other side says the number ``token`` of ``text`` (or its scaled value) in words."""
    values = {w.value for w in other_words}
    if token.isdigit() and int(token) in values:
        return True
    scaled = dict(scaled_numbers(text, lang)).get(token, "")
    return scaled.isdigit() and int(scaled) in values


def _cancel_scaled(missing: list[str], extra: list[str], source: str, target: str) -> tuple[list, list]:
    """Drop pairs that are the same amount at another scale ("80.000 millones" / "80 billion")."""
    src_values = dict(scaled_numbers(source, "es"))
    tgt_values = dict(scaled_numbers(target, "en"))
    extra = list(extra)
    kept = []
    for token in missing:
        value = src_values.get(token, token)
        match = next((e for e in extra if tgt_values.get(e, e) == value), None)
        if match is None:
            kept.append(token)
        else:
            extra.remove(match)
    return kept, extra


# The page number that ends a line of a table of contents ("A. Secretaría ... 4-12 4"): each
# language version is paginated on its own, so it differs between them by right.
_PAGE_NUMBER = re.compile(r"[\s.…·_]+\d{1,4}\s*$")


def _drop_page_number(text: str) -> str:
    return _PAGE_NUMBER.sub("", text)


def _take_sales_numbers(text: str) -> tuple[str, set[str]]:
    """UN sales numbers without their language prefix (E.03.XIII.4 = S.03.XIII.4 = 03.XIII.4), removed from ``text``."""
    found = set(sales_numbers(text))
    return (SALES_NUMBER.sub(" ", text) if found else text), found


@dataclass(frozen=True)
class NumberDiff:
    """How the numbers of a Spanish and an English segment differ (:func:`compare_numbers`)."""

    #: the numbers check's findings: digits, symbols, dates, times, percentages, scales; numbers in
    #: words where the other side has an unmatched number too (a conflict: "Dos millones" / "Three million")
    conflicts: tuple[str, ...] = ()
    #: numbers in words on one side only, the other side having no unmatched number ("Ten years earlier")
    words_one_side: tuple[str, ...] = ()


def _said(words, values: set[int]) -> list[str]:
    return [f"{w.text} ({w.value:,})" for w in words if w.certain and w.value not in values]


@lru_cache(maxsize=4096)
def compare_numbers(source: str, target: str) -> NumberDiff:
    """Every number the two segments say, in digits or in words, compared (see :class:`NumberMismatch`)."""
    source, target = _drop_lone_paragraph_number(source, target)
    source, src_sales = _take_sales_numbers(source)
    target, tgt_sales = _take_sales_numbers(target)
    source, src_times = _take_times(source, "es")
    target, tgt_times = _take_times(target, "en")
    source, target = _prepare_numbers(source, "es"), _prepare_numbers(target, "en")
    # sets, not counts: "2015" said twice on one side and once (or "that year") on the other is fine
    src, tgt = set(_numeric(source, "es")), set(_numeric(target, "en"))
    src_words, tgt_words = number_words(source, "es"), number_words(target, "en")
    missing = sorted(t for t in src - tgt if not _spelled_out(t, target, "en")
                     and not _said_in_words(t, source, "es", tgt_words))
    extra = sorted(t for t in tgt - src if not _spelled_out(t, source, "es")
                   and not _said_in_words(t, target, "en", src_words))
    missing, extra = _cancel_scaled(missing, extra, source, target)
    # numbers in words ("dos millones", "three million") against every form of the other side's
    words_missing = _said(src_words, _values(target, "en", tgt, tgt_words))
    words_extra = _said(tgt_words, _values(source, "es", src, src_words))
    conflict = bool((missing or words_missing) and (extra or words_extra))
    if conflict:
        missing, extra = missing + words_missing, extra + words_extra
    parts = []
    if missing:
        parts.append("in the Spanish only: " + ", ".join(missing))
    if extra:
        parts.append("in the English only: " + ", ".join(extra))
    src_months, tgt_months = set(date_months(source, "es")), set(date_months(target, "en"))
    if src_months and tgt_months and src_months != tgt_months:
        parts.append("months differ: " + ", ".join(month_name(m, "es") for m in sorted(src_months))
                     + " in the Spanish, " + ", ".join(month_name(m, "en") for m in sorted(tgt_months))
                     + " in the English")
    for what, src_set, tgt_set in (("times", src_times, tgt_times), ("sales numbers", src_sales, tgt_sales)):
        if src_set != tgt_set:
            only_src, only_tgt = sorted(src_set - tgt_set), sorted(tgt_set - src_set)
            parts.append(f"{what} differ: " + ", ".join(only_src or ["none"]) + " in the Spanish, "
                         + ", ".join(only_tgt or ["none"]) + " in the English")
    if not parts:  # same numbers: are the same ones percentages?
        src_pct, tgt_pct = set(percentages(source, "es")), set(percentages(target, "en"))
        if src_pct != tgt_pct:
            parts.append("percentage on one side only: " + ", ".join(sorted(src_pct ^ tgt_pct)))
    if not parts:  # ... and at the same scale ("3 millones" is not "3 billion")?
        src_scaled, tgt_scaled = dict(scaled_numbers(source, "es")), dict(scaled_numbers(target, "en"))
        for token in sorted(src_scaled.keys() & tgt_scaled.keys()):
            if src_scaled[token] != tgt_scaled[token]:
                parts.append(f"{token} at a different scale: {src_scaled[token]} in the Spanish, "
                             f"{tgt_scaled[token]} in the English")
    one_side = []
    if not conflict:
        if words_missing:
            one_side.append("in the Spanish only: " + ", ".join(words_missing))
        if words_extra:
            one_side.append("in the English only: " + ", ".join(words_extra))
    return NumberDiff(tuple(parts), tuple(one_side))


class NumberMismatch(PairCheck):
    name = "numbers"
    severity = ERROR
    description = ("Numbers, years, months of dates (1° de julio / 1 June), percentages, document symbols "
                   "(A/56/329), resolution numbers (56/203) and UN sales numbers (E.03.XIII.4) present on "
                   "one side and missing or different on the other; numbers in words too (veinticinco, "
                   "dos millones, three million) where the other side says another number.")

    def texts(self, segment):
        if segment.kind == CONTENTS:  # a contents line: the page numbers differ by right
            return _drop_page_number(segment.source), _drop_page_number(segment.target)
        return segment.source, segment.target

    def problems(self, source, target):
        parts = compare_numbers(source, target).conflicts
        if parts:
            yield "; ".join(parts)


class NumberWordsOneSide(NumberMismatch):
    name = "numbers-in-words"
    severity = WARNING
    description = ("A number written in words on one side only, the other side saying no other number "
                   "(\"Ten years earlier, in 1990\" / \"en 1990\"): an addition or an omission to look at.")

    def problems(self, source, target):
        parts = compare_numbers(source, target).words_one_side
        if parts:
            yield "; ".join(parts)


# Spanish "meta 3.3", "2.1 Mayor eficiencia": a dot followed by one or two digits cannot be a
# thousands separator, so it is a section number; written with a comma it canonicalizes like
# the English "3.3". Clock times are taken out first.
_ES_SECTION = re.compile(r"(?<![\w.,])(\d+)\.(\d{1,2})(?![\d.,]?\d)")
# "$A45,000", "US$45": a currency prefix glued to the digits hides the number from numeric_tokens.
_GLUED_PREFIX = re.compile(r"(?<=[A-Z$€£¥])(?=\d)")


def _prepare_numbers(text: str, lang: str) -> str:
    text = _GLUED_PREFIX.sub(" ", text)
    return _ES_SECTION.sub(r"\1,\2", text) if lang == "es" else text


_ES_TIME = re.compile(r"(?<![\w.,])(\d{1,2})[.:](\d{2})\s*(?:horas|h)\b", re.IGNORECASE)
_ES_TIME_BARE = re.compile(r"(?<=\blas )(\d{1,2})[.:](\d{2})(?!\d)", re.IGNORECASE)
_EN_TIME = re.compile(r"(?<![\w.,])(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?m\.?(?!\w)", re.IGNORECASE)
_EN_TIME_24 = re.compile(r"(?<![\w.,])(\d{1,2})[.:]?(\d{2})\s*(?:hours|hrs)\b|(?<=\bat )([01]\d|2[0-3])([0-5]\d)\b",
                         re.IGNORECASE)


def _take_times(text: str, lang: str) -> tuple[str, set[str]]:
    """Clock times as "HH:MM" (15.00 horas = 3 p.m. = 1500 hours), removed from ``text``."""
    times: set[str] = set()

    def keep(hour: int, minute: int) -> str:
        times.add(f"{hour % 24:02d}:{minute:02d}")
        return " "

    if lang == "es":
        text = _ES_TIME.sub(lambda m: keep(int(m.group(1)), int(m.group(2))), text)
        text = _ES_TIME_BARE.sub(lambda m: keep(int(m.group(1)), int(m.group(2))), text)
        return text, times

    def twelve(m: re.Match) -> str:
        hour, minute = int(m.group(1)) % 12, int(m.group(2) or 0)
        return keep(hour + (12 if m.group(3).lower() == "p" else 0), minute)

    text = re.sub(r"(?<![\w.,])(?:12\s*)?(?:noon|midday)\b", lambda m: keep(12, 0), text, flags=re.IGNORECASE)
    text = _EN_TIME.sub(twelve, text)
    text = _EN_TIME_24.sub(lambda m: keep(int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))), text)
    return text, times


def _fold_name(text: str) -> str:
    """Casefolded words only: "United Nations Children's Fund" ~ "united nations children fund"."""
    return " ".join(re.sub(r"['’]s\b", "", text.casefold()).replace("-", " ").split())


@cache
def _body_names() -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for es, _en, name in un_bodies():
        if name:
            names[es].add(_fold_name(name))
    return {k: frozenset(v) for k, v in names.items()}


def _mentions(acronym: str, text: str) -> bool:
    """``acronym`` in ``text``, also as a plural or in a compound ("SDGs", "FAO-hosted", "UN's")."""
    return re.search(rf"(?<![\w-]){re.escape(acronym)}(?:s|['’]s)?(?!\w)", text) is not None


class MissingBody(PairCheck):
    name = "un-bodies"
    severity = ERROR
    description = ("A UN body or acronym in the Spanish without its English counterpart "
                   "(OIT in the Spanish, neither ILO nor its name in the English).")

    def problems(self, source, target):
        folded = _fold_name(re.sub(r"[^\w\s'’-]", " ", target))
        for acronym in dict.fromkeys(acronyms(source, "es")):
            expected = acronym_map("es-en").get(acronym, frozenset())
            if any(_mentions(e, target) for e in expected):
                continue
            if any(name in folded for name in _body_names().get(acronym, ())):
                continue
            yield f"{acronym} in the Spanish, no {' or '.join(sorted(expected))} in the English"


class ExtraBody(PairCheck):
    name = "un-bodies-extra"
    severity = WARNING
    description = ("A UN body acronym in the English whose Spanish acronym is not in the Spanish "
                   "(the Spanish may spell the name out).")

    def problems(self, source, target):
        for acronym in dict.fromkeys(acronyms(target, "en")):
            expected = acronym_map("en-es").get(acronym, frozenset())
            if not any(_mentions(e, source) for e in expected):
                yield f"{acronym} in the English, no {' or '.join(sorted(expected))} in the Spanish"


class EmptyUnit(Check):
    name = "empty-unit"
    severity = WARNING
    description = ("A unit with neither Spanish nor English text (both sides empty, or only other "
                   "languages): it adds nothing to a translation memory.")

    def run(self, segments):
        for s in segments:
            if not s.source and not s.target:
                yield self.finding("neither Spanish nor English text" + (f" (the unit has {s.other})"
                                                                          if s.other else ""), s)


class EmptyTarget(Check):
    name = "empty-target"
    severity = ERROR
    description = "A Spanish segment with an empty English side."

    def run(self, segments):
        for s in segments:
            if s.source and not s.target:
                yield self.finding("no English for this Spanish segment", s)


class EmptySource(Check):
    name = "empty-source"
    severity = WARNING
    description = "An English segment with an empty Spanish side (an addition, or an alignment gap)."

    def run(self, segments):
        for s in segments:
            if s.target and not s.source:
                yield self.finding("no Spanish for this English segment", s)


class Untranslated(PairCheck):
    name = "untranslated"
    severity = ERROR
    description = "The English side is identical to the Spanish, or is still Spanish."

    def problems(self, source, target):
        if source == target:
            # codes, symbols and names ("A/58/98", "UNICEF", "Odo Tevi (Vanuatu)", "Empresa
            # Argentina de Soluciones S.A.") legitimately stay the same; a sentence does not
            if looks_spanish(source) or function_word_counts(source)["es"] >= 2:
                yield "the English is identical to the Spanish"
        elif looks_spanish(target):
            yield "the English side is still Spanish"


def _word_forms(word: str, lang: str) -> str:
    """A regex for ``word`` with simple plural/singular tolerance."""
    w = word.lower()
    stems = {w}
    if w.endswith("es") and len(w) > 4:
        stems.add(w[:-2])
    if w.endswith("s") and len(w) > 3:
        stems.add(w[:-1])
    if lang == "es":
        if w.endswith("z"):
            stems.add(w[:-1] + "ces")
        if w.endswith("ces"):
            stems.add(w[:-3] + "z")
    else:
        if w.endswith("y"):
            stems.add(w[:-1] + "ies")
        if w.endswith("ies"):
            stems.add(w[:-3] + "y")
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return f"(?:{alternatives})(?:s|es)?"


@lru_cache(maxsize=4096)
def term_pattern(term: str, lang: str) -> re.Pattern:
    """Whole-word, case-insensitive, plural-tolerant pattern for a (multi-word) term."""
    words = term.split()
    if not words:
        raise InputError("empty glossary term")
    body = r"[\s\-]+".join(_word_forms(w, lang) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


class GlossaryCheck(PairCheck):
    name = "glossary"
    severity = ERROR
    description = "A Spanish glossary term occurs and none of its required English terms does."

    def __init__(self, terms: Sequence[Term]):
        self.terms = list(terms)

    def problems(self, source, target):
        for term in self.terms:
            if term_pattern(term.source, "es").search(source) and not any(
                    term_pattern(t, "en").search(target) for t in term.targets):
                wanted = " or ".join(_quote(t) for t in term.targets)
                yield f"glossary: {_quote(term.source)} should be translated {wanted}"


# ----------------------------------------------------------- translate-toolkit checks

#: translate-toolkit filters that make sense for Spanish→English running text.
TOOLKIT_FILTERS = ("brackets", "endpunc", "startpunc", "doublespacing", "doublequoting",
                   "doublewords", "urls", "emails")

_ES_LIST_MARKER = re.compile(r"(?<![\w(])([a-z]|\d{1,2}|[ivx]{1,4})\)")
_FINAL_ABBREVIATION = re.compile(
    r"(?<!\w)(?:[ap]\.\s?m|etc|Inc|Ltd|Ltda|Corp|Co|S\.A|Jr|Sr|Sra|Dr|No|Nº|núm|párrs?|paras?)\.$", re.IGNORECASE)
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})


def _toolkit_text(text: str, lang: str) -> str:
    # English has no inverted ¿ ¡ and writes “ ” where Spanish writes « »: compare the
    # quotes and punctuation that matter, not the two languages' typography.
    text = text.translate(_QUOTES)
    if lang == "es":
        text = text.replace("¿", "").replace("¡", "")
        # Spanish list markers "c)" / "1)" are "(c)" / "(1)" in English
        text = _ES_LIST_MARKER.sub(r"(\1)", text)
    return text


@cache
def _toolkit_checker():
    from translate.filters import checks

    return checks.StandardChecker(checks.CheckerConfig(targetlanguage="en"),
                                  limitfilters=list(TOOLKIT_FILTERS))


class ToolkitCheck(PairCheck):
    """One filter of translate-toolkit's StandardChecker, e.g. ``brackets``."""

    severity = WARNING

    def __init__(self, filter_name: str):
        checker = _toolkit_checker()
        if not hasattr(checker, filter_name):
            raise InputError(f"unknown translate-toolkit check {filter_name!r}")
        self.filter_name = filter_name
        self.name = f"tt-{filter_name}"
        method = getattr(checker, filter_name)
        doc = (method.__doc__ or "").strip().splitlines()
        self.description = f"translate-toolkit {filter_name}: {doc[0] if doc else ''}".strip()

    def problems(self, source, target):
        from translate.filters.checks import FilterFailure

        if self.filter_name == "emails" and "@" not in source and "@" not in target:
            return  # nothing to compare, and its pattern is slow on long runs of letters
        checker = _toolkit_checker()
        source, target = _toolkit_text(source, "es").rstrip(), _toolkit_text(target, "en").rstrip()
        # The dot of a final abbreviation ("at 3 p.m.", "etc.") may or may not also end the
        # sentence: read it the way the other side ends.
        if _FINAL_ABBREVIATION.search(target) and not source.endswith("."):
            target = target[:-1]
        elif _FINAL_ABBREVIATION.search(source) and not target.endswith("."):
            source = source[:-1]
        try:
            getattr(checker, self.filter_name)(source, target)
        except FilterFailure as failure:
            messages = getattr(failure, "messages", None) or [str(failure)]
            yield "; ".join(str(m) for m in messages)


# --------------------------------------------------------------------------- glossary

def load_glossary(path: str | os.PathLike, encoding: str | None = None) -> list[Term]:
    """Required term pairs from a CSV/TSV/XLSX (Spanish, English columns) or a TBX file.

    The table is read as every alinea table (:mod:`alinea.tables`: decoding,
    ``encoding`` of a CSV/TSV, quoting, a header naming the columns). Rows with
    the same Spanish term are alternatives: any of their English terms is accepted.
    """
    from alinea.align.dictionary import read_term_table
    from alinea.align.read import require_file

    path = Path(path)
    require_file(path, "a glossary")
    pairs = _read_tbx(path) if path.suffix.lower() == ".tbx" else read_term_table(path, "glossary", encoding)
    merged: dict[str, list[str]] = {}
    for es, en in pairs:
        es, en = _norm(es), _norm(en)
        if es and en:
            merged.setdefault(es, [])
            if en not in merged[es]:
                merged[es].append(en)
    if not merged:
        raise InputError(f"{path}: the glossary has no Spanish–English term pairs")
    return [Term(es, tuple(ens)) for es, ens in merged.items()]


def _read_tbx(path: Path) -> list[tuple[str, str]]:
    from alinea.align.dictionary import read_tbx_pairs

    return [(_norm(es), _norm(en)) for es, en in read_tbx_pairs(path)]


# --------------------------------------------------------------------------- running

def default_checks(glossary: Sequence[Term] | None = None) -> list[Check]:
    """The checks ``alinea check`` runs, in report order."""
    checks: list[Check] = [TooLong(), EmptyUnit(), EmptyTarget(), EmptySource(), Untranslated(), NumberMismatch(),
                           NumberWordsOneSide(), MissingBody(), ExtraBody()]
    if glossary:
        checks.append(GlossaryCheck(glossary))
    checks += [InconsistentTranslation(), InconsistentSource()]
    checks += [ToolkitCheck(name) for name in TOOLKIT_FILTERS]
    return checks


def check_segments(segments: Sequence[Segment], checks: Sequence[Check]) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        findings.extend(check.run(segments))
    return findings


def check_bitext(bitext: Bitext, glossary: str | os.PathLike | Sequence[Term] | None = None,
                 checks: Sequence[Check] | None = None) -> list[Finding]:
    """Run the consistency checks on ``bitext``; findings grouped by check, in document order.

    ``glossary`` is a list of :class:`Term` or the path of a CSV/TSV/TBX glossary.
    """
    if isinstance(glossary, (str, os.PathLike)):
        glossary = load_glossary(glossary)
    if checks is None:
        checks = default_checks(glossary)
    return check_segments(segments_of(bitext), checks)


def counts(findings: Sequence[Finding]) -> dict:
    by_check = Counter(f.check for f in findings)
    return {"errors": sum(f.severity == ERROR for f in findings),
            "warnings": sum(f.severity == WARNING for f in findings),
            "by_check": dict(by_check)}


@dataclass
class CheckResult:
    """Everything a report needs: what was checked, on what, and what was found."""

    findings: list[Finding]
    checks: list[Check]
    segments: int
    source: str = ""
    meta: dict = field(default_factory=dict)

    def groups(self) -> list[tuple[Check, list[Finding]]]:
        by_name: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            by_name[f.check].append(f)
        return [(c, by_name.get(c.name, [])) for c in self.checks]

    def to_dict(self) -> dict:
        from alinea._version import __version__

        return {
            "tool": "alinea", "version": __version__, "input": self.source,
            "segments": self.segments, "counts": counts(self.findings),
            "checks": [{"name": c.name, "severity": c.severity, "description": c.description,
                        "count": len(fs)} for c, fs in self.groups()],
            "findings": [f.to_dict() for f in self.findings],
        }


def run_segments(segments: Sequence[Segment], glossary: str | os.PathLike | Sequence[Term] | None = None,
                 source: str = "", meta: dict | None = None) -> CheckResult:
    """Run the default checks on ``segments`` and keep what the reports need to say."""
    if isinstance(glossary, (str, os.PathLike)):
        glossary = load_glossary(glossary)
    checks = default_checks(glossary)
    return CheckResult(check_segments(segments, checks), checks, len(segments), source, dict(meta or {}))


def segments_from_units(units, src_lang: str = "es", tgt_lang: str = "en",
                        where: str = "TMX") -> list[Segment]:
    """Translation units (``alinea.tmx.reader.TranslationUnit``) as segments, keeping one-sided and empty ones.

    A bitext read from a TMX drops units with an empty side; the check wants
    exactly those (empty targets, empty units, units in other languages only),
    so it works on the units themselves.
    """
    from alinea.tmx.reader import languages_of

    segments = []
    for n, unit in enumerate(units, start=1):
        src, tgt = unit.text(src_lang), unit.text(tgt_lang)
        # a unit in other languages only, or with both sides empty, is kept: "empty-unit" reports it
        other = ", ".join(languages_of([unit])) if src is None and tgt is None else ""
        segments.append(Segment(n, unit.tuid, unit.props.get("x-paragraph", ""),
                                _norm(src or ""), _norm(tgt or ""), unit.unit_kind, other))
    if not any(s.source and s.target for s in segments):
        raise InputError(f"{where}: no translation unit has both {src_lang!r} and {tgt_lang!r}; it has "
                         f"languages: {', '.join(languages_of(units)) or 'none'}")
    return segments


def load_segments(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
                  encoding: str | None = None) -> list[Segment]:
    """The units of a TMX or of an alinea TSV/CSV/XLSX table as segments, with their tuids
    (``encoding``: of a TSV/CSV, default detected)."""
    from alinea.tmx.reader import load_units

    units, _ = load_units(path, src_lang, tgt_lang, encoding)
    return segments_from_units(units, src_lang, tgt_lang, str(path))


def check_file(path: str | os.PathLike, glossary: str | os.PathLike | Sequence[Term] | None = None,
               src_lang: str = "es", tgt_lang: str = "en", encoding: str | None = None) -> CheckResult:
    """Check every unit of a TMX or an alinea TSV/CSV/XLSX table."""
    return run_segments(load_segments(path, src_lang, tgt_lang, encoding), glossary, str(path),
                        {"source_file": str(path)})


def write_json(result: CheckResult, path: str | os.PathLike) -> None:
    with atomic_write(path) as fh:
        json.dump(result.to_dict(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")


def write_check_report(result: CheckResult, path: str | os.PathLike) -> None:
    """The self-contained HTML report: counts per check, then every finding."""
    from .html import write_html

    title = result.meta.get("symbol") or (Path(result.source).name if result.source else "bitext")
    write_html(path, "check.html.j2", title=title, result=result, groups=result.groups(),
               counts=counts(result.findings))
