"""Bitexts as pandas tables: TSV, CSV and XLSX export."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from align.errors import InputError
from align.model import Bitext
from align.utils import atomic_path

COLUMNS = ["bead", "type", "score", "paragraph", "src_ids", "tgt_ids", "source", "target"]


def bitext_frame(bitext: Bitext) -> pd.DataFrame:
    """One row per bead, in document order."""
    rows = []
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        rows.append({
            "bead": n, "type": bead.kind, "score": round(bead.score, 4),
            "paragraph": bitext.paragraph_number(bead) or "",
            "src_ids": ",".join(str(i + 1) for i in bead.src),
            "tgt_ids": ",".join(str(i + 1) for i in bead.tgt),
            "source": src, "target": tgt,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``frame`` as TSV, CSV or XLSX, chosen by the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".tsv", ".tab", ".txt", ".csv", ".xlsx"):
        raise InputError(f"{path}: unsupported table format {suffix!r} (use .tsv, .csv or .xlsx)")
    with atomic_path(path) as tmp:
        if suffix == ".xlsx":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        else:
            sep = "," if suffix == ".csv" else "\t"
            frame.to_csv(tmp, sep=sep, index=False, encoding="utf-8")
