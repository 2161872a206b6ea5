"""Stage 1: read a document file into a Python string.

The content decides the format, not the suffix (``doc.es`` and ``doc.en`` are
text files): a PDF is read with pypdf, a Word .docx as Word's final view shows
it (:mod:`.read_docx`), an HTML page as a browser shows it (:mod:`.read_html`),
and anything else must be text. Other binary formats (old .doc, RTF,
OpenDocument, Excel, other zip archives, images, executables) and XML that is
not HTML (XLIFF, TMX …) are refused with what they are.

Text is decoded from UTF-8 (with or without BOM), UTF-16 (with a BOM, or
without one when the NUL bytes show it), then Windows-1252/Latin-1, and only
then whatever charset-normalizer detects; ``encoding=`` overrides the
detection. A file that is UTF-8 except for a few invalid bytes is an error
naming the first one (line and byte offset), not Windows-1252 mojibake.
Every failure is an :class:`InputError` with a one-line message.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
from collections import deque
from pathlib import Path

from .errors import InputError
from .read_html import markup_kind

#: The largest document or text file read (bytes); larger ones are refused before reading.
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: A .docx/.xlsx may expand to at most this many bytes ...
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
#: ... and, once it expands to more than ``ZIP_RATIO_FROM`` bytes, to at most this many
#: times its compressed size (text XML compresses 5-20 times; zip bombs 1000 times).
MAX_ZIP_RATIO = 100
ZIP_RATIO_FROM = 16 * 1024 * 1024


def read_document(path: str | os.PathLike, encoding: str | None = None) -> str:
    """Return the text of ``path``: PDF, Word .docx or text in any encoding, whatever its suffix."""
    path = Path(path)
    data = _read_bytes(path)
    kind = sniff_format(data, str(path))
    if kind == "docx":
        text = _docx_text(path, data)
    elif kind == "pdf":
        text = _pdf_text(path, data)
    else:
        text = decode_text(data, str(path), encoding)
        if markup_kind(text, str(path)) == "html":
            from .read_html import html_text

            text = html_text(text, str(path))
    if not text.strip():
        raise InputError(f"{path}: no text found in the document")
    return text


def read_plain_text(path: str | os.PathLike, encoding: str | None = None) -> str:
    """The text of a plain-text file whatever its suffix (MT output, line files)."""
    path = Path(path)
    data = _read_bytes(path)
    kind = sniff_format(data, str(path))
    if kind != "text":
        raise InputError(f"{path}: is a {kind.upper() if kind == 'pdf' else 'Word'} document, not a text "
                         "file with one segment per line")
    text = decode_text(data, str(path), encoding)
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    if markup_kind(text, str(path)) == "html":
        raise InputError(f"{path}: is an HTML page, not a text file with one segment per line")
    return text


def require_file(path: str | os.PathLike, what: str = "a document", fifo: bool = True) -> os.stat_result:
    """The stat of an input that exists and is a regular file (or a FIFO, when ``fifo``); else a
    one-line InputError. Readers that read a file twice (TMX, tables) pass ``fifo=False``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, not {what}")
    if stat.S_ISFIFO(info.st_mode) and not fifo:
        raise InputError(f"{path}: is a pipe; save it to a file first, it is read more than once")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        raise InputError(f"{path}: is a device or special file, not {what}")
    return info


def _read_bytes(path: Path) -> bytes:
    """The bytes of an existing, non-empty file (or FIFO) of at most MAX_INPUT_BYTES, or a one-line InputError."""
    info = require_file(path)
    if info.st_size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: {info.st_size / 2**20:,.1f} MiB is more than the {MAX_INPUT_BYTES >> 20} MiB "
                         "alinea reads from one document; split it")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)  # a FIFO has no size: cap what is read
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{path}: larger than the {MAX_INPUT_BYTES >> 20} MiB alinea reads from one "
                         "document; split it")
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    return data


_REFUSED_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel file (.doc/.xls); save it as .docx or plain text"),
    (b"{\\rtf", "an RTF file; save it as .docx or plain text"),
    (b"\x89PNG", "a PNG image, not a document"),
    (b"\xff\xd8\xff", "a JPEG image, not a document"),
    (b"GIF8", "a GIF image, not a document"),
    (b"\x1f\x8b", "a gzip-compressed file; uncompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a document"),
    (b"Rar!\x1a\x07", "a RAR archive, not a document"),
    (b"\x7fELF", "an executable program, not a document"),
)


def sniff_format(data: bytes, name: str = "input") -> str:
    """``"pdf"``, ``"docx"`` or ``"text"`` from the first bytes; other binary formats are an InputError."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    for magic, what in _REFUSED_MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: is {what}")
    return "text"


def _zip_kind(data: bytes, name: str) -> str:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80].decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        raise InputError(f"{name}: is a damaged zip archive (a .docx that cannot be opened?)") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise InputError(f"{name}: is an Excel workbook, not a document")
    if "ppt/presentation.xml" in names:
        raise InputError(f"{name}: is a PowerPoint presentation, not a document")
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise InputError(f"{name}: is an OpenDocument file (.odt/.ods); save it as .docx or plain text")
    raise InputError(f"{name}: is a zip archive, not a document")


def check_zip_expansion(source, name: str) -> None:
    """Refuse a zip container (.docx, .xlsx) that would expand beyond the limits (a zip bomb).

    ``source`` is a path or a file-like object. The sizes checked are those the
    archive declares; Python's zipfile never inflates an entry beyond them.
    """
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(f"{name}: is a damaged zip archive") from None
    expanded = sum(e.file_size for e in entries)
    packed = max(sum(e.compress_size for e in entries), 1)
    if expanded > MAX_UNZIPPED_BYTES:
        raise InputError(f"{name}: expands to {expanded / 2**20:,.1f} MiB, more than the "
                         f"{MAX_UNZIPPED_BYTES / 2**20:,.0f} MiB alinea unpacks; refused (a zip bomb?)")
    if expanded > ZIP_RATIO_FROM and expanded / packed > MAX_ZIP_RATIO:
        raise InputError(f"{name}: expands {expanded / packed:,.0f} times its size (to {expanded / 2**20:,.1f} "
                         f"MiB); more than {MAX_ZIP_RATIO} times is refused (a zip bomb?)")


def decode_text(data: bytes, name: str = "input", encoding: str | None = None) -> str:
    """Decode the bytes of a plain-text file, detecting the encoding unless ``encoding`` is given.

    Order: a BOM (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM when a third or
    more of the bytes are NUL; UTF-8; Windows-1252 when the bytes look like
    it (their non-ASCII bytes are not mostly valid UTF-8 sequences);
    charset-normalizer's guess. Binary data is refused with :class:`InputError`,
    and so is UTF-8 with a few invalid bytes (the first one is named).
    """
    if encoding:
        codec = codecs.lookup(encoding).name
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not {encoding} text: {_where(data, exc.start)}") from None
        return _not_binary(text, name)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _not_binary(data.decode(enc), name)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid {enc} text: {_where(data, exc.start)}") from None
    # UTF-16 without a BOM: ASCII-range text shows up as every other byte NUL.
    if len(data) >= 4 and data.count(b"\x00") >= len(data) // 3:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return _not_binary(data.decode(enc), name)
        except UnicodeDecodeError:
            raise InputError(f"{name}: cannot decode the text: it looks like a binary file") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        return _not_binary(text, name)
    if _binary(data):
        raise InputError(f"{name}: cannot decode the text: it looks like a binary file "
                         f"(not UTF-8 at byte {utf8_error.start})")
    # Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file: decoding it
    # all as Windows-1252 would turn every accent into mojibake without a word.
    escaped = data.decode("utf-8", errors="surrogateescape")
    invalid = sum(1 for ch in escaped if "\udc80" <= ch <= "\udcff")
    valid = sum(1 for ch in escaped if ch >= "\x80") - invalid
    if valid >= invalid:
        raise InputError(f"{name}: invalid UTF-8: {_where(data, utf8_error.start)}"
                         f"{f' ({invalid} invalid bytes in all)' if invalid > 1 else ''}; "
                         "fix the file, or give its encoding with --encoding")
    # Spanish and English text that is not UTF-8 is, in practice, Windows-1252
    # (a superset of Latin-1 for printable text). Statistical detection guesses
    # wrong on short texts (a Spanish sentence comes out as Cyrillic), so
    # cp1252 goes first and charset-normalizer only handles what it can't decode.
    try:
        return _not_binary(data.decode("cp1252"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{name}: cannot decode the text (not UTF-8 at byte {utf8_error.start}, "
            "and no other encoding fits); give its encoding with --encoding"
        )
    return _not_binary(str(best), name)


def _where(data: bytes, offset: int) -> str:
    """"line 3, byte 1234 (0xC3)": where a decoding error is, for a person with an editor."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column} (byte offset {offset}: 0x{data[offset]:02X})"


def _binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) // 20


#: Characters no text file is made of: C0 controls (except tab, newline, form feed, carriage
#: return), DEL, private-use code points, non-characters and the replacement character.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ue000-\uf8ff\ufdd0-\ufdef\ufffd-\uffff]")
#: A stretch of this many characters with more than a twentieth of them not text is binary.
_BINARY_WINDOW = 4096


def _not_binary(text: str, name: str) -> str:
    """``text``, unless some stretch of it is binary however it decoded (NUL padding, binary
    data read as UTF-16 or Latin-1, a binary tail after some text): anywhere in the text, more
    than one character in twenty of a ``_BINARY_WINDOW``-character stretch is not text."""
    limit = _BINARY_WINDOW // 20
    recent: deque[int] = deque()
    for match in _NOT_TEXT.finditer(text):
        where = match.start()
        recent.append(where)
        while recent[0] <= where - _BINARY_WINDOW:
            recent.popleft()
        if len(recent) > limit or len(text) < _BINARY_WINDOW and len(recent) > len(text) // 20:
            line = text.count("\n", 0, recent[0]) + 1
            raise InputError(f"{name}: cannot decode the text: it looks like a binary file "
                             f"({len(recent)} control or non-text characters in "
                             f"{min(len(text), _BINARY_WINDOW)} from line {line})")
    return text


def _docx_text(path: Path, data: bytes) -> str:
    """The text Word's final view shows, footnotes and endnotes included (:mod:`.read_docx`)."""
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("reading .docx needs the python-docx package") from None
    import io

    from .read_docx import docx_text

    check_zip_expansion(io.BytesIO(data), str(path))
    try:
        return docx_text(docx.Document(io.BytesIO(data)))
    except InputError:
        raise
    except Exception as exc:  # python-docx, lxml and zipfile raise several unrelated types
        raise InputError(f"{path}: not a readable Word document ({type(exc).__name__})") from None


def _pdf_text(path: Path, data: bytes) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("reading .pdf needs the pypdf package") from None
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        import io

        reader = PdfReader(io.BytesIO(data))
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
