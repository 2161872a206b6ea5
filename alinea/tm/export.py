"""Export a translation memory (or part of it) as TMX or a table, and its figures.

Each unit becomes one ``<tu>`` with its provenance as properties that CAT
tools keep: ``x-document`` (every document it came from, ``; ``-separated),
``x-score`` (the best alignment score seen), ``x-reviewed`` (yes when any
occurrence was reviewed), ``x-count`` (how many times it was imported), and
``usagecount``/``creationdate``/``changedate`` attributes from its occurrences.
Conflicting translations of one source are separate units, as in the memory.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from alinea.align.errors import InputError

from .store import TranslationMemory

_FILTERED_UNITS = """
SELECT u.id, u.source, u.target, count(*) AS n, max(o.score), max(o.reviewed),
       group_concat(DISTINCT o.document || char(31)), min(o.date), max(o.date)
FROM units u JOIN occurrences o ON o.unit_id = u.id
{where}
GROUP BY u.id {having} ORDER BY u.id
"""


@dataclass(frozen=True)
class ExportedUnit:
    id: int
    source: str
    target: str
    count: int
    score: float | None
    reviewed: bool
    documents: tuple[str, ...]
    first_date: str | None
    last_date: str | None


def exported_units(tm: TranslationMemory, documents: tuple[str, ...] = (), min_score: float | None = None,
                   reviewed_only: bool = False) -> Iterator[ExportedUnit]:
    """Units with their provenance summed up, in import order, filtered.

    ``documents``: only units that occur in one of these documents (their other
    documents are still listed); ``min_score``: only units whose best alignment
    score is at least this (units without a score are left out then);
    ``reviewed_only``: only units reviewed somewhere.
    """
    conditions, having, params = [], [], []
    if documents:
        conditions.append(f"u.id IN (SELECT unit_id FROM occurrences WHERE document IN "
                          f"({','.join('?' * len(documents))}))")
        params += list(documents)
    if min_score is not None:
        having.append("max(o.score) >= ?")
    if reviewed_only:
        having.append("max(o.reviewed) = 1")
    sql = _FILTERED_UNITS.format(where=f"WHERE {' AND '.join(conditions)}" if conditions else "",
                                 having=f"HAVING {' AND '.join(having)}" if having else "")
    if min_score is not None:
        params.append(min_score)
    for row in tm.conn.execute(sql, params):
        unit_id, source, target, n, score, reviewed, docs, first, last = row
        yield ExportedUnit(unit_id, source, target, n, score, bool(reviewed),
                           _documents(docs), first, last)


def _documents(joined: str | None) -> tuple[str, ...]:
    # group_concat(DISTINCT ...) takes no separator: each name ends in U+001F, then ",".
    return tuple(sorted(part.strip("\x1f") for part in (joined or "").split("\x1f,") if part.strip("\x1f")))


def _tmx_date(iso: str | None) -> str | None:
    if not iso or len(iso) != 20:
        return None
    return iso.replace("-", "").replace(":", "")


def _tu_elements(units, src_lang: str, tgt_lang: str):
    from lxml import etree

    from alinea.tmx.hygiene import clean_attribute

    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for unit in units:
        tu = etree.Element("tu", tuid=str(unit.id), usagecount=str(unit.count))
        for name, value in (("creationdate", _tmx_date(unit.first_date)), ("changedate", _tmx_date(unit.last_date))):
            if value:
                tu.set(name, value)
        props = [("x-document", "; ".join(unit.documents)),
                 ("x-score", "" if unit.score is None else f"{unit.score:.4f}"),
                 ("x-reviewed", "yes" if unit.reviewed else ""), ("x-count", str(unit.count))]
        for kind, value in props:
            value = clean_attribute(value)
            if value:
                etree.SubElement(tu, "prop", type=kind).text = value
        for lang, text in ((src_lang, unit.source), (tgt_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
            etree.SubElement(tuv, "seg").text = text
        yield tu


def export(tm: TranslationMemory, path: str | os.PathLike, *, documents: tuple[str, ...] = (),
           min_score: float | None = None, reviewed_only: bool = False) -> int:
    """Write the memory's units (filtered as :func:`exported_units`) to ``path``: .tmx, .tsv, .csv or .xlsx.

    Written atomically; returns the number of units. An export that selects
    nothing is an error (no empty file is written).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".tmx", ".xml", ".tsv", ".tab", ".txt", ".csv", ".xlsx"):
        raise InputError(f"{path}: unsupported export format {suffix or '(no suffix)'!r} "
                         "(use .tmx, .tsv, .csv or .xlsx)")
    if path.exists() and path.resolve() == tm.path.resolve():
        raise InputError(f"{path}: the export would overwrite the translation memory")
    if min_score is not None and not 0 <= min_score <= 1:
        raise InputError(f"--min-score is an alignment score between 0 and 1, not {min_score}")
    units = list(exported_units(tm, documents, min_score, reviewed_only))
    if not units:
        known = [d for (d,) in tm.conn.execute("SELECT DISTINCT document FROM occurrences "
                                                "WHERE document IS NOT NULL ORDER BY document LIMIT 10")]
        hint = f"; documents in the memory: {', '.join(known)}" if documents and known else ""
        raise InputError(f"no unit of {tm.path} matches the export conditions; nothing written{hint}")
    if suffix in (".tmx", ".xml"):
        from alinea.tmx.writer import header_attributes, write_units

        header = header_attributes(tm.src_lang)
        return write_units(_tu_elements(units, tm.src_lang, tm.tgt_lang), path, header)
    import pandas as pd

    from alinea.tmx.tabular import write_table

    frame = pd.DataFrame([{
        "source": u.source, "target": u.target, "count": u.count,
        "score": "" if u.score is None else round(u.score, 4), "reviewed": "yes" if u.reviewed else "",
        "document": "; ".join(u.documents), "first_date": u.first_date or "", "last_date": u.last_date or "",
    } for u in units])
    write_table(frame, path)
    return len(units)


@dataclass
class MemoryStats:
    """What a memory holds."""

    path: str
    schema_version: int
    src_lang: str
    tgt_lang: str
    created: str | None
    units: int
    occurrences: int
    sources: int
    sources_with_conflicting_translations: int
    reviewed_units: int
    scored_units: int
    words: int
    imports: int
    documents: dict[str, int] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    size_bytes: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def stats(tm: TranslationMemory, max_files: int = 20) -> MemoryStats:
    """Counts of units, occurrences, conflicts, documents and imported files."""
    q = tm.conn.execute
    # Words separated by spaces, counted in SQL: a scan, not a tokenizer run per unit.
    units, words = q("SELECT count(*), coalesce(sum(length(source) - length(replace(source, ' ', '')) + 1), 0) "
                     "FROM units").fetchone()
    sources, conflicting = q("SELECT count(*), coalesce(sum(n > 1), 0) FROM "
                             "(SELECT count(*) AS n FROM units GROUP BY source_hash)").fetchone()
    occurrences = q("SELECT count(*) FROM occurrences").fetchone()[0]
    reviewed = q("SELECT count(DISTINCT unit_id) FROM occurrences WHERE reviewed = 1").fetchone()[0]
    scored = q("SELECT count(DISTINCT unit_id) FROM occurrences WHERE score IS NOT NULL").fetchone()[0]
    documents = dict(q("SELECT document, count(DISTINCT unit_id) FROM occurrences WHERE document IS NOT NULL "
                       "GROUP BY document ORDER BY count(DISTINCT unit_id) DESC, document LIMIT 50").fetchall())
    imports = q("SELECT count(*) FROM imports").fetchone()[0]
    files = [dict(zip(("file", "format", "imported_at", "units_read", "added", "merged", "skipped"), row))
             for row in q("SELECT file, format, imported_at, units_read, units_added, units_merged, units_skipped "
                          "FROM imports ORDER BY id DESC LIMIT ?", (max_files,))]
    size = sum(Path(f"{tm.path}{suffix}").stat().st_size for suffix in ("", "-wal")
               if Path(f"{tm.path}{suffix}").exists())
    version = q("PRAGMA user_version").fetchone()[0]
    return MemoryStats(str(tm.path), version, tm.src_lang, tm.tgt_lang, tm.meta.get("created"), units, occurrences,
                       sources, conflicting, reviewed, scored, words, imports, documents, files, size)
