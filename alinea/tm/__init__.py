"""Translation memory: many TMX files and tables pooled in one SQLite file.

- :mod:`alinea.tm.store`: ``TranslationMemory`` (open/create, schema versions, transactions)
- :mod:`alinea.tm.importer`: ``import_file``/``import_files`` (TMX and alinea tables, provenance)
- :mod:`alinea.tm.search`: ``search`` (FTS5 concordance) and ``lookup`` (fuzzy matches)
- :mod:`alinea.tm.match`: CAT-style match percentages (``match_score``, ``band_of``)
- :mod:`alinea.tm.analysis`: ``analyze`` (bands, repetitions, words) and its JSON/HTML
- :mod:`alinea.tm.export`: ``export`` (TMX/TSV/XLSX) and ``stats``

The functions take an open :class:`TranslationMemory` first; its methods of
the same names call them.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "TranslationMemory": "store", "open_memory": "store", "default_db": "store",
    "import_file": "importer", "import_files": "importer", "search": "search", "lookup": "search",
    "analyze": "analysis", "export": "export", "stats": "export", "match_score": "match", "band_of": "match",
}
__all__ = ["TranslationMemory", "analyze", "band_of", "default_db", "export", "import_file", "import_files",
           "lookup", "match_score", "open_memory", "search", "stats"]

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyze
    from .export import export, stats
    from .importer import import_file, import_files
    from .match import band_of, match_score
    from .search import lookup, search
    from .store import TranslationMemory, default_db, open_memory


def __getattr__(name: str):
    # Imported on first use so that `alinea` commands start without rapidfuzz/lxml.
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
