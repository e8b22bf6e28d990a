"""Checks shared by the command-line tests."""

from w2vstudio.cli import main


def one_error_line(capsys, *argv) -> str:
    """Run `w2vstudio ARGV...`: it must fail with exit 1, nothing on stdout, no traceback and one
    `w2vstudio: error: ...` line on stderr, which is returned."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("w2vstudio: error: "), err
    return lines[0]
