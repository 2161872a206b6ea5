"""Stage 2: clean PDF-extraction debris and cut the text into typed blocks.

The result is a :class:`~alinea.align.model.Document`: the cleaned text plus blocks
(body paragraphs, headings, contents lines, footnotes, header lines) that tile
it. ``Document.text`` is the blocks' texts joined by blank lines; every block's
``start``/``end`` are exact offsets into it.

What cleaning does (and nothing else):

- Unicode NFC; CR/LF and form feeds become newlines; other control characters,
  the BOM and soft hyphens go; no-break spaces become spaces; the Latin
  ligatures U+FB00-FB06 (ﬁ, ﬂ …) become their letters (nothing else of NFKC).
- Emphasis markup goes but its words stay: ``**bold**``, ``*italic*``,
  ``<i>``/``<b>``/``<em>``/``<strong>``/``<u>`` tags. A line break inside one
  emphasised title is joined; two emphasised titles glued together
  (``**Title one****Title two**``) become two blocks.
- Line-end hyphenation is undone when lower-case letters stand on both sides
  (``desarro-\\nllo``), across a page break too; the document's own words
  decide whether the hyphen was a real one (see :func:`_dehyphenate`).
- PDF text without blank lines between paragraphs is cut into paragraphs
  after short lines and at paragraph numbers; page furniture (running heads,
  page numbers, job numbers, and any short line repeated page after page with
  only its numbers changing, such as a browser's date and address lines)
  becomes header units of its own; a contents page that lost its tab stops
  gets one tabbed line per entry back, however the entries wrapped.
- Footnote markers attached to words are detached and recorded in
  ``Document.footnote_refs`` as ``(offset, marker)``, the offset being where the
  marker stood in ``Document.text`` (right after the word it marked): superscript
  digits (``¹²³``), ``<sup>4</sup>``, caret notation (``^4``, ``^a``, ``^ii^``) and asterisks
  (``preliminar*``). A non-numeric marker standing in the gap of a numeric
  sequence (``¹ ² ³ ^a ⁵``) is read as the missing number.
- A sentence that a page break split (a blank line inside a sentence) is
  re-joined: the block before ends without final punctuation and either the
  next block starts in lower case, or the block before ends on a function word
  ("de la", "of the") or is prose and the next block is prose. In a document
  with numbered paragraphs, an unnumbered prose block right after a numbered
  paragraph is that paragraph continued after a page break, and is joined to it.
- Contents lines (in a block with tab stops or dot leaders after an "Índice" or
  "Contents" title), headings (short, no final punctuation), document header
  lines (before the first prose paragraph) and footnotes (in a "Notas"/"Notes"
  section, or opened by a marker) are blocks of their own, never glued to prose.

Every unit knows its kind and, for body text, its UN paragraph number ("4" for
"4. Varias oficinas..."); unnumbered body blocks inside a numbered paragraph
(subparagraphs "(a) ...") carry the number of the paragraph they belong to.
Cleaning never drops words: apart from markup and detached markers, the
non-space characters of the input are the non-space characters of
``Document.text``, in order — except page furniture (a running head, page
number or job number between the two halves of a page-broken sentence), which
is moved after the re-joined paragraph as a header unit of its own.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .model import BODY, CONTENTS, FOOTNOTE, HEADER, HEADING, Block, Document

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

#: The Latin typographic ligatures (U+FB00-FB06: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) that PDF text extraction
#: leaves in words, as their letters; nothing else of NFKC is applied.
_LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
_LIGATURE_CHARS = tuple(map(chr, _LIGATURES))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u00ad\ufeff\u200b]")
_HTML_SUP = re.compile(r"<sup>\s*(\d{1,3}|[a-z]|\*{1,3})\s*</sup>", re.I)
_HTML_EMPHASIS = re.compile(r"</?(?:i|b|em|strong|u|sup|sub)>", re.I)
# A run of 3-4 asterisks between two non-space characters closes one
# emphasised span and opens the next: "Title one****Title two".
# It opens with the asterisk itself, then looks behind it: the engine skips ahead to the next
# "*" (a leading look-ahead, "(?=\*)", is still tried at every character: 14 times slower).
_GLUED_MARKERS = re.compile(r"\*(?<=[^\s*]\*)\*{2,3}(?=[^\s*])")
_BOLD = re.compile(r"(?=\*)(?<!\*)\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?!\*)", re.S)
_ITALIC = re.compile(r"(?=\*)(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?!\*)", re.S)
_LOWER = "a-záéíóúñüàèìòùçâêîôûäëïö"
# The patterns below start with what they match ("-", a space, a marker) and look behind it
# afterwards: a pattern that starts with a look-behind is tried at every character of the
# text (~2 ms per pattern on a 60,000-character report), one that starts with a character
# set only where that character is. The matches are the same (tests/test_normalize.py).
_HYPHENATED = re.compile(rf"-(?<=[{_LOWER}]{{2}}-)[ \t]*\n(?:[ \t]*\n)*[ \t]*(?=[{_LOWER}])")
_HYPHEN_BEFORE_CAPITAL = re.compile(r"-(?<=\w-)[ \t]*\n[ \t]*(?=[A-ZÁÉÍÓÚÑ])")
# Footnote markers attached to the end of a word (or its closing punctuation).
_ATTACHED = r"(?<=[\w.,;:)\]”\"»’'])"
_FOOTNOTE_REF = re.compile(
    rf"(?=[{SUPERSCRIPT_DIGITS}^*]){_ATTACHED}"
    rf"(?:([{SUPERSCRIPT_DIGITS}]+)|\^(\d{{1,3}}|[ivxlc]{{2,6}}(?=\^)|[a-z]|\*{{1,3}})\^?|(\*{{1,3}})(?=[\s.,;:)\]]|$))"
)
_SPACED_SUPERSCRIPT = re.compile(rf"[ \t](?<=\w[ \t])[ \t]*([{SUPERSCRIPT_DIGITS}]+)(?:[ \t]+(?=[,.;:)\]]))?")
_PAGE_BREAK = re.compile(r"\n[ \t]*\n")

_FINAL = ".!?:;…"
_CLOSERS = "\"'»”’)]"
_OPENERS = "\"'«“‘(¿¡"
_PARA_NUMBER = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
# Paragraph, heading and list enumerators at the start of a block.
_ENUMERATED = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,6}\.|[A-Z]\.|"
                         r"\(?[a-z]{1,2}\)|\(?[ivx]{1,5}\)|\(\d{1,3}\)|\d{1,2}\))\s")
_NUMBER_IN_TEXT = re.compile(rf"\d+\s+[{_LOWER}]")
_SECTION_HEADING = re.compile(r"^(?:[IVXLC]{1,6}|[A-Z])\.\s+\S")
_INTERNAL_END = re.compile(rf"[.!?][{re.escape(_CLOSERS)}]*\s+[{re.escape(_OPENERS)}]*[A-ZÁÉÍÓÚÑ]")
_CONTENTS_TITLES = {"índice", "indice", "contents", "table of contents", "sumario", "contenido"}
_NOTES_TITLES = {"notas", "notes", "nota", "note"}
# Dot leaders of a contents line: four periods with at most one whitespace character
# between each two ("....", ". . . ."), two ellipses or a tab. Used as a yes/no test only.
# Written to open with a literal in every branch, so that the engine skips ahead to
# the next ".", "…" or tab instead of trying a repetition at every character
# (over a quarter of normalize's time on A/58/98 with "(?:\.\s?){4,}|…{2,}|\t").
_LEADERS = re.compile(r"\.(?:\s?\.){3}|……|\t")
# A footnote opens with its marker; a letter marker ("a Represents ...") only
# before a capital, so that a paragraph opening with "a los ..." is not one.
_FOOTNOTE_START = re.compile(rf"^(?:(?:[{SUPERSCRIPT_DIGITS}]+|\*{{1,3}}|\^[ivxlc]{{2,6}}\^)\s+\S"
                             rf"|\^?[a-z]\^?\s+[{re.escape(_OPENERS)}]*[A-ZÁÉÍÓÚÑ])")
#: How often, and how far apart (in lines), a line must come back to be page furniture.
_REPEATS, _PAGE_LINES = 3, 5
_STANDALONE = re.compile(r"^(?:\d{1,4}|[A-Z]{1,4}(?:/[\w.\-]+)+|\d{2}-\d{4,6}(?:\s*\(\w\))?|-\s*\d+\s*-)$")

#: Words a sentence cannot end on: a block ending on one of them was cut by a
#: page break.
FUNCTION_WORDS = {
    "de", "del", "la", "las", "el", "los", "en", "y", "e", "o", "u", "que", "a", "al", "con",
    "por", "para", "un", "una", "unos", "unas", "su", "sus", "se", "sin", "sobre", "entre",
    "como", "lo", "le", "les", "ni", "pero", "cuyo", "cuya", "cuyos", "cuyas", "este", "esta",
    "estos", "estas", "ese", "esa", "esos", "esas", "dicho", "dicha", "ante", "hacia", "desde",
    "the", "an", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "that",
    "which", "from", "as", "its", "their", "is", "are", "was", "were", "be", "been", "has",
    "have", "this", "these", "those", "into", "such", "whose", "whether", "than",
}


def clean_text(text: str, lang: str = "") -> tuple[str, list[tuple[int, str]]]:
    """Character-level cleaning; returns the cleaned text and footnote refs.

    Footnote refs are ``(offset, marker)`` pairs: the marker stood right
    before ``offset`` of the returned text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n\n")
    text = unicodedata.normalize("NFC", text)
    if any(ligature in text for ligature in _LIGATURE_CHARS):  # str.translate looks up every character
        text = text.translate(_LIGATURES)
    text = _CONTROL.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = _HTML_SUP.sub(r"^\1", text)
    text = _HTML_EMPHASIS.sub("", text)
    text = _strip_emphasis(text)
    text = _dehyphenate(text, lang)
    # "Secretary-\nGeneral": a compound split after its hyphen keeps it.
    text = _HYPHEN_BEFORE_CAPITAL.sub("-", text)
    # "familiares ⁵ , que": PDF extraction puts spaces around a superscript marker.
    text = _SPACED_SUPERSCRIPT.sub(r"\1", text)
    return _detach_footnote_refs(text)


def _strip_emphasis(text: str) -> str:
    """Remove ``**``/``*`` emphasis, keeping the words (see module docstring)."""
    def split_glued(match: re.Match) -> str:
        # The opening half is as long as the next marker run after it.
        following = re.search(r"\*+", text[match.end():])
        opening = "*" if following and len(following.group()) == 1 else "**"
        closing = match.group()[: len(match.group()) - len(opening)]
        return f"{closing}\n\n{opening}"

    if "*" not in text:
        return text
    text = _GLUED_MARKERS.sub(split_glued, text)
    out = []
    # Emphasis never spans a blank line: pair the markers paragraph by paragraph.
    for chunk in re.split(r"(\n[ \t]*\n)", text):
        if "*" not in chunk:
            out.append(chunk)
            continue
        chunk = _BOLD.sub(lambda m: _one_line(m.group(1)), chunk)
        chunk = _ITALIC.sub(lambda m: _one_line(m.group(1)), chunk)
        out.append(chunk)
    return "".join(out)


#: Words after which a line-end hyphen is a suspended one ("gender- and rights-based").
_CONJUNCTIONS = {"and", "or", "nor", "to", "y", "e", "o", "u", "ni"}


def _dehyphenate(text: str, lang: str = "") -> str:
    """Undo line-end hyphenation, keeping the hyphen of real compounds.

    The document's own words decide: ``desarro-\nllo`` becomes ``desarrollo``
    when the document writes ``desarrollo`` elsewhere, ``rights-\nbased`` stays
    ``rights-based`` when it writes ``rights-based``. Otherwise Spanish drops
    the hyphen (compounds with hyphens are rare) and English keeps it (they are
    common, and English UN documents are seldom hyphenated at line ends).
    """
    if "-" not in text:
        return text

    @cache
    def vocabulary() -> tuple[set[str], set[str]]:
        # The document's hyphenated and plain words, collected only if a line-end hyphen is found.
        return set(re.findall(r"\w+-\w+", text)), set(re.findall(r"\w+", text))

    def join(match: re.Match) -> str:
        left = re.search(r"\w+$", text[max(0, match.start() - 60):match.start()])
        right = re.match(r"\w+", text[match.end():match.end() + 60])
        if left and right:
            hyphenated, words = vocabulary()
            if f"{left.group()}-{right.group()}" in hyphenated:
                return "-"
            if f"{left.group()}{right.group()}" in words:
                return ""
            if right.group() in _CONJUNCTIONS:
                return "- "  # a suspended hyphen: "gender-\nand rights-based", "corto-\ny largo plazo"
        return "-" if lang.startswith("en") else ""

    return _HYPHENATED.sub(join, text)


def _one_line(span: str) -> str:
    """An emphasised span is one title or phrase: join its line breaks.

    A break after a hyphen is left to the hyphenation rules ("Secretary-\nGeneral").
    """
    return re.sub(r"(?<![-\s])[ \t]*\n[ \t]*", " ", span)


# Units of length (and their squares and cubes): "km²", "m³", "cm^2" carry an exponent, not a footnote marker.
_UNITS = {"m", "km", "cm", "mm", "dm", "hm", "dam", "µm", "μm", "nm", "ft", "yd", "mi"}
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")


def _is_exponent(text: str, match: re.Match) -> bool:
    marker = match.group(1) or match.group(2) or ""
    if marker not in ("²", "³", "2", "3"):
        return False
    word = _LETTERS_BEFORE.search(text, max(0, match.start() - 4), match.start())
    return word is not None and word.group() in _UNITS


def _detach_footnote_refs(text: str) -> tuple[str, list[tuple[int, str]]]:
    refs: list[tuple[int, str]] = []
    out: list[str] = []
    pos = removed = 0
    for match in _FOOTNOTE_REF.finditer(text):
        if _is_exponent(text, match):
            continue
        marker = match.group(1) or match.group(2) or match.group(3)
        out.append(text[pos:match.start()])
        refs.append((match.start() - removed, marker.translate(_SUP_TO_DIGIT)))
        removed += match.end() - match.start()
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), _resolve_markers(refs)


def _resolve_markers(refs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Read a letter marker in the gap of a numeric sequence as the missing number."""
    out = list(refs)
    for i, (offset, marker) in enumerate(refs):
        if marker.isdigit() or marker.startswith("*"):
            continue
        before = next((int(m) for _, m in reversed(refs[:i]) if m.isdigit()), None)
        after = next((int(m) for _, m in refs[i + 1:] if m.isdigit()), None)
        if before is not None and after == before + 2:
            out[i] = (offset, str(before + 1))
    return out


# ---------------------------------------------------------------- blocks


@dataclass
class _Unit:
    kind: str
    text: str
    number: str | None = None


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip(_OPENERS)
    return bool(stripped) and stripped[0].islower()


def _starts_upper(line: str) -> bool:
    stripped = line.lstrip(_OPENERS)
    return bool(stripped) and stripped[0].isupper()


def _last_word(line: str) -> str:
    words = line.split()
    return words[-1].lower().strip(_CLOSERS + _OPENERS + ",") if words else ""


def _raw_blocks(text: str) -> list[list[str]]:
    """Split on blank lines; each block is its list of non-empty lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _line_width(blocks: list[list[str]]) -> int:
    """The usual length of a wrapped line: the median over multi-line blocks."""
    lengths = sorted(len(line.strip()) for block in blocks if len(block) > 1 for line in block)
    return lengths[len(lengths) // 2] if lengths else 0


def _split_runs(block: list[str], width: int) -> list[list[str]]:
    """Split a block of hard-wrapped lines (PDF text) where a paragraph starts.

    PDF text often has no blank line between paragraphs. Within a block, a new
    block starts after a short line (a paragraph's last line, a heading, a
    header line: lines of running text are about as long as each other), and
    at a line that opens with a paragraph, heading or list number after a
    sentence end or after a numbered heading (a section heading wrapped over a
    few lines included), and at a short line that is not
    a sentence (a heading) or a footnote line after a sentence end. Tabbed or
    dot-leader lines (contents, table rows) are runs of their own.
    """
    if len(block) < 2:
        return [block]
    short = 0.6 * width if width >= 50 else 0
    out: list[list[str]] = [[block[0]]]
    for prev, line in zip(block, block[1:]):
        # A tabbed or dot-leader line (contents, table row) is a run of its own.
        tabular = bool(_LEADERS.search(prev) or _LEADERS.search(line))
        prev_short = len(prev.strip()) < short or tabular
        # "175 millones …" wrapped onto a line's start is a number, not an enumerator.
        enumerated = _ENUMERATED.match(line.strip()) is not None and not _NUMBER_IN_TEXT.match(line.strip())
        after_heading = (len(out[-1]) == 1 and _ENUMERATED.match(out[-1][0].strip()) is not None
                         and not _ends_sentence(out[-1][0])) or _wrapped_heading(out[-1])
        # After a sentence end, a short line that is not a sentence is a
        # heading ("Notas"), and a line opening with a marker is a footnote.
        heading = _ends_sentence(prev) and (
            (len(line.strip()) < short and not _ends_sentence(line)) or _FOOTNOTE_START.match(line.strip()))
        if prev_short or heading or (enumerated and (_ends_sentence(prev) or after_heading or len(prev.strip()) < 60)):
            out.append([line])
        else:
            out[-1].append(line)
    return out


def _wrapped_heading(lines: list[str]) -> bool:
    """A section heading ("II. Labor realizada …", "B. Other means …") wrapped over a few lines."""
    return (len(lines) <= 3 and _SECTION_HEADING.match(lines[0].strip()) is not None
            and not any(_ends_sentence(line) for line in lines))


def _is_heading_line(lines: list[str]) -> bool:
    return len(lines) == 1 and len(lines[0].strip()) < 80 and not _ends_sentence(lines[0])


def _is_prose(text: str) -> bool:
    """Prose has a sentence end inside it (a heading does not)."""
    body = _ENUMERATED.sub("", text.strip(), count=1)
    numbered = _PARA_NUMBER.match(text.strip()) is not None
    return bool(_INTERNAL_END.search(body)) or len(body) > (120 if numbered else 300)


def _continues(prev: list[str], block: list[str], repeated: frozenset[str] = frozenset()) -> bool:
    """Whether ``block`` continues the sentence that ends ``prev`` (a page break)."""
    last, first = prev[-1].strip(), block[0].strip()
    joined = " ".join(line.strip() for line in prev)
    if "\t" in last or "\t" in first or _LEADERS.search(first) or len(joined) <= 60:
        return False
    if _ends_sentence(last) or _FOOTNOTE_START.match(first) or _ENUMERATED.match(first):
        return False
    if _furniture_line(first, repeated):
        return False
    if _starts_lower(first):
        return True
    if not _starts_upper(first):
        return False
    following = " ".join(line.strip() for line in block)
    if _last_word(last) in FUNCTION_WORDS:
        return True
    return _is_prose(joined) and _ends_sentence(following) and len(following) > 80


def _furniture_line(line: str, repeated: frozenset[str] = frozenset()) -> bool:
    """A running head, page number or job number (UN style), or a line repeated page after page."""
    line = line.strip()
    return bool(_STANDALONE.match(line)) or line in repeated


def _is_furniture(block: list[str], repeated: frozenset[str] = frozenset()) -> bool:
    """A running head, page number or job number left by the PDF, alone on its line."""
    return len(block) == 1 and _furniture_line(block[0], repeated)


def _repeated_lines(blocks: list[list[str]]) -> frozenset[str]:
    """Page furniture that is not UN-style: lines that come back page after page.

    A browser's or word processor's print adds its own heads and feet to every
    page ("11/30/26, 2:30 AM  A/58/98", "file:///…/informe.html  2/12", "Página 3
    de 14"). A short line that is not a sentence and comes back at least
    ``_REPEATS`` times, never on the next line and mostly ``_PAGE_LINES`` lines
    or more after the last, with only its numbers changing, is one of them; a line without digits must
    come back once more (a repeated heading is not furniture).
    """
    positions: dict[str, list[int]] = {}
    lines: list[str] = []
    for block in blocks:
        for line in block:
            stripped = line.strip()
            lines.append(stripped)
            if (2 <= len(stripped) <= 100 and not _ends_sentence(stripped) and not _LEADERS.search(line)
                    and not _ENUMERATED.match(stripped + " ")):
                positions.setdefault(re.sub(r"\d+", "0", stripped), []).append(len(lines) - 1)
    repeated: set[str] = set()
    for shape, where in positions.items():
        needed = _REPEATS if any(ch.isdigit() for ch in shape) else _REPEATS + 1
        gaps = sorted(b - a for a, b in zip(where, where[1:]))
        # Never on consecutive lines (table rows), and mostly a page apart (a last page may be short).
        if len(where) >= needed and gaps[0] > 1 and gaps[len(gaps) // 2] >= _PAGE_LINES:
            repeated.update(lines[i] for i in where)
    return frozenset(repeated)


def _split_furniture(block: list[str], repeated: frozenset[str] = frozenset()) -> list[list[str]]:
    """Split page furniture off a block of PDF lines.

    UN-style furniture (page numbers, running heads, job numbers) is split off
    the top and bottom of the block; lines repeated page after page
    (:func:`_repeated_lines`) wherever they stand.
    """
    if len(block) < 2:
        return [block]
    pieces: list[list[str]] = [[]]
    for line in block:
        if line.strip() in repeated:
            pieces += [[line], []]
        else:
            pieces[-1].append(line)
    out: list[list[str]] = []
    for piece in pieces:
        if len(piece) < 2 or piece[0].strip() in repeated:
            out.extend([piece] if piece else [])
            continue
        head: list[list[str]] = []
        tail: list[list[str]] = []
        while len(piece) > 1 and _STANDALONE.match(piece[0].strip()):
            head.append([piece[0]])
            piece = piece[1:]
        while len(piece) > 1 and _STANDALONE.match(piece[-1].strip()):
            tail.insert(0, [piece[-1]])
            piece = piece[:-1]
        out.extend(head + [piece] + tail)
    return out


def _rejoin_page_breaks(blocks: list[list[str]], repeated: frozenset[str] = frozenset()) -> list[list[str]]:
    """Join blocks that continue a sentence across a page break.

    Page furniture between the two halves (running head, page number) does not
    stop the join; it is moved after the re-joined block, as a unit of its own.
    """
    out: list[list[str]] = []
    pending: list[list[str]] = []
    for block in blocks:
        if _is_furniture(block, repeated) and out:
            pending.append(block)
            continue
        if out and _continues(out[-1], block, repeated):
            # One sentence: the two lines around the break become one line.
            out[-1] = out[-1][:-1] + [f"{out[-1][-1].rstrip()} {block[0].lstrip()}"] + block[1:]
        else:
            out.extend(pending)
            pending = []
            out.append(block)
    return out + pending


def _is_header_line(line: str) -> bool:
    """A short line that is not a sentence or two ("Distr. general", "1 July 2003")."""
    if len(line) >= 90 or (_ends_sentence(line) and len(line) > 40):
        return False
    return not (_ends_sentence(line) and _INTERNAL_END.search(line))


def _single_spaces(text: str) -> str:
    """``re.sub(r"\\s+", " ", text)``: every run of whitespace one space, the ends included.

    With ``str.split`` (the same whitespace as ``\\s``) instead of the pattern: a fifth of
    normalize's time on A/58/98 went to that substitution.
    """
    words = text.split()
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


def _classify(lines: list[str], state: dict) -> list[_Unit]:
    """Typed units of one block of lines; ``state`` carries the document position."""
    first = lines[0].strip()
    title = first.lower().rstrip(":").strip()
    joined = _single_spaces(" ".join(line.strip() for line in lines))
    if len(lines) == 1 and title in _CONTENTS_TITLES:
        state.update(in_contents=True, seen_body=True)
        return [_Unit(HEADING, first)]
    if len(lines) == 1 and title in _NOTES_TITLES:
        state.update(in_notes=True, in_contents=False)
        return [_Unit(HEADING, first)]
    tabbed = any(_LEADERS.search(line) for line in lines)
    if tabbed or (state.get("in_contents") and _contents_like(lines)):
        state["in_contents"] = True
        return [_Unit(CONTENTS, line.strip()) for line in lines]
    state["in_contents"] = False
    if _STANDALONE.match(joined) or (len(lines) == 1 and first in state.get("repeated", ())):
        # A running head, page number or job number left by the PDF, or a browser's page head.
        return [_Unit(HEADER, joined)]
    if _FOOTNOTE_START.match(first) or state.get("in_notes"):
        if state.get("in_notes") and not _FOOTNOTE_START.match(first) and _is_heading_line(lines):
            state["in_notes"] = False  # a heading after the notes: an annex
            return [_Unit(HEADING, joined)]
        return [_Unit(FOOTNOTE, joined, _footnote_number(joined))]
    if not state.get("seen_body") and _SECTION_HEADING.match(joined):
        state["seen_body"] = True  # "I. Introducción": the header is over
    if not state.get("seen_body"):
        if len(lines) > 1 and all(_is_header_line(line.strip()) for line in lines) \
                and not _PARA_NUMBER.match(first):
            return [_Unit(HEADER, line.strip()) for line in lines]
        if _is_header_line(joined) and not _PARA_NUMBER.match(joined):
            return [_Unit(HEADER, joined)]
        state["seen_body"] = True
    if not _ends_sentence(joined) and len(joined) < 250 and not _is_prose(joined):
        return [_Unit(HEADING, joined)]
    match = _PARA_NUMBER.match(joined)
    return [_Unit(BODY, joined, match.group(1) if match else None)]


#: The page reference that closes a contents line: "… 4-39 4", "… 40–47 15", "… 12".
_PAGE_REF = re.compile(r"(?<=\S)\s+(?:(\d{1,4}\s*[-–]\s*\d{1,4})\s+)?(\d{1,4})$")
#: The first line of a contents entry: a section, chapter or paragraph number.
_ENTRY_START = re.compile(r"^(?:[IVXLC]{1,6}\.|[A-Z]\.|\d{1,3}(?:\.\d{1,3})*\.|\(?[a-z]{1,2}\)|\(?[ivx]{1,5}\))\s")
#: Column titles over a contents table ("Párrafos  Página").
_COLUMN_TITLES = {"párrafos", "párrafo", "página", "páginas", "paragraphs", "paragraph", "page", "pages",
                  "capítulo", "chapter"}
#: A contents entry wraps over at most this many lines.
_ENTRY_LINES = 4


def _is_contents_title(line: str) -> bool:
    return line.strip().lower().rstrip(":").strip() in _CONTENTS_TITLES


def _rebuild_contents(blocks: list[list[str]], repeated: frozenset[str] = frozenset()) -> list[list[str]]:
    """Give a contents table that lost its tab stops (printed to PDF) its lines back.

    After an "Índice"/"Contents" title, lines are gathered into entries, each
    ending with its page reference ("… 40-53 15"), however the entry wrapped
    ("… de las Naciones Unidas 40-" / "53 15"). An entry becomes one line with
    tabs before its paragraph range and page, as in the document's own text
    (``I. Introducción\t1-3\t3``); column titles ("Párrafos Página") become
    tabbed too. The contents end at the first line that cannot be part of an
    entry (a heading followed by a numbered paragraph, prose).
    Only whitespace changes.
    """
    out: list[list[str]] = []
    in_contents = False
    for block in blocks:
        if not in_contents and not any(_is_contents_title(line) for line in block):
            out.append(block)
            continue
        rebuilt: list[str] = []
        pending: list[str] = []
        for i, line in enumerate(block):
            stripped = line.strip()
            if _is_contents_title(stripped):
                rebuilt += pending + [line]
                pending, in_contents = [], True
                continue
            if not in_contents or _furniture_line(stripped, repeated):
                rebuilt.append(line)
                continue
            words = stripped.lower().split()
            if not pending and words and all(word in _COLUMN_TITLES for word in words):
                rebuilt.append("\t".join(stripped.split()) if "\t" not in line else line)
                continue
            if pending and _ENTRY_START.match(stripped):
                in_contents = False  # the entry never got its page: it was a heading, not an entry
                rebuilt += pending + block[i:]
                pending = []
                break
            pending.append(line)
            entry = _contents_entry(pending)
            if entry is not None:
                rebuilt.append(entry)
                pending = []
            elif len(pending) >= _ENTRY_LINES or _ends_sentence(stripped) and len(stripped) > 60:
                in_contents = False
                rebuilt += pending + block[i + 1:]
                pending = []
                break
        if pending:  # a page break inside an entry, or the end of the contents
            in_contents = False
            rebuilt += pending
        out.append(rebuilt)
    return out


def _contents_entry(lines: list[str]) -> str | None:
    """The contents line that ``lines`` (one entry, wrapped) make, or None if they are not one yet."""
    text = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        # "… 40-" / "53 15": a number range cut after its dash.
        text += line if re.search(r"[-–]$", text) and line[:1].isdigit() else f" {line}"
    match = _PAGE_REF.search(text)
    if not match:
        return None
    title = text[:match.start()].rstrip()
    if (_last_word(title) in FUNCTION_WORDS or title.endswith(",")
            or _INTERNAL_END.search(_ENUMERATED.sub("", title, count=1))
            or len(title) > 400):
        return None  # a line of prose that happens to end on a number
    if len(lines) == 1 and ("\t" in lines[0] or _LEADERS.search(lines[0])):
        return lines[0]  # already a contents line: left as it is
    if _LEADERS.search(text):
        return text
    return "\t".join([title] + [g for g in match.groups() if g])


def _contents_like(lines: list[str]) -> bool:
    return all(re.search(r"\d+(?:\s*[-–]\s*\d+)?\s+\d+$|^\S+\s*$", line.strip()) for line in lines)


def _footnote_number(text: str) -> str | None:
    match = re.match(rf"^([{SUPERSCRIPT_DIGITS}]+|\*+|\^[ivxlc]{{2,6}}\^(?=\s)|\^?[a-z]\^?(?=\s)|"
                     r"\d{1,3}(?=\s))", text)
    return match.group(1).translate(_SUP_TO_DIGIT).strip("^") if match else None


def _continue_paragraphs(units: list[_Unit]) -> list[_Unit]:
    """Join and number the body blocks that belong to a numbered paragraph.

    An unnumbered prose block straight after a numbered paragraph is that
    paragraph continued after a page break (joined); an enumerated one
    ("(a) ...") is a subparagraph (kept apart, given the paragraph's number).
    """
    out: list[_Unit] = []
    for unit in units:
        # Page furniture between the two parts does not separate them.
        prev = next((u for u in reversed(out) if u.kind != HEADER), None) if out else None
        if unit.kind == BODY and unit.number is None and prev and prev.kind == BODY and prev.number:
            if not _ENUMERATED.match(unit.text) and _starts_upper(unit.text) and _ends_sentence(prev.text):
                prev.text = f"{prev.text} {unit.text}"
                continue
            unit.number = prev.number
        out.append(unit)
    return out


def normalize(text: str, lang: str = "") -> Document:
    """Clean ``text`` and cut it into typed blocks (see the module docstring)."""
    cleaned, refs = clean_text(text, lang)
    raw: list[list[str]] = []
    raw_blocks = _raw_blocks(cleaned)
    width = _line_width(raw_blocks)
    repeated = _repeated_lines(raw_blocks)
    for block in _rebuild_contents(raw_blocks, repeated):
        for part in _split_furniture(block, repeated):
            raw.extend(_split_runs(part, width))
    state: dict = {"repeated": repeated}
    units: list[_Unit] = []
    for lines in _rejoin_page_breaks(raw, repeated):
        units.extend(_classify(lines, state))
    units = _continue_paragraphs(units)
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for unit in units:
        body = unit.text.strip() if unit.kind == CONTENTS else " ".join(unit.text.split())
        if not body:
            continue
        blocks.append(Block(body, pos, pos + len(body), len(blocks), unit.kind, unit.number))
        parts.append(body)
        pos += len(body) + 2
    new_text = "\n\n".join(parts)
    return Document(new_text, tuple(blocks), lang, _rebase_refs(cleaned, new_text, refs))


def _rebase_refs(old: str, new: str, refs: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Map footnote offsets from the cleaned text onto the rebuilt text.

    Both texts have the same non-space characters in the same order, so an
    offset is carried over by counting the non-space characters before it: the
    offset in ``new`` is the first one with as many non-space characters before it.
    The counting is done by ``str.split`` over the stretches between the offsets
    (a Python loop over every character took ~13 ms a side on a 60,000-character report).
    """
    if not refs:
        return ()
    counted_at: dict[int, int] = {}
    counted = position = 0
    for offset in sorted({offset for offset, _ in refs}):
        counted += _non_space(old[position:offset])
        counted_at[offset], position = counted, offset
    wanted = sorted((counted_at[offset], index, marker) for index, (offset, marker) in enumerate(refs))
    out: list[tuple[int, str]] = []
    counted = position = 0  # non-space characters in new[:position]
    for target, _index, marker in wanted:
        # Never past the first offset with `target` before it: each character adds at most one.
        while counted < target and position < len(new):
            step = target - counted
            counted += _non_space(new[position:position + step])
            position += step
        out.append((min(position, len(new)), marker))
    return tuple(out)


def _non_space(text: str) -> int:
    """The number of non-space characters of ``text`` (space as ``str.isspace`` says)."""
    return sum(map(len, text.split()))
