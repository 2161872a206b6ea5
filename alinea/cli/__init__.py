"""The ``alinea`` command: a thin layer over the Python API.

Each command group lives in its own module and is registered here. Bad input
(:class:`alinea.align.errors.InputError`) becomes one line on stderr and exit code 2.
"""
from __future__ import annotations

import os
import sys

import click

from alinea.align.errors import InputError

EXIT_INPUT = 2
EXIT_INTERNAL = 3


class AlineaGroup(click.Group):
    """A click group that turns errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"alinea: error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("alinea: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `alinea segment ... | head` closes stdout early; that is not an error.
            sys.stderr.close()
            ctx.exit(0)
        except Exception as exc:  # a bug, not bad input: still one line unless debugging
            if os.environ.get("ALINEA_DEBUG"):
                raise
            click.echo(f"alinea: internal error: {type(exc).__name__}: {exc} "
                       "(set ALINEA_DEBUG=1 for a traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=AlineaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="alinea", prog_name="alinea")
def main() -> None:
    """alinea: align Spanish and English documents into translation memories."""


from . import align_cmd  # noqa: E402  (commands register themselves on `main`)

for _command in align_cmd.COMMANDS:
    main.add_command(_command)

from . import report_cmd  # noqa: E402

for _command in report_cmd.COMMANDS:
    main.add_command(_command)

from . import score_cmd  # noqa: E402

for _command in score_cmd.COMMANDS:
    main.add_command(_command)

from . import tmx_cmd  # noqa: E402

for _command in tmx_cmd.COMMANDS:
    main.add_command(_command)

from . import srx_cmd  # noqa: E402

for _command in srx_cmd.COMMANDS:
    main.add_command(_command)
