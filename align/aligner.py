"""Stage 4: align two sentence lists into beads with a confidence score."""
from __future__ import annotations

import math
from typing import Sequence

from .corelib import best_path
from .model import Bead, Sentence


def _texts(items: Sequence[str | Sentence]) -> list[str]:
    return [s.text if isinstance(s, Sentence) else s for s in items]


def align_sentences(src: Sequence[str | Sentence], tgt: Sequence[str | Sentence]) -> list[Bead]:
    """Align source and target sentences; beads in document order.

    Every sentence is in exactly one bead; unaligned ones are 1-0 / 0-1 beads.
    """
    src_texts, tgt_texts = _texts(src), _texts(tgt)
    src_lens = [len(t) for t in src_texts]
    tgt_lens = [len(t) for t in tgt_texts]
    # The length ratio is estimated from the text itself.
    ratio = (sum(tgt_lens) / sum(src_lens)) if sum(src_lens) and sum(tgt_lens) else 1.0
    beads = []
    for s, t, cost in best_path(src_lens, tgt_lens, ratio):
        beads.append(Bead(s, t, round(math.exp(-cost / 4), 4)))
    return beads
