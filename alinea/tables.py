"""alinea's tables: how every command writes and reads TSV, CSV and XLSX.

One convention for every table alinea writes (``align --tsv/--xlsx``,
``align-lines``, ``segment --format tsv``, ``report --tsv/--xlsx``, ``tmx
convert``, ``tm export``, the review's export, ``batch``) and one reader for
every table it reads (bead tables for ``report``, ``check``, ``tmx convert``,
``review`` and ``tm import``; glossaries and dictionaries; ``score``
references), so that any table one command writes another can read.

Writing:

- TSV (``.tsv``, ``.tab``, ``.txt``) and CSV (``.csv``) are UTF-8, one line
  per row ending in ``\\n``, quoted as RFC 4180 says and as Excel,
  LibreOffice, pandas and Python's ``csv`` module read: a cell that holds the
  delimiter or a double quote is enclosed in double quotes and its quotes are
  doubled (the text ``"Who's there?"`` is written ``\"\"\"Who's there?\"\"\"``). Every
  other cell is written as it is.
- A cell never holds a line break or a tab (they become spaces, so a row is a
  line for ``grep``, ``cut`` and every import dialog), nor a lone surrogate.
- A cell a spreadsheet would run as a formula (``=HYPERLINK(…)``) gets an
  apostrophe first (:func:`alinea.align.utils.formula_safe`, OWASP's advice).
- XLSX: one sheet, a bold frozen header with a filter, text cells stored as
  text (never as formulas), numbers as numbers, wide wrapped text columns.

Reading:

- XLSX: the first sheet, every value as text (``0.9871``, ``4``).
- TSV and CSV: the bytes are decoded as every text input is
  (:func:`alinea.align.read.decode_text`: a BOM, UTF-16, UTF-8, Windows-1252
  when the bytes really look like it; ``encoding`` overrides), then parsed
  with the quoting above; a CSV's delimiter is sniffed among ``,``, ``;``
  (Excel's in Spanish locales) and tab. The apostrophe of formula-safe cells
  is removed again.
- Which columns hold the two languages: :func:`find_text_columns`, the header
  recognition shared by the bead tables, glossaries and dictionaries.
"""
from __future__ import annotations

import csv
import io
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alinea.align.errors import InputError
from alinea.align.utils import formula_safe, formula_unescape

TSV_SUFFIXES = (".tsv", ".tab", ".txt")
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx",)
TABLE_SUFFIXES = TSV_SUFFIXES + CSV_SUFFIXES + XLSX_SUFFIXES

_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Dropped from cells, as the TMX and XLSX writers drop them: lone surrogates (not characters, not
# writable as UTF-8) and the other C0 controls and DEL (XML cannot hold them; a table full of them
# would read back as a binary file).
_DROPPED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\ud800-\udfff]")
_UNSAFE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
#: First characters of a cell that formula_safe may change: a formula start, or "'".
_FORMULA_OR_QUOTE = frozenset("=+-@\t\r'")
# Control characters that XLSX (XML) cannot store.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: Column widths in XLSX (characters); text columns are also wrapped.
_WIDE_COLUMNS = {"source": 70, "target": 70, "text": 90, "note": 40, "review": 28}


def table_format(path: str | os.PathLike) -> str:
    """``"tsv"``, ``"csv"`` or ``"xlsx"`` by the file suffix; InputError for anything else."""
    suffix = Path(path).suffix.lower()
    for name, suffixes in (("tsv", TSV_SUFFIXES), ("csv", CSV_SUFFIXES), ("xlsx", XLSX_SUFFIXES)):
        if suffix in suffixes:
            return name
    raise InputError(f"{path}: unsupported table format {suffix!r} (use .tsv, .csv or .xlsx)")


# --------------------------------------------------------------------------- writing

def cell_text(value: Any) -> str:
    """A value as the text of one TSV/CSV cell: on one line, UTF-8-safe, formula-safe."""
    if type(value) is str:
        # The usual cell needs nothing: one regex search (in C) says so.
        if not value or value[0] not in _FORMULA_OR_QUOTE and not _UNSAFE.search(value):
            return value
        text = value
    elif value is None:
        return ""
    elif isinstance(value, numbers.Real) and value != value:  # NaN: an empty cell
        return ""
    else:
        text = str(value)
    return formula_safe(_LINE_BREAKS.sub(" ", _DROPPED.sub("", text)))


def write_delimited(stream, header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = "\t") -> int:
    """Write a header and rows to a text stream as TSV (or CSV with ``delimiter=","``); returns the row count."""
    writer = csv.writer(stream, delimiter=delimiter, quotechar='"', doublequote=True,
                        quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow([cell_text(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
        count += 1
    return count


def write_table(path: str | os.PathLike, header: Sequence[str], rows: Iterable[Sequence[Any]],
                sheet: str = "table") -> int:
    """Write a table as TSV, CSV or XLSX (by the suffix of ``path``), atomically; returns the row count.

    ``sheet`` names the XLSX worksheet.
    """
    from alinea.align.utils import atomic_path

    kind = table_format(path)
    with atomic_path(path) as tmp:
        if kind == "xlsx":
            return _write_xlsx(tmp, header, rows, sheet)
        with open(tmp, "w", encoding="utf-8", newline="") as stream:
            return write_delimited(stream, header, rows, "," if kind == "csv" else "\t")


def _xlsx_value(value: Any) -> Any:
    """A cell value openpyxl stores as it should: text as text, numbers (numpy's too) as numbers."""
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if value != value else float(value)  # NaN: an empty cell
    return _XLSX_ILLEGAL.sub("", str(value))


def _write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_name: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    header = [str(name) for name in header]
    sheet.append([_xlsx_value(name) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrapped = [i for i, name in enumerate(header) if name in _WIDE_COLUMNS and name not in ("note", "review")]
    wrap = Alignment(wrap_text=True, vertical="top")
    count = 0
    for values in rows:
        # Cells made here and appended: looking a row up again (sheet[sheet.max_row])
        # scans the whole sheet, which makes a long table quadratic.
        cells = [Cell(sheet, value=_xlsx_value(value)) for value in values]
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula; a segment never is one
        for i in wrapped:
            if i < len(cells):
                cells[i].alignment = wrap
        sheet.append(cells)
        count += 1
    for i, name in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = _WIDE_COLUMNS.get(name, 12)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
    return count


# --------------------------------------------------------------------------- reading

@dataclass
class Table:
    """The rows of a table file, every cell as text, blank rows left out.

    ``rows[0]`` is the first row (a header, when the table has one); ``lines[i]``
    is the line (TSV/CSV) or sheet row (XLSX) of ``rows[i]``, for messages.
    """

    name: str
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)
    #: "\t", "," or ";" for a TSV/CSV, "" for a workbook
    delimiter: str = ""

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.rows else []


def read_table(path: str | os.PathLike, encoding: str | None = None, what: str = "table") -> Table:
    """Every row of a TSV, CSV or XLSX file (by suffix; other suffixes are read as delimited text).

    ``encoding`` is the encoding of a TSV/CSV (default: detected as for any text
    file); ``what`` names the file in messages ("glossary"). Formula-safe cells
    come back as they were. A missing, empty, undecodable or unparsable file is
    an :class:`InputError` with a one-line message.
    """
    from alinea.align.read import require_file

    path = Path(path)
    if require_file(path, f"a {what}", fifo=False).st_size == 0:
        raise InputError(f"{path}: the {what} is empty")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        table = _read_xlsx(path, what)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        table = parse_delimited(decode_table(data, str(path), encoding), str(path),
                                "\t" if suffix in TSV_SUFFIXES else None, what)
    if not table.rows:
        raise InputError(f"{path}: the {what} has no rows (only separators and blank lines)")
    return table


def decode_table(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of a TSV/CSV file: decoded as any text input (BOM, UTF-16, UTF-8, Windows-1252 …)."""
    from alinea.align.read import decode_text, sniff_format

    if sniff_format(data, name) != "text":
        raise InputError(f"{name}: is a PDF or Word document, not a table")
    text = decode_text(data, name, encoding)
    return text[1:] if text.startswith("\ufeff") else text


def parse_delimited(text: str, name: str = "table", delimiter: str | None = None, what: str = "table") -> Table:
    """Rows of TSV/CSV text; ``delimiter`` None sniffs it among ``,``, ``;`` and tab."""
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    if len(text) >= csv.field_size_limit():  # one long cell is legitimate (check warns about it)
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    rows: list[list[str]] = []
    lines: list[int] = []
    # Only a cell that starts with "'" can be formula-safe; most tables have none (a few searches, in C).
    escaped = text.startswith(("'", "\"'")) or any(d + q + "'" in text for d in "\t,;\n\r" for q in ('', '"'))
    # strict: a quote out of place ('"Hola" dijo', or one never closed, which would swallow the
    # rows after it) is an error at its line, not a silently merged or truncated cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=True)
    line = 1
    try:
        for row in reader:
            if any(row) and (row[0].strip() or any(cell.strip() for cell in row)):
                rows.append([formula_unescape(cell) if cell[:1] == "'" else cell for cell in row]
                            if escaped else row)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        hint = ""
        if "expected after" in str(exc) or "end of data" in str(exc):
            hint = (": a cell that starts with a double quote must end with one, and the double quotes "
                    "inside it must be doubled")
        raise InputError(f"{name}: line {line}: not a readable {what} ({exc}; delimiter: {shown}){hint}") from None
    return Table(name, rows, lines, delimiter)


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text: ``,`` ``;`` or tab, as :class:`csv.Sniffer` finds it (``,`` if unsure)."""
    sample = text[:16384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",;\t"}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, what: str) -> Table:
    from zipfile import BadZipFile

    from alinea.align.read import check_zip_expansion

    check_zip_expansion(path, str(path))
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows, lines = [], []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                row = [_xlsx_text(v) for v in values]
                if any(cell.strip() for cell in row):
                    while row and not row[-1]:
                        row.pop()
                    rows.append(row)
                    lines.append(number)
        finally:
            book.close()
    except InputError:
        raise
    except (BadZipFile, KeyError):
        raise InputError(f"{path}: not a readable Excel workbook (a damaged or renamed file)") from None
    except (ValueError, OSError, IndexError, TypeError, AttributeError) as exc:  # openpyxl's parse errors
        raise InputError(f"{path}: cannot read the {what}: {' '.join(str(exc).split())[:300]}") from None
    return Table(str(path), rows, lines)


# --------------------------------------------------------------------------- which column is which

#: Column names that say a column holds the source or the target text, best first.
ROLE_NAMES = {
    "source": ("source", "source text", "source_text", "src_text", "src", "original", "origen"),
    "target": ("target", "target text", "target_text", "tgt_text", "tgt", "translation", "traducción",
               "traduccion", "destino"),
}
#: Column names that say a column holds a language, besides its codes (es, es-ES, en_GB …).
LANGUAGE_NAMES = {
    "es": ("spa", "spanish", "español", "espanol", "castellano", "castilian", "term_es", "es_term"),
    "en": ("eng", "english", "inglés", "ingles", "term_en", "en_term"),
}
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")


def _column_key(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).lower()


def column_language(name: str) -> str | None:
    """The base language a column name stands for: "es" for ``es``, ``es-ES``, ``Spanish``,
    ``español``; "en" likewise; None for any other name."""
    key = _column_key(name)
    for lang, names in LANGUAGE_NAMES.items():
        if key in names:
            return lang
    match = _CODE.match(key)
    if match and match.group(1) in ("es", "spa", "en", "eng"):
        return "es" if match.group(1) in ("es", "spa") else "en"
    return None


def find_text_columns(header: Sequence[str], src_lang: str = "es", tgt_lang: str = "en") -> tuple[int, int] | None:
    """Which columns hold the source and the target text, or None when the header does not say.

    By role first (``source``/``target``, ``src_text``/``tgt_text`` …, in that
    order of preference), then by language: a column named after each
    language, the exact code first (``es-ES`` before ``es``), then its base
    language by code or name (``es``, ``Spanish``, ``español``).
    """
    keys = [_column_key(name) for name in header]

    def by_role(role: str) -> int | None:
        for name in ROLE_NAMES[role]:
            if name in keys:
                return keys.index(name)
        return None

    src, tgt = by_role("source"), by_role("target")
    if src is not None and tgt is not None and src != tgt:
        return src, tgt

    def by_language(lang: str) -> int | None:
        wanted = lang.lower().replace("_", "-")
        exact = [i for i, key in enumerate(keys) if key.replace("_", "-") == wanted]
        if exact:
            return exact[0]
        base = wanted.split("-")[0]
        for i, key in enumerate(keys):
            if key.replace("_", "-") == base:
                return i
        same = [i for i, key in enumerate(keys) if column_language(key) == base]
        return same[0] if same else None

    src, tgt = by_language(src_lang), by_language(tgt_lang)
    if src is not None and tgt is not None and src != tgt:
        return src, tgt
    return None


def sniff_table_header(path: str | os.PathLike) -> bool:
    """Whether a file's first line is a tab-separated header naming two text columns (an alinea
    table however it is named), for commands that want plain lines."""
    try:
        with open(path, "rb") as fh:
            first = fh.read(1 << 16).split(b"\n", 1)[0]
    except OSError:
        return False
    cells = first.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r").split("\t")
    return len(cells) >= 2 and find_text_columns(cells) is not None


def text_columns_hint(src_lang: str = "es", tgt_lang: str = "en") -> str:
    """What :func:`find_text_columns` recognises, for error messages."""
    return (f"a header naming the text columns source/target (or src_text/tgt_text), or the languages "
            f"({src_lang}/{tgt_lang}, Spanish/English, español/inglés)")


def language_pairs(table: Table, what: str = "glossary") -> list[tuple[str, str, int]]:
    """(Spanish, English, line) rows of a two-column term table (glossary, dictionary).

    A first row that names the columns (:func:`find_text_columns`) decides
    which they are and is not an entry; otherwise the first column is Spanish
    and the second English.
    """
    rows, lines = table.rows, table.lines
    columns = find_text_columns(table.header, "es", "en") if rows else None
    if columns is not None:
        rows, lines = rows[1:], lines[1:]
    es_col, en_col = columns or (0, 1)
    pairs = []
    for line, row in zip(lines, rows):
        if len(row) <= max(es_col, en_col):
            raise InputError(f"{table.name}: line {line} has {len(row)} column(s); a {what} needs a "
                             "Spanish and an English column")
        pairs.append((row[es_col], row[en_col], line))
    return pairs
