"""`alinea review` in a real browser: headless Chromium (Debian's) driven by Selenium.

A/58/98 aligned by alinea is the right alignment. Five errors are planted in
it (two beads merged, a bead split in two, a boundary shifted by one sentence,
a sentence without counterpart glued to its neighbour, a corrupted English
text); the test fixes them through the page with keys and clicks, kills the
server half-way (SIGKILL) and checks that every confirmed fix survived, then
exports a TMX from the page and compares it with the right alignment.

`.ci/run` installs the Debian packages ``chromium`` and ``chromium-driver`` when
they are missing. The tests skip only where they are not installed; installed,
they must start, and a browser or driver that fails to start fails the tests
(a broken CI image must not turn the only browser test into a green skip).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alinea.align.model import Bead, Bitext, Sentence
from alinea.align.segment import split_sentences
from alinea.tmx.reader import iter_units, parse_tmx, read_tmx
from alinea.tmx.writer import write_tmx

CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")
WAIT = 30  # seconds for one page update (an edit takes milliseconds; the machine may be busy)


def _chromium() -> tuple[str, str]:
    """The installed browser and driver; a skip only when one is not installed at all."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    missing = [name for name, path in (("chromium", browser), ("chromedriver", driver)) if not path]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed "
                    "(Debian: apt-get install chromium chromium-driver; .ci/run installs them)")
    return browser, driver


@pytest.fixture
def browser(tmp_path):
    binary, driver_path = _chromium()
    # selenium is in the dev extra that scripts/test installs: without it the set-up is broken (an error).
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as exc:  # noqa: BLE001 - installed but not starting: a failure, with its reason
        pytest.fail(f"{binary} and {driver_path} are installed but the browser does not start: "
                    f"{' '.join(str(exc).split())[:500]}", pytrace=False)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


class Server:
    """`alinea review FILE --no-browser` as a child process; its URL is stdout's first line."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "alinea", "review", str(path), "--no-browser"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        if not line or not line[0].startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise AssertionError(f"no URL on stdout: {line} {self.proc.stderr.read()}")
        self.url = line[0].strip()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# --------------------------------------------------------------------------- the planted errors

def _splits_back(texts: list[str], lang: str) -> bool:
    """Whether the TMX reader will cut the joined texts back into the same sentences."""
    return split_sentences(" ".join(texts), lang) == texts


def _plant(bitext: Bitext) -> tuple[list[Bead], dict[str, int]]:
    """Five errors in the right beads: the planted beads, and where each error is (index of its first right bead).

    The TMX joins a bead's sentences with a space and the reader cuts them again with the
    segmenter, so only beads that come back as the same sentences are chosen.
    """
    right = bitext.beads
    es, en = bitext.src, bitext.tgt

    def ok11(k: int) -> bool:
        b = right[k]
        return b.kind == "1-1" and len(es[b.src[0]].text) > 40 and len(en[b.tgt[0]].text) > 40

    def joins(k: int, side: str) -> bool:
        sentences, lang = (es, "es") if side == "src" else (en, "en")
        ids = [i for b in right[k:k + 2] for i in getattr(b, side)]
        return _splits_back([sentences[i].text for i in ids], lang)

    def pair_ok(k: int) -> bool:
        return ok11(k) and ok11(k + 1) and joins(k, "src") and joins(k, "tgt")

    # A 0-1 bead glued to the bead before it (the English sentence went into the wrong bead).
    null = next(k - 1 for k, b in enumerate(right) if k > 40 and b.kind == "0-1"
                and right[k - 1].kind == "1-1" and joins(k - 1, "tgt"))
    merged = next(k for k in range(40, null - 12) if pair_ok(k))
    one_two = next(k for k in range(merged + 3, null - 8) if right[k].kind == "1-2"
                   and len(en[right[k].tgt[1]].text) > 20 and len(es[right[k].src[0]].text) > 60)
    shifted = next(k for k in range(one_two + 3, null - 4) if pair_ok(k))
    typo = next(k for k in range(shifted + 3, null - 1) if ok11(k))
    planted = list(right)
    # Replace from the end so that the earlier indices stay valid.
    n0, n1 = right[null], right[null + 1]
    planted[null:null + 2] = [Bead(n0.src, n0.tgt + n1.tgt, 0.5)]
    a, b = right[shifted], right[shifted + 1]
    planted[shifted:shifted + 2] = [Bead(a.src, a.tgt + b.tgt, 0.4), Bead(b.src, (), 0.1)]
    c = right[one_two]
    planted[one_two:one_two + 1] = [Bead(c.src, c.tgt[:1], 0.45), Bead((), c.tgt[1:], 0.1)]
    d, e = right[merged], right[merged + 1]
    planted[merged:merged + 2] = [Bead(d.src + e.src, d.tgt + e.tgt, 0.3)]
    return planted, {"merged": merged, "one_two": one_two, "shifted": shifted, "typo": typo, "null": null}


def _rows(bitext: Bitext) -> list[tuple[str, str, str]]:
    return [(b.kind, s, t) for b, s, t in bitext.pairs()]


# --------------------------------------------------------------------------- page helpers

def _revision(driver) -> str:
    return driver.execute_script("return document.body.dataset.revision || ''")


def _settled(driver) -> bool:
    return driver.execute_script("return document.body.dataset.busy === '0' && !!document.body.dataset.revision")


def _after_edit(driver, before: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: _settled(d) and _revision(d) != before,
                                      message=f"the page did not update; status: {_status(driver)}")
    assert "error" not in driver.find_element("id", "status").get_attribute("class"), _status(driver)


def _status(driver) -> str:
    return driver.find_element("id", "status").text


def _keys(driver, *keys: str) -> None:
    """Press keys on the page (not in a field), one edit at a time."""
    from selenium.webdriver.common.action_chains import ActionChains

    for key in keys:
        before = _revision(driver)
        ActionChains(driver).send_keys(key).perform()
        if key in "msx[]cM":
            _after_edit(driver, before)


def _bead(driver, number: int):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements("css selector", f'.bead[data-bead="{number}"]') and _settled(d)
        and d.find_element("css selector", f'.bead[data-bead="{number}"]'))


def _sentence(driver, bead: int, side: str, k: int = 0):
    node = _bead(driver, bead).find_elements("css selector", f'.sent[data-side="{side}"]')[k]
    # In the middle of the window, as a user would have it: not under the fixed footer.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", node)
    return node


def _search(driver, text: str, expect_bead: int) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element("id", "search")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text if text else Keys.DELETE)
    try:
        WebDriverWait(driver, WAIT).until(
            lambda d: _settled(d) and d.find_elements("css selector", ".bead")
            and d.find_elements("css selector", ".bead")[0].get_attribute("data-bead") == str(expect_bead))
    except TimeoutException:
        first = [b.get_attribute("data-bead") for b in driver.find_elements("css selector", ".bead")][:5]
        raise AssertionError(f"searching {text!r}: expected bead {expect_bead} first, the page lists {first}; "
                             f"search box {box.get_attribute('value')!r}; status {_status(driver)!r}") from None
    box.send_keys(Keys.ESCAPE)  # leave the field: keys go to the page again


def _click(driver, element) -> None:
    before = _revision(driver)
    element.click()
    _after_edit(driver, before)


def _texts(element) -> list[str]:
    return [s.find_element("css selector", ".text").text for s in element.find_elements("css selector", ".sent")]


# --------------------------------------------------------------------------- the session

def _wait_ready(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.body.dataset.ready") == "1")


def _control(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    before = _revision(driver)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(key).key_up(Keys.CONTROL).perform()
    _after_edit(driver, before)


def _edit_text(driver, bead: int, k: int, text: str) -> None:
    """Select the bead's target sentence k with a click, press e, replace the text, Enter."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    _sentence(driver, bead, "tgt", k).click()
    ActionChains(driver).send_keys("e").perform()
    editor = WebDriverWait(driver, WAIT).until(lambda d: d.find_element("css selector", "textarea.editor"))
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(text)
    before = _revision(driver)
    editor.send_keys(Keys.ENTER)
    _after_edit(driver, before)


def _side_texts(bead) -> tuple[list[str], list[str]]:
    return (_texts(bead.find_element("css selector", ".side.src")),
            _texts(bead.find_element("css selector", ".side.tgt")))


def test_review_session_in_chromium(browser, a58_bitext, tmp_path):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    right = a58_bitext
    es, en = right.src, right.tgt
    planted_beads, at = _plant(right)
    typo_en = right.beads[at["typo"]].tgt[0]
    good_text = en[typo_en].text
    bad_en = list(en)
    first, rest = good_text.split(" ", 1)
    bad_en[typo_en] = Sentence(f"{first} the the {rest}", typo_en)
    tmx = tmp_path / "A_58_98.planted.tmx"
    write_tmx(Bitext(es, bad_en, planted_beads, meta={"symbol": "A/58/98"}), tmx, keep_unaligned=True)
    expected = tmp_path / "right.tmx"
    write_tmx(right, expected, keep_unaligned=True)

    def shown(k: int):  # a right bead's sentences as the page should show them
        bead = right.beads[k]
        return [es[i].text for i in bead.src], [en[j].text for j in bead.tgt]

    server = Server(tmx)
    try:
        browser.get(server.url)
        _wait_ready(browser)
        assert browser.find_element("id", "title").text == "Review: A/58/98"
        assert "m merge with next" in browser.find_element("id", "keys").text  # the shortcuts are on the page

        # A wrong merge with m, taken back with Ctrl+Z, redone with Ctrl+Y, undone with the button.
        assert _bead(browser, 1).find_element("css selector", ".score").text.strip() != "no score"
        _keys(browser, "j", "k", "m")
        assert len(_side_texts(_bead(browser, 1))[0]) == 2
        # Made by hand: no aligner score is shown for it (none is invented).
        assert _bead(browser, 1).find_element("css selector", ".score").text.strip() == "no score"
        _control(browser, "z")
        _control(browser, "y")
        _click(browser, browser.find_element("id", "undo"))
        assert _side_texts(_bead(browser, 1)) == shown(0)

        # 1. Two beads merged into a 2-2. Riskiest first lists it near the top: click its first
        #    Spanish sentence, s; then find each half with the search box and confirm it with c.
        n = at["merged"] + 1
        Select(browser.find_element("id", "order")).select_by_value("risk")
        WebDriverWait(browser, WAIT).until(lambda d: _settled(d) and d.find_element(
            "css selector", ".bead").get_attribute("data-bead") != "1")
        _sentence(browser, n, "src", 0).click()
        _keys(browser, "s")
        Select(browser.find_element("id", "order")).select_by_value("document")
        for k in (at["merged"], at["merged"] + 1):
            _search(browser, es[right.beads[k].src[0]].text[:60], k + 1)
            assert _side_texts(_bead(browser, k + 1)) == shown(k)
            _keys(browser, "c")

        # 2. A 1-2 split into a 1-1 and a 0-1: search, click "merge" (with next), click "confirm".
        n = at["one_two"] + 1
        _search(browser, es[right.beads[at["one_two"]].src[0]].text[:60], n)
        _click(browser, _bead(browser, n).find_element("css selector", '[data-action="merge-next"]'))
        _click(browser, _bead(browser, n).find_element("css selector", '[data-action="confirm"]'))
        assert "confirmed" in _bead(browser, n).get_attribute("class")
        assert _side_texts(_bead(browser, n)) == shown(at["one_two"])

        # 3. A boundary shifted by one English sentence: click that sentence, then its "to the next
        #    bead" tool; confirm with c.
        n = at["shifted"] + 1
        _search(browser, es[right.beads[at["shifted"]].src[0]].text[:60], n)
        last_en = _bead(browser, n).find_elements("css selector", '.sent[data-side="tgt"]')[-1]
        last_en.click()
        _click(browser, last_en.find_element("css selector", '[data-action="move-down"]'))
        assert _side_texts(_bead(browser, n)) == shown(at["shifted"])
        _keys(browser, "c")
        _search(browser, "", 1)

        # Kill the server without warning and start it again: every confirmed fix is still there.
        server.kill()
        server = Server(tmx)
        browser.get(server.url)
        _wait_ready(browser)
        Select(browser.find_element("id", "filter")).select_by_value("confirmed")
        WebDriverWait(browser, WAIT).until(lambda d: _settled(d) and len(d.find_elements("css selector", ".bead")) == 4)
        confirmed = [_side_texts(b) for b in browser.find_elements("css selector", ".bead")]
        assert confirmed == [shown(k) for k in (at["merged"], at["merged"] + 1, at["one_two"], at["shifted"])]
        Select(browser.find_element("id", "filter")).select_by_value("all")

        # 4. A corrupted English text. First try hostile markup: it must show as text, never run.
        n = at["typo"] + 1
        _search(browser, "the the", n)
        hostile = '<img src=x onerror="document.body.dataset.pwned=1"><b>bold</b> &amp;'
        _edit_text(browser, n, 0, hostile)
        _search(browser, "onerror", n)
        assert _side_texts(_bead(browser, n))[1] == [hostile]
        assert not browser.find_elements("css selector", ".sent img, .sent b")
        assert browser.execute_script("return document.body.dataset.pwned") is None
        _edit_text(browser, n, 0, good_text)
        _search(browser, good_text[:60], n)
        assert _side_texts(_bead(browser, n)) == shown(at["typo"])
        _keys(browser, "c")

        # 5. A 0-1 bead glued to the bead before it: search, arrow keys to its English sentence, x;
        #    confirm both beads.
        n = at["null"] + 1
        _search(browser, es[right.beads[at["null"]].src[0]].text[:60], n)
        _keys(browser, Keys.ARROW_RIGHT, Keys.ARROW_DOWN, "x", "c")
        assert _side_texts(_bead(browser, n)) == shown(at["null"])
        _search(browser, en[right.beads[at["null"] + 1].tgt[0]].text[:60], n + 1)
        assert _side_texts(_bead(browser, n + 1)) == shown(at["null"] + 1)
        _keys(browser, "c")
        _search(browser, "", 1)
        browser.save_screenshot(str(tmp_path / "review.png"))

        # Export from the page, unaligned beads included.
        browser.find_element("id", "keep-unaligned").click()
        browser.find_element("id", "export-tmx").click()
        exported = browser.downloads / "A_58_98.planted.reviewed.tmx"
        deadline = time.monotonic() + WAIT
        while not exported.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert exported.exists(), list(browser.downloads.iterdir())
    finally:
        server.stop()
    assert (tmp_path / "review.png").stat().st_size > 10_000
    # The exported TMX is the right alignment, sentence for sentence, with the reviewer's marks.
    assert _rows(read_tmx(exported)) == _rows(read_tmx(expected))
    marks = [u.props.get("x-reviewed") for u in iter_units(parse_tmx(exported))]
    assert marks.count("yes") == 7 and marks.count("edited") == 1  # (b | y) after the move: edited, not confirmed


def test_every_shortcut_and_tool_in_chromium(browser, a58_bitext, tmp_path):
    """The keys and mouse tools the planted-error session did not need: n p M [ ] Space R, double
    click and Esc, the split and unaligned tools."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    right = a58_bitext
    tmx = tmp_path / "A_58_98.tmx"
    write_tmx(right, tmx, keep_unaligned=True)
    es, en = right.src, right.tgt
    one_one = next(k for k in range(20, 90) if all(b.kind == "1-1" for b in right.beads[k:k + 2]))
    two_one = next(k for k in range(0, 90) if right.beads[k].kind == "2-1")

    def texts(k):  # as the TMX has them: whitespace normalized (contents lines have tabs)
        bead = right.beads[k]
        return [" ".join(es[i].text.split()) for i in bead.src], [" ".join(en[j].text.split()) for j in bead.tgt]

    server = Server(tmx)
    try:
        browser.get(server.url)
        _wait_ready(browser)
        def first(d):
            return d.find_element("css selector", ".bead").get_attribute("data-bead")

        ActionChains(browser).send_keys("n").perform()
        WebDriverWait(browser, WAIT).until(lambda d: _settled(d) and first(d) == "101")
        ActionChains(browser).send_keys("p").perform()
        WebDriverWait(browser, WAIT).until(lambda d: _settled(d) and first(d) == "1")

        # ] moves the only Spanish sentence of a 1-1 bead into the next bead; [ brings it back.
        n = one_one + 1
        _sentence(browser, n, "src", 0).click()
        _keys(browser, "]")
        assert _bead(browser, n).find_element("css selector", ".side.src").get_attribute("class").endswith("empty")
        assert _side_texts(_bead(browser, n + 1))[0] == texts(one_one)[0] + texts(one_one + 1)[0]
        _sentence(browser, n, "tgt", 0).click()  # the bead left with English only
        _keys(browser, "j", Keys.ARROW_LEFT, "[")
        assert _side_texts(_bead(browser, n)) == texts(one_one)
        assert _side_texts(_bead(browser, n + 1)) == texts(one_one + 1)

        # M merges with the previous bead; Ctrl+Z takes it back; Space confirms and moves on.
        _sentence(browser, n + 1, "src", 0).click()
        _keys(browser, "M")
        assert len(_side_texts(_bead(browser, n))[0]) == 2
        _control(browser, "z")
        _sentence(browser, n, "src", 0).click()
        before = _revision(browser)
        ActionChains(browser).send_keys(" ").perform()
        _after_edit(browser, before)
        assert "confirmed" in _bead(browser, n).get_attribute("class")
        WebDriverWait(browser, WAIT).until(
            lambda d: d.find_element("css selector", ".bead.focus").get_attribute("data-bead") == str(n + 1))

        # The split and unaligned tools of a sentence; the undo button takes both back.
        m = two_one + 1
        _sentence(browser, m, "src", 0).click()
        _click(browser, _sentence(browser, m, "src", 0).find_element("css selector", '[data-action="split"]'))
        assert len(_side_texts(_bead(browser, m))[0]) == 1
        _sentence(browser, m + 1, "src", 0).click()
        _click(browser, _sentence(browser, m + 1, "src", 0).find_element("css selector", '[data-action="unalign"]'))
        _click(browser, browser.find_element("id", "undo"))
        _click(browser, browser.find_element("id", "undo"))
        assert _side_texts(_bead(browser, m)) == texts(two_one)

        # A double click opens the editor, Esc leaves it unchanged.
        ActionChains(browser).double_click(_sentence(browser, m, "tgt", 0)).perform()
        editor = WebDriverWait(browser, WAIT).until(lambda d: d.find_element("css selector", "textarea.editor"))
        editor.send_keys("changed", Keys.ESCAPE)
        WebDriverWait(browser, WAIT).until(lambda d: not d.find_elements("css selector", "textarea.editor"))
        assert _side_texts(_bead(browser, m)) == texts(two_one)

        # R re-aligns around the confirmed bead: done, or nothing to change; never an error page.
        ActionChains(browser).send_keys("R").perform()
        WebDriverWait(browser, WAIT * 4).until(lambda d: _settled(d) and "align" in _status(d))
        assert "confirmed" in _bead(browser, n).get_attribute("class")
    finally:
        server.stop()
