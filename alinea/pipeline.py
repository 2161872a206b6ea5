"""The end-to-end job: two documents in, one aligned bitext out."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from alinea.align.aligner import align, alignment_warnings
from alinea.align.dictionary import Dictionary
from alinea.align.errors import InputError
from alinea.align.language import guess_language
from alinea.align.model import Bitext, Document, Sentence
from alinea.align.read import read_document, read_plain_text
from alinea.align.utils import check_lang

if TYPE_CHECKING:
    from alinea.align.srx import SrxRules


#: The stages of :func:`align_files`, for progress reporting.
ALIGN_STAGES = ("segmenting source", "segmenting target", "aligning")


def clean_file(path: str | os.PathLike, lang: str, encoding: str | None = None) -> Document:
    """Read and normalize one document: the text a CAT tool should be given (``encoding``: of a
    text file, else detected)."""
    from alinea.align.normalize import normalize  # not needed by align-lines (one sentence per line)

    return normalize(read_document(path, encoding), check_lang(lang))


def segment_file(path: str | os.PathLike, lang: str, srx: SrxRules | None = None,
                 encoding: str | None = None) -> list[Sentence]:
    """Read, normalize and segment one document (with a CAT tool's SRX rules if given)."""
    from alinea.align.segment import segment  # NLTK's Punkt: imported by the commands that segment

    sentences = segment(clean_file(path, lang, encoding), lang, srx)
    if not sentences:
        raise InputError(f"{path}: no sentences found")
    return sentences


def align_texts(src: list[Sentence], tgt: list[Sentence], src_lang: str = "es",
                tgt_lang: str = "en", meta: dict[str, str] | None = None, *,
                use_anchors: bool = True, dictionary: Dictionary | None = None) -> Bitext:
    """Align two segmented documents; ``Bitext.warnings`` says what to look at first."""
    if check_lang(src_lang) == check_lang(tgt_lang):
        raise InputError(f"both sides are {check_lang(src_lang)!r}: alinea aligns Spanish with English")
    result = align(src, tgt, src_lang=check_lang(src_lang), tgt_lang=check_lang(tgt_lang),
                   use_anchors=use_anchors, dictionary=dictionary)
    warnings = alignment_warnings(result.beads, len(src), len(tgt), result.dropped_anchors, src_lang, tgt_lang,
                                  translated=result.translated)
    return Bitext(src, tgt, result.beads, src_lang, tgt_lang, dict(meta or {}), warnings, result.translated)


def align_files(src_path: str | os.PathLike, tgt_path: str | os.PathLike, src_lang: str = "es",
                tgt_lang: str = "en", meta: dict[str, str] | None = None,
                progress: Callable[[int, str], None] | None = None,
                srx: SrxRules | None = None, encoding: str | None = None, *,
                use_anchors: bool = True, dictionary: Dictionary | None = None) -> Bitext:
    """Read, clean, segment and align a Spanish document and its English counterpart.

    ``progress(done, stage)`` is called as each of the ``len(ALIGN_STAGES)`` stages starts.
    ``srx`` (:func:`alinea.align.srx.load_srx`) segments both sides by those SRX rules.
    ``meta`` gets ``src_file``/``tgt_file``, the two paths (reports name them).
    """
    _check_pair(src_path, tgt_path, src_lang, tgt_lang)
    meta = {"src_file": str(src_path), "tgt_file": str(tgt_path), **(meta or {})}
    step = progress or (lambda _done, _msg: None)
    step(0, "segmenting source")
    src = segment_file(src_path, src_lang, srx, encoding)
    step(1, "segmenting target")
    tgt = segment_file(tgt_path, tgt_lang, srx, encoding)
    _check_languages([s.text for s in src], [s.text for s in tgt], src_lang, tgt_lang, src_path, tgt_path)
    step(2, "aligning")
    return align_texts(src, tgt, src_lang, tgt_lang, meta, use_anchors=use_anchors, dictionary=dictionary)


_LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}


def check_language(path: str | os.PathLike, sentences: list[Sentence] | list[str], lang: str,
                   hint: str = "") -> None:
    """Refuse a document that is clearly in the other language than ``lang``.

    The guess is the one :func:`align_files` checks both sides with
    (:func:`guess_language`); too little text is not refused. ``hint`` ends
    the message (how to insist).
    """
    guessed = guess_language(sentences)
    if guessed and guessed != check_lang(lang):
        raise InputError(f"{path}: looks like {_LANGUAGE_NAMES[guessed]} ({guessed!r}), not {check_lang(lang)!r}"
                         + (f": {hint}" if hint else ""))


def _check_pair(src_path, tgt_path, src_lang: str, tgt_lang: str) -> None:
    """One Spanish and one English side, from two different files."""
    if check_lang(src_lang) == check_lang(tgt_lang):
        raise InputError(f"both sides are {check_lang(src_lang)!r}: alinea aligns Spanish with English")
    try:
        same = os.path.samefile(src_path, tgt_path)
    except OSError:
        same = False  # a missing file is reported when it is read
    if same:
        raise InputError(f"{src_path} and {tgt_path} are the same file, given as both the Spanish and "
                         "the English document")


def read_sentence_lines(path: str | os.PathLike, encoding: str | None = None) -> tuple[list[str], list[int]]:
    """A pre-segmented text file (one sentence per line): its sentences and their 0-based line numbers.

    Blank lines are not sentences; they are skipped and the line numbers of the
    sentences kept, so that bead indices can be mapped back to the file.
    """
    lines = read_plain_text(path, encoding).splitlines()
    kept = [(n, line.strip()) for n, line in enumerate(lines) if line.strip()]
    if not kept:
        raise InputError(f"{path}: no sentences (the file has no non-blank line)")
    return [text for _, text in kept], [n for n, _ in kept]


def align_line_files(src_path: str | os.PathLike, tgt_path: str | os.PathLike, src_lang: str = "es",
                     tgt_lang: str = "en", encoding: str | None = None, *, dictionary: Dictionary | None = None):
    """Align two pre-segmented files with the checks :func:`align_files` makes.

    Returns ``(beads, src sentences, tgt sentences, src line numbers, tgt line numbers)``.
    """
    result, src, tgt, src_lines, tgt_lines = _align_lines(src_path, tgt_path, src_lang, tgt_lang, encoding,
                                                          dictionary)
    return result.beads, src, tgt, src_lines, tgt_lines


def _align_lines(src_path, tgt_path, src_lang, tgt_lang, encoding, dictionary):
    _check_pair(src_path, tgt_path, src_lang, tgt_lang)
    src, src_lines = read_sentence_lines(src_path, encoding)
    tgt, tgt_lines = read_sentence_lines(tgt_path, encoding)
    _check_languages(src, tgt, src_lang, tgt_lang, src_path, tgt_path)
    result = align(src, tgt, src_lang=check_lang(src_lang), tgt_lang=check_lang(tgt_lang), dictionary=dictionary)
    return result, src, tgt, src_lines, tgt_lines


def align_line_bitext(src_path: str | os.PathLike, tgt_path: str | os.PathLike, src_lang: str = "es",
                      tgt_lang: str = "en", encoding: str | None = None, *,
                      dictionary: Dictionary | None = None) -> tuple[Bitext, list[int], list[int]]:
    """:func:`align_line_files` as a Bitext (one sentence per non-blank line, ``warnings`` set), and
    each sentence's line number in its file, counted from 1 as editors do."""
    result, src, tgt, src_lines, tgt_lines = _align_lines(src_path, tgt_path, src_lang, tgt_lang, encoding,
                                                          dictionary)
    beads = result.beads
    bitext = Bitext([Sentence(text, i) for i, text in enumerate(src)],
                    [Sentence(text, j) for j, text in enumerate(tgt)], list(beads), src_lang, tgt_lang,
                    {"src_file": str(src_path), "tgt_file": str(tgt_path)},
                    alignment_warnings(beads, len(src), len(tgt), src_lang=src_lang, tgt_lang=tgt_lang,
                                       translated=result.translated), result.translated)
    return bitext, [n + 1 for n in src_lines], [n + 1 for n in tgt_lines]


def _check_languages(src, tgt, src_lang, tgt_lang, src_path, tgt_path) -> None:
    guessed_src, guessed_tgt = guess_language(src), guess_language(tgt)
    if guessed_src and guessed_src == guessed_tgt:
        raise InputError(
            f"{src_path} and {tgt_path} are both in {guessed_src!r}: give a Spanish and an English document"
        )
    for path, guessed, lang in ((src_path, guessed_src, src_lang), (tgt_path, guessed_tgt, tgt_lang)):
        if guessed and guessed != check_lang(lang):
            raise InputError(f"{path} looks like {guessed!r}, not {check_lang(lang)!r}: are the files swapped?")
