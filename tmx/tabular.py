"""Bitexts and translation units as pandas tables: TSV, CSV and XLSX export and import.

The table has one row per bead or unit (``COLUMNS``). Reading it back
rebuilds the bead structure from ``src_ids``/``tgt_ids`` (or ``type``) and a
unit's tuid and properties from ``tuid``, ``score``, ``paragraph``, ``kind``,
``document``, ``note`` and one ``prop:TYPE`` column per other property, so a
table edited in a spreadsheet can be turned into the same TMX again. Tables
from elsewhere work too if they have ``source``/``target`` columns or columns
named after the two languages (``es``/``en``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from alinea.align.errors import InputError
from alinea.align.model import Bitext
from alinea.align.utils import atomic_path, formula_safe, formula_unescape

_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Lone surrogates are not characters and cannot be written as UTF-8.
_SURROGATES = re.compile("[\ud800-\udfff]")
COLUMNS = ["bead", "type", "score", "paragraph", "src_ids", "tgt_ids", "source", "target", "tuid", "kind",
           "document"]
#: Columns that hold a TMX property of alinea's, and the property.
PROP_COLUMNS = {"score": "x-score", "paragraph": "x-paragraph", "kind": "x-kind", "document": "x-document"}
#: Prefix of the columns holding any other property (``prop:x-LastUsedBy``).
PROP_PREFIX = "prop:"
#: Between two notes of one unit in the ``note`` column.
NOTE_SEPARATOR = " | "


def bitext_frame(bitext: Bitext) -> pd.DataFrame:
    """One row per bead, in document order; ``tuid`` is the one :func:`~alinea.tmx.writer.write_tmx` gives."""
    rows = []
    document = bitext.meta.get("symbol", "")
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        rows.append({
            "bead": n, "type": bead.kind, "score": "" if bead.score is None else round(bead.score, 4),
            "paragraph": bitext.paragraph_number(bead) or "",
            "src_ids": ",".join(str(i + 1) for i in bead.src),
            "tgt_ids": ",".join(str(i + 1) for i in bead.tgt),
            "source": src, "target": tgt,
            "tuid": str(n), "kind": bitext.unit_kind(bead), "document": document,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def units_frame(units, src_lang: str = "es", tgt_lang: str = "en") -> pd.DataFrame:
    """One row per translation unit (``alinea.tmx.reader.TranslationUnit``) with its tuid, properties and notes.

    ``type``, ``src_ids`` and ``tgt_ids`` are filled only for units that say
    their bead type (x-bead), so converting back adds no property.
    """
    rows: list[dict] = []
    extra: dict[str, None] = {}  # the optional columns, in order of first use
    src_next = tgt_next = 1  # sentence numbers, as the bead type counts them
    for n, unit in enumerate(units, start=1):
        src, tgt = unit.text(src_lang) or "", unit.text(tgt_lang) or ""
        row = {"bead": n, "type": unit.bead_kind, "src_ids": "", "tgt_ids": "", "source": src, "target": tgt,
               "tuid": unit.tuid}
        if unit.bead_kind:
            n_src, n_tgt = (int(k) for k in unit.bead_kind.split("-"))
            row["src_ids"] = ",".join(str(i) for i in range(src_next, src_next + n_src))
            row["tgt_ids"] = ",".join(str(i) for i in range(tgt_next, tgt_next + n_tgt))
            src_next, tgt_next = src_next + n_src, tgt_next + n_tgt
        for column, prop in PROP_COLUMNS.items():
            row[column] = unit.props.get(prop, "")
        if row["score"] and unit.score is not None:
            row["score"] = round(unit.score, 4)  # a number in the spreadsheet
        for prop, value in unit.props.items():
            if prop not in PROP_COLUMNS.values() and prop != "x-bead":
                row[PROP_PREFIX + prop] = value
                extra[PROP_PREFIX + prop] = None
        if unit.notes:
            row["note"] = NOTE_SEPARATOR.join(unit.notes)
            extra["note"] = None
        rows.append(row)
    columns = COLUMNS + (["note"] if "note" in extra else []) + [c for c in extra if c != "note"]
    return pd.DataFrame(rows, columns=columns).fillna("")


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``frame`` as TSV, CSV or XLSX, chosen by the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".tsv", ".tab", ".txt", ".csv", ".xlsx"):
        raise InputError(f"{path}: unsupported table format {suffix!r} (use .tsv, .csv or .xlsx)")
    with atomic_path(path) as tmp:
        if suffix == ".xlsx":
            _write_xlsx(frame, tmp)
        else:
            sep = "," if suffix == ".csv" else "\t"
            # One line per row: a tab or line break inside a cell (a bare "\r" is not
            # even quoted by the csv module) would split the row for most tools. And no
            # cell may start like a formula ("=HYPERLINK(...)"): a spreadsheet would run it.
            flat = frame.map(lambda v: formula_safe(_LINE_BREAKS.sub(" ", _SURROGATES.sub("", v)))
                             if isinstance(v, str) else v)
            flat.to_csv(tmp, sep=sep, index=False, encoding="utf-8")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # openpyxl refuses control characters, and would store a segment starting
    # with "=" as a formula that Excel then runs: keep every text cell text.
    safe = frame.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", _SURROGATES.sub("", v)) if isinstance(v, str) else v)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name="beads")
        for row in writer.sheets["beads"].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A TSV/CSV/XLSX table with every cell as a string ("" for empty)."""
    from zipfile import BadZipFile

    from alinea.align.read import check_zip_expansion, require_file

    path = Path(path)
    suffix = path.suffix.lower()
    if require_file(path, "a table", fifo=False).st_size == 0:
        raise InputError(f"{path}: the table is empty")
    try:
        if suffix == ".xlsx":
            check_zip_expansion(path, str(path))
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        elif suffix in (".tsv", ".tab", ".txt", ".csv"):
            # keep_default_na=False: a segment reading "NA" or "null" is text, not missing.
            frame = pd.read_csv(path, sep="," if suffix == ".csv" else "\t", dtype=str,
                                keep_default_na=False, encoding="utf-8-sig")
            # Cells written formula-safe ("'=1+1") come back as they were.
            frame = frame.map(lambda v: formula_unescape(v) if isinstance(v, str) else v)
        else:
            raise InputError(f"{path}: unsupported table format {suffix!r} (use .tsv, .csv or .xlsx)")
    except InputError:
        raise
    except BadZipFile:
        raise InputError(f"{path}: not a readable Excel workbook (a damaged or renamed file)") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the table is not UTF-8 (byte offset {exc.start}); save it as UTF-8") from None
    except (ValueError, OSError, KeyError, IndexError, TypeError) as exc:  # pandas/openpyxl parse errors
        raise InputError(f"{path}: cannot read the table: {' '.join(str(exc).split())[:300]}") from None
    return frame.fillna("")


def _text_columns(frame: pd.DataFrame, src_lang: str, tgt_lang: str, path) -> tuple[str, str]:
    from .reader import match_lang

    columns = [str(c) for c in frame.columns]
    if "source" in columns and "target" in columns:
        return "source", "target"
    src, tgt = match_lang(columns, src_lang), match_lang(columns, tgt_lang)
    if src and tgt and src != tgt:
        return src, tgt
    raise InputError(f"{path}: the table needs 'source' and 'target' columns (or {src_lang!r} and "
                     f"{tgt_lang!r}); it has: {', '.join(columns) or 'no columns'}")


def _id_count(value: str) -> int | None:
    value = str(value).strip()
    if not value:
        return 0
    parts = value.split(",")
    return len(parts) if all(p.strip().isdigit() for p in parts) else None


def frame_units(frame: pd.DataFrame, src_lang: str = "es", tgt_lang: str = "en", path="table"):
    """Translation units (with alinea's properties) from the rows of a bead table."""
    from .reader import TranslationUnit

    src_col, tgt_col = _text_columns(frame, src_lang, tgt_lang, path)
    units = []
    for n, row in enumerate(frame.to_dict("records"), start=1):
        src = " ".join(str(row.get(src_col, "")).split())
        tgt = " ".join(str(row.get(tgt_col, "")).split())
        variants = {lang: text for lang, text in ((src_lang, src), (tgt_lang, tgt)) if text}
        props = {}
        n_src, n_tgt = _id_count(row.get("src_ids", "")), _id_count(row.get("tgt_ids", ""))
        if "src_ids" in row and n_src is not None and n_tgt is not None and n_src + n_tgt:
            props["x-bead"] = f"{n_src}-{n_tgt}"
        elif str(row.get("type", "")).strip():
            props["x-bead"] = str(row["type"]).strip()
        for column, prop in PROP_COLUMNS.items():
            if str(row.get(column, "")).strip():
                props[prop] = str(row[column]).strip()
        for column, value in row.items():
            if str(column).startswith(PROP_PREFIX) and len(str(column)) > len(PROP_PREFIX) and str(value).strip():
                props[str(column)[len(PROP_PREFIX):]] = " ".join(str(value).split())
        notes = [note.strip() for note in str(row.get("note", "")).split(NOTE_SEPARATOR) if note.strip()]
        tuid = str(row.get("tuid", "")).strip() or str(row.get("bead", "")).strip() or str(n)
        units.append(TranslationUnit(None, tuid, variants, props, notes, n + 1, str(path)))
    return units


def read_bitext_table(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> Bitext:
    """A bead table written by :func:`write_table` (or any source/target table) as a Bitext."""
    from .reader import units_bitext

    units = frame_units(read_table(path), src_lang, tgt_lang, path)
    return units_bitext(units, src_lang, tgt_lang, {"source_file": str(path)}, origin="table")
