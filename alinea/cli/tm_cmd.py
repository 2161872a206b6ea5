"""``alinea tm``: a translation memory in one SQLite file (import, search, lookup, analyze, export, stats)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from alinea.outputs import HTML, JSON, TABLE, TMX, Format, OutputPlan

from .options import LANG_CODE, echo_notes

#: What ``alinea tm export -o`` writes, chosen by the suffix.
EXPORT = Format("a TMX file or a table", TMX.suffixes + TABLE.suffixes)

_PATH = click.Path(path_type=Path)


def _db_option(func):
    return click.option("--db", type=_PATH, envvar="ALINEA_TM", default="alinea-tm.sqlite", show_default=True,
                        help="The translation-memory file (or set ALINEA_TM).")(func)


def _open(db: Path, **options):
    from alinea.tm.store import TranslationMemory

    return TranslationMemory(db, **options)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _highlight(text: str, spans) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(click.style(text[start:end], fg="yellow", bold=True))
        last = end
    out.append(text[last:])
    return "".join(out)


def _provenance_line(hit) -> str:
    p = hit.provenance
    parts = [f"{p.count}×"]
    if p.documents:
        parts.append(", ".join(p.documents[:3]) + (f" +{len(p.documents) - 3}" if len(p.documents) > 3 else ""))
    if p.score is not None:
        parts.append(f"score {p.score:.2f}")
    if p.reviewed:
        parts.append("reviewed")
    if p.last_date:
        parts.append(p.last_date[:10])
    return "; ".join(parts)


def _print_hits(hits, as_json: bool, nothing: str, label) -> None:
    """Hits as JSON, or three lines each: label and source, target, provenance (matches highlighted)."""
    if as_json:
        _echo_json([hit.as_dict() for hit in hits])
        return
    if not hits:
        click.echo(nothing, err=True)
        return
    for n, hit in enumerate(hits, start=1):
        prefix = label(n, hit)
        indent = " " * len(prefix)
        click.echo(click.style(prefix, bold=True) + _highlight(hit.source, hit.source_spans))
        click.echo(indent + _highlight(hit.target, hit.target_spans))
        click.echo(click.style(indent + _provenance_line(hit), dim=True))


@click.group()
def tm() -> None:
    """A translation memory in one SQLite file: import TMX/tables, search, fuzzy lookup, analyze, export.

    Every command takes --db FILE (default alinea-tm.sqlite, or $ALINEA_TM).
    """


@tm.command(name="import")
@click.argument("files", nargs=-1, required=True, type=_PATH)
@_db_option
@click.option("--document", help="Document name for units whose file does not give one (x-document).")
@click.option("--reviewed", is_flag=True, help="Mark every unit of these files as reviewed.")
@click.option("--force", is_flag=True, help="Import a file again even if the memory already has it (same SHA-256).")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE,
              help="Source language of a new memory.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE,
              help="Target language of a new memory.")
def import_cmd(files: tuple[Path, ...], db: Path, document: str | None, reviewed: bool, force: bool,
               src_lang: str, tgt_lang: str) -> None:
    """Import TMX files and alinea TSV/CSV/XLSX tables into the memory (created if missing).

    Every file is checked first (a TMX as `alinea tmx validate` checks it): bad input imports
    nothing. Then each file is one transaction. Identical units are merged and counted;
    conflicting translations of one source are kept side by side.

    Example: alinea tm import A_58_98.tmx A_59_1.xlsx --db un.sqlite --document A/58/98
    """
    from alinea.tm.importer import read_files, write_units

    def report(result) -> None:
        if result.already_imported:
            click.echo(f"{result.file}: already imported on {result.already_imported}; skipped "
                       "(--force imports it again)", err=True)
            return
        skipped = "" if not result.skipped else " (" + ", ".join(
            f"{n} {why}" for why, n in result.skipped_reasons.items()) + ")"
        click.echo(f"{result.file}: {result.units_read} units read, {result.added} added, "
                   f"{result.merged} merged with identical units, {result.skipped} skipped{skipped}", err=True)

    memory = _open(db, create=True) if db.exists() and db.stat().st_size > 0 else None
    try:
        if memory is not None:
            src_lang, tgt_lang = memory.src_lang, memory.tgt_lang
        # Every file is read and checked before the memory is created or written.
        reads = read_files(files, src_lang, tgt_lang, document=document, reviewed=reviewed, memory=db)
        if memory is None:
            memory = _open(db, create=True, src_lang=src_lang, tgt_lang=tgt_lang)
        for item in reads:
            report(write_units(memory, item, force))
        units = memory.conn.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        if memory is not None:
            memory.close()
    click.echo(f"{db}: {units} units", err=True)


@tm.command()
@click.argument("query")
@_db_option
@click.option("--lang", type=LANG_CODE, help="Search this side only (es or en); default: both.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000), help="Hits to show.")
@click.option("--any-order", is_flag=True, help='Every word anywhere, in any order ("quoted words" as phrases).')
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query: str, db: Path, lang: str | None, limit: int, any_order: bool, as_json: bool) -> None:
    """Concordance: units containing QUERY (a phrase; case and accents do not matter).

    Example: alinea tm search "trata de personas" --lang es
    """
    with _open(db, readonly=True) as memory:
        hits = memory.search(query, lang=lang, limit=limit, any_order=any_order)
    _print_hits(hits, as_json, f"no unit contains {query!r}", lambda n, hit: f"{n:>3}. ")


@tm.command()
@click.argument("sentence")
@_db_option
@click.option("--min", "min_score", default=70, show_default=True, type=click.IntRange(0, 100),
              help="Lowest match percentage shown.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000), help="Matches to show.")
@click.option("--lang", type=LANG_CODE, help="Language of SENTENCE (default: the memory's source language).")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
def lookup(sentence: str, db: Path, min_score: int, limit: int, lang: str | None, as_json: bool) -> None:
    """Fuzzy matches for SENTENCE with a CAT-style match percentage.

    Example: alinea tm lookup "La Asamblea General aprobó la resolución 58/98." --min 75
    """
    with _open(db, readonly=True) as memory:
        hits = memory.lookup(sentence, min_score=min_score, limit=limit, lang=lang)
    _print_hits(hits, as_json, f"no match of {min_score} % or more", lambda n, hit: f"{hit.score:>3} %  ")


@tm.command()
@click.argument("document", type=_PATH)
@_db_option
@click.option("--lang", type=LANG_CODE, help="Language of DOCUMENT (default: the memory's source language).")
@click.option("--json", "json_out", type=click.Path(path_type=Path, allow_dash=True),
              help="Write the analysis as JSON ('-' for standard output).")
@click.option("--report", "html_out", type=_PATH, help="Write an HTML report with every segment's best match.")
def analyze(document: Path, db: Path, lang: str | None, json_out: Path | None, html_out: Path | None) -> None:
    """Analyse DOCUMENT against the memory: segments and words per match band, repetitions.

    Example: alinea tm analyze informe.docx --report analysis.html --json analysis.json
    """
    from alinea.tm.analysis import REPETITIONS, ROWS, write_json, write_report

    with OutputPlan(inputs=[document, db]) as plan:
        report_out = plan.add(html_out, "--report", HTML)
        json_target = plan.add(json_out, "--json", JSON)
        with _open(db, readonly=True) as memory:
            analysis = memory.analyze(document, lang=lang)
        if report_out:
            write_report(analysis, report_out.path)
        if json_target:
            write_json(analysis, json_target.path)
        plan.commit()
    table = analysis.counts()
    total = analysis.as_dict()["total"]
    lines = [f"{'match':<12} {'segments':>9} {'words':>8} {'% words':>8}"]
    for name in (*ROWS, REPETITIONS):
        share = 100.0 * table[name]["words"] / (total["words"] or 1)
        label = name if name in (REPETITIONS, "no match") else f"{name} %"
        lines.append(f"{label:<12} {table[name]['segments']:>9} {table[name]['words']:>8} {share:>8.1f}")
    lines.append(f"{'total':<12} {total['segments']:>9} {total['words']:>8} {100.0:>8.1f}")
    # With the JSON on standard output, the table goes to the terminal's other stream.
    click.echo("\n".join(lines), err=json_out is not None and str(json_out) == "-")
    echo_notes(plan)


@tm.command()
@_db_option
@click.option("-o", "--output", "out", required=True,
              help="File to write: .tmx, .tsv, .csv or .xlsx ('-': TMX on standard output).")
@click.option("--document", "documents", multiple=True, help="Only units from this document (repeatable).")
@click.option("--min-score", type=click.FloatRange(0, 1),
              help="Only units whose best alignment score is at least this.")
@click.option("--reviewed-only", is_flag=True, help="Only units marked as reviewed.")
def export(db: Path, out: str, documents: tuple[str, ...], min_score: float | None, reviewed_only: bool) -> None:
    """Write the memory (or the units meeting every condition) as TMX or a table.

    Example: alinea tm export -o A_58_98.tmx --document A/58/98 --min-score 0.5
    """
    with OutputPlan(inputs=[db]) as plan:
        target = plan.add(out, "-o", EXPORT)
        with _open(db, readonly=True) as memory:
            written = memory.export(target.path, documents=documents, min_score=min_score,
                                    reviewed_only=reviewed_only)
        target.detail = f"{written} units"
        plan.commit()
    echo_notes(plan)


@tm.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db: Path, as_json: bool) -> None:
    """What the memory holds: units, occurrences, conflicting translations, documents, imported files.

    Example: alinea tm stats --db un.sqlite
    """
    with _open(db, readonly=True) as memory:
        figures = memory.stats()
    if as_json:
        _echo_json(figures.as_dict())
        return
    lines = [
        f"memory: {figures.path} (schema {figures.schema_version}, {figures.src_lang}→{figures.tgt_lang}, "
        f"created {figures.created or '?'}, {figures.size_bytes / 1e6:.1f} MB)",
        f"translation units: {figures.units} ({figures.words} source words)",
        f"occurrences imported: {figures.occurrences} ({figures.occurrences - figures.units} merged into "
        "identical units)",
        f"distinct sources: {figures.sources}, {figures.sources_with_conflicting_translations} with conflicting "
        "translations",
        f"reviewed units: {figures.reviewed_units}; units with an alignment score: {figures.scored_units}",
        f"imported files: {figures.imports}",
    ]
    if figures.documents:
        lines.append("documents: " + ", ".join(f"{d} {n}" for d, n in list(figures.documents.items())[:10])
                     + (" …" if len(figures.documents) > 10 else ""))
    for item in figures.files[:10]:
        lines.append(f"  {item['imported_at']}  {item['file']}: {item['units_read']} read, {item['added']} added, "
                     f"{item['merged']} merged, {item['skipped']} skipped")
    click.echo("\n".join(lines))


COMMANDS = [tm]
