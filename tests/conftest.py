from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpora" / "A_58_98"


@pytest.fixture(scope="session")
def es_path() -> Path:
    return CORPUS / "es.txt"


@pytest.fixture(scope="session")
def en_path() -> Path:
    return CORPUS / "en.txt"


@pytest.fixture(scope="session")
def a58_bitext(es_path, en_path):
    """The A/58/98 pair aligned once for the whole session."""
    from alinea.pipeline import align_files

    return align_files(es_path, en_path, meta={"symbol": "A/58/98"})


@pytest.fixture
def run_cli():
    """Run the alinea CLI in-process; returns click's Result."""
    from alinea.cli import main

    def run(*args: str):
        runner = CliRunner()
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
