"""Bitexts and translation units as pandas tables: TSV, CSV and XLSX export and import.

The table has one row per bead or unit (``COLUMNS``). Reading it back
rebuilds the bead structure from ``src_ids``/``tgt_ids`` (or ``type``) and a
unit's tuid and properties from ``tuid``, ``score``, ``paragraph``, ``kind``,
``document``, ``note`` and one ``prop:TYPE`` column per other property, so a
table edited in a spreadsheet can be turned into the same TMX again. Tables
from elsewhere work too when their header names the text columns
(``source``/``target``, or the languages: ``es``/``en``, ``Spanish``/``English``
…; :func:`alinea.tables.find_text_columns`), and so do the ``align-lines``
tables of alinea 0.2 (``src``, ``tgt``, ``score``, ``src_text``, ``tgt_text``).

How the files are written and read (quoting, formula escapes, decoding,
XLSX) is :mod:`alinea.tables`, the one table module every command uses.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from alinea.align.errors import InputError
from alinea.align.model import Bitext
from alinea.tables import Table, find_text_columns, text_columns_hint

if TYPE_CHECKING:  # pandas is imported by the functions that build frames: align-lines needs none
    import pandas as pd

COLUMNS = ["bead", "type", "score", "paragraph", "src_ids", "tgt_ids", "source", "target", "tuid", "kind",
           "document"]
#: Columns that hold a TMX property of alinea's, and the property.
PROP_COLUMNS = {"score": "x-score", "paragraph": "x-paragraph", "kind": "x-kind", "document": "x-document"}
#: Prefix of the columns holding any other property (``prop:x-LastUsedBy``).
PROP_PREFIX = "prop:"
#: Between two notes of one unit in the ``note`` column.
NOTE_SEPARATOR = " | "


def bead_rows(bitext: Bitext, src_numbers=None, tgt_numbers=None) -> list[list]:
    """One row per bead (the cells of ``COLUMNS``), in document order; ``tuid`` is the one
    :func:`~alinea.tmx.writer.write_tmx` gives.

    ``src_ids``/``tgt_ids`` number the bead's sentences from 1; ``src_numbers``/
    ``tgt_numbers`` (one per sentence) number them otherwise, e.g. by their
    lines in the input files (``align-lines``).
    """
    src_numbers = list(src_numbers) if src_numbers is not None else range(1, len(bitext.src) + 1)
    tgt_numbers = list(tgt_numbers) if tgt_numbers is not None else range(1, len(bitext.tgt) + 1)
    document = bitext.meta.get("symbol", "")
    return [[n, bead.kind, "" if bead.score is None else round(bead.score, 4),
             bitext.paragraph_number(bead) or "",
             ",".join(str(src_numbers[i]) for i in bead.src), ",".join(str(tgt_numbers[i]) for i in bead.tgt),
             src, tgt, str(n), bitext.unit_kind(bead), document]
            for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1)]


def write_bead_table(bitext: Bitext, path: str | os.PathLike, src_numbers=None, tgt_numbers=None) -> int:
    """The bead table (:func:`bead_rows`) as TSV, CSV or XLSX by the file suffix, without pandas."""
    from alinea.tables import write_table as write_file

    return write_file(path, COLUMNS, bead_rows(bitext, src_numbers, tgt_numbers), "beads")


def bitext_frame(bitext: Bitext, src_numbers=None, tgt_numbers=None) -> pd.DataFrame:
    """The bead table (:func:`bead_rows`) as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(bead_rows(bitext, src_numbers, tgt_numbers), columns=COLUMNS)


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
        counts = unit.bead_counts(src_lang, tgt_lang)
        row = {"bead": n, "type": unit.bead_kind, "src_ids": "", "tgt_ids": "", "source": src, "target": tgt,
               "tuid": unit.tuid}
        if counts:
            n_src, n_tgt = counts
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
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).fillna("")


def write_table(frame: pd.DataFrame, path: str | os.PathLike, sheet: str = "beads") -> int:
    """Write ``frame`` as TSV, CSV or XLSX, chosen by the file suffix (:func:`alinea.tables.write_table`)."""
    from alinea.tables import write_table as write_file

    return write_file(path, [str(c) for c in frame.columns], frame.itertuples(index=False, name=None), sheet)


def read_table(path: str | os.PathLike, encoding: str | None = None) -> pd.DataFrame:
    """A TSV/CSV/XLSX table with a header, every cell as a string ("" for empty).

    ``encoding``: of a TSV/CSV (default: detected, as for any text file).
    """
    from alinea.tables import read_table as read_file

    return table_frame(read_file(path, encoding))


def table_frame(table: Table) -> pd.DataFrame:
    """A :class:`alinea.tables.Table` whose first row is its header, as a DataFrame of strings."""
    header = _unique_names(table.header)
    width = len(header)
    rows = table.rows[1:]
    if not all(len(row) == width for row in rows):
        rows = list(rows)
        for n, row in enumerate(rows):
            if any(cell.strip() for cell in row[width:]):
                raise InputError(f"{table.name}: line {table.lines[n + 1]} has {len(row)} cells, but the header "
                                 f"names {width} columns")
            rows[n] = row[:width] + [""] * (width - len(row))
    import pandas as pd

    return pd.DataFrame(rows, columns=header, dtype=str)


def _unique_names(header: list[str]) -> list[str]:
    """Column names as pandas makes them: an empty one ``Unnamed: 3``, a repeated one ``note.1``."""
    names: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"Unnamed: {i}"
        base, k = name, 0
        while name in names:
            k += 1
            name = f"{base}.{k}"
        names.append(name)
    return names


def _text_columns(frame: pd.DataFrame, src_lang: str, tgt_lang: str, path) -> tuple[str, str]:
    columns = [str(c) for c in frame.columns]
    found = find_text_columns(columns, src_lang, tgt_lang)
    if found is None:
        raise InputError(f"{path}: which columns hold the {src_lang!r} and {tgt_lang!r} text? The table needs "
                         f"{text_columns_hint(src_lang, tgt_lang)}; it has: {', '.join(columns) or 'no columns'}")
    return columns[found[0]], columns[found[1]]


def _id_columns(columns: list[str], src_col: str) -> tuple[str, str] | None:
    """The columns listing each bead's sentences: ``src_ids``/``tgt_ids``, or ``src``/``tgt`` next to
    ``src_text``/``tgt_text`` (alinea 0.2's align-lines tables)."""
    if "src_ids" in columns and "tgt_ids" in columns:
        return "src_ids", "tgt_ids"
    if src_col == "src_text" and "src" in columns and "tgt" in columns:
        return "src", "tgt"
    return None


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
    ids = _id_columns([str(c) for c in frame.columns], src_col)
    units = []
    for n, row in enumerate(frame.to_dict("records"), start=1):
        src = " ".join(str(row.get(src_col, "")).split())
        tgt = " ".join(str(row.get(tgt_col, "")).split())
        variants = {lang: text for lang, text in ((src_lang, src), (tgt_lang, tgt)) if text}
        props = {}
        n_src, n_tgt = (_id_count(row.get(c, "")) for c in ids) if ids else (None, None)
        if n_src is not None and n_tgt is not None and n_src + n_tgt:
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


def read_bitext_table(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
                      encoding: str | None = None) -> Bitext:
    """A bead table written by :func:`write_table` (or any source/target table) as a Bitext."""
    from .reader import units_bitext

    units = frame_units(read_table(path, encoding), src_lang, tgt_lang, path)
    return units_bitext(units, src_lang, tgt_lang, {"source_file": str(path)}, origin="table")
