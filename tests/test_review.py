"""The alignment review: HTML sections, escaping, path picture, TSV/XLSX, `alinea report`."""
from __future__ import annotations

import base64

import lxml.html
import pytest

from alinea.align.model import Bead, Bitext, Sentence
from alinea.report.review import (
    LOW_CONFIDENCE,
    path_points,
    review_frame,
    review_rows,
    summary,
    to_review,
    write_review,
    write_review_table,
)

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def bitext() -> Bitext:
    """Eight Spanish and seven English sentences: 1-1, 2-1, 1-0, 0-1 and a low-confidence bead."""
    src = [Sentence(f"Oración {i}.", i, number=str(i // 3 + 1)) for i in range(8)]
    tgt = [Sentence(f"Sentence {i}.", i, number=str(i // 3 + 1)) for i in range(7)]
    src[1] = Sentence(f"{HOSTILE} Oración 1.", 1, number="1")
    tgt[0] = Sentence("=HYPERLINK(\"http://x\")", 0, number="1")
    beads = [Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.8), Bead((3,), (), 0.0), Bead((4,), (2,), 0.2),
             Bead((), (3,), 0.0), Bead((5,), (4,), 0.95), Bead((6,), (5,), 0.9), Bead((7,), (6,), 0.85)]
    return Bitext(src, tgt, beads, meta={"symbol": "A/TEST/1"})


def test_path_points_handle_null_beads(bitext):
    points = path_points(bitext)
    assert points[0] == (1, 1)
    assert points[1] == (3, 2)      # 2-1
    assert points[2] == (4, 2)      # 1-0: moves right only
    assert points[4] == (5, 4)      # 0-1: moves up only
    assert points[-1] == (len(bitext.src), len(bitext.tgt))
    xs, ys = zip(*points)
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys)


def test_summary(bitext):
    facts = summary(bitext)
    assert facts["src_sentences"] == 8 and facts["tgt_sentences"] == 7
    assert facts["bead_counts"] == {"0-1": 1, "1-0": 1, "1-1": 5, "2-1": 1}
    assert facts["unaligned_src"] == 1 and facts["unaligned_tgt"] == 1
    assert facts["min_score"] == pytest.approx(0.2)  # null beads do not count as confidence
    assert facts["low_confidence"] == 1


def test_to_review_lists_odd_beads_before_low_confidence(bitext):
    rows = to_review(review_rows(bitext))
    assert [r.bead.kind for r in rows] == ["1-0", "0-1", "2-1", "1-1"]
    assert rows[-1].bead.score < LOW_CONFIDENCE
    assert "low confidence" in rows[-1].reason


def test_html_review_sections_plot_and_escaping(bitext, tmp_path):
    out = tmp_path / "review.html"
    write_review(bitext, out)
    text = out.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(text)
    for section in ("summary", "to-review", "path", "alignment"):
        assert doc.xpath(f"//section[@id='{section}']"), section
    assert doc.xpath("//script") == []
    assert "&lt;script&gt;" in text
    full = doc.xpath("//section[@id='alignment']//tr[td]")
    assert len(full) == len(bitext.beads)
    assert [td.text_content() for td in full[2].xpath("td")[:3]] == ["3", "2", "1-0"]
    review = doc.xpath("//section[@id='to-review']//tr[td]")
    assert len(review) == 4
    img = doc.xpath("//section[@id='path']//img")[0].get("src")
    assert img.startswith("data:image/png;base64,")
    assert base64.b64decode(img.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    # self-contained: no external stylesheet, script or image
    assert not doc.xpath("//link[@href] | //img[not(starts-with(@src, 'data:'))] | //*[@src and not(self::img)]")


def test_review_table_tsv_and_xlsx(bitext, tmp_path):
    import openpyxl
    import pandas as pd

    frame = review_frame(bitext)
    assert list(frame.columns[:5]) == ["bead", "type", "score", "paragraph", "review"]
    write_review_table(bitext, tmp_path / "r.tsv")
    write_review_table(bitext, tmp_path / "r.xlsx")
    tsv = pd.read_csv(tmp_path / "r.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert len(tsv) == len(bitext.beads)
    assert tsv.loc[2, "review"].startswith("Spanish without English")
    assert HOSTILE in tsv.loc[1, "source"]
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet.max_row == len(bitext.beads) + 1
    header = [c.value for c in sheet[1]]
    target = sheet.cell(row=2, column=header.index("target") + 1)
    assert target.value == "=HYPERLINK(\"http://x\")" and target.data_type == "s"  # text, not a formula
    assert sheet.freeze_panes == "A2"


def test_empty_bitext_review(tmp_path):
    write_review(Bitext([], [], []), tmp_path / "empty.html")
    doc = lxml.html.fromstring((tmp_path / "empty.html").read_text(encoding="utf-8"))
    assert doc.xpath("//section[@id='summary']")
    assert not doc.xpath("//img")


# ------------------------------------------------------------------------------- CLI

def test_report_on_existing_tmx(run_cli, bitext, tmp_path):
    from alinea.tmx.writer import write_tmx

    tmx = tmp_path / "tm.tmx"
    write_tmx(bitext, tmx, keep_unaligned=True)
    out, tsv, xlsx = tmp_path / "r.html", tmp_path / "r.tsv", tmp_path / "r.xlsx"
    result = run_cli("report", tmx, "-o", out, "--tsv", tsv, "--xlsx", xlsx)
    assert result.exit_code == 0, result.output
    doc = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    kinds = [tr.xpath("td")[2].text_content() for tr in doc.xpath("//section[@id='alignment']//tr[td]")]
    assert "2-1" in kinds  # bead types come back from the TMX properties
    assert doc.xpath("//script") == []
    assert tsv.read_text(encoding="utf-8").startswith("bead\ttype\t")
    assert xlsx.stat().st_size > 0


def test_align_report_option_still_works(run_cli, tmp_path):
    es, en = tmp_path / "es.txt", tmp_path / "en.txt"
    es.write_text("1. La OIT publicó un informe.\n\n2. El informe trata de la migración.\n", encoding="utf-8")
    en.write_text("1. ILO published a report.\n\n2. The report is about migration.\n", encoding="utf-8")
    result = run_cli("align", es, en, "--report", tmp_path / "a.html")
    assert result.exit_code == 0, result.output  # an internal error is a failure, never a skip
    doc = lxml.html.fromstring((tmp_path / "a.html").read_text(encoding="utf-8"))
    assert doc.xpath("//section[@id='alignment']//tr[td]")
    # no --document: the title names the input files, not "bitext"
    assert doc.xpath("string(//title)").startswith("Alignment review: es.txt – en.txt")
    assert doc.xpath("string(//h1)") == "Alignment review: es.txt – en.txt"
    assert f"{es} (es) and {en} (en)" in doc.text_content()
    result = run_cli("align", es, en, "--report", tmp_path / "b.html", "--document", "A/58/98")
    doc = lxml.html.fromstring((tmp_path / "b.html").read_text(encoding="utf-8"))
    assert doc.xpath("string(//h1)") == "Alignment review: A/58/98"


def test_review_title_of_a_file_and_of_a_bare_bitext(run_cli, bitext, tmp_path):
    from alinea.report.review import review_title
    from alinea.tmx.writer import write_tmx

    write_tmx(bitext, tmp_path / "tm.tmx")
    assert run_cli("report", tmp_path / "tm.tmx", "-o", tmp_path / "r.html").exit_code == 0
    doc = lxml.html.fromstring((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert doc.xpath("string(//h1)") in ("Alignment review: tm.tmx", f"Alignment review: {bitext.meta.get('symbol')}")
    bare = type(bitext)(bitext.src, bitext.tgt, bitext.beads, "es", "en", {})
    assert review_title(bare) == "es–en alignment"


@pytest.mark.parametrize("args, message", [
    (["report", "missing.tmx", "-o", "x.html"], "no such file"),
    (["report", "table.json", "-o", "x.html"], "unsupported"),
])
def test_report_bad_input_exit_2(run_cli, tmp_path, args, message):
    (tmp_path / "table.json").write_text("{}", encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith((".tmx", ".json")) else a for a in args]
    args[3] = str(tmp_path / "x.html")
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith("alinea: error:") and message in result.output
    assert not (tmp_path / "x.html").exists()


def test_report_without_output_writes_beside_the_input(run_cli, tmp_path, bitext):
    from alinea.tmx.writer import write_tmx

    write_tmx(bitext, tmp_path / "t.tmx")
    result = run_cli("report", tmp_path / "t.tmx")
    assert result.exit_code == 0, result.output
    assert "<html" in (tmp_path / "t.review.html").read_text(encoding="utf-8")
    assert "no -o given" in result.output


def test_report_on_a_tmx_without_units_is_an_input_error(run_cli, tmp_path):
    # `alinea tmx filter` can write a TMX with no units: the review says so instead of an empty page.
    empty = tmp_path / "empty.tmx"
    empty.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
                     'segtype="sentence" o-tmf="x" adminlang="en" srclang="es" datatype="plaintext"/>'
                     '<body/></tmx>\n', encoding="utf-8")
    result = run_cli("report", empty, "-o", tmp_path / "r.html")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"alinea: error: {empty}: the TMX has no translation units"
    assert not (tmp_path / "r.html").exists()


def test_report_invents_no_confidence_for_another_tools_tmx(run_cli, tmp_path):
    """A TMX with no x-score (another tool's memory): no bead shown as confidence 1, none counted."""
    import csv

    tmx = tmp_path / "other.tmx"
    units = "".join(f'<tu><tuv xml:lang="es"><seg>Frase {i}.</seg></tuv><tuv xml:lang="en"><seg>Sentence {i}.</seg>'
                    "</tuv></tu>" for i in range(3))
    scored = ('<tu><prop type="x-score">0.2500</prop><tuv xml:lang="es"><seg>Frase puntuada.</seg></tuv>'
              '<tuv xml:lang="en"><seg>Scored sentence.</seg></tuv></tu>')
    tmx.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
                   'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="es" '
                   f'datatype="plaintext"/><body>{units}{scored}</body></tmx>', encoding="utf-8")
    out, tsv = tmp_path / "r.html", tmp_path / "r.tsv"
    result = run_cli("report", tmx, "-o", out, "--tsv", tsv)
    assert result.exit_code == 0, result.output
    assert "under 0.5: 1; no recorded confidence: 3" in result.output
    rows = list(csv.DictReader(tsv.open(encoding="utf-8"), delimiter="\t"))
    assert [r["score"] for r in rows] == ["", "", "", "0.25"]
    doc = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    scores = [tr.xpath("td")[3].text_content() for tr in doc.xpath("//section[@id='alignment']//tr[td]")]
    assert scores == ["–", "–", "–", "0.250"]
    assert "3" in doc.xpath("//tr[@id='unscored']")[0].text_content()
    mean = [tr for tr in doc.xpath("//tr[td]") if tr.xpath("td")[0].text_content() == "Mean confidence"][0]
    assert mean.xpath("td")[1].text_content() == "0.250"  # the one recorded score, not (3 + 0.25) / 4
