"""The data that flows between stages: blocks, sentences, beads and bitexts.

Everything here is a plain frozen dataclass so that stages stay pure functions
from one kind of value to the next.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

#: Kinds of text unit. The aligner treats the non-"body" kinds as anchors.
BODY = "body"
HEADING = "heading"
CONTENTS = "contents"
FOOTNOTE = "footnote"
HEADER = "header"
UNIT_KINDS = (BODY, HEADING, CONTENTS, FOOTNOTE, HEADER)


@dataclass(frozen=True)
class Block:
    """A paragraph-level unit of a normalized document.

    ``start``/``end`` are offsets into the normalized text; ``number`` is the
    UN paragraph number ("4") when the block starts with one.
    """

    text: str
    start: int
    end: int
    index: int
    kind: str = BODY
    number: str | None = None


@dataclass(frozen=True)
class Document:
    """A normalized document: its text and the blocks that tile it."""

    text: str
    blocks: tuple[Block, ...]
    lang: str = ""
    #: footnote markers detached from words: (offset in ``text``, marker)
    footnote_refs: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence with where it came from."""

    text: str
    index: int
    start: int = 0
    end: int = 0
    paragraph: int = 0
    number: str | None = None
    kind: str = BODY

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Bead:
    """One alignment link: source and target sentence indices and a confidence.

    ``score`` is None when no confidence is known: a unit read from a TMX or table
    that does not record one (another tool's memory). alinea never invents it.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = 1.0

    @property
    def kind(self) -> str:
        """The bead type as translators write it: "1-1", "2-1", "1-0" ..."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        return not self.src or not self.tgt


@dataclass
class Bitext:
    """Two segmented documents and the beads that align them."""

    src: list[Sentence]
    tgt: list[Sentence]
    beads: list[Bead]
    src_lang: str = "es"
    tgt_lang: str = "en"
    meta: dict[str, str] = field(default_factory=dict)
    #: what the aligner wants a person to know first (``alinea.align.aligner.alignment_warnings``)
    warnings: list[str] = field(default_factory=list)
    #: the share of the beads that the lexical evidence says are translations, not chance
    #: (``alinea.align.aligner.Alignment.translated``; low: the documents do not correspond)
    translated: float = 1.0

    def src_text(self, bead: Bead) -> str:
        return " ".join(self.src[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        return " ".join(self.tgt[i].text for i in bead.tgt)

    def paragraph_number(self, bead: Bead) -> str | None:
        """The UN paragraph number a bead belongs to, from either side."""
        for side, idx in ((self.src, bead.src), (self.tgt, bead.tgt)):
            for i in idx:
                if side[i].number:
                    return side[i].number
        return None

    def unit_kind(self, bead: Bead) -> str:
        """The kind of text a bead is (body, heading, contents …): its sentences' common kind, else body."""
        kinds = {self.src[i].kind for i in bead.src} | {self.tgt[i].kind for i in bead.tgt}
        return kinds.pop() if len(kinds) == 1 else BODY

    def pairs(self) -> Iterator[tuple[Bead, str, str]]:
        for bead in self.beads:
            yield bead, self.src_text(bead), self.tgt_text(bead)

    def bead_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for bead in self.beads:
            counts[bead.kind] = counts.get(bead.kind, 0) + 1
        return dict(sorted(counts.items()))
