"""Reading, cleaning, segmentation and alignment of Spanish-English documents.

Data flows one way: ``read_document -> normalize -> segment -> align_sentences``.

The names below are imported on first use (PEP 562), so that ``import align``
(and every ``alinea`` command) does not pay for NLTK and numpy until a stage
that needs them runs.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "InputError": "errors", "Bead": "model", "Bitext": "model", "Block": "model",
    "Document": "model", "Sentence": "model", "normalize": "normalize",
    "read_document": "read", "segment": "segment", "segment_text": "segment",
    "split_sentences": "segment", "align_sentences": "aligner",
    "align_with_fixed": "constrained",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from .aligner import align_sentences
    from .constrained import align_with_fixed
    from .errors import InputError
    from .model import Bead, Bitext, Block, Document, Sentence
    from .normalize import normalize
    from .read import read_document
    from .segment import segment, segment_text, split_sentences


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
