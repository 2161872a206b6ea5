"""Shared pieces of the self-contained HTML reports (Jinja2, no external assets)."""
from __future__ import annotations

import base64
import io
import os

from jinja2 import Environment, PackageLoader, select_autoescape

from alinea.align.utils import atomic_write

_ENV = Environment(
    loader=PackageLoader("alinea.report", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context) -> str:
    """Render a template; every value is HTML-escaped unless marked safe."""
    from alinea._version import __version__

    return _ENV.get_template(template).render(version=__version__, **context)


def write_html(path: str | os.PathLike, template: str, **context) -> None:
    html = render(template, **context)
    with atomic_write(path) as fh:
        fh.write(html)


def figure_data_uri(fig, tight: bool = True) -> str:
    """A matplotlib figure as an embeddable PNG data URI.

    ``tight``: crop to what is drawn (``bbox_inches="tight"``), which draws the figure twice;
    a figure whose margins are set by hand passes False (the review's plot: a third of its cost).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight" if tight else None)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
