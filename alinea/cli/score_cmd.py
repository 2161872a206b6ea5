"""``alinea score``: BLEU, chrF and TER of MT output against references (sacrebleu's numbers)."""
from __future__ import annotations

from pathlib import Path

import click

from alinea.outputs import HTML, JSON, OutputPlan

from .options import LANG_CODE, echo_notes, process_seconds


@click.command()
@click.option("--hyp", "hyps", multiple=True, required=True, type=click.Path(path_type=Path),
              help="MT output, one segment per line (repeat for several systems; the first is the baseline).")
@click.option("--ref", "refs", multiple=True, required=True, type=click.Path(path_type=Path),
              help="Reference translation, one segment per line, or a TMX (its target side); "
                   "repeat for several references of the same segments.")
@click.option("--src", type=click.Path(path_type=Path),
              help="Source text, one segment per line (shown in the report).")
@click.option("-m", "--metrics", default="bleu,chrf,ter", show_default=True,
              help="Comma-separated metrics: bleu, chrf, chrf++, ter.")
@click.option("-tok", "--tokenize", default="13a", show_default=True,
              type=click.Choice(["13a", "intl", "zh", "char", "none"]),
              help="BLEU's tokenizer (sacrebleu's -tok): 13a (mteval-v13a), intl (mteval-v14, "
                   "Unicode punctuation), zh, char, none.")
@click.option("-lc", "--lowercase", is_flag=True,
              help="Case-insensitive BLEU and chrF (sacrebleu's -lc --chrf-lowercase; TER is case-insensitive anyway).")
@click.option("--realign", is_flag=True,
              help="MT output translated as a whole document: segment it and re-align it to the reference sentences.")
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Write every score as JSON ('-': standard output; the score lines then go to stderr).")
@click.option("--report", type=click.Path(path_type=Path),
              help="Write an HTML report for translators ('-': standard output).")
@click.option("--worst", default=50, show_default=True, type=click.IntRange(min=0),
              help="Worst segments listed per system in the report.")
@click.option("-w", "--width", default=1, show_default=True, type=click.IntRange(0, 10),
              help="Decimals printed (sacrebleu's --width).")
@click.option("--bootstrap", default=1000, show_default=True, type=click.IntRange(min=0),
              help="Paired bootstrap resamples for several systems (0: no significance test).")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes for the statistics [default: all CPUs from 500 segments on].")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language of a TMX reference.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE,
              help="Language of the MT and reference (TMX target side, sentence splitting for --realign).")
def score(hyps: tuple[Path, ...], refs: tuple[Path, ...], src: Path | None, metrics: str,
          tokenize: str, lowercase: bool, realign: bool, json_out: Path | None, report: Path | None,
          worst: int, width: int, bootstrap: int, jobs: int | None, src_lang: str,
          tgt_lang: str) -> None:
    """Score MT output against references with sacrebleu's BLEU, chrF and TER.

    \b
    Examples:
      alinea score --hyp mt.txt --ref ref.txt
      alinea score --hyp mt.txt --ref ref.txt --ref ref2.txt --tokenize intl --lowercase
      alinea score --hyp deepl.txt --hyp google.txt --ref ref.txt --src src.txt --report scores.html
      alinea score --hyp mt-document.txt --ref tm.tmx --realign --json scores.json
    """
    from alinea.report.mtscore import format_scores, ranked_table, score_files, write_json, write_score_report

    with OutputPlan(inputs=[*hyps, *refs, src]) as plan:
        json_target = plan.add(json_out, "--json", JSON)
        report_target = plan.add(report, "--report", HTML)
        result = score_files(hyps, list(refs), src, metrics, realign_output=realign, src_lang=src_lang,
                             tgt_lang=tgt_lang, workers=jobs, bootstrap=bootstrap,
                             tokenize=tokenize, lowercase=lowercase)
        if json_target:
            write_json(result, json_target.path)
        if report_target:
            write_score_report(result, report_target.path, worst=worst, width=max(width, 2))
        plan.commit()
    # JSON or HTML on standard output: the score lines go to stderr, out of its way.
    to_stderr = any(o.kind == "stdout" for o in plan.outputs)
    for system in result.systems:
        info = system.realignment
        if info:
            click.echo(f"{system.name}: re-aligned {info.sentences} MT sentences ({info.lines} lines) "
                       f"to {info.references} reference sentences; "
                       f"{len(info.missing)} reference sentences without MT, "
                       f"{len(info.unmatched)} MT sentences without reference", err=True)
    for system in result.systems:
        if len(result.systems) > 1:
            click.echo(f"{system.name}:", err=to_stderr)
        for line in format_scores(system, result, width):
            click.echo(line, err=to_stderr)
    if len(result.systems) > 1:
        click.echo("", err=to_stderr)
        for line in ranked_table(result, width):
            click.echo(line, err=to_stderr)
    echo_notes(plan)
    click.echo(f"segments: {len(result.refs)}, time: {process_seconds():.2f} s", err=True)


COMMANDS = [score]
