"""Score machine translation against one or several reference translations.

Corpus BLEU, chrF and TER are sacrebleu's numbers (the same definitions,
defaults and signatures as the ``sacrebleu`` command, so the scores are equal
at every decimal it prints); sentence-level scores come from the same
per-segment statistics. The statistics are computed by
:mod:`alinea.report.mtstats` (an exact, much faster TER among them), across
CPU cores when there are many (:mod:`alinea.report.parallel_ter`).

Several systems are ranked, with sacrebleu's paired bootstrap resampling
against the first one. MT output translated as a whole document, whose
sentence split differs from the reference, can be segmented and re-aligned to
the reference sentences with alinea's aligner first (:func:`realign`).

Python API::

    from alinea.report.mtscore import score_files, write_json, write_score_report
    result = score_files(["mt.txt"], ["ref.txt", "ref2.txt"], src_path="src.txt",
                         tokenize="intl", lowercase=True)
    print(result.systems[0].corpus["BLEU"].score)
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from alinea.align.errors import InputError
from alinea.align.utils import atomic_write

from .mtstats import METRIC_NAMES, Metric, check_sacrebleu
from .parallel_ter import corpus_statistics

if TYPE_CHECKING:  # pragma: no cover
    from sacrebleu.metrics.base import Metric as SacrebleuMetric
    from sacrebleu.significance import Result

DEFAULT_METRICS = ("bleu", "chrf", "ter")
#: Metrics where a lower score is better.
LOWER_IS_BETTER = {"ter"}
DEFAULT_BOOTSTRAP = 1000


# ---------------------------------------------------------------- reading

def split_lines(text: str) -> list[str]:
    """Lines exactly as the ``sacrebleu`` command reads them.

    sacrebleu opens files with ``newline="\\n"`` and strips trailing whitespace
    from every line, so only "\\n" ends a line (a "\\r" before it is stripped)
    and a final newline does not start an extra, empty line.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def read_text(path: str | os.PathLike, option: str = "") -> str:
    """The text of a plain-text file in any encoding (Word/PDF via read_document).

    A TMX or a table is refused: read line by line, its markup or header would
    become segments (``option`` names the option in the message).
    """
    from alinea.align.read import read_document, read_plain_text

    if Path(path).suffix.lower() in (".docx", ".pdf"):
        return read_document(path)
    _refuse_bitext(path, option)
    return read_plain_text(path)


def bitext_reference(path: str | os.PathLike) -> bool:
    """Whether a reference file is a TMX or an alinea table (read as a bitext), by its suffix:
    .tmx, .xml holding XML, .tsv, .tab, .csv, .xlsx (.txt is plain lines, one segment each)."""
    from alinea.tmx.reader import looks_like_tmx

    suffix = Path(path).suffix.lower()
    return suffix in (".tmx", ".tsv", ".tab", ".csv", ".xlsx") or (suffix == ".xml" and looks_like_tmx(path))


def _refuse_bitext(path: str | os.PathLike, option: str) -> None:
    """A TMX or a bead table where one segment per line is wanted: an InputError saying so."""
    from alinea.tables import sniff_table_header
    from alinea.tmx.reader import looks_like_tmx

    what = ""
    if bitext_reference(path) or looks_like_tmx(path):
        what = "a TMX" if Path(path).suffix.lower() not in (".tsv", ".tab", ".csv", ".xlsx") else "a table"
    elif sniff_table_header(path):
        what = "a table (its first line is a header naming the text columns)"
    if not what:
        return
    where = f"{option} " if option else ""
    if option == "--ref":
        raise InputError(f"{where}{path}: is {what}, not one segment per line; give a TMX or table a .tmx, "
                         ".tsv, .csv or .xlsx name and its target side is the reference (its source side "
                         "the source)")
    raise InputError(f"{where}{path}: is {what}, not one segment per line; {option or 'this file'} takes "
                     "plain text (a TMX or table is read as --ref only)")


def read_lines(path: str | os.PathLike, option: str = "") -> list[str]:
    """One segment per line (see :func:`split_lines`); a TMX or table is refused."""
    return split_lines(read_text(path, option))


def load_reference(path: str | os.PathLike, src_lang: str = "es",
                   tgt_lang: str = "en") -> tuple[list[str], list[str] | None]:
    """Reference segments and, for a TMX or an alinea table, the source segments in the same order.

    A TMX or table (:func:`bitext_reference`) contributes its target side as the
    reference and its source side as the source; MT lines must follow the order
    of its units or rows. Anything else is one segment per line.
    """
    if bitext_reference(path):
        from alinea.tmx.reader import load_bitext

        bitext = load_bitext(path, src_lang, tgt_lang)
        pairs = [(src, tgt) for bead, src, tgt in bitext.pairs() if bead.src]
        if not pairs:
            raise InputError(f"{path}: no translation unit with both {src_lang} and {tgt_lang}")
        return [" ".join(t.split()) for _, t in pairs], [" ".join(s.split()) for s, _ in pairs]
    return read_lines(path, "--ref"), None


def _check_files(paths: Sequence[str | os.PathLike], option: str, what: str) -> None:
    """At least one file, none given twice."""
    if not paths:
        raise InputError(f"give at least {what} with {option}")
    names = [str(p) for p in paths]
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"{name}: given twice as {option}")


def load_references(paths: Sequence[str | os.PathLike], src_lang: str = "es", tgt_lang: str = "en"
                    ) -> tuple[list[list[str]], list[str] | None]:
    """Several references of the same segments (``--ref`` repeated), and the
    source segments of the first TMX among them.

    Returns one list of segments per reference; they must have the same
    number of segments, as sacrebleu requires.
    """
    _check_files(paths, "--ref", "one reference")
    references: list[list[str]] = []
    srcs: list[str] | None = None
    for path in paths:
        refs, tmx_srcs = load_reference(path, src_lang, tgt_lang)
        if references and len(refs) != len(references[0]):
            raise InputError(f"{path} has {len(refs)} segments but the reference {paths[0]} "
                             f"has {len(references[0])}")
        references.append(refs)
        if srcs is None:
            srcs = tmx_srcs
    return references, srcs


def parse_metrics(spec: str | Sequence[str]) -> list[str]:
    """``"bleu,chrf,ter"`` → ["bleu", "chrf", "ter"]; unknown names are an InputError."""
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for name in (n.strip().lower() for n in names):
        if not name:
            continue
        if name not in METRIC_NAMES:
            raise InputError(f"unknown metric {name!r} (choose from {', '.join(METRIC_NAMES)})")
        if name not in out:
            out.append(name)
    if not out:
        raise InputError(f"no metric given (choose from {', '.join(METRIC_NAMES)})")
    return out


# ---------------------------------------------------------------- re-alignment

@dataclass
class Realignment:
    """How document-level MT output was mapped onto the reference sentences."""

    lines: int                       # lines in the MT file
    sentences: int                   # MT sentences after segmentation
    references: int                  # reference sentences
    bead_counts: dict[str, int]      # "1-1": 950, "2-1": 12, …  (MT-reference)
    missing: list[int]               # reference indices left without MT counterpart
    unmatched: list[tuple[int, str]]  # MT sentences aligned to no reference
    split: list[int]                 # reference indices that share one MT bead
    moved: int = 0                   # boundaries moved by refine_boundaries

    def to_dict(self) -> dict[str, Any]:
        return {
            "mt_lines": self.lines, "mt_sentences": self.sentences,
            "reference_sentences": self.references, "beads": self.bead_counts,
            "references_without_mt": self.missing,
            "mt_sentences_without_reference": [{"index": i, "text": t} for i, t in self.unmatched],
            "references_sharing_mt": self.split,
            "boundaries_moved": self.moved,
        }


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?()\"'«»“”").lower() for w in text.split()]


def _divide(text: str, refs: Sequence[str]) -> list[str]:
    """Cut MT ``text`` at word boundaries into one piece per reference.

    Each cut maximises the words the piece shares with its reference plus the
    words the rest shares with the remaining references (multiset overlap);
    ties go to the cut nearest the reference-length proportion. The pieces
    keep every MT word, in order.
    """
    words = text.split()
    keys = _words(text)
    pieces: list[str] = []
    start = 0
    for k in range(len(refs) - 1):
        ref_here = Counter(_words(refs[k]))
        ref_rest = Counter(w for r in refs[k + 1:] for w in _words(r))
        left: Counter = Counter()
        right = Counter(keys[start:])
        overlap = sum(min(c, ref_rest[w]) for w, c in right.items())
        rest_len = sum(len(r) for r in refs[k:]) or 1
        target = start + (len(words) - start) * len(refs[k]) / rest_len
        best = (overlap, -abs(start - target), start)
        for cut in range(start + 1, len(words) + 1):
            w = keys[cut - 1]  # moves from the rest to this piece
            overlap += (left[w] < ref_here[w]) - (right[w] <= ref_rest[w])
            left[w] += 1
            right[w] -= 1
            best = max(best, (overlap, -abs(cut - target), cut))
        cut = best[2]
        pieces.append(" ".join(words[start:cut]))
        start = cut
    pieces.append(" ".join(words[start:]))
    return pieces


def _best_cut(words: list[str], left_ref: Counter, right_ref: Counter, current: int) -> int:
    """Where to cut ``words`` between two references: most shared words, else ``current``."""
    keys = [w.strip(".,;:!?()\"'«»“”").lower() for w in words]
    left: Counter = Counter()
    right = Counter(keys)
    overlap = sum(min(c, right_ref[w]) for w, c in right.items())
    best = (overlap, -abs(current), 0)
    for cut in range(1, len(words) + 1):
        w = keys[cut - 1]
        overlap += (left[w] < left_ref[w]) - (right[w] <= right_ref[w])
        left[w] += 1
        right[w] -= 1
        best = max(best, (overlap, -abs(cut - current), cut))
    return best[2]


def refine_boundaries(hyps: Sequence[str], refs: Sequence[str], passes: int = 5) -> tuple[list[str], int]:
    """Move the boundary between each pair of neighbouring hypotheses to where
    the MT words best match the two references (multiset word overlap).

    A length-based alignment can be a sentence off in places; sweeping the
    pairs forward repairs such shifts, words only ever move to a neighbour
    (order kept, nothing dropped), and a boundary moves only when the overlap
    strictly grows. Returns the hypotheses and the number of moves.
    """
    pieces = [h.split() for h in hyps]
    ref_counts = [Counter(_words(r)) for r in refs]
    moves = 0
    for _ in range(passes):
        changed = False
        for j in range(len(pieces) - 1):
            union = pieces[j] + pieces[j + 1]
            if not union:
                continue
            current = len(pieces[j])
            cut = _best_cut(union, ref_counts[j], ref_counts[j + 1], current)
            if cut != current:
                pieces[j], pieces[j + 1] = union[:cut], union[cut:]
                moves += 1
                changed = True
        if not changed:
            break
    return [" ".join(p) for p in pieces], moves


def mt_sentences_of(mt_text: str, lang: str = "en", by_line: bool = True) -> list[str]:
    """The sentences of MT output.

    MT systems write one paragraph (or sentence) per line, so by default every
    line is split on its own and a line break always ends a sentence; with
    ``by_line=False`` (text extracted from Word/PDF) the whole text goes to
    ``split_sentences``, which treats single line breaks as wrapping.
    """
    from alinea.align.segment import split_sentences

    if not by_line:
        return split_sentences(mt_text, lang)
    return [s for line in split_lines(mt_text) if line.strip() for s in split_sentences(line, lang)]


def realign(mt_text: str, refs: Sequence[str], lang: str = "en",
            by_line: bool = True) -> tuple[list[str], Realignment]:
    """One hypothesis per reference sentence from document-level MT output.

    The MT text is split into sentences (:func:`mt_sentences_of`) and aligned to the
    reference sentences with ``align_sentences``. A reference gets the MT
    sentences of its bead; when one bead holds several references (the MT
    merged them) the MT words are cut into consecutive pieces that best match
    each reference (:func:`_divide`). MT sentences aligned to no reference are appended to the
    hypothesis of the preceding reference (the first one if none precedes), so
    that every MT word is scored. Then :func:`refine_boundaries` moves the cut
    between neighbouring hypotheses where the words match the references
    better. References left with nothing get an empty hypothesis.
    """
    from alinea.align.aligner import align_sentences

    mt_sentences = mt_sentences_of(mt_text, lang, by_line)
    lines = len(split_lines(mt_text))
    hyps = [""] * len(refs)
    unmatched: list[tuple[int, str]] = []
    split: list[int] = []
    counts: dict[str, int] = {}
    beads = align_sentences(mt_sentences, list(refs)) if mt_sentences and refs else []
    pending: list[str] = []  # unmatched MT before the first reference
    last_ref = -1
    for bead in beads:
        counts[bead.kind] = counts.get(bead.kind, 0) + 1
        text = " ".join(mt_sentences[i] for i in bead.src)
        if not bead.tgt:
            unmatched.extend((i, mt_sentences[i]) for i in bead.src)
            if last_ref >= 0:
                hyps[last_ref] = f"{hyps[last_ref]} {text}".strip()
            else:
                pending.append(text)
            continue
        if not bead.src:
            pass  # references without MT keep an empty hypothesis
        elif len(bead.tgt) == 1:
            hyps[bead.tgt[0]] = text
        else:
            split.extend(bead.tgt)
            for i, piece in zip(bead.tgt, _divide(text, [refs[i] for i in bead.tgt])):
                hyps[i] = piece
        last_ref = bead.tgt[-1]
    if pending and hyps:
        hyps[0] = " ".join(pending + [hyps[0]]).strip()
    hyps, moved = refine_boundaries(hyps, refs)
    # A reference is without MT when no MT sentence was aligned to it, or when
    # it shares a merged MT sentence whose words all went to its neighbours.
    missing = [i for i, hyp in enumerate(hyps) if not hyp.strip()]
    info = Realignment(lines, len(mt_sentences), len(refs), dict(sorted(counts.items())),
                       missing, unmatched, split, moved)
    return hyps, info


# ---------------------------------------------------------------- scoring

@dataclass
class SystemScores:
    """One MT system: corpus scores, sentence scores and its hypotheses."""

    name: str
    hyps: list[str]
    corpus: dict[str, Any] = field(default_factory=dict)           # label → sacrebleu Score
    sentences: dict[str, list[float]] = field(default_factory=dict)  # label → score per segment
    realignment: Realignment | None = None
    rank: int = 0


@dataclass
class ScoreResult:
    """Everything ``alinea score`` reports."""

    references: list[list[str]]           # one list of segments per reference
    srcs: list[str] | None
    metrics: list[str]                    # metric names as given ("bleu", …)
    labels: dict[str, str]                # name → sacrebleu score name ("BLEU", "chrF2", "TER")
    signatures: dict[str, str]            # label → corpus signature
    sentence_signatures: dict[str, str]   # label → sentence-level signature
    systems: list[SystemScores]
    reference_names: list[str] = field(default_factory=list)
    source_name: str | None = None
    significance: dict[str, Any] | None = None
    tokenize: str = "13a"
    lowercase: bool = False
    _stats: dict[tuple[int, str], list] = field(default_factory=dict, repr=False)

    @property
    def refs(self) -> list[str]:
        """The (first) reference's segments."""
        return self.references[0]

    @property
    def reference_name(self) -> str:
        return ", ".join(self.reference_names)

    @property
    def primary(self) -> str:
        """The label of the metric that ranks systems and orders the worst segments."""
        return self.labels[self.metrics[0]]

    def ranked(self) -> list[SystemScores]:
        return sorted(self.systems, key=lambda s: s.rank)

    def worst(self, system: SystemScores, count: int) -> list[int]:
        """Segment indices of ``system``, worst first by the primary metric."""
        label = self.primary
        lower = self.metrics[0] in LOWER_IS_BETTER
        scores = system.sentences[label]
        order = sorted(range(len(scores)), key=lambda i: (-scores[i] if lower else scores[i], i))
        return order[:count]


def _as_references(refs: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """One reference (a list of segments) or several (a list of such lists, as
    sacrebleu's ``references``) → a list of references."""
    items = list(refs)
    if items and not isinstance(items[0], str):
        return [list(r) for r in items]
    return [cast("list[str]", items)]  # segments, not lists of them: one reference


def score_systems(named_hyps: Sequence[tuple[str, Sequence[str]]],
                  refs: Sequence[str] | Sequence[Sequence[str]],
                  metrics: Sequence[str] | str = DEFAULT_METRICS, workers: int | None = None,
                  srcs: Sequence[str] | None = None, bootstrap: int = DEFAULT_BOOTSTRAP,
                  realignments: dict[str, Realignment] | None = None,
                  tokenize: str = "13a", lowercase: bool = False) -> ScoreResult:
    """Score each (name, hypotheses) against the references; rank and test significance.

    ``refs`` is the reference's list of segments, or a list of several such
    lists (several references of the same segments). Every hypothesis list
    must have one line per segment. ``tokenize`` is BLEU's tokenizer
    (:data:`alinea.report.mtstats.TOKENIZERS`); ``lowercase`` makes BLEU and
    chrF case-insensitive (TER always is). With two or more systems and
    ``bootstrap`` > 0, sacrebleu's paired bootstrap resampling compares each
    system with the first one.
    """
    check_sacrebleu()
    metrics = parse_metrics(metrics)
    references = _as_references(refs)
    if not references or not references[0]:
        raise InputError("the reference has no segment")
    n = len(references[0])
    if any(len(r) != n for r in references):
        raise InputError(f"the references have different numbers of segments: "
                         f"{', '.join(str(len(r)) for r in references)}")
    for name, hyps in named_hyps:
        if len(hyps) != n:
            raise InputError(f"{name}: {len(hyps)} lines but the reference has {n}")
    corpus_metrics = {m: Metric(m, tokenize, lowercase) for m in metrics}
    sent_metrics = {m: corpus_metrics[m].sentence_level() if m == "bleu" else corpus_metrics[m]
                    for m in metrics}
    segment_refs = list(zip(*references))
    jobs = [(corpus_metrics[metric], list(hyps)) for _, hyps in named_hyps for metric in metrics]
    stats = corpus_statistics(jobs, segment_refs, workers)

    labels: dict[str, str] = {}
    systems: list[SystemScores] = []
    all_stats: dict[tuple[int, str], list] = {}
    k = 0
    for s, (name, hyps) in enumerate(named_hyps):
        system = SystemScores(name, list(hyps),
                              realignment=(realignments or {}).get(name))
        for metric in metrics:
            seg_stats = stats[k]
            k += 1
            score = corpus_metrics[metric].corpus_score(seg_stats)
            labels[metric] = score.name
            system.corpus[score.name] = score
            sentence = sent_metrics[metric]
            system.sentences[score.name] = [sentence.score(st).score for st in seg_stats]
            all_stats[(s, metric)] = seg_stats
        systems.append(system)

    nrefs = len(references)
    result = ScoreResult(
        references=references, srcs=list(srcs) if srcs is not None else None, metrics=metrics,
        labels=labels,
        signatures={labels[m]: corpus_metrics[m].signature(nrefs) for m in metrics},
        sentence_signatures={labels[m]: sent_metrics[m].signature(nrefs) for m in metrics},
        systems=systems, tokenize=tokenize, lowercase=lowercase, _stats=all_stats,
    )
    _rank(result)
    if len(systems) > 1 and bootstrap > 0:
        result.significance = paired_bootstrap(result, corpus_metrics, bootstrap)
    return result


def _rank(result: ScoreResult) -> None:
    label, lower = result.primary, result.metrics[0] in LOWER_IS_BETTER
    order = sorted(result.systems,
                   key=lambda s: s.corpus[label].score if lower else -s.corpus[label].score)
    for rank, system in enumerate(order, 1):
        system.rank = rank


class _PairedTestMetric:
    """What sacrebleu's ``PairedTest`` needs of a metric, from statistics already computed.

    ``PairedTest`` asks each metric for the statistics of every system and
    for scores of resampled sums; this object answers with the statistics
    computed in parallel and with :class:`~alinea.report.mtstats.Metric`'s
    scores (sacrebleu's numbers), so the test itself is sacrebleu's, unchanged.
    The method names are those ``PairedTest`` calls.
    """

    def __init__(self, metric: Metric, references: int, stats_by_hyps: dict[int, list]):
        self._metric = metric
        self._references = references
        self._stats_by_hyps = stats_by_hyps

    def _extract_corpus_statistics(self, hypotheses, references):
        return self._stats_by_hyps[id(hypotheses)]

    def _aggregate_and_compute(self, stats):
        return self._metric.corpus_score(stats)

    def _compute_score_from_stats(self, stats):
        return self._metric.score(stats)

    def get_signature(self):
        return self._metric.signature_object(self._references)


def paired_bootstrap(result: ScoreResult, corpus_metrics: dict[str, Metric],
                     samples: int = DEFAULT_BOOTSTRAP) -> dict[str, Any]:
    """sacrebleu's paired bootstrap resampling, first system as the baseline."""
    from sacrebleu.significance import PairedTest

    named: list[tuple[str, Sequence[str]]] = [(s.name, s.hyps) for s in result.systems]
    nrefs = len(result.references)
    wrapped = {
        result.labels[m]: _PairedTestMetric(
            corpus_metrics[m], nrefs, {id(h): result._stats[(i, m)] for i, (_, h) in enumerate(named)})
        for m in result.metrics
    }
    # The wrappers are not sacrebleu Metric objects, only answer what PairedTest asks of one.
    test = PairedTest(named, cast("dict[str, SacrebleuMetric]", wrapped), references=None, test_type="bs",
                      n_samples=samples)
    signatures, table = test()
    first = next(iter(signatures.values()))
    out: dict[str, Any] = {
        "test": "paired bootstrap resampling", "samples": test.n_samples,
        "seed": first.info["seed"], "baseline": named[0][0],
        "signatures": {k: v.format() for k, v in signatures.items()},
        "systems": {},
    }
    for i, name in enumerate(table["System"]):
        out["systems"][name] = {
            label: {"score": r.score, "p_value": r.p_value, "mean": _float(r.mean), "ci": _float(r.ci)}
            for label, results in table.items() if label != "System"
            for r in [cast("Result", results[i])]  # the columns other than "System" hold Results
        }
    return out


def _float(value) -> float | None:
    return None if value is None else float(value)


def score_files(hyp_paths: Sequence[str | os.PathLike],
                ref_paths: str | os.PathLike | Sequence[str | os.PathLike],
                src_path: str | os.PathLike | None = None,
                metrics: Sequence[str] | str = DEFAULT_METRICS, realign_output: bool = False,
                src_lang: str = "es", tgt_lang: str = "en", workers: int | None = None,
                bootstrap: int = DEFAULT_BOOTSTRAP, tokenize: str = "13a",
                lowercase: bool = False) -> ScoreResult:
    """Read the files, re-align MT documents if asked, and score every system.

    ``ref_paths`` is one reference file or a list of them (several references
    of the same segments); MT documents are re-aligned to the first.
    """
    metrics = parse_metrics(metrics)
    _check_files(hyp_paths, "--hyp", "one MT file")
    names = [str(p) for p in hyp_paths]
    if isinstance(ref_paths, (str, os.PathLike)):
        ref_paths = [ref_paths]
    ref_paths = list(ref_paths)
    references, srcs = load_references(ref_paths, src_lang, tgt_lang)
    refs, ref_path = references[0], ref_paths[0]
    if src_path is not None:
        if srcs is not None:
            raise InputError(f"{src_path}: --src cannot be used with a TMX or table reference "
                             "(its source side is the source)")
        srcs = read_lines(src_path, "--src")
        if len(srcs) != len(refs):
            raise InputError(f"{src_path} has {len(srcs)} lines but the reference "
                             f"{ref_path} has {len(refs)}")
    named: list[tuple[str, list[str]]] = []
    realignments: dict[str, Realignment] = {}
    for path, name in zip(hyp_paths, names):
        text = read_text(path, "--hyp")
        if realign_output:
            by_line = Path(path).suffix.lower() not in (".docx", ".pdf")
            hyps, info = realign(text, refs, tgt_lang, by_line)
            realignments[name] = info
        else:
            hyps = split_lines(text)
            if len(hyps) != len(refs):
                raise InputError(
                    f"{name} has {len(hyps)} lines but the reference {ref_path} has {len(refs)} "
                    "(use --realign for MT output with a different sentence split)")
        named.append((name, hyps))
    result = score_systems(named, references, metrics, workers, srcs, bootstrap, realignments,
                           tokenize=tokenize, lowercase=lowercase)
    result.reference_names = [str(p) for p in ref_paths]
    tmx_refs = [str(p) for p in ref_paths if bitext_reference(p)]
    result.source_name = str(src_path) if src_path is not None else (
        tmx_refs[0] if srcs is not None else None)
    return result


# ---------------------------------------------------------------- output

def format_scores(system: SystemScores, result: ScoreResult, width: int = 1) -> list[str]:
    """sacrebleu's text lines: ``BLEU|nrefs:1|…|version:2.6.0 = 34.5 67.1/…``."""
    return [system.corpus[label].format(width, signature=result.signatures[label])
            for label in (result.labels[m] for m in result.metrics)]


def ranked_table(result: ScoreResult, width: int = 1) -> list[str]:
    """A plain-text table of the systems, best first, with p-values against the baseline."""
    labels = [result.labels[m] for m in result.metrics]
    sig = result.significance
    header = ["rank", "system"] + labels
    rows = []
    for system in result.ranked():
        row = [str(system.rank), system.name + (" (baseline)" if system is result.systems[0] else "")]
        for label in labels:
            cell = f"{system.corpus[label].score:.{width}f}"
            if sig and system is not result.systems[0]:
                p = sig["systems"][system.name][label]["p_value"]
                cell += f" (p = {p:.4f}){'*' if p < 0.05 else ''}"
            row.append(cell)
        rows.append(row)
    widths = [max(len(r[c]) for r in [header] + rows) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header] + rows]
    if sig:
        lines.append(f"p: paired bootstrap resampling ({sig['samples']} samples, seed "
                     f"{sig['seed']}) against the baseline; * = p < 0.05")
    return lines


def to_json(result: ScoreResult) -> dict[str, Any]:
    """The machine-readable form of a :class:`ScoreResult` (see the README)."""
    from alinea._version import __version__

    labels = [result.labels[m] for m in result.metrics]
    return {
        "alinea_version": __version__,
        "reference": result.reference_name,
        "reference_files": result.reference_names,
        "source": result.source_name,
        "segments": len(result.refs),
        "metrics": labels,
        "signatures": result.signatures,
        "sentence_signatures": result.sentence_signatures,
        "systems": [
            {
                "name": s.name,
                "rank": s.rank,
                "corpus": {label: {"score": s.corpus[label].score,
                                   "formatted": s.corpus[label].format(width=2),
                                   "signature": result.signatures[label]} for label in labels},
                "sentences": {label: s.sentences[label] for label in labels},
                "hypotheses": s.hyps,
                "realignment": s.realignment.to_dict() if s.realignment else None,
            }
            for s in result.systems
        ],
        "references": result.refs,
        "additional_references": result.references[1:],
        "sources": result.srcs,
        "significance": result.significance,
    }


def write_json(result: ScoreResult, path: str | os.PathLike) -> None:
    with atomic_write(path) as fh:
        json.dump(to_json(result), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _histogram_uri(result: ScoreResult) -> str:
    from matplotlib.figure import Figure

    labels = [result.labels[m] for m in result.metrics]
    fig = Figure(figsize=(4.2 * len(labels), 3.2))
    axes = fig.subplots(1, len(labels), squeeze=False)[0]
    for ax, label in zip(axes, labels):
        clipped = False
        for system in result.systems:
            # sentence TER can exceed 100; count those at 100 rather than lose them
            values = [min(v, 100.0) for v in system.sentences[label]]
            clipped |= any(v > 100.0 for v in system.sentences[label])
            ax.hist(values, bins=20, range=(0, 100), alpha=0.55, label=system.name)
        ax.set_title(f"sentence {label}" + (" (over 100 counted at 100)" if clipped else ""))
        ax.set_xlabel("score")
        ax.set_ylabel("segments")
    if len(result.systems) > 1:
        axes[0].legend(fontsize="small")
    fig.tight_layout()
    from .html import figure_data_uri

    return figure_data_uri(fig)


def write_score_report(result: ScoreResult, path: str | os.PathLike, worst: int = 50,
                       width: int = 2) -> None:
    """The HTML report: scores with signatures, histograms, worst segments first."""
    from .html import write_html

    labels = [result.labels[m] for m in result.metrics]
    systems = []
    for system in result.ranked():
        rows = []
        for i in result.worst(system, worst):
            rows.append({
                "index": i + 1,
                "scores": [f"{system.sentences[label][i]:.1f}" for label in labels],
                "source": result.srcs[i] if result.srcs is not None else None,
                "mt": system.hyps[i],
                "references": [ref[i] for ref in result.references],
            })
        info = system.realignment
        systems.append({
            "name": system.name, "rank": system.rank,
            "lines": format_scores(system, result, width),
            "worst": rows,
            "realignment": info,
            "missing": [(i + 1, result.refs[i]) for i in info.missing] if info else [],
            "unmatched": [(i + 1, t) for i, t in info.unmatched] if info else [],
        })
    write_html(
        path, "score.html.j2", title="MT scores",
        reference=result.reference_name, references=len(result.references),
        source=result.source_name, segments=len(result.refs), labels=labels, primary=result.primary,
        lower_is_better=result.metrics[0] in LOWER_IS_BETTER,
        signatures=result.signatures, sentence_signatures=result.sentence_signatures,
        systems=systems, table=ranked_table(result, width) if len(result.systems) > 1 else None,
        significance=result.significance, histogram=_histogram_uri(result), worst=worst,
        has_source=result.srcs is not None,
    )
