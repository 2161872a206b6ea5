"""``alinea batch``: pairing, Dask (local cluster and external scheduler), fault isolation,
resume after SIGKILL, slices and merge, corpus.tmx against the DTD, the dashboard."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

pytest.importorskip("distributed", reason="alinea batch needs the batch extra (dask[distributed])")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BINDIR = Path(sys.executable).parent
ALINEA = [str(BINDIR / "alinea")] if (BINDIR / "alinea").exists() else [sys.executable, "-m", "alinea"]


def _dtd() -> Path | None:
    """The TMX 1.4 DTD shipped in the package, else the shared copy; None when neither is there."""
    shipped = Path(str(files("alinea.tmx").joinpath("schema", "tmx14.dtd")))
    for candidate in (shipped, SHARED / "spec" / "tmx14.dtd"):
        if candidate.is_file():
            return candidate
    return None


# --- a small corpus made from the embedded A/58/98 pair ---------------------------------

@pytest.fixture(scope="module")
def sentence_pairs(a58_bitext) -> list[tuple[str, str]]:
    """The 1-1 beads of A/58/98 whose two sentences are ordinary body text."""
    pairs = []
    for bead, es, en in a58_bitext.pairs():
        kinds = {a58_bitext.src[bead.src[0]].kind, a58_bitext.tgt[bead.tgt[0]].kind} if not bead.is_null else set()
        if (bead.kind == "1-1" and bead.score > 0.9 and kinds == {"body"} and es.endswith(".") and en.endswith(".")
                and len(es.split()) > 6 and len(en.split()) > 6 and not re.match(r"^\d", es + en)):
            pairs.append((es, en))
    assert len(pairs) > 120
    return pairs


def write_doc(sentences: list[str], path: Path) -> None:
    """Paragraphs of 1-3 sentences, separated by blank lines."""
    paragraphs, i = [], 0
    while i < len(sentences):
        size = 1 + (i // 2) % 3
        paragraphs.append(" ".join(sentences[i:i + size]))
        i += size
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def make_corpus(folder: Path, pairs: list[tuple[str, str]], count: int, size: int = 8) -> list[str]:
    """``count`` document pairs NAME.es.txt / NAME.en.txt of ``size`` sentences each; returns the names."""
    names = []
    for k in range(count):
        chunk = pairs[(k * size) % (len(pairs) - size):][:size]
        name = f"doc{k:03d}"
        write_doc([es for es, _ in chunk], folder / f"{name}.es.txt")
        write_doc([en for _, en in chunk], folder / f"{name}.en.txt")
        names.append(name)
    return names


def summary_of(outdir: Path) -> dict:
    return json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def units_of(tmx: Path) -> list[bytes]:
    """The <tu> elements of a TMX as bytes (the header's creation date left out)."""
    root = etree.parse(str(tmx), etree.XMLParser(load_dtd=False, no_network=True)).getroot()
    return [etree.tostring(tu) for tu in root.iter("tu")]


def comparable(outdir: Path) -> dict:
    """What two runs over the same input must agree on: every pair's files and the corpus
    (TMX compared by units, since the header carries the time of writing)."""
    state = {}
    for path in sorted(outdir.rglob("*")):
        relative = path.relative_to(outdir).as_posix()
        if relative.startswith(".alinea-batch") or not path.is_file():
            continue
        if path.suffix == ".tmx":
            state[relative] = units_of(path)
        elif path.name == "summary.json":
            pairs = summary_of(outdir)["pairs"]
            state[relative] = [{k: v for k, v in p.items() if k not in ("seconds", "status")} for p in pairs]
        elif path.name == "index.html":
            state[relative] = "exists"
        else:
            state[relative] = path.read_bytes()
    return state


# --- pairing -------------------------------------------------------------------------------

def test_folder_pairing_by_name_and_by_language_folder(tmp_path):
    from alinea.batch import find_pairs

    src = tmp_path / "in"
    for rel in ("a.es.txt", "a.en.txt", "sub/b.es.docx", "sub/b.en.pdf", "c.en-GB.md", "c.es-ES.md",
                "es/d.txt", "en/d.txt", "es/2003/e.txt", "en/2003/e.txt",
                "lonely.es.txt", "en/only-en.txt", "README.txt", ".hidden.es.txt", ".git/x.es.txt",
                "out/old.es.txt", "two.es.txt", "two.es.md", "two.en.txt", "corpus.es.txt", "corpus.en.txt"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x", encoding="utf-8")
    os.mkfifo(src / "pipe.es.txt")  # would block a reader forever: ignored
    elsewhere = tmp_path / "elsewhere" / "2004"  # reached through a symbolic link, like a mounted share
    elsewhere.mkdir(parents=True)
    for name in ("g.es.txt", "g.en.txt", "f.txt"):
        (elsewhere / name).write_text("x", encoding="utf-8")
    (src / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (src / "linked" / "loop").symlink_to(src / "linked", target_is_directory=True)  # followed once
    pairing = find_pairs(src, exclude=src / "out")
    pairs = {p.name: (p.es.relative_to(src).as_posix(), p.en.relative_to(src).as_posix()) for p in pairing.pairs}
    assert pairs == {"a": ("a.es.txt", "a.en.txt"), "sub/b": ("sub/b.es.docx", "sub/b.en.pdf"),
                     "c": ("c.es-ES.md", "c.en-GB.md"), "d": ("es/d.txt", "en/d.txt"),
                     "2003/e": ("es/2003/e.txt", "en/2003/e.txt"),
                     "linked/2004/g": ("linked/2004/g.es.txt", "linked/2004/g.en.txt")}
    assert {(o.name, o.missing) for o in pairing.orphans} == {("lonely", "en"), ("only-en", "es")}
    assert {p.relative_to(src).as_posix() for p in pairing.ignored} == {"README.txt", "pipe.es.txt",
                                                                         "linked/2004/f.txt"}
    rejected = {r.name: r.reason for r in pairing.rejected}
    assert set(rejected) == {"two", "corpus"}
    assert "2 es documents" in rejected["two"] and "two.es.md" in rejected["two"]
    assert "corpus.tmx" in rejected["corpus"]


def test_manifest_pairs_with_or_without_header(tmp_path):
    from alinea.align.errors import InputError
    from alinea.batch import find_pairs

    (tmp_path / "docs").mkdir()
    manifest = tmp_path / "docs" / "m.csv"
    manifest.write_text("es_path,en_path,name\nA.es.txt,/abs/A.en.txt,first\nsub/B.es.pdf,B.en.pdf,\n"
                        ",C.en.txt,\n\n", encoding="utf-8")
    pairing = find_pairs(manifest)
    assert [(p.name, p.es, p.en) for p in pairing.pairs] == [
        ("first", tmp_path / "docs" / "A.es.txt", Path("/abs/A.en.txt")),
        ("B", tmp_path / "docs" / "sub" / "B.es.pdf", tmp_path / "docs" / "B.en.pdf")]
    assert [(o.name, o.missing) for o in pairing.orphans] == [("C", "es")]

    manifest.write_text("x.es.txt,x.en.txt\ny.es.txt,y.en.txt,named\n", encoding="utf-8")
    assert [p.name for p in find_pairs(manifest).pairs] == ["x", "named"]

    for text, message in (("a.txt,b.txt,n\nc.txt,d.txt,n\n", "already used on line 1"),
                          ("a.txt,b.txt,../up\n", "cannot name"),
                          ("es_path,name\na,b\n", "no en_path column"),
                          ("only-one-column\n", "one column"),
                          ("a.txt,b.txt,corpus\n", "taken by the corpus outputs")):
        manifest.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(message)):
            find_pairs(manifest)


def test_shards_cover_every_pair_exactly_once():
    from alinea.batch import parse_shard, shard_of

    names = [f"doc{k:04d}" for k in range(500)] + ["2003/A_58_98", "Ñandú"]
    for count in (1, 2, 3, 7, 16):
        slices = {i: [n for n in names if shard_of(n, count) == i] for i in range(1, count + 1)}
        assert sorted(n for members in slices.values() for n in members) == sorted(names)
        if count <= 7:  # balanced enough that no slice idles
            assert min(len(m) for m in slices.values()) > len(names) / count / 2
    assert parse_shard("3/8") == (3, 8)
    for bad in ("0/4", "5/4", "1/0", "a/b", "2"):
        with pytest.raises(Exception, match="--shard"):
            parse_shard(bad)


# --- a batch on the local Dask cluster ----------------------------------------------------

@pytest.fixture(scope="module")
def local_batch(tmp_path_factory, sentence_pairs):
    """Six good pairs, a duplicate of one, a binary file, a pair in the wrong language and an
    orphan, aligned once on a local cluster of two workers."""
    from click.testing import CliRunner

    from alinea.cli import main

    base = tmp_path_factory.mktemp("batch")
    src = base / "in"
    names = make_corpus(src, sentence_pairs, 6)
    shutil.copy(src / "doc000.es.txt", src / "dup.es.txt")
    shutil.copy(src / "doc000.en.txt", src / "dup.en.txt")
    (src / "binary.es.txt").write_bytes(bytes(range(256)) * 20)
    shutil.copy(src / "doc001.en.txt", src / "binary.en.txt")
    shutil.copy(src / "doc002.en.txt", src / "swapped.es.txt")
    shutil.copy(src / "doc002.en.txt", src / "swapped.en.txt")
    shutil.copy(src / "doc003.es.txt", src / "orphan.es.txt")
    (src / "notes.txt").write_text("not a document of the corpus", encoding="utf-8")
    out = base / "out"
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--workers", "2"],
                                catch_exceptions=False)
    return {"src": src, "out": out, "names": names, "result": result}


def test_local_cluster_aligns_every_good_pair_and_isolates_the_broken_ones(local_batch):
    result, out = local_batch["result"], local_batch["out"]
    assert result.exit_code == 1, result.output  # some pairs failed
    summary = summary_of(out)
    status = {p["name"]: p["status"] for p in summary["pairs"]}
    assert status == {**{n: "ok" for n in local_batch["names"]}, "dup": "ok", "binary": "failed",
                      "swapped": "failed"}
    errors = {p["name"]: p["error"] for p in summary["pairs"] if p["error"]}
    assert "binary file" in errors["binary"] and "\n" not in errors["binary"]
    assert "both in 'en'" in errors["swapped"] or "looks like 'en'" in errors["swapped"]
    for name in local_batch["names"] + ["dup"]:
        for suffix in (".tmx", ".tsv", ".report.html"):
            assert (out / f"{name}{suffix}").stat().st_size > 500, name + suffix
    for name in ("binary", "swapped"):
        assert not list(out.glob(f"{name}.*"))
    assert "failed: binary:" in result.output and "orphan: orphan:" in result.output


def test_summary_json_has_the_documented_shape(local_batch):
    summary = summary_of(local_batch["out"])
    keys = ["name", "status", "error", "sentences_es", "sentences_en", "units", "unaligned",
            "mean_confidence", "seconds"]
    assert all(list(p) == keys for p in summary["pairs"])
    assert [p["name"] for p in summary["pairs"]] == sorted(p["name"] for p in summary["pairs"])
    ok = [p for p in summary["pairs"] if p["status"] == "ok"]
    for pair in ok:
        tsv_rows = (local_batch["out"] / f"{pair['name']}.tsv").read_text(encoding="utf-8").count("\n") - 1
        tmx_units = len(units_of(local_batch["out"] / f"{pair['name']}.tmx"))
        assert pair["units"] == tmx_units and tsv_rows >= tmx_units
        assert pair["sentences_es"] == 8 and 0 < pair["mean_confidence"] <= 1 and pair["seconds"] > 0
    assert summary["orphans"] == [{"name": "orphan", "path": str(local_batch["src"] / "orphan.es.txt"),
                                   "missing": "en"}]
    assert summary["ignored"] == [str(local_batch["src"] / "notes.txt")]
    assert summary["totals"]["failed"] == 2 and summary["totals"]["ok"] == 7
    assert summary["totals"]["units"] == sum(p["units"] for p in ok)


def test_corpus_tmx_is_deduplicated_keeps_x_document_and_is_valid_against_the_dtd(local_batch):
    out = local_batch["out"]
    summary = summary_of(out)
    corpus = out / "corpus.tmx"
    tree = etree.parse(str(corpus), etree.XMLParser(load_dtd=False, no_network=True))
    tus = tree.getroot().findall("body/tu")
    per_pair = {p["name"]: p["units"] for p in summary["pairs"] if p["status"] == "ok"}
    # dup.* is a copy of doc000.*: all its units are exact duplicates of doc000's
    assert summary["corpus"]["duplicates_dropped"] >= per_pair["dup"]
    assert len(tus) == sum(per_pair.values()) - summary["corpus"]["duplicates_dropped"]
    documents = [tu.findtext("prop[@type='x-document']") for tu in tus]
    assert set(documents) == set(local_batch["names"])  # doc000 keeps the units dup repeats
    assert len({tu.get("tuid") for tu in tus}) == len(tus)
    dtd_path = _dtd()
    if dtd_path is None:
        pytest.skip("the TMX 1.4 DTD is neither shipped in alinea.tmx nor at ../shared/spec/tmx14.dtd")
    dtd = etree.DTD(str(dtd_path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def test_dashboard_lists_every_pair_worst_first_with_working_links(local_batch):
    out = local_batch["out"]
    html = (out / "index.html").read_text(encoding="utf-8")
    body = html.split('<tbody>')[1].split('</tbody>')[0]
    rows = re.findall(r'<td data-value="([^"]+)">', body)
    names = [rows[i] for i in range(0, len(rows), 2)]  # name and status cells alternate
    assert names[:2] == ["binary", "swapped"]  # failed first
    summary = {p["name"]: p for p in summary_of(out)["pairs"]}
    confidences = [summary[n]["mean_confidence"] for n in names[2:]]
    assert confidences == sorted(confidences)
    assert set(names) == set(summary)
    for href in re.findall(r'href="([^"#]+)"', html):
        assert (out / href).is_file(), href
    assert re.search(r'<img class="plot" alt="confidence across the corpus" src="data:image/png;base64,', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained
    assert "addEventListener(\"click\"" in html and 'class="sortable"' in html
    assert "orphan.es.txt" in html and "notes.txt" in html


def test_rerun_skips_unchanged_pairs_and_realigns_changed_ones(local_batch, tmp_path, sentence_pairs):
    from alinea.batch import run_batch

    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, sentence_pairs, 3)
    first = run_batch(src, out, workers=1)
    assert [r.status for r in first.results] == ["ok"] * 3
    before = {p: p.stat().st_mtime_ns for p in out.glob("doc*")}
    second = run_batch(src, out, workers=1)
    assert [r.status for r in second.results] == ["skipped"] * 3
    assert {p: p.stat().st_mtime_ns for p in out.glob("doc*")} == before
    assert [r.summary()["units"] for r in second.results] == [r.units for r in first.results]
    write_doc([es for es, _ in sentence_pairs[40:48]], src / "doc001.es.txt")
    write_doc([en for _, en in sentence_pairs[40:48]], src / "doc001.en.txt")
    third = run_batch(src, out, workers=1)
    assert [r.status for r in third.results] == ["skipped", "ok", "skipped"]
    (src / "doc002.es.txt").write_bytes(bytes(range(256)) * 20)  # now broken: its old outputs go
    fourth = run_batch(src, out, workers=1)
    assert [r.status for r in fourth.results] == ["skipped", "skipped", "failed"]
    assert not list(out.glob("doc002.*"))
    assert {tu.findtext("prop[@type='x-document']") for tu in
            etree.parse(str(out / "corpus.tmx")).getroot().iter("tu")} == {"doc000", "doc001"}


def test_a_new_alinea_version_or_other_options_realign(tmp_path, sentence_pairs, monkeypatch):
    import alinea.batch.run as batch_run
    from alinea.batch import PairOptions, run_shard

    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, sentence_pairs, 2)
    assert {r.status for r in run_shard(src, out, (1, 1)).results} == {"ok"}
    assert {r.status for r in run_shard(src, out, (1, 1)).results} == {"skipped"}
    assert {r.status for r in run_shard(src, out, (1, 1), PairOptions(keep_unaligned=True)).results} == {"ok"}
    monkeypatch.setattr(batch_run, "alinea_version", lambda: "99.0")
    assert {r.status for r in run_shard(src, out, (1, 1), PairOptions(keep_unaligned=True)).results} == {"ok"}
    assert {r.status for r in run_shard(src, out, (1, 1), PairOptions(keep_unaligned=True)).results} == {"skipped"}
    (out / "doc000.tsv").unlink()  # an output gone: the pair runs again
    statuses = {r.name: r.status for r in run_shard(src, out, (1, 1), PairOptions(keep_unaligned=True)).results}
    assert statuses == {"doc000": "ok", "doc001": "skipped"}


# --- slices without Dask, then --merge ---------------------------------------------------------

def test_shards_then_merge_equal_one_batch(tmp_path, sentence_pairs, run_cli):
    src = tmp_path / "in"
    names = make_corpus(src, sentence_pairs, 7)
    (src / "bad.es.txt").write_text("", encoding="utf-8")
    shutil.copy(src / "doc000.en.txt", src / "bad.en.txt")
    shutil.copy(src / "doc000.en.txt", src / "lone.en.txt")
    sliced, whole = tmp_path / "sliced", tmp_path / "whole"
    result = run_cli("batch", "--merge", sliced)
    assert result.exit_code == 2 and "no slice has finished" in result.output
    seen = []
    for index in (1, 2, 3):
        result = run_cli("batch", src, "-o", sliced, "--shard", f"{index}/3")
        assert result.exit_code in (0, 1), result.output
        record = json.loads((sliced / ".alinea-batch" / "shards" / f"{index}-of-3.json").read_text())
        seen += [r["name"] for r in record["results"]]
        if index == 2:
            assert not (sliced / "corpus.tmx").exists()  # slices write no corpus outputs
            result = run_cli("batch", "--merge", sliced)
            assert result.exit_code == 2 and "3/3 not finished" in result.output
    assert sorted(seen) == sorted(names + ["bad"])  # every pair in exactly one slice
    result = run_cli("batch", "--merge", sliced)
    assert result.exit_code == 1, result.output  # "bad" failed
    assert run_cli("batch", src, "-o", whole, "--workers", "2").exit_code == 1
    assert comparable(sliced) == comparable(whole)
    assert summary_of(sliced)["orphans"] == summary_of(whole)["orphans"]
    result = run_cli("batch", src, "-o", sliced, "--shard", "1/2")  # another slicing: merge refuses to mix
    assert run_cli("batch", "--merge", sliced).exit_code == 2


# --- an external scheduler and workers on loopback ----------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def dask_cluster(tmp_path):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, stopped after the test."""
    dask = BINDIR / "dask"
    if not dask.exists():
        pytest.skip(f"the `dask` command is not in {BINDIR}")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes = []
    try:
        processes.append(subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "wb")))
        for i in range(2):
            processes.append(subprocess.Popen(
                [str(dask), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{i}"],
                stdout=subprocess.DEVNULL, stderr=open(logs / f"worker{i}.log", "wb")))
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout=5, set_as_default=False) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                    break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    pytest.fail("the Dask scheduler and workers did not start: "
                                + (logs / "scheduler.log").read_text(errors="replace")[-2000:])
                time.sleep(0.5)
        yield address
    finally:
        _stop(processes[1:])
        _stop(processes[:1])


def test_external_scheduler_and_workers(dask_cluster, tmp_path, sentence_pairs):
    src, out = tmp_path / "in", tmp_path / "out"
    names = make_corpus(src, sentence_pairs, 5)
    proc = subprocess.run(ALINEA + ["batch", str(src), "-o", str(out), "--scheduler", dask_cluster],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    summary = summary_of(out)
    assert [(p["name"], p["status"]) for p in summary["pairs"]] == [(n, "ok") for n in names]
    # the same cluster found through a scheduler file (as dask-jobqueue and dask-mpi write them)
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text(json.dumps({"type": "Scheduler", "address": dask_cluster}), encoding="utf-8")
    proc = subprocess.run(ALINEA + ["batch", str(src), "-o", str(out), "--scheduler-file", str(scheduler_file),
                                    "--force"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert [p["status"] for p in summary_of(out)["pairs"]] == ["ok"] * len(names)

    from alinea.batch import merge_shards, run_shard

    local = tmp_path / "local"  # the same pairs aligned in this process, without Dask
    run_shard(src, local, (1, 1))
    merge_shards(local)
    assert comparable(out) == comparable(local)


def test_unreachable_scheduler_is_a_one_line_error(tmp_path, sentence_pairs, monkeypatch, run_cli):
    import alinea.batch.run as batch_run

    monkeypatch.setattr(batch_run, "CONNECT_TIMEOUT", 2)
    src = tmp_path / "in"
    make_corpus(src, sentence_pairs, 1)
    result = run_cli("batch", src, "-o", tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert result.exit_code == 2
    assert result.output.startswith("alinea: error: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert len(result.output.strip().splitlines()) == 1


# --- SIGKILL mid-batch, then the rerun finishes it ----------------------------------------------

def test_resume_after_sigkill_equals_an_uninterrupted_run(tmp_path, sentence_pairs):
    src = tmp_path / "in"
    make_corpus(src, sentence_pairs, 14, size=10)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    records = killed / ".alinea-batch" / "pairs"
    proc = subprocess.Popen(ALINEA + ["batch", str(src), "-o", str(killed), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not (records.is_dir() and len(list(records.glob("*.json"))) >= 3):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no pair finished in time"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        # the worker processes of the killed run lose their scheduler; do not leave them behind
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    done_before = len(list(records.glob("*.json")))
    assert done_before < 14, "the batch finished before it could be killed"
    assert not (killed / "summary.json").exists()

    rerun = subprocess.run(ALINEA + ["batch", str(src), "-o", str(killed), "--workers", "2"],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    statuses = [p["status"] for p in summary_of(killed)["pairs"]]
    assert statuses.count("skipped") >= 3 and statuses.count("ok") >= 1 and len(statuses) == 14
    uninterrupted = subprocess.run(ALINEA + ["batch", str(src), "-o", str(clean), "--workers", "2"],
                                   capture_output=True, text=True, timeout=600)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    assert comparable(killed) == comparable(clean)
    leftovers = [p.name for p in killed.rglob(".*") if p.is_file() and p.parent.name != ".alinea-batch"]
    assert leftovers == [], leftovers  # no temporary file of the killed run is left


# --- command-line checks -------------------------------------------------------------------

def test_command_line_mistakes_are_usage_errors(run_cli, tmp_path):
    cases = [
        (["batch"], "give SOURCE and -o OUTDIR"),
        (["batch", tmp_path], "give SOURCE and -o OUTDIR"),
        (["batch", tmp_path, "-o", tmp_path / "o", "--shard", "1/2", "--workers", "2"], "without Dask"),
        (["batch", "--merge", tmp_path, "-o", tmp_path / "o"], "takes no other input"),
        (["batch", tmp_path, "-o", tmp_path / "o", "--scheduler", "tcp://x:1", "--workers", "2"], "--workers"),
        (["batch", tmp_path, "-o", tmp_path / "o", "--src-lang", "en"], "one Spanish and one English"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert message in result.output, (args, result.output)


def test_bad_inputs_are_one_line_errors(run_cli, tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "in").mkdir()
    for args, message in [
        (["batch", tmp_path / "missing", "-o", tmp_path / "o"], "no such file or folder"),
        (["batch", tmp_path / "in", "-o", tmp_path / "file"], "is not a folder"),
        (["batch", tmp_path / "in", "-o", tmp_path / "in"], "a folder of their own"),
        (["batch", tmp_path / "in", "-o", tmp_path / "o", "--shard", "4/3"], "between 1 and N"),
        (["batch", tmp_path / "in", "-o", tmp_path / "o", "--scheduler-file", tmp_path / "no.json"],
         "no such scheduler file"),
    ]:
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("alinea: error: ") and message in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1


def test_an_empty_folder_writes_an_empty_corpus(run_cli, tmp_path):
    (tmp_path / "in").mkdir()
    result = run_cli("batch", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert summary_of(tmp_path / "out")["pairs"] == []
    assert units_of(tmp_path / "out" / "corpus.tmx") == []


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    from alinea.align.errors import InputError
    from alinea.batch import run_shard
    from alinea.batch.run import output_lock

    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    (out / ".alinea-batch").mkdir(parents=True)
    with output_lock(out, "lock-1-of-1"):
        with pytest.raises(InputError, match="another alinea batch is writing"):
            run_shard(tmp_path / "in", out, (1, 1))


def test_a_temporary_file_of_a_killed_writer_is_removed_by_the_rerun(tmp_path, sentence_pairs):
    from alinea.batch import run_shard

    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, sentence_pairs, 1)
    out.mkdir()
    # a process killed while writing doc000.tmx, as a SIGKILL mid-batch leaves it
    code = ("import os, sys\nfrom alinea.align.utils import atomic_write\n"
            "with atomic_write(sys.argv[1]) as fh:\n    fh.write('<tmx')\n    fh.flush()\n"
            "    os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code, str(out / "doc000.tmx")])
    (leftover,) = [p for p in out.iterdir() if p.name.startswith(".doc000.tmx")]
    unrelated = out / ".my-notes.txt"
    unrelated.write_text("mine")
    assert [r.status for r in run_shard(src, out, (1, 1)).results] == ["ok"]
    assert not leftover.exists() and unrelated.exists()
    assert units_of(out / "doc000.tmx")


def test_dask_is_imported_only_by_the_batch_command():
    code = ("import sys\nfrom alinea.cli import main\nimport alinea.batch\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def _worker_settings() -> dict:
    import dask

    return {"tick": dask.config.get("distributed.admin.tick.interval"),
            "profile": dask.config.get("distributed.worker.profile.enabled"),
            "monitor": dask.config.get("distributed.worker.memory.monitor-interval"),
            "malloc_trim": os.environ.get("MALLOC_TRIM_THRESHOLD_")}


def test_local_cluster_workers_run_with_the_batch_dask_settings():
    """Dask's defaults (20 ms event-loop tick, profiler, MALLOC_TRIM_THRESHOLD_=65536 in the
    worker's environment) cost the workers CPU; the local cluster's workers must not have them."""
    import dask

    from alinea.batch.run import LOCAL_CLUSTER_CONFIG, dask_client

    with dask_client(1) as client:
        settings = list(client.run(_worker_settings).values())
    assert settings == [{"tick": LOCAL_CLUSTER_CONFIG["distributed.admin.tick.interval"], "profile": False,
                         "monitor": LOCAL_CLUSTER_CONFIG["distributed.worker.memory.monitor-interval"],
                         "malloc_trim": None}]
    assert settings[0]["tick"] != dask.config.get("distributed.admin.tick.interval")  # Dask's own default here


def test_dask_environment_gives_hand_started_workers_the_same_settings():
    from alinea.batch.run import LOCAL_CLUSTER_CONFIG, dask_environment

    code = ("import dask, distributed, json\n"
            "print(json.dumps([dask.config.get(k) for k in ('distributed.admin.tick.interval', "
            "'distributed.worker.profile.enabled', 'distributed.worker.memory.monitor-interval', "
            "'distributed.admin.system-monitor.interval')]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, **dask_environment()})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [LOCAL_CLUSTER_CONFIG[k] for k in (
        "distributed.admin.tick.interval", "distributed.worker.profile.enabled",
        "distributed.worker.memory.monitor-interval", "distributed.admin.system-monitor.interval")]


def test_a_task_that_dies_fails_its_pair_only(tmp_path, sentence_pairs, monkeypatch):
    """What a worker crash looks like to the batch (an exception instead of a result): that pair
    is failed with the reason, its stale outputs go, the others are unaffected."""
    from distributed import Client, LocalCluster

    import alinea.batch.run as batch_run
    from alinea.batch import find_pairs
    from alinea.batch.job import PairOptions, align_pair

    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, sentence_pairs, 3)
    (out / ".alinea-batch").mkdir(parents=True)
    (out / "doc001.tmx").write_text("stale")

    def dies_on_doc001(job):
        if job.pair.name == "doc001":
            raise RuntimeError("worker lost")
        return align_pair(job)

    monkeypatch.setattr(batch_run, "align_pair", dies_on_doc001)
    jobs, _ = batch_run.plan_jobs(find_pairs(src), out, PairOptions())
    results = []
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster, set_as_default=False) as client:
        batch_run.run_on_dask(client, jobs, results.append)
    status = {r.name: (r.status, r.error) for r in results}
    assert status["doc000"] == ("ok", None) and status["doc002"] == ("ok", None)
    assert status["doc001"] == ("failed", "the Dask task failed: RuntimeError: worker lost")
    assert not (out / "doc001.tmx").exists()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package chromium)")
def test_dashboard_sorts_in_a_real_browser(local_batch, tmp_path):
    """Click the "Mean conf." heading twice and the "Pair" heading once in headless Chromium."""
    html = (local_batch["out"] / "index.html").read_text(encoding="utf-8")
    probe = """<script>
    function order() { return Array.prototype.map.call(document.querySelectorAll('#pair-table tbody tr'),
        function (r) { return r.cells[0].getAttribute('data-value'); }).join(','); }
    var th = document.querySelectorAll('#pair-table th');
    var seen = [order()];
    th[2].click(); seen.push(order()); th[2].click(); seen.push(order()); th[0].click(); seen.push(order());
    var out = document.createElement('pre'); out.id = 'probe'; out.textContent = seen.join('|');
    document.body.appendChild(out);
    </script>"""
    page = tmp_path / "index.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="probe">([^<]*)</pre>', proc.stdout)
    assert match, proc.stderr[-2000:]
    initial, ascending, descending, by_name = [s.split(",") for s in match.group(1).split("|")]
    summary = {p["name"]: p for p in summary_of(local_batch["out"])["pairs"]}
    confidence = {n: (summary[n]["mean_confidence"] if summary[n]["mean_confidence"] is not None else -1)
                  for n in summary}
    assert initial[:2] == ["binary", "swapped"]  # worst first as served
    assert [confidence[n] for n in ascending] == sorted(confidence.values())
    assert [confidence[n] for n in descending] == sorted(confidence.values(), reverse=True)
    assert by_name == sorted(summary)


def test_a_pair_that_is_not_a_translation_is_aligned_and_warned_about(tmp_path, sentence_pairs, run_cli):
    """The aligner's warning (documents that do not look like translations of each other) reaches
    the batch's stderr and the dashboard, as `alinea align` would print it; the pair is still ok."""
    src = tmp_path / "in"
    make_corpus(src, sentence_pairs, 1, size=16)
    write_doc([es for es, _ in sentence_pairs[:16]], src / "crossed.es.txt")
    write_doc([en for _, en in sentence_pairs[-16:]], src / "crossed.en.txt")
    out = tmp_path / "out"
    result = run_cli("batch", src, "-o", out, "--shard", "1/1")
    assert result.exit_code == 0, result.output
    assert "warning: crossed: the two documents do not look like translations" in result.output
    assert "warning: doc000:" not in result.output
    merged = run_cli("batch", "--merge", out)  # a slice writes no dashboard; the merge does
    assert merged.exit_code == 0, merged.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("do not look like translations") == 1  # the crossed pair's row only
