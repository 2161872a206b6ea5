"""Embedded document pairs. ``corpus("A_58_98")`` gives the paths and metadata."""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alinea.align.errors import InputError


@dataclass(frozen=True)
class Corpus:
    name: str
    directory: Path
    meta: dict

    def path(self, lang: str) -> Path:
        return self.directory / self.meta["languages"][lang]


def corpus(name: str = "A_58_98") -> Corpus:
    """The embedded pair ``name`` (a folder of this package with a meta.json)."""
    directory = Path(str(resources.files(__name__) / name))
    meta_file = directory / "meta.json"
    if not meta_file.is_file():
        raise InputError(f"no embedded corpus named {name!r}")
    return Corpus(name, directory, json.loads(meta_file.read_text(encoding="utf-8")))
