#!/usr/bin/env python3
"""Limits benchmark: do the inputs that once ran away now cost time in proportion to their size?

Issue 11 (item 5) found four: ``report --xlsx`` (20,000 units: 109 s, against 3.5 s for
``tmx convert`` to XLSX), ``tmx validate`` on one ``<tu>`` with 50,000 ``<tuv>``s (past 200 s),
``check`` on a table with one 5 MB cell (past 300 s) and a .docx that expands to 2 GB (4.2 GB of
memory before failing). Each is run here as the ``alinea`` command, at a size and at four times
that size (linear: about four times the time), next to a peer doing the unavoidable part of the
same job on the same file in the same run:

- ``report --xlsx`` next to ``tmx convert`` to XLSX (pandas' ExcelWriter on the same units);
- ``tmx validate`` next to lxml parsing the file (what any validator must do first);
- ``check`` next to pandas reading the table;
- the zip bomb: ``align`` refusing it, time and peak memory, next to zipfile listing it.

All inputs are generated (no shared material needed). Wall-clock seconds, the best of
``--repeat`` runs; the load average is printed first because the machine is shared.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="es" '
        'datatype="plaintext"/><body>\n')


def timed(args: list[str], repeat: int) -> tuple[float, int]:
    """Best wall time of ``repeat`` runs of a command, and its exit code."""
    best, code = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        code = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        best = min(best, time.perf_counter() - started)
    return best, code


def timed_python(code: str, repeat: int) -> float:
    return timed([sys.executable, "-c", code], repeat)[0]


def units_tmx(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEAD)
        for i in range(1, n + 1):
            fh.write(f'<tu tuid="{i}"><prop type="x-score">0.9</prop>'
                     f'<tuv xml:lang="es"><seg>La Asamblea aprobó la resolución {i} sobre la migración.</seg></tuv>'
                     f'<tuv xml:lang="en"><seg>The Assembly adopted resolution {i} on migration.</seg></tuv></tu>\n')
        fh.write("</body></tmx>\n")
    return path


def wide_tu(path: Path, n: int) -> Path:
    tuvs = "".join(f'<tuv xml:lang="es" bad="1"><seg>x{i}</seg></tuv>' for i in range(n))
    path.write_text(HEAD.replace("\n", "") + f"<tu>{tuvs}</tu></body></tmx>\n", encoding="utf-8")
    return path


def huge_cell(path: Path, n: int) -> Path:
    path.write_text("source\ttarget\n" + "a" * n + "\t" + "b" * n + "\nSe aprobó.\tIt was adopted.\n",
                    encoding="utf-8")
    return path


def zip_bomb(path: Path, expanded: int) -> Path:
    """A .docx whose document.xml inflates to ``expanded`` bytes of zeros (written in chunks)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 24)
            for _ in range(expanded // len(chunk)):
                entry.write(chunk)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement (best is kept)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size (0.25 for a quick look)")
    options = parser.parse_args()
    repeat, scale = options.repeat, options.scale
    alinea = [sys.executable, "-m", "alinea"]
    print(f"load average before: {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs; best of {repeat} runs")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"{'what':44} {'size':>10} {'alinea':>9} {'peer':>9}  peer")
        for n in (int(5000 * scale), int(20000 * scale)):
            tm = units_tmx(tmp / f"tm{n}.tmx", n)
            ours, code = timed(alinea + ["report", str(tm), "--xlsx", str(tmp / "r.xlsx")], repeat)
            peer, _ = timed(alinea + ["tmx", "convert", str(tm), str(tmp / "c.xlsx")], repeat)
            print(f"{'report --xlsx (units)':44} {n:>10,} {ours:>8.2f}s {peer:>8.2f}s  tmx convert to XLSX"
                  + ("" if code == 0 else f"  [exit {code}]"))
        for n in (int(12500 * scale), int(50000 * scale)):
            wide = wide_tu(tmp / f"wide{n}.tmx", n)
            ours, code = timed(alinea + ["tmx", "validate", str(wide), "--max-problems", "1"], repeat)
            peer = timed_python(f"from lxml import etree; etree.parse({str(wide)!r})", repeat)
            print(f"{'tmx validate, bad <tuv>s in one <tu>':44} {n:>10,} {ours:>8.2f}s {peer:>8.2f}s  lxml parse"
                  + ("" if code == 1 else f"  [exit {code}]"))
        for n in (int(1_250_000 * scale), int(5_000_000 * scale)):
            table = huge_cell(tmp / f"cell{n}.tsv", n)
            ours, code = timed(alinea + ["check", str(table), "--fail-on", "never"], repeat)
            peer = timed_python(f"import pandas as pd; pd.read_csv({str(table)!r}, sep='\\t', dtype=str)", repeat)
            print(f"{'check, one cell of (characters)':44} {n:>10,} {ours:>8.2f}s {peer:>8.2f}s  pandas read_csv"
                  + ("" if code == 0 else f"  [exit {code}]"))
        en = tmp / "en.txt"
        en.write_text("The United Nations published the report.\n", encoding="utf-8")
        bomb = zip_bomb(tmp / "bomb.docx", int(2 * 1024 ** 3 * scale))
        started = time.perf_counter()
        proc = subprocess.run(alinea + ["align", str(bomb), str(en), "-o", str(tmp / "b.tmx")],
                              capture_output=True, text=True)
        ours = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peer = timed_python(f"import zipfile; zipfile.ZipFile({str(bomb)!r}).infolist()", repeat)
        print(f"{'align on a .docx expanding to (bytes)':44} {int(2 * 1024 ** 3 * scale):>10,} {ours:>8.2f}s "
              f"{peer:>8.2f}s  zipfile listing; exit {proc.returncode}, peak memory of any run so far "
              f"{peak:.0f} MB")
        print(f"  {proc.stderr.strip()}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
