"""``alinea report`` (alignment review of an existing result) and ``alinea check``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from alinea.align.utils import check_lang

from .options import LANG_CODE


#: ``alinea check`` exit codes (bad input is 2, like every command)
EXIT_FINDINGS = 1


@click.command()
@click.argument("bitext_file", metavar="BITEXT_OR_TMX", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="HTML review to write.")
@click.option("--tsv", type=click.Path(path_type=Path), help="Also write the review table as TSV.")
@click.option("--xlsx", type=click.Path(path_type=Path), help="Also write the review table as Excel.")
@click.option("--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1),
              help="Beads under this confidence are listed in 'to review'.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language in the file.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Target language in the file.")
def report(bitext_file: Path, out: Path | None, tsv: Path | None, xlsx: Path | None, threshold: float,
           src_lang: str, tgt_lang: str) -> None:
    """Write the alignment review of an existing TMX or alinea TSV/XLSX table.

    Example: alinea report out/A_58_98.tmx -o review.html --xlsx review.xlsx
    """
    from alinea.report.review import summary, write_review, write_review_table
    from alinea.tmx.reader import load_bitext

    if not (out or tsv or xlsx):
        raise click.UsageError("say where to write: -o OUT.html, --tsv or --xlsx")
    bitext = load_bitext(bitext_file, check_lang(src_lang), check_lang(tgt_lang))  # never empty
    if out:
        write_review(bitext, out, threshold)
    for path in (tsv, xlsx):
        if path:
            write_review_table(bitext, path, threshold)
    facts = summary(bitext, threshold)
    counts = ", ".join(f"{k}: {v}" for k, v in facts["bead_counts"].items())
    click.echo(f"beads: {facts['beads']} ({counts}); under {threshold:g}: {facts['low_confidence']}", err=True)
    if facts["left_out_src"] or facts["left_out_tgt"]:
        click.echo(f"left out of {bitext_file} when it was written (unaligned, no --keep-unaligned): "
                   f"{facts['left_out_src']} {src_lang} and {facts['left_out_tgt']} {tgt_lang} sentences; "
                   "they are not in this review", err=True)
    for path in (out, tsv, xlsx):
        if path:
            click.echo(f"wrote {path}", err=True)


@click.command()
@click.argument("bitext_file", metavar="TMX_OR_BITEXT", type=click.Path(path_type=Path))
@click.option("--glossary", type=click.Path(path_type=Path),
              help="Required term pairs: CSV/TSV (Spanish, English columns) or TBX.")
@click.option("--report", "html_out", type=click.Path(path_type=Path), help="HTML report to write.")
@click.option("--json", "json_out", type=click.Path(path_type=Path, allow_dash=True),
              help="JSON findings to write ('-' for standard output).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Which findings make the exit code 1.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language in the file.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Target language in the file.")
def check(bitext_file: Path, glossary: Path | None, html_out: Path | None, json_out: Path | None,
          fail_on: str, src_lang: str, tgt_lang: str) -> None:
    """Check a TMX or alinea TSV/XLSX table for translation inconsistencies.

    Exit code 1 when errors are found (or warnings, with --fail-on warning), 0 otherwise,
    2 for bad input.

    Example: alinea check out/A_58_98.tmx --glossary terms.csv --report check.html --json check.json
    """
    from alinea.report.consistency import check_file, load_glossary, write_check_report, write_json

    terms = load_glossary(glossary) if glossary else None  # bad glossary fails before any work
    result = check_file(bitext_file, terms, check_lang(src_lang), check_lang(tgt_lang))
    if html_out:
        write_check_report(result, html_out)
    if json_out is not None:
        if str(json_out) == "-":
            json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            write_json(result, json_out)
    facts = result.to_dict()
    for entry in facts["checks"]:
        if entry["count"]:
            click.echo(f"{entry['name']:26} {entry['severity']:8} {entry['count']}", err=True)
    click.echo(f"segments: {result.segments}; errors: {facts['counts']['errors']}, "
               f"warnings: {facts['counts']['warnings']}", err=True)
    for path in (html_out, json_out):
        if path is not None and str(path) != "-":
            click.echo(f"wrote {path}", err=True)
    failing = {"error": facts["counts"]["errors"],
               "warning": facts["counts"]["errors"] + facts["counts"]["warnings"],
               "never": 0}[fail_on]
    if failing:
        click.get_current_context().exit(EXIT_FINDINGS)


COMMANDS = [report, check]
