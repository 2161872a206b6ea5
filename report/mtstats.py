"""Segment statistics and scores of BLEU, chrF and TER, equal to sacrebleu's.

sacrebleu scores a corpus in two steps: every segment becomes a short list of
counts (n-gram matches for BLEU and chrF; edits and reference length for TER),
then the lists are summed and the score is computed from the sums. This
module does both steps with sacrebleu's definitions and gives the same
numbers at every decimal, faster:

* the statistics are computed here (TER by :mod:`alinea.report.ter`, an
  exact and much faster search; BLEU's and chrF's n-gram matches of many
  segments at once by :mod:`alinea.report.ngrams`, or for a few segments
  with counters and C-level set operations), with sacrebleu's own
  tokenizers (public classes) doing the tokenization;
* the scores come from sacrebleu's public pieces: ``BLEU.compute_bleu``, the
  ``BLEUScore``/``CHRFScore``/``TERScore`` classes, ``get_signature`` of
  metric objects built with the user's options. chrF's F-score and TER's
  ratio are short formulas computed here with sacrebleu's arithmetic.

Equality with sacrebleu depends on its algorithms, not only on its API, so the
versions alinea has been checked against are pinned (:data:`SACREBLEU_TESTED`,
the same range as in ``pyproject.toml``) and :func:`check_sacrebleu` refuses
others with a one-line message. The tests compare every statistic with
sacrebleu's on the installed version.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from alinea.align.errors import InputError

#: Metric names accepted by ``--metrics``.
METRIC_NAMES = ("bleu", "chrf", "chrf++", "ter")

#: BLEU tokenizers offered (``--tokenize``): sacrebleu's that work offline with
#: alinea's dependencies (``ja-mecab``/``ko-mecab`` need MeCab packages, the
#: ``spm``/``flores`` ones download a model at run time).
TOKENIZERS = ("13a", "intl", "zh", "char", "none")

#: From this many segments BLEU and chrF count n-grams with numpy
#: (:mod:`alinea.report.ngrams`); below, counters cost less than importing numpy.
BATCH_FROM_SEGMENTS = 300

#: sacrebleu versions whose numbers alinea reproduces (checked by the tests):
#: at least the first, below the second.
SACREBLEU_TESTED = ((2, 4), (2, 7))


def check_sacrebleu() -> str:
    """The installed sacrebleu version; an InputError outside :data:`SACREBLEU_TESTED`."""
    from importlib.metadata import PackageNotFoundError, version

    low, high = SACREBLEU_TESTED
    wanted = f"sacrebleu>={low[0]}.{low[1]},<{high[0]}.{high[1]}"
    try:
        installed = version("sacrebleu")
    except PackageNotFoundError:
        raise InputError(f"sacrebleu is not installed; alinea score needs {wanted}") from None
    parts = tuple(int(p) if p.isdigit() else 0 for p in installed.split(".")[:2])
    if not low <= parts < high:
        raise InputError(f"sacrebleu {installed} is installed but alinea's scores are checked against "
                         f"{wanted} only (pip install '{wanted}')")
    return installed


@dataclass(frozen=True)
class Metric:
    """One metric with the options that change its numbers.

    ``tokenize`` is BLEU's tokenizer; ``lowercase`` makes BLEU and chrF
    case-insensitive (TER is case-insensitive by default, as in sacrebleu);
    ``sentence`` selects sentence-level BLEU (effective n-gram order, as
    ``sacrebleu --sentence-level`` does). Frozen, hashable and picklable: it
    is what worker processes receive.
    """

    name: str
    tokenize: str = "13a"
    lowercase: bool = False
    sentence: bool = False

    def __post_init__(self) -> None:
        if self.name not in METRIC_NAMES:
            raise InputError(f"unknown metric {self.name!r} (choose from {', '.join(METRIC_NAMES)})")
        if self.tokenize not in TOKENIZERS:
            raise InputError(f"unknown tokenizer {self.tokenize!r} (choose from {', '.join(TOKENIZERS)})")

    def sentence_level(self) -> Metric:
        return Metric(self.name, self.tokenize, self.lowercase, sentence=True)

    # ------------------------------------------------------------ statistics

    def statistics(self, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[list]:
        """sacrebleu's statistics of every segment; ``refs[i]`` holds the
        references of segment ``i`` (one string per reference file)."""
        if len(hyps) != len(refs):
            raise ValueError(f"{len(hyps)} hypotheses for {len(refs)} reference segments")
        if self.name == "bleu":
            return _bleu_statistics(hyps, refs, _sacrebleu_metric(self).tokenizer, self.lowercase)
        if self.name == "ter":
            return _ter_statistics(hyps, refs, _sacrebleu_metric(self).tokenizer)
        word_order = 2 if self.name == "chrf++" else 0
        return _chrf_statistics(hyps, refs, self.lowercase, _CHAR_ORDER, word_order)

    # ------------------------------------------------------------ scores

    def score(self, totals: Sequence[Any]):
        """The sacrebleu Score object for one row of (summed) statistics."""
        from sacrebleu.metrics import BLEU, CHRFScore, TERScore

        metric = _sacrebleu_metric(self)
        if self.name == "bleu":
            n = metric.max_ngram_order
            return BLEU.compute_bleu(
                correct=list(totals[2:2 + n]), total=list(totals[2 + n:]),
                sys_len=int(totals[0]), ref_len=int(totals[1]),
                smooth_method=metric.smooth_method, smooth_value=metric.smooth_value,
                effective_order=metric.effective_order, max_ngram_order=n)
        if self.name == "ter":
            edits, ref_length = totals[0], totals[1]
            if ref_length > 0:
                rate = edits / ref_length
            else:  # empty references: any word is an error
                rate = 1.0 if edits > 0 else 0.0
            return TERScore(100 * rate, edits, ref_length)
        return CHRFScore(_chrf_f_score(totals, metric.beta, metric.eps_smoothing),
                         metric.char_order, metric.word_order, metric.beta)

    def corpus_score(self, stats: Sequence[Sequence[Any]]):
        """The score of a corpus from its segment statistics (summed as sacrebleu sums)."""
        return self.score(sum_statistics(stats))

    def signature(self, references: int) -> str:
        """sacrebleu's signature, e.g. ``nrefs:2|case:lc|eff:no|tok:intl|smooth:exp|version:2.6.0``."""
        return self.signature_object(references).format()

    def signature_object(self, references: int):
        """A new sacrebleu ``Signature`` object (``PairedTest`` adds its test to it)."""
        return _with_references(self, references).get_signature()


def sum_statistics(stats: Sequence[Sequence[Any]]) -> list:
    """Column sums in segment order, with sacrebleu's types (an int start for
    int counts, so float columns are summed from the same start as there)."""
    if len(stats) == 1:
        return list(stats[0])
    start = type(stats[0][0])(0)
    totals = [start] * len(stats[0])
    for row in stats:
        for k, value in enumerate(row):
            totals[k] += value
    return totals


@cache
def _sacrebleu_metric(metric: Metric):
    """The sacrebleu metric object with the same options (tokenizers, defaults, signature)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if metric.name == "bleu":
        return BLEU(tokenize=metric.tokenize, lowercase=metric.lowercase,
                    effective_order=metric.sentence)
    if metric.name == "ter":
        return TER()
    return CHRF(word_order=2 if metric.name == "chrf++" else 0, lowercase=metric.lowercase)


@cache
def _with_references(metric: Metric, references: int):
    """A sacrebleu metric object that knows the number of references, for its signature.

    A signature states the number of references, which sacrebleu learns when
    it is given references: give it that many (empty) ones.
    """
    from sacrebleu.metrics import BLEU, CHRF, TER

    refs = [[""] for _ in range(references)]
    if metric.name == "bleu":
        return BLEU(tokenize=metric.tokenize, lowercase=metric.lowercase,
                    effective_order=metric.sentence, references=refs)
    if metric.name == "ter":
        return TER(references=refs)
    return CHRF(word_order=2 if metric.name == "chrf++" else 0, lowercase=metric.lowercase,
                references=refs)


# ---------------------------------------------------------------- BLEU

_MAX_NGRAM_ORDER = 4


def _word_ngrams(tokens: list[str]) -> list[Counter]:
    """Counts of the 1- to 4-grams of ``tokens``, one Counter per order."""
    out: list[Counter] = [Counter(tokens)]
    for n in range(2, _MAX_NGRAM_ORDER + 1):
        out.append(Counter(zip(*(tokens[k:] for k in range(n)))))
    return out


def _matches(hyp: Counter, ref: Counter) -> int:
    """Clipped matches: the sum over shared n-grams of the smaller count."""
    shared = hyp.keys() & ref.keys()
    return sum(map(min, map(hyp.__getitem__, shared), map(ref.__getitem__, shared)))


def _bleu_statistics(hyps: Sequence[str], refs: Sequence[Sequence[str]], tokenizer,
                     lowercase: bool) -> list[list[int]]:
    def tokens(line: str) -> list[str]:
        return tokenizer((line.lower() if lowercase else line).rstrip()).split()

    if len(hyps) >= BATCH_FROM_SEGMENTS:
        return _bleu_statistics_batched([tokens(h) for h in hyps],
                                         [[tokens(r) for r in seg_refs] for seg_refs in refs])
    out = []
    for hyp, seg_refs in zip(hyps, refs):
        if not seg_refs:
            raise ValueError("a segment without reference")
        ref_counts: list[Counter] | None = None
        ref_lens = []
        for ref in seg_refs:
            words = tokens(ref)
            ref_lens.append(len(words))
            counts = _word_ngrams(words)
            if ref_counts is None:
                ref_counts = counts
            else:  # several references: the highest count of each n-gram
                for merged, more in zip(ref_counts, counts):
                    for gram, c in more.items():
                        if c > merged[gram]:
                            merged[gram] = c
        words = tokens(hyp)
        hyp_len = len(words)
        # the reference length closest to the hypothesis, the shorter on a tie
        closest = min(ref_lens, key=lambda n: (abs(hyp_len - n), n))
        hyp_counts = _word_ngrams(words)
        correct = [_matches(h, r) for h, r in zip(hyp_counts, ref_counts or [])]
        total = [max(0, hyp_len - n) for n in range(_MAX_NGRAM_ORDER)]
        out.append([hyp_len, closest] + correct + total)
    return out


def _bleu_statistics_batched(hyps: list[list[str]], refs: list[list[list[str]]]) -> list[list[int]]:
    """The same statistics from tokenized segments, all n-grams counted at once."""
    from .ngrams import Sequences, clipped_matches

    if any(not seg_refs for seg_refs in refs):
        raise ValueError("a segment without reference")
    vocabulary: dict[str, int] = {}

    def ids(words: list[str]) -> list[int]:
        return [vocabulary.setdefault(w, len(vocabulary) + 1) for w in words]

    hyp_seq = Sequences.from_lists([ids(h) for h in hyps])
    ref_seqs = [Sequences.from_lists([ids(r) for r in column]) for column in zip(*refs)]
    _, correct = clipped_matches(hyp_seq, ref_seqs, _MAX_NGRAM_ORDER)
    out = []
    for hyp, seg_refs, seg_correct in zip(hyps, refs, correct.tolist()):
        hyp_len = len(hyp)
        closest = min((len(r) for r in seg_refs), key=lambda n: (abs(hyp_len - n), n))
        total = [max(0, hyp_len - n) for n in range(_MAX_NGRAM_ORDER)]
        out.append([hyp_len, closest] + seg_correct + total)
    return out


# ---------------------------------------------------------------- chrF

_CHAR_ORDER = 6
_PUNCTUATION = frozenset('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')


def _char_ngrams(line: str, order: int) -> list[Counter]:
    """Counts of the 1- to ``order``-grams of the characters, spaces removed."""
    text = "".join(line.split())
    size = len(text)
    out = [Counter(text)]
    for n in range(2, order + 1):
        out.append(Counter([text[i:i + n] for i in range(size - n + 1)]))
    return out


def _chrf_words(line: str) -> list[str]:
    """Words with a leading or trailing punctuation mark split off (chrF++'s rule)."""
    words: list[str] = []
    for w in line.split():
        if len(w) == 1:
            words.append(w)
        elif w[-1] in _PUNCTUATION:
            words += [w[:-1], w[-1]]
        elif w[0] in _PUNCTUATION:
            words += [w[0], w[1:]]
        else:
            words.append(w)
    return words


def _chrf_ngrams(line: str, char_order: int, word_order: int) -> list[Counter]:
    counts = _char_ngrams(line, char_order)
    if word_order:
        words = _chrf_words(line)
        for n in range(1, word_order + 1):
            counts.append(Counter([" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]))
    return counts


def _chrf_f_score(stats: Sequence[Any], beta: int, eps_smoothing: bool) -> float:
    """chrF from [hyp, ref, match] counts per order, with sacrebleu's arithmetic:
    average precision and recall over the orders both sides have (the
    default), or the mean of per-order F-scores with epsilon smoothing."""
    eps = 1e-16
    order = len(stats) // 3
    factor = beta ** 2
    score = 0.0
    effective = 0
    avg_prec = avg_rec = 0.0
    for i in range(order):
        n_hyp, n_ref, n_match = stats[3 * i: 3 * i + 3]
        prec = n_match / n_hyp if n_hyp > 0 else eps
        rec = n_match / n_ref if n_ref > 0 else eps
        denom = factor * prec + rec
        score += ((1 + factor) * prec * rec / denom) if denom > 0 else eps
        if n_hyp > 0 and n_ref > 0:
            avg_prec += prec
            avg_rec += rec
            effective += 1
    if eps_smoothing:
        return 100 * score / order
    if effective == 0:
        avg_prec = avg_rec = 0.0
    else:
        avg_prec /= effective
        avg_rec /= effective
    if avg_prec + avg_rec:
        score = (1 + factor) * avg_prec * avg_rec
        score /= (factor * avg_prec) + avg_rec
        return 100 * score
    return 0.0


def _chrf_statistics(hyps: Sequence[str], refs: Sequence[Sequence[str]], lowercase: bool,
                     char_order: int, word_order: int, beta: int = 2) -> list[list[int]]:
    if len(hyps) >= BATCH_FROM_SEGMENTS:
        return _chrf_statistics_batched(hyps, refs, lowercase, char_order, word_order, beta)
    out = []
    for hyp, seg_refs in zip(hyps, refs):
        hyp_counts = _chrf_ngrams(hyp.lower() if lowercase else hyp, char_order, word_order)
        hyp_totals = [sum(c.values()) for c in hyp_counts]
        best: list[int] = []
        best_f = -1.0
        for ref in seg_refs:
            stats: list[int] = []
            for h, h_total, r in zip(hyp_counts, hyp_totals,
                                     _chrf_ngrams(ref.lower() if lowercase else ref, char_order, word_order)):
                # no reference n-gram of this order: the hypothesis ones are not counted
                stats += [h_total if r else 0, sum(r.values()), _matches(h, r)]
            f = _chrf_f_score(stats, beta, False)
            if f > best_f:  # the first best reference
                best_f, best = f, stats
        out.append(best)
    return out


# ---------------------------------------------------------------- TER

def _ter_statistics(hyps: Sequence[str], refs: Sequence[Sequence[str]], tokenizer) -> list[list]:
    from .ter import ter_statistics

    return [ter_statistics(tokenizer(hyp.rstrip()).split(),
                           [tokenizer(ref.rstrip()).split() for ref in seg_refs])
            for hyp, seg_refs in zip(hyps, refs)]


def _chrf_statistics_batched(hyps: Sequence[str], refs: Sequence[Sequence[str]], lowercase: bool,
                             char_order: int, word_order: int, beta: int) -> list[list[int]]:
    """The same statistics, all n-grams of all segments counted at once."""
    from .ngrams import Sequences, char_sequences, clipped_matches

    if any(not seg_refs for seg_refs in refs):
        raise ValueError("a segment without reference")
    hyp_texts = [h.lower() for h in hyps] if lowercase else list(hyps)
    ref_texts = [[r.lower() for r in column] if lowercase else list(column) for column in zip(*refs)]
    sides = char_sequences([["".join(t.split()) for t in texts] for texts in [hyp_texts, *ref_texts]])
    parts = [(sides, clipped_matches(sides[0], sides[1:], char_order)[0], char_order)]
    if word_order:
        vocabulary: dict[str, int] = {}

        def ids(text: str) -> list[int]:
            return [vocabulary.setdefault(w, len(vocabulary) + 1) for w in _chrf_words(text)]

        words = [Sequences.from_lists([ids(t) for t in texts]) for texts in [hyp_texts, *ref_texts]]
        parts.append((words, clipped_matches(words[0], words[1:], word_order)[0], word_order))

    import numpy as np

    # per reference: [hyp n-grams (0 if the reference has none), reference n-grams, matches] per order
    by_ref = []
    for r in range(len(ref_texts)):
        columns = []
        for seqs, matches, order in parts:
            for n in range(1, order + 1):
                ref_total = np.maximum(seqs[1 + r].lengths - n + 1, 0)
                hyp_total = np.where(ref_total > 0, np.maximum(seqs[0].lengths - n + 1, 0), 0)
                columns += [hyp_total, ref_total, matches[r, :, n - 1]]
        by_ref.append(np.stack(columns, axis=1).tolist())
    if len(by_ref) == 1:
        return by_ref[0]
    out = []
    for candidates in zip(*by_ref):
        best, best_f = candidates[0], -1.0
        for stats in candidates:
            f = _chrf_f_score(stats, beta, False)
            if f > best_f:  # the first best reference
                best, best_f = stats, f
        out.append(best)
    return out
