"""`alinea review` on a memory alinea did not write: nothing dropped, nothing invented.

A Trados-style TMX (es-ES/en-US, no alinea properties, a Spanish-only unit, a
fr-en unit, a unit without text) must come out of review and export with every
es/en sentence written or counted, no x-score or x-kind that the input did not
have, and its language variants; an input with no review yet exports as it
stands; a review file of the first schema is migrated.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from alinea.review.session import ReviewSession
from alinea.review.store import SCHEMA_VERSION, review_path_for
from alinea.tmx.reader import header_props, iter_units, parse_tmx

TRADOS = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format" datatype="xml"
          segtype="sentence" adminlang="en-US" srclang="es-ES"/>
  <body>
    <tu creationid="ANA"><prop type="x-LastUsedBy">ana</prop>
      <tuv xml:lang="es-ES"><seg>La Asamblea General aprobó la resolución.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The General Assembly adopted the resolution.</seg></tuv></tu>
    <tu><tuv xml:lang="es-ES"><seg>El Consejo se reunió en Ginebra.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The Council met in Geneva.</seg></tuv></tu>
    <tu><tuv xml:lang="es-ES"><seg>Sólo en español.</seg></tuv></tu>
    <tu><tuv xml:lang="fr-FR"><seg>Le Conseil a adopté le rapport.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The Council adopted the report.</seg></tuv></tu>
    <tu><tuv xml:lang="es-ES"><seg>Se aprobó el informe del <bpt i="1">&lt;b&gt;</bpt>Comité<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The report of the Committee was adopted.</seg></tuv></tu>
    <tu><tuv xml:lang="es-ES"><seg>La sesión se levantó a las 18.00 horas.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The meeting rose at 6 p.m.</seg></tuv></tu>
  </body>
</tmx>
"""  # noqa: E501 (a line break inside <seg> would be part of the segment)


@pytest.fixture
def trados(tmp_path):
    path = tmp_path / "trados.tmx"
    path.write_text(TRADOS, encoding="utf-8")
    return path


def _units(path):
    tree = parse_tmx(path)
    return list(iter_units(tree)), header_props(tree)


def test_foreign_tmx_keeps_one_sided_units_and_reports_the_skipped_one(trados):
    s = ReviewSession.open(trados)
    try:
        assert [b.kind for b in s.beads] == ["1-1", "1-1", "1-0", "1-1", "1-1"]
        assert s.sentences["src"][2].text == "Sólo en español."
        facts = s.summary()
        assert (facts["units"], facts["skipped_units"]) == (6, 1)
        assert facts["not_in_review"] == {"src": 0, "tgt": 1}  # the English of the fr-en unit
        assert facts["notes"][0].startswith("1 of 6 input units skipped")
        assert (facts["src_lang"], facts["tgt_lang"]) == ("es-ES", "en-US")
        # No confidence was ever computed for these units: none is shown, none is invented.
        assert facts["unscored"] == 5
        assert [b["score"] for b in s.view()["beads"]] == [None] * 5
        assert not any(reason.startswith("low confidence") for b in s.view()["beads"] for reason in b["reasons"])
        assert [b["bead"] for b in s.view(order="risk")["beads"]][0] == 3  # the unaligned bead still comes first
    finally:
        s.close()


@pytest.mark.parametrize("keep_unaligned", [True, False])
def test_export_writes_no_invented_property_and_keeps_the_variants(trados, tmp_path, keep_unaligned):
    s = ReviewSession.open(trados)
    out = tmp_path / "out.tmx"
    try:
        s.edit("confirm", {"bead": 2})
        s.export(out, keep_unaligned=keep_unaligned)
    finally:
        s.close()
    units, header = _units(out)
    root = parse_tmx(out).getroot()
    assert root.find("header").get("srclang") == "es-ES"
    assert {lang for u in units for lang in u.variants} == ({"es-ES", "en-US"})
    for unit in units:
        assert "x-score" not in unit.props and "x-kind" not in unit.props, unit.props
    assert units[0].props["x-LastUsedBy"] == "ana"
    assert [u.props["x-reviewed"] for u in units[:2]] == ["no", "yes"]
    # Every es/en sentence of the input is in the file or counted as left out of it.
    if keep_unaligned:
        assert len(units) == 5 and units[2].props["x-bead"] == "1-0" and units[2].text("en") is None
        assert (header["x-unaligned-es"], header["x-unaligned-en"]) == ("0", "1")
    else:
        assert len(units) == 4
        assert (header["x-unaligned-es"], header["x-unaligned-en"]) == ("1", "1")


def test_scores_and_kinds_the_input_has_are_kept_and_hand_made_beads_get_none(trados, tmp_path):
    # One unit of alinea's own among the Trados ones: its score and kind are facts to keep.
    text = trados.read_text(encoding="utf-8").replace(
        "<tu><tuv xml:lang=\"es-ES\"><seg>El Consejo",
        "<tu><prop type=\"x-score\">0.7321</prop><prop type=\"x-kind\">heading</prop>"
        "<tuv xml:lang=\"es-ES\"><seg>El Consejo")
    trados.write_text(text, encoding="utf-8")
    s = ReviewSession.open(trados)
    out = tmp_path / "out.tmx"
    try:
        assert s.bead(2)["score"] == pytest.approx(0.7321)
        s.edit("merge_next", {"bead": 4})  # two unscored beads made into one by hand
        assert s.bead(4)["score"] is None and s.bead(4)["edited"]
        s.export(out, keep_unaligned=True)
        s.export(tmp_path / "out.tsv")
    finally:
        s.close()
    units, _ = _units(out)
    assert units[1].props["x-score"] == "0.7321" and units[1].props["x-kind"] == "heading"
    assert units[3].props["x-bead"] == "2-2" and units[3].props["x-reviewed"] == "edited"
    assert "x-score" not in units[3].props and "x-kind" not in units[3].props
    import pandas as pd
    table = pd.read_csv(tmp_path / "out.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(table["score"]) == ["", "0.7321", "", ""]
    assert list(table["kind"]) == ["", "heading", "", ""]


def test_unscored_beads_survive_a_restart_and_undo(trados):
    s = ReviewSession.open(trados)
    s.edit("merge_next", {"bead": 1})
    s.undo()
    s.close()
    again = ReviewSession.open(trados)
    try:
        assert [b.score for b in again.beads] == [None] * 5
        again.redo()
        assert again.beads[0].score is None and again.beads[0].kind == "2-2"
    finally:
        again.close()


def test_cli_export_without_review_reports_skipped_units(run_cli, trados, tmp_path):
    out = tmp_path / "out.tmx"
    result = run_cli("review", trados, "--export", out, "--keep-unaligned")
    assert result.exit_code == 0, result.output
    assert "1 of 6 input units skipped" in result.output
    assert "has no review yet: exported as it stands" in result.output
    assert "beads: 5" in result.output and "wrote" in result.output and "5 translation units" in result.output
    assert not review_path_for(trados).exists()  # an export creates no review
    units, _ = _units(out)
    assert {u.props["x-reviewed"] for u in units} == {"no"}


def test_cli_start_says_what_is_not_in_the_review(run_cli, trados, monkeypatch):
    import alinea.review.server as server

    monkeypatch.setattr(server, "serve", lambda *args, **kwargs: None)  # no server: just the start
    result = run_cli("review", trados, "--no-browser")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("http://127.0.0.1:")
    assert any(line.startswith("1 of 6 input units skipped") for line in lines)
    assert any("5 beads" in line for line in lines)


def test_left_out_sentences_of_an_alinea_tmx_are_carried_into_the_export(tmp_path):
    from alinea.align.model import Bead, Bitext, Sentence
    from alinea.tmx.writer import write_tmx

    src = [Sentence(f"Oración {i}.", i) for i in range(3)]
    tgt = [Sentence(f"Sentence {i}.", i) for i in range(2)]
    bitext = Bitext(src, tgt, [Bead((0,), (0,), 0.9), Bead((1,), (), 0.0), Bead((2,), (1,), 0.8)])
    path = tmp_path / "tm.tmx"
    write_tmx(bitext, path)  # the 1-0 bead is left out and counted: x-unaligned-es 1
    s = ReviewSession.read(path)
    try:
        assert s.summary()["not_in_review"] == {"src": 1, "tgt": 0}
        assert any("left out of tm.tmx" in note for note in s.input_notes())
        s.export(tmp_path / "out.tmx", keep_unaligned=True)
    finally:
        s.close()
    _, header = _units(tmp_path / "out.tmx")
    assert (header["x-unaligned-es"], header["x-unaligned-en"]) == ("1", "0")
    assert not review_path_for(path).exists()


def test_a_review_file_of_schema_1_is_migrated(tmp_path):
    from alinea.align.model import Bead, Bitext, Sentence
    from alinea.tmx.writer import write_tmx

    bitext = Bitext([Sentence("Uno.", 0), Sentence("Dos.", 1)], [Sentence("One.", 0), Sentence("Two.", 1)],
                    [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.4)])
    path = tmp_path / "tm.tmx"
    write_tmx(bitext, path)
    ReviewSession.open(path).close()
    review = review_path_for(path)
    with sqlite3.connect(review) as conn:  # what alinea 0.2.0 wrote: a confidence on every bead
        conn.executescript("""
            ALTER TABLE beads RENAME TO new_beads; DROP INDEX beads_pos;
            CREATE TABLE beads (pos INTEGER NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL, score REAL NOT NULL,
                confirmed INTEGER NOT NULL, edited INTEGER NOT NULL, props TEXT NOT NULL);
            CREATE INDEX beads_pos ON beads (pos);
            INSERT INTO beads SELECT * FROM new_beads; DROP TABLE new_beads;
            UPDATE meta SET value = '1' WHERE key = 'schema';""")
    s = ReviewSession.open(path)
    try:
        assert [b.score for b in s.beads] == [pytest.approx(0.9), pytest.approx(0.4)]
        s.edit("merge_next", {"bead": 1})  # a bead without a score fits the migrated table
        assert s.beads[0].score is None
    finally:
        s.close()
    with sqlite3.connect(review) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
        assert json.loads(conn.execute("SELECT src FROM beads").fetchone()[0]) == [0, 1]


def test_table_without_scores_has_none(tmp_path):
    table = tmp_path / "memo.tsv"
    table.write_text("source\ttarget\nUno.\tOne.\nDos.\t\n\tThree.\n", encoding="utf-8")
    s = ReviewSession.open(table)
    try:
        assert [b.kind for b in s.beads] == ["1-1", "1-0", "0-1"]
        assert [b.score for b in s.beads] == [None, None, None]
    finally:
        s.close()


def test_realign_with_nothing_to_change_is_a_noop_through_the_api(trados):
    from starlette.testclient import TestClient

    from alinea.review.server import create_app

    s = ReviewSession.open(trados)
    try:
        change = s.realign()  # the aligner reads sentences whose kind the input did not give
        assert [i for b in s.beads for i in b.src] == list(range(len(s.sentences["src"])))
        assert change.is_noop or change.label.startswith("re-align the rest")
        for n in range(1, len(s.beads) + 1):
            s.edit("confirm", {"bead": n})
        history, revision = len(s.history), s.revision
        with TestClient(create_app(s, "tok", lambda: {"testserver"})) as client:
            answer = client.post("/api/edit", json={"op": "realign", "revision": revision},
                                 headers={"X-Alinea-Token": "tok"})
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["noop"] and data["done"] == "nothing to re-align: every bead is confirmed"
        assert data["revision"] == revision and len(s.history) == history and data["undo"].startswith("confirm")
    finally:
        s.close()
