#!/usr/bin/env python3
"""Performance targets of issue 17, each printed as a ratio next to its peer, measured in the same run.

1. Start-up: ``alinea align-lines`` on a 100-sentence pair and ``alinea align`` on A/58/98
   against a bare ``python -c pass`` of the same interpreter (targets: <= 4x and <= 15x), the
   floor of any command that aligns (the interpreter importing numpy and click, nothing of
   alinea's), and hunalign's start on the same pair. Alternating runs; medians of wall and CPU time.
2. One process per document on the 20 documents of ``../shared/bench/align_undev.jsonl``:
   ``alinea align-lines`` against ``hunalign`` (empty dictionary, ``-utf``), whole loops timed.
3. Scaling: synthetic pairs of 25k/50k/100k/200k sentences per side (the builder of
   ``scripts/bench_align``: UN devset blocks, merges and omissions injected), each aligned
   in a fresh process: wall and CPU time, peak RSS and its growth per sentence, strict F1;
   time(100k)/time(25k) (target <= 4.6), KiB per sentence (<= 4), 200k (<= 30 s), with the numpy loops
   and with numba (alinea[fast]). CPU time includes the process that encodes the target side
   alongside (documents of 20,000+ sentences).
   hunalign on the sizes given by ``--hunalign-sizes``.
4. ``alinea score -j 1`` (BLEU, chrF, TER on 1,000 UN segments) against the ``sacrebleu`` command:
   CPU time of each (target <= 0.6x).
5. Segmentation: sentences/s of alinea's splitter against NLTK Punkt on ``seg_undev`` (>= 25,000/s).

The machine is shared: the load average is printed with every section. hunalign is found on
the PATH or through ``$HUNALIGN``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UN_BENCH = SHARED / "bench" / "align_undev.jsonl"
DATA = SHARED / "data" / "un_devset_first2000"
BINDIR = Path(sys.executable).parent


def _script(name: str):
    """Another benchmark script of this folder, as a module (its helpers are reused, not copied)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def alinea_cmd() -> list[str]:
    return [str(BINDIR / "alinea")] if (BINDIR / "alinea").exists() else [sys.executable, "-m", "alinea"]


def measured(cmd: list[str], timeout: float | None = None, cwd: Path | None = None, env: dict | None = None):
    """Wall seconds, CPU seconds and peak RSS (KiB) of ``cmd`` run to completion (os.wait4 on its pid)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return None
            time.sleep(0.002)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"bench_perf: {' '.join(map(str, cmd[:4]))} ... failed:\n{stderr.strip()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout


def hunalign_binary() -> str | None:
    binary = os.environ.get("HUNALIGN") or shutil.which("hunalign")
    return binary if binary and Path(binary).is_file() and os.access(binary, os.X_OK) else None


def median(values):
    return statistics.median(values)


# --------------------------------------------------------------------------- 1. start-up

def startup(tmp: Path, rounds: int, hunalign: str | None) -> None:
    es = DATA.with_suffix(".es").read_text(encoding="utf-8").split("\n")[:100]
    en = DATA.with_suffix(".en").read_text(encoding="utf-8").split("\n")[:100]
    (tmp / "s100.es").write_text("\n".join(es) + "\n", encoding="utf-8")
    (tmp / "s100.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (tmp / "null.dic").write_text("", encoding="utf-8")
    a58 = ROOT / "corpora" / "A_58_98"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        # The floor of any command that aligns: the interpreter, numpy (one BLAS thread, as the CLI
        # sets it) and click, and nothing of alinea's.
        "floor: import numpy, click": [sys.executable, "-c", "import os; os.environ['OPENBLAS_NUM_THREADS'] = "
                                       "os.environ['OMP_NUM_THREADS'] = '1'; import numpy, click"],
        "alinea align-lines (100 pairs)": alinea_cmd() + ["align-lines", "s100.es", "s100.en", "-o", "out.tsv"],
        "alinea align A/58/98 (TMX)": alinea_cmd() + ["align", str(a58 / "es.txt"), str(a58 / "en.txt"),
                                                      "-o", "out.tmx"],
    }
    if hunalign:
        commands["hunalign (100 pairs)"] = [hunalign, "-utf", "null.dic", "s100.es", "s100.en"]
    walls = {k: [] for k in commands}
    cpus = {k: [] for k in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            wall, cpu, _, _ = measured(cmd, cwd=tmp)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"\n1. start-up: median of {rounds} alternating runs ({load()})")
    bare_wall, bare_cpu = median(walls["python -c pass"]), median(cpus["python -c pass"])
    targets = {"alinea align-lines (100 pairs)": 4, "alinea align A/58/98 (TMX)": 15}
    for name in commands:
        w, c = median(walls[name]), median(cpus[name])
        goal = f"   target <= {targets[name]}x" if name in targets else ""
        print(f"  {name:<32} wall {w * 1000:7.1f} ms ({w / bare_wall:5.1f}x bare Python)  "
              f"CPU {c * 1000:7.1f} ms ({c / max(bare_cpu, 1e-3):5.1f}x){goal}")


# --------------------------------------------------------------------------- 2. one process per document

def per_document(tmp: Path, rounds: int, hunalign: str | None) -> None:
    docs = [json.loads(line) for line in UN_BENCH.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder = tmp / "docs"
    folder.mkdir()
    for k, d in enumerate(docs):
        (folder / f"{k}.es").write_text("\n".join(d["es"]) + "\n", encoding="utf-8")
        (folder / f"{k}.en").write_text("\n".join(d["en"]) + "\n", encoding="utf-8")
    (folder / "null.dic").write_text("", encoding="utf-8")
    tools = {"alinea align-lines": lambda k: alinea_cmd() + ["align-lines", f"{k}.es", f"{k}.en", "-o", f"{k}.tsv"]}
    if hunalign:
        tools["hunalign"] = lambda k: [hunalign, "-utf", "null.dic", f"{k}.es", f"{k}.en"]
    totals = {name: [] for name in tools}
    cpu = {name: [] for name in tools}
    for _ in range(rounds):
        for name, make in tools.items():
            wall = seconds = 0.0
            for k in range(len(docs)):
                w, c, _, _ = measured(make(k), cwd=folder)
                wall, seconds = wall + w, seconds + c
            totals[name].append(wall)
            cpu[name].append(seconds)
    print(f"\n2. one process per document, {len(docs)} UN documents of ~100 sentences "
          f"(median of {rounds} alternating rounds; {load()})")
    for name in tools:
        print(f"  {name:<20} wall {median(totals[name]):6.2f} s   CPU {median(cpu[name]):6.2f} s")
    if hunalign:
        print(f"  alinea / hunalign: {median(totals['alinea align-lines']) / median(totals['hunalign']):.2f}x "
              f"the wall time, {median(cpu['alinea align-lines']) / median(cpu['hunalign']):.2f}x the CPU time")


# --------------------------------------------------------------------------- 3. scaling

_ALIGN_CHILD = """
import json, resource, sys, time
from alinea.align.aligner import align_sentences
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def rss():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
def children_cpu():   # the aligner's own processes (the target side encoded alongside, long documents)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
before = rss()
started, cpu = time.perf_counter(), time.process_time() + children_cpu()
beads = align_sentences(doc["es"], doc["en"])
seconds, cpu = time.perf_counter() - started, time.process_time() + children_cpu() - cpu
gold = {(tuple(s), tuple(t)) for s, t in doc["gold"]}
found = len(gold & {(b.src, b.tgt) for b in beads})
print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_before": before,
                  "f1": 2 * found / (len(beads) + len(gold))}))
"""


def _align_in_child(path: Path, kernels: str) -> tuple[dict, int]:
    env = dict(os.environ, ALINEA_KERNELS=kernels)
    _, _, peak, out = measured([sys.executable, "-c", _ALIGN_CHILD, str(path)], env=env)
    return json.loads(out), peak


def scaling(tmp: Path, sizes: list[int], hunalign: str | None, hunalign_sizes: set[int], timeout: float) -> None:
    bench_align = _script("bench_align")
    bench_align._check_inputs()
    print(f"\n3. scaling: synthetic UN pairs, each size in a fresh process, numpy loops ({load()})")
    if importlib.util.find_spec("numba") is not None:
        # numba compiles the kernels on their first use after an installation (or a change of
        # alinea.align.kernels) and caches them: a 12,000-pair alignment first, so that the timed
        # runs below load the cached kernels as every later run does, and the compilation is shown.
        warm = tmp / "warm.json"
        warm.write_text(json.dumps(bench_align.synthetic_pair(12000), ensure_ascii=False), encoding="utf-8")
        result, _ = _align_in_child(warm, "numba")
        print(f"  (alinea[fast]: 12000 pairs aligned first with the numba kernels in {result['seconds']:.1f} s, "
              f"which includes compiling them if this installation had not yet cached them)", flush=True)
    seconds: dict[int, float] = {}
    cpu: dict[int, float] = {}
    peaks: dict[int, tuple[int, int]] = {}
    compiled: dict | None = None
    for size in sizes:
        doc = bench_align.synthetic_pair(size)
        path = tmp / f"syn{size}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        n, m = len(doc["es"]), len(doc["en"])
        result, peak = _align_in_child(path, "numpy")
        seconds[size], cpu[size] = result["seconds"], result["cpu"]
        peaks[size] = (n, peak - result["rss_before"])
        grown = (peak - result["rss_before"]) / n
        print(f"  {size:>7} pairs ({n} es / {m} en): alinea {result['seconds']:6.2f} s (CPU {result['cpu']:6.2f} s), "
              f"peak RSS {peak / 1024:6.0f} MiB, {grown:4.2f} KiB per sentence while aligning, "
              f"strict F1 {result['f1']:.4f}   [{load()}]", flush=True)
        if size == max(sizes) and importlib.util.find_spec("numba") is not None:
            result, peak = _align_in_child(path, "numba")
            compiled = dict(result, size=size)
            grown = (peak - result["rss_before"]) / n
            print(f"  {size:>7} pairs, numba kernels (alinea[fast]): {result['seconds']:6.2f} s "
                  f"(CPU {result['cpu']:6.2f} s), peak RSS {peak / 1024:6.0f} MiB, {grown:4.2f} KiB per sentence "
                  f"while aligning, strict F1 {result['f1']:.4f}   [{load()}]", flush=True)
        if hunalign and size in hunalign_sizes:
            src, tgt = tmp / f"syn{size}.es", tmp / f"syn{size}.en"
            src.write_text("\n".join(doc["es"]) + "\n", encoding="utf-8")
            tgt.write_text("\n".join(doc["en"]) + "\n", encoding="utf-8")
            (tmp / "null.dic").write_text("", encoding="utf-8")
            # cwd: hunalign writes a translate.txt into its working folder
            done = measured([hunalign, "-utf", str(tmp / "null.dic"), str(src), str(tgt)], timeout=timeout, cwd=tmp)
            if done is None:
                print(f"  {size:>7} pairs: hunalign gave no result within {timeout:.0f} s")
            else:
                print(f"  {size:>7} pairs: hunalign {done[0]:6.2f} s (CPU {done[1]:6.2f} s), "
                      f"peak RSS {done[2] / 1024:6.0f} MiB")
    if len(peaks) > 1:
        (n0, g0), (n1, g1) = peaks[min(peaks)], peaks[max(peaks)]
        print(f"  memory gained while aligning, per added sentence between {min(peaks)} and {max(peaks)} pairs: "
              f"{(g1 - g0) / (n1 - n0):.2f} KiB (target <= 4 KiB per sentence)")
    if 25000 in seconds and 100000 in seconds:
        print(f"  time(100k) / time(25k) = {seconds[100000] / seconds[25000]:.2f} wall, "
              f"{cpu[100000] / cpu[25000]:.2f} CPU   (linear: 4; target <= 4.6)")
    if 200000 in seconds:
        print(f"  200k sentences per side: {seconds[200000]:.1f} s wall, {cpu[200000]:.1f} s CPU   (target <= 30 s)")
    if compiled is not None and compiled["size"] == 200000:
        print(f"  200k sentences per side with alinea[fast]: {compiled['seconds']:.1f} s wall, "
              f"{compiled['cpu']:.1f} s CPU   (target <= 30 s)")


# --------------------------------------------------------------------------- 4. scoring

def scoring(tmp: Path, rounds: int) -> None:
    bench_score = _script("bench_score")
    refs = DATA.with_suffix(".en").read_text(encoding="utf-8").split("\n")[:1000]
    hyps = bench_score.degrade(refs)
    ref, hyp = tmp / "ref.en", tmp / "mt.en"
    ref.write_text("\n".join(refs) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    sacrebleu = [str(BINDIR / "sacrebleu")] if (BINDIR / "sacrebleu").exists() else [sys.executable, "-m", "sacrebleu"]
    commands = {
        "alinea score -j 1": alinea_cmd() + ["score", "--hyp", str(hyp), "--ref", str(ref), "-m", "bleu,chrf,ter",
                                            "-w", "4", "-j", "1"],
        "sacrebleu": sacrebleu + [str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter", "-w", "4", "-f", "text"],
    }
    cpu = {k: [] for k in commands}
    wall = {k: [] for k in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            w, c, _, _ = measured(cmd)
            cpu[name].append(c)
            wall[name].append(w)
    print(f"\n4. MT scoring, BLEU + chrF + TER on 1,000 UN segments (median of {rounds} alternating runs; {load()})")
    for name in commands:
        print(f"  {name:<20} CPU {median(cpu[name]):6.2f} s   wall {median(wall[name]):6.2f} s")
    print(f"  alinea / sacrebleu CPU: {median(cpu['alinea score -j 1']) / median(cpu['sacrebleu']):.2f}x "
          "(target <= 0.6x)")


# --------------------------------------------------------------------------- 5. segmentation

def segmentation(rounds: int) -> None:
    print(f"\n5. segmentation ({load()})", end="")
    bench_segment = _script("bench_segment")
    bench_segment.speed_report(rounds)


def compile_sources() -> None:
    """Bytecode for alinea's own modules, as `pip install` writes it for an installed package.

    The editable install of the development checkout imports from the sources, and with
    PYTHONDONTWRITEBYTECODE set (as on the development machines) every process would compile
    them again: about 40 ms of each start-up that no installed copy pays.
    """
    import compileall

    for folder in ("align", "tmx", "report", "corpora", "alinea"):
        compileall.compile_dir(str(ROOT / folder), quiet=1)
    print("alinea's modules compiled to bytecode first (what pip does on install; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="1,2,3,4,5", help="which sections to run (default: all)")
    parser.add_argument("--rounds", type=int, default=9, help="alternating runs for start-up and scoring")
    parser.add_argument("--sizes", default="25000,50000,100000,200000", help="synthetic pair sizes")
    parser.add_argument("--hunalign-sizes", default="25000",
                        help="sizes hunalign is run on (it gave no result at 50k within 600 s)")
    parser.add_argument("--hunalign-timeout", type=float, default=300.0)
    args = parser.parse_args()
    missing = [p for p in (UN_BENCH, DATA.with_suffix(".es"), DATA.with_suffix(".en")) if not p.exists()]
    if missing:
        sys.exit("bench_perf: missing shared benchmark files: " + ", ".join(map(str, missing)))
    hunalign = hunalign_binary()
    if not hunalign:
        print("hunalign not run: put it on the PATH or set HUNALIGN=/path/to/hunalign")
    sections = set(args.sections.split(","))
    print(f"bench_perf on {os.cpu_count()} cores, Python {sys.version.split()[0]} ({load()})")
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="bench_perf.") as tmp_name:
        tmp = Path(tmp_name)
        if "1" in sections:
            startup(tmp, args.rounds, hunalign)
        if "2" in sections:
            per_document(tmp, max(1, args.rounds // 3), hunalign)
        if "3" in sections:
            sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
            hunalign_sizes = {int(s) for s in args.hunalign_sizes.split(",") if s.strip()}
            scaling(tmp, sizes, hunalign, hunalign_sizes, args.hunalign_timeout)
        if "4" in sections:
            scoring(tmp, max(1, args.rounds // 3))
        if "5" in sections:
            segmentation(max(3, args.rounds // 2))


if __name__ == "__main__":
    main()
