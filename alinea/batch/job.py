"""One pair's work, as a Dask worker (or a ``--shard`` process) does it, and its state record.

:func:`align_pair` reads, aligns and writes ``NAME.tmx``, ``NAME.tsv`` and
``NAME.report.html`` with the project's own pipeline and writers (each file
written atomically), then commits a state record under ``OUTDIR/.alinea-batch/``
saying which inputs, options and alinea version produced them. A later run
skips the pair while that record still matches (:func:`is_current`). The record
is written last, so a run killed half-way through a pair leaves no record and
the pair is aligned again. A pair that fails never raises: its result says
why, and stale outputs of an earlier success are removed.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from alinea.align.errors import InputError

from .pairs import DocumentPair

#: Where the batch keeps its state, inside the output folder.
STATE_DIR = ".alinea-batch"
#: The keys of a pair's entry in summary.json, in order.
SUMMARY_KEYS = ("name", "status", "error", "sentences_es", "sentences_en", "units", "unaligned",
                "mean_confidence", "seconds")
#: Bins of the bead-confidence histogram kept for the corpus plot.
HISTOGRAM_BINS = 20


def alinea_version() -> str:
    from alinea._version import __version__

    return __version__


@dataclass(frozen=True)
class PairOptions:
    """What, besides the inputs and alinea's version, decides a pair's outputs."""

    src_lang: str = "es"
    tgt_lang: str = "en"
    keep_unaligned: bool = False
    report: bool = True


@dataclass(frozen=True)
class PairJob:
    """Everything a worker needs for one pair; plain paths and values, cheap to send."""

    pair: DocumentPair
    outdir: Path
    options: PairOptions
    fingerprint: dict


@dataclass
class PairResult:
    """The outcome of one pair: its summary.json entry plus what the dashboard draws."""

    name: str
    status: str  # "ok" | "failed" | "skipped"
    error: str | None = None
    sentences_es: int | None = None
    sentences_en: int | None = None
    units: int | None = None
    unaligned: int | None = None
    mean_confidence: float | None = None
    seconds: float = 0.0
    #: bead counts by type, beads under the review threshold, histogram of confidences
    details: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The entry of summary.json (exactly :data:`SUMMARY_KEYS`)."""
        values = asdict(self)
        return {key: values[key] for key in SUMMARY_KEYS}

    @classmethod
    def from_dict(cls, data: dict) -> PairResult:
        return cls(**{key: data.get(key) for key in (*SUMMARY_KEYS, "details") if key in data})

    def as_dict(self) -> dict:
        return asdict(self)


def failed(name: str, error: str, seconds: float = 0.0) -> PairResult:
    return PairResult(name, "failed", error=" ".join(str(error).split()) or "failed", seconds=round(seconds, 3))


# --- where things go -----------------------------------------------------------

def output_paths(outdir: Path, name: str, options: PairOptions) -> dict[str, Path]:
    """A pair's output files: NAME.tmx, NAME.tsv and (unless disabled) NAME.report.html."""
    paths = {"tmx": outdir / f"{name}.tmx", "tsv": outdir / f"{name}.tsv"}
    if options.report:
        paths["report"] = outdir / f"{name}.report.html"
    return paths


def record_path(outdir: Path, name: str) -> Path:
    return outdir / STATE_DIR / "pairs" / f"{name}.json"


# --- the fingerprint: what must be unchanged for a pair to be skipped -------------

def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; "" when it cannot be read (the pair then fails in the worker)."""
    from alinea.align.utils import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return ""


def fingerprint(pair: DocumentPair, options: PairOptions, version: str) -> dict:
    return {"es_sha256": file_digest(pair.es), "en_sha256": file_digest(pair.en),
            "alinea": version, "options": asdict(options)}


def read_record(outdir: Path, name: str) -> dict | None:
    try:
        return json.loads(record_path(outdir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(job: PairJob) -> PairResult | None:
    """The recorded result when the pair's inputs, options and alinea version are unchanged
    since its last success and its outputs are all still there; None when it must run."""
    if not job.fingerprint.get("es_sha256") or not job.fingerprint.get("en_sha256"):
        return None
    record = read_record(job.outdir, job.pair.name)
    if not record or record.get("fingerprint") != job.fingerprint:
        return None
    if not all(path.is_file() for path in output_paths(job.outdir, job.pair.name, job.options).values()):
        return None
    try:
        result = PairResult.from_dict(record["result"])
    except (KeyError, TypeError):
        return None
    result.status, result.error, result.seconds = "skipped", None, 0.0
    return result


def remove_outputs(outdir: Path, name: str, options: PairOptions) -> None:
    """Forget a pair: its record first (so it is never skipped), then its stale outputs."""
    for path in (record_path(outdir, name), *output_paths(outdir, name, options).values()):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


# --- the work ------------------------------------------------------------------

def _histogram(scores: list[float]) -> list[int]:
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[min(int(max(score, 0.0) * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    return counts


def align_pair(job: PairJob) -> PairResult:
    """Align one pair and write its outputs and state record; never raises for a bad pair."""
    started = time.perf_counter()
    name, options = job.pair.name, job.options
    try:
        result = _align_and_write(job)
    except InputError as exc:
        result = failed(name, str(exc))
    except Exception as exc:  # a bug must not take the other pairs down with it
        result = failed(name, f"internal error: {type(exc).__name__}: {exc}")
    result.seconds = round(time.perf_counter() - started, 3)
    if result.status == "failed":
        remove_outputs(job.outdir, name, options)
        return result
    _write_record(job, result)
    return result


def _align_and_write(job: PairJob) -> PairResult:
    from alinea.pipeline import align_files
    from alinea.report.review import review_rows, summary, to_review, write_review
    from alinea.tmx.tabular import write_bead_table
    from alinea.tmx.writer import write_tmx

    pair, options = job.pair, job.options
    paths = output_paths(job.outdir, pair.name, options)
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    bitext = align_files(pair.es, pair.en, options.src_lang, options.tgt_lang, meta={"symbol": pair.name})
    units = write_tmx(bitext, paths["tmx"], options.src_lang, options.tgt_lang,
                      keep_unaligned=options.keep_unaligned)
    write_bead_table(bitext, paths["tsv"])
    if "report" in paths:
        write_review(bitext, paths["report"])
    figures = summary(bitext)
    mean = figures["mean_score"]
    return PairResult(
        pair.name, "ok",
        sentences_es=len(bitext.src), sentences_en=len(bitext.tgt), units=units,
        unaligned=figures["unaligned_src"] + figures["unaligned_tgt"],
        mean_confidence=None if mean is None else round(mean, 4),
        details={"beads": figures["beads"], "bead_counts": figures["bead_counts"],
                 "low_confidence": figures["low_confidence"],
                 "to_review": len(to_review(review_rows(bitext))),
                 "histogram": _histogram([b.score for b in bitext.beads if not b.is_null]),
                 # The aligner's warnings (documents that do not look like translations of each
                 # other, dropped anchors, runs of unaligned sentences) and the share of beads
                 # that look translated: what `alinea align` would have printed for this pair.
                 "translated": round(bitext.translated, 4), "warnings": list(bitext.warnings)},
    )


def _write_record(job: PairJob, result: PairResult) -> None:
    from alinea.align.utils import atomic_write

    record = {"name": job.pair.name, "es": str(job.pair.es), "en": str(job.pair.en),
              "fingerprint": job.fingerprint, "result": result.as_dict()}
    with atomic_write(record_path(job.outdir, job.pair.name)) as fh:
        json.dump(record, fh, ensure_ascii=False, indent=1)


def warm_up() -> None:
    """Align and write a tiny pair once, so that no pair's time includes a worker's start-up
    (imports, the sentence splitter's model, matplotlib's first figure)."""
    import tempfile

    from alinea.align.segment import segment_text
    from alinea.pipeline import align_texts
    from alinea.report.review import write_review
    from alinea.tmx.tabular import write_bead_table
    from alinea.tmx.writer import write_tmx

    bitext = align_texts(segment_text("El informe fue aprobado. La sesión terminó.", "es"),
                         segment_text("The report was adopted. The session ended.", "en"))
    with tempfile.TemporaryDirectory(prefix="alinea-warm-up.") as folder:
        write_tmx(bitext, Path(folder) / "w.tmx")
        write_bead_table(bitext, Path(folder) / "w.tsv")  # as _align_and_write does: no pandas
        write_review(bitext, Path(folder) / "w.html")


def worker_check(input_path: str, outdir: str) -> dict:
    """Run on every Dask worker before the batch: its alinea version and whether it sees our folders."""
    problems = []
    if not os.path.exists(input_path):
        problems.append(f"cannot see the input {input_path}")
    if not os.path.isdir(outdir) or not os.access(outdir, os.W_OK):
        problems.append(f"cannot write to the output folder {outdir}")
    return {"alinea": alinea_version(), "problems": problems}
