"""``alinea align``, ``alinea align-lines``, ``alinea segment`` and ``alinea demo``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from alinea.align.errors import InputError
from alinea.align.model import Bitext
from alinea.align.utils import check_lang
from alinea.outputs import HTML, TABLE, TMX, TSV, XLSX, Output, OutputPlan

from .options import LANG_CODE, default_output, echo_notes, encoding_option, process_seconds, srx_option


def _run_alignment(src: Path, tgt: Path, src_lang: str, tgt_lang: str, meta: dict,
                   srx=None, encoding: str | None = None, use_anchors: bool = True,
                   dictionaries: tuple[str, ...] = ()) -> Bitext:
    from ..pipeline import ALIGN_STAGES, align_files  # imported here: NLTK and numpy load only when needed

    dictionary = _dictionary(dictionaries)
    if not sys.stderr.isatty():
        # Pipes and logs get no progress bar, and rich is not even imported.
        return align_files(src, tgt, src_lang, tgt_lang, meta, srx=srx, encoding=encoding,
                           use_anchors=use_anchors, dictionary=dictionary)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    # A bar over the pipeline's stages on an interactive terminal.
    with Progress(SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("reading", total=len(ALIGN_STAGES))
        bitext = align_files(src, tgt, src_lang, tgt_lang, meta,
                             progress=lambda done, stage: progress.update(task, completed=done, description=stage),
                             srx=srx, encoding=encoding, use_anchors=use_anchors, dictionary=dictionary)
        progress.update(task, completed=len(ALIGN_STAGES))
    return bitext


def _dictionary(specs: tuple[str, ...]):
    """The shipped table plus the ``--dictionary`` files (None: the aligner's default)."""
    if not specs:
        return None
    from alinea.align.dictionary import load_dictionaries

    return load_dictionaries(specs)


_DICTIONARY_HELP = ("Extra Spanish-English word translations: a hunalign dictionary ('english @ spanish' "
                    "lines), a two-column CSV/TSV (Spanish first, or a header naming es/en), a TBX termbase, "
                    "or 'freedict' for Debian's dict-freedict-spa-eng. Repeatable.")


def _write_outputs(bitext: Bitext, out: Output | None, tsv: Output | None, xlsx: Output | None,
                   report: Output | None, src_lang: str, tgt_lang: str, keep_unaligned: bool) -> int:
    # Each writer is imported only when its output is asked for (jinja2 and matplotlib for the report).
    units = 0
    if out:
        from alinea.tmx.writer import write_tmx

        units = write_tmx(bitext, out.path, src_lang, tgt_lang, keep_unaligned=keep_unaligned)
    if tsv or xlsx:
        from alinea.tables import write_table
        from alinea.tmx.tabular import COLUMNS, bead_rows

        rows = bead_rows(bitext)
        for output in (tsv, xlsx):
            if output:
                write_table(output.path, COLUMNS, rows, "beads")
    if report:
        from alinea.report.review import write_review

        write_review(bitext, report.path)
    return units


def _summary(bitext: Bitext, units: int, wrote_tmx: bool, plan: OutputPlan) -> None:
    counts = ", ".join(f"{k}: {v}" for k, v in bitext.bead_counts().items())
    click.echo(f"sentences: {len(bitext.src)} ({bitext.src_lang}), {len(bitext.tgt)} ({bitext.tgt_lang})", err=True)
    click.echo(f"beads: {len(bitext.beads)} ({counts})", err=True)
    if wrote_tmx:
        click.echo(f"translation units written: {units}", err=True)
    echo_notes(plan)
    for warning in bitext.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"time: {process_seconds():.2f} s", err=True)


@click.command()
@click.argument("es_file", type=click.Path(path_type=Path))
@click.argument("en_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="TMX file to write ('-': standard output) [default: ES_FILE's name with .es-en.tmx, "
                   "when no other output is given].")
@click.option("--tsv", type=click.Path(path_type=Path),
              help="Also write the beads as a TSV table ('-': standard output).")
@click.option("--xlsx", type=click.Path(path_type=Path), help="Also write the beads as an Excel table.")
@click.option("--report", type=click.Path(path_type=Path), help="Also write an HTML alignment review.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE,
              help="Language code of ES_FILE in the TMX.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE,
              help="Language code of EN_FILE in the TMX.")
@click.option("--document", default="", help="Document symbol for the TMX x-document property (e.g. A/58/98).")
@click.option("--keep-unaligned", is_flag=True, help="Write 1-0 / 0-1 beads to the TMX too, with a note.")
@srx_option
@encoding_option
@click.option("--review", is_flag=True, help="Then open the result in the browser review editor (alinea review).")
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="With --review: port on 127.0.0.1.")
@click.option("--no-browser", is_flag=True, help="With --review: print the page's address, do not open it.")
@click.option("--dictionary", "dictionaries", multiple=True, metavar="FILE", help=_DICTIONARY_HELP)
@click.option("--no-anchors", is_flag=True,
              help="Do not use paragraph numbers, footnotes and headings as anchors (text evidence only).")
def align(es_file: Path, en_file: Path, out: Path | None, tsv: Path | None, xlsx: Path | None,
          report: Path | None, src_lang: str, tgt_lang: str, document: str, keep_unaligned: bool,
          srx, encoding: str | None, review: bool, port: int, no_browser: bool,
          dictionaries: tuple[str, ...], no_anchors: bool) -> None:
    """Align ES_FILE (Spanish) with EN_FILE (English) into a translation memory.

    ES_FILE and EN_FILE are text files in any encoding and with any suffix
    (doc.es, doc.en, .txt), Word .docx or PDF, recognised by their content.

    Example: alinea align informe.es.txt report.en.txt -o tm.tmx --tsv tm.tsv --report review.html
    """
    with OutputPlan(inputs=[es_file, en_file]) as plan:
        default = None
        if not (out or tsv or xlsx or report):
            default = default_output(es_file, f"{check_lang(src_lang)}-{check_lang(tgt_lang)}.tmx")
        tmx_out = plan.add(out, "-o", TMX, default=default, why="no -o given: named after ES_FILE")
        tsv_out = plan.add(tsv, "--tsv", TSV)
        xlsx_out = plan.add(xlsx, "--xlsx", XLSX)
        report_out = plan.add(report, "--report", HTML)
        reviewed = _review_target(tmx_out, tsv_out, xlsx_out) if review else None
        if reviewed:
            from alinea.review.server import bind

            sock = bind(port)  # a taken port stops the run before anything is written
        meta = {"symbol": document} if document else {}
        bitext = _run_alignment(es_file, en_file, src_lang, tgt_lang, meta, srx, encoding, not no_anchors,
                                dictionaries)
        units = _write_outputs(bitext, tmx_out, tsv_out, xlsx_out, report_out, src_lang, tgt_lang, keep_unaligned)
        plan.commit()
    _summary(bitext, units, tmx_out is not None, plan)
    if reviewed:
        from alinea.review.session import ReviewSession

        from .review_cmd import serve_review

        # The review starts from the bitext itself: it has the unaligned sentences a TMX may leave out.
        serve_review(ReviewSession.start(bitext, reviewed), port, not no_browser, sock)


def _review_target(*outputs) -> Path:
    """The output file the review belongs to (checked before aligning: an old review is never overwritten)."""
    from alinea.align.errors import InputError
    from alinea.review.store import review_path_for

    target = next((Path(o.given) for o in outputs if o is not None and o.kind == "file"), None)
    if target is None:
        raise click.UsageError("--review needs -o, --tsv or --xlsx written to a file: the review belongs to it")
    if review_path_for(target).exists():
        raise InputError(f"{target} already has a review ({review_path_for(target)}): continue it with "
                         f"`alinea review {target}`, or delete that file to start again")
    return target


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lang", required=True, type=LANG_CODE, help="Language of FILE (es, en, es-ES, en-US ...).")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "tsv", "json", "paragraphs"]),
              help="text: one sentence per line; tsv/json: with paragraph, UN number, kind and span; "
                   "paragraphs: the cleaned text, one paragraph per line, for a CAT tool.")
@srx_option
@encoding_option
@click.option("--force-lang", is_flag=True,
              help="Split FILE with --lang's rules even when its text looks like the other language.")
def segment(file: Path, lang: str, fmt: str, srx, encoding: str | None, force_lang: bool) -> None:
    """Print FILE one sentence per line (after cleaning).

    FILE is text in any encoding and with any suffix, Word .docx, PDF or HTML.
    A FILE whose text is clearly in the other language than --lang is refused
    (the check `alinea align` makes), unless --force-lang is given.

    --format paragraphs prints the cleaned text instead (page breaks repaired, footnote
    markers detached, headings and contents lines on lines of their own, whitespace as
    the TMX has it), paragraphs separated by blank lines: the text to translate in a
    CAT tool that segments with `alinea srx` rules.

    Example: alinea segment corpora/A_58_98/es.txt --lang es --format tsv
    """
    import json

    from ..pipeline import check_language, clean_file, segment_file

    other = "en" if check_lang(lang) == "es" else "es"
    hint = f"give --lang {other}, or --force-lang to split it with the {check_lang(lang)!r} rules anyway"
    if fmt == "paragraphs":
        from alinea.tmx.hygiene import clean_segment

        if srx is not None:
            raise click.UsageError("--srx splits sentences; --format paragraphs prints whole paragraphs")

        blocks = clean_file(file, lang, encoding).blocks
        if not force_lang:
            check_language(file, [block.text for block in blocks], lang, hint)
        paragraphs = [clean_segment(block.text) for block in blocks]
        click.echo("\n\n".join(p for p in paragraphs if p))
        return
    sentences = segment_file(file, lang, srx, encoding)
    if not force_lang:
        check_language(file, sentences, lang, hint)
    fields = ("index", "paragraph", "number", "kind", "start", "end", "text")
    if fmt == "json":
        rows = [{f: getattr(s, f) for f in fields} for s in sentences]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "tsv":
        import sys

        from alinea.tables import write_delimited

        # alinea's one table convention (quoting, formula-safe cells): what every command reads back.
        write_delimited(sys.stdout, fields, ([getattr(s, f) for f in fields] for s in sentences))
        sys.stdout.flush()
    else:
        click.echo("\n".join(s.text for s in sentences))


@click.command()
@click.option("-d", "--out-dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the outputs (created if missing).")
def demo(out_dir: Path) -> None:
    """Align the embedded report A/58/98 (Spanish-English).

    Writes OUT_DIR/A_58_98.tmx, .tsv and .report.html.
    """
    from alinea.corpora import corpus

    pair = corpus("A_58_98")
    with OutputPlan(inputs=[pair.path("es"), pair.path("en")]) as plan:
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError(f"{out_dir}: is a file; -d/--out-dir needs a folder")
        tmx_out = plan.add(out_dir / "A_58_98.tmx", "-d", TMX)
        tsv_out = plan.add(out_dir / "A_58_98.tsv", "-d", TSV)
        report_out = plan.add(out_dir / "A_58_98.report.html", "-d", HTML)
        meta = {"symbol": pair.meta["symbol"], "title": pair.meta["title"]}
        bitext = _run_alignment(pair.path("es"), pair.path("en"), "es", "en", meta)
        units = _write_outputs(bitext, tmx_out, tsv_out, None, report_out, "es", "en", False)
        plan.commit()
    _summary(bitext, units, True, plan)


@click.command("align-lines")
@click.argument("es_file", type=click.Path(path_type=Path))
@click.argument("en_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Bead table to write (.tsv, .csv or .xlsx; '-': TSV on standard output), the table "
                   "`align --tsv` writes, with line numbers as src_ids/tgt_ids [default: ES_FILE's name "
                   "with .es-en.tsv].")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Language of ES_FILE.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Language of EN_FILE.")
@encoding_option
@click.option("--dictionary", "dictionaries", multiple=True, metavar="FILE", help=_DICTIONARY_HELP)
def align_lines(es_file: Path, en_file: Path, out: Path | None, src_lang: str, tgt_lang: str,
                encoding: str | None, dictionaries: tuple[str, ...]) -> None:
    """Align two pre-segmented files (one sentence per line, like hunalign's input).

    Writes one bead per row, in the bead table every alinea command reads (report, check,
    tmx convert, review): src_ids/tgt_ids are the bead's line numbers (from 1; blank lines
    are skipped but keep their numbers), unaligned lines get a row with an empty side.

    Example: alinea align-lines report.es.txt report.en.txt -o beads.tsv
    """
    from alinea.tmx.tabular import write_bead_table

    from ..pipeline import align_line_bitext

    with OutputPlan(inputs=[es_file, en_file]) as plan:
        default = default_output(es_file, f"{check_lang(src_lang)}-{check_lang(tgt_lang)}.tsv")
        table_out = plan.add(out, "-o", TABLE, default=default, why="no -o given: named after ES_FILE")
        bitext, src_lines, tgt_lines = align_line_bitext(es_file, en_file, src_lang, tgt_lang, encoding,
                                                         dictionary=_dictionary(dictionaries))
        rows = write_bead_table(bitext, table_out.path, src_lines, tgt_lines)
        plan.commit()
    counts = ", ".join(f"{k}: {v}" for k, v in bitext.bead_counts().items())
    click.echo(f"sentences: {len(bitext.src)} ({src_lang}), {len(bitext.tgt)} ({tgt_lang})", err=True)
    click.echo(f"beads: {rows} ({counts})", err=True)
    echo_notes(plan)
    for warning in bitext.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"time: {process_seconds():.2f} s", err=True)


COMMANDS = [align, segment, demo, align_lines]
