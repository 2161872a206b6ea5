"""Option types shared by the command modules."""
from __future__ import annotations

import click

from alinea.align.errors import InputError
from alinea.align.utils import check_lang


class LanguageCode(click.ParamType):
    """A Spanish or English language code as TMX writes it: es, es-ES, es-419, en, en-US, en_GB …"""

    name = "LANG"

    def convert(self, value, param, ctx) -> str:
        from alinea.tmx.hygiene import tmx_lang

        try:
            check_lang(str(value))
            return tmx_lang(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)


LANG_CODE = LanguageCode()


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
