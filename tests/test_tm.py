"""The translation-memory store: import, concordance, fuzzy lookup, analysis, export, bad input."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from alinea.align.errors import InputError
from alinea.tm.match import band_of, match_score, tokenize
from alinea.tm.store import APPLICATION_ID, SCHEMA_VERSION, TranslationMemory

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="test" '
          'creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="es" '
          'datatype="plaintext" creationdate="20240102T030405Z"/>\n<body>\n')


def tmx_text(units, header: str = HEADER) -> str:
    """units: (es, en) or (es, en, props dict[, tu attributes])."""
    out = [header]
    for n, unit in enumerate(units, start=1):
        es, en = unit[0], unit[1]
        props = unit[2] if len(unit) > 2 else {}
        attrs = "".join(f' {k}="{v}"' for k, v in (unit[3] if len(unit) > 3 else {}).items())
        out.append(f'<tu tuid="{n}"{attrs}>')
        out += [f'<prop type="{k}">{escape(v)}</prop>' for k, v in props.items()]
        out.append(f'<tuv xml:lang="es"><seg>{escape(es)}</seg></tuv>'
                   f'<tuv xml:lang="en"><seg>{escape(en)}</seg></tuv></tu>\n')
    out.append("</body>\n</tmx>\n")
    return "".join(out)


def write_tmx_file(path: Path, units, header: str = HEADER) -> Path:
    path.write_text(tmx_text(units, header), encoding="utf-8")
    return path


def cli(*args, env=None, cwd=None, user=None):
    """Run the installed `alinea` as a subprocess (another process, as a user would)."""
    return subprocess.run([sys.executable, "-m", "alinea", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, user=user)


# --- match percentages and bands -------------------------------------------

TWENTY = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis " \
         "diecisiete dieciocho diecinueve veinte"


def replaced(n: int) -> str:
    """TWENTY with its first n words replaced by other words: word similarity 100 - 5n."""
    words = TWENTY.split()
    return " ".join([f"otra{chr(97 + k)}" for k in range(n)] + words[n:])


@pytest.mark.parametrize("edits, expected", [(1, 95), (2, 90), (3, 85), (4, 80), (5, 75), (6, 70), (10, 50),
                                             (11, 45), (20, 0)])
def test_word_edit_similarity(edits, expected):
    assert match_score(TWENTY, replaced(edits)) == expected


def test_identical_is_100_and_only_identical():
    sentence = "La Asamblea General aprobó la resolución 58/98."
    assert match_score(sentence, "La  Asamblea General aprobó la resolución 58/98. ") == 100
    assert match_score(sentence, sentence.replace("98", "99")) == 99           # a number
    assert match_score(sentence, sentence[:-1]) == 99                          # a full stop
    assert match_score(sentence, sentence.replace("Asamblea", "asamblea")) == 99  # case
    assert match_score(sentence, sentence.lower()) == 97                       # three case differences
    changed = "la asamblea general, aprobó; la resolución 57/97"
    assert 95 <= match_score(sentence, changed) < 100                          # penalties are capped


def test_numbers_are_placeables_not_words():
    a = "En 2003 se registraron 175 millones de migrantes en 190 países."
    b = "En 2005 se registraron 191 millones de migrantes en 200 países."
    assert match_score(a, b) == 97  # same words, three numbers differ: 1 point each
    assert tokenize(a).word_count == 11


def test_scores_are_floored_into_bands():
    # 1 of 19 words replaced: 94.7 -> 94, not 95
    words = TWENTY.split()[:19]
    assert match_score(" ".join(words), " ".join(["otra"] + words[1:])) == 94
    assert band_of(94) == "85-94"


@pytest.mark.parametrize("score, band", [(100, "100"), (99, "95-99"), (95, "95-99"), (94, "85-94"), (85, "85-94"),
                                         (84, "75-84"), (75, "75-84"), (74, "50-74"), (50, "50-74"),
                                         (49, "no match"), (0, "no match"), (None, "no match")])
def test_band_boundaries(score, band):
    assert band_of(score) == band


# --- a small memory ----------------------------------------------------------

@pytest.fixture
def small_tmx(tmp_path) -> Path:
    return write_tmx_file(tmp_path / "small.tmx", [
        ("La trata de personas es un delito grave.", "Trafficking in persons is a serious crime.",
         {"x-document": "A/58/98", "x-score": "0.9876", "x-reviewed": "yes", "x-bead": "1-1", "x-paragraph": "4"},
         {"changedate": "20030701T120000Z"}),
        ("La migración internacional afecta a todos los países.", "International migration affects every country.",
         {"x-document": "A/58/98", "x-score": "0.5"}),
        ("La migración internacional afecta a todos los países.", "International migration concerns all countries.",
         {"x-document": "A/59/1"}),
        ("El Consejo de Seguridad se reunió el 3 de mayo de 2003.", "The Security Council met on 3 May 2003."),
    ])


@pytest.fixture
def memory(tmp_path, small_tmx):
    with TranslationMemory(tmp_path / "tm.sqlite", create=True) as tm:
        tm.import_file(small_tmx)
        yield tm


def test_provenance_is_kept(memory):
    hits = memory.search("trata de personas")
    assert len(hits) == 1
    p = hits[0].provenance
    assert p.documents == ["A/58/98"] and p.count == 1 and p.reviewed is True
    assert p.score == pytest.approx(0.9876) and p.first_date == "2003-07-01T12:00:00Z"
    row = memory.conn.execute("SELECT document, tuid, score, reviewed, bead, paragraph, date FROM occurrences "
                              "WHERE unit_id = ?", (hits[0].id,)).fetchone()
    assert row == ("A/58/98", "1", pytest.approx(0.9876), 1, "1-1", "4", "2003-07-01T12:00:00Z")
    # a unit without dates of its own gets the header's date
    council = memory.search("Consejo de Seguridad")[0]
    assert council.provenance.first_date == "2024-01-02T03:04:05Z" and council.provenance.reviewed is False


def test_identical_units_merged_and_conflicts_kept(memory, tmp_path, small_tmx):
    table = tmp_path / "more.tsv"
    table.write_text("source\ttarget\tdocument\treviewed\n"
                     "La trata de personas es un delito grave.\tTrafficking in persons is a serious crime."
                     "\tA/60/1\tno\n"
                     "Texto nuevo.\tNew text.\t\tyes\n", encoding="utf-8")
    result = memory.import_file(table)
    assert (result.added, result.merged, result.units_read) == (1, 1, 2)
    hit = memory.search("trata de personas")[0]
    assert hit.provenance.count == 2 and hit.provenance.documents == ["A/58/98", "A/60/1"]
    assert memory.search("texto nuevo")[0].provenance.reviewed is True
    figures = memory.stats()
    assert figures.units == 5 and figures.occurrences == 6
    assert figures.sources_with_conflicting_translations == 1
    both = memory.lookup("La migración internacional afecta a todos los países.")
    assert [h.score for h in both] == [100, 100]
    assert {h.target for h in both} == {"International migration affects every country.",
                                        "International migration concerns all countries."}
    # the same file again is skipped, unless forced
    assert memory.import_file(small_tmx).already_imported
    assert memory.import_file(small_tmx, force=True).merged == 4


def test_concordance_accents_case_highlight(memory):
    hits = memory.search("MIGRACION internacional", lang="es")
    assert len(hits) == 2
    for hit in hits:
        assert [hit.source[a:b] for a, b in hit.source_spans] == ["migración internacional"]
    assert memory.search("security council", lang="en")[0].target_spans == [(4, 20)]
    assert memory.search("security council", lang="es") == []
    assert len(memory.search("afecta países", any_order=True)) == 2
    assert memory.search("afecta países") == []  # not a phrase
    assert len(memory.search("migra*")) == 2
    with pytest.raises(InputError):
        memory.search("¿?")


def test_lookup_fuzzy_and_min(memory):
    hits = memory.lookup("El Consejo de Seguridad se reunió el 5 de mayo de 2004.")
    assert [h.score for h in hits] == [98]
    assert hits[0].target == "The Security Council met on 3 May 2003."
    assert memory.lookup("El Consejo se reunió en mayo.", min_score=90) == []
    assert memory.lookup("El Consejo se reunió en mayo.", min_score=30)[0].source.startswith("El Consejo")
    english = memory.lookup("The Security Council met on 3 May 2003.", lang="en")
    assert english[0].score == 100 and english[0].source.startswith("El Consejo")


def test_round_trip_import_search_lookup_export(tmp_path, a58_bitext):
    from alinea.tmx.validate import validate_tmx
    from alinea.tmx.writer import write_tmx

    tmx = tmp_path / "A_58_98.tmx"
    written = write_tmx(a58_bitext, tmx)
    db = tmp_path / "a58.sqlite"
    assert cli("tm", "import", tmx, "--db", db).returncode == 0
    found = json.loads(cli("tm", "search", "migración internacional", "--db", db, "--json", "--limit", "3").stdout)
    assert len(found) == 3 and all(h["score"] == 100 and "migración internacional" in h["source"].lower()
                                   for h in found)
    some = next(s for _, s, _ in a58_bitext.pairs() if len(s.split()) > 15)
    edited = some.replace(" de ", " del ", 1)
    matches = json.loads(cli("tm", "lookup", edited, "--db", db, "--json").stdout)
    assert matches[0]["source"] == some and 85 <= matches[0]["score"] < 100
    out = tmp_path / "export.tmx"
    run = cli("tm", "export", "-o", out, "--db", db, "--document", "A/58/98")
    assert run.returncode == 0, run.stderr
    assert validate_tmx(out).ok
    again = tmp_path / "again.sqlite"
    assert cli("tm", "import", out, "--db", again).returncode == 0
    with TranslationMemory(db, readonly=True) as a, TranslationMemory(again, readonly=True) as b:
        pairs = "SELECT source, target FROM units ORDER BY source, target"
        assert a.conn.execute(pairs).fetchall() == b.conn.execute(pairs).fetchall()
        assert a.stats().units == written
    table = tmp_path / "export.xlsx"
    assert cli("tm", "export", "-o", table, "--db", db, "--min-score", "0.99").returncode == 0
    assert cli("tm", "export", "-o", tmp_path / "none.tmx", "--db", db, "--document", "nope").returncode == 2
    assert not (tmp_path / "none.tmx").exists()


# --- analysis ----------------------------------------------------------------

def test_analysis_bands_on_hand_made_sentences(tmp_path):
    memory_units = [(TWENTY.capitalize() + ".", "Twenty words.")]
    db = tmp_path / "bands.sqlite"
    with TranslationMemory(db, create=True) as tm:
        tm.import_file(write_tmx_file(tmp_path / "m.tmx", memory_units))
    segments = {
        "100": TWENTY.capitalize() + ".",
        "95-99": TWENTY.capitalize() + "!",                    # punctuation only: 99
        "85-94": replaced(3).capitalize() + ".",              # 85
        "75-84": replaced(5).capitalize() + ".",              # 75
        "50-74": replaced(10).capitalize() + ".",             # 50
        "no match": replaced(11).capitalize() + ".",          # 45
    }
    document = tmp_path / "doc.txt"
    body = list(segments.values()) + [segments["85-94"]]      # a repetition
    document.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    run = cli("tm", "analyze", document, "--db", db, "--json", "-", "--report", tmp_path / "a.html")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert list(data["bands"]) == ["100", "95-99", "85-94", "75-84", "50-74", "no match"]
    for name in data["bands"]:
        assert data["bands"][name] == {"segments": 1, "words": 20}, name
    assert data["repetitions"] == {"segments": 1, "words": 20}
    assert data["total"] == {"segments": 7, "words": 140}
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "repeats #3" in html and "Uno dos tres" in html
    assert "85-94 %" in run.stderr  # the table goes to stderr when the JSON takes stdout


# --- bad input ------------------------------------------------------------------

def test_bad_tmx_refused_like_validate(tmp_path):
    from alinea.tmx.validate import validate_tmx

    db = tmp_path / "tm.sqlite"
    good = write_tmx_file(tmp_path / "good.tmx", [("Hola.", "Hello.")])
    bad = tmp_path / "bad.tmx"
    misplaced = '<tuv xml:lang="es"><prop type="x">p</prop><seg>a</seg>'
    bad.write_text(tmx_text([("Uno.", "One.")]).replace('<tuv xml:lang="es">', misplaced, 1), encoding="utf-8")
    run = cli("tm", "import", good, bad, "--db", db)
    assert run.returncode == 2
    problem = validate_tmx(bad).errors[0]
    assert run.stderr.startswith(f"alinea: error: {problem.located(bad)}") and run.stderr.count("\n") == 1
    assert not db.exists()  # nothing imported, not even the good file, and no empty memory
    hostile = tmp_path / "hostile.tmx"
    hostile.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY lol "lol">]>\n' + tmx_text([("&lol;", "x")])
                       .split("\n", 1)[1], encoding="utf-8")
    malformed = tmp_path / "malformed.tmx"
    malformed.write_text(tmx_text([("Uno.", "One.")])[:-20], encoding="utf-8")
    assert cli("tm", "import", good, "--db", db).returncode == 0
    for path in (hostile, malformed):
        run = cli("tm", "import", path, "--db", db)
        assert run.returncode == 2 and run.stderr.startswith(f"alinea: error: {path}:"), run.stderr
        assert "Traceback" not in run.stderr
    with TranslationMemory(db, readonly=True) as tm:
        assert tm.stats().units == 1 and tm.stats().imports == 1


def test_screen_never_lets_an_invalid_tmx_through(tmp_path):
    """may_have_errors() False must imply validate_tmx() finds no error, on many broken variants."""
    from alinea.tmx.reader import parse_tmx
    from alinea.tmx.validate import may_have_errors, validate_tmx

    base = tmx_text([("Uno.", "One.", {"x-document": "D"}), ("Dos.", "Two.")])
    mutations = [
        ('<tu tuid="1">', '<tu tuid="1" foo="bar">'), ('<tu tuid="1">', '<tu tuid="1" segtype="word">'),
        ('xml:lang="es"', 'xml:lang=""'), ('<prop type="x-document">', '<prop type="">'),
        ('<seg>Uno.</seg>', '<seg>Uno.</seg><seg>Bis.</seg>'),
        ('<seg>Uno.</seg>', '<seg>Uno <bpt i="1">{</bpt>.</seg>'),
        ('<seg>Uno.</seg>', '<seg>Uno <foo/>.</seg>'), ('<tu tuid="1">', '<tu tuid="1">text'),
        ('</tu>', '</tu><note>n</note>'), ('<prop type="x-document">D</prop>', ''),
        ('<tuv xml:lang="en"><seg>One.</seg></tuv>', '<tuv xml:lang="en"><seg>One.</seg><note>n</note></tuv>'),
        ('version="1.4"', 'version="1.3"'), ('segtype="sentence"', 'segtype="word"'),
        ('creationtool="test"', 'creationtool=""'), (' o-tmf="test"', ''), ('<body>', '<body><note>n</note>'),
        ('</tuv></tu>', '</tuv><prop type="a">b</prop></tu>'), ('<seg>Dos.</seg>', '<seg>Dos <ept i="1">}</ept></seg>'),
        ('<seg>Dos.</seg>', '<seg>Dos <it pos="middle">x</it></seg>'), ('<tuv xml:lang="es">', '<tuv lang="es">'),
        ('<prop type="x-document">', '<prop>'), ('<tuv xml:lang="en">', '<tuv>'),
        ('<body>', '<body><tu><tuv xml:lang="es"><seg>a</seg></tuv><tuv xml:lang="es"><seg>b</seg></tuv></tu>'),
    ]
    screened = 0
    for old, new in mutations:
        assert old in base
        path = tmp_path / "m.tmx"
        path.write_text(base.replace(old, new, 1), encoding="utf-8")
        try:
            tree = parse_tmx(path)
        except InputError:
            continue
        ok = validate_tmx(path).ok
        flagged = may_have_errors(path, tree)
        assert flagged or ok, (old, new)
        screened += not flagged
    path.write_text(base, encoding="utf-8")
    assert not may_have_errors(path, parse_tmx(path)) and validate_tmx(path).ok


def test_dtd_is_at_least_as_strict_as_the_structural_checks():
    from lxml import etree

    from alinea.tmx.validate import ATTRIBUTES, REQUIRED, XML_LANG, official_dtd

    dtd = etree.DTD(str(official_dtd()))
    declared = {}
    for element in dtd.iterelements():
        xml_ns = "{http://www.w3.org/XML/1998/namespace}"
        declared[element.name] = {(f"{xml_ns}{a.name}" if a.prefix == "xml" else a.name): a.default
                                  for a in element.iterattributes()}
    assert set(declared) == set(ATTRIBUTES)
    for name, attributes in declared.items():
        assert set(attributes) <= ATTRIBUTES[name], name  # the DTD allows no attribute the checks refuse
        for attr in REQUIRED.get(name, ()):
            assert attributes.get(attr) in ("required", "fixed"), (name, attr)
    assert XML_LANG in declared["tuv"]


def test_not_our_database(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("just some text, not a database at all" * 10)
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
        conn.commit()
    newer = tmp_path / "newer.sqlite"
    with TranslationMemory(newer, create=True):
        pass
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    good = write_tmx_file(tmp_path / "good.tmx", [("Hola.", "Hello.")])
    for db, words in ((text, "not an alinea translation memory"), (other, "another program"),
                      (newer, "newer alinea")):
        before = db.read_bytes()
        for args in (("import", good), ("stats",), ("lookup", "Hola."), ("search", "hola")):
            run = cli("tm", *args, "--db", db)
            assert run.returncode == 2 and words in run.stderr and run.stderr.count("\n") == 1, (args, run.stderr)
        assert db.read_bytes() == before
    missing = cli("tm", "stats", "--db", tmp_path / "missing.sqlite")
    assert missing.returncode == 2 and "no such translation memory" in missing.stderr
    assert not (tmp_path / "missing.sqlite").exists()


def _read_only(*paths: Path) -> None:
    """Make files and folders unwritable, for root too (chattr +i), or skip."""
    if os.geteuid() != 0:
        for path in paths:
            os.chmod(path, 0o555 if path.is_dir() else 0o444)
        return
    run = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"running as root and chattr +i is not available here: {run.stderr.strip()}")


def _writable(*paths: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
    for path in paths:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("folder_too", [False, True])
def test_read_only_database(tmp_path, folder_too):
    db = tmp_path / "ro" / "tm.sqlite"
    db.parent.mkdir()
    good = write_tmx_file(tmp_path / "good.tmx", [("Hola.", "Hello.")])
    more = write_tmx_file(tmp_path / "more.tmx", [("Adiós.", "Goodbye.")])
    assert cli("tm", "import", good, "--db", db).returncode == 0
    locked = (db, db.parent) if folder_too else (db,)
    _read_only(*locked)
    try:
        before = db.read_bytes()
        run = cli("tm", "import", more, "--db", db)
        assert run.returncode == 2 and "read-only" in run.stderr and run.stderr.count("\n") == 1, run.stderr
        found = cli("tm", "lookup", "Hola.", "--db", db, "--json")
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)[0]["target"] == "Hello."
        assert db.read_bytes() == before
    finally:
        _writable(*locked)


def test_migration_path(tmp_path, monkeypatch):
    from alinea.tm import store

    db = tmp_path / "old.sqlite"
    with TranslationMemory(db, create=True) as tm:
        tm.import_file(write_tmx_file(tmp_path / "a.tmx", [("Hola.", "Hello.")]))

    def add_notes(conn):
        conn.execute("ALTER TABLE units ADD COLUMN note TEXT")

    def broken(conn):
        conn.execute("ALTER TABLE units ADD COLUMN other TEXT")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 2)
    monkeypatch.setattr(store, "MIGRATIONS", {SCHEMA_VERSION: add_notes, SCHEMA_VERSION + 1: broken})
    with pytest.raises(InputError):
        TranslationMemory(db)
    with sqlite3.connect(db) as conn:  # the failed upgrade changed nothing
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "note" not in [c[1] for c in conn.execute("PRAGMA table_info(units)")]
    monkeypatch.setattr(store, "MIGRATIONS", {SCHEMA_VERSION: add_notes, SCHEMA_VERSION + 1: lambda conn: None})
    with TranslationMemory(db, readonly=True) as tm:  # upgraded on first open, then read
        assert tm.lookup("Hola.")[0].target == "Hello."
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 2
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert "note" in [c[1] for c in conn.execute("PRAGMA table_info(units)")]


def test_db_from_environment_and_default(tmp_path):
    good = write_tmx_file(tmp_path / "good.tmx", [("Hola.", "Hello.")])
    env = dict(os.environ, ALINEA_TM=str(tmp_path / "env.sqlite"))
    assert cli("tm", "import", good, env=env).returncode == 0
    assert (tmp_path / "env.sqlite").exists()
    env.pop("ALINEA_TM")
    work = tmp_path / "work"
    work.mkdir()
    assert cli("tm", "import", good, env=env, cwd=work).returncode == 0
    assert (work / "alinea-tm.sqlite").exists()


# --- kill during import, concurrent lookups -------------------------------------

def _big_tmx(path: Path, n: int) -> Path:
    units = [(f"La unidad número {k} trata de la migración internacional y del desarrollo {k % 97}.",
              f"Unit number {k} is about international migration and development {k % 97}.") for k in range(n)]
    return write_tmx_file(path, units)


def _consistent(db: Path) -> tuple[int, int]:
    """(units, imports) after checking the file, the FTS index and the provenance agree."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for index in ("units_fts", "units_words"):  # both full-text indexes agree with the units
            conn.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        units = conn.execute("SELECT count(*) FROM units").fetchone()[0]
        imports = conn.execute("SELECT count(*) FROM imports").fetchone()[0]
        read = conn.execute("SELECT coalesce(sum(units_read - units_skipped), 0) FROM imports").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM occurrences").fetchone()[0] == read
        assert conn.execute("SELECT count(*) FROM units WHERE id NOT IN (SELECT unit_id FROM occurrences)"
                            ).fetchone()[0] == 0
    return units, imports


def _writer_active(db: Path) -> bool:
    """True while another connection holds the write lock (an import's transaction is open)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    finally:
        conn.close()


def test_kill_during_import_leaves_all_or_nothing(tmp_path):
    small = write_tmx_file(tmp_path / "small.tmx", [("Hola.", "Hello.")])
    big = _big_tmx(tmp_path / "big.tmx", 20_000)
    killed_inside = 0
    for n, extra in enumerate((0.0, 0.05, 0.2, 0.5, 0.0, 0.1)):
        db = tmp_path / f"tm{n}.sqlite"
        with TranslationMemory(db, create=True) as tm:
            tm.import_file(small)
        process = subprocess.Popen([sys.executable, "-m", "alinea", "tm", "import", str(big), "--db", str(db)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        inside = False
        while process.poll() is None:
            if _writer_active(db):  # the file's transaction has begun: kill it in the middle
                inside = True
                time.sleep(extra)
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        units, imports = _consistent(db)
        assert (units, imports) in ((1, 1), (20_001, 2)), (extra, units, imports)
        killed_inside += inside and units == 1
    assert killed_inside >= 2  # kills that landed inside the transaction left nothing of the file
    with TranslationMemory(db) as tm:  # the memory still works, and takes the file afterwards
        tm.import_file(big)
        assert tm.stats().units == 20_001


def test_lookups_while_an_import_runs(tmp_path):
    db = tmp_path / "tm.sqlite"
    small = write_tmx_file(tmp_path / "small.tmx", [("La migración internacional y el desarrollo.",
                                                     "International migration and development.")])
    assert cli("tm", "import", small, "--db", db).returncode == 0
    big = _big_tmx(tmp_path / "big.tmx", 30_000)
    process = subprocess.Popen([sys.executable, "-m", "alinea", "tm", "import", str(big), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lookups = 0
    try:
        with TranslationMemory(db, readonly=True) as tm:
            while process.poll() is None and lookups < 500:
                hits = tm.lookup("La migración internacional y el desarrollo.", min_score=100)
                assert hits and hits[0].target == "International migration and development."
                lookups += 1
    finally:
        _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert lookups >= 3
    with TranslationMemory(db, readonly=True) as tm:
        assert tm.stats().units == 30_001


# --- the import's own TMX reading ------------------------------------------------

VARIED_BODY = """<tu tuid="a1" changedate="20050607T080910Z"><prop type="x-document"> A/58/98 </prop>
<prop type="x-document">ignored, not the first</prop><prop type="x-score">0.75</prop><prop type="x-reviewed"> Sí </prop>
<prop type="x-bead">2-1</prop><prop type="x-paragraph">12</prop><prop type="x-kind">heading</prop>
<tuv xml:lang="ES-es"><seg>  Texto   con\tespacios\u00a0y
 saltos. </seg></tuv>
<tuv xml:lang="en_GB"><seg>Text with <bpt i="1">{b}</bpt>code<ept i="1">{/b}</ept> and <hi>kept</hi> words.</seg>
</tuv></tu>
<tu creationdate="20010101T000000Z"><note>  unaligned (1-0)</note><tuv xml:lang="es"><seg>Solo.</seg></tuv></tu>
<tu><tuv xml:lang="es"><seg>Sin inglés.</seg></tuv><tuv xml:lang="fr"><seg>Sans anglais.</seg></tuv></tu>
<tu><tuv xml:lang="es"><seg>   </seg></tuv><tuv xml:lang="en"><seg>Blank source.</seg></tuv></tu>
<tu tuid=""><prop type="x-bead"> 1-1 </prop><prop type="x-score">high</prop><prop type="x-reviewed">no</prop>
<tuv xml:lang="es"><seg>Cafe\u0301 de la man\u0303ana.</seg></tuv><tuv xml:lang="en"><seg>Morning coffee.</seg></tuv>
<tuv xml:lang="es"><seg>Segunda variante española, ignorada.</seg></tuv></tu>
<tu changedate="bad date"><prop type="x-document"></prop>
<tuv xml:lang="es-MX"><seg>Uno <ph x="1">&lt;br/&gt;</ph>dos.</seg></tuv>
<tuv xml:lang="en-US"><seg>One two.</seg></tuv></tu>
<tu><tuv xml:lang="es"><seg>Uno  dos.</seg></tuv><tuv xml:lang="en"><seg>One two.</seg></tuv></tu>
"""


def reference_units(path: Path, document: str | None, reviewed: bool) -> tuple[list[tuple], int, dict]:
    """What the import must read from a TMX, through the general reader (alinea.tmx.reader.iter_units)."""
    import unicodedata

    from alinea.tm.importer import _flag, _score, _tmx_date, file_format  # noqa: F401
    from alinea.tmx.reader import header_of, iter_units, parse_tmx

    tree = parse_tmx(path)
    header = header_of(tree)
    units, skipped, read = [], {}, 0
    for unit in iter_units(tree):
        read += 1
        source, target = unit.text("es"), unit.text("en")
        if not source or not target:
            why = "unaligned" if any(n.startswith("unaligned") for n in unit.notes) else \
                f"without {'es' if not source else 'en'}"
            skipped[why] = skipped.get(why, 0) + 1
            continue
        date = unit.element.get("changedate") or unit.element.get("creationdate")
        flag = unit.props.get("x-reviewed")
        units.append((unicodedata.normalize("NFC", source), unicodedata.normalize("NFC", target),
                      unit.props.get("x-document") or document, unit.tuid,
                      _score(unit.props["x-score"]) if "x-score" in unit.props else None,
                      reviewed or (flag is not None and _flag(flag, "here")), unit.bead_kind or None,
                      unit.props.get("x-paragraph") or None,
                      _tmx_date(date) if date else _tmx_date(header.get("changedate") or header.get("creationdate"))))
    return units, read, skipped


@pytest.mark.parametrize("document, reviewed", [(None, False), ("D/1", True)])
def test_import_reads_a_tmx_as_the_general_reader_does(tmp_path, document, reviewed):
    """The import's direct <tu> loop gives the units iter_units() gives, on every kind of <tu>."""
    from alinea.tm.importer import read_file

    path = tmp_path / "varied.tmx"
    path.write_text(HEADER + VARIED_BODY + "</body>\n</tmx>\n", encoding="utf-8")
    read = read_file(path, document=document, reviewed=reviewed)
    expected, units_read, skipped = reference_units(path, document, reviewed)
    assert [tuple(unit) for unit in read.units] == expected
    assert (read.units_read, dict(read.skipped)) == (units_read, skipped) == (7, {"unaligned": 1, "without en": 1,
                                                                                  "without es": 1})
    first = read.units[0]
    assert first.source == "Texto con espacios y saltos." and first.target == "Text with code and kept words."
    assert (first.document, first.tuid, first.reviewed, first.bead, first.paragraph, first.date) == \
        ("A/58/98", "a1", True, "2-1", "12", "2005-06-07T08:09:10Z")
    assert read.units[1].source == "Café de la mañana." and read.units[1].bead == "1-1"


def test_import_refuses_a_bad_reviewed_flag_with_its_line(tmp_path):
    from alinea.tm.importer import read_file

    path = write_tmx_file(tmp_path / "flag.tmx", [("Uno.", "One."), ("Dos.", "Two.", {"x-reviewed": "maybe"})])
    with pytest.raises(InputError, match=r"flag\.tmx:\d+: reviewed flag 'maybe' is neither yes nor no"):
        read_file(path)
    assert read_file(path, reviewed=True).count == 2  # --reviewed overrides what the file says


def test_import_refuses_a_bad_bead_type_as_the_general_reader_does(tmp_path):
    from alinea.tm.importer import read_file
    from alinea.tmx.reader import iter_units, parse_tmx

    path = write_tmx_file(tmp_path / "bead.tmx", [("Uno.", "One.", {"x-bead": "1-1"}),
                                                  ("Dos.", "Two.", {"x-bead": "banana"})])
    with pytest.raises(InputError) as general:
        [unit.bead_kind for unit in iter_units(parse_tmx(path))]
    with pytest.raises(InputError) as imported:
        read_file(path)
    assert str(imported.value) == str(general.value)
    assert "unit 2: x-bead 'banana' is not a bead type" in str(imported.value)


def test_new_memory_has_large_pages_and_old_memories_are_upgraded(tmp_path):
    """A version-1 memory (FTS5 indexes with column sizes) is upgraded to 2 with its indexes rebuilt."""
    from alinea.tm import store

    units = [(f"La trata de personas {k}.", f"Trafficking in persons {k}.") for k in range(50)]
    tmx = write_tmx_file(tmp_path / "a.tmx", units)
    db = tmp_path / "tm.sqlite"
    with TranslationMemory(db, create=True) as tm:
        assert tm.conn.execute("PRAGMA page_size").fetchone()[0] == store.PAGE_SIZE
        tm.import_file(tmx)
        expected = [(h.id, h.source) for h in tm.search("trata de personas", limit=100)]
        assert len(expected) == 50
    # Made back into version 1: the FTS5 tables as version 1 had them, indexed.
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.execute("DROP TABLE units_fts")
        conn.execute("DROP TABLE units_words")
        conn.execute("CREATE VIRTUAL TABLE units_fts USING fts5(source, target, content='units', content_rowid='id', "
                     "tokenize='unicode61 remove_diacritics 2')")
        conn.execute("CREATE VIRTUAL TABLE units_words USING fts5(source, content='units', content_rowid='id', "
                     "tokenize='unicode61 remove_diacritics 2', detail='none')")
        for index in ("units_fts", "units_words"):
            conn.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        conn.execute("PRAGMA user_version = 1")
        conn.execute("COMMIT")
    with TranslationMemory(db, readonly=True) as tm:  # upgraded on first open, then read
        assert tm.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        sql = tm.conn.execute("SELECT group_concat(sql) FROM sqlite_schema WHERE name LIKE 'units_%'").fetchone()[0]
        assert sql.count("columnsize=0") == 2
        assert [(h.id, h.source) for h in tm.search("trata de personas", limit=100)] == expected
        assert tm.lookup("La trata de personas 7.")[0].score == 100
        assert tm.conn.execute("SELECT count(*) FROM units_words WHERE units_words MATCH 'trata'").fetchone()[0] == 50


# --- several files ---------------------------------------------------------------

def _content(db: Path) -> dict:
    """Everything an import writes, but dates and paths of the imports."""
    with closing(sqlite3.connect(db)) as conn:
        return {
            "units": conn.execute("SELECT * FROM units ORDER BY id").fetchall(),
            "occurrences": conn.execute("SELECT * FROM occurrences ORDER BY rowid").fetchall(),
            "imports": conn.execute("SELECT id, sha256, format, tool, units_read, units_added, units_merged, "
                                    "units_skipped FROM imports ORDER BY id").fetchall(),
            "fts": conn.execute("SELECT rowid FROM units_fts WHERE units_fts MATCH 'migracion' ORDER BY rowid"
                                ).fetchall(),
            "words": conn.execute("SELECT rowid FROM units_words WHERE units_words MATCH 'desarrollo 42'"
                                  ).fetchall(),
        }


def test_files_read_by_several_processes_give_the_same_memory(tmp_path):
    """import_files (reading processes, then one transaction per file) = one import_file after another."""
    files = [_big_tmx(tmp_path / f"f{k}.tmx", 6_000 + 500 * k) for k in range(4)]  # overlapping units: merges
    one_by_one = tmp_path / "one.sqlite"
    with TranslationMemory(one_by_one, create=True) as tm:
        expected = [tm.import_file(f) for f in files]
    pooled = tmp_path / "pooled.sqlite"
    done = []
    with TranslationMemory(pooled, create=True) as tm:
        results = tm.import_files(files, progress=done.append, workers=2)
    assert [(r.added, r.merged) for r in results] == [(r.added, r.merged) for r in expected] == \
        [(6_000, 0), (500, 6_000), (500, 6_500), (500, 7_000)]
    assert done == results  # progress reported each file
    assert _content(pooled) == _content(one_by_one)
    assert _consistent(pooled) == (7_500, 4)


def test_kill_during_a_several_file_import(tmp_path):
    """Killed at any moment of a several-file import: every file all in or all out, the memory consistent."""
    small = write_tmx_file(tmp_path / "small.tmx", [("Hola.", "Hello.")])
    files = [_big_tmx(tmp_path / f"f{k}.tmx", 15_000) for k in range(3)]  # the same units: later files merge
    for n, extra in enumerate((0.0, 0.3, 1.0)):
        db = tmp_path / f"tm{n}.sqlite"
        with TranslationMemory(db, create=True) as tm:
            tm.import_file(small)
        process = subprocess.Popen([sys.executable, "-m", "alinea", "tm", "import", *map(str, files), "--db", str(db)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and not _writer_active(db):
            time.sleep(0.005)
        time.sleep(extra)
        process.send_signal(signal.SIGKILL)
        process.wait()
        units, imports = _consistent(db)  # occurrences = units read by the imports recorded: whole files only
        assert (units, imports) in ((1, 1), (15_001, 2), (15_001, 3), (15_001, 4)), (extra, units, imports)
