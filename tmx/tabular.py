"""Bitexts as pandas tables: TSV, CSV and XLSX export and import.

The table has one row per bead (``COLUMNS``). Reading it back rebuilds the
bead structure from ``src_ids``/``tgt_ids`` (or ``type``), so a table edited
in a spreadsheet can be turned into a TMX again. Tables from elsewhere work
too if they have ``source``/``target`` columns or columns named after the
two languages (``es``/``en``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from alinea.align.errors import InputError
from alinea.align.model import Bitext
from alinea.align.utils import atomic_path

_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Lone surrogates are not characters and cannot be written as UTF-8.
_SURROGATES = re.compile("[\ud800-\udfff]")
COLUMNS = ["bead", "type", "score", "paragraph", "src_ids", "tgt_ids", "source", "target"]


def bitext_frame(bitext: Bitext) -> pd.DataFrame:
    """One row per bead, in document order."""
    rows = []
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        rows.append({
            "bead": n, "type": bead.kind, "score": round(bead.score, 4),
            "paragraph": bitext.paragraph_number(bead) or "",
            "src_ids": ",".join(str(i + 1) for i in bead.src),
            "tgt_ids": ",".join(str(i + 1) for i in bead.tgt),
            "source": src, "target": tgt,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


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
            # even quoted by the csv module) would split the row for most tools.
            flat = frame.map(lambda v: _LINE_BREAKS.sub(" ", _SURROGATES.sub("", v)) if isinstance(v, str) else v)
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
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        elif suffix in (".tsv", ".tab", ".txt", ".csv"):
            # keep_default_na=False: a segment reading "NA" or "null" is text, not missing.
            frame = pd.read_csv(path, sep="," if suffix == ".csv" else "\t", dtype=str,
                                keep_default_na=False, encoding="utf-8-sig")
        else:
            raise InputError(f"{path}: unsupported table format {suffix!r} (use .tsv, .csv or .xlsx)")
    except InputError:
        raise
    except (ValueError, OSError, KeyError) as exc:  # pandas/openpyxl parse errors
        raise InputError(f"{path}: cannot read the table: {' '.join(str(exc).split())}") from None
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
        if "src_ids" in row and n_src is not None and n_tgt is not None:
            props["x-bead"] = f"{n_src}-{n_tgt}"
        elif str(row.get("type", "")).strip():
            props["x-bead"] = str(row["type"]).strip()
        for column, prop in (("score", "x-score"), ("paragraph", "x-paragraph"), ("document", "x-document")):
            if str(row.get(column, "")).strip():
                props[prop] = str(row[column]).strip()
        units.append(TranslationUnit(None, str(row.get("bead") or n), variants, props, [], n + 1))
    return units


def read_bitext_table(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> Bitext:
    """A bead table written by :func:`write_table` (or any source/target table) as a Bitext."""
    from .reader import units_bitext

    units = frame_units(read_table(path), src_lang, tgt_lang, path)
    return units_bitext(units, src_lang, tgt_lang, {"source_file": str(path)}, origin="table")
