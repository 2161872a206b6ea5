"""``alinea align``, ``alinea segment`` and ``alinea demo``."""
from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from alinea.align.model import Bitext
from alinea.align.utils import atomic_write

from .options import LANG_CODE, srx_option


def _run_alignment(src: Path, tgt: Path, src_lang: str, tgt_lang: str, meta: dict,
                   srx=None) -> tuple[Bitext, float]:
    from ..pipeline import ALIGN_STAGES, align_files  # imported here: NLTK and numpy load only when needed

    console = Console(stderr=True)
    started = time.perf_counter()
    # A bar over the pipeline's stages on an interactive terminal; nothing in pipes and logs.
    with Progress(SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("reading", total=len(ALIGN_STAGES))
        bitext = align_files(src, tgt, src_lang, tgt_lang, meta,
                             progress=lambda done, stage: progress.update(task, completed=done, description=stage),
                             srx=srx)
        progress.update(task, completed=len(ALIGN_STAGES))
    return bitext, time.perf_counter() - started


def _write_outputs(bitext: Bitext, out: Path | None, tsv: Path | None, xlsx: Path | None,
                   report: Path | None, src_lang: str, tgt_lang: str, keep_unaligned: bool) -> int:
    from alinea.tmx.tabular import bitext_frame, write_table
    from alinea.tmx.writer import write_tmx
    from alinea.report.review import write_review

    units = 0
    if out:
        units = write_tmx(bitext, out, src_lang, tgt_lang, keep_unaligned=keep_unaligned)
    if tsv or xlsx:
        frame = bitext_frame(bitext)
        for path in (tsv, xlsx):
            if path:
                write_table(frame, path)
    if report:
        write_review(bitext, report)
    return units


def _summary(bitext: Bitext, units: int, seconds: float, outputs: list[Path]) -> None:
    counts = ", ".join(f"{k}: {v}" for k, v in bitext.bead_counts().items())
    click.echo(f"sentences: {len(bitext.src)} ({bitext.src_lang}), {len(bitext.tgt)} ({bitext.tgt_lang})", err=True)
    click.echo(f"beads: {len(bitext.beads)} ({counts})", err=True)
    if units:
        click.echo(f"translation units written: {units}", err=True)
    for path in outputs:
        click.echo(f"wrote {path}", err=True)
    click.echo(f"time: {seconds:.2f} s", err=True)


@click.command()
@click.argument("es_file", type=click.Path(path_type=Path))
@click.argument("en_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="TMX file to write.")
@click.option("--tsv", type=click.Path(path_type=Path), help="Also write the beads as a TSV table.")
@click.option("--xlsx", type=click.Path(path_type=Path), help="Also write the beads as an Excel table.")
@click.option("--report", type=click.Path(path_type=Path), help="Also write an HTML alignment review.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Language code of ES_FILE in the TMX.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Language code of EN_FILE in the TMX.")
@click.option("--document", default="", help="Document symbol for the TMX x-document property (e.g. A/58/98).")
@click.option("--keep-unaligned", is_flag=True, help="Write 1-0 / 0-1 beads to the TMX too, with a note.")
@srx_option
def align(es_file: Path, en_file: Path, out: Path | None, tsv: Path | None, xlsx: Path | None,
          report: Path | None, src_lang: str, tgt_lang: str, document: str, keep_unaligned: bool,
          srx) -> None:
    """Align ES_FILE (Spanish) with EN_FILE (English) into a translation memory.

    Example: alinea align informe.es.txt report.en.txt -o tm.tmx --tsv tm.tsv --report review.html
    """
    if not (out or tsv or xlsx or report):
        raise click.UsageError("say where to write: -o OUT.tmx, --tsv, --xlsx or --report")
    meta = {"symbol": document} if document else {}
    bitext, seconds = _run_alignment(es_file, en_file, src_lang, tgt_lang, meta, srx)
    units = _write_outputs(bitext, out, tsv, xlsx, report, src_lang, tgt_lang, keep_unaligned)
    _summary(bitext, units, seconds, [p for p in (out, tsv, xlsx, report) if p])


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lang", required=True, type=LANG_CODE, help="Language of FILE (es, en, es-ES, en-US ...).")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "tsv", "json", "paragraphs"]),
              help="text: one sentence per line; tsv/json: with paragraph, UN number, kind and span; "
                   "paragraphs: the cleaned text, one paragraph per line, for a CAT tool.")
@srx_option
def segment(file: Path, lang: str, fmt: str, srx) -> None:
    """Print FILE one sentence per line (after cleaning).

    --format paragraphs prints the cleaned text instead (page breaks repaired, footnote
    markers detached, headings and contents lines on lines of their own, whitespace as
    the TMX has it), paragraphs separated by blank lines: the text to translate in a
    CAT tool that segments with `alinea srx` rules.

    Example: alinea segment corpora/A_58_98/es.txt --lang es --format tsv
    """
    import json

    from ..pipeline import clean_file, segment_file

    if fmt == "paragraphs":
        from alinea.tmx.hygiene import clean_segment

        if srx is not None:
            raise click.UsageError("--srx splits sentences; --format paragraphs prints whole paragraphs")

        paragraphs = [clean_segment(block.text) for block in clean_file(file, lang).blocks]
        click.echo("\n\n".join(p for p in paragraphs if p))
        return
    sentences = segment_file(file, lang, srx)
    fields = ("index", "paragraph", "number", "kind", "start", "end", "text")
    if fmt == "json":
        rows = [{f: getattr(s, f) for f in fields} for s in sentences]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "tsv":
        click.echo("\t".join(fields))
        for s in sentences:
            values = [getattr(s, f) for f in fields]
            click.echo("\t".join("" if v is None else " ".join(str(v).split()) for v in values))
    else:
        click.echo("\n".join(s.text for s in sentences))


@click.command()
@click.option("-d", "--out-dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the outputs.")
def demo(out_dir: Path) -> None:
    """Align the embedded report A/58/98 (Spanish-English).

    Writes OUT_DIR/A_58_98.tmx, .tsv and .report.html.
    """
    from alinea.corpora import corpus

    pair = corpus("A_58_98")
    meta = {"symbol": pair.meta["symbol"], "title": pair.meta["title"]}
    bitext, seconds = _run_alignment(pair.path("es"), pair.path("en"), "es", "en", meta)
    outputs = [out_dir / "A_58_98.tmx", out_dir / "A_58_98.tsv", out_dir / "A_58_98.report.html"]
    units = _write_outputs(bitext, outputs[0], outputs[1], None, outputs[2], "es", "en", False)
    _summary(bitext, units, seconds, outputs)


@click.command("align-lines")
@click.argument("es_file", type=click.Path(path_type=Path))
@click.argument("en_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="TSV file to write: src, tgt (line numbers), score, src_text, tgt_text.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Language of ES_FILE.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Language of EN_FILE.")
def align_lines(es_file: Path, en_file: Path, out: Path, src_lang: str, tgt_lang: str) -> None:
    """Align two pre-segmented files (one sentence per line, like hunalign's input).

    Writes one bead per row; line numbers are 0-based, blank lines are skipped,
    unaligned lines get a row with an empty side.

    Example: alinea align-lines report.es.txt report.en.txt -o beads.tsv
    """
    from alinea.align.aligner import align_sentences, read_sentence_lines, write_beads_tsv
    from alinea.align.errors import InputError
    from alinea.align.utils import check_lang

    if check_lang(src_lang) == check_lang(tgt_lang):
        raise click.UsageError("--src-lang and --tgt-lang must be one Spanish and one English")
    started = time.perf_counter()
    src, src_lines = read_sentence_lines(es_file)
    tgt, tgt_lines = read_sentence_lines(en_file)
    for path, sentences in ((es_file, src), (en_file, tgt)):
        if not sentences:
            raise InputError(f"{path}: no sentences (the file has no non-blank line)")
    beads = align_sentences(src, tgt, src_lang=check_lang(src_lang), tgt_lang=check_lang(tgt_lang))
    rows = write_beads_tsv(beads, src, tgt, out, src_lines, tgt_lines)
    counts: dict[str, int] = {}
    for bead in beads:
        counts[bead.kind] = counts.get(bead.kind, 0) + 1
    click.echo(f"sentences: {len(src)} ({src_lang}), {len(tgt)} ({tgt_lang})", err=True)
    click.echo(f"beads: {rows} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})", err=True)
    click.echo(f"wrote {out}", err=True)
    click.echo(f"time: {time.perf_counter() - started:.2f} s", err=True)


COMMANDS = [align, segment, demo, align_lines]
