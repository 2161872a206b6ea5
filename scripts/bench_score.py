#!/usr/bin/env python3
"""MT scoring benchmark: ``alinea score`` next to the ``sacrebleu`` command.

Reference: ``../shared/data/un_devset_first2000.en`` (2,000 UN sentences).
Hypothesis: a deterministic degraded copy of it, written to a temporary
directory (about 12 % of the words dropped, some neighbours swapped, some
"the" → "a"), so that BLEU, chrF and TER all have real work to do.

Both commands run as subprocesses on the same two files with
``-m bleu chrf ter -w 4`` (wall-clock time, the best of ``--repeat`` runs each,
alternating so that load from other processes hits both alike). The script
prints each metric's line from both commands and whether they are identical
(score, signature and BLEU's details), then the two times and their ratio
(target: alinea at most 0.6 of sacrebleu's time).

Then a breakdown of where the time goes: start-up of each command
(``--version``), and in one process sacrebleu's serial per-segment statistics
for each metric against alinea's process pool (:mod:`alinea.report.parallel_ter`).

Exit status: 0 when the numbers are equal, 1 when they differ, 2 when
``../shared/data`` is absent.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "data" / "un_devset_first2000.en"
METRICS = ["bleu", "chrf", "ter"]
TARGET = 0.6


def degrade(lines: list[str], seed: int = 7) -> list[str]:
    """A deterministic imperfect 'MT output' for each reference line."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > 0.12]
        for j in range(len(words) - 1):
            if rng.random() < 0.08:
                words[j], words[j + 1] = words[j + 1], words[j]
        out.append(" ".join("a" if w == "the" and rng.random() < 0.3 else w for w in words))
    return out


_CPU: dict[int, float] = {}


def _timed(cmd: list[str]) -> tuple[float, str]:
    """Wall-clock seconds and stdout of ``cmd``; its CPU seconds go to _CPU[id(stdout)]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"bench_score: {' '.join(cmd[:3])} … failed:\n{proc.stderr.strip()}")
    _CPU[id(proc.stdout)] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, proc.stdout


def _score_lines(stdout: str) -> dict[str, str]:
    """{"BLEU": "BLEU|nrefs:1|… = 59.3367 100.0/…", …} from text-format output."""
    lines = [line.strip() for line in stdout.splitlines() if " = " in line]
    return {line.split("|")[0]: line for line in lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=2000, help="reference lines to use (default: all 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best time counts")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the in-process timing breakdown")
    args = parser.parse_args()

    if not REFERENCE.is_file():
        print(f"bench_score: {REFERENCE} is absent; this benchmark needs the shared data "
              "(../shared/data/un_devset_first2000.en beside the repository)", file=sys.stderr)
        return 2

    refs = REFERENCE.read_text(encoding="utf-8").split("\n")
    if refs and refs[-1] == "":
        refs.pop()
    refs = refs[: args.lines]
    hyps = degrade(refs)
    bindir = Path(sys.executable).parent
    alinea = [str(bindir / "alinea")] if (bindir / "alinea").exists() else [sys.executable, "-m", "alinea"]
    sacrebleu = [str(bindir / "sacrebleu")] if (bindir / "sacrebleu").exists() else [sys.executable, "-m", "sacrebleu"]

    with tempfile.TemporaryDirectory(prefix="bench_score.") as tmp:
        ref_path, hyp_path = Path(tmp) / "ref.en", Path(tmp) / "mt.en"
        ref_path.write_text("\n".join(refs) + "\n", encoding="utf-8")
        hyp_path.write_text("\n".join(hyps) + "\n", encoding="utf-8")
        ours_cmd = alinea + ["score", "--hyp", str(hyp_path), "--ref", str(ref_path),
                             "-m", ",".join(METRICS), "-w", "4"]
        peer_cmd = sacrebleu + [str(ref_path), "-i", str(hyp_path), "-m", *METRICS, "-w", "4", "-f", "text"]
        load_before = os.getloadavg()[0]
        ours_times, peer_times, ours_cpu, peer_cpu = [], [], [], []
        for _ in range(max(1, args.repeat)):
            t, peer_out = _timed(peer_cmd)
            peer_times.append(t)
            peer_cpu.append(_CPU[id(peer_out)])
            t, ours_out = _timed(ours_cmd)
            ours_times.append(t)
            ours_cpu.append(_CPU[id(ours_out)])

    ours, peer = _score_lines(ours_out), _score_lines(peer_out)
    print(f"reference: {REFERENCE.name} ({len(refs)} lines); hypothesis: degraded copy; "
          f"metrics: {' '.join(METRICS)}; {_cpus()} CPUs; load average before: {load_before:.2f}")
    print(f"{'metric':<8} {'alinea':>10} {'sacrebleu':>10}  identical line")
    equal = bool(peer) and ours.keys() == peer.keys()
    for name in peer:
        same = ours.get(name) == peer[name]
        equal &= same
        print(f"{name:<8} {_score(ours.get(name)):>10} {_score(peer[name]):>10}  {'yes' if same else 'NO'}")
    for name in peer:
        print(f"  sacrebleu: {peer[name]}")
        if ours.get(name) != peer[name]:
            print(f"  alinea:    {ours.get(name)}")
    best_ours, best_peer = min(ours_times), min(peer_times)
    ratio = best_ours / best_peer
    print(f"time     alinea score {best_ours:.2f} s   sacrebleu {best_peer:.2f} s   "
          f"ratio {ratio:.2f} (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    print(f"         all runs: alinea {', '.join(f'{t:.2f}' for t in ours_times)} s; "
          f"sacrebleu {', '.join(f'{t:.2f}' for t in peer_times)} s")
    print(f"cpu      alinea score {min(ours_cpu):.2f} s   sacrebleu {min(peer_cpu):.2f} s   "
          "(user+sys of all processes; the saving is in wall-clock time, not in work)")
    if not args.no_breakdown:
        _breakdown(alinea, sacrebleu, hyps, refs)
    return 0 if equal else 1


def _score(line: str | None) -> str:
    return line.split(" = ")[1].split()[0] if line else "-"


def _cpus() -> int:
    from alinea.report.parallel_ter import available_cpus

    return available_cpus()


def _breakdown(alinea: list[str], sacrebleu: list[str], hyps: list[str], refs: list[str]) -> None:
    """Where the time goes: command start-up, serial vs pooled statistics."""
    from alinea.report.parallel_ter import corpus_statistics, serial_statistics

    start_ours = min(_timed(alinea + ["--version"])[0] for _ in range(2))
    start_peer = min(_timed(sacrebleu + ["--version"])[0] for _ in range(2))
    print(f"start-up alinea {start_ours:.2f} s   sacrebleu {start_peer:.2f} s")
    serial = {}
    for name in METRICS:
        started = time.perf_counter()
        serial_statistics(name, hyps, refs)
        serial[name] = time.perf_counter() - started
    started = time.perf_counter()
    corpus_statistics([(name, hyps) for name in METRICS], refs)
    pooled = time.perf_counter() - started
    parts = ", ".join(f"{name} {t:.2f} s" for name, t in serial.items())
    print(f"statistics serial (sacrebleu's loop): {parts}; total {sum(serial.values()):.2f} s")
    print(f"statistics in alinea's pool ({_cpus()} workers): {pooled:.2f} s "
          f"({sum(serial.values()) / pooled:.2f}x)")


if __name__ == "__main__":
    sys.exit(main())
