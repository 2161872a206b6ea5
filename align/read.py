"""Stage 1: read a document file into a Python string.

Plain text is decoded from UTF-8 (with or without BOM), UTF-16 (with a BOM, or
without one when the NUL bytes show it), then Windows-1252/Latin-1, and only
then whatever charset-normalizer detects. Word files are read with python-docx, PDFs with pypdf. Every
failure is an :class:`InputError` with a one-line message.
"""
from __future__ import annotations

import codecs
import os
from pathlib import Path

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}


def read_document(path: str | os.PathLike) -> str:
    """Return the text of ``path`` (.txt/.md, .docx or .pdf)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.exists() and not path.is_dir() and suffix not in SUFFIXES:
        raise InputError(f"{path}: unsupported format {suffix!r} (use .txt, .md, .docx or .pdf)")
    data = _read_bytes(path)
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pdf":
        text = _pdf_text(path)
    else:
        text = decode_text(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: no text found in the document")
    return text


def read_plain_text(path: str | os.PathLike) -> str:
    """The text of a plain-text file whatever its suffix (MT output, line files)."""
    path = Path(path)
    text = decode_text(_read_bytes(path), str(path))
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text


def _read_bytes(path: Path) -> bytes:
    """The bytes of an existing, non-empty file, or a one-line InputError."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    return data


def decode_text(data: bytes, name: str = "input") -> str:
    """Decode the bytes of a plain-text file, detecting the encoding.

    Order: a BOM (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM when a third or
    more of the bytes are NUL; UTF-8; Windows-1252; charset-normalizer's guess.
    Binary data is refused with :class:`InputError`.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid {enc} text at byte {exc.start}") from None
    # UTF-16 without a BOM: ASCII-range text shows up as every other byte NUL.
    if len(data) >= 4 and data.count(b"\x00") >= len(data) // 3:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            raise InputError(f"{name}: cannot decode the text: it looks like a binary file") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if _binary(data):
            raise InputError(f"{name}: cannot decode the text: it looks like a binary file")
        return text
    if _binary(data):
        raise InputError(f"{name}: cannot decode the text: it looks like a binary file (not UTF-8 at byte {utf8_error.start})")
    # Spanish and English text that is not UTF-8 is, in practice, Windows-1252
    # (a superset of Latin-1 for printable text). Statistical detection guesses
    # wrong on short texts (a Spanish sentence comes out as Cyrillic), so
    # cp1252 goes first and charset-normalizer only handles what it can't decode.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{name}: cannot decode the text (not UTF-8 at byte {utf8_error.start}, "
            "and no other encoding fits)"
        )
    return str(best)


def _binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) // 20


def _docx_text(path: Path) -> str:
    """Paragraphs and table rows in document order, one per blank-line block.

    Superscript runs that hold a footnote number become Unicode superscript
    digits (or ``^x``), so that normalization detaches them as markers.
    """
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("reading .docx needs the python-docx package") from None
    try:
        document = docx.Document(str(path))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.append(_docx_paragraph(item))
            elif isinstance(item, Table):
                for row in item.rows:
                    blocks.append("\t".join(cell.text.strip() for cell in row.cells))
    except InputError:
        raise
    except Exception as exc:  # python-docx and zipfile raise several unrelated types
        raise InputError(f"{path}: not a readable Word document ({type(exc).__name__})") from None
    # Word paragraphs are real paragraphs: separate them with blank lines.
    return "\n\n".join(b for b in blocks if b.strip())


_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _docx_paragraph(paragraph) -> str:
    parts = []
    for run in paragraph.runs:
        text = run.text
        marker = text.strip()
        if run.font.superscript and marker and len(marker) <= 3:
            text = marker.translate(_TO_SUPERSCRIPT) if marker.isdigit() else f"^{marker}"
        parts.append(text)
    text = "".join(parts)
    # Hyperlinks and fields are not runs of the paragraph: fall back to .text.
    return text if len(text.strip()) >= len(paragraph.text.strip()) else paragraph.text


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("reading .pdf needs the pypdf package") from None
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        # Many PDFs are encrypted with an empty user password (only copying or
        # printing is restricted): those open; the others need the password.
        if reader.is_encrypted and not _decrypts(reader):
            raise InputError(f"{path}: the PDF is encrypted with a password; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, Exception) as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__})") from None
    # A page break is a blank line, like in PDF-extracted text files.
    return "\n\n".join(pages)


def _decrypts(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several types, e.g. for a missing AES backend
        return False
