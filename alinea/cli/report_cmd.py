"""``alinea report`` (alignment review of an existing result) and ``alinea check``."""
from __future__ import annotations

from pathlib import Path

import click

from alinea.align.model import Bitext
from alinea.align.utils import check_lang
from alinea.outputs import HTML, JSON, TSV, XLSX, OutputPlan

from .options import LANG_CODE, default_output, echo_notes, table_encoding_option

#: ``alinea check`` exit codes (bad input is 2, like every command)
EXIT_FINDINGS = 1


def skipped_units_line(bitext: Bitext) -> str | None:
    """"3 of 6 units skipped: …" when a TMX or table had units without both languages."""
    skipped = int(bitext.meta.get("skipped_units", 0) or 0)
    if not skipped:
        return None
    return (f"{skipped} of {bitext.meta.get('units', '?')} units skipped: they lack a "
            f"{bitext.src_lang!r} or a {bitext.tgt_lang!r} segment")


@click.command()
@click.argument("bitext_file", metavar="BITEXT_OR_TMX", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="HTML review to write ('-': standard output) [default: the input's name with "
                   ".review.html, when no other output is given].")
@click.option("--tsv", type=click.Path(path_type=Path), help="Also write the review table as TSV.")
@click.option("--xlsx", type=click.Path(path_type=Path), help="Also write the review table as Excel.")
@click.option("--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1),
              help="Beads under this confidence are listed in 'to review'.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language in the file.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Target language in the file.")
@table_encoding_option
def report(bitext_file: Path, out: Path | None, tsv: Path | None, xlsx: Path | None, threshold: float,
           src_lang: str, tgt_lang: str, encoding: str | None) -> None:
    """Write the alignment review of an existing TMX or alinea TSV/XLSX table.

    Example: alinea report out/A_58_98.tmx -o review.html --xlsx review.xlsx
    """
    from alinea.report.review import summary, write_review, write_review_table
    from alinea.tmx.reader import load_bitext

    with OutputPlan(inputs=[bitext_file]) as plan:
        default = default_output(bitext_file, "review.html") if not (out or tsv or xlsx) else None
        html_out = plan.add(out, "-o", HTML, default=default, why="no -o given: named after the input")
        tsv_out = plan.add(tsv, "--tsv", TSV)
        xlsx_out = plan.add(xlsx, "--xlsx", XLSX)
        bitext = load_bitext(bitext_file, check_lang(src_lang), check_lang(tgt_lang), encoding)  # never empty
        if html_out:
            write_review(bitext, html_out.path, threshold)
        for output in (tsv_out, xlsx_out):
            if output:
                write_review_table(bitext, output.path, threshold)
        plan.commit()
    facts = summary(bitext, threshold)
    counts = ", ".join(f"{k}: {v}" for k, v in facts["bead_counts"].items())
    skipped = skipped_units_line(bitext)
    if skipped:
        click.echo(skipped, err=True)
    unscored = f"; no recorded confidence: {facts['unscored']}" if facts["unscored"] else ""
    click.echo(f"beads: {facts['beads']} ({counts}); under {threshold:g}: {facts['low_confidence']}{unscored}",
               err=True)
    if facts["left_out_src"] or facts["left_out_tgt"]:
        click.echo(f"left out of {bitext_file} when it was written (unaligned, no --keep-unaligned): "
                   f"{facts['left_out_src']} {src_lang} and {facts['left_out_tgt']} {tgt_lang} sentences; "
                   "they are not in this review", err=True)
    echo_notes(plan)


@click.command()
@click.argument("bitext_file", metavar="TMX_OR_BITEXT", type=click.Path(path_type=Path))
@click.option("--glossary", type=click.Path(path_type=Path),
              help="Required term pairs: CSV/TSV/XLSX (Spanish, English columns) or TBX.")
@click.option("--report", "html_out", type=click.Path(path_type=Path),
              help="HTML report to write ('-': standard output).")
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="JSON findings to write ('-' for standard output).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Which findings make the exit code 1.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language in the file.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Target language in the file.")
@table_encoding_option
def check(bitext_file: Path, glossary: Path | None, html_out: Path | None, json_out: Path | None,
          fail_on: str, src_lang: str, tgt_lang: str, encoding: str | None) -> None:
    """Check a TMX or alinea TSV/XLSX table for translation inconsistencies.

    Exit code 1 when errors are found (or warnings, with --fail-on warning), 0 otherwise,
    2 for bad input.

    Example: alinea check out/A_58_98.tmx --glossary terms.csv --report check.html --json check.json
    """
    from alinea.report.consistency import check_file, load_glossary, write_check_report, write_json

    with OutputPlan(inputs=[bitext_file, glossary]) as plan:
        report_out = plan.add(html_out, "--report", HTML)
        json_target = plan.add(json_out, "--json", JSON)
        terms = load_glossary(glossary, encoding) if glossary else None  # bad glossary fails before any work
        result = check_file(bitext_file, terms, check_lang(src_lang), check_lang(tgt_lang), encoding)
        if report_out:
            write_check_report(result, report_out.path)
        if json_target:
            write_json(result, json_target.path)
        plan.commit()
    facts = result.to_dict()
    for entry in facts["checks"]:
        if entry["count"]:
            click.echo(f"{entry['name']:26} {entry['severity']:8} {entry['count']}", err=True)
    click.echo(f"segments: {result.segments}; errors: {facts['counts']['errors']}, "
               f"warnings: {facts['counts']['warnings']}", err=True)
    echo_notes(plan)
    failing = {"error": facts["counts"]["errors"],
               "warning": facts["counts"]["errors"] + facts["counts"]["warnings"],
               "never": 0}[fail_on]
    if failing:
        click.get_current_context().exit(EXIT_FINDINGS)


COMMANDS = [report, check]
