"""Stage 4: align two sentence lists into beads with a confidence score.

The cost of a bead joining source sentences P with target sentences Q is::

    cost(P, Q) = -log prior(|P|, |Q|)                   bead-type prior (Gale & Church)
               + GC(len P, len Q)                       Gale-Church length cost
               - lam * LLR(P, Q)                        shared-key evidence
               + orphan penalty                         a merged sentence sharing no key
               + structure penalties                    (structured mode)

``LLR`` compares "P and Q translate each other" with "they are unrelated", key
by key (keys: ``alinea.align.encoder``). A key that occurs in a share p of the other
side's sentences is found in an unrelated sentence with probability p and in
its translation with probability r, so::

    LLR = sum over hits of log(r / p)  +  sum over misses of log((1 - r) / (1 - p))

In a merged bead, a key of P found in the target sentence Q_k is worth
log(len Q / len Q_k) less (it had more text in which to be found by chance).
Null beads (1-0, 0-1) cost ``-log prior`` only: a sentence is left alone when
that beats merging it into a neighbouring bead, whose cost then counts its
length, its hits and its misses. Dictionary keys (``alinea.align.dictionary``)
are evidence from one side only and have their own r and floor on p.

With ``Sentence`` input, UN paragraph numbers and footnote numbers that occur
once on each side are candidate anchors (longest chain in order on both
sides). An anchor is kept only if the cheapest alignment through it costs
little more than the cheapest one without anchors (a forward and a reversed
search give both); the documents are cut at the kept anchors and each stretch
is aligned on its own, so an omission inside paragraph 4 cannot move paragraph
5. Inside a stretch, beads that join two paragraphs or pair a heading with body
text pay a penalty.

A second pass trains IBM Model 1 (``alinea.align.ibm1``) on the solid 1-1 chains of
the first and adds the learned word links as keys; only the stretches between
solid chains whose sentences gained a key are searched again.

A free translation shares fewer keys than the match rates r expect, and then its
misses make a true merge look worse than a link plus a null bead: the share of the
expected keys that the first pass's 1-1 beads find is measured, and below
``CostModel.refit_below`` misses are priced at r times that share and the documents
searched again.

A bead's confidence is its posterior probability given the two documents
(``corelib.bead_posteriors``), with costs read as -log probabilities, times the
probability that its stretch of the documents is a translation at all and not chance
(``alinea.align.evidence``: its lexical evidence against a chance alignment of the
same documents).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from . import forked, ibm1, kernels
from .corelib import (
    CHUNK_ROWS,
    bead_posteriors,
    bead_posteriors_many,
    best_path,
    best_paths_whole,
    clamp,
    costs_through,
    length_cost,
    searched_whole,
)
from .dictionary import Dictionary, default_dictionary, lang_code
from .encoder import (
    BOTH,
    FROM_EN,
    FROM_ES,
    Ragged,
    SideFeatures,
    Vocabulary,
    document_frequencies,
    encode_sides,
    hit_count_blocks,
    hit_counts,
    shares_key,
    with_link_keys,
)
from .evidence import translation_evidence
from .model import BODY, HEADING, UNIT_KINDS, Bead, Sentence

#: Bead-type probabilities. 1-1, 1-0 and 0-1 are Gale & Church's (1993); merges are
#: likelier than they found (0.07 for 2-1 / 1-2 against 0.0445: literary translators merge and
#: split sentences often), 2-2 is rare (a 2-2 can always be two 1-1 beads), and 3-1 / 1-3, which
#: they did not search, get a small prior of their own. 3-2, 2-3, 4-1 and 1-4 were measured too
#: (priors 0.002): on the literary dev works they lost 0.003 strict F1 and cost 45 % more time.
GC_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.07, (1, 2): 0.07, (2, 2): 0.002,
             (3, 1): 0.008, (1, 3): 0.008}


#: Plausible target/source character ratios (Spanish is about 10-20 % longer than English).
RATIO_RANGE = (0.7, 1.4)


@dataclass(frozen=True)
class CostModel:
    """Everything a bead's cost depends on.

    The length ratio comes from the documents; the other values were chosen on
    the shared UN benchmark and the literary dev works, one work held out (see
    the README, "The aligner").
    """

    #: English characters per Spanish character (total lengths of the two documents)
    ratio: float = 1.0
    #: Gale & Church's s^2, the variance of the length difference per character
    variance: float = 6.8
    priors: dict = field(default_factory=lambda: dict(GC_PRIORS))
    #: r: how often a key of a sentence is found in its translation
    match_rate: float = 0.6
    #: ... for a dictionary key (a translation of the word is found in the other sentence)
    dictionary_match_rate: float = 0.4
    #: ... for a dictionary key
    dictionary_min_share: float = 0.02
    #: the smallest share p of sentences a key is taken to occur in (caps a hit at log(r/p))
    min_key_share: float = 0.1
    #: search again, misses priced at the observed match share, when that share is below this
    #: (UN documents share 0.84-0.98 of what the rates expect, literary translations 0.4-0.75)
    refit_below: float = 0.8
    #: a miss is priced at the match rate r times this (the observed share, set by the refit;
    #: a hit keeps log(r/p): scaling the hits too was measured, literary F1 0.879 against 0.884)
    miss_rate_scale: float = 1.0
    #: weight of the lexical LLR against the priors and the length cost (keys are not independent)
    lexical_weight: float = 0.3
    #: a merged sentence that shares no key with the other side
    orphan_penalty: float = 2.0
    #: ... when it has at least this many informative keys (shorter ones cannot tell)
    min_orphan_keys: int = 1
    #: structured mode: a bead across two paragraphs; a heading (etc.) paired with another kind
    paragraph_penalty: float = 4.0
    kind_penalty: float = 8.0
    #: confidence: bead costs are read as -log probabilities divided by this (> 1 flattens them)
    temperature: float = 1.3
    #: ... summing over the paths within this many target positions of the chosen one
    posterior_halo: int = 4
    #: an anchor holds when the cheapest alignment through it costs at most this much more
    #: than the cheapest alignment without anchors (about two wrongly unaligned sentences)
    anchor_tolerance: float = 12.0

    @property
    def moves(self) -> tuple[tuple[int, int], ...]:
        """The bead types searched besides 0-1 (which the search handles on its own)."""
        return tuple(mv for mv in self.priors if mv != (0, 1))

    def prior_cost(self, move: tuple[int, int]) -> float:
        return -math.log(self.priors[move])


@dataclass(frozen=True)
class KeyWeights:
    """Per-key log-likelihood ratios of a hit and of a miss, and their per-sentence sums.

    A key that occurs in a share p of the other side's sentences is found in an
    unrelated sentence with probability p and in the translation with
    probability r, so a hit is worth log(r/p) and a miss log((1-r)/(1-p)).
    Keys commoner than r (p >= r: "the", "of") carry no evidence.
    """

    src_gain: np.ndarray  # per key id: hit minus miss, for source occurrences
    tgt_gain: np.ndarray
    src_own: np.ndarray   # per sentence: sum of the gains of its keys (the most it can win)
    tgt_own: np.ndarray
    src_miss_cum: np.ndarray  # prefix sums over sentences of the miss terms
    tgt_miss_cum: np.ndarray
    src_informative: np.ndarray  # per sentence: how many of its keys carry evidence
    tgt_informative: np.ndarray
    src_chance_mean: np.ndarray  # per sentence: the expected LLR of its keys against an unrelated sentence
    tgt_chance_mean: np.ndarray
    src_chance_var: np.ndarray   # ... and its variance
    tgt_chance_var: np.ndarray
    src_expected: np.ndarray     # per sentence: the keys expected to be found in a translation (sum of r)
    tgt_expected: np.ndarray

    @classmethod
    def build(cls, src: SideFeatures, tgt: SideFeatures, vocab: Vocabulary, model: CostModel,
              src_lang: str = "es") -> KeyWeights:
        """Weights of every key of ``vocab`` for the source and the target side.

        A dictionary key is evidence from one language only (``encoder.FROM_ES`` /
        ``FROM_EN``): elsewhere it only marks where a translation was found.
        """
        vocab_size = len(vocab)
        directions = np.array(vocab.directions, dtype=np.int8)
        es_active, en_active = directions != FROM_EN, directions != FROM_ES
        src_active, tgt_active = (es_active, en_active) if lang_code(src_lang) == "es" else (en_active, es_active)

        # Dictionary keys are found in a translation less often than numbers or cognates: a
        # dictionary lists a few translations of a word, a translator has many.
        rate = np.where(directions == BOTH, model.match_rate, model.dictionary_match_rate)
        floor = np.where(directions == BOTH, model.min_key_share, model.dictionary_min_share)

        def side(p_other: np.ndarray, feats: SideFeatures, active: np.ndarray):
            p = np.clip(p_other, floor, 0.999)
            informative = (p < rate) & active
            missed = np.maximum(rate * model.miss_rate_scale, p)   # a miss never counts for a link
            miss = np.where(informative, np.log((1 - missed) / (1 - p)), 0.0)
            gain = np.where(informative, np.log(rate / p), 0.0) - miss
            # Per sentence, the sums over its keys of: the miss terms, the gains, the informative keys,
            # what its keys win against an unrelated sentence on average and its variance, the
            # match rates of its informative keys.
            per_key = (miss, gain, (gain > 0).astype(float), p * gain, p * (1 - p) * gain * gain,
                       np.where(gain > 0, rate, 0.0))
            flat = feats.keys.flat
            sums: np.ndarray | list[np.ndarray]
            if kernels.wanted(len(feats)):   # compiled: the same sums, one pass
                sums = kernels.sentence_sums(feats.keys.bounds, flat, np.stack(per_key))
            else:
                sentence = np.repeat(np.arange(len(feats)), feats.key_counts.astype(np.int64))
                sums = [np.bincount(sentence, values[flat], minlength=len(feats)) for values in per_key]
            per_sentence_miss, own, informative, chance_gain, chance_var, expected = sums
            chance_mean = per_sentence_miss + chance_gain
            return (gain, own, np.concatenate(([0.0], np.cumsum(per_sentence_miss))), informative,
                    chance_mean, chance_var, expected)
        s_gain, s_own, s_miss, s_inf, s_mean, s_var, s_exp = side(document_frequencies(tgt, vocab_size), src,
                                                                   src_active)
        t_gain, t_own, t_miss, t_inf, t_mean, t_var, t_exp = side(document_frequencies(src, vocab_size), tgt,
                                                                   tgt_active)
        return cls(s_gain, t_gain, s_own, t_own, s_miss, t_miss, s_inf, t_inf, s_mean, t_mean, s_var, t_var,
                   s_exp, t_exp)


@dataclass(frozen=True)
class Structure:
    """Per-sentence structure codes of one side (structured mode)."""

    kinds: np.ndarray
    paragraphs: np.ndarray


class BeadCosts:
    """Vectorized bead costs for one stretch [s0, s1) x [t0, t1) of the documents."""

    def __init__(self, src: SideFeatures, tgt: SideFeatures, model: CostModel,
                 src_range: tuple[int, int], tgt_range: tuple[int, int], weights: KeyWeights,
                 structure: tuple[Structure, Structure] | None = None) -> None:
        # (_group_costs passes arrays: one range per stretch, broadcast over its cells)
        self.src, self.tgt, self.model, self.weights = src, tgt, model, weights
        self.s0, self.s1 = src_range
        self.t0, self.t1 = tgt_range
        self.structure = structure
        self.src_len_cum = src.length_cum
        self.tgt_len_cum = tgt.length_cum

    @property
    def shape(self) -> tuple[int, int]:
        return self.s1 - self.s0, self.t1 - self.t0

    def null_costs(self, side: str) -> np.ndarray:
        """Cost of leaving each sentence of the stretch unaligned."""
        move = (1, 0) if side == "src" else (0, 1)
        count = self.s1 - self.s0 if side == "src" else self.t1 - self.t0
        return np.full(count, self.model.prior_cost(move))

    def _matches(self, rows: np.ndarray, j_grid: np.ndarray):
        """Shared-key blocks covering every bead that ends in the cells."""
        s_lo = max(self.s0, self.s0 + int(rows.min()) - 3)
        s_hi = self.s0 + int(rows.max())
        t_lo = max(self.t0, self.t0 + int(j_grid.min()) - 3)
        t_hi = self.t0 + int(j_grid.max())
        s_rows, t_cols = range(s_lo, max(s_lo, s_hi)), range(t_lo, max(t_lo, t_hi))
        return self._block(s_rows, t_cols), s_lo, t_lo

    def _block(self, s_rows: range, t_cols: range) -> tuple[np.ndarray, ...]:
        return hit_counts(self.src, self.tgt, s_rows, t_cols, self.weights.src_gain, self.weights.tgt_gain)

    def __call__(self, rows: np.ndarray, j_grid: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        """Costs of every bead type ending at (rows[r], j_grid[r, k]) (local positions).

        More than ``CHUNK_ROWS`` rows (the posterior pass asks for many at once) are costed in
        one go, with a block of shared keys per ``CHUNK_ROWS`` rows (``_by_blocks``)."""
        if len(rows) > CHUNK_ROWS:
            return self._by_blocks(rows, j_grid)
        blocks, s_lo, t_lo = self._matches(rows, j_grid)
        i_abs = (self.s0 + rows)[:, None]    # one per row: per-row terms are computed once per row
        j_abs = self.t0 + j_grid
        if kernels.wanted(len(self.src)):   # compiled: the same costs
            count = len(rows)
            return self._compiled_costs(i_abs, j_abs, blocks, (np.zeros(count), np.full(count, s_lo),
                                                               np.full(count, t_lo), np.full(count, blocks[0].shape[0]),
                                                               np.full(count, blocks[0].shape[1])))
        cells = _Cells(self, i_abs, j_abs, blocks, s_lo, t_lo)
        return {mv: self.costs(mv, cells) for mv in self.model.moves}

    def _by_blocks(self, rows: np.ndarray, j_grid: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        """``__call__`` of many rows: for each ``CHUNK_ROWS`` of them the block ``_matches`` would
        take, all the blocks from one ``hit_count_blocks`` call, then every cell's costs at once
        (the same numbers as one call per ``CHUNK_ROWS`` rows, with a tenth of the calls)."""
        firsts = range(0, len(rows), CHUNK_ROWS)
        s_ranges, t_ranges = [], []
        for first in firsts:
            r, j = rows[first:first + CHUNK_ROWS], j_grid[first:first + CHUNK_ROWS]
            s_lo = max(self.s0, self.s0 + int(r.min()) - 3)
            t_lo = max(self.t0, self.t0 + int(j.min()) - 3)
            s_ranges.append((s_lo, max(s_lo, self.s0 + int(r.max()))))
            t_ranges.append((t_lo, max(t_lo, self.t0 + int(j.max()))))
        src_ranges, tgt_ranges = np.array(s_ranges, dtype=np.int64), np.array(t_ranges, dtype=np.int64)
        if (src_ranges[:, 1] == src_ranges[:, 0]).any() or (tgt_ranges[:, 1] == tgt_ranges[:, 0]).any():
            # A chunk without shared-key block takes _lexical_llr's other branch: one call per chunk.
            parts = [self(rows[f:f + CHUNK_ROWS], j_grid[f:f + CHUNK_ROWS]) for f in firsts]
            return {mv: np.concatenate([part[mv] for part in parts]) for mv in self.model.moves}
        blocks, offsets = hit_count_blocks(self.src, self.tgt, src_ranges, tgt_ranges, self.weights.src_gain,
                                           self.weights.tgt_gain)
        chunk = (np.arange(len(rows)) // CHUNK_ROWS)[:, None]       # each row's block
        i_abs = (self.s0 + rows)[:, None]    # one per row: per-row terms are computed once per row
        j_abs = self.t0 + j_grid
        src_sizes, tgt_sizes = src_ranges[:, 1] - src_ranges[:, 0], tgt_ranges[:, 1] - tgt_ranges[:, 0]
        if kernels.wanted(len(self.src)):   # compiled: the same costs
            of_row = chunk[:, 0]
            return self._compiled_costs(i_abs, j_abs, blocks, (offsets[of_row], src_ranges[of_row, 0],
                                                               tgt_ranges[of_row, 0], src_sizes[of_row],
                                                               tgt_sizes[of_row]))
        cells = _Cells(self, i_abs, j_abs, blocks, src_ranges[chunk, 0], tgt_ranges[chunk, 0], offsets[chunk],
                       src_sizes[chunk], tgt_sizes[chunk])
        return {mv: self.costs(mv, cells) for mv in self.model.moves}

    def _compiled_costs(self, i_abs: np.ndarray, j_abs: np.ndarray, blocks: tuple[np.ndarray, ...],
                        block_of_row: tuple[np.ndarray, ...]) -> dict[tuple[int, int], np.ndarray]:
        """``costs`` of every move at the cells, by ``kernels.bead_costs`` (the same numbers): row
        ``i_abs[r, 0]``, column ``j_abs[r, k]``; ``blocks`` as ``hit_count_blocks`` gives them and,
        per row, where its block starts, the block's first sentences and its shape."""
        model, weights = self.model, self.weights
        moves = model.moves
        out = kernels.bead_costs(
            moves, np.array([model.prior_cost(mv) for mv in moves]), np.ascontiguousarray(i_abs[:, 0], np.int64),
            np.ascontiguousarray(j_abs, np.int64), int(self.s0), int(self.t0), model.ratio, model.variance,
            model.lexical_weight, float(model.orphan_penalty), float(model.min_orphan_keys), self.src_len_cum,
            self.tgt_len_cum, self.src.log_lengths, self.tgt.log_lengths,
            (weights.src_own, weights.tgt_own, weights.src_informative, weights.tgt_informative, weights.src_miss_cum,
             weights.tgt_miss_cum),
            tuple(np.ascontiguousarray(block).ravel() for block in blocks),
            tuple(np.ascontiguousarray(values, np.int64) for values in block_of_row))
        costs = {mv: out[k] for k, mv in enumerate(moves)}
        if self.structure is not None:
            for a, b in moves:
                if b:
                    costs[a, b] = costs[a, b] + self._structure_penalty(a, b, i_abs, j_abs)
        return costs

    def costs(self, move: tuple[int, int], cells: _Cells) -> np.ndarray:
        """Cost of beads of type ``move`` ending at the cells."""
        a, b = move
        model = self.model
        cost = np.full(cells.shape, model.prior_cost(move))
        if b == 0:
            return cost
        i_abs, j_abs = cells.i_abs, cells.j_abs
        i_start = np.maximum(i_abs - a, self.s0)
        j_start = np.maximum(j_abs - b, self.t0)
        len_s = self.src_len_cum[i_abs] - self.src_len_cum[i_start]
        len_t = self.tgt_len_cum[j_abs] - self.tgt_len_cum[j_start]
        cost += length_cost(len_s, len_t, model.ratio, model.variance)
        cost -= model.lexical_weight * self._lexical_llr(a, b, cells, i_start, j_start)
        if (a > 1 or b > 1) and model.orphan_penalty and cells.blocks[0].size:
            cost += model.orphan_penalty * self._orphans(a, b, cells)
        if self.structure is not None:
            cost += self._structure_penalty(a, b, i_abs, j_abs)
        return cost

    def _lexical_llr(self, a: int, b: int, cells: _Cells, i_start, j_start) -> np.ndarray:
        """LLR of the shared keys of a bead.

        In a bead whose target side is T1 + T2, the translation of a source key
        lies in T1 with probability about len(T1) / len(T1 + T2), so a hit in T1
        is worth log(len(T1 + T2) / len(T1)) less than in a 1-1 bead (likewise
        for target keys). A short heading merged with a long sentence costs
        the long sentence's hits almost nothing; two long sentences cost log 2 each.
        """
        w = self.weights
        llr = (w.src_miss_cum[cells.i_abs] - w.src_miss_cum[i_start]
               + w.tgt_miss_cum[cells.j_abs] - w.tgt_miss_cum[j_start])
        if not cells.blocks[0].size:
            return llr
        # Every sum below is a prefix sum over the bead's sentences, shared by all bead types.
        for da in range(a):
            llr = llr + np.minimum(cells.row_sum(0, da, b), cells.src_own(da))
        for db in range(b):
            llr = llr + np.minimum(cells.col_sum(1, db, a), cells.tgt_own(db))
        if b > 1:   # log(T / T_k) = log T - log T_k for each source key found in target sentence k
            tgt_total = np.maximum(self.tgt_len_cum[cells.j_abs] - self.tgt_len_cum[j_start], 1.0)
            llr = llr - (np.log(tgt_total) * cells.block_sum(2, a, b) - cells.block_sum(4, a, b))
        if a > 1:
            src_total = np.maximum(self.src_len_cum[cells.i_abs] - self.src_len_cum[i_start], 1.0)
            llr = llr - (np.log(src_total) * cells.block_sum(3, a, b) - cells.block_sum(5, a, b))
        return llr

    def _orphans(self, a: int, b: int, cells: _Cells) -> np.ndarray:
        """How many sentences of a merged side share no key at all with the other side.

        A sentence that brings nothing the other side has is more likely an
        omission next to a 1-1 bead than a part of a 2-1 bead; sentences with
        fewer than ``min_orphan_keys`` informative keys are too short to tell.
        """
        count = np.zeros(cells.shape)
        if a > 1:
            for da in range(a):
                hits = cells.row_sum(6, da, b)
                count += (hits == 0) & (cells.src_informative(da) >= self.model.min_orphan_keys)
        if b > 1:
            for db in range(b):
                hits = cells.col_sum(6, db, a)
                count += (hits == 0) & (cells.tgt_informative(db) >= self.model.min_orphan_keys)
        return count

    def _structure_penalty(self, a: int, b: int, i_abs: np.ndarray, j_abs: np.ndarray) -> np.ndarray:
        assert self.structure is not None  # called only for documents with structure
        src_s, tgt_s = self.structure
        model = self.model
        last_s = clamp(i_abs - 1, 0, len(self.src) - 1)
        last_t = clamp(j_abs - 1, 0, len(self.tgt) - 1)
        first_s = clamp(i_abs - a, 0, len(self.src) - 1)
        first_t = clamp(j_abs - b, 0, len(self.tgt) - 1)
        penalty = model.kind_penalty * (src_s.kinds[last_s] != tgt_s.kinds[last_t])
        penalty = penalty + model.paragraph_penalty * (
            (src_s.paragraphs[first_s] != src_s.paragraphs[last_s]).astype(float)
            + (tgt_s.paragraphs[first_t] != tgt_s.paragraphs[last_t]))
        return penalty


class _Cells:
    """The cells of one cost computation, with the shifted views that beads share.

    ``pair(da, db)`` is the evidence between source sentence ``i - 1 - da`` and
    target sentence ``j - 1 - db`` for every cell (i, j); a 2-2 bead and a 1-1
    bead ending at the same cell share ``pair(0, 0)``, so it is gathered once.
    """

    def __init__(self, costs: BeadCosts, i_abs: np.ndarray, j_abs: np.ndarray,
                 blocks: tuple[np.ndarray, ...], s_lo: int | np.ndarray, t_lo: int | np.ndarray,
                 offsets: int | np.ndarray = 0, block_rows: int | np.ndarray | None = None,
                 block_cols: int | np.ndarray | None = None) -> None:
        self.costs, self.i_abs, self.j_abs, self.blocks = costs, i_abs, j_abs, blocks
        self.s_lo, self.t_lo = s_lo, t_lo
        # One block of shared keys (the default), or many stretches' blocks laid end to end in
        # ``blocks`` (``encoder.hit_count_blocks``): then ``s_lo`` / ``t_lo`` / ``offsets`` /
        # ``block_rows`` / ``block_cols`` are per cell (broadcast), the cell's own stretch's.
        self.offsets = offsets
        self.block_rows = blocks[0].shape[0] if block_rows is None else block_rows
        self.block_cols = blocks[0].shape[1] if block_cols is None else block_cols
        #: the cells' shape (``i_abs`` may hold one value per row, broadcast over the row)
        self.shape = np.broadcast_shapes(i_abs.shape, j_abs.shape)
        self._pairs: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self._sums: dict[tuple, np.ndarray] = {}
        self._rows: dict[int, np.ndarray] = {}
        self._cols: dict[int, np.ndarray] = {}

    def _row(self, da: int) -> np.ndarray:
        if da not in self._rows:
            self._rows[da] = clamp(self.i_abs - 1 - da - self.s_lo, 0, self.block_rows - 1)
        return self._rows[da]

    def _col(self, db: int) -> np.ndarray:
        if db not in self._cols:
            self._cols[db] = clamp(self.j_abs - 1 - db - self.t_lo, 0, self.block_cols - 1)
        return self._cols[db]

    def _flat(self, da: int, db: int) -> np.ndarray:
        """Where ``pair(da, db)`` of each cell is in the (flattened) blocks."""
        return self.offsets + self._row(da) * self.block_cols + self._col(db)

    def pair(self, da: int, db: int) -> tuple[np.ndarray, ...]:
        """Per cell: source key weight found, target key weight found, their counts (as
        ``hit_counts``), then the source count times log len(target sentence), the target count
        times log len(source sentence), and the total count (for the share discount and orphans)."""
        if (da, db) not in self._pairs:
            flat = self._flat(da, db)
            src_w, tgt_w, src_n, tgt_n = (block.ravel()[flat] for block in self.blocks)
            self._pairs[da, db] = (src_w, tgt_w, src_n, tgt_n,
                                   src_n * np.log(np.maximum(self.tgt_len(db), 1.0)),
                                   tgt_n * np.log(np.maximum(self.src_len(da), 1.0)),
                                   src_n + tgt_n)
        return self._pairs[da, db]

    def row_sum(self, field: int, da: int, b: int) -> np.ndarray:
        """``pair(da, db)[field]`` summed over db < b (memoized, each from the one before)."""
        key = ("r", field, da, b)
        if key not in self._sums:
            value = self.pair(da, b - 1)[field]
            self._sums[key] = value if b == 1 else self.row_sum(field, da, b - 1) + value
        return self._sums[key]

    def col_sum(self, field: int, db: int, a: int) -> np.ndarray:
        """``pair(da, db)[field]`` summed over da < a."""
        key = ("c", field, db, a)
        if key not in self._sums:
            value = self.pair(a - 1, db)[field]
            self._sums[key] = value if a == 1 else self.col_sum(field, db, a - 1) + value
        return self._sums[key]

    def block_sum(self, field: int, a: int, b: int) -> np.ndarray:
        """``pair(da, db)[field]`` summed over da < a and db < b."""
        key = ("b", field, a, b)
        if key not in self._sums:
            value = self.row_sum(field, a - 1, b)
            self._sums[key] = value if a == 1 else self.block_sum(field, a - 1, b) + value
        return self._sums[key]

    def src_len(self, da: int) -> np.ndarray:
        return self.costs.src.lengths[self._row(da) + self.s_lo]

    def tgt_len(self, db: int) -> np.ndarray:
        return self.costs.tgt.lengths[self._col(db) + self.t_lo]

    def src_informative(self, da: int) -> np.ndarray:
        return self.costs.weights.src_informative[self._row(da) + self.s_lo]

    def tgt_informative(self, db: int) -> np.ndarray:
        return self.costs.weights.tgt_informative[self._col(db) + self.t_lo]

    def src_own(self, da: int) -> np.ndarray:
        return self.costs.weights.src_own[self._row(da) + self.s_lo]

    def tgt_own(self, db: int) -> np.ndarray:
        return self.costs.weights.tgt_own[self._col(db) + self.t_lo]


def _texts(items: Sequence[str | Sentence]) -> list[str]:
    return [s.text if isinstance(s, Sentence) else s for s in items]


def _structure(items: Sequence[Sentence]) -> Structure:
    codes = {kind: c for c, kind in enumerate(UNIT_KINDS)}
    return Structure(
        kinds=np.array([codes.get(s.kind, 0) for s in items], dtype=np.int64),
        paragraphs=np.array([s.paragraph for s in items], dtype=np.int64),
    )


def _anchor_keys(items: Sequence[Sentence]) -> dict[tuple[str, str], int]:
    """Structural keys that start exactly one run of sentences: key -> first sentence index.

    A key is (kind, number): every sentence of UN paragraph 4 has ("body", "4"),
    footnote 2 has ("footnote", "2"); body text and headings share one numbering,
    footnotes, contents entries and header lines have their own.
    """
    starts: dict[tuple[str, str], list[int]] = {}
    previous = None
    for pos, s in enumerate(items):
        key = None
        if s.number:
            kind = BODY if s.kind in (BODY, HEADING) else s.kind
            key = (kind, s.number)
        if key is not None and key != previous:
            starts.setdefault(key, []).append(pos)
        previous = key
    return {k: v[0] for k, v in starts.items() if len(v) == 1}


def anchor_points(src: Sequence[Sentence], tgt: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Matched structural anchors as (source index, target index), strictly increasing."""
    src_keys, tgt_keys = _anchor_keys(src), _anchor_keys(tgt)
    common = sorted((src_keys[k], tgt_keys[k]) for k in src_keys.keys() & tgt_keys.keys())
    # Longest chain increasing on both sides (patience sorting on target positions).
    if not common:
        return []
    tails: list[int] = []
    tail_idx: list[int] = []
    parent = [-1] * len(common)
    for n, (_, t) in enumerate(common):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < t:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(t)
            tail_idx.append(n)
        else:
            tails[lo], tail_idx[lo] = t, n
        parent[n] = tail_idx[lo - 1] if lo else -1
    chain, n = [], tail_idx[-1] if tail_idx else -1
    while n >= 0:
        chain.append(common[n])
        n = parent[n]
    return [p for p in reversed(chain) if p[0] > 0 or p[1] > 0]


def _stretches(n: int, m: int, anchors: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    cuts = [(0, 0)] + anchors + [(n, m)]
    return [(s0, s1, t0, t1) for (s0, t0), (s1, t1) in zip(cuts, cuts[1:]) if s1 > s0 or t1 > t0]


def _search(src: SideFeatures, tgt: SideFeatures, model: CostModel, weights: KeyWeights, stretches,
            structure) -> list[tuple[tuple[int, ...], tuple[int, ...], float, float]]:
    """Align each stretch; beads as (source indices, target indices, cost, margin)."""
    return [bead for path in _stretch_paths(src, tgt, model, weights, stretches, structure) for bead in path]


def _stretch_paths(src: SideFeatures, tgt: SideFeatures, model: CostModel, weights: KeyWeights, stretches,
                   structure) -> list[list[tuple[tuple[int, ...], tuple[int, ...], float, float]]]:
    """The beads of each stretch. The small ones (a document's anchored stretches, the second
    pass's) are searched together (``_search_whole``: the same beads), the others one by one."""
    small = _batched(stretches)
    paths: list[list[tuple] | None] = [None] * len(stretches)
    for k, path in zip(small, _search_whole(src, tgt, model, weights, [stretches[k] for k in small], structure)):
        paths[k] = path
    out = []
    for (s0, s1, t0, t1), path in zip(stretches, paths):
        if path is None:   # a large stretch, or one whose search found no path in the band
            costs = BeadCosts(src, tgt, model, (s0, s1), (t0, t1), weights, structure)
            path = [(tuple(s0 + i for i in p), tuple(t0 + j for j in q), cost, margin)
                    for p, q, cost, margin in best_path(s1 - s0, t1 - t0, costs, costs.null_costs("tgt"),
                                                        model.moves)]
        out.append(path)
    return out


def _batched(stretches) -> list[int]:
    """The stretches (their numbers) that are searched and scored together: the small ones
    (``corelib.searched_whole``), when there are several."""
    small = [k for k, (s0, s1, t0, t1) in enumerate(stretches) if searched_whole(s1 - s0, t1 - t0)]
    return small if len(small) > 1 else []


#: Cells whose bead costs ``_search_whole`` computes in one go (memory: a few dozen arrays this long).
WHOLE_CELLS = 1 << 15


def _search_whole(src: SideFeatures, tgt: SideFeatures, model: CostModel, weights: KeyWeights, stretches,
                  structure) -> list[list[tuple] | None]:
    """``_search`` of many small stretches (``corelib.searched_whole``) at once: the same beads.

    Searched separately, each stretch pays a fixed cost (its block of shared keys, a few hundred
    array operations for its bead costs, a row loop) that is most of its time. Here stretches of
    similar shape are padded to one shape and go through each step together: one block of
    shared keys per stretch from one call (``encoder.hit_count_blocks``), bead costs of all their
    cells by the same ``BeadCosts.costs`` arithmetic, one row walk (``corelib.best_paths_whole``).
    Returns each stretch's beads (None where the search found no path: the caller searches it alone).
    """
    out: list[list[tuple] | None] = [None] * len(stretches)
    for group in _stretch_groups(stretches):
        spans, table = _group_costs(src, tgt, model, weights, [stretches[g] for g in group], structure)
        zero_one = np.full((len(spans), table.shape[3] - 1), model.prior_cost((0, 1)))
        n, m = spans[:, 1] - spans[:, 0], spans[:, 3] - spans[:, 2]
        paths = best_paths_whole(list(zip(n.tolist(), m.tolist())), table, zero_one, model.moves)
        for number, a, b, path in zip(group, spans[:, 0].tolist(), spans[:, 2].tolist(), paths):
            out[number] = None if path is None else [
                (tuple(a + i for i in p), tuple(b + j for j in q), cost, margin) for p, q, cost, margin in path]
    return out


def _stretch_groups(stretches) -> list[list[int]]:
    """The stretches (their numbers) in groups of similar shape, each padded to its largest
    stretch's shape holding at most about ``WHOLE_CELLS`` cells."""
    order = sorted(range(len(stretches)), key=lambda k: (stretches[k][1] - stretches[k][0],
                                                          stretches[k][3] - stretches[k][2]))
    groups: list[list[int]] = []
    group: list[int] = []
    rows = columns = 0
    for position, k in enumerate(order):
        group.append(k)
        s0, s1, t0, t1 = stretches[k]
        rows, columns = max(rows, s1 - s0), max(columns, t1 - t0 + 1)     # the group's padded shape
        if len(group) * rows * columns >= WHOLE_CELLS or position == len(order) - 1:
            groups.append(group)
            group, rows, columns = [], 0, 0
    return groups


def _group_costs(src: SideFeatures, tgt: SideFeatures, model: CostModel, weights: KeyWeights, stretches,
                 structure) -> tuple[np.ndarray, np.ndarray]:
    """The stretches as an array of (s0, s1, t0, t1), and the cost of every bead type ending at every
    cell of each: ``table[s, r, mv, k]`` for source position ``r + 1`` and target position ``k`` of
    stretch ``s`` (padded: past a stretch's own size, its last row / column)."""
    spans = np.array(stretches, dtype=np.int64).reshape(-1, 4)
    s0, s1, t0, t1 = (spans[:, c] for c in range(4))
    n, m = s1 - s0, t1 - t0
    rows, width = int(n.max()), int(m.max()) + 1
    blocks, offsets = hit_count_blocks(src, tgt, spans[:, 0:2], spans[:, 2:4], weights.src_gain, weights.tgt_gain)
    per = (slice(None), None, None)            # one value per stretch, broadcast over its cells
    # As _search asks BeadCosts: rows 1..n, columns 0..m (past a stretch's own size: its last row / column).
    i_abs = s0[per] + np.minimum(np.arange(1, rows + 1)[None, :, None], n[per])
    j_abs = t0[per] + np.minimum(np.arange(width)[None, None, :], m[per])   # (broadcast: per row, per column)
    costs = BeadCosts(src, tgt, model, (s0[per], s1[per]), (t0[per], t1[per]),   # type: ignore[arg-type]
                      weights, structure)
    cells = _Cells(costs, i_abs, j_abs, blocks, s0[per], t0[per], offsets[per], n[per], m[per])
    return spans, np.stack([costs.costs(mv, cells) for mv in model.moves], axis=2)  # (stretches, rows, moves, width)


def _realign_plan(beads, stretches) -> list[tuple[tuple[int, int, int, int] | None, list[int]]]:
    """Where the second pass searches again: everything but the solid 1-1 chains.

    A 1-1 bead with 1-1 beads on both sides up to two beads away is kept as
    it is; the other beads are grouped into stretches (never across an anchor)
    that are searched again. Returns, in document order, (None, [bead number])
    for a kept bead and ((s0, s1, t0, t1), [bead numbers]) for a stretch.
    """
    cuts = {(s0, t0) for s0, _, t0, _ in stretches}
    one_one = [len(p) == 1 and len(q) == 1 for p, q, *_ in beads]
    solid = [all(one_one[max(0, k - 2):k + 3]) for k in range(len(beads))]
    plan: list[tuple[tuple[int, int, int, int] | None, list[int]]] = []
    i = j = 0
    start, run = None, []
    for k, (p, q, *_) in enumerate(beads):
        if start is not None and (solid[k] or (i, j) in cuts):
            plan.append(((start[0], i, start[1], j), run))
            start, run = None, []
        if solid[k]:
            plan.append((None, [k]))
        else:
            if start is None:
                start = (i, j)
            run.append(k)
        i, j = i + len(p), j + len(q)
    if start is not None:
        plan.append(((start[0], i, start[1], j), run))
    return plan


def _second_pass(beads, plan, src_f, tgt_f, model, weights, structure, changed_src, changed_tgt):
    """Search the plan's stretches again and splice the result between the kept beads.

    A stretch none of whose sentences gained a key has the same costs as in the
    first pass, so its beads (an optimal sub-path) are kept without searching.
    """
    searched = [stretch for stretch, _ in plan if stretch is not None and (changed_src[stretch[0]:stretch[1]].any()
                                                                           or changed_tgt[stretch[2]:stretch[3]].any())]
    found = dict(zip(searched, _stretch_paths(src_f, tgt_f, model, weights, searched, structure)))
    out = []
    for stretch, numbers in plan:
        out += found[stretch] if stretch in found else [beads[k] for k in numbers]
    return out


def _posteriors(beads, stretches, src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                weights: KeyWeights, structure) -> list[float]:
    """Confidence of each bead: its probability given the documents (``corelib.bead_posteriors``).

    Computed stretch by stretch (the anchors are fixed), with the final costs (after
    the IBM Model 1 pass) divided by ``model.temperature``. A document's small anchored
    stretches are computed together: their bead costs (``_group_costs``, as the search does)
    and their forward-backward walks (``corelib.bead_posteriors_many``), the same numbers; the
    others' in each stretch's band.
    """
    ends_i = np.cumsum([len(b[0]) for b in beads])
    ends_j = np.cumsum([len(b[1]) for b in beads])
    # Each stretch's beads: up to the first one that reaches its end on both sides (beads never
    # cross an anchor). bead_posteriors reads only their sizes, so they are not renumbered.
    paths, k = [], 0
    for _, s1, _, t1 in stretches:
        end = max(k, int(np.searchsorted(ends_i, s1)), int(np.searchsorted(ends_j, t1))) + 1
        paths.append(beads[k:end])
        k = end

    def problem(number: int):
        s0, s1, t0, t1 = stretches[number]
        zero_one = np.full(t1 - t0, model.prior_cost((0, 1)))    # (BeadCosts.null_costs("tgt"))
        return s1 - s0, t1 - t0, zero_one, paths[number]

    posteriors: dict[int, np.ndarray] = {}
    small = _batched(stretches)
    for group in _stretch_groups([stretches[k] for k in small]):
        _, table = _group_costs(src_f, tgt_f, model, weights, [stretches[small[g]] for g in group], structure)
        found = bead_posteriors_many(table, [problem(small[g]) for g in group], model.moves, model.temperature,
                                     model.posterior_halo)
        posteriors.update((small[g], post) for g, post in zip(group, found))
    scores: list[float] = []
    for number, (s0, s1, t0, t1) in enumerate(stretches):
        post = posteriors.get(number)
        if post is None:
            n, m, zero_one, path = problem(number)
            post = bead_posteriors(n, m, BeadCosts(src_f, tgt_f, model, (s0, s1), (t0, t1), weights, structure),
                                   zero_one, path, model.moves, model.temperature, model.posterior_halo)
        scores += [round(float(x), 4) for x in post]
    return scores


def bead_evidence(beads, src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                  weights: KeyWeights) -> np.ndarray:
    """The lexical evidence of each bead: its LLR as the bead cost sees it (0 for a null bead).

    ``beads`` are (source indices, target indices, ...) in document order over the
    whole of ``src_f`` x ``tgt_f``; computed for many beads of one type at a time, each
    reading the shared keys of its own sentences only (``_bead_cells``).
    """
    out = np.zeros(len(beads))
    costs = BeadCosts(src_f, tgt_f, model, (0, len(src_f)), (0, len(tgt_f)), weights)
    sizes_i = np.array([len(b[0]) for b in beads], dtype=np.int64)
    sizes_j = np.array([len(b[1]) for b in beads], dtype=np.int64)
    ends_i, ends_j = np.cumsum(sizes_i), np.cumsum(sizes_j)
    for a, b in sorted(set(zip(sizes_i.tolist(), sizes_j.tolist()))):
        if not a or not b:
            continue
        of_type = np.flatnonzero((sizes_i == a) & (sizes_j == b))
        for first in range(0, len(of_type), EVIDENCE_BEADS):
            chunk = of_type[first:first + EVIDENCE_BEADS]
            cells = _bead_cells(costs, ends_i[chunk], ends_j[chunk], a, b)
            out[chunk] = costs._lexical_llr(a, b, cells, np.maximum(cells.i_abs - a, 0),
                                            np.maximum(cells.j_abs - b, 0))[:, 0]
    return out


def _bead_cells(costs: BeadCosts, ends_i: np.ndarray, ends_j: np.ndarray, a: int, b: int) -> _Cells:
    """The end cells of a-b beads, each with the block of shared keys of its own sentences only
    (``encoder.hit_count_blocks``: the numbers a block around many beads would give them)."""
    starts_i, starts_j = ends_i - a, ends_j - b
    blocks, offsets = hit_count_blocks(costs.src, costs.tgt, np.stack((starts_i, ends_i), axis=1),
                                       np.stack((starts_j, ends_j), axis=1), costs.weights.src_gain,
                                       costs.weights.tgt_gain)
    return _Cells(costs, ends_i[:, None], ends_j[:, None], blocks, starts_i[:, None], starts_j[:, None],
                  offsets[:, None], np.full((len(ends_i), 1), a), np.full((len(ends_i), 1), b))


#: Beads whose evidence is computed in one call (memory: a few arrays of all their keys).
EVIDENCE_BEADS = 1 << 13


def standardized_evidence(beads, evidence: np.ndarray, weights: KeyWeights) -> np.ndarray:
    """Each link bead's evidence as a z-score against what its own sentences' keys win by chance
    (0 for a null bead).

    A long sentence has many keys, so both its hits and its misses are many: the expected
    LLR against an unrelated sentence, and its variance, are summed over the bead's sentences
    (``KeyWeights.*_chance_mean`` / ``*_chance_var``) and the evidence is measured from there.
    """
    ends_i = np.cumsum([len(b[0]) for b in beads]).astype(np.int64)
    ends_j = np.cumsum([len(b[1]) for b in beads]).astype(np.int64)
    starts_i = ends_i - [len(b[0]) for b in beads]
    starts_j = ends_j - [len(b[1]) for b in beads]

    def span(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        cum = np.concatenate(([0.0], np.cumsum(values)))
        return cum[ends] - cum[starts]
    mean = span(weights.src_chance_mean, starts_i, ends_i) + span(weights.tgt_chance_mean, starts_j, ends_j)
    var = 1.0 + span(weights.src_chance_var, starts_i, ends_i) + span(weights.tgt_chance_var, starts_j, ends_j)
    linked = (ends_i > starts_i) & (ends_j > starts_j)
    return np.where(linked, (evidence - mean) / np.sqrt(var), 0.0)


def observed_match_share(beads, src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                         weights: KeyWeights) -> float:
    """How many keys the 1-1 beads share, as a share of what the match rates expect.

    Over the 1-1 beads: the informative keys found on the other side, divided by the sum
    of the match rates r of the informative keys (1.0 when there are too few to tell).
    """
    one_one = [k for k, (p, q, *_) in enumerate(beads) if len(p) == 1 and len(q) == 1]
    if len(one_one) < MIN_RATE_BEADS:
        return 1.0
    found = expected = 0.0
    ends_i = np.cumsum([len(b[0]) for b in beads]).astype(np.int64)
    ends_j = np.cumsum([len(b[1]) for b in beads]).astype(np.int64)
    costs = BeadCosts(src_f, tgt_f, model, (0, len(src_f)), (0, len(tgt_f)), weights)
    numbers = np.array(one_one, dtype=np.int64)
    src_found, tgt_found = np.empty((len(numbers), 1)), np.empty((len(numbers), 1))
    for first in range(0, len(numbers), EVIDENCE_BEADS):
        part = slice(first, first + EVIDENCE_BEADS)
        cells = _bead_cells(costs, ends_i[numbers[part]], ends_j[numbers[part]], 1, 1)
        src_n, tgt_n = cells.pair(0, 0)[2:4]
        src_found[part] = np.minimum(src_n, cells.src_informative(0))
        tgt_found[part] = np.minimum(tgt_n, cells.tgt_informative(0))
    # Summed CHUNK_BEADS beads at a time, in this order (the sums are compared with refit_below).
    for first in range(0, len(numbers), CHUNK_BEADS):
        part = slice(first, first + CHUNK_BEADS)
        i_abs, j_abs = ends_i[numbers[part]], ends_j[numbers[part]]
        found += float(src_found[part].sum() + tgt_found[part].sum())
        expected += float(weights.src_expected[i_abs - 1].sum() + weights.tgt_expected[j_abs - 1].sum())
    return found / expected if expected > 0 else 1.0


#: the match share is measured on at least this many 1-1 beads
MIN_RATE_BEADS = 8


#: Beads whose evidence is computed in one vectorized call.
CHUNK_BEADS = 64


def _rotated(side: SideFeatures, order: np.ndarray) -> SideFeatures:
    """The side with its sentences in ``order`` (repetitions allowed)."""
    return SideFeatures(lengths=side.lengths[order], keys=side.keys.take(order), key_counts=side.key_counts[order],
                        words=side.words.take(order) if len(side.words) else side.words)


def _reordered_weights(weights: KeyWeights, src_order: np.ndarray, tgt_order: np.ndarray) -> KeyWeights:
    """``weights`` for the sides reordered by ``src_order`` / ``tgt_order`` (per-key weights unchanged)."""
    def cum(miss_cum: np.ndarray, order: np.ndarray) -> np.ndarray:
        return np.concatenate(([0.0], np.cumsum(np.diff(miss_cum)[order])))
    return KeyWeights(weights.src_gain, weights.tgt_gain, weights.src_own[src_order], weights.tgt_own[tgt_order],
                      cum(weights.src_miss_cum, src_order), cum(weights.tgt_miss_cum, tgt_order),
                      weights.src_informative[src_order], weights.tgt_informative[tgt_order],
                      weights.src_chance_mean[src_order], weights.tgt_chance_mean[tgt_order],
                      weights.src_chance_var[src_order], weights.tgt_chance_var[tgt_order],
                      weights.src_expected[src_order], weights.tgt_expected[tgt_order])


def chance_evidence(beads, src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                    weights: KeyWeights) -> np.ndarray:
    """The evidence the aligner finds by chance in this pair of documents.

    The beads found cut the documents into two halves (the first half of the beads and the
    second): the source sentences of the first half are aligned with the target sentences of
    the second, and the other way round (two searches, so that no sentence can reach its
    translation): sentences that are not translations of each other,
    with the documents' own lengths, keys and vocabulary, chosen by the same search that
    chooses the real beads. A short document's halves are repeated with their sentences in
    other orders until each search has ``CHANCE_MIN_SENTENCES`` source sentences; a long one
    contributes a slice of ``CHANCE_SENTENCES / 2`` from the middle of each half. Returns the
    standardized evidence (:func:`standardized_evidence`) of the link beads found.
    """
    n, m = len(src_f), len(tgt_f)
    size = CHANCE_SENTENCES // 2
    rng = None   # numpy.random costs ~7 ms to import: made only for a short document (below)
    half = len(beads) // 2
    src_cut = sum(len(p) for p, *_ in beads[:half])
    tgt_cut = sum(len(q) for _, q, *_ in beads[:half])
    out = []
    for src_half, tgt_half in ((np.arange(0, src_cut), np.arange(tgt_cut, m)),
                               (np.arange(src_cut, n), np.arange(0, tgt_cut))):
        if not len(src_half) or not len(tgt_half):
            continue
        src_part = src_half[(len(src_half) - size) // 2:][:size] if len(src_half) > size else src_half
        tgt_count = min(len(tgt_half), max(1, round(len(src_part) * m / n)))
        tgt_part = tgt_half[(len(tgt_half) - tgt_count) // 2:][:tgt_count]
        src_parts, tgt_parts = [src_part], [tgt_part]
        while sum(len(x) for x in src_parts) < CHANCE_MIN_SENTENCES and len(src_parts) < CHANCE_COPIES:
            rng = rng or np.random.default_rng(0)
            src_parts.append(rng.permutation(src_part))   # other chance neighbours for each sentence
            tgt_parts.append(rng.permutation(tgt_part))
        src_order, tgt_order = np.concatenate(src_parts), np.concatenate(tgt_parts)
        r_src, r_tgt = _rotated(src_f, src_order), _rotated(tgt_f, tgt_order)
        r_weights = _reordered_weights(weights, src_order, tgt_order)
        costs = BeadCosts(r_src, r_tgt, model, (0, len(r_src)), (0, len(r_tgt)), r_weights)
        path = best_path(len(r_src), len(r_tgt), costs, costs.null_costs("tgt"), model.moves)
        evidence = standardized_evidence(path, bead_evidence(path, r_src, r_tgt, model, r_weights), r_weights)
        out.append(evidence[[bool(p) and bool(q) for p, q, *_ in path]])
    return np.concatenate(out) if out else np.zeros(0)


#: How many source sentences the chance alignment covers, and from at most how many rotations.
CHANCE_SENTENCES = 120
CHANCE_COPIES = 8
#: ... and a short document's halves are repeated (in other orders) until each search has this many
CHANCE_MIN_SENTENCES = 24


@dataclass(frozen=True)
class Anchor:
    """A structural anchor: source sentence ``src`` and target sentence ``tgt`` open the same unit."""

    src: int
    tgt: int
    #: what the unit is, for people: "paragraph 3", "footnote 2"
    label: str


@dataclass(frozen=True)
class Alignment:
    """What :func:`align` found: the beads, and the anchors it used and the ones it dropped."""

    beads: list[Bead]
    anchors: tuple[Anchor, ...] = ()
    #: anchors that the length and lexical evidence contradicts (not used)
    dropped_anchors: tuple[Anchor, ...] = ()
    #: the share of the beads whose stretch the lexical evidence says is a translation, not
    #: chance (``alinea.align.evidence``); below ``TRANSLATED_WARNING`` the pair is warned about
    translated: float = 1.0


def align_sentences(src: Sequence[str | Sentence], tgt: Sequence[str | Sentence], *,
                    src_lang: str = "es", tgt_lang: str = "en", use_anchors: bool = True,
                    realign: bool = True, dictionary: Dictionary | None = None) -> list[Bead]:
    """Align source and target sentences; beads in document order.

    Accepts lists of plain strings (no structure) or of ``Sentence`` objects
    from the segmenter, whose paragraph numbers, footnotes and headings are
    used as anchors (once verified, see :func:`align`). Every sentence is in
    exactly one bead; unaligned ones are 1-0 / 0-1 beads. ``score`` is a
    confidence in [0, 1]. Deterministic. ``dictionary`` replaces the shipped
    general-language table (``alinea.align.dictionary``).
    """
    return align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, use_anchors=use_anchors,
                 realign=realign, dictionary=dictionary).beads


def align(src: Sequence[str | Sentence], tgt: Sequence[str | Sentence], *,
          src_lang: str = "es", tgt_lang: str = "en", use_anchors: bool = True,
          realign: bool = True, dictionary: Dictionary | None = None) -> Alignment:
    """:func:`align_sentences`, also telling which anchors were used and which were dropped.

    An anchor is verified, not trusted: the cheapest alignment forced through it
    must cost at most ``CostModel.anchor_tolerance`` more than the cheapest one
    without anchors; a paragraph number that opens different sentences on the two
    sides fails and is dropped.
    """
    src_texts, tgt_texts = _texts(src), _texts(tgt)
    n, m = len(src_texts), len(tgt_texts)
    if n == 0 or m == 0:
        return Alignment([Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)])
    vocab = Vocabulary(default_dictionary() if dictionary is None else dictionary)
    src_f, tgt_f = encode_sides(src_texts, src_lang, tgt_texts, tgt_lang, vocab)
    # Paragraph numbers and headings (anchors, structure) exist only when both sides are Sentences.
    src_sentences = [s for s in src if isinstance(s, Sentence)]
    tgt_sentences = [s for s in tgt if isinstance(s, Sentence)]
    structured = len(src_sentences) == n and len(tgt_sentences) == m
    structure = (_structure(src_sentences), _structure(tgt_sentences)) if structured else None

    # Characters of target per character of source, from the texts; kept within the range
    # seen between Spanish and English, so that a side with extra material does not skew it.
    ratio = float(np.clip(tgt_f.lengths.sum() / max(src_f.lengths.sum(), 1.0), *RATIO_RANGE))
    model = CostModel(ratio=ratio)
    weights = KeyWeights.build(src_f, tgt_f, vocab, model, src_lang)
    candidates = [Anchor(i, j, _anchor_label(src_sentences[i]))
                  for i, j in anchor_points(src_sentences, tgt_sentences)] if structured and use_anchors else []
    kept, dropped = _verify_anchors(candidates, src_f, tgt_f, model, weights, structure, vocab, src_lang)
    stretches = _stretches(n, m, [(a.src, a.tgt) for a in kept])
    beads = _search(src_f, tgt_f, model, weights, stretches, structure)
    # A free translation shares fewer words than the match rates expect, and then every miss
    # makes a true link look worse than leaving its sentences unaligned: measure the rate on
    # the 1-1 beads found and, if it is clearly lower, search again with it.
    found_rate = observed_match_share(beads, src_f, tgt_f, model, weights)
    if found_rate < model.refit_below:
        model = replace(model, miss_rate_scale=found_rate)
        weights = KeyWeights.build(src_f, tgt_f, vocab, model, src_lang)
        beads = _search(src_f, tgt_f, model, weights, stretches, structure)
    if realign:
        links = ibm1.translation_links(_content_words(src_f, vocab), _content_words(tgt_f, vocab),
                                       _confident_pairs(beads))
        if links is not None:
            before = src_f.key_counts, tgt_f.key_counts
            src_f, tgt_f = _add_links(src_f, tgt_f, links, vocab)
            changed = src_f.key_counts != before[0], tgt_f.key_counts != before[1]
            weights = KeyWeights.build(src_f, tgt_f, vocab, model, src_lang)
            plan = _realign_plan(beads, stretches)
            beads = _second_pass(beads, plan, src_f, tgt_f, model, weights, structure, *changed)
    # The posteriors assume the documents translate each other; the evidence model weighs that too.
    # The two are independent: on long documents the evidence is computed by a forked process meanwhile.
    evidence = (forked.Forked(_translation_evidence, beads, src_f, tgt_f, model, weights)
                if forked.wanted(min(n, m)) else None)
    scores = _posteriors(beads, stretches, src_f, tgt_f, model, weights, structure)
    found = evidence.result() if evidence else _translation_evidence(beads, src_f, tgt_f, model, weights)
    return Alignment([Bead(p, q, round(s * float(t), 4)) for (p, q, *_), s, t in zip(beads, scores, found.posterior)],
                     tuple(kept), tuple(dropped), found.translated)


def _translation_evidence(beads, src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                          weights: KeyWeights):
    """How likely each bead's stretch is a translation, not chance (``alinea.align.evidence``)."""
    linked = np.array([bool(p) and bool(q) for p, q, *_ in beads])
    z = standardized_evidence(beads, bead_evidence(beads, src_f, tgt_f, model, weights), weights)
    return translation_evidence(z, linked, chance_evidence(beads, src_f, tgt_f, model, weights))


#: The align summary warns when more than this share of the sentences is unaligned ...
UNALIGNED_WARNING = 0.05
#: ... or when this many null beads (1-0, 0-1) come in a row.
NULL_RUN_WARNING = 5
#: ... or when the evidence says that less than this share of the beads are translations.
TRANSLATED_WARNING = 0.5


def alignment_warnings(beads: Sequence[Bead], n_src: int, n_tgt: int,
                       dropped_anchors: Sequence[Anchor] = (), src_lang: str = "es",
                       tgt_lang: str = "en", translated: float = 1.0) -> list[str]:
    """What a person should look at first: documents that do not look like translations of each
    other (``translated``: :attr:`Alignment.translated`), dropped anchors, many unaligned
    sentences, runs of null beads.

    Bead and sentence numbers are 1-based, as in the review report.
    """
    out = []
    if translated < TRANSLATED_WARNING:
        out.append(f"the two documents do not look like translations of each other: {100 * translated:.0f} % of "
                   "the beads share more words, names and numbers than unrelated sentences of these documents "
                   "do by chance (different documents, or a translation too free to check word by word, such "
                   "as verse); every bead's confidence is low")
    out += [f"anchor dropped: {a.label} opens {src_lang} sentence {a.src + 1} and {tgt_lang} sentence "
           f"{a.tgt + 1}, but the text of the two sides does not agree there" for a in dropped_anchors]
    unaligned = sum(len(b.src) + len(b.tgt) for b in beads if b.is_null)
    total = n_src + n_tgt
    if total and unaligned > UNALIGNED_WARNING * total:
        out.append(f"{unaligned} of {total} sentences ({100 * unaligned / total:.1f} %) are unaligned: "
                   "are the two files the same document, complete on both sides?")
    run_start = None
    for k, bead in enumerate(list(beads) + [Bead((0,), (0,))]):
        if bead.is_null and run_start is None:
            run_start = k
        elif not bead.is_null and run_start is not None:
            if k - run_start >= NULL_RUN_WARNING:
                out.append(f"{k - run_start} unaligned sentences in a row (beads {run_start + 1}-{k}): "
                           "a passage missing on one side, or the alignment lost its way there")
            run_start = None
    return out


def _anchor_label(sentence: Sentence) -> str:
    kind = "paragraph" if sentence.kind in (BODY, HEADING) else sentence.kind
    return f"{kind} {sentence.number}"


def _reversed_structure(structure: Structure) -> Structure:
    return Structure(kinds=structure.kinds[::-1].copy(), paragraphs=structure.paragraphs[::-1].copy())


def _verify_anchors(candidates: list[Anchor], src_f: SideFeatures, tgt_f: SideFeatures, model: CostModel,
                    weights: KeyWeights, structure, vocab: Vocabulary,
                    src_lang: str) -> tuple[list[Anchor], list[Anchor]]:
    """Split the anchors into those the evidence agrees with and those it contradicts.

    For each anchor (i, j) the cheapest alignment through cell (i, j) costs
    F(i, j) + B(i, j): the forward search gives F at every anchor at once, the same
    search on the reversed documents gives B. Without anchors the cheapest costs
    F(n, m); an anchor whose detour costs more than ``anchor_tolerance`` is dropped.
    """
    if not candidates:
        return [], []
    n, m = len(src_f), len(tgt_f)
    cells = [(a.src, a.tgt) for a in candidates]
    forward_costs = BeadCosts(src_f, tgt_f, model, (0, n), (0, m), weights, structure)
    forward, total, path = costs_through(n, m, forward_costs, forward_costs.null_costs("tgt"), cells, model.moves)
    # An anchor on the cheapest path costs no detour; only the others need the reversed search.
    on_path, i, j = {(0, 0)}, 0, 0
    for p, q, *_ in path:
        i, j = i + len(p), j + len(q)
        on_path.add((i, j))
    if all(cell in on_path for cell in cells):
        return list(candidates), []
    r_src, r_tgt = _reversed(src_f), _reversed(tgt_f)
    r_structure = None if structure is None else (_reversed_structure(structure[0]),
                                                  _reversed_structure(structure[1]))
    r_weights = KeyWeights.build(r_src, r_tgt, vocab, model, src_lang)
    backward_costs = BeadCosts(r_src, r_tgt, model, (0, n), (0, m), r_weights, r_structure)
    backward, _, _ = costs_through(n, m, backward_costs, backward_costs.null_costs("tgt"),
                                [(n - i, m - j) for i, j in cells], model.moves)
    detour = np.where([cell in on_path for cell in cells], 0.0, forward + backward - total)
    kept = [a for a, d in zip(candidates, detour) if d <= model.anchor_tolerance]
    dropped = [a for a, d in zip(candidates, detour) if not d <= model.anchor_tolerance]
    return kept, dropped


def _reversed(side: SideFeatures) -> SideFeatures:
    backwards = np.arange(len(side))[::-1]
    return SideFeatures(lengths=side.lengths[::-1].copy(), keys=side.keys.take(backwards),
                        key_counts=side.key_counts[::-1].copy(), words=side.words.take(backwards))


def _content_words(side: SideFeatures, vocab: Vocabulary) -> Ragged:
    """Each sentence's words of three letters or more (short function words only slow EM down)."""
    long_enough = vocab.word_lengths() >= 3
    return side.words.where(long_enough[side.words.flat])


def _add_links(src_f: SideFeatures, tgt_f: SideFeatures, links, vocab: Vocabulary):
    """Learned word links as extra keys of both sides (links between cognates are already keys)."""
    words = vocab.words
    new = [(f, e) for f, e in zip(*(x.tolist() for x in links)) if not shares_key(words[f], words[e])]
    if not new:
        return src_f, tgt_f
    link_keys = vocab.encode([f"t:{words[f]}|{words[e]}" for f, e in new])
    f_ids = np.array([f for f, _ in new], dtype=np.int64)
    e_ids = np.array([e for _, e in new], dtype=np.int64)
    return with_link_keys(src_f, f_ids, link_keys), with_link_keys(tgt_f, e_ids, link_keys)


def _confident_pairs(beads) -> list[tuple[int, int]]:
    """1-1 beads of the first pass whose neighbours are 1-1 too (the confident core)."""
    pairs = []
    for n in range(1, len(beads) - 1):
        if all(len(beads[k][0]) == 1 and len(beads[k][1]) == 1 for k in (n - 1, n, n + 1)):
            pairs.append((beads[n][0][0], beads[n][1][0]))
    return pairs
