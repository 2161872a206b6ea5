"""``alinea srx``: alinea's segmentation rules for a CAT tool (SRX 2.0, OmegaT)."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("srx")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="SRX 2.0 file to write ('-': standard output).")
@click.option("--omegat", "project", type=click.Path(file_okay=False, path_type=Path), metavar="PROJECT_DIR",
              help="Install the rules as this OmegaT project's own segmentation rules "
                   "(omegat/segmentation.conf for OmegaT 3, omegat/segmentation.srx for OmegaT 4 and later).")
def srx(out: Path | None, project: Path | None) -> None:
    """Write alinea's Spanish and English sentence segmentation as SRX 2.0 rules.

    A CAT tool that segments with these rules cuts the cleaned text (`alinea segment
    FILE --format paragraphs`) into the sentences of alinea's translation memories, so
    that their units match 100 %.

    Examples: alinea srx -o alinea.srx ; alinea srx --omegat ~/projects/A_58_98
    """
    from alinea.align.srx import write_omegat_rules, write_srx
    from alinea.outputs import SRX, OutputPlan

    from .options import echo_notes

    if not (out or project):
        raise click.UsageError("say where to write: -o RULES.srx or --omegat PROJECT_DIR")
    written = []
    with OutputPlan() as plan:
        rules = plan.add(out, "-o", SRX)
        if rules:
            write_srx(rules.path)
        if project:
            written.extend(write_omegat_rules(project))
        plan.commit()
    echo_notes(plan)
    for path in written:
        click.echo(f"wrote {path}", err=True)


COMMANDS = [srx]
