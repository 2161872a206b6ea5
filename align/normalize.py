"""Stage 2: clean PDF-extraction debris and cut the text into typed blocks.

The result is a :class:`~align.model.Document`: the cleaned text plus blocks
(paragraphs, headings, contents lines, footnotes, header lines) that tile it.
Cleaning never drops content: emphasis markup goes but its words stay,
superscript footnote markers are detached and recorded in
``Document.footnote_refs``.
"""
from __future__ import annotations

import re
import unicodedata

from .model import BODY, CONTENTS, FOOTNOTE, HEADER, HEADING, Block, Document

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

# Markup that PDF-to-text tools leave around emphasised words.
_HTML_EMPHASIS = re.compile(r"</?(?:i|b|em|strong|u|sup|sub)>", re.I)
# "title****next title": a closing and an opening bold marker glued together
# separate two headings; they become a block break.
_GLUED_MARKERS = re.compile(r"(?<=\S)\*{3,}(?=\S)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_HYPHENATED = re.compile(r"(?<=[a-záéíóúñü])-\n(?=[a-záéíóúñü])")
_FOOTNOTE_REF = re.compile(rf"(?<=[\w.,;:)\]”\"»*])([{SUPERSCRIPT_DIGITS}]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_FINAL = ".!?:;…"
_CLOSERS = "\"'»”’)]*"
_PARA_NUMBER = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_HEADING_NUMBER = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,2})\.\s+\S")
_CONTENTS_TITLES = {"índice", "indice", "contents", "table of contents", "sumario"}
_NOTES_TITLES = {"notas", "notes", "nota", "note"}


def clean_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Unicode- and markup-level cleaning; returns text and footnote refs.

    Footnote refs are ``(offset, marker)`` pairs: the marker was attached to
    the word ending at ``offset`` of the returned text.
    """
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text).replace("\x0c", "\n\n")
    text = text.replace("\u00a0", " ")
    text = _HTML_EMPHASIS.sub("", text)
    text = _GLUED_MARKERS.sub("\n\n", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _HYPHENATED.sub("", text)
    refs: list[tuple[int, str]] = []
    out: list[str] = []
    pos = 0
    removed = 0
    for match in _FOOTNOTE_REF.finditer(text):
        # A marker at the start of a line numbers a footnote; leave it.
        out.append(text[pos:match.start()])
        refs.append((match.start() - removed, match.group(1).translate(_SUP_TO_DIGIT)))
        removed += len(match.group(1))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), refs


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip("\"'«“(")
    return bool(stripped) and stripped[0].islower()


def _raw_blocks(text: str) -> list[list[str]]:
    """Split on blank lines; each block is its list of non-empty lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _rejoin_page_breaks(blocks: list[list[str]]) -> list[list[str]]:
    """Glue a block to the previous one when a page break split a sentence."""
    out: list[list[str]] = []
    for block in blocks:
        if out and "\t" not in out[-1][-1] and not _ends_sentence(out[-1][-1]) \
                and _starts_lower(block[0]) and len(out[-1][-1]) > 60:
            out[-1] = out[-1] + block
        else:
            out.append(block)
    return out


def _is_header_line(line: str) -> bool:
    return len(line) < 90 and not _ends_sentence(line)


def _classify(lines: list[str], state: dict) -> list[tuple[str, str]]:
    """Return (kind, text-of-unit) pairs for one block of lines."""
    first = lines[0].strip()
    lowered = first.lower().rstrip(":")
    if "\t" in "".join(lines) or state.get("in_contents") and len(lines) > 1:
        state["in_contents"] = False
        return [(CONTENTS, line) for line in lines]
    if lowered in _CONTENTS_TITLES and len(lines) == 1:
        state["in_contents"] = True
        state["seen_body"] = True
        return [(HEADING, first)]
    if lowered in _NOTES_TITLES and len(lines) == 1:
        state["in_notes"] = True
        return [(HEADING, first)]
    if first[0] in SUPERSCRIPT_DIGITS or re.match(r"^\*+\s", first) or state.get("in_notes"):
        return [(FOOTNOTE, " ".join(line.strip() for line in lines))]
    joined = " ".join(line.strip() for line in lines)
    if not state.get("seen_body"):
        if all(_is_header_line(line) for line in lines) and len(lines) > 1:
            return [(HEADER, line) for line in lines]
        if _is_header_line(joined):
            return [(HEADER, joined)]
        state["seen_body"] = True
        return [(BODY, joined)]
    if not _ends_sentence(joined) and len(joined) < 250:
        return [(HEADING, joined)]
    return [(BODY, joined)]


def normalize(text: str, lang: str = "") -> Document:
    """Clean ``text`` and cut it into typed blocks (see module docstring)."""
    cleaned, refs = clean_text(text)
    state: dict = {}
    units: list[tuple[str, str]] = []
    for lines in _rejoin_page_breaks(_raw_blocks(cleaned)):
        units.extend(_classify([line.strip() for line in lines], state))
    # Rebuild the text from the units so that block offsets are exact and the
    # footnote offsets are re-based on it.
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for index, (kind, unit) in enumerate(units):
        unit = re.sub(r"[ \t]+", " ", unit).strip() if kind != CONTENTS else unit.strip()
        number = None
        if kind == BODY:
            match = _PARA_NUMBER.match(unit)
            number = match.group(1) if match else None
        elif kind == FOOTNOTE:
            match = re.match(rf"^([{SUPERSCRIPT_DIGITS}]+|\*+)", unit)
            number = match.group(1).translate(_SUP_TO_DIGIT) if match else None
        blocks.append(Block(unit, pos, pos + len(unit), index, kind, number))
        parts.append(unit)
        pos += len(unit) + 2
    new_text = "\n\n".join(parts)
    return Document(new_text, tuple(blocks), lang, _rebase_refs(cleaned, new_text, refs))


def _rebase_refs(old: str, new: str, refs: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Map footnote offsets from the cleaned text onto the rebuilt text.

    Both texts have the same non-space characters in the same order, so an
    offset is carried over by counting non-space characters.
    """
    if not refs:
        return ()
    targets = {}
    count = 0
    for i, ch in enumerate(old):
        if not ch.isspace():
            count += 1
        targets.setdefault(i + 1, count)
    out = []
    wanted = iter(sorted((targets.get(off, 0), marker) for off, marker in refs))
    item = next(wanted, None)
    count = 0
    for i, ch in enumerate(new):
        if not ch.isspace():
            count += 1
        while item is not None and item[0] == count:
            out.append((i + 1, item[1]))
            item = next(wanted, None)
    return tuple(out)
