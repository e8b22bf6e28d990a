"""`--help` of every subcommand (new ones included) prints its help, exit 0, no traceback."""

import argparse
import pytest

from w2vstudio.cli import build_parser, main


def _commands() -> list[str]:
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_the_commands_are_found():
    assert {"train", "info", "neighbours", "analogy", "eval"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_help_of_every_subcommand(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    out, err = capsys.readouterr()
    assert exit_.value.code == 0 and err == ""
    assert out.startswith(f"usage: w2vstudio {command}")
