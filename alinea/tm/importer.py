"""Import TMX files and alinea's TSV/CSV/XLSX tables into a translation memory.

Every file is read and checked before anything is written: a TMX must be one
that ``alinea tmx validate`` accepts (same validator, same located message),
a table must have the columns ``alinea tmx convert`` reads. Then each file is
written in one transaction: units new to the memory are added, units already
there (same source, same target) are merged and counted, and every occurrence
keeps its provenance (file, document, tuid, score, reviewed flag, bead type,
paragraph, date).

Reading does the per-unit work: the units go out of :func:`read_file` as
rows of a small in-memory SQLite database (``ReadFile.staged``, serialized),
so that the process that writes the memory, the one part of an import that
cannot run on several cores, copies them with ``INSERT … SELECT`` and does
nothing per unit in Python.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from alinea.align.errors import InputError
from alinea.align.read import require_file
from alinea.align.utils import file_sha256

from .match import normalize_space
from .store import TranslationMemory, _now

TMX_SUFFIXES = (".tmx", ".xml")
TABLE_SUFFIXES = (".tsv", ".tab", ".csv", ".xlsx")
_TRUE = {"1", "yes", "y", "true", "t", "reviewed", "x", "sí", "si", "ok"}
_FALSE = {"", "0", "no", "n", "false", "f", "none", "-"}


class IncomingUnit(NamedTuple):
    """One translation unit read from a file, with its provenance."""

    source: str
    target: str
    document: str | None = None
    tuid: str | None = None
    score: float | None = None
    reviewed: bool = False
    bead: str | None = None
    paragraph: str | None = None
    date: str | None = None


#: The staging table a read file's units travel in (one row per unit to import, in file order;
#: ``sh``/``th``: the 64-bit hashes of source and target that find identical units).
_STAGE = """CREATE TABLE incoming (
    pos INTEGER PRIMARY KEY, sh INTEGER NOT NULL, th INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    document TEXT, tuid TEXT, score REAL, reviewed INTEGER NOT NULL, bead TEXT, paragraph TEXT, date TEXT)"""
#: The columns of a staged row, in the order the readers make them (``pos`` is the row id: file order).
_STAGE_COLUMNS = "sh, th, source, target, document, tuid, score, reviewed, bead, paragraph, date"
#: The schema name the staged rows are attached under while a file is written.
_STAGE_SCHEMA = "alinea_stage"


@dataclass
class ReadFile:
    """A file read and checked, ready to be written in one transaction.

    ``staged`` holds its units as rows of :data:`_STAGE` in a serialized
    SQLite database (``sqlite3.Connection.serialize``): a few tens of MB per
    100,000 units, sent from a reading process in one piece and attached by
    the writer as it is. ``units`` reads them back as :class:`IncomingUnit`.
    """

    path: Path
    format: str
    sha256: str
    tool: str | None
    staged: bytes
    count: int  # units staged (to be imported)
    units_read: int
    skipped: Counter = field(default_factory=Counter)

    @property
    def units(self) -> list[IncomingUnit]:
        conn = sqlite3.connect(":memory:")
        try:
            conn.deserialize(self.staged)
            rows = conn.execute("SELECT source, target, document, tuid, score, reviewed, bead, paragraph, date "
                                "FROM incoming ORDER BY pos").fetchall()
        finally:
            conn.close()
        return [IncomingUnit(*row[:5], bool(row[5]), *row[6:]) for row in rows]


@dataclass
class ImportResult:
    """What one file brought to the memory."""

    file: str
    format: str
    units_read: int
    added: int = 0
    merged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    import_id: int | None = None
    already_imported: str | None = None  # the date of the earlier import, when the file was skipped

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _nfc(text: str) -> str:
    # The reader has already normalized whitespace; CAT tools compare NFC text.
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _flag(value: str | None, where: str) -> bool:
    text = str(value or "").strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{where}: reviewed flag {value!r} is neither yes nor no (use yes/no, true/false or 1/0)")


def _score(value: str | None) -> float | None:
    import math

    try:
        score = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return score if math.isfinite(score) else None


_TMX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")


def _tmx_date(value: str | None) -> str | None:
    """``20030701T120000Z`` as ``2003-07-01T12:00:00Z``; anything else as given (or None)."""
    value = (value or "").strip()
    match = _TMX_DATE.match(value)
    if match:
        y, mo, d, h, mi, s = match.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"
    return value or None


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TMX_SUFFIXES:
        return "tmx"
    if suffix in TABLE_SUFFIXES:
        return suffix.lstrip(".")
    raise InputError(f"{path}: unsupported format {suffix or '(no suffix)'!r}: import .tmx files or alinea's "
                     ".tsv, .csv or .xlsx tables")


def read_file(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
              document: str | None = None, reviewed: bool = False) -> ReadFile:
    """Read and check one file; InputError (nothing written anywhere) when it is not importable.

    ``document`` names the document of units that do not say (``x-document``);
    ``reviewed`` marks every unit of the file as reviewed.
    """
    path = Path(path)
    require_file(path, "a TMX file or table", fifo=False)
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    kind = file_format(path)
    if kind == "tmx":
        read = _read_tmx(path, src_lang, tgt_lang, document, reviewed)
    else:
        read = _read_table(path, kind, src_lang, tgt_lang, document, reviewed)
    if not read.count:
        reasons = ", ".join(f"{n} {why}" for why, n in read.skipped.most_common()) or "the file has no units"
        raise InputError(f"{path}: no {src_lang}-{tgt_lang} translation unit to import ({reasons})")
    return read


def _read_tmx(path: Path, src_lang: str, tgt_lang: str, document: str | None, reviewed: bool) -> ReadFile:
    from alinea.tmx.reader import header_of, parse_tmx
    from alinea.tmx.validate import may_have_errors, validate_tmx

    tree = parse_tmx(path)  # malformed XML, entities, not TMX: the located message validate gives
    # The full structural check walks every element in Python; the screen
    # (DTD in C) lets through only files it would find no error in.
    if may_have_errors(path, tree):
        validation = validate_tmx(path)
        if not validation.ok:
            errors = validation.errors
            more = f" (and {len(errors) - 1} more error(s): `alinea tmx validate {path}` lists them)" \
                if len(errors) > 1 else ""
            raise InputError(f"{errors[0].located(path)}{more}; nothing imported")
    header = header_of(tree)
    header_date = _tmx_date(header.get("changedate") or header.get("creationdate"))
    rows, read, skipped = _tmx_rows(tree, path, src_lang, tgt_lang, document, reviewed, header_date)
    return ReadFile(path, "tmx", file_sha256(path), header.get("creationtool") or None, _stage(rows), len(rows),
                    read, skipped)


def _collapse_space(text: str) -> str:
    """``" ".join(text.split())``, without splitting text that has nothing to collapse (most segments)."""
    # isprintable() is False for every whitespace character but the space (tab, newline,
    # no-break and other Unicode spaces), so a printable text needs only the three space checks.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _tmx_rows(tree, path: Path, src_lang: str, tgt_lang: str, document: str | None, reviewed: bool,
              header_date: str | None) -> tuple[list[tuple], int, Counter]:
    """The staging rows of a checked TMX, the number of <tu>s read and the skipped ones by reason.

    This reads what :func:`alinea.tmx.reader.iter_units` reads (the same texts,
    properties and notes; ``tests/test_tm.py`` compares them) straight into
    columns, without a TranslationUnit per ``<tu>``: it is most of the reading
    time of a million-unit import.
    """
    from alinea.tmx.props import bead_numbers, bead_problem
    from alinea.tmx.reader import XML_LANG, match_lang, segment_text

    sources: list[str] = []
    targets: list[str] = []
    tuids: list[str] = []
    documents: list[str | None] = []
    scores: list[float | None] = []
    flags: list[bool] = []
    beads: list[str | None] = []
    paragraphs: list[str | None] = []
    dates: list[str | None] = []
    skipped: Counter = Counter()
    # Caches: language attributes, which variant is source and target per set of codes
    # (a file has one or two such sets), and the values repeated across thousands of units
    # (documents, scores, reviewed flags, bead types, dates).
    langs: dict[str, str] = {}
    sides: dict[tuple[str, ...], tuple[str | None, str | None]] = {}
    score_of: dict[str, float | None] = {}
    document_of: dict[str | None, str | None] = {None: document}
    date_of: dict[str | None, str | None] = {None: header_date}
    flag_of: dict[str | None, bool] = {None: reviewed}
    bead_of: dict[str, str | None] = {}
    n = 0
    for n, tu in enumerate(tree.getroot().find("body").iterchildren("tu"), start=1):
        variants: dict[str, str] = {}
        props: dict[str, str] = {}
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                # A checked <tuv> ends with its one <seg> (the DTD's "(note|prop)*, seg").
                seg = child[-1] if len(child) else None
                if seg is None or seg.tag != "seg":
                    seg = child.find("seg")
                    if seg is None:
                        continue
                raw = child.get(XML_LANG) or child.get("lang") or ""
                lang = langs.get(raw)
                if lang is None:
                    lang = langs[raw] = raw.strip().replace("_", "-")
                if lang and lang not in variants:
                    text = seg.text
                    variants[lang] = _collapse_space(text) if text and not len(seg) else segment_text(seg)
            elif tag == "prop":
                kind = child.get("type", "")
                if kind not in props:
                    props[kind] = child.text or ""
        codes = tuple(variants)
        side = sides.get(codes)
        if side is None:
            side = sides[codes] = (match_lang(codes, src_lang), match_lang(codes, tgt_lang))
        source = variants[side[0]] if side[0] else None
        target = variants[side[1]] if side[1] else None
        if not source or not target:
            # Notes matter only here: " ".join(note.split()).startswith(...) is lstrip().startswith(...).
            if any((note.text or "").lstrip().startswith("unaligned") for note in tu.iterchildren("note")):
                skipped["unaligned"] += 1
            else:
                skipped[f"without {src_lang if not source else tgt_lang}"] += 1
            continue
        sources.append(_nfc(source))
        targets.append(_nfc(target))
        tuids.append(tu.get("tuid") or str(n))
        if props:
            value = props.get("x-document")
            if value not in document_of:
                document_of[value] = _collapse_space(value) or document
            documents.append(document_of[value])
            value = props.get("x-score")
            if value is None:
                scores.append(None)
            else:
                scores.append(score_of[value] if value in score_of else score_of.setdefault(value, _score(value)))
            value = props.get("x-reviewed")
            if value not in flag_of:
                flag_of[value] = reviewed or _flag(_collapse_space(value), f"{path}:{tu.sourceline or 0}")
            flags.append(flag_of[value])
            value = props.get("x-bead")
            if value is None:
                beads.append(None)
            else:  # refused unless a bead type, as TranslationUnit.bead_kind refuses it
                if value not in bead_of:
                    kind = _collapse_space(value)
                    if kind and bead_numbers(kind) is None:
                        raise InputError(f"{path}:{tu.sourceline or 0}: unit {tu.get('tuid') or n}: "
                                         f"{bead_problem(kind, None, None)}")
                    bead_of[value] = kind or None
                beads.append(bead_of[value])
            value = props.get("x-paragraph")
            paragraphs.append(_collapse_space(value) or None if value is not None else None)
        else:
            documents.append(document)
            scores.append(None)
            flags.append(reviewed)
            beads.append(None)
            paragraphs.append(None)
        value = tu.get("changedate") or tu.get("creationdate") or None
        if value not in date_of:
            date_of[value] = _tmx_date(value)
        dates.append(date_of[value])
    rows = list(zip(map(_hash, sources), map(_hash, targets), sources, targets, documents, tuids, scores, flags,
                    beads, paragraphs, dates))
    return rows, n, skipped


def _stage(rows: list[tuple]) -> bytes:
    """``rows`` as a serialized SQLite database holding the table :data:`_STAGE`."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(_STAGE)
        with conn:
            conn.executemany(f"INSERT INTO incoming({_STAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return conn.serialize()
    finally:
        conn.close()


def _read_table(path: Path, kind: str, src_lang: str, tgt_lang: str, document: str | None,
                reviewed: bool) -> ReadFile:
    from alinea.tmx.tabular import frame_units, read_table

    frame = read_table(path)
    table_units = frame_units(frame, src_lang, tgt_lang, path)
    flags = frame["reviewed"].tolist() if "reviewed" in frame.columns else [""] * len(frame)
    rows: list[tuple] = []
    skipped: Counter = Counter()
    for unit, flag in zip(table_units, flags):
        source, target = unit.text(src_lang), unit.text(tgt_lang)
        if not source or not target:
            skipped["unaligned" if (source or target) else "empty row"] += 1
            continue
        source, target = normalize_space(source), normalize_space(target)
        rows.append((_hash(source), _hash(target), source, target, unit.props.get("x-document") or document,
                     unit.tuid, _score(unit.props.get("x-score")), reviewed or _flag(flag, f"{path}:{unit.line}"),
                     unit.bead_kind or None, unit.props.get("x-paragraph") or None, None))
    return ReadFile(path, kind, file_sha256(path), None, _stage(rows), len(rows), len(table_units), skipped)


@contextmanager
def _attached(tm: TranslationMemory, read: ReadFile) -> Iterator[str]:
    """The file's staged rows attached to the memory's connection (outside any transaction, as SQLite wants)."""
    conn = tm.conn
    conn.execute(f"ATTACH DATABASE ':memory:' AS {_STAGE_SCHEMA}")
    try:
        conn.deserialize(read.staged, name=_STAGE_SCHEMA)
        yield _STAGE_SCHEMA
    finally:
        conn.execute(f"DETACH DATABASE {_STAGE_SCHEMA}")


def write_units(tm: TranslationMemory, read: ReadFile, force: bool = False) -> ImportResult:
    """Write one read file in one transaction (all of it or, on any failure, none)."""
    result = ImportResult(str(read.path), read.format, read.units_read, skipped=sum(read.skipped.values()),
                          skipped_reasons=dict(read.skipped))
    with _attached(tm, read) as stage, tm.transaction() as conn:
        if not force:
            earlier = conn.execute("SELECT imported_at FROM imports WHERE sha256 = ? ORDER BY id LIMIT 1",
                                   (read.sha256,)).fetchone()
            if earlier:
                result.already_imported = earlier[0]
                return result
        cursor = conn.execute(
            "INSERT INTO imports(file, sha256, format, tool, imported_at, units_read, units_added, units_merged, "
            "units_skipped) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)",
            (str(read.path.resolve()), read.sha256, read.format, read.tool, _now(), read.units_read, result.skipped))
        result.import_id = cursor.lastrowid
        before = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        # The first occurrence of a new pair gives the unit its id (file order);
        # a pair already in the memory, or met earlier in the file, is ignored here
        # and counted through its occurrence below. Two pairs are the same when
        # both 64-bit hashes agree (a chance collision is ~2^-128).
        result.added = conn.execute("INSERT OR IGNORE INTO units(source, target, source_hash, target_hash) "
                                    f"SELECT source, target, sh, th FROM {stage}.incoming ORDER BY pos").rowcount
        result.merged = read.count - result.added
        conn.execute("INSERT INTO units_words(rowid, source) SELECT id, source FROM units WHERE id > ?", (before,))
        conn.execute("INSERT INTO units_fts(rowid, source, target) SELECT id, source, target FROM units "
                     "WHERE id > ?", (before,))
        conn.execute("INSERT INTO occurrences(unit_id, import_id, document, tuid, score, reviewed, bead, paragraph, "
                     "date) SELECT u.id, ?, i.document, i.tuid, i.score, i.reviewed, i.bead, i.paragraph, i.date "
                     f"FROM {stage}.incoming i JOIN units u ON u.source_hash = i.sh AND u.target_hash = i.th "
                     "ORDER BY i.pos", (result.import_id,))
        conn.execute("UPDATE imports SET units_added = ?, units_merged = ? WHERE id = ?",
                     (result.added, result.merged, result.import_id))
    return result


def import_file(tm: TranslationMemory, path: str | os.PathLike, *, document: str | None = None,
                reviewed: bool = False, force: bool = False) -> ImportResult:
    """Import one file in one transaction; a file imported before (same SHA-256) is skipped unless ``force``."""
    return write_units(tm, read_file(path, tm.src_lang, tm.tgt_lang, document, reviewed), force)


def read_files(paths: Iterable[str | os.PathLike], src_lang: str = "es", tgt_lang: str = "en", *,
               document: str | None = None, reviewed: bool = False,
               memory: str | os.PathLike | None = None, workers: int | None = None) -> list[ReadFile]:
    """Read and check every file before anything is written (a file given twice, or the memory itself, is refused).

    Several files are read by ``workers`` processes at once (default: one per
    CPU): parsing and checking a TMX is most of an import's work, and each
    file is independent. The first bad file, in the order given, is the error.
    """
    seen: set[Path] = set()
    paths = [Path(p) for p in paths]
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise InputError(f"{path}: given twice")
        seen.add(key)
        if memory is not None and key == Path(memory).resolve():
            raise InputError(f"{path}: is the translation memory itself")
        require_file(path, "a TMX file or table", fifo=False)
    workers = min(len(paths), workers or os.cpu_count() or 1)
    options = (src_lang, tgt_lang, document, reviewed)
    if workers < 2:
        return [read_file(p, *options) for p in paths]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "spawn": a forked child would inherit the caller's open SQLite connection.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(read_file, p, *options) for p in paths]
        return [future.result() for future in futures]


def import_files(tm: TranslationMemory, paths: Iterable[str | os.PathLike], *, document: str | None = None,
                 reviewed: bool = False, force: bool = False,
                 progress: Callable[[ImportResult], None] | None = None,
                 workers: int | None = None) -> list[ImportResult]:
    """Read and check every file (bad input: nothing imported), then import each in its own transaction.

    ``workers``: processes reading the files (default: one per CPU; see :func:`read_files`).
    """
    read = read_files(paths, tm.src_lang, tm.tgt_lang, document=document, reviewed=reviewed, memory=tm.path,
                      workers=workers)
    results = []
    for item in read:
        result = write_units(tm, item, force)
        results.append(result)
        if progress:
            progress(result)
    return results
