"""Option types shared by the command modules."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import click

from alinea.align.errors import InputError
from alinea.align.utils import check_lang


class LanguageCode(click.ParamType):
    """A Spanish or English language code as TMX writes it: es, es-ES, es-419, en, en-US, en_GB …"""

    name = "LANG"

    def convert(self, value, param, ctx) -> str:
        from alinea.align.utils import tmx_lang

        try:
            check_lang(str(value))
            return tmx_lang(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)


LANG_CODE = LanguageCode()
_IMPORTED = time.perf_counter()


def _check_encoding(ctx, param, value: str | None) -> str | None:
    """``--encoding``: a codec Python knows (utf-8, cp1252, latin-1, utf-16 …)."""
    if value is None:
        return None
    import codecs

    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None


def encoding_option(func):
    """``--encoding NAME``: read text inputs in this encoding instead of detecting it."""
    return click.option("--encoding", callback=_check_encoding, metavar="NAME",
                        help="Encoding of the text inputs (utf-8, cp1252, latin-1, utf-16 ...); "
                             "default: detected.")(func)


def table_encoding_option(func):
    """``--encoding NAME``: read TSV/CSV inputs in this encoding instead of detecting it."""
    return click.option("--encoding", callback=_check_encoding, metavar="NAME",
                        help="Encoding of a TSV/CSV input (utf-8, cp1252, latin-1, utf-16 ...); default: "
                             "detected, as for text files (Excel's CSV in Windows-1252 is recognised).")(func)


def process_seconds() -> float:
    """Wall-clock seconds since this process started (interpreter start-up included).

    Linux gives the start time in /proc/self/stat (clock ticks since boot);
    elsewhere the time since :mod:`alinea.cli` was imported is the best we know.
    """
    import time

    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


def default_output(source: Path, ending: str) -> Path:
    """An output name next to ``source``, LF Aligner style: ``informe.es.txt`` + ``es-en.tmx``
    gives ``informe.es-en.tmx`` (document suffixes and language tags dropped)."""
    name = source.name
    while True:
        stem, dot, suffix = name.rpartition(".")
        if not dot or not stem or suffix.lower() not in _DROPPED_SUFFIXES and not _LANG_TAG.match(suffix):
            break
        name = stem
    return source.parent / f"{name}.{ending}"


def echo_notes(plan) -> None:
    """The output plan's summary lines on stderr: folders created, files written."""
    for line in plan.notes():
        click.echo(line, err=True)


_DROPPED_SUFFIXES = {"txt", "md", "text", "docx", "pdf", "tmx", "xml", "tsv", "tab", "csv", "xlsx"}
_LANG_TAG = re.compile(r"^(?:es|en)(?:[-_][A-Za-z0-9]{2,8})?$", re.IGNORECASE)


def srx_option(command):
    """``--srx RULES.srx``: segment with a CAT tool's SRX 2.0 rules instead of alinea's own."""
    def load(ctx, param, value):
        if value is None:
            return None
        from alinea.align.srx import load_srx

        return load_srx(value)

    return click.option(
        "--srx", "srx", type=click.Path(dir_okay=False), callback=load, metavar="RULES.srx",
        help="Split body paragraphs with these SRX 2.0 rules (your CAT tool's) instead of alinea's own.",
    )(command)
