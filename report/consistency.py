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

import csv
import io
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Iterable, Iterator, Sequence

from align.errors import InputError
from align.lexicon import acronym_map, acronyms, un_bodies
from align.model import Bitext
from align.numbers import numeric_tokens, percentages, scaled_numbers
from align.utils import atomic_write

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
    """The beads of ``bitext`` as segments, with tuid and paragraph when known."""
    tuids = _tuids(bitext)
    out = []
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        tuid = tuids[n - 1] if n - 1 < len(tuids) and tuids[n - 1] else str(n)
        out.append(Segment(n, tuid, bitext.paragraph_number(bead) or "", _norm(src), _norm(tgt)))
    return out


def _tuids(bitext: Bitext) -> list[str]:
    """TMX tuids if the reader kept them (meta "tuids", comma-separated or a list)."""
    value = bitext.meta.get("tuids") if isinstance(bitext.meta, dict) else None
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


# --------------------------------------------------------------------------- checks

class Check:
    """A named check over all segments of a bitext."""

    name: ClassVar[str] = ""
    severity: ClassVar[str] = WARNING
    description: ClassVar[str] = ""

    def run(self, segments: Sequence[Segment]) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, message: str, segment: Segment, related: Iterable[Segment] = ()) -> Finding:
        return Finding(self.name, self.severity, message, segment, tuple(related))


class PairCheck(Check):
    """A check that looks at one source/target pair at a time (both sides non-empty)."""

    def run(self, segments: Sequence[Segment]) -> Iterator[Finding]:
        for segment in segments:
            if segment.source and segment.target:
                for message in self.problems(segment.source, segment.target):
                    yield self.finding(message, segment)

    def problems(self, source: str, target: str) -> Iterator[str]:
        raise NotImplementedError


def _has_words(text: str) -> bool:
    return re.search(r"[^\W\d_]{3,}", text) is not None


def _quote(text: str, limit: int = 60) -> str:
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


class InconsistentTranslation(Check):
    name = "inconsistent-translation"
    severity = WARNING
    description = "The same Spanish segment is translated differently in different places."

    def run(self, segments):
        groups: dict[str, list[Segment]] = defaultdict(list)
        for s in segments:
            if s.source and s.target and _has_words(s.source):
                groups[s.source].append(s)
        for group in groups.values():
            variants = {s.target for s in group}
            if len(variants) > 1:
                first = group[0]
                others = [s for s in group[1:] if s.target != first.target]
                yield self.finding(f"translated {len(variants)} different ways in {len(group)} places",
                                   first, others)


class InconsistentSource(Check):
    name = "inconsistent-source"
    severity = WARNING
    description = "The same English segment comes from different Spanish segments."

    def run(self, segments):
        groups: dict[str, list[Segment]] = defaultdict(list)
        for s in segments:
            if s.source and s.target and _has_words(s.target):
                groups[s.target].append(s)
        for group in groups.values():
            variants = {s.source for s in group}
            if len(variants) > 1:
                first = group[0]
                others = [s for s in group[1:] if s.source != first.source]
                yield self.finding(f"the same English comes from {len(variants)} different Spanish "
                                   f"segments in {len(group)} places", first, others)


# Small numbers are often spelled out on one side ("dos países" / "2 countries").
_SPELLED = {
    "es": ["cero", "uno|una|un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
           "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
           "dieciocho", "diecinueve", "veinte"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty"],
}


def _spelled_out(number: str, text: str, lang: str) -> bool:
    if not number.isdigit() or int(number) >= len(_SPELLED[lang]):
        return False
    words = _SPELLED[lang][int(number)]
    return re.search(rf"(?<!\w)(?:{words})(?!\w)", text, re.IGNORECASE) is not None


def _numeric(text: str, lang: str) -> Counter:
    # symbols without a digit (VIH/SIDA, y/o) are words, not numbers
    return Counter({k: v for k, v in numeric_tokens(text, lang).items() if any(c.isdigit() for c in k)})


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


class NumberMismatch(PairCheck):
    name = "numbers"
    severity = ERROR
    description = ("Numbers, years, percentages, document symbols (A/56/329) and resolution numbers "
                   "(56/203) present on one side and missing or different on the other.")

    def problems(self, source, target):
        src, tgt = _numeric(source, "es"), _numeric(target, "en")
        missing = [t for t in (src - tgt).elements() if not _spelled_out(t, target, "en")]
        extra = [t for t in (tgt - src).elements() if not _spelled_out(t, source, "es")]
        missing, extra = _cancel_scaled(missing, extra, source, target)
        parts = []
        if missing:
            parts.append("in the Spanish only: " + ", ".join(missing))
        if extra:
            parts.append("in the English only: " + ", ".join(extra))
        if not parts:  # same numbers: are the same ones percentages?
            src_pct, tgt_pct = Counter(percentages(source, "es")), Counter(percentages(target, "en"))
            if src_pct != tgt_pct:
                diff = sorted((src_pct - tgt_pct) + (tgt_pct - src_pct))
                parts.append("percentage on one side only: " + ", ".join(diff))
        if not parts:  # ... and at the same scale ("3 millones" is not "3 billion")?
            src_scaled, tgt_scaled = dict(scaled_numbers(source, "es")), dict(scaled_numbers(target, "en"))
            for token in sorted(src_scaled.keys() & tgt_scaled.keys()):
                if src_scaled[token] != tgt_scaled[token]:
                    parts.append(f"{token} at a different scale: {src_scaled[token]} in the Spanish, "
                                 f"{tgt_scaled[token]} in the English")
        if parts:
            yield "; ".join(parts)


def _body_names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for es, en, name in un_bodies():
        if name:
            names[es].add(name)
    return names


class MissingBody(PairCheck):
    name = "un-bodies"
    severity = ERROR
    description = ("A UN body or acronym in the Spanish without its English counterpart "
                   "(OIT in the Spanish, neither ILO nor its name in the English).")

    def problems(self, source, target):
        found = set(acronyms(target, "en"))
        names = _body_names()
        folded = target.casefold()
        for acronym in dict.fromkeys(acronyms(source, "es")):
            expected = acronym_map("es-en").get(acronym, frozenset())
            if expected & found or any(n.casefold() in folded for n in names.get(acronym, ())):
                continue
            yield f"{acronym} in the Spanish, no {' or '.join(sorted(expected))} in the English"


class ExtraBody(PairCheck):
    name = "un-bodies-extra"
    severity = WARNING
    description = ("A UN body acronym in the English whose Spanish acronym is not in the Spanish "
                   "(the Spanish may spell the name out).")

    def problems(self, source, target):
        found = set(acronyms(source, "es"))
        for acronym in dict.fromkeys(acronyms(target, "en")):
            expected = acronym_map("en-es").get(acronym, frozenset())
            if not expected & found:
                yield f"{acronym} in the English, no {' or '.join(sorted(expected))} in the Spanish"


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


# Function words that tell Spanish from English in a sentence (none is a word of both).
_ES_WORDS = frozenset("""el la los las de del que y en por para con una un se su sus al como más
sobre entre este esta estos estas es ha han fue lo también pero según desde hasta cuando donde
otros otras todos países""".split())
_EN_WORDS = frozenset("""the of and to in a is that for on with as by are be this which from at its
was were has have been an or it their not will should would also these other""".split())


def looks_spanish(text: str) -> bool:
    """Whether ``text`` reads as Spanish rather than English (function-word count)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 4:
        return False
    es = sum(w in _ES_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    return es >= 3 and es > 2 * en


class Untranslated(PairCheck):
    name = "untranslated"
    severity = ERROR
    description = "The English side is identical to the Spanish, or is still Spanish."

    def problems(self, source, target):
        if source == target:
            # codes, symbols and names ("A/58/98", "UNICEF") legitimately stay the same
            words = re.findall(r"[^\W\d_]{3,}", source)
            if sum(not w.isupper() for w in words) >= 3:
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


@lru_cache(maxsize=None)
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
        method = getattr(checker, filter_name)
        doc = (method.__doc__ or "").strip().splitlines()
        self.description = f"translate-toolkit {filter_name}: {doc[0] if doc else ''}".strip()

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"tt-{self.filter_name}"

    def problems(self, source, target):
        from translate.filters.checks import FilterFailure

        checker = _toolkit_checker()
        try:
            getattr(checker, self.filter_name)(_toolkit_text(source, "es"), _toolkit_text(target, "en"))
        except FilterFailure as failure:
            messages = getattr(failure, "messages", None) or [str(failure)]
            yield "; ".join(str(m) for m in messages)


# --------------------------------------------------------------------------- glossary

_ES_HEADERS = ("es", "spa", "spanish", "español", "espanol", "source", "term_es", "es-es")
_EN_HEADERS = ("en", "eng", "english", "inglés", "ingles", "target", "term_en", "en-us", "en-gb")


def load_glossary(path: str | os.PathLike) -> list[Term]:
    """Required term pairs from a CSV/TSV (Spanish, English columns) or a TBX file.

    Rows with the same Spanish term are alternatives: any of their English terms is accepted.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such glossary file")
    pairs = _read_tbx(path) if path.suffix.lower() == ".tbx" else _read_csv(path)
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


def _read_csv(path: Path) -> list[tuple[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: glossary is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{path}: the glossary is empty")
    if path.suffix.lower() in (".tsv", ".tab", ".txt"):
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    header = [c.strip().lower() for c in rows[0]]
    es_col, en_col = 0, 1
    if any(h in _ES_HEADERS for h in header) and any(h in _EN_HEADERS for h in header):
        es_col = next(i for i, h in enumerate(header) if h in _ES_HEADERS)
        en_col = next(i for i, h in enumerate(header) if h in _EN_HEADERS)
        rows = rows[1:]
    pairs = []
    for line, row in enumerate(rows, start=1):
        if len(row) <= max(es_col, en_col):
            raise InputError(f"{path}: row {line} has {len(row)} column(s); a glossary needs a "
                             "Spanish and an English column")
        pairs.append((row[es_col], row[en_col]))
    return pairs


def _read_tbx(path: Path) -> list[tuple[str, str]]:
    from translate.storage import tbx

    try:
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as exc:  # lxml raises several kinds; all mean "not a readable TBX"
        raise InputError(f"{path}: not a readable TBX file: {exc}") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = []
    for unit in store.units:
        terms: dict[str, list[str]] = defaultdict(list)
        for node in unit.getlanguageNodes():
            lang = (node.get(xml_lang) or node.get("lang") or "").lower().split("-")[0]
            terms[lang].extend(_norm("".join(t.itertext())) for t in node.iter("{*}term"))
        pairs.extend((es, en) for es in terms["es"] for en in terms["en"])
    return pairs


# --------------------------------------------------------------------------- running

def default_checks(glossary: Sequence[Term] | None = None) -> list[Check]:
    """The checks ``alinea check`` runs, in report order."""
    checks: list[Check] = [EmptyTarget(), EmptySource(), Untranslated(), NumberMismatch(),
                           MissingBody(), ExtraBody()]
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


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


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
        from alinea import __version__

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


def run_check(bitext: Bitext, glossary: str | os.PathLike | Sequence[Term] | None = None,
              source: str = "") -> CheckResult:
    """:func:`check_bitext` plus what the reports need to say."""
    return run_segments(segments_of(bitext), glossary, source or bitext.meta.get("source_file", ""),
                        bitext.meta)


def segments_from_units(units, src_lang: str = "es", tgt_lang: str = "en",
                        where: str = "TMX") -> list[Segment]:
    """Translation units (``tmx.reader.TranslationUnit``) as segments, keeping one-sided and empty ones.

    A bitext read from a TMX drops units with an empty side; the check wants
    exactly those (empty targets), so it works on the units themselves.
    """
    from tmx.reader import languages_of

    segments = []
    for n, unit in enumerate(units, start=1):
        src, tgt = unit.text(src_lang), unit.text(tgt_lang)
        if src is None and tgt is None and unit.variants:
            continue  # a unit in other languages only
        segments.append(Segment(n, unit.tuid, unit.props.get("x-paragraph", ""),
                                _norm(src or ""), _norm(tgt or "")))
    if not any(s.source and s.target for s in segments):
        raise InputError(f"{where}: no translation unit has both {src_lang!r} and {tgt_lang!r}; it has "
                         f"languages: {', '.join(languages_of(units)) or 'none'}")
    return segments


def load_segments(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> list[Segment]:
    """The units of a TMX or of an alinea TSV/CSV/XLSX table as segments, with their tuids."""
    from tmx.reader import TABLE_SUFFIXES, iter_units, parse_tmx
    from tmx.tabular import frame_units, read_table

    suffix = Path(path).suffix.lower()
    if suffix in (".tmx", ".xml"):
        units = list(iter_units(parse_tmx(path)))
    elif suffix in TABLE_SUFFIXES:
        units = frame_units(read_table(path), src_lang, tgt_lang, path)
    else:
        raise InputError(f"{path}: unsupported bitext format {suffix!r} (use .tmx, .tsv, .csv or .xlsx)")
    return segments_from_units(units, src_lang, tgt_lang, str(path))


def check_file(path: str | os.PathLike, glossary: str | os.PathLike | Sequence[Term] | None = None,
               src_lang: str = "es", tgt_lang: str = "en") -> CheckResult:
    """Check every unit of a TMX or an alinea TSV/CSV/XLSX table."""
    return run_segments(load_segments(path, src_lang, tgt_lang), glossary, str(path),
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
