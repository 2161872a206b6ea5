"""``alinea review``: correct an alignment in the browser, or export the review."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import click

from alinea.align.utils import check_lang

from .options import LANG_CODE


def serve_review(session, port: int, open_browser: bool, sock=None) -> None:
    """Serve ``session`` on 127.0.0.1 (``sock``, or a new socket on ``port``) until Ctrl+C.

    The page's address, with its token, is the first line of standard output.
    """
    from alinea.review.server import bind, new_token, serve, url_of

    if sock is None:
        try:
            sock = bind(port)
        except BaseException:
            session.close()
            raise
    token = new_token()
    url = url_of(sock, token)
    click.echo(url)
    sys.stdout.flush()
    facts = session.summary()
    _echo_notes(facts)
    click.echo(f"reviewing {session.input_path}: {facts['beads']} beads, {facts['confirmed']} confirmed; "
               f"every edit is saved at once in {session.store.path}", err=True)
    click.echo(f"stop with Ctrl+C at any time; `alinea review {session.input_path}` continues", err=True)

    def open_page() -> None:
        import webbrowser

        # Without a display (an SSH session) Python would start a text browser in this terminal.
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            click.echo("no display here: open the address above in a browser", err=True)
            return
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    try:
        serve(session, sock, token, open_page if open_browser else None)
    except KeyboardInterrupt:  # Ctrl+C is how the server stops (uvicorn re-raises it after shutting down)
        pass
    finally:
        session.close()
        sock.close()
    click.echo(f"review saved in {session.store.path}", err=True)


def _echo_notes(facts: dict) -> None:
    """What of the input is not in the review (skipped units, sentences left out), on standard error."""
    for note in facts["notes"]:
        click.echo(note, err=True)


@click.command()
@click.argument("input_file", metavar="TMX_OR_TABLE", type=click.Path(path_type=Path))
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port to listen on, on 127.0.0.1 only.  [default: a free port]")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser; just print its address.")
@click.option("--export", "export_to", type=click.Path(path_type=Path),
              help="Write the reviewed alignment (.tmx, .tsv, .csv or .xlsx) and exit, without a server "
                   "(an input with no review yet is written as it stands).")
@click.option("--keep-unaligned", is_flag=True, help="With a TMX export: write 1-0 / 0-1 beads too, with a note.")
@click.option("--review-file", type=click.Path(path_type=Path),
              help="Where the review is kept.  [default: INPUT.review.sqlite beside the input]")
@click.option("--restart", is_flag=True, help="Discard the review of INPUT so far and start again from INPUT.")
@click.option("--src-lang", default="es", show_default=True, type=LANG_CODE, help="Source language in the file.")
@click.option("--tgt-lang", default="en", show_default=True, type=LANG_CODE, help="Target language in the file.")
def review(input_file: Path, port: int, no_browser: bool, export_to: Path | None, keep_unaligned: bool,
           review_file: Path | None, restart: bool, src_lang: str, tgt_lang: str) -> None:
    """Review and correct an alignment (a TMX or table written by alinea align) in the browser.

    Prints the page's address, http://127.0.0.1:PORT/?token=..., on the first line of
    standard output, and keeps every edit in INPUT.review.sqlite: stop at any time and
    run the same command to continue.

    Examples: alinea review tm.tmx; alinea review tm.tmx --export tm.reviewed.tmx
    """
    from alinea.review.session import ReviewSession

    if restart and export_to:
        raise click.UsageError("--restart and --export do not go together")
    if check_lang(src_lang) == check_lang(tgt_lang):
        raise click.UsageError("--src-lang and --tgt-lang must be one Spanish and one English")
    if export_to:
        from alinea.review.store import review_path_for

        started = Path(review_file or review_path_for(input_file)).exists()
        if started:
            session = ReviewSession.open(input_file, review_file=review_file, src_lang=src_lang,
                                         tgt_lang=tgt_lang, editing=False, create=False)
        else:  # nothing reviewed yet: the input as it is, read in memory (no review file is created)
            session = ReviewSession.read(input_file, src_lang=src_lang, tgt_lang=tgt_lang)
        try:
            written = session.export(export_to, keep_unaligned)
            facts = session.summary()
        finally:
            session.close()
        what = "translation units" if export_to.suffix.lower() in (".tmx", ".xml") else "rows"
        _echo_notes(facts)
        if not started:
            click.echo(f"{input_file} has no review yet: exported as it stands (no review file created)", err=True)
        click.echo(f"beads: {facts['beads']} ({facts['confirmed']} confirmed, {facts['edited']} edited)", err=True)
        click.echo(f"wrote {export_to} ({written} {what})", err=True)
        return
    session = ReviewSession.open(input_file, review_file=review_file, src_lang=src_lang, tgt_lang=tgt_lang,
                                 restart=restart)
    serve_review(session, port, not no_browser)


COMMANDS = [review]
