"""Reading, cleaning, segmentation and alignment of Spanish-English documents.

Data flows one way: ``read_document -> normalize -> segment -> align_sentences``.

The names below are imported on first use (PEP 562), so that ``import align``
(and every ``alinea`` command) does not pay for NLTK and numpy until a stage
that needs them runs.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

_EXPORTS = {
    "InputError": "errors", "Bead": "model", "Bitext": "model", "Block": "model",
    "Document": "model", "Sentence": "model", "normalize": "normalize",
    "read_document": "read", "segment": "segment", "segment_text": "segment",
    "split_sentences": "segment", "align_sentences": "aligner",
    "align_with_fixed": "constrained",
}
# Spelled out, not derived from _EXPORTS, so that linters and type checkers see the
# re-exports (tests/test_packaging.py checks that the two agree).
__all__ = [
    "Bead", "Bitext", "Block", "Document", "InputError", "Sentence", "align_sentences", "align_with_fixed",
    "normalize", "read_document", "segment", "segment_text", "split_sentences",
]

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
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """This package's module type: its exported functions keep their names.

    ``normalize`` and ``segment`` are both functions exported here and
    submodules of this package. Importing a submodule makes Python bind it on
    the package (``alinea.align.normalize = <module>``), which would shadow
    the lazy function for good: ``from alinea.align import normalize`` would
    give the module once anything (the pipeline, a test) had imported
    ``alinea.align.normalize``. The guard keeps the package attribute the
    function; the submodules stay importable by their full name
    (``from alinea.align.normalize import clean_text``, ``importlib``), but
    ``import alinea.align.normalize as m`` and, inside this package,
    ``from . import segment`` give the function: the module's own names are
    imported by their full dotted name (``from .segment import STARTERS``) or
    with :func:`importlib.import_module`.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


#: Exported names that are also the names of submodules.
_SHADOWED = frozenset(name for name, module in _EXPORTS.items() if name == module)
sys.modules[__name__].__class__ = _Package
