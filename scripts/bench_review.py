"""Benchmark of the review editor, `alinea review`, on a 5,000-bead alignment.

The alignment is report A/58/98 (aligned once by alinea) repeated until it has
``--beads`` beads, written as a TMX with the unaligned beads. Measured in one run:

1. Server start: from starting ``alinea review FILE --no-browser`` to the URL on
   stdout and to the first answer of the page's API, the first time (the TMX is read
   and the review file created) and when the review file exists. Peer: ``alinea
   report FILE -o R.html``, the static review page of the same file.
2. First paint in headless Chromium (Debian's, driven by Selenium): navigation start to
   the first beads on screen (the page's own mark) and to the first contentful paint.
   Peer: the static ``alinea report`` page of the same alignment in the same browser
   (first contentful paint and load).
3. Edit round trip: ``--edits`` edits (confirm, merge with next, undo, at random beads)
   over HTTP, each answered with the refreshed page of 100 beads as the page asks;
   then the same kind of edits through the page itself (request + rendering), timed
   in the browser. Target: p95 under 100 ms.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")


def build_tmx(folder: Path, beads: int) -> Path:
    from alinea.align.model import Bead, Bitext
    from alinea.corpora import corpus
    from alinea.pipeline import align_files
    from alinea.tmx.writer import write_tmx

    pair = corpus("A_58_98")
    one = align_files(pair.path("es"), pair.path("en"), meta={"symbol": "A/58/98"})
    src, tgt, out = [], [], []
    while len(out) < beads:
        s0, t0 = len(src), len(tgt)
        src += one.src
        tgt += one.tgt
        out += [Bead(tuple(s0 + i for i in b.src), tuple(t0 + j for j in b.tgt), b.score) for b in one.beads]
    out = out[:beads]
    n_src = max((i for b in out for i in b.src), default=-1) + 1
    n_tgt = max((j for b in out for j in b.tgt), default=-1) + 1
    path = folder / "big.tmx"
    write_tmx(Bitext(src[:n_src], tgt[:n_tgt], out, meta={"symbol": "A/58/98 x repeated"}), path, keep_unaligned=True)
    return path


def start_server(path: Path, ask: bool = True) -> tuple[subprocess.Popen, str, float, float | None]:
    """(process, URL, seconds to the URL line, seconds to the first API answer when ``ask``)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "alinea", "review", str(path), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
    if not line or not line[0].startswith("http"):
        proc.kill()
        sys.exit(f"bench_review: the server did not start: {proc.stderr.read()}")
    url_at = time.perf_counter() - started
    url = line[0].strip()
    if not ask:
        return proc, url, url_at, None
    host, token = url.split("//")[1].split("/")[0], url.split("token=")[1]
    conn = http.client.HTTPConnection(host, timeout=120)
    conn.request("GET", "/api/view?limit=100", headers={"X-Alinea-Token": token})
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 200, answer.status
    conn.close()
    return proc, url, url_at, time.perf_counter() - started


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(2)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def paint_times(driver, url: str, mark: str | None) -> tuple[float, float]:
    """(ms to the mark or to the load event, ms to the first contentful paint) of a fresh navigation."""
    driver.get("about:blank")
    driver.get(url)
    script = """
        const done = arguments[arguments.length - 1];
        const mark = arguments[0];
        function check() {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          const own = mark ? performance.getEntriesByName(mark)[0] : null;
          const ready = mark ? own : (nav && nav.loadEventEnd > 0);
          if (ready && fcp) done([mark ? own.startTime : nav.loadEventEnd, fcp.startTime]);
          else setTimeout(check, 20);
        }
        check();"""
    driver.set_script_timeout(120)
    return tuple(driver.execute_async_script(script, mark))


def http_edits(url: str, count: int, beads: int, seed: int = 7) -> list[float]:
    host, token = url.split("//")[1].split("/")[0], url.split("token=")[1]
    conn = http.client.HTTPConnection(host, timeout=60)
    rng = random.Random(seed)
    times = []
    ops = []
    while len(ops) < count:
        bead = rng.randrange(1, beads - 2)
        ops += [("confirm", {"bead": bead, "value": True}), ("confirm", {"bead": bead, "value": False}),
                ("merge_next", {"bead": bead}), ("undo", {})]
    for op, args in ops[:count]:
        body = json.dumps({"op": op, "args": args, "view": {"offset": 0, "limit": 100}})
        started = time.perf_counter()
        conn.request("POST", "/api/edit", body=body, headers={"X-Alinea-Token": token,
                                                               "Content-Type": "application/json"})
        answer = conn.getresponse()
        answer.read()
        times.append(time.perf_counter() - started)
        if answer.status != 200:
            sys.exit(f"bench_review: edit {op} {args} failed with {answer.status}")
    conn.close()
    return times


def page_edits(driver, count: int) -> list[float]:
    """Edits through the page's own edit(): request, answer and re-rendering of 100 beads (ms)."""
    script = """
        const done = arguments[arguments.length - 1];
        const count = arguments[0];
        (async () => {
          const times = [];
          for (let i = 0; i < count; i++) {
            const bead = state.data.beads[i % state.data.beads.length].bead;
            const op = i % 2 === 0 ? ["merge_next", {bead}] : ["undo", {}];
            const started = performance.now();
            await edit(op[0], op[1]);
            times.push(performance.now() - started);
          }
          done(times);
        })();"""
    driver.set_script_timeout(300)
    return [t / 1000 for t in driver.execute_async_script(script, count)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beads", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=300, help="edits over HTTP (and a fifth of it in the page)")
    parser.add_argument("--repeat", type=int, default=3, help="page loads per page (median reported)")
    args = parser.parse_args()
    have_browser = all(shutil.which(x) for x in ("chromedriver",)) and \
        (shutil.which("chromium") or shutil.which("chromium-browser"))
    print(f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        tmx = build_tmx(folder, args.beads)
        print(f"alignment: {args.beads} beads ({tmx.stat().st_size / 1e6:.1f} MB TMX, A/58/98 repeated)")

        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "alinea", "report", str(tmx), "-o", str(folder / "report.html")],
                       check=True, capture_output=True)
        report_seconds = time.perf_counter() - started
        proc, url, first_url, first_api = start_server(tmx)
        stop(proc)
        proc, url, again_url, again_api = start_server(tmx)
        stop(proc)
        print("server start        URL printed   first API answer")
        print(f"  first open        {ms(first_url):>10}   {ms(first_api):>10}   "
              "(reads the TMX, creates the review file)")
        print(f"  review file there {ms(again_url):>10}   {ms(again_api):>10}")
        print(f"  peer: alinea report -o R.html (static review page of the same TMX): {ms(report_seconds)}")
        driver = browser(folder / "profile") if have_browser else None
        proc, url, _, _ = start_server(tmx, ask=False)
        try:
            if driver is not None:
                cold = paint_times(driver, url, "alinea-beads-shown")  # the page asked at once: nothing warm yet
                review = [paint_times(driver, url, "alinea-beads-shown") for _ in range(args.repeat)]
                static = [paint_times(driver, (folder / "report.html").as_uri(), None) for _ in range(args.repeat)]
                print(f"first paint in Chromium, review page: beads on screen {cold[0]:.0f} ms (first load, the "
                      f"server just started), {statistics.median(r[0] for r in review):.0f} ms (median of "
                      f"{args.repeat} reloads); first contentful paint {statistics.median(r[1] for r in review):.0f} ms"
                      f"  (target < 1000 ms: {'met' if max(cold[0], *(r[0] for r in review)) < 1000 else 'NOT met'})")
                print(f"  peer: static alinea report page, same alignment: first contentful paint "
                      f"{statistics.median(r[1] for r in static):.0f} ms, load "
                      f"{statistics.median(r[0] for r in static):.0f} ms")
            else:
                print("chromium/chromedriver not installed: no browser figures "
                      "(apt-get install chromium chromium-driver)")
            times = http_edits(url, args.edits, args.beads)
            print(f"edit round trip over HTTP ({len(times)} edits: confirm, unconfirm, merge, undo; answer = "
                  f"page of 100 beads): p50 {ms(pct(times, .5))}, p95 {ms(pct(times, .95))}, max {ms(max(times))}"
                  f"  (target p95 < 100 ms: {'met' if pct(times, .95) < 0.1 else 'NOT met'})")
            if driver is not None:
                paint_times(driver, url, "alinea-beads-shown")  # back on the review page
                in_page = page_edits(driver, max(10, args.edits // 5))
                print(f"edit round trip in the page ({len(in_page)} edits: merge, undo; request + rendering "
                      f"100 beads): p50 {ms(pct(in_page, .5))}, p95 {ms(pct(in_page, .95))}, "
                      f"max {ms(max(in_page))}")
        finally:
            stop(proc)
            if driver is not None:
                driver.quit()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
