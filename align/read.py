"""Stage 1: read a document file into a Python string.

Plain text is decoded from UTF-8 (with or without BOM), UTF-16 (BOM) or, when
neither fits, the encoding charset-normalizer detects (cp1252/Latin-1 in
practice). Word files are read with python-docx, PDFs with pypdf. Every
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
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: unsupported format {suffix!r} (use .txt, .md, .docx or .pdf)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pdf":
        text = _pdf_text(path)
    else:
        text = decode_text(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: no text found in the document")
    return text


def decode_text(data: bytes, name: str = "input") -> str:
    """Decode bytes of a plain-text file, detecting the encoding."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid {enc} at byte {exc.start}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # UTF-16 without a BOM shows up as many NUL bytes.
    if data.count(b"\x00") > len(data) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in ("ascii",) or _binary(data):
        raise InputError(
            f"{name}: cannot decode the text (not UTF-8 at byte {utf8_error.start}, "
            "and no other encoding fits)"
        )
    enc = best.encoding
    # charset-normalizer often names Latin-1 text cp1250/cp1252 interchangeably;
    # for Spanish and English cp1252 is the superset that matters.
    if enc in ("latin_1", "iso8859_1", "cp1250", "iso8859_15"):
        enc = "cp1252"
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return str(best)


def _binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) // 20


def _docx_text(path: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("reading .docx needs the python-docx package") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types
        raise InputError(f"{path}: not a readable Word document ({type(exc).__name__})") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    # Word paragraphs are real paragraphs: separate them with blank lines.
    return "\n\n".join(p for p in paragraphs if p.strip())


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
        if reader.is_encrypted:
            raise InputError(f"{path}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, Exception) as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__})") from None
    # A page break is a blank line, like in PDF-extracted text files.
    return "\n\n".join(pages)
