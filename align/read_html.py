"""Markup files: the text of an HTML page, and what other XML files are (part of stage 1, reading).

An HTML page (``<!DOCTYPE html>``, ``<html>``, XHTML, or a fragment that opens
with a block element such as ``<p>`` or ``<div>``) is read as a browser shows
it, with lxml.html: block elements (paragraphs, headings, list items, table
rows, ``<div>`` …) are paragraphs, separated by blank lines; a table row's
cells are joined by tabs (as a .docx table's are); ``<br>`` is a line break;
``<pre>`` keeps its lines; whitespace elsewhere collapses as in a browser;
``<head>``, scripts, styles, templates, ``<noscript>``, forms' option lists,
embedded SVG/MathML and hidden elements (``hidden``, ``display: none``) are
not text. A short
superscript (``<sup>4</sup>``, ``<sup>a</sup>``) is a footnote marker, as in
a .docx.

XML that is not XHTML is not a document alinea reads: XLIFF and TMX files and
any other XML get a one-line error saying what they are.
"""
from __future__ import annotations

import re

from .errors import InputError

_BLOCKS = frozenset("""
    address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section
    summary table tbody tfoot thead tr ul
""".split())
_SKIPPED = frozenset("""
    head script style noscript template svg math iframe object embed canvas select datalist audio video
    title meta link base
""".split())
#: The first tags of an HTML fragment without <html> (a page body saved alone).
_FRAGMENT_STARTS = frozenset("p div h1 h2 h3 h4 h5 h6 table ul ol section article header main body head "
                             "meta title link style script".split())
_SPACES = re.compile(r"[ \t\r\n\f]+")
_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_LEADING = re.compile(r"\A(?:\s+|<!--.*?-->|<\?xml[^>]*\?>)*", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)", re.I)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)")


def markup_kind(text: str, name: str = "input") -> str | None:
    """``"html"`` when ``text`` is an HTML page, None when it is not markup at all.

    Raises :class:`InputError` for XML files alinea does not read (XLIFF, TMX,
    any other XML), naming what they are.
    """
    head = text[:4096].lstrip("\ufeff")
    start = _LEADING.match(head).end()
    rest = head[start:]
    is_xml = head.lstrip().startswith("<?xml")
    doctype = _DOCTYPE.match(rest)
    if doctype and doctype.group(1).lower() == "html":
        return "html"
    if not rest.startswith("<"):
        return None
    # The root element: the first tag, after the document type declaration if there is one.
    tag = _FIRST_TAG.search(rest, doctype.end()) if doctype else _FIRST_TAG.match(rest)
    if tag is None:
        return None
    root = tag.group(1).rsplit(":", 1)[-1].lower()
    if root == "html" or (not is_xml and root in _FRAGMENT_STARTS):
        return "html"
    if not is_xml and not doctype:
        # "<i>Resumen</i> …": a text file that opens with the emphasis markup cleaning removes.
        return None
    what = {
        "xliff": "an XLIFF file (a CAT tool's bilingual file), not a document; align the documents "
                 "it was made from, or export its source and target text",
        "tmx": "a TMX translation memory, not a document; see `alinea tmx` and `alinea tm import`",
        "srx": "an SRX segmentation-rules file, not a document; give it with --srx",
    }.get(root, f"an XML file (<{tag.group(1)}>), not a document alinea reads "
                "(text, .docx, PDF or HTML)")
    raise InputError(f"{name}: is {what}")


def html_text(markup: str, name: str = "input") -> str:
    """The text of an HTML page: one paragraph per block element, separated by blank lines."""
    from lxml import etree, html

    # lxml refuses a str that declares its encoding (the bytes are decoded already).
    markup = re.sub(r"\A\ufeff?\s*<\?xml[^>]*\?>", "", markup)
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: is not readable HTML ({exc})") from None
    collector = _Collector()
    collector.element(root)
    collector.flush()
    return "\n\n".join(collector.blocks)


class _Collector:
    """Walks an lxml.html tree into paragraphs."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.parts: list[str] = []

    def flush(self) -> None:
        """End the current paragraph: whitespace collapsed per line, line breaks kept."""
        text = "".join(self.parts)
        self.parts = []
        # HTML whitespace collapses; a no-break space is text (the cleaning stage makes it a space).
        lines = (_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
        block = "\n".join(line for line in lines if line)
        if block:
            self.blocks.append(block)

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(text.replace("\n", " "))

    def element(self, element) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions: only their tail is text
            self.text(element.tail)
            return
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in _SKIPPED or _hidden(element):
            self.text(element.tail)
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "tr":
            self.flush()
            cells = [_Collector.inline(cell) for cell in element
                     if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th") and not _hidden(cell)]
            if any(cells):
                self.blocks.append("\t".join(cells))
        elif tag == "pre":
            self.flush()
            self.blocks.extend(line.rstrip() for line in element.text_content().strip("\n").split("\n\n")
                               if line.strip())
        elif tag == "sup" and _is_marker(element):
            marker = element.text_content().strip()
            self.parts.append(marker.translate(_TO_SUPERSCRIPT) if marker.isdigit() else f"^{marker}")
        elif tag in _BLOCKS:
            self.flush()
            self.text(element.text)
            for child in element:
                self.element(child)
            self.flush()
        else:
            self.text(element.text)
            for child in element:
                self.element(child)
        self.text(element.tail)

    @staticmethod
    def inline(element) -> str:
        """The text of a table cell: its paragraphs run together."""
        cell = _Collector()
        cell.text(element.text)
        for child in element:
            cell.element(child)
        cell.flush()
        return " ".join(cell.blocks)


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (element.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style)


def _is_marker(element) -> bool:
    """A footnote marker: a superscript of one to three digits or a single lower-case letter."""
    text = element.text_content().strip()
    return text.isascii() and (text.isdigit() and len(text) <= 3 or len(text) == 1 and text.islower())
