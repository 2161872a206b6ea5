"""`alinea review` below the browser: edits, the review file, the web API and its guards, exports, CLI."""
from __future__ import annotations

import socket
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext, Sentence
from alinea.review import edits
from alinea.review.edits import EditError, ReviewBead
from alinea.review.session import ReviewSession
from alinea.review.store import review_path_for
from alinea.tmx.reader import iter_units, parse_tmx, read_tmx
from alinea.tmx.writer import write_tmx

HOSTILE = "<img src=x onerror=alert(1)> & \"quotes\""


def _bitext() -> Bitext:
    src = [Sentence(f"Oración número {i} sobre la migración.", i, number=str(i // 2 + 1)) for i in range(10)]
    tgt = [Sentence(f"Sentence number {i} about migration.", i, number=str(i // 2 + 1)) for i in range(9)]
    beads = [Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.8), Bead((3,), (), 0.3), Bead((4,), (2,), 0.2),
             Bead((), (3,), 0.4), Bead((5,), (4, 5), 0.7), Bead((6,), (6,), 0.95), Bead((7,), (7,), 0.9),
             Bead((8, 9), (8,), 0.85)]
    return Bitext(src, tgt, beads, meta={"symbol": "A/TEST/1"})


@pytest.fixture
def tmx(tmp_path):
    path = tmp_path / "tm.tmx"
    write_tmx(_bitext(), path, keep_unaligned=True)
    return path


@pytest.fixture
def session(tmx):
    s = ReviewSession.open(tmx)
    yield s
    s.close()


def _layout(s: ReviewSession):
    return [(b.src, b.tgt) for b in s.beads]


def _partition_ok(beads, n, m):
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    assert all(b.src or b.tgt for b in beads)


# --------------------------------------------------------------------------- edits

def test_every_edit_and_its_undo(session):
    start = _layout(session)
    steps = [
        ("merge_next", {"bead": 1}, [((0, 1, 2), (0, 1))]),
        ("merge_prev", {"bead": 2}, [((0, 1, 2), (0, 1))]),
        ("split", {"bead": 2, "side": "src", "sentence": 2}, [((1,), (1,)), ((2,), ())]),
        ("move_down", {"bead": 2, "side": "src", "sentence": 3}, [((1,), (1,)), ((2, 3), ())]),
        ("move_up", {"bead": 6, "side": "tgt", "sentence": 5}, [((), (3, 4)), ((5,), (5,))]),
        ("unalign", {"bead": 6, "side": "tgt", "sentence": 6}, [((5,), (4,)), ((), (5,))]),
        ("unalign", {"bead": 9, "side": "src", "sentence": 9}, [((8,), ()), ((9,), (8,))]),
        ("confirm", {"bead": 1}, None),
    ]
    for op, args, expected in steps:
        before = _layout(session)
        change = session.edit(op, args)
        if expected is not None:
            assert change.new and [(b.src, b.tgt) for b in change.new] == expected, op
            _partition_ok(session.beads, 10, 9)
        session.undo()
        assert _layout(session) == before, op
        session.redo()
        session.undo()
    assert _layout(session) == start


def test_split_merge_move_and_unalign_results(session):
    session.edit("merge_next", {"bead": 1})                                   # (0,1,2 | 0,1)
    session.edit("split", {"bead": 1, "side": "src", "sentence": 1})          # after the first sentence
    assert _layout(session)[:2] == [((0,), (0,)), ((1, 2), (1,))]
    session.edit("unalign", {"bead": 2, "side": "src", "sentence": 2})        # first of its side: goes before
    assert _layout(session)[1:3] == [((1,), ()), ((2,), (1,))]
    count = len(session.beads)
    session.edit("move_down", {"bead": 2, "side": "src", "sentence": 2})      # its only sentence: the bead goes
    assert _layout(session)[1] == ((1, 2), (1,)) and len(session.beads) == count - 1
    _partition_ok(session.beads, 10, 9)
    # Made by hand: the reviewer's decision, not a confidence the aligner computed.
    assert all(b.edited and b.score is None for b in session.beads[:2])
    assert session.bead(1)["score"] is None and session.bead(3)["score"] == pytest.approx(0.3)  # (3,) -> (): untouched


def test_edit_text_and_its_limits(session):
    session.edit("edit_text", {"bead": 1, "side": "tgt", "sentence": 1, "text": "  General   Assembly  "})
    assert session.sentences["tgt"][0].text == "General Assembly"
    assert session.beads[0].edited
    for text, message in (("   ", "cannot be empty"), ("General Assembly", "unchanged"), ("x" * 20001, "at most")):
        with pytest.raises(EditError, match=message):
            session.edit("edit_text", {"bead": 1, "side": "tgt", "sentence": 1, "text": text})
    with pytest.raises(EditError, match="not in bead"):
        session.edit("edit_text", {"bead": 1, "side": "tgt", "sentence": 5, "text": "x"})
    session.undo()
    assert session.sentences["tgt"][0].text == "Sentence number 0 about migration."


def test_confirmed_beads_are_locked(session):
    session.edit("confirm", {"bead": 2})
    for op, args in (("merge_next", {"bead": 1}), ("merge_prev", {"bead": 3}),
                     ("split", {"bead": 2, "side": "src", "sentence": 2}),
                     ("move_up", {"bead": 3, "side": "src", "sentence": 4}),
                     ("unalign", {"bead": 2, "side": "src", "sentence": 2}),
                     ("edit_text", {"bead": 2, "side": "src", "sentence": 2, "text": "otra"})):
        with pytest.raises(EditError, match="confirmed"):
            session.edit(op, args)
    session.edit("confirm", {"bead": 2})  # toggles back
    session.edit("merge_next", {"bead": 1})


@pytest.mark.parametrize("op, args, message", [
    ("merge_prev", {"bead": 1}, "no previous"),
    ("merge_next", {"bead": 9}, "no next"),
    ("merge_next", {"bead": 99}, "no bead 99"),
    ("split", {"bead": 1, "side": "src", "sentence": 1}, "last of its side"),
    ("move_up", {"bead": 2, "side": "src", "sentence": 3}, "only the first"),
    ("move_down", {"bead": 2, "side": "src", "sentence": 2}, "only the last"),
    ("unalign", {"bead": 3, "side": "src", "sentence": 4}, "already unaligned"),
    ("split", {"bead": 1, "side": "left", "sentence": 1}, "which side"),
    ("merge_next", {"bead": "1"}, "must be a number"),
    ("explode", {"bead": 1}, "unknown edit"),
])
def test_impossible_edits_are_refused_with_a_reason(session, op, args, message):
    before = _layout(session)
    with pytest.raises(EditError, match=message):
        session.edit(op, args)
    assert _layout(session) == before


_OPS = st.sampled_from(["merge_next", "merge_prev", "split", "move_up", "move_down", "unalign", "confirm"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_OPS, st.integers(0, 30), st.sampled_from(["src", "tgt"]), st.integers(0, 3)),
                max_size=25))
def test_any_sequence_of_edits_keeps_every_sentence_once_and_undoes_exactly(ops):
    beads = [ReviewBead(b.src, b.tgt, b.score) for b in _bitext().beads]
    lengths = {"src": [len(s.text) for s in _bitext().src], "tgt": [len(s.text) for s in _bitext().tgt]}
    history = []
    for op, pos, side, k in ops:
        pos %= len(beads)
        ids = beads[pos].side(side)
        sentence = ids[k % len(ids)] if ids else 0
        try:
            if op in ("merge_next", "merge_prev"):
                change = edits.merge(beads, pos, op == "merge_next")
            elif op == "split":
                change = edits.split_after(beads, pos, side, sentence, lengths)
            elif op in ("move_up", "move_down"):
                change = edits.move(beads, pos, side, sentence, -1 if op == "move_up" else 1)
            elif op == "unalign":
                change = edits.unalign(beads, pos, side, sentence, lengths)
            else:
                change = edits.confirm(beads, pos, not beads[pos].confirmed)
        except EditError:
            continue
        snapshot = list(beads)
        edits.apply(beads, change)
        _partition_ok(beads, 10, 9)
        history.append((change, snapshot))
    for change, snapshot in reversed(history):
        edits.apply(beads, change.inverse())
        assert beads == snapshot
    assert [(b.src, b.tgt) for b in beads] == [(b.src, b.tgt) for b in _bitext().beads]


# --------------------------------------------------------------------------- review file

def test_every_edit_is_on_disk_before_the_call_returns(session, tmx):
    session.edit("merge_next", {"bead": 1})
    session.edit("confirm", {"bead": 1})
    session.edit("edit_text", {"bead": 2, "side": "src", "sentence": 4, "text": HOSTILE})
    session.undo()
    # Another connection sees it all at once (a killed server would leave exactly this behind).
    with sqlite3.connect(review_path_for(tmx)) as other:
        rows = other.execute("SELECT pos, src, tgt, confirmed FROM beads ORDER BY pos").fetchall()
        undone = other.execute("SELECT COUNT(*) FROM history WHERE undone = 1").fetchone()[0]
    assert rows[0] == (0, "[0, 1, 2]", "[0, 1]", 1)
    assert undone == 1
    session.close()
    again = ReviewSession.open(tmx)
    try:
        assert _layout(again)[0] == ((0, 1, 2), (0, 1)) and again.beads[0].confirmed
        assert again.sentences["src"][3].text != " ".join(HOSTILE.split())  # the undone edit stays undone...
        again.redo()                                                     # ...and can be redone after a restart
        assert again.sentences["src"][3].text == " ".join(HOSTILE.split())
    finally:
        again.close()


def test_one_editor_at_a_time_and_a_changed_input_is_refused(session, tmx):
    with pytest.raises(InputError, match="open in another"):
        ReviewSession.open(tmx)
    session.close()
    tmx.write_bytes(tmx.read_bytes().replace(b"Sentence number 0", b"Sentence number zero"))
    with pytest.raises(InputError, match="has changed since its review was started"):
        ReviewSession.open(tmx)
    fresh = ReviewSession.open(tmx, restart=True)
    try:
        assert fresh.sentences["tgt"][0].text == "Sentence number zero about migration."
        assert not fresh.history
    finally:
        fresh.close()


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ReviewSession.open(tmp_path / "missing.tmx")
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK")
    with pytest.raises(InputError, match="unsupported format"):
        ReviewSession.open(odd)
    assert not review_path_for(odd).exists()


# --------------------------------------------------------------------------- views

def test_views_filters_search_and_riskiest_first(session):
    page = session.view(limit=4)
    assert page["total"] == 9 and len(page["beads"]) == 4 and page["beads"][0]["bead"] == 1
    assert session.view(offset=8, limit=4)["offset"] == 8
    assert session.view(offset=80, limit=4)["offset"] == 8  # past the end: the last page
    risky = [b["bead"] for b in session.view(order="risk")["beads"]]
    assert risky[:2] == [3, 5]                      # the unaligned beads first
    assert set(risky[2:5]) == {2, 6, 9}             # then the 2-1 / 1-2 beads
    assert risky[5] == 4                            # then low confidence (0.2)
    assert [b["bead"] for b in session.view(filter_name="unaligned")["beads"]] == [3, 5]
    assert [b["bead"] for b in session.view(filter_name="merged")["beads"]] == [2, 3, 5, 6, 9]
    assert [b["bead"] for b in session.view(query="NUMERO 4")["beads"]] == [4]     # accents and case ignored
    assert [b["bead"] for b in session.view(query="sentence number 3")["beads"]] == [5]
    session.edit("confirm", {"bead": 3})
    assert [b["bead"] for b in session.view(filter_name="confirmed")["beads"]] == [3]
    assert session.view(order="risk")["beads"][-1]["bead"] == 3  # confirmed beads go last
    with pytest.raises(EditError, match="unknown filter"):
        session.view(filter_name="nope")


def test_check_problems_are_shown(tmp_path):
    bitext = _bitext()
    bitext.tgt[6] = Sentence("Sentence number 7 about migration.", 6)  # 6 in Spanish, 7 in English
    path = tmp_path / "tm.tsv"
    from alinea.tmx.tabular import bitext_frame, write_table
    write_table(bitext_frame(bitext), path)
    s = ReviewSession.open(path)
    try:
        found = {b["bead"]: b for b in s.view(filter_name="problems")["beads"]}
        assert 7 in found and any(p.startswith("numbers:") for p in found[7]["problems"])
        assert 1 not in found and 8 not in found  # 1-1 beads whose numbers agree
    finally:
        s.close()


# --------------------------------------------------------------------------- re-align and export

def test_realign_keeps_confirmed_beads(a58_bitext, tmp_path):
    path = tmp_path / "a.tmx"
    right = a58_bitext.beads
    k = next(k for k in range(30, 80) if all(b.kind == "1-1" for b in right[k:k + 4]))
    planted = list(right)
    planted[k:k + 2] = [Bead(right[k].src + right[k + 1].src, right[k].tgt + right[k + 1].tgt, 0.2)]
    write_tmx(Bitext(a58_bitext.src, a58_bitext.tgt, planted, meta={"symbol": "A/58/98"}), path, keep_unaligned=True)
    s = ReviewSession.open(path)
    try:
        s.edit("confirm", {"bead": k})       # the bead before the planted 2-2 ...
        s.edit("confirm", {"bead": k + 2})   # ... and the one after it
        s.edit("merge_next", {"bead": 3})    # a hand-made error elsewhere, not confirmed
        change = s.realign()
        assert change.label.startswith("re-align the rest")
        _partition_ok(s.beads, len(s.sentences["src"]), len(s.sentences["tgt"]))
        assert [(b.src, b.tgt) for b in s.beads] == [(b.src, b.tgt) for b in right]
        assert s.beads[k - 1].confirmed and s.beads[k + 2].confirmed
        s.undo()
        assert (s.beads[k - 1].src, s.beads[k - 1].tgt) == (planted[k].src, planted[k].tgt)  # bead 3 merged
        s.redo()
        history = len(s.history)
        nothing = s.realign()  # nothing left to change: said, not an error, and not an undo step
        assert nothing.is_noop and nothing.label.startswith("nothing to re-align")
        assert len(s.history) == history and s.history[-1].label.startswith("re-align the rest")
    finally:
        s.close()


def test_export_keeps_props_and_marks_reviewed(tmp_path):
    path = tmp_path / "tm.tmx"
    write_tmx(_bitext(), path, keep_unaligned=True)
    # A unit property alinea does not compute (from a CAT tool, say) must survive the review.
    path.write_text(path.read_text(encoding="utf-8").replace(
        '<prop type="x-bead">1-1</prop>', '<prop type="x-bead">1-1</prop><prop type="x-client">UNHQ</prop>', 1),
        encoding="utf-8")
    s = ReviewSession.open(path)
    try:
        s.edit("confirm", {"bead": 1})
        s.edit("edit_text", {"bead": 7, "side": "tgt", "sentence": 7, "text": "Sentence seven."})
        out = tmp_path / "out.tmx"
        assert s.export(out, keep_unaligned=True) == 9
        with pytest.raises(InputError, match="overwrite"):
            s.export(path)
        s.export(tmp_path / "out.tsv")
        s.export(tmp_path / "out.xlsx")
    finally:
        s.close()
    units = list(iter_units(parse_tmx(out)))
    assert units[0].props["x-client"] == "UNHQ" and units[0].props["x-reviewed"] == "yes"
    assert units[0].props["x-document"] == "A/TEST/1" and units[0].props["x-bead"] == "1-1"
    assert units[6].props["x-reviewed"] == "edited" and units[6].text("en") == "Sentence seven."
    assert units[1].props["x-reviewed"] == "no"
    again = read_tmx(out)
    assert [b.kind for b in again.beads] == [b.kind for b in _bitext().beads]
    import pandas as pd
    table = pd.read_csv(tmp_path / "out.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(table["reviewed"])[:2] == ["yes", "no"]
    assert pd.read_excel(tmp_path / "out.xlsx", dtype=str).shape[0] == 9


def test_reviewed_tmx_reopens_with_its_marks(tmp_path, tmx):
    s = ReviewSession.open(tmx)
    s.edit("confirm", {"bead": 2})
    out = tmp_path / "reviewed.tmx"
    s.export(out, keep_unaligned=True)
    s.close()
    again = ReviewSession.open(out)
    try:
        assert [b.confirmed for b in again.beads][:3] == [False, True, False]
    finally:
        again.close()


# --------------------------------------------------------------------------- web API

@pytest.fixture
def client(session):
    from starlette.testclient import TestClient

    from alinea.review.server import create_app

    app = create_app(session, "s3cret", lambda: {"testserver"}, max_body=4096)
    with TestClient(app) as c:
        yield c


TOKEN = {"X-Alinea-Token": "s3cret"}


def test_token_is_required_on_every_request(client):
    for path in ("/", "/static/review.js", "/static/review.css", "/api/view", "/api/export?format=tmx"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"X-Alinea-Token": "wrong"}).status_code == 403, path
        assert client.get(f"{path}{'&' if '?' in path else '?'}token=wrong").status_code == 403, path
    assert client.post("/api/edit", json={"op": "merge_next", "args": {"bead": 1}}).status_code == 401
    assert client.post("/api/edit", json={"op": "merge_next", "args": {"bead": 1}},
                       headers={"X-Alinea-Token": "s3cre"}).status_code == 403
    assert client.get("/?token=s3cret").status_code == 200
    assert client.get("/api/view", headers=TOKEN).status_code == 200


def test_page_is_escaped_and_locked_down(client):
    page = client.get("/?token=s3cret")
    assert 'src="static/review.js?token=s3cret"' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
    script = client.get("/static/review.js?token=s3cret").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script  # texts go in as text
    assert client.get("/static/../server.py?token=s3cret").status_code in (401, 403, 404)


def test_wrong_host_and_large_bodies_are_refused(client):
    assert client.get("/api/view", headers={**TOKEN, "Host": "evil.example:80"}).status_code == 421
    big = {"op": "edit_text", "args": {"bead": 1, "side": "src", "sentence": 1, "text": "x" * 5000}}
    assert client.post("/api/edit", json=big, headers=TOKEN).status_code == 413
    assert client.post("/api/edit", content=b"{not json", headers=TOKEN).status_code == 400


def test_edits_through_the_api(client, session):
    view = {"offset": 0, "limit": 5}
    answer = client.post("/api/edit", json={"op": "merge_next", "args": {"bead": 1}, "revision": 0, "view": view},
                         headers=TOKEN)
    assert answer.status_code == 200
    data = answer.json()
    assert data["done"] == "merge beads 1 and 2" and data["beads"][0]["kind"] == "3-2"
    assert data["revision"] == 1 and data["undo"] == "merge beads 1 and 2" and len(data["beads"]) == 5
    stale = client.post("/api/edit", json={"op": "confirm", "args": {"bead": 1}, "revision": 0}, headers=TOKEN)
    assert stale.status_code == 400 and "another window" in stale.json()["error"]
    for op, args in (("split", {"bead": 1, "side": "src", "sentence": 1}), ("confirm", {"bead": 1}),
                     ("undo", {}), ("undo", {}), ("redo", {}),
                     ("edit_text", {"bead": 2, "side": "tgt", "sentence": 2, "text": HOSTILE}),
                     ("unalign", {"bead": 2, "side": "tgt", "sentence": 2}),
                     ("move_down", {"bead": 3, "side": "src", "sentence": 3}),
                     ("move_up", {"bead": 4, "side": "src", "sentence": 3})):
        answer = client.post("/api/edit", json={"op": op, "args": args}, headers=TOKEN)
        assert answer.status_code == 200, (op, answer.json())
    view = client.get("/api/view?q=onerror", headers=TOKEN).json()
    assert view["beads"][0]["tgt"][0]["text"] == " ".join(HOSTILE.split())  # JSON carries text, the page escapes it
    refused = client.post("/api/edit", json={"op": "merge_prev", "args": {"bead": 1}}, headers=TOKEN)
    assert refused.status_code == 400 and "no previous" in refused.json()["error"]
    assert client.get("/api/view?limit=0", headers=TOKEN).status_code == 400
    assert client.get("/api/view?offset=x", headers=TOKEN).status_code == 400


def test_export_through_the_api(client):
    answer = client.get("/api/export?format=tmx&keep_unaligned=1", headers=TOKEN)
    assert answer.status_code == 200 and b"x-reviewed" in answer.content
    assert 'filename="tm.reviewed.tmx"' in answer.headers["content-disposition"]
    assert client.get("/api/export?format=xlsx", headers=TOKEN).content[:2] == b"PK"
    assert client.get("/api/export?format=doc", headers=TOKEN).status_code == 400


# --------------------------------------------------------------------------- command line

def test_cli_export_and_errors(run_cli, tmx, tmp_path):
    # No review yet: the alignment is exported as it stands, and no review file appears.
    result = run_cli("review", tmx, "--export", tmp_path / "as_is.tmx", "--keep-unaligned")
    assert result.exit_code == 0, result.output
    assert "has no review yet: exported as it stands" in result.output and not review_path_for(tmx).exists()
    units = list(iter_units(parse_tmx(tmp_path / "as_is.tmx")))
    assert len(units) == 9 and {u.props["x-reviewed"] for u in units} == {"no"}
    assert [u.props["x-score"] for u in units[:2]] == ["0.9000", "0.8000"]
    s = ReviewSession.open(tmx)
    s.edit("confirm", {"bead": 1})
    s.close()
    result = run_cli("review", tmx, "--export", tmp_path / "x.tmx", "--keep-unaligned")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "9 translation units" in result.output
    assert read_tmx(tmp_path / "x.tmx").beads[0].score == pytest.approx(0.9)
    result = run_cli("review", tmx, "--export", tmx)
    assert result.exit_code == 2 and "overwrite" in result.output


def test_cli_taken_port_is_one_line(run_cli, tmx):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("review", tmx, "--no-browser", "--port", port)
    assert result.exit_code == 2
    assert result.output.strip() == (f"alinea: error: port {port} on 127.0.0.1 is already in use: "
                                      "choose another with --port, or leave --port out for a free one")


def test_align_review_needs_a_file_output(run_cli, es_path, en_path, tmp_path):
    result = run_cli("align", es_path, en_path, "--report", tmp_path / "r.html", "--review")
    assert result.exit_code == 2 and "--review needs -o" in result.output
    assert not (tmp_path / "r.html").exists()


def test_unwritable_review_place_is_one_clear_error(tmx, tmp_path):
    with pytest.raises(InputError, match="cannot write the review file"):
        ReviewSession.open(tmx, review_file=tmp_path / "no" / "such" / "folder" / "r.sqlite")


def test_align_review_serves_the_fresh_alignment(es_path, en_path, tmp_path):
    """`alinea align … --review`: outputs written, then the address on stdout's first line, the
    review holding every sentence (the unaligned ones too, though the TMX leaves them out)."""
    import http.client
    import json
    import signal
    import subprocess
    import sys
    import threading

    out = tmp_path / "tm.tmx"
    proc = subprocess.Popen([sys.executable, "-m", "alinea", "align", str(es_path), str(en_path), "-o", str(out),
                             "--review", "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(120)
        assert line and line[0].startswith("http://127.0.0.1:"), (line, proc.poll())
        url = line[0].strip()
        assert out.exists() and review_path_for(out).exists()
        host, token = url.split("//")[1].split("/")[0], url.split("token=")[1]
        conn = http.client.HTTPConnection(host, timeout=60)
        conn.request("GET", "/api/view?filter=unaligned", headers={"X-Alinea-Token": token})
        answer = conn.getresponse()
        data = json.loads(answer.read())
        assert answer.status == 200 and data["total"] == 2  # A/58/98's 1-0 and 0-1 beads
        assert data["summary"]["sentences"] == {"src": 294, "tgt": 294}
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "review saved in" in err
