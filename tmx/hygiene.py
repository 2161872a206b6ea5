"""Text hygiene for translation-memory segments and language codes.

A segment that goes into a TMX must be XML 1.0 text (no C0/C1 control
characters, no lone surrogates, no U+FFFE/U+FFFF), carry no debris of the
markup it was converted from (``<b>``, ``&amp;nbsp;``, ``&#160;`` left as
literal text by an HTML or Word conversion) and have its whitespace
normalized, because CAT tools match segments character by character.
Escaping ``&``, ``<`` and ``>`` is left to the XML serializer, never done by
hand, so nothing is escaped twice.
"""
from __future__ import annotations

import re

# The language-code helpers live with check_lang: commands validate codes without this module.
from alinea.align.utils import base_lang, canonical_lang, tmx_lang  # noqa: F401 (re-exported)

# XML 1.0 forbids C0 controls except tab/LF/CR; C1 controls (U+0080-U+009F) are
# legal but in practice are cp1252 bytes decoded as Latin-1: debris as well.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
# Zero-width characters that make two identical-looking segments differ.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u00ad]")
# Tags of the formats our input comes from (HTML, Word HTML, DocBook-ish inline
# markup). Only well-formed tags with these names are removed, so "a < b > c"
# or "<Enter>" in a manual survive as text.
_MARKUP_TAG = re.compile(
    r"</?(?:a|abbr|b|big|br|cite|code|del|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|o:p|ol|p|"
    r"q|s|samp|small|span|strike|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul|var|w:[a-z]+)"
    r"(?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=]+))?)*\s*/?>",
    re.IGNORECASE,
)
# Character references left in text by a double-escaping converter: &amp;amp;,
# &nbsp;, &#233;, &#xE9;. Only known named references are decoded.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def _decode_entity(match: re.Match) -> str:
    import html  # only for text that has a character reference (html.entities: ~2 ms of a start)

    decoded = html.unescape(match.group(0))
    return match.group(0) if decoded == match.group(0) else decoded


_BLOCK_TAGS = {"br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "p", "td", "th", "tr", "table"}


def _tag_gap(match: re.Match) -> str:
    # A block tag separated words ("a<br>b" is two words); an inline tag did not ("pala<b>bra</b>").
    name = re.match(r"</?([\w:]+)", match.group(0)).group(1).lower()
    return " " if name in _BLOCK_TAGS else ""


def clean_segment(text: str) -> str:
    """XML-safe, markup-free, whitespace-normalized segment text.

    Idempotent: ``clean_segment(clean_segment(t)) == clean_segment(t)``.
    """
    if _is_plain(text) and "&" not in text and "<" not in text:
        return text  # nothing the patterns could match, and the whitespace is already single
    return _clean_segment_fully(text)


def _clean_segment_fully(text: str) -> str:
    previous = None
    # Decoding "&amp;lt;b&amp;gt;" can reveal a tag, and removing a tag can join
    # an entity: repeat until nothing changes (bounded: each pass shortens text).
    while text != previous:
        previous = text
        text = _ENTITY.sub(_decode_entity, text)
        text = _MARKUP_TAG.sub(_tag_gap, text)
        text = _ILLEGAL.sub("", text)
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def clean_attribute(text: str) -> str:
    """Property values and notes: XML-safe and on one line."""
    if text and _is_plain(text):
        return text
    return _clean_attribute_fully(text)


def _clean_attribute_fully(text: str) -> str:
    return " ".join(_ILLEGAL.sub("", text or "").split())


def _is_plain(text: str) -> bool:
    """Whether cleaning can only leave ``text`` as it is, markup apart.

    Every character the patterns above remove (controls, surrogates, U+FEFF, U+FFFE/F,
    zero-width characters, the soft hyphen) and every whitespace character but the
    space is "non-printable" for :meth:`str.isprintable`; with single inner spaces and
    none at either end, splitting and joining gives the text back. Most segments and
    every property alinea writes are such: the fast path of :func:`clean_segment` and
    :func:`clean_attribute`, which test_tmx checks against the full cleaning.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
