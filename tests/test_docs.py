"""The README tour names every command, and every command explains itself."""

from pathlib import Path

import click

import reportmine
from reportmine.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix}{name} ")
    return out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    for name, command in _commands(main):
        assert command.help, f"reportmine {name} has no help text"
        assert f"reportmine {name}" in README, f"reportmine {name} is missing from the README tour"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[: README.index("## A tour")]
    assert "make run" in head and "make test" in head


def test_public_api_is_exported() -> None:
    public = {n for n in dir(reportmine) if not n.startswith("_") and n[0].isupper() or n in reportmine.__all__}
    assert set(reportmine.__all__) <= set(dir(reportmine))
    for name in ("Document", "Store", "ingest", "extract_file", "read_document", "Span"):
        assert name in reportmine.__all__ and name in public
