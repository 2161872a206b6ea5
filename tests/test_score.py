"""alinea score: sacrebleu's numbers, parallel statistics, realignment, errors."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from alinea.align.errors import InputError
from alinea.report import mtscore
from alinea.report.mtstats import Metric
from alinea.report.parallel_ter import corpus_statistics, serial_statistics

CORPUS_EN = Path(__file__).resolve().parents[1] / "corpora" / "A_58_98" / "en.txt"


@pytest.fixture(scope="module")
def refs() -> list[str]:
    """60 English sentences of A/58/98 (a plain regex split, independent of the segmenter)."""
    text = " ".join(CORPUS_EN.read_text(encoding="utf-8").split())
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z])", text)
    picked = [s for s in sentences if 40 <= len(s) <= 250 and not set("*<>\t") & set(s)
              and s.endswith(".") and len(s.split()) >= 8]
    assert len(picked) >= 60
    return picked[:60]


def perturb(line: str, k: int) -> str:
    """A deterministic, imperfect 'translation' of a reference line."""
    words = line.split()
    words = [w for i, w in enumerate(words) if (i + k) % 7 != 3]
    if k % 3 == 0 and len(words) > 4:
        words[1], words[3] = words[3], words[1]
    if k % 5 == 1:
        words = ["a" if w == "the" else w for w in words]
    return " ".join(words)


@pytest.fixture(scope="module")
def hyps(refs) -> list[str]:
    out = [perturb(r, k) for k, r in enumerate(refs)]
    out[7] = ""  # an empty MT line is a legitimate (bad) translation
    # two words: no 3- or 4-grams at all, where sentence BLEU needs effective order
    out[20] = " ".join(w.strip(",.;()") for w in refs[20].split()[1:3])
    out[11] = "<b>Migrants & \"remittances\"</b> " + out[11]
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory, refs, hyps) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("score")
    paths = {"ref": d / "ref.en", "hyp": d / "mt.en", "hyp2": d / "mt2.en", "src": d / "src.es"}
    paths["ref"].write_text("\n".join(refs) + "\n", encoding="utf-8")
    paths["hyp"].write_text("\n".join(hyps) + "\n", encoding="utf-8")
    # a second system, CRLF line ends and no final newline (sacrebleu strips both)
    second = [perturb(r, k + 2) for k, r in enumerate(refs)]
    paths["hyp2"].write_bytes("\r\n".join(second).encode("utf-8"))
    paths["src"].write_text("\n".join(f"fuente {i}" for i in range(len(refs))) + "\n", encoding="utf-8")
    return paths


# ------------------------------------------------------------ sacrebleu's numbers

def test_corpus_scores_equal_sacrebleu_api(refs, hyps):
    result = mtscore.score_systems([("mt", hyps)], refs, workers=1)
    system = result.systems[0]
    assert system.corpus["BLEU"].score == BLEU().corpus_score(hyps, [refs]).score
    assert system.corpus["chrF2"].score == CHRF().corpus_score(hyps, [refs]).score
    assert system.corpus["TER"].score == TER().corpus_score(hyps, [refs]).score
    assert 20 < system.corpus["BLEU"].score < 95  # the perturbation really costs something
    bleu = BLEU()
    bleu.corpus_score(hyps, [refs])
    assert result.signatures["BLEU"] == bleu.get_signature().format()


def test_sentence_scores_equal_sentence_score(refs, hyps):
    result = mtscore.score_systems([("mt", hyps)], refs, workers=1)
    sentences = result.systems[0].sentences
    bleu, chrf, ter = BLEU(effective_order=True), CHRF(), TER()
    for i, (hyp, ref) in enumerate(zip(hyps, refs)):
        assert sentences["BLEU"][i] == bleu.sentence_score(hyp, [ref]).score
        assert sentences["chrF2"][i] == chrf.sentence_score(hyp, [ref]).score
        assert sentences["TER"][i] == ter.sentence_score(hyp, [ref]).score
    assert sentences["BLEU"][20] != BLEU().sentence_score(hyps[20], [refs[20]]).score
    assert "eff:yes" in result.sentence_signatures["BLEU"]
    assert "eff:no" in result.signatures["BLEU"]


def test_identical_hypothesis_scores_perfect(refs):
    result = mtscore.score_systems([("ref", refs)], refs, workers=1)
    system = result.systems[0]
    assert system.corpus["BLEU"].score == pytest.approx(100.0)
    assert system.corpus["chrF2"].score == pytest.approx(100.0)
    assert system.corpus["TER"].score == 0.0
    assert all(s == pytest.approx(100.0) for s in system.sentences["BLEU"])
    assert all(s == 0.0 for s in system.sentences["TER"])


def test_parallel_and_serial_statistics_identical(refs, hyps):
    segments = [(r,) for r in refs]
    jobs = [(Metric("ter"), hyps), (Metric("bleu"), hyps), (Metric("chrf"), hyps), (Metric("ter"), refs)]
    parallel = corpus_statistics(jobs, segments, workers=2)
    serial = [serial_statistics(metric, h, segments) for metric, h in jobs]
    assert parallel == serial
    assert Metric("ter").corpus_score(parallel[0]).score == TER().corpus_score(hyps, [refs]).score
    p = mtscore.score_systems([("mt", hyps)], refs, workers=2).systems[0]
    s = mtscore.score_systems([("mt", hyps)], refs, workers=1).systems[0]
    assert p.sentences == s.sentences
    assert {k: v.score for k, v in p.corpus.items()} == {k: v.score for k, v in s.corpus.items()}


def _sacrebleu_lines(ref: Path, *hyps: Path, width: int = 4) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(ref), "-i", *map(str, hyps),
         "-m", "bleu", "chrf", "ter", "-w", str(width), "-f", "text"],
        capture_output=True, text=True, check=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("which,jobs", [("hyp", "1"), ("hyp2", "1"), ("hyp", "2")])
def test_cli_prints_what_the_sacrebleu_command_prints(run_cli, files, which, jobs):
    result = run_cli("score", "--hyp", files[which], "--ref", files["ref"], "-w", "4", "-j", jobs)
    assert result.exit_code == 0, result.output
    ours = [line for line in result.stdout.splitlines() if " = " in line]
    assert ours == _sacrebleu_lines(files["ref"], files[which])


def test_paired_bootstrap_equals_sacrebleu_paired_test(refs, hyps):
    from sacrebleu.significance import PairedTest

    second = [perturb(r, k + 2) for k, r in enumerate(refs)]
    result = mtscore.score_systems([("a", hyps), ("b", second)], refs, workers=1, bootstrap=200)
    sigs, table = PairedTest([("a", hyps), ("b", second)],
                             {"BLEU": BLEU(references=[refs]), "TER": TER(references=[refs]),
                              "chrF2": CHRF(references=[refs])},
                             references=None, test_type="bs", n_samples=200)()
    ours = result.significance["systems"]
    for label in ("BLEU", "chrF2", "TER"):
        assert ours["b"][label]["p_value"] == table[label][1].p_value
        assert ours["b"][label]["mean"] == pytest.approx(float(table[label][1].mean))
        assert result.significance["signatures"][label] == sigs[label].format()
    assert result.significance["baseline"] == "a"
    ranks = {s.name: s.rank for s in result.systems}
    better = max(result.systems, key=lambda s: s.corpus["BLEU"].score).name
    assert ranks[better] == 1


def test_multi_system_cli_ranked_table(run_cli, files):
    result = run_cli("score", "--hyp", files["hyp"], "--hyp", files["hyp2"], "--ref", files["ref"],
                     "--bootstrap", "100")
    assert result.exit_code == 0, result.output
    assert "rank  system" in result.stdout
    assert "(baseline)" in result.stdout
    assert "paired bootstrap resampling (100 samples" in result.stdout


# ------------------------------------------------------------ TMX reference

def test_tmx_reference_gives_same_scores(tmp_path, refs, hyps):
    from alinea.align.model import Bead, Bitext, Sentence
    from alinea.tmx.writer import write_tmx

    srcs = [f"Frase {i} en español." for i in range(len(refs))]
    bitext = Bitext([Sentence(s, i) for i, s in enumerate(srcs)],
                    [Sentence(t, i) for i, t in enumerate(refs)],
                    [Bead((i,), (i,), 1.0) for i in range(len(refs))])
    tmx_path = tmp_path / "ref.tmx"
    write_tmx(bitext, tmx_path, "es", "en")
    hyp_path = tmp_path / "mt.txt"
    hyp_path.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    result = mtscore.score_files([hyp_path], tmx_path, workers=1)
    assert result.srcs == srcs
    assert result.refs == refs
    assert result.systems[0].corpus["BLEU"].score == BLEU().corpus_score(hyps, [refs]).score


# ------------------------------------------------------------ realignment

def test_realign_document_with_merged_and_split_sentences(refs):
    refs = refs[:30]
    mt = list(refs)
    # merge two reference sentences into one MT sentence ...
    mt[4:6] = [mt[4].rstrip(".;") + ", and " + mt[5][0].lower() + mt[5][1:]]
    # ... split another one in two ...
    words = mt[12].split()
    half = len(words) // 2
    mt[12:13] = [" ".join(words[:half]).rstrip(",;") + ".", words[half].capitalize() + " " + " ".join(words[half + 1:])]
    # ... and leave out a long one; the MT is one paragraph per five sentences
    omitted = max(range(20, 30), key=lambda i: len(refs[i]))
    mt = [s for s in mt if s != refs[omitted]]
    doc = "\n\n".join(" ".join(mt[i:i + 5]) for i in range(0, len(mt), 5)) + "\n"

    hyps, info = mtscore.realign(doc, refs, "en")
    assert len(hyps) == len(refs)
    assert info.references == len(refs)
    assert info.lines < len(refs)
    # every MT word is scored exactly once, in order
    assert " ".join(hyps).split() == doc.split()
    assert omitted in info.missing
    assert hyps[omitted] == ""
    # only the merged pair, the split sentence and the omitted one may differ
    exact = sum(h == r for h, r in zip(hyps, refs))
    assert exact >= len(refs) - 4
    bleu = BLEU().corpus_score(hyps, [refs]).score
    assert bleu > 80


def test_cli_realign_reports_and_scores(run_cli, tmp_path, refs):
    ref = tmp_path / "ref.txt"
    ref.write_text("\n".join(refs[:20]) + "\n", encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(" ".join(refs[:10]) + "\n\n" + " ".join(refs[10:20]) + "\n", encoding="utf-8")
    without = run_cli("score", "--hyp", doc, "--ref", ref)
    assert without.exit_code == 2
    assert "has 3 lines but the reference" in without.stderr and "has 20" in without.stderr
    out_json, out_html = tmp_path / "s.json", tmp_path / "s.html"
    result = run_cli("score", "--hyp", doc, "--ref", ref, "--realign", "--json", out_json,
                     "--report", out_html)
    assert result.exit_code == 0, result.output
    assert "re-aligned" in result.stderr
    data = json.loads(out_json.read_text(encoding="utf-8"))
    realignment = data["systems"][0]["realignment"]
    assert realignment["mt_lines"] == 3 and realignment["reference_sentences"] == 20
    assert len(data["systems"][0]["hypotheses"]) == 20
    assert "Re-aligned" in out_html.read_text(encoding="utf-8")


# ------------------------------------------------------------ JSON and HTML

def test_json_and_html_report(run_cli, files, tmp_path):
    out_json, out_html = tmp_path / "s.json", tmp_path / "s.html"
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--src", files["src"],
                     "--json", out_json, "--report", out_html, "--worst", "60")
    assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["metrics"] == ["BLEU", "chrF2", "TER"]
    system = data["systems"][0]
    assert len(system["sentences"]["BLEU"]) == data["segments"] == 60
    assert system["corpus"]["TER"]["signature"] == data["signatures"]["TER"]
    assert data["significance"] is None
    html = out_html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert "&lt;b&gt;Migrants &amp; " in html and "<b>Migrants" not in html
    # worst segments first: the empty MT line (sentence BLEU 0) leads the table
    worst = re.findall(r"<tr><td class=\"num\">(\d+)</td>", html.split('id="system1"')[1])
    bleu = system["sentences"]["BLEU"]
    assert len(worst) == 60
    assert [bleu[int(i) - 1] for i in worst] == sorted(bleu)
    assert bleu[int(worst[0]) - 1] == 0.0
    assert "fuente 7" in html


# ------------------------------------------------------------ errors

def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alinea: error: ")
    return lines[0]


def test_line_count_mismatch_gives_both_counts(run_cli, files, tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("one line\ntwo lines\n", encoding="utf-8")
    message = _one_line_error(run_cli("score", "--hyp", short, "--ref", files["ref"]))
    assert "has 2 lines" in message and "has 60" in message and "--realign" in message


def test_source_line_count_mismatch(run_cli, files, tmp_path):
    short = tmp_path / "src.txt"
    short.write_text("una\n", encoding="utf-8")
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--src", short))
    assert "has 1 lines" in message and "60" in message


def test_empty_and_undecodable_files(run_cli, files, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    assert "empty" in _one_line_error(run_cli("score", "--hyp", empty, "--ref", files["ref"]))
    binary = tmp_path / "mt.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    assert "cannot decode" in _one_line_error(run_cli("score", "--hyp", binary, "--ref", files["ref"]))
    missing = tmp_path / "nope.txt"
    assert "no such file" in _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", missing))


def test_unknown_metric_and_duplicate_system(run_cli, files):
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "-m", "bleu,meteor"))
    assert "'meteor'" in message and "chrf" in message
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--hyp", files["hyp"], "--ref", files["ref"]))
    assert "twice" in message


def test_failed_run_writes_no_output(run_cli, files, tmp_path):
    out_json = tmp_path / "s.json"
    run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "-m", "nope", "--json", out_json)
    assert not out_json.exists()


def test_metric_selection_and_chrf_plus_plus(refs, hyps):
    result = mtscore.score_systems([("mt", hyps)], refs, metrics="chrf++,ter", workers=1)
    assert list(result.signatures) == ["chrF2++", "TER"]
    assert result.systems[0].corpus["chrF2++"].score == CHRF(word_order=2).corpus_score(hyps, [refs]).score
    assert result.primary == "chrF2++"
    with pytest.raises(InputError):
        mtscore.parse_metrics(" , ")


def test_realign_line_per_sentence_output_is_kept(refs):
    """A line break ends an MT sentence even without final punctuation (headings)."""
    lines = ["Introduction", refs[0], "II. Recent work of relevant organizations", refs[1], refs[2]]
    hyps, info = mtscore.realign("\n".join(lines) + "\n", lines, "en")
    assert hyps == lines
    assert info.sentences == len(lines) and info.missing == [] and info.unmatched == []


def test_refine_boundaries_repairs_a_shifted_alignment(refs):
    """A length-based alignment one sentence off: the overlap search puts it back."""
    a, b, c, d = refs[30:34]
    shifted = ["", a, b + " " + c, d]
    fixed, moves = mtscore.refine_boundaries(shifted, [a, b, c, d])
    assert fixed == [a, b, c, d]
    assert moves == 2  # a to the first reference, then b to the second
    # a correct alignment is left alone
    assert mtscore.refine_boundaries([a, b, c, d], [a, b, c, d]) == ([a, b, c, d], 0)


# ------------------------------------------------------------ statistics, options, references

def _random_lines(rng, n: int) -> list[str]:
    """Text with what tokenizers and chrF care about: case, punctuation, digits, accents."""
    vocabulary = ["The", "the", "Assembly", "asamblea", "réunion", "U.N.", "(a)", "3.5", "1,000",
                  "co-operation", "well-being", "«Paz»", "“quoted”", "x", "!", ",", "…", "Ñandú"]
    return [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 25))) for _ in range(n)]


_OPTIONS = ([("bleu", tok, lc) for tok in ("13a", "intl", "zh", "char", "none") for lc in (False, True)]
            + [(name, "13a", lc) for name in ("chrf", "chrf++") for lc in (False, True)]
            + [("ter", "13a", False)])  # BLEU's tokenizer and lowercasing do not touch TER
# BLEU and chrF count n-grams with counters for a few segments, in numpy batches for many
_OPTIONS = [(*o, batched) for o in _OPTIONS for batched in ((False, True) if o[0] != "ter" else (False,))]


@pytest.mark.parametrize("name,tokenize,lowercase,batched", _OPTIONS)
def test_statistics_equal_sacrebleus(name, tokenize, lowercase, batched, refs, hyps, monkeypatch):
    """Every segment's statistics, one and two references (sacrebleu's own
    statistics extraction is the oracle), the corpus score and the signature;
    for BLEU and chrF both ways of counting (few segments: counters; many:
    numpy batches)."""
    import random

    from alinea.report import mtstats

    monkeypatch.setattr(mtstats, "BATCH_FROM_SEGMENTS", 1 if batched else 10 ** 9)

    rng = random.Random(f"{name}{tokenize}{lowercase}")
    mt = hyps + _random_lines(rng, 40)
    ref1 = refs + _random_lines(rng, 40)
    ref2 = [perturb(r, k + 1) for k, r in enumerate(ref1)]
    oracle = {"bleu": lambda: BLEU(tokenize=tokenize, lowercase=lowercase),
              "chrf": lambda: CHRF(lowercase=lowercase),
              "chrf++": lambda: CHRF(word_order=2, lowercase=lowercase), "ter": TER}[name]()
    metric = Metric(name, tokenize, lowercase)
    for references in ([ref1], [ref1, ref2]):
        ours = metric.statistics(mt, list(zip(*references)))
        assert ours == oracle._extract_corpus_statistics(mt, references), len(references)
        assert metric.corpus_score(ours).score == oracle.corpus_score(mt, references).score
        assert metric.signature(len(references)) == oracle.get_signature().format()


def test_sentence_bleu_counts_equal_sentence_score(refs, hyps):
    """The public per-sentence API agrees too (BLEUScore carries its counts)."""
    stats = Metric("bleu").statistics(hyps, [(r,) for r in refs])
    bleu = BLEU(effective_order=True)
    for row, hyp, ref in zip(stats, hyps, refs):
        s = bleu.sentence_score(hyp, [ref])
        assert row == [s.sys_len, s.ref_len] + list(s.counts) + list(s.totals)


def _sacrebleu_lines_with(refs: list[Path], hyp: Path, *options: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *map(str, refs), "-i", str(hyp), *options, "-w", "4", "-f", "text"],
        capture_output=True, text=True, check=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def test_cli_several_references_tokenize_lowercase(run_cli, files, tmp_path, refs):
    ref2 = tmp_path / "ref2.en"
    ref2.write_text("\n".join(perturb(r, k + 3) for k, r in enumerate(refs)) + "\n", encoding="utf-8")
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--ref", ref2,
                     "--tokenize", "intl", "--lowercase", "-m", "bleu,chrf,ter,chrf++", "-w", "4", "-j", "1")
    assert result.exit_code == 0, result.output
    ours = [line for line in result.stdout.splitlines() if " = " in line]
    expected = _sacrebleu_lines_with([files["ref"], ref2], files["hyp"], "-m", "bleu", "chrf", "ter",
                                     "-tok", "intl", "-lc", "--chrf-lowercase")
    expected += _sacrebleu_lines_with([files["ref"], ref2], files["hyp"], "-m", "chrf",
                                      "--chrf-word-order", "2", "--chrf-lowercase")
    assert ours == expected
    assert all("nrefs:2" in line for line in ours)
    assert "case:lc" in ours[0] and "tok:intl" in ours[0] and "case:lc" in ours[1]
    # the options change the numbers: without them BLEU differs
    plain = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--ref", ref2, "-m", "bleu", "-w", "4")
    assert plain.stdout.split(" = ")[1] != ours[0].split(" = ")[1]


def test_several_references_json_html_and_bootstrap(run_cli, files, tmp_path, refs, hyps):
    from sacrebleu.significance import PairedTest

    ref2_lines = [perturb(r, k + 3) for k, r in enumerate(refs)]
    ref2 = tmp_path / "ref2.en"
    ref2.write_text("\n".join(ref2_lines) + "\n", encoding="utf-8")
    out_json, out_html = tmp_path / "s.json", tmp_path / "s.html"
    result = run_cli("score", "--hyp", files["hyp"], "--hyp", files["hyp2"], "--ref", files["ref"],
                     "--ref", ref2, "--json", out_json, "--report", out_html, "--bootstrap", "100")
    assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["reference_files"] == [str(files["ref"]), str(ref2)]
    assert data["references"] == refs and data["additional_references"] == [ref2_lines]
    html = out_html.read_text(encoding="utf-8")
    assert "<th>References</th>" in html and "<hr>" in html
    second = [perturb(r, k + 2) for k, r in enumerate(refs)]
    sigs, table = PairedTest([("a", hyps), ("b", second)],
                             {"BLEU": BLEU(references=[refs, ref2_lines]),
                              "chrF2": CHRF(references=[refs, ref2_lines]),
                              "TER": TER(references=[refs, ref2_lines])},
                             references=None, test_type="bs", n_samples=100)()
    name = str(files["hyp2"])
    for label in ("BLEU", "chrF2", "TER"):
        assert data["significance"]["systems"][name][label]["p_value"] == table[label][1].p_value
        assert data["significance"]["signatures"][label] == sigs[label].format()


def test_reference_errors(run_cli, files, tmp_path):
    short = tmp_path / "short.en"
    short.write_text("one\ntwo\n", encoding="utf-8")
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--ref", short))
    assert "has 2 segments" in message and "has 60" in message
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--ref", files["ref"]))
    assert "twice" in message
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--tokenize", "spm")
    assert result.exit_code == 2 and "spm" in result.stderr


@pytest.mark.parametrize("installed", ["2.3.3", "2.7.0", "3.0.0"])
def test_untested_sacrebleu_version_is_refused(run_cli, files, monkeypatch, installed):
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: installed if name == "sacrebleu" else real(name))
    message = _one_line_error(run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"]))
    assert f"sacrebleu {installed} is installed" in message and "sacrebleu>=2.4,<2.7" in message


def test_tested_range_is_the_pinned_range():
    from alinea.report.mtstats import SACREBLEU_TESTED, check_sacrebleu

    (lo_major, lo_minor), (hi_major, hi_minor) = SACREBLEU_TESTED
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"sacrebleu>={lo_major}.{lo_minor},<{hi_major}.{hi_minor}"' in pyproject
    assert check_sacrebleu()  # the installed one is inside


# ------------------------------------------------------------ signals

def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see worker processes")
@pytest.mark.parametrize("jobs", ["2", "1"])
def test_sigterm_kills_the_workers_and_exits_143(tmp_path, refs, hyps, jobs):
    import os
    import signal
    import time

    # enough segments to keep two workers busy for several seconds
    big_ref, big_hyp = tmp_path / "ref.en", tmp_path / "mt.en"
    big_ref.write_text("\n".join(refs * 150) + "\n", encoding="utf-8")
    big_hyp.write_text("\n".join(perturb(r, k) for k, r in enumerate(refs * 150)) + "\n", encoding="utf-8")
    out_json = tmp_path / "s.json"
    proc = subprocess.Popen([sys.executable, "-m", "alinea", "score", "--hyp", str(big_hyp), "--ref", str(big_ref),
                             "-j", jobs, "--json", str(out_json)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)  # not the repository root, whose alinea/ would shadow the installed one
    workers: set[int] = set()
    started = time.monotonic()
    if jobs == "2":  # wait for the pool
        while len(workers) < 2 and time.monotonic() < started + 60 and proc.poll() is None:
            time.sleep(0.05)
            workers = _children(proc.pid)
        assert len(workers) >= 2
    time.sleep(1.0)  # let it get well into the work
    assert proc.poll() is None, "finished before the signal: give it more work"
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert stderr.strip().splitlines()[-1] == "alinea: terminated"
    time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]
    assert not out_json.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
