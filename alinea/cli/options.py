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
