"""Small helpers shared by every stage."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LANGS = ("es", "en")


def check_lang(lang: str) -> str:
    """Return the base language code ("es" for "es-ES") or raise InputError."""
    from .errors import InputError

    base = base_lang(lang)
    if base not in LANGS:
        raise InputError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}")
    return base


#: A BCP 47-looking language code: es, es-ES, es-419, en_GB (TMX files write "_" too).
_LANG_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def tmx_lang(code: str) -> str:
    """A language code as TMX writes it: ``es``, ``es-ES``, ``en-US`` (``es_ES`` accepted)."""
    code = (code or "").strip().replace("_", "-")
    if not _LANG_CODE.match(code):
        from .errors import InputError

        raise InputError(f"invalid language code {code!r}: use a code such as es, es-ES, en or en-US")
    return canonical_lang(code)


def canonical_lang(code: str) -> str:
    """A language code in BCP 47's conventional case: ``es-ES``, ``en-GB``, ``es-419``, ``sr-Latn-RS``.

    BCP 47 codes are case-insensitive (and TMX files write ``_`` too): ``EN-GB``,
    ``en-gb`` and ``en_GB`` are one language, shown as ``en-GB``. Any string is
    accepted; it is only re-cased.
    """
    base, *rest = (code or "").strip().replace("_", "-").split("-")
    parts = [base.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # region
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script
        else:
            parts.append(part.lower())
    return "-".join(parts)


def base_lang(code: str) -> str:
    """``es`` for ``es-ES``, ``ES_es`` or ``es``."""
    return (code or "").replace("_", "-").split("-")[0].lower()


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, as hex (read in 1 MiB blocks: memory stays flat on a big file)."""
    import hashlib  # (its OpenSSL binding costs ~3 ms of every start; only batch and review hash files)

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resource_text(name: str, missing_ok: bool = False) -> str:
    """The text of a file shipped in ``alinea/align/resources/`` ("" if absent and ``missing_ok``)."""
    # Read beside this module, not through importlib.resources (whose import costs ~5 ms of
    # every start): alinea is installed as files, never run from a zip.
    path = Path(__file__).parent / "resources" / name
    if missing_ok and not path.is_file():
        return ""
    return path.read_text(encoding="utf-8")


def table_rows(text: str, width: int) -> list[tuple[str, ...]]:
    """The rows of a resource table's text: one row a line, tab-separated cells, stripped; blank
    lines and ``#`` comments skipped; each row cut or padded with "" to ``width`` cells."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")][:width]
        rows.append(tuple(cells + [""] * (width - len(cells))))
    return rows


def resource_rows(name: str, width: int) -> list[tuple[str, ...]]:
    """The rows (:func:`table_rows`) of a table shipped in ``alinea/align/resources/`` (``es_en_words.tsv`` …)."""
    return table_rows(resource_text(name), width)


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place.

    A failure half-way leaves no partial output behind: the temporary file is
    removed and ``path`` keeps its previous content (or stays absent).
    """
    with atomic_path(path) as tmp:
        if "b" in mode:
            with open(tmp, mode) as fh:
                yield fh
        else:
            with open(tmp, mode, encoding=encoding, newline="") as fh:
                yield fh


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Like :func:`atomic_write` for libraries that want a file name, not a handle.

    A one-output :class:`alinea.outputs.OutputPlan`: symlinks are written
    through, FIFOs and character devices written directly, ``-`` is standard
    output, and a missing folder is created.
    """
    from alinea.outputs import OutputPlan

    with OutputPlan() as plan:
        output = plan.add(path)
        yield output.path
        plan.commit()


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    """A table cell that no spreadsheet runs as a formula: ``'`` before a formula start.

    OWASP's advice, as translate-toolkit's ``escape_formulas`` does for its CSV
    files, plus tab and CR, and reversible (:func:`formula_unescape`): a cell
    that already starts with ``'`` and then a formula start or ``'`` gets one more.
    """
    if cell.startswith(FORMULA_STARTS) or cell != formula_unescape(cell):
        return "'" + cell
    return cell


def formula_unescape(cell: str) -> str:
    """The text :func:`formula_safe` was given (a table read back)."""
    if cell.startswith("'") and cell[1:2] and cell[1] in (*FORMULA_STARTS, "'"):
        return cell[1:]
    return cell


def fold(text: str) -> str:
    """Text for searching, case and accents ignored ("Migración" finds "MIGRACION"), compatibility
    characters spelled out ("ﬁ" is "fi"): what SQLite FTS5's ``remove_diacritics 2`` tokenizer sees.
    The one folding of the review's search and the memory's concordance."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def available_cpus() -> int:
    """CPUs this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
