"""Are these beads translations at all? A two-hypothesis posterior over stretches of beads.

The aligner's confidence (``corelib.bead_posteriors``) is a probability *given* that the two
documents translate each other: it weighs one bead against its rivals, so length agreement
alone makes a bead confident even between unrelated texts. This module adds the other
question. Each link bead has a lexical evidence ``z`` (``aligner.standardized_evidence``: the
LLR of its shared keys measured from what its own sentences win against an unrelated sentence,
in standard deviations). Two hypotheses explain a stretch of beads:

- *chance*: the beads are the best the search could do with sentences that are not
  translations; their ``z`` follows the distribution measured on a chance alignment of the
  same two documents (``aligner.chance_evidence``: the beads found cut the documents in two halves,
  and the source of each half is aligned with the target of the other), a normal law N(mu0, s0);
- *translation*: their ``z`` follows N(mu1, s1), fitted to the document's own beads by EM
  (a two-component mixture with the chance component fixed), with mu1 at least
  ``MIN_SEPARATION`` chance deviations above mu0.

A document may hold both (a passage missing on one side and another text in its place), so
the hypothesis is a hidden state that changes rarely along the beads (probability ``SWITCH``
per bead), and the posterior of "translation" at each bead comes from a forward-backward
pass over the two states. A single bead's log-likelihood ratio is capped at ``LR_CAP``, so
that no one bead (a date or a name that happens to recur) decides a stretch. Null beads
carry no evidence either way (ratio 1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: probability that the hidden state (translation / chance) changes from one bead to the next
SWITCH = 0.005
#: probability that the first bead's stretch is a translation (people align documents they
#: believe to be translations; the evidence of a few beads overrides it)
PRIOR_TRANSLATION = 0.9
#: a single bead's log-likelihood ratio is kept within +/- this
LR_CAP = 4.0
#: the translation component lies at least this many chance standard deviations above chance
MIN_SEPARATION = 2.0
#: the chance distribution before any measurement: about what unrelated UN and literary
#: pairs give; it counts as ``PRIOR_CHANCE_BEADS`` measured beads, so that it decides for a
#: short document and gives way to the measurement for a long one
DEFAULT_CHANCE = (-0.5, 1.2)
PRIOR_CHANCE_BEADS = 10
#: the spread of the chance distribution is taken as at least this (z-scores of a few keys)
MIN_CHANCE_SPREAD = 0.5


@dataclass(frozen=True)
class TranslationEvidence:
    """What the two-hypothesis model concluded for one document pair."""

    #: per bead: the probability that its stretch is a translation, not chance
    posterior: np.ndarray
    #: the share of the link beads that the evidence says are translations (mean posterior)
    translated: float
    #: the fitted distributions of z: (mu0, s0) chance, (mu1, s1) translation
    chance: tuple[float, float]
    translation: tuple[float, float]


def _log_normal(z: np.ndarray, mu: float, sd: float) -> np.ndarray:
    return -0.5 * ((z - mu) / sd) ** 2 - math.log(sd)


def chance_distribution(chance: np.ndarray) -> tuple[float, float]:
    """(mu0, s0) of the evidence of chance beads: their mean and deviation, with
    ``DEFAULT_CHANCE`` counted as ``PRIOR_CHANCE_BEADS`` more beads."""
    prior_mu, prior_sd = DEFAULT_CHANCE
    count = len(chance) + PRIOR_CHANCE_BEADS
    mu = (float(chance.sum()) + PRIOR_CHANCE_BEADS * prior_mu) / count
    spread = float(((chance - mu) ** 2).sum()) + PRIOR_CHANCE_BEADS * (prior_sd ** 2 + (prior_mu - mu) ** 2)
    return mu, max(math.sqrt(spread / count), MIN_CHANCE_SPREAD)


def upper_quartile(values: np.ndarray) -> float:
    """``np.quantile(values, 0.75)`` (its default, linear interpolation), computed the same way.

    np.quantile calls np.unique, which imports numpy.ma on first use: 30 ms of every short
    alignment's start-up, for one number.
    """
    ordered = np.sort(np.asarray(values, dtype=float).ravel())
    position = 0.75 * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    a, b, t = ordered[below], ordered[above], position - below
    # numpy's _lerp: from the nearer end, so that t = 0 and t = 1 give a and b exactly
    return float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)


def fit_translation(z: np.ndarray, mu0: float, s0: float, iterations: int = 30) -> tuple[float, float]:
    """EM for the translation component N(mu1, s1) of a mixture whose chance component is fixed."""
    floor = mu0 + MIN_SEPARATION * s0
    if not len(z):
        return floor, s0
    mu1, s1, share = max(floor, upper_quartile(z)), max(s0, float(z.std())), 0.5
    for _ in range(iterations):
        log_t = math.log(share) + _log_normal(z, mu1, s1)
        log_c = math.log(1 - share) + _log_normal(z, mu0, s0)
        resp = 1.0 / (1.0 + np.exp(np.clip(log_c - log_t, -50, 50)))
        weight = float(resp.sum())
        if weight < 1e-6:
            return floor, s0
        share = min(max(weight / len(z), 0.01), 0.99)
        mu1 = max(floor, float((resp * z).sum() / weight))
        s1 = max(s0, math.sqrt(float((resp * (z - mu1) ** 2).sum() / weight)))
    return mu1, s1


def translation_evidence(z: np.ndarray, linked: np.ndarray, chance: np.ndarray) -> TranslationEvidence:
    """The posterior that each bead's stretch is a translation (see the module's docstring).

    ``z``: the standardized evidence of each bead in document order (ignored where
    ``linked`` is false: null beads); ``chance``: the evidence of the link beads of the
    chance alignment of the same documents.
    """
    mu0, s0 = chance_distribution(chance)
    mu1, s1 = fit_translation(z[linked], mu0, s0)
    llr = np.where(linked, np.clip(_log_normal(z, mu1, s1) - _log_normal(z, mu0, s0), -LR_CAP, LR_CAP), 0.0)
    posterior = two_state_posterior(llr, SWITCH, PRIOR_TRANSLATION)
    translated = float(posterior[linked].mean()) if linked.any() else 1.0
    return TranslationEvidence(posterior, translated, (mu0, s0), (mu1, s1))


def two_state_posterior(llr: np.ndarray, switch: float, prior: float = 0.5) -> np.ndarray:
    """P(state "translation" at each bead) for a two-state chain that starts in "translation"
    with probability ``prior`` and changes state with probability ``switch`` per bead, given
    each bead's log-likelihood ratio translation : chance.

    In log-odds the forward pass is ``f[k] = llr[k] + g(f[k-1])`` with
    ``g(x) = log((1-e) e^x + e) - log(e e^x + 1 - e)``, and likewise backward.
    """
    count = len(llr)
    stay, move = math.log1p(-switch), math.log(switch)
    start = math.log(prior / (1 - prior))

    def logaddexp(a: float, b: float) -> float:
        return max(a, b) + math.log1p(math.exp(-abs(a - b)))

    def carry(x: float) -> float:   # log-odds one bead later, before its own evidence
        return logaddexp(stay + x, move) - logaddexp(move + x, stay)
    forward = np.empty(count)
    backward = np.zeros(count)
    x = 0.0
    for k in range(count):
        x = (carry(x) if k else start) + float(llr[k])
        forward[k] = x
    x = 0.0
    for k in range(count - 2, -1, -1):
        x = carry(x + float(llr[k + 1]))
        backward[k] = x
    return 1.0 / (1.0 + np.exp(-np.clip(forward + backward, -50, 50)))
