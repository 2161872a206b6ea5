"""alinea: Spanish-English sentence alignment and translation memories.

Everything installs under this one import package. The stages are subpackages,
kept in the repository's top-level folders and mapped here by ``pyproject.toml``:
:mod:`alinea.align` (read, normalize, segment, align; folder ``align/``),
:mod:`alinea.tmx` (translation-memory storage and operations; ``tmx/``),
:mod:`alinea.report` (review, consistency and MT-score reports; ``report/``) and
:mod:`alinea.corpora` (the embedded A/58/98 pair; ``corpora/``). This folder
holds the end-to-end pipeline and the command line.
"""
from __future__ import annotations

from alinea._version import __version__

__all__ = ["__version__"]
