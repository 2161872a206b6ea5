#!/usr/bin/env python3
"""MT scoring benchmark: ``alinea score`` next to the ``sacrebleu`` command.

Data: the whole UN data in ``../shared/data`` (``un_devset_first2000.en`` and
``.es``, 2,000 sentences each) as references, and deterministic imperfect
"MT outputs" made from them: a *degraded* copy (about 12 % of the words
dropped, some neighbours swapped, some "the" → "a") and a *reordered* copy
(blocks of words moved, which gives TER's shift search real work).

1. Timing (English, degraded copy, BLEU+chrF+TER, ``-w 4``): the ``sacrebleu``
   command, ``alinea score -j 1`` and ``alinea score -j 2`` run as
   subprocesses, alternating, ``--repeat`` times each. For each the best CPU
   time (user+sys of the command and its workers) and the best wall time are
   printed, and the CPU ratio of ``alinea score -j 1`` to ``sacrebleu``
   against the target of 0.6. The load average is printed before and after:
   the machine is shared, compare only figures of the same run.
2. Identity: every line ``alinea score`` prints equals the ``sacrebleu``
   command's (score, signature, BLEU's details), for the timing runs and for
   both languages, both MT outputs, one and two references, and the
   ``--tokenize intl --lowercase`` options (``-tok intl -lc --chrf-lowercase``).
3. Identity of every segment's statistics (BLEU, chrF, chrF++, TER), in one
   process: alinea's against sacrebleu's own statistics extraction, on both
   languages and both MT outputs; with the time of each.

Exit status: 0 when everything is identical, 1 when anything differs, 2
when ``../shared/data`` is absent.
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
DATA = ROOT.parent / "shared" / "data"
METRICS = ["bleu", "chrf", "ter"]
TARGET = 0.6


def degrade(lines: list[str], seed: int = 7) -> list[str]:
    """Drop, swap and replace words (the copy the timing runs score)."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > 0.12]
        for j in range(len(words) - 1):
            if rng.random() < 0.08:
                words[j], words[j + 1] = words[j + 1], words[j]
        out.append(" ".join("a" if w == "the" and rng.random() < 0.3 else w for w in words))
    return out


def reorder(lines: list[str], seed: int = 11) -> list[str]:
    """Move one to three blocks of 1-6 words elsewhere in the sentence and drop a few words."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > 0.05]
        for _ in range(rng.randint(1, 3)):
            if len(words) > 6:
                start, length = rng.randrange(len(words)), rng.randint(1, 6)
                block = words[start:start + length]
                del words[start:start + length]
                target = rng.randrange(len(words) + 1)
                words[target:target] = block
        out.append(" ".join(words))
    return out


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user+sys of the command and its children) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"bench_score: {' '.join(cmd[:3])} … failed:\n{proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def score_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if " = " in line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts (default 3)")
    parser.add_argument("--no-statistics", action="store_true",
                        help="skip part 3 (the in-process comparison of every segment's statistics)")
    args = parser.parse_args()

    files = {lang: DATA / f"un_devset_first2000.{lang}" for lang in ("en", "es")}
    if not all(p.is_file() for p in files.values()):
        print(f"bench_score: {DATA} is absent; this benchmark needs the shared data "
              "(../shared/data/un_devset_first2000.{en,es} beside the repository)", file=sys.stderr)
        return 2

    bindir = Path(sys.executable).parent
    alinea = [str(bindir / "alinea")]
    sacrebleu = [str(bindir / "sacrebleu")]
    from importlib.metadata import version

    from alinea.report.parallel_ter import available_cpus

    print(f"data: {', '.join(p.name for p in files.values())} (whole files); sacrebleu {version('sacrebleu')}; "
          f"{available_cpus()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
    identical = True
    with tempfile.TemporaryDirectory(prefix="bench_score.") as tmp:
        paths: dict[str, Path] = {}
        data: dict[str, list[str]] = {}
        for lang, path in files.items():
            refs = read_lines(path)
            for kind, lines in (("ref", refs), ("degraded", degrade(refs)), ("reordered", reorder(refs)),
                                ("ref2", degrade(refs, seed=3))):
                name = f"{kind}.{lang}"
                data[name] = lines
                paths[name] = Path(tmp) / name
                paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")

        # ---------------------------------------------------------------- 1. timing
        ref, hyp = paths["ref.en"], paths["degraded.en"]
        commands = {
            "sacrebleu": sacrebleu + [str(ref), "-i", str(hyp), "-m", *METRICS, "-w", "4", "-f", "text"],
            "alinea -j 1": alinea + ["score", "--hyp", str(hyp), "--ref", str(ref), "-w", "4", "-j", "1"],
            "alinea -j 2": alinea + ["score", "--hyp", str(hyp), "--ref", str(ref), "-w", "4", "-j", "2"],
        }
        walls: dict[str, list[float]] = {k: [] for k in commands}
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        outputs: dict[str, str] = {}
        for _ in range(max(1, args.repeat)):
            for name, cmd in commands.items():
                wall, cpu, outputs[name] = run(cmd)
                walls[name].append(wall)
                cpus[name].append(cpu)
        print(f"\n1. time: {ref.name} against the degraded copy, {' '.join(METRICS)}, "
              f"best of {max(1, args.repeat)} alternating runs")
        print(f"   {'command':<12} {'cpu s':>7} {'wall s':>7}   all runs (cpu / wall)")
        for name in commands:
            runs = ", ".join(f"{c:.2f}/{w:.2f}" for c, w in zip(cpus[name], walls[name]))
            print(f"   {name:<12} {min(cpus[name]):7.2f} {min(walls[name]):7.2f}   {runs}")
        peer_cpu, peer_wall = min(cpus["sacrebleu"]), min(walls["sacrebleu"])
        ratio = min(cpus["alinea -j 1"]) / peer_cpu
        print(f"   cpu ratio alinea -j 1 / sacrebleu: {ratio:.2f} (target <= {TARGET}: "
              f"{'met' if ratio <= TARGET else 'NOT met'}); "
              f"wall ratio -j 1 {min(walls['alinea -j 1']) / peer_wall:.2f}, "
              f"-j 2 {min(walls['alinea -j 2']) / peer_wall:.2f}")

        # ---------------------------------------------------------------- 2. identical lines
        print("\n2. identical lines (alinea score vs the sacrebleu command, -w 4)")
        peer_lines = score_lines(outputs["sacrebleu"])
        for name in ("alinea -j 1", "alinea -j 2"):
            same = score_lines(outputs[name]) == peer_lines and len(peer_lines) == len(METRICS)
            identical &= same
            print(f"   timing run, {name}: {'identical' if same else 'DIFFERENT'}")
        for line in peer_lines:
            print(f"     {line}")
        cases = []
        for lang in ("en", "es"):
            for kind in ("degraded", "reordered"):
                cases.append((f"{kind}.{lang}, 1 reference", [f"ref.{lang}"], f"{kind}.{lang}", []))
            cases.append((f"degraded.{lang}, 2 references, -tok intl -lc", [f"ref.{lang}", f"ref2.{lang}"],
                          f"degraded.{lang}", ["intl"]))
        for label, ref_names, hyp_name, tok in cases:
            ref_paths = [str(paths[r]) for r in ref_names]
            peer = sacrebleu + ref_paths + ["-i", str(paths[hyp_name]), "-m", *METRICS, "-w", "4", "-f", "text"]
            ours = alinea + ["score", "--hyp", str(paths[hyp_name]), "-w", "4"]
            for r in ref_paths:
                ours += ["--ref", r]
            if tok:
                peer += ["-tok", tok[0], "-lc", "--chrf-lowercase"]
                ours += ["--tokenize", tok[0], "--lowercase"]
            peer_lines, our_lines = score_lines(run(peer)[2]), score_lines(run(ours)[2])
            same = peer_lines == our_lines and len(peer_lines) == len(METRICS)
            identical &= same
            scores = "  ".join(f"{line.split('|')[0]} {line.split(' = ')[1].split()[0]}" for line in peer_lines)
            print(f"   {label:<42} {'identical' if same else 'DIFFERENT'}   {scores}")
            if not same:
                for a, b in zip(peer_lines, our_lines):
                    print(f"     sacrebleu: {a}\n     alinea:    {b}")

    # ---------------------------------------------------------------- 3. statistics
    if not args.no_statistics:
        identical &= compare_statistics(data)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; "
          f"{'every number identical' if identical else 'NUMBERS DIFFER'}")
    return 0 if identical else 1


def compare_statistics(data: dict[str, list[str]]) -> bool:
    """Every segment's statistics, alinea's vs sacrebleu's extraction, with the CPU time of each."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    from alinea.report.mtstats import Metric

    print("\n3. identical statistics of every segment (in one process; cpu s alinea / sacrebleu)")
    oracles = {"bleu": BLEU, "chrf": CHRF, "chrf++": lambda: CHRF(word_order=2), "ter": TER}
    ok = True
    for lang in ("en", "es"):
        for kind in ("degraded", "reordered"):
            refs, hyps = data[f"ref.{lang}"], data[f"{kind}.{lang}"]
            parts = []
            for name, oracle in oracles.items():
                started = time.process_time()
                ours = Metric(name).statistics(hyps, [(r,) for r in refs])
                mid = time.process_time()
                theirs = oracle()._extract_corpus_statistics(hyps, [refs])
                end = time.process_time()
                same = ours == theirs
                ok &= same
                parts.append(f"{name} {'=' if same else 'DIFFERENT'} {mid - started:.2f}/{end - mid:.2f}")
            print(f"   {kind}.{lang:<3} {len(refs)} segments: " + ", ".join(parts))
    return ok


if __name__ == "__main__":
    sys.exit(main())
