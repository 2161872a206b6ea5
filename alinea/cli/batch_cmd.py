"""``alinea batch``: align a whole corpus of document pairs (Dask, or slices without it)."""
from __future__ import annotations

from pathlib import Path

import click

from .options import LANG_CODE

_PATH = click.Path(path_type=Path)
#: At most this many failures and orphans are listed on stderr; summary.json has them all.
_LISTED = 20


def _progress_bar():
    """A rich progress bar on an interactive terminal (pairs done, failures, ETA); None elsewhere."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("[red]{task.fields[failed]} failed[/red]  {task.fields[skipped]} skipped"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=console, transient=True)


class _Reporter:
    """Feeds the progress bar (when there is one) from the batch's callbacks."""

    def __init__(self) -> None:
        self.bar = _progress_bar()
        self.task = None
        self.failed = self.skipped = 0

    def __enter__(self) -> _Reporter:
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.__exit__(*exc)

    def start(self, total: int) -> None:
        if self.bar:
            self.task = self.bar.add_task("aligning pairs", total=total, failed=0, skipped=0)

    def result(self, result) -> None:
        self.failed += result.status == "failed"
        self.skipped += result.status == "skipped"
        if self.bar and self.task is not None:
            self.bar.update(self.task, advance=1, failed=self.failed, skipped=self.skipped)
            task = self.bar.tasks[self.task]
            if task.completed >= (task.total or 0):
                self.bar.update(self.task, description="writing corpus")


def _print_outcome(outcome, wrote: list[Path], what: str) -> None:
    totals = outcome.totals()
    click.echo(f"{what}: {totals['pairs']} pairs: {totals['ok']} aligned, {totals['skipped']} unchanged (skipped), "
               f"{totals['failed']} failed; {totals['orphans']} orphans; {totals['ignored']} files ignored", err=True)
    for result in outcome.failed[:_LISTED]:
        click.echo(f"failed: {result.name}: {result.error}", err=True)
    for orphan in outcome.orphans[:_LISTED]:
        click.echo(f"orphan: {orphan.describe()}", err=True)
    # The aligner's warnings of the pairs aligned in this run (e.g. documents that do not look
    # like translations of each other): what `alinea align` would have said about each.
    warned = [(r.name, w) for r in outcome.results if r.status == "ok" for w in r.details.get("warnings", [])]
    for name, warning in warned[:_LISTED]:
        click.echo(f"warning: {name}: {warning}", err=True)
    hidden = max(0, len(outcome.failed) - _LISTED) + max(0, len(outcome.orphans) - _LISTED)
    if hidden:
        click.echo(f"... and {hidden} more failures and orphans: see summary.json", err=True)
    if len(warned) > _LISTED:
        click.echo(f"... and {len(warned) - _LISTED} more warnings: see index.html", err=True)
    if outcome.ignored:
        names = ", ".join(str(p) for p in outcome.ignored[:5])
        click.echo(f"ignored (no .es/.en in the name, not in es/ or en/): {names}"
                   f"{' …' if len(outcome.ignored) > 5 else ''}", err=True)
    if wrote:
        click.echo(f"sentences: {totals['sentences_es']} ({outcome.options.src_lang}), "
                   f"{totals['sentences_en']} ({outcome.options.tgt_lang}); "
                   f"corpus: {outcome.corpus_units} units ({outcome.duplicates_dropped} duplicates dropped)", err=True)
        for path in wrote:
            click.echo(f"wrote {path}", err=True)
    aligned = totals["ok"]
    rate = f" ({aligned / outcome.seconds:.1f} pairs/s aligned)" if aligned and outcome.seconds else ""
    click.echo(f"time: {outcome.seconds:.1f} s{rate}", err=True)


@click.command()
@click.argument("source", required=False, type=_PATH)
@click.option("-o", "--output", "outdir", type=_PATH, metavar="OUTDIR",
              help="Folder for the outputs: NAME.tmx, NAME.tsv, NAME.report.html per pair; corpus.tmx, "
                   "summary.json, index.html.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes of the local Dask cluster "
              "[default: one per core].")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run on this existing Dask scheduler instead "
              "(its workers must see the folders at the same paths).")
@click.option("--scheduler-file", type=_PATH, help="Like --scheduler, with the address read from a Dask "
              "scheduler file (dask scheduler --scheduler-file).")
@click.option("--shard", metavar="I/N", help="Align only slice I of N (1/N … N/N), in this process, without "
              "Dask; then run `alinea batch --merge OUTDIR`.")
@click.option("--merge", "merge_dir", type=_PATH, metavar="OUTDIR",
              help="Write corpus.tmx, summary.json and index.html of a --shard run once every slice is done.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE,
              help="Language code of the Spanish side in the TMX.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE,
              help="Language code of the English side in the TMX.")
@click.option("--keep-unaligned", is_flag=True, help="Write 1-0 / 0-1 beads to the TMX too, with a note.")
@click.option("--no-report", is_flag=True, help="Skip the HTML review of each pair (much faster on large corpora).")
@click.option("--force", is_flag=True, help="Align every pair again, even those unchanged since their last success.")
def batch(source: Path | None, outdir: Path | None, workers: int | None, scheduler: str | None,
          scheduler_file: Path | None, shard: str | None, merge_dir: Path | None, src_lang: str, tgt_lang: str,
          keep_unaligned: bool, no_report: bool, force: bool) -> None:
    """Align every document pair of SOURCE (a folder, or a CSV manifest) into OUTDIR.

    SOURCE pairs NAME.es.EXT with NAME.en.EXT, or es/NAME.EXT with en/NAME.EXT, at any depth;
    a CSV manifest lists es_path,en_path[,name]. Orphans are listed, not fatal. A pair whose
    inputs and alinea version are unchanged since its last success is skipped, so a stopped
    batch is finished by running it again. Exit status 1 when a pair failed.

    Examples: alinea batch corpus/ -o out/; alinea batch pairs.csv -o out/ --scheduler tcp://10.0.0.5:8786;
    alinea batch corpus/ -o out/ --shard 3/8 (then alinea batch --merge out/)
    """
    from alinea.align.utils import check_lang
    from alinea.batch import PairOptions, merge_shards, parse_shard, run_batch, run_shard

    if merge_dir is not None:
        extra = [name for name, given in (("SOURCE", source), ("-o", outdir), ("--workers", workers),
                                          ("--scheduler", scheduler), ("--scheduler-file", scheduler_file),
                                          ("--shard", shard), ("--force", force)) if given]
        if extra:
            raise click.UsageError(f"--merge OUTDIR takes no other input: drop {', '.join(extra)}")
        outcome = merge_shards(merge_dir)
        _print_outcome(outcome, [merge_dir / n for n in ("corpus.tmx", "index.html", "summary.json")], "merged")
        if outcome.failed:
            click.get_current_context().exit(1)
        return
    if source is None or outdir is None:
        raise click.UsageError("give SOURCE and -o OUTDIR (or --merge OUTDIR)")
    if check_lang(src_lang) == check_lang(tgt_lang):
        raise click.UsageError("--src-lang and --tgt-lang must be one Spanish and one English")
    if shard and (workers or scheduler or scheduler_file):
        raise click.UsageError("--shard runs in this process without Dask: drop --workers/--scheduler")
    if scheduler and scheduler_file:
        raise click.UsageError("give --scheduler or --scheduler-file, not both")
    if workers and (scheduler or scheduler_file):
        raise click.UsageError("--workers sizes the local cluster; an existing cluster has its own workers")
    options = PairOptions(src_lang, tgt_lang, keep_unaligned, report=not no_report)
    with _Reporter() as reporter:
        if shard:
            outcome = run_shard(source, outdir, parse_shard(shard), options, force=force,
                                on_start=reporter.start, on_result=reporter.result)
        else:
            outcome = run_batch(source, outdir, options, workers=workers, scheduler=scheduler,
                                scheduler_file=str(scheduler_file) if scheduler_file else None, force=force,
                                on_start=reporter.start, on_result=reporter.result)
    if shard:
        _print_outcome(outcome, [], f"slice {shard}")
    else:
        _print_outcome(outcome, [outdir / n for n in ("corpus.tmx", "index.html", "summary.json")], "batch")
    if outcome.failed:
        click.get_current_context().exit(1)


COMMANDS = [batch]
