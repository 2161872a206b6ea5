"""``alinea tmx``: validate, merge, dedupe, filter, convert and inspect TMX files."""
from __future__ import annotations

import json
from pathlib import Path

import click

from alinea.align.errors import InputError
from alinea.outputs import FORMATS, TABLE, TMX, Format, OutputPlan

from .options import LANG_CODE, echo_notes, table_encoding_option

_PATH = click.Path(path_type=Path)
_LANG_HELP = "Language code to read (es, es-ES, en, en-US...); regional variants match their base."
#: What ``tmx convert`` writes: a TMX or a table.
_CONVERTED = Format("a TMX file or a table", TMX.suffixes[:1] + TABLE.suffixes)


def _lang_options(func):
    func = click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help=_LANG_HELP)(func)
    return click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help=_LANG_HELP)(func)


def _output_option(func):
    return click.option("-o", "--output", "out", type=_PATH,
                        help="TMX file to write ('-': standard output) [default: beside the (first) input, "
                             "with the command's name: tm.dedup.tmx].")(func)


_BASE_HELP = ("Compare languages by their base language (es-ES, es-MX and es are one language); by default "
              "by their exact variant, case-insensitively (es-ES = ES-es, but es-ES is not es).")


def _default_name(file: Path, what: str) -> Path:
    """``tm.tmx`` -> ``tm.dedup.tmx``: the default output of a maintenance command, beside its input."""
    return file.with_name(f"{file.stem}.{what}{file.suffix if file.suffix.lower() in TMX.suffixes else '.tmx'}")


@click.group()
def tmx() -> None:
    """Validate, merge, dedupe, filter, convert and inspect TMX translation memories."""


@tmx.command()
@click.argument("file", type=_PATH)
@click.option("--dtd", type=_PATH, help="Validate against this DTD file instead of the official TMX 1.4 DTD.")
@click.option("--no-dtd", is_flag=True, help="Structural checks only, no DTD validation.")
@click.option("--max-problems", default=50, show_default=True, help="Print at most this many problems.")
@_lang_options
def validate(file: Path, dtd: Path | None, no_dtd: bool, max_problems: int, src_lang: str, tgt_lang: str) -> None:
    """Check that FILE is valid TMX 1.4; problems are printed as FILE:LINE:COLUMN.

    The structural checks come first (element order, attributes, <bpt>/<ept> pairs,
    language codes, duplicate tuids); a file without structural errors is then validated
    against the official TMX 1.4 DTD, which alinea ships. Exit status 0 when valid, 1 when not.
    alinea's own properties that break its rules (an x-score outside 0-1, an x-bead that is not
    a bead type or does not fit the unit's text) are warnings: other alinea commands refuse them.

    Example: alinea tmx validate tm.tmx
    """
    from alinea.align.read import require_file
    from alinea.tmx.validate import validate_tmx

    require_file(file, "a TMX file", fifo=False)
    if dtd is not None and no_dtd:
        raise click.UsageError("--dtd and --no-dtd exclude each other")
    result = validate_tmx(file, False if no_dtd else (dtd or True), src_lang, tgt_lang)
    problems = result.problems
    errors = result.errors
    for problem in problems[:max_problems]:
        click.echo(problem.located(file), err=True)
    if len(problems) > max_problems:
        click.echo(f"... and {len(problems) - max_problems} more", err=True)
    if errors:
        click.echo(f"{file}: INVALID: {len(errors)} error(s)", err=True)
        click.get_current_context().exit(1)
    warnings = len(problems) - len(errors)
    refused = (f"; but alinea's report, review, stats, filter and convert refuse it: {result.refused_units} "
               f"unit(s) with an x-score or x-bead that breaks alinea's rules" if result.refused_units else "")
    click.echo(f"{file}: valid TMX 1.4{f' (and valid against {result.dtd})' if result.dtd else ''}: "
               f"{result.units} translation units, languages {', '.join(result.languages) or 'none'}"
               f"{f', {warnings} warning(s)' if warnings else ''}{refused}")


@tmx.command()
@click.argument("files", nargs=-1, required=True, type=_PATH)
@_output_option
@click.option("--dedupe", is_flag=True, help="Also drop exact duplicates across the files.")
@click.option("--by-base-language", is_flag=True, help=_BASE_HELP)
def merge(files: tuple[Path, ...], out: Path, dedupe: bool, by_base_language: bool) -> None:
    """Merge TMX FILES into one, keeping every property, note and inline tag.

    A tuid already used by an earlier file is prefixed with the file's name.

    Example: alinea tmx merge A_58_98.tmx A_59_1.tmx -o un.tmx --dedupe
    """
    from alinea.tmx.ops import dedupe_units, load_tmx, merge_units, write_tmx_units

    if by_base_language and not dedupe:
        raise click.UsageError("--by-base-language says how --dedupe compares languages; give --dedupe too")
    with OutputPlan(inputs=files) as plan:
        target = plan.add(out, "-o", TMX, default=_default_name(files[0], "merged"),
                          why="no -o given: named after the first file")
        loaded = [load_tmx(path) for path in files]
        units = merge_units(loaded)
        removed = 0
        if dedupe:
            units, removed = dedupe_units(units, by_base_language)
        written = write_tmx_units(units, target.path, loaded)
        plan.commit()
    click.echo(f"merged {len(files)} files: {written} units written"
               f"{f' ({removed} duplicates dropped)' if dedupe else ''}", err=True)
    echo_notes(plan)


@tmx.command()
@click.argument("file", type=_PATH)
@_output_option
@click.option("--by-base-language", is_flag=True, help=_BASE_HELP)
def dedupe(file: Path, out: Path, by_base_language: bool) -> None:
    """Drop exact duplicate units (same segments in every language, inline tags included); keep the first.

    Language codes are compared case-insensitively (BCP 47) and as exact variants:
    es-ES and ES-ES are the same language, es-ES and es are not (--by-base-language: they are).

    Example: alinea tmx dedupe un.tmx -o un.dedup.tmx
    """
    from alinea.tmx.ops import dedupe_units, load_tmx, write_tmx_units

    with OutputPlan(inputs=[file]) as plan:
        target = plan.add(out, "-o", TMX, default=_default_name(file, "dedup"), why="no -o given")
        tmx_file = load_tmx(file)
        kept, removed = dedupe_units(tmx_file.units, by_base_language)
        write_tmx_units(kept, target.path, [tmx_file])
        plan.commit()
    click.echo(f"{len(tmx_file.units)} units, {removed} exact duplicates dropped, {len(kept)} written", err=True)
    echo_notes(plan)


def _bead_types(values: tuple[str, ...]) -> tuple[str, ...]:
    from alinea.tmx.props import bead_numbers

    types = tuple(t.strip() for value in values for t in value.split(",") if t.strip())
    for kind in types:
        if bead_numbers(kind) is None:
            raise InputError(f"--bead {kind!r}: a bead type looks like 1-1, 2-1 or 1-0")
    return tuple("-".join(str(n) for n in bead_numbers(kind)) for kind in types)


@tmx.command(name="filter")
@click.argument("file", type=_PATH)
@_output_option
@click.option("--min-score", type=float, help="Keep units whose x-score is at least this (0 to 1).")
@click.option("--max-score", type=float,
              help="Keep units whose x-score is at most this (0 to 1; to extract doubtful ones).")
@click.option("--bead", "beads", multiple=True,
              help="Keep these bead types (x-bead), e.g. --bead 1-1 or --bead 1-1,2-1.")
@click.option("--min-ratio", type=float,
              help="Keep units whose source/target length ratio (characters) is at least this (> 0).")
@click.option("--max-ratio", type=float, help="Keep units whose source/target length ratio is at most this (> 0).")
@click.option("--keep-unscored", is_flag=True, help="With --min/--max-score, keep units that have no x-score.")
@_lang_options
def filter_cmd(file: Path, out: Path, min_score: float | None, max_score: float | None, beads: tuple[str, ...],
               min_ratio: float | None, max_ratio: float | None, keep_unscored: bool,
               src_lang: str, tgt_lang: str) -> None:
    """Keep the units of FILE that meet every condition given; say how many were dropped and why.

    Example: alinea tmx filter tm.tmx -o clean.tmx --min-score 0.5 --bead 1-1 --min-ratio 0.5 --max-ratio 2
    """
    from alinea.tmx.ops import UnitFilter, check_languages, filter_units, load_tmx, write_tmx_units

    try:
        conditions = UnitFilter(src_lang, tgt_lang, min_score, max_score, _bead_types(beads), min_ratio,
                                max_ratio, keep_unscored)
    except InputError as exc:  # impossible bounds: a usage error, before any file is touched
        raise click.UsageError(str(exc)) from None
    with OutputPlan(inputs=[file]) as plan:
        target = plan.add(out, "-o", TMX, default=_default_name(file, "filtered"), why="no -o given")
        tmx_file = load_tmx(file)
        if min_ratio is not None or max_ratio is not None:
            check_languages(tmx_file, src_lang, tgt_lang)
        kept, dropped = filter_units(tmx_file.units, conditions)
        write_tmx_units(kept, target.path, [tmx_file])
        plan.commit()
    reasons = ", ".join(f"{n} {reason}" for reason, n in dropped.most_common())
    click.echo(f"{len(tmx_file.units)} units: {len(kept)} kept, {sum(dropped.values())} dropped"
               f"{f' ({reasons})' if reasons else ''}", err=True)
    if not kept:  # an empty TM is a legitimate result, but never a silent one
        why = "has no translation units" if not tmx_file.units else "has no unit that meets every condition"
        click.echo(f"alinea: warning: {file} {why}: {target.given} has no translation units", err=True)
    echo_notes(plan)


def _left_out_text(counts: dict[str, int]) -> str:
    return " and ".join(f"{n} {lang}" for lang, n in counts.items())


def _units(n: int) -> str:
    return f"{n} unit{'' if n == 1 else 's'}"


@tmx.command()
@click.argument("source", type=_PATH)
@click.argument("target", type=_PATH)
@click.option("--to", "to_format", type=click.Choice(sorted(FORMATS)),
              help="Format of TARGET; needed when TARGET is '-' (standard output), else taken from its suffix.")
@click.option("--keep-unaligned", is_flag=True, help="When writing a TMX, keep one-sided units (1-0/0-1, with a note).")
@_lang_options
@table_encoding_option
def convert(source: Path, target: Path, to_format: str | None, keep_unaligned: bool, src_lang: str,
            tgt_lang: str, encoding: str | None) -> None:
    """Convert between TMX and TSV/CSV/XLSX tables (formats chosen by the file suffixes).

    Every unit keeps its tuid, properties and notes: TMX -> table -> TMX gives the same units back.

    Examples: alinea tmx convert tm.tmx tm.xlsx; alinea tmx convert tm.xlsx tm.tmx --src-lang es-ES --tgt-lang en-US;
    alinea tmx convert tm.tmx - --to tsv | less
    """
    from alinea.tmx.ops import convert as run_convert

    if str(target) == "-" and to_format is None:
        raise click.UsageError("TARGET '-' (standard output) needs --to tmx, tsv, csv or xlsx")
    fmt = FORMATS[to_format] if to_format else _CONVERTED
    with OutputPlan(inputs=[source]) as plan:
        output = plan.add(target, "TARGET", fmt)
        result = run_convert(source, output.path, src_lang, tgt_lang, keep_unaligned, encoding)
        plan.commit()
    to_tmx = output.path.suffix.lower() == ".tmx"
    output.detail = f"{result.written} {'units' if to_tmx else 'rows'}"
    echo_notes(plan)
    if result.other_languages:
        click.echo(f"left out: {_units(result.other_languages)} with neither {src_lang} nor {tgt_lang} text",
                   err=True)
    if result.other_variants:
        texts = ", ".join(f"{lang} in {_units(n)}" for lang, n in result.other_variants.items())
        click.echo(f"left out: the text in other languages ({texts}); only {src_lang} and {tgt_lang} are converted",
                   err=True)
    if any(result.left_out.values()):
        click.echo(f"left out: {_left_out_text(result.left_out)} sentences of one-sided units "
                   "(--keep-unaligned keeps them)", err=True)
    recorded = result.recorded_left_out
    if not to_tmx and recorded and any(recorded.values()):
        click.echo(f"note: {source} records {_left_out_text(recorded)} sentences left out when it was written; "
                   "a table has no header to carry that count, so a TMX made from it will not record it", err=True)
    if to_tmx and not result.written:
        click.echo(f"alinea: warning: {output.given} has no translation units (every unit is one-sided; "
                   "--keep-unaligned keeps them)", err=True)


@tmx.command()
@click.argument("file", type=_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_lang_options
def stats(file: Path, as_json: bool, src_lang: str, tgt_lang: str) -> None:
    """Print what FILE contains: units, languages, bead types, scores, duplicates, lengths.

    Example: alinea tmx stats tm.tmx
    """
    from alinea.tmx.ops import load_tmx, tmx_stats

    figures = tmx_stats(load_tmx(file), src_lang, tgt_lang)
    if as_json:
        click.echo(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
        return
    header = figures.header
    lines = [
        f"file: {figures.path}",
        f"created by: {header.get('creationtool', '?')} {header.get('creationtoolversion', '')}".rstrip()
        + f", srclang {header.get('srclang', '?')}, segtype {header.get('segtype', '?')}",
        f"translation units: {figures.units}",
        "languages: " + (", ".join(f"{lang} {n}" for lang, n in figures.languages.items()) or "none"),
        f"{src_lang}-{tgt_lang} pairs: {figures.pairs}",
    ]
    if figures.documents:
        lines.append("documents: " + ", ".join(f"{doc} {n}" for doc, n in figures.documents.items()))
    if figures.bead_types:
        lines.append("bead types: " + ", ".join(f"{kind} {n}" for kind, n in figures.bead_types.items()))
    if figures.scores:
        s = figures.scores
        lines.append(f"scores: {s['scored']} scored, min {s['min']:.3f}, median {s['median']:.3f}, "
                     f"mean {s['mean']:.3f}, max {s['max']:.3f}, {s['below_0.5']} below 0.5")
    else:
        lines.append("scores: none (no x-score properties)")
    if figures.words:
        lines.append("mean words per segment: " + ", ".join(f"{lang} {w}" for lang, w in figures.words.items()))
    if figures.length_ratio_median is not None:
        lines.append(f"median length ratio {src_lang}/{tgt_lang}: {figures.length_ratio_median}")
    lines.append(f"exact duplicates: {figures.duplicates}")
    lines.append(f"units with inline tags: {figures.units_with_inline_tags}")
    if figures.unaligned_notes:
        lines.append(f"unaligned units (with a note): {figures.unaligned_notes}")
    if figures.left_out is not None:
        lines.append("unaligned sentences left out when written: "
                     + ", ".join(f"{lang} {n}" for lang, n in figures.left_out.items())
                     + (" (not in the file; --keep-unaligned keeps them)" if any(figures.left_out.values()) else ""))
    click.echo("\n".join(lines))


COMMANDS = [tmx]
