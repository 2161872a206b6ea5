"""The text of a Word .docx as Word's "final" view shows it (part of stage 1, reading).

python-docx opens the package; the WordprocessingML is walked here with lxml,
because python-docx's ``paragraph.runs`` leaves out what is not a direct run
of the paragraph: tracked insertions, hyperlinks, content controls, field
results, text boxes. What is read, in document order:

- paragraphs (one block each) and table rows (cells joined by tabs);
- automatic paragraph and list numbers ("4. ", "(a) ", "• "), counted as Word
  counts them (list definitions, levels, restarts, start overrides, numbering
  set by the paragraph style), before the paragraph's text;
- tracked changes as accepted: insertions and moved-to text in, deletions and
  moved-from text out (a deleted paragraph mark joins two paragraphs, a deleted
  table row goes);
- hyperlinks, content controls (``w:sdt``), smart tags, custom XML, simple and
  complex fields (their result, not their instruction), equations' text;
- text boxes, after the paragraph that anchors them (only one of the two
  renderings Word stores for a shape);
- footnotes and endnotes: a reference becomes its number as a superscript
  marker (``¹``, or caret notation ``^ii`` for letters and Roman numerals) after
  the word it marks, and each note becomes a block opened by the same marker,
  after the body (footnotes, then endnotes, in reference order), as Word's
  own plain-text export places them. Numbers are counted through the document
  in the numbering format the document sets (Word's defaults: 1, 2, 3 for
  footnotes, i, ii, iii for endnotes); restarting per page or section is not
  reproduced.

Left out, as Word's final view leaves them out: deleted text, hidden text
(``w:vanish``), field instructions, comments, characters of symbol fonts
(private-use code points); page headers and footers are page furniture and
are not read either.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_FOOTNOTES_REL, _ENDNOTES_REL = _RELATIONSHIPS + "footnotes", _RELATIONSHIPS + "endnotes"
_NUMBERING_REL, _STYLES_REL = _RELATIONSHIPS + "numbering", _RELATIONSHIPS + "styles"

#: Elements whose content is text of the paragraph around them.
_TRANSPARENT = {W + name for name in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple",
                                      "dir", "bdo", "sdtContent")}
#: Elements whose content Word's final view does not show.
_DROPPED = {W + name for name in ("del", "moveFrom", "instrText", "delText", "delInstrText", "pPr", "rPr",
                                  "sdtPr", "sdtEndPr", "commentReference", "annotationRef")}
_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _on(element, name: str) -> bool:
    """Whether the toggle property ``name`` (``w:vanish``, ``w:del`` …) is set on a properties element."""
    if element is None:
        return False
    prop = element.find(W + name)
    return prop is not None and prop.get(W + "val", "true").lower() not in ("0", "false", "off")


@dataclass
class _Notes:
    """Footnotes or endnotes: their bodies by id, and the numbers given in reference order."""

    bodies: dict[str, object]
    number_format: str
    start: int = 1
    numbers: dict[str, str] = field(default_factory=dict)

    def marker(self, note_id: str) -> str:
        """The marker of note ``note_id``, numbered at its first reference."""
        if note_id not in self.numbers:
            self.numbers[note_id] = _format_number(self.start + len(self.numbers), self.number_format)
        return self.numbers[note_id]


def _roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _format_number(n: int, number_format: str) -> str:
    """Note number ``n`` as the cleaning stage reads markers: superscript digits, or caret notation."""
    fmt = number_format.lower()
    if fmt in ("lowerroman", "upperroman") and n < 40:
        return f"^{_roman(n)}^"
    if fmt in ("lowerletter", "upperletter") and n <= 26:
        return f"^{chr(ord('a') + n - 1)}^"
    if fmt == "chicago" and n <= 3:
        return "*" * n
    return str(n).translate(_TO_SUPERSCRIPT)


class _Numbering:
    """Word's automatic paragraph numbers: list definitions, and counters as Word keeps them.

    Counters belong to the abstract list definition (lists that share one continue
    each other's numbers) unless a list overrides its start; numbering a level
    resets the levels below it.
    """

    def __init__(self, numbering, styles) -> None:
        self.abstract: dict[str, dict[int, dict]] = {}
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_numbers: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            for definition in numbering.iter(W + "abstractNum"):
                levels = {}
                for level in definition.iter(W + "lvl"):
                    levels[int(level.get(W + "ilvl", "0"))] = {
                        "start": _int(_val(level, "start"), 1), "format": _val(level, "numFmt") or "decimal",
                        "text": _val(level, "lvlText"), "legal": level.find(W + "isLgl") is not None,
                        "suffix": _val(level, "suff") or "tab",
                    }
                self.abstract[definition.get(W + "abstractNumId", "")] = levels
            for instance in numbering.iter(W + "num"):
                overrides = {int(o.get(W + "ilvl", "0")): _int(_val(o, "startOverride"), 1)
                             for o in instance.iter(W + "lvlOverride") if o.find(W + "startOverride") is not None}
                self.lists[instance.get(W + "numId", "")] = (_val(instance, "abstractNumId") or "", overrides)
        if styles is not None:
            by_id = {style.get(W + "styleId"): style for style in styles.iter(W + "style")}
            for style_id in by_id:
                self.style_numbers[style_id] = _style_numbering(style_id, by_id)

    def label(self, paragraph) -> str:
        """The number Word shows before ``paragraph`` ("4. ", "(a) ", "• "), or ""."""
        props = paragraph.find(W + "pPr")
        num_id, level = None, None
        if props is not None:
            style = props.find(W + "pStyle")
            if style is not None:
                num_id, level = self.style_numbers.get(style.get(W + "val"), (None, None))
            numbering = props.find(W + "numPr")
            if numbering is not None:
                num_id = _val(numbering, "numId") or num_id
                level = _int(_val(numbering, "ilvl"), level or 0)
        if not num_id or num_id == "0" or num_id not in self.lists:
            return ""
        level = level or 0
        abstract_id, overrides = self.lists[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started and overrides:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        self.started.add(num_id)
        counters[level] = counters.get(level, levels[level]["start"] - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        return self._render(levels, counters, level)

    @staticmethod
    def _render(levels: dict[int, dict], counters: dict[int, int], level: int) -> str:
        spec = levels[level]
        if spec["format"] == "none":
            return ""
        if spec["format"] == "bullet":
            text = spec["text"] or "•"
            # Symbol-font bullets are private-use code points: show a bullet.
            text = "".join("•" if "\ue000" <= ch <= "\uf8ff" else ch for ch in text)
        else:
            def number(match) -> str:
                lvl = int(match.group(1)) - 1
                value = counters.get(lvl, levels.get(lvl, {}).get("start", 1))
                fmt = "decimal" if spec["legal"] else levels.get(lvl, spec)["format"]
                return _list_number(value, fmt)

            text = re.sub(r"%([1-9])", number, spec["text"] if spec["text"] is not None else f"%{level + 1}.")
        if not text:
            return ""
        # A tab after the number would read as a contents line: a space stands for it.
        return text + ("" if spec["suffix"] == "nothing" else " ")


def _style_numbering(style_id: str, by_id: dict, depth: int = 0) -> tuple[str | None, int | None]:
    """(list id, level) a paragraph style numbers its paragraphs with, following ``w:basedOn``."""
    style = by_id.get(style_id)
    if style is None or depth > 20:
        return None, None
    numbering = style.find(f"{W}pPr/{W}numPr")
    if numbering is not None and _val(numbering, "numId"):
        return _val(numbering, "numId"), _int(_val(numbering, "ilvl"), 0)
    based = style.find(W + "basedOn")
    return _style_numbering(based.get(W + "val"), by_id, depth + 1) if based is not None else (None, None)


def _val(element, child: str) -> str | None:
    found = element.find(W + child)
    return found.get(W + "val") if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _list_number(n: int, number_format: str) -> str:
    fmt = number_format.lower()
    if fmt in ("lowerroman", "upperroman"):
        roman = _roman(n)
        return roman.upper() if fmt == "upperroman" else roman
    if fmt in ("lowerletter", "upperletter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: a … z, aa … zz
        return letter.upper() if fmt == "upperletter" else letter
    if fmt == "decimalzero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Reader:
    footnotes: _Notes
    endnotes: _Notes
    numbering: _Numbering
    #: blocks found inside a paragraph (text boxes), written after it
    anchored: list[str] = field(default_factory=list)
    #: the marker of the note being read (its ``w:footnoteRef``)
    current_marker: str = ""


def docx_text(document) -> str:
    """The text of a python-docx ``Document``: blocks separated by blank lines (see the module docstring)."""
    settings = document.settings.element
    footnotes = _Notes(_note_bodies(document, _FOOTNOTES_REL, "footnote"),
                       *_numbering(settings, document.element.body, "footnotePr", "decimal"))
    endnotes = _Notes(_note_bodies(document, _ENDNOTES_REL, "endnote"),
                      *_numbering(settings, document.element.body, "endnotePr", "lowerRoman"))
    numbering = _Numbering(_related_root(document, _NUMBERING_REL), _related_root(document, _STYLES_REL))
    reader = _Reader(footnotes, endnotes, numbering)
    blocks = _blocks(document.element.body, reader)
    for notes in (footnotes, endnotes):
        # Notes referenced inside other notes get their numbers while this loop reads.
        done: set[str] = set()
        while len(done) < len(notes.numbers):
            for note_id, marker in list(notes.numbers.items()):
                if note_id in done:
                    continue
                done.add(note_id)
                body = notes.bodies.get(note_id)
                if body is not None:
                    reader.current_marker = marker
                    text = "\n".join(_blocks(body, reader)).strip()
                    if not text.startswith(marker):
                        text = f"{marker} {text}"
                    blocks.append(text)
    # Word paragraphs are real paragraphs: separate them with blank lines.
    return "\n\n".join(b for b in blocks if b.strip())


def _related_root(document, reltype: str):
    """The XML root of the document part related to the main one by ``reltype``, or None."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return etree.fromstring(rel.target_part.blob,
                                    parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    return None


def _note_bodies(document, reltype: str, tag: str) -> dict[str, object]:
    """The ``w:footnote``/``w:endnote`` elements of the document's notes part, by id (separators left out)."""
    root = _related_root(document, reltype)
    if root is None:
        return {}
    return {note.get(W + "id"): note for note in root.iter(W + tag) if note.get(W + "type", "normal") == "normal"}


def _numbering(settings, body, name: str, default: str) -> tuple[str, int]:
    """(number format, first number) of footnotes or endnotes: the last section's, else the settings'."""
    fmt, start = default, 1
    sections = [s for s in body.iter(W + "sectPr")]
    for container in (settings, sections[-1] if sections else None):
        props = container.find(W + name) if container is not None else None
        if props is None:
            continue
        num_fmt, num_start = props.find(W + "numFmt"), props.find(W + "numStart")
        if num_fmt is not None and num_fmt.get(W + "val"):
            fmt = num_fmt.get(W + "val")
        if num_start is not None and (num_start.get(W + "val") or "").isdigit():
            start = int(num_start.get(W + "val"))
    return fmt, start


def _blocks(container, reader: _Reader) -> list[str]:
    """The blocks of a body, table cell, content control, text box or note, in order."""
    blocks: list[str] = []
    carried = ""  # the text of a paragraph whose mark was deleted: it runs on into the next one
    for child in container:
        tag = child.tag
        if tag == W + "p":
            label = reader.numbering.label(child)
            text = (carried or label) + _paragraph_text(child, reader)
            if _on(child.find(f"{W}pPr/{W}rPr"), "del"):
                carried = text
                continue
            carried = ""
            blocks.append(text)
            blocks.extend(reader.anchored)
            reader.anchored = []
        elif tag == W + "tbl":
            blocks.extend(_table_rows(child, reader))
        elif tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if content is not None:
                blocks.extend(_blocks(content, reader))
        elif tag in (W + "ins", W + "moveTo"):
            blocks.extend(_blocks(child, reader))
    if carried:
        blocks.append(carried)
    return blocks


def _table_rows(table, reader: _Reader) -> list[str]:
    """One block per row, cells joined by tabs; a nested table's rows run inside their cell."""
    rows = []
    for row in _through_wrappers(table, W + "tr"):
        if _on(row.find(W + "trPr"), "del"):
            continue  # a tracked row deletion
        cells = []
        for cell in _through_wrappers(row, W + "tc"):
            cells.append(" ".join(" ".join(_blocks(cell, reader)).split()))
        rows.append("\t".join(cells))
    return rows


def _through_wrappers(element, tag: str):
    """Children ``tag`` of ``element``, also inside content controls and custom XML around them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _through_wrappers(content, tag)
        elif child.tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _through_wrappers(child, tag)


def _paragraph_text(paragraph, reader: _Reader) -> str:
    parts: list[str] = []
    fields: list[str] = []  # complex fields open here: "instruction" until their separator, then "result"
    _inline(paragraph, reader, parts, fields)
    return "".join(parts)


def _inline(element, reader: _Reader, parts: list[str], fields: list[str]) -> None:
    for child in element:
        _element(child, reader, parts, fields)


def _element(element, reader: _Reader, parts: list[str], fields: list[str]) -> None:
    """The text of one element inside a paragraph, appended to ``parts``."""
    tag = element.tag
    if not isinstance(tag, str) or tag in _DROPPED:
        return  # comments, processing instructions, deleted text
    if tag == W + "r":
        _run(element, reader, parts, fields)
    elif tag == W + "sdt":
        content = element.find(W + "sdtContent")
        if content is not None:
            _inline(content, reader, parts, fields)
    elif tag == _MC + "AlternateContent":
        # The same shape twice (DrawingML and VML): read the first rendering only.
        choice = next(iter(element), None)
        if choice is not None:
            _inline(choice, reader, parts, fields)
    elif tag == W + "txbxContent":
        outer, reader.anchored = reader.anchored, []
        inner = _blocks(element, reader)
        reader.anchored = outer + inner
    elif tag == _MATH + "t":
        if "instruction" not in fields:
            parts.append(element.text or "")
    else:
        # Insertions, hyperlinks, smart tags, simple fields, equations, drawings …
        _inline(element, reader, parts, fields)


def _run(run, reader: _Reader, parts: list[str], fields: list[str]) -> None:
    props = run.find(W + "rPr")
    if _on(props, "vanish"):
        return
    align = props.find(W + "vertAlign") if props is not None else None
    superscript = align is not None and align.get(W + "val") == "superscript"
    text: list[str] = []
    for child in run:
        tag = child.tag
        if tag == W + "fldChar":
            kind = child.get(W + "fldCharType")
            if kind == "begin":
                fields.append("instruction")
            elif kind == "separate" and fields:
                fields[-1] = "result"
            elif kind == "end" and fields:
                fields.pop()
            continue
        if "instruction" in fields:
            continue
        if tag == W + "t":
            text.append(child.text or "")
        elif tag == W + "tab" or tag == W + "ptab":
            text.append("\t")
        elif tag in (W + "br", W + "cr"):
            text.append("\n")
        elif tag == W + "noBreakHyphen":
            text.append("-")
        elif tag == W + "sym":
            char = child.get(W + "char") or ""
            code = int(char, 16) if char and all(c in "0123456789abcdefABCDEF" for c in char) else 0
            # Symbol-font characters (F000-F0FF) are glyphs of that font, not Unicode text.
            if code and not 0xE000 <= code <= 0xF8FF:
                text.append(chr(code))
        elif tag == W + "footnoteReference":
            text.append(_reference(reader.footnotes, child))
        elif tag == W + "endnoteReference":
            text.append(_reference(reader.endnotes, child))
        elif tag in (W + "footnoteRef", W + "endnoteRef"):
            text.append(reader.current_marker)
        else:
            # Drawings and pictures that hold text boxes, alternate content.
            _element(child, reader, text, fields)
    joined = "".join(text)
    marker = joined.strip()
    # A number (or a note letter) typed in superscript is a footnote marker: the cleaning
    # stage detaches it. Other superscript text ("1st", "m2") stays as it is.
    if superscript and marker.isascii() and (marker.isdigit() and len(marker) <= 3
                                             or len(marker) == 1 and marker.islower()):
        joined = marker.translate(_TO_SUPERSCRIPT) if marker.isdigit() else f"^{marker}"
    parts.append(joined)


def _reference(notes: _Notes, element) -> str:
    """The marker of a note reference; a custom mark (``w:customMarkFollows``) is the run text after it."""
    if _on_attr(element, "customMarkFollows"):
        return ""
    return notes.marker(element.get(W + "id", ""))


def _on_attr(element, name: str) -> bool:
    return (element.get(W + name) or "").lower() in ("1", "true", "on")
