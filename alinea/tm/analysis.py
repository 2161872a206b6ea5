"""CAT-style analysis of a new document against a translation memory.

The document is read, cleaned and split by alinea's own segmenter (the
``alinea segment`` units). Each segment goes to the band of its best fuzzy
match (:data:`alinea.tm.match.BANDS`: 100, 95-99, 85-94, 75-84, 50-74, no
match), except a segment identical to an earlier one of the same document:
that is a *repetition* (translated once, then reused), whatever its match, as
Trados and memoQ count by default. Every segment is in exactly one row, so the
rows add up to the document's segments and words. Words are counted as CAT
tools count them: words and numbers, not punctuation.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .match import BANDS, NO_MATCH, band_of, normalize_space, word_count
from .store import TranslationMemory

REPETITIONS = "repetitions"
ROWS = tuple(name for name, _, _ in BANDS) + (NO_MATCH,)


@dataclass
class SegmentAnalysis:
    """One segment of the document and what the memory offers for it."""

    index: int
    text: str
    words: int
    band: str  # a band name, or "repetitions"
    score: int | None = None  # best match percentage (None: no match from 50 %)
    match_source: str | None = None
    match_target: str | None = None
    repetition_of: int | None = None  # index of the first occurrence


@dataclass
class Analysis:
    document: str
    memory: str
    lang: str
    segments: list[SegmentAnalysis] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """Segments and words per band, then repetitions."""
        table = {name: {"segments": 0, "words": 0} for name in (*ROWS, REPETITIONS)}
        for segment in self.segments:
            table[segment.band]["segments"] += 1
            table[segment.band]["words"] += segment.words
        return table

    def as_dict(self) -> dict:
        """``{"bands": {"100": {"segments", "words"}, ...}, "repetitions": {...}, "total": {...}}``."""
        table = self.counts()
        return {
            "document": self.document, "memory": self.memory, "lang": self.lang,
            "bands": {name: table[name] for name in ROWS},
            "repetitions": table[REPETITIONS],
            "total": {"segments": len(self.segments), "words": sum(s.words for s in self.segments)},
        }


def analyze(tm: TranslationMemory, document: str | os.PathLike, *, lang: str | None = None) -> Analysis:
    """Segment ``document`` (in the memory's source language unless ``lang``) and band every segment."""
    from alinea.align.utils import check_lang
    from alinea.pipeline import segment_file

    from .search import lookup

    lang = lang or tm.src_lang
    sentences = segment_file(document, check_lang(lang))
    result = Analysis(str(document), str(tm.path), lang)
    first_seen: dict[str, int] = {}
    lowest = BANDS[-1][1]
    for sentence in sentences:
        text = normalize_space(sentence.text)
        entry = SegmentAnalysis(sentence.index, text, word_count(text), NO_MATCH)
        if text in first_seen:
            entry.band, entry.repetition_of = REPETITIONS, first_seen[text]
        else:
            first_seen[text] = sentence.index
            hits = lookup(tm, text, min_score=lowest, limit=1, lang=lang)
            if hits:
                best = hits[0]
                entry.score, entry.match_source, entry.match_target = best.score, best.source, best.target
                entry.band = band_of(best.score)
        result.segments.append(entry)
    return result


def write_json(analysis: Analysis, path: str | os.PathLike) -> None:
    """The analysis as JSON (atomically), or on standard output for ``-``."""
    import sys

    text = json.dumps(analysis.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        return
    from alinea.align.utils import atomic_write

    with atomic_write(path) as fh:
        fh.write(text)


def write_report(analysis: Analysis, path: str | os.PathLike) -> None:
    """A self-contained HTML page: the analysis table, then every segment with its best match."""
    from alinea.report.html import write_html

    table = analysis.counts()
    total_words = sum(row["words"] for row in table.values()) or 1
    rows = [(name, table[name]["segments"], table[name]["words"], 100.0 * table[name]["words"] / total_words)
            for name in (*ROWS, REPETITIONS)]
    write_html(path, "tm_analysis.html.j2", title=Path(analysis.document).name, analysis=analysis, rows=rows,
               total=analysis.as_dict()["total"])
