"""What a translation-memory maintainer does to TMX files: merge, dedupe, filter, convert, stats.

Merge, dedupe and filter work on the ``<tu>`` elements themselves, so every
property, note and inline tag of the input survives; only the header is
alinea's. Convert goes through a Bitext (TMX <-> TSV/CSV/XLSX).
"""
from __future__ import annotations

import math
import os
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from alinea.align.errors import InputError

from .hygiene import base_lang, canonical_lang, tmx_lang
from .props import LEFT_OUT_PREFIX
from .reader import (
    TABLE_SUFFIXES,
    TranslationUnit,
    header_of,
    header_props,
    iter_units,
    languages_of,
    left_out_counts,
    match_lang,
    parse_tmx,
    tuv_lang,
)
from .writer import header_attributes, write_units


@dataclass
class TMXFile:
    """A parsed TMX: its header attributes and its units."""

    path: Path
    header: dict[str, str]
    units: list[TranslationUnit]
    #: the header's <prop>s by type
    header_props: dict[str, str] = field(default_factory=dict)


def load_tmx(path: str | os.PathLike) -> TMXFile:
    tree = parse_tmx(path)
    return TMXFile(Path(path), header_of(tree), list(iter_units(tree)), header_props(tree))


def output_header(files: list[TMXFile]) -> dict[str, str]:
    """alinea's header for a TMX derived from ``files``: their srclang if they agree, else ``*all*``."""
    srclangs = {f.header.get("srclang", "") for f in files}
    srclang = srclangs.pop() if len(srclangs) == 1 else "*all*"
    segtypes = {f.header.get("segtype", "sentence") for f in files}
    datatypes = {f.header.get("datatype", "plaintext") for f in files}
    return header_attributes(srclang or "*all*", segtypes.pop() if len(segtypes) == 1 else "sentence",
                             datatypes.pop() if len(datatypes) == 1 else "unknown")


def output_header_props(files: list[TMXFile]) -> dict[str, str]:
    """The header properties a TMX derived from ``files`` carries over: the counts of sentences
    left out (``x-unaligned-es`` …), summed, when every file records them."""
    types = [t for t in files[0].header_props if t.startswith(LEFT_OUT_PREFIX)] if files else []
    return {t: str(sum(int(f.header_props[t]) for f in files)) for t in types
            if all(f.header_props.get(t, "").isdigit() for f in files)}


def write_tmx_units(units: list[TranslationUnit], path: str | os.PathLike, files: list[TMXFile]) -> int:
    """Write ``units`` (their elements verbatim) under a header derived from ``files``."""
    return write_units((u.element for u in units), path, output_header(files), output_header_props(files))


# --- merge -----------------------------------------------------------------

def merge_units(files: list[TMXFile]) -> list[TranslationUnit]:
    """All units of ``files`` in order; a tuid already used gets the file's name as prefix."""
    seen: set[str] = set()
    merged: list[TranslationUnit] = []
    for tmx in files:
        for unit in tmx.units:
            if unit.tuid in seen and unit.element is not None:
                new_id, k = f"{tmx.path.stem}-{unit.tuid}", 1
                while new_id in seen:
                    k += 1
                    new_id = f"{tmx.path.stem}-{unit.tuid}-{k}"
                unit.element = _with_tuid(unit.element, new_id)
                unit.tuid = new_id
            seen.add(unit.tuid)
            merged.append(unit)
    return merged


def _with_tuid(element: etree._Element, tuid: str) -> etree._Element:
    from copy import deepcopy

    copy = deepcopy(element)
    copy.set("tuid", tuid)
    return copy


# --- dedupe ----------------------------------------------------------------

def unit_key(unit: TranslationUnit, by_base_language: bool = False) -> tuple:
    """What makes two units exact duplicates: the same segments (inline tags included) per language.

    Languages are compared as BCP 47 says, case-insensitively (``es-ES`` = ``ES-es``
    = ``es_ES``), and by default as exact variants: ``es`` and ``es-ES`` are two
    languages, as a CAT tool's TM in es-ES and one in es are. ``by_base_language``
    compares base languages instead (``es``, ``es-ES`` and ``es-MX`` are all ``es``).
    """
    variants = []
    for tuv in unit.element.iterchildren("tuv"):
        seg = tuv.find("seg")
        markup = "" if seg is None else etree.tostring(seg, encoding="unicode", with_tail=False)
        lang = tuv_lang(tuv).lower()
        variants.append((base_lang(lang) if by_base_language else lang, " ".join(markup.split())))
    return tuple(sorted(variants))


def dedupe_units(units: list[TranslationUnit], by_base_language: bool = False
                 ) -> tuple[list[TranslationUnit], int]:
    """Keep the first of every group of exact duplicates (:func:`unit_key`); returns (kept, removed count)."""
    seen: set[tuple] = set()
    kept = []
    for unit in units:
        key = unit_key(unit, by_base_language)
        if key not in seen:
            seen.add(key)
            kept.append(unit)
    return kept, len(units) - len(kept)


# --- filter ----------------------------------------------------------------

@dataclass
class UnitFilter:
    """Conditions a unit must meet to be kept. ``None`` means "no condition"."""

    src_lang: str = "es"
    tgt_lang: str = "en"
    min_score: float | None = None
    max_score: float | None = None
    bead_types: tuple[str, ...] = ()
    min_ratio: float | None = None
    max_ratio: float | None = None
    keep_unscored: bool = False

    def __post_init__(self) -> None:
        # Impossible bounds are a mistake, not a request for an empty TM: refused before any work.
        for low, high, what, in_range in ((self.min_score, self.max_score, "score", _is_score),
                                          (self.min_ratio, self.max_ratio, "ratio", _is_ratio)):
            for value, end in ((low, "minimum"), (high, "maximum")):
                if value is not None and not in_range(value):
                    must = "a number between 0 and 1" if what == "score" else "a positive number"
                    raise InputError(f"the {end} {what} must be {must}, not {value:g}")
            if low is not None and high is not None and low > high:
                raise InputError(f"the minimum {what} {low:g} is above the maximum {high:g}: no unit could be kept")

    def rejection(self, unit: TranslationUnit) -> str | None:
        """Why ``unit`` is dropped, or None to keep it."""
        if self.min_score is not None or self.max_score is not None:
            score = unit.score
            if score is None:
                if not self.keep_unscored:
                    return "no x-score"
            elif self.min_score is not None and score < self.min_score:
                return "score below minimum"
            elif self.max_score is not None and score > self.max_score:
                return "score above maximum"
        src, tgt = unit.text(self.src_lang), unit.text(self.tgt_lang)
        if self.bead_types:
            counts = unit.bead_counts(self.src_lang, self.tgt_lang)
            kind = f"{counts[0]}-{counts[1]}" if counts else f"{int(bool(src))}-{int(bool(tgt))}"
            if kind not in self.bead_types:
                return "bead type"
        if self.min_ratio is not None or self.max_ratio is not None:
            if not src or not tgt:
                return f"no {self.src_lang if not src else self.tgt_lang} segment"
            ratio = len(src) / len(tgt)
            if self.min_ratio is not None and ratio < self.min_ratio:
                return "length ratio below minimum"
            if self.max_ratio is not None and ratio > self.max_ratio:
                return "length ratio above maximum"
        return None


def _is_score(value: float) -> bool:
    return 0.0 <= value <= 1.0  # NaN fails


def _is_ratio(value: float) -> bool:
    return 0.0 < value < math.inf  # NaN fails


def filter_units(units: list[TranslationUnit], conditions: UnitFilter) -> tuple[list[TranslationUnit], Counter]:
    """Units meeting ``conditions``, and a count of the dropped ones by reason.

    A unit whose x-score or x-bead breaks alinea's rules (:mod:`alinea.tmx.props`)
    stops the filter with an InputError, as it stops every command that reads them.
    """
    for unit in units:
        unit.check_props(conditions.src_lang, conditions.tgt_lang)
    kept: list[TranslationUnit] = []
    dropped: Counter[str] = Counter()
    for unit in units:
        reason = conditions.rejection(unit)
        if reason:
            dropped[reason] += 1
        else:
            kept.append(unit)
    return kept, dropped


# --- stats -----------------------------------------------------------------

@dataclass
class TMXStats:
    path: str
    units: int
    header: dict[str, str]
    languages: dict[str, int]
    bead_types: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    pairs: int = 0
    duplicates: int = 0
    words: dict[str, float] = field(default_factory=dict)
    length_ratio_median: float | None = None
    units_with_inline_tags: int = 0
    unaligned_notes: int = 0
    #: sentences left out when the file was written (header x-unaligned-es/-en); None when not recorded
    left_out: dict[str, int] | None = None

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def tmx_stats(tmx: TMXFile, src_lang: str = "es", tgt_lang: str = "en") -> TMXStats:
    """Counts a TM maintainer looks at before loading a TMX into a CAT tool."""
    units = tmx.units
    for unit in units:  # a value alinea's rules refuse stops stats as it stops report, filter, convert
        unit.check_props(src_lang, tgt_lang)
    languages = Counter(canonical_lang(lang) for u in units for lang in u.variants)
    stats = TMXStats(str(tmx.path), len(units), tmx.header, dict(sorted(languages.items())))
    kinds = (u.bead_counts(src_lang, tgt_lang) for u in units)
    stats.bead_types = dict(sorted(Counter(f"{m}-{n}" for m, n in filter(None, kinds)).items()))
    stats.documents = dict(Counter(u.props["x-document"] for u in units if u.props.get("x-document")))
    scores = [u.score for u in units if u.score is not None]
    if scores:
        stats.scores = {"scored": len(scores), "min": min(scores), "median": statistics.median(scores),
                        "mean": round(statistics.fmean(scores), 4), "max": max(scores),
                        "below_0.5": sum(s < 0.5 for s in scores)}
    texts_of_units = [(u.text(src_lang), u.text(tgt_lang)) for u in units]
    pairs = [(s, t) for s, t in texts_of_units if s and t]
    stats.pairs = len(pairs)
    stats.duplicates = dedupe_units(units)[1] if units else 0
    for lang in (src_lang, tgt_lang):
        texts = [text for u in units if (text := u.text(lang))]
        if texts:
            stats.words[lang] = round(statistics.fmean(len(t.split()) for t in texts), 1)
    if pairs:
        stats.length_ratio_median = round(statistics.median(len(s) / len(t) for s, t in pairs), 3)
    stats.units_with_inline_tags = sum(
        1 for u in units if any(True for _ in u.element.iter("bpt", "ept", "ph", "it", "ut", "hi")))
    stats.unaligned_notes = sum(1 for u in units if any(n.startswith("unaligned") for n in u.notes))
    stats.left_out = left_out_counts(tmx.header_props, src_lang, tgt_lang)
    return stats


# --- convert ---------------------------------------------------------------

@dataclass
class Conversion:
    """What :func:`convert` wrote and what it left out."""

    written: int  # units (TMX) or rows (table)
    #: units with text in neither language, left out
    other_languages: int = 0
    #: variants in other languages (fr-FR …) left out, and in how many units
    other_variants: dict[str, int] = field(default_factory=dict)
    #: sentences of one-sided units left out of a TMX (no keep_unaligned), per base language
    left_out: dict[str, int] = field(default_factory=dict)
    #: the input TMX header's own count of sentences left out when it was written (None: not recorded)
    recorded_left_out: dict[str, int] | None = None


def convert(source: str | os.PathLike, target: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
            keep_unaligned: bool = False, encoding: str | None = None) -> Conversion:
    """TMX <-> TSV/CSV/XLSX (and table <-> table), unit by unit.

    Every unit keeps its tuid, its properties (alinea's and any other tool's)
    and its notes, so TMX -> table -> TMX gives back the same units. Units
    with one side only go to a table always and to a TMX with
    ``keep_unaligned``; otherwise their sentences are counted in the TMX
    header (``x-unaligned-es``/``-en``), added to what the input TMX recorded.
    A table has no header: what its source left out is unknown, and so is the
    count, which is then not written (nor is it for a TMX that records none).
    ``encoding`` is that of a TSV/CSV source (default: detected).
    """
    from .hygiene import clean_segment
    from .reader import load_units, sentence_counts
    from .tabular import units_frame, write_table
    from .writer import write_translation_units

    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise InputError(f"{target}: the output would overwrite the input")
    out_suffix = target.suffix.lower()
    if out_suffix not in (".tmx", *TABLE_SUFFIXES):
        raise InputError(f"{target}: unsupported output format {out_suffix!r} (use .tmx, .tsv, .csv or .xlsx)")
    src_lang, tgt_lang = tmx_lang(src_lang), tmx_lang(tgt_lang)
    units, header_props = load_units(source, src_lang, tgt_lang, encoding)
    sides = [(bool(clean_segment(u.text(src_lang) or "")), bool(clean_segment(u.text(tgt_lang) or "")))
             for u in units]
    usable = [(unit, side) for unit, side in zip(units, sides) if any(side)]
    for unit, _ in usable:  # alinea's properties, as every command reads them (both directions)
        unit.check_props(src_lang, tgt_lang)
    if not usable:
        languages = ", ".join(languages_of(units)) or "none"
        raise InputError(f"{source}: " + (f"no unit has {src_lang!r} or {tgt_lang!r} text; it has languages: "
                                          f"{languages}" if units else "the TMX has no translation units"))
    others = Counter(lang for unit, _ in usable for lang in unit.variants
                     if lang not in (match_lang(unit.variants, src_lang), match_lang(unit.variants, tgt_lang)))
    result = Conversion(0, len(units) - len(usable), dict(sorted(others.items())),
                        recorded_left_out=left_out_counts(header_props, src_lang, tgt_lang))
    if out_suffix != ".tmx":
        frame = units_frame([unit for unit, _ in usable], src_lang, tgt_lang)
        write_table(frame, target)
        result.written = len(frame)
        return result
    kept = []
    result.left_out = {base_lang(src_lang): 0, base_lang(tgt_lang): 0}
    for unit, (has_src, has_tgt) in usable:
        if (has_src and has_tgt) or keep_unaligned:
            kept.append(unit)
            continue
        for lang, n in zip((src_lang, tgt_lang), sentence_counts(unit, has_src, has_tgt, src_lang, tgt_lang)):
            result.left_out[base_lang(lang)] += n
    before = result.recorded_left_out
    total = None if before is None else {lang: before[lang] + n for lang, n in result.left_out.items()}
    result.written = write_translation_units(kept, target, src_lang, tgt_lang, total)
    return result


def check_languages(tmx: TMXFile, *langs: str) -> None:
    """InputError naming the file's languages when one of ``langs`` is absent from it."""
    present = languages_of(tmx.units)
    missing = [lang for lang in langs if match_lang(present, lang) is None]
    if tmx.units and missing:
        raise InputError(f"{tmx.path}: no {' or '.join(repr(m) for m in missing)} segments; "
                         f"the file has languages: {', '.join(present) or 'none'}")


__all__ = ["Conversion", "TMXFile", "TMXStats", "UnitFilter", "base_lang", "check_languages", "convert",
           "dedupe_units", "filter_units", "load_tmx", "merge_units", "output_header", "output_header_props",
           "tmx_stats", "unit_key", "write_tmx_units"]
