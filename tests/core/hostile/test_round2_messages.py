"""A name cannot forge an error line: control characters are escaped wherever a message is printed."""

from w2vstudio.cli import main
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.printable import printable, verbatim_html
from w2vstudio.gui.workers import error_message


def test_printable_escapes_controls():
    assert printable("a\nw2vstudio: error: forged\x1b[31m\u2028") == "a\\nw2vstudio: error: forged\\x1b[31m\\u2028"
    assert printable("café \\n") == "café \\n"


def test_the_cli_prints_one_line(tmp_path, capsys):
    missing = tmp_path / "x\nw2vstudio: error: forged.txt"
    assert main(["map", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\\n" in err, err


def test_gui_messages_and_tooltips():
    assert "\n" not in error_message(W2VError("bad\nname"))
    tip = verbatim_html("<b>corpus</b>.txt")
    assert "<b>corpus" not in tip and "&lt;b&gt;corpus" in tip
