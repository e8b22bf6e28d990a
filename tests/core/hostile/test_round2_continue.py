"""`train --continue-from` refuses a flag the user gave that the continued model cannot honour."""

import pytest

from w2vstudio.cli import main

SMALL = ("--epochs", "1", "--min-count", "1", "--threads", "1", "--quiet")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("continue")
    (folder / "c.txt").write_text("the king and the queen met a man and a woman\n" * 30)
    path = folder / "m.npz"
    assert main(["train", str(folder / "c.txt"), "-o", str(path), "--dim", "20", *SMALL]) == 0
    return path


@pytest.mark.parametrize("flags,says", [
    (["--dim", "50"], "--dim 50: "),
    (["--cbow"], "--cbow: "),
    (["--hs"], "--hs: "),
    (["--window", "2"], "--window 2: "),
])
def test_a_flag_the_model_cannot_honour(model, tmp_path, capsys, flags, says):
    code = main(["train", str(model.parent / "c.txt"), "--continue-from", str(model), "-o", str(tmp_path / "o.npz"),
                 *flags, *SMALL])
    err = capsys.readouterr().err
    assert code == 1 and says in err and "m.npz" in err and err.count("\n") == 1, err
    assert not (tmp_path / "o.npz").exists()


@pytest.mark.parametrize("flags", [[], ["--dim", "20"], ["--sg"], ["--epochs", "2", "--alpha", "0.01"]])
def test_flags_it_honours_or_agrees_with(model, tmp_path, capsys, flags):
    out = tmp_path / "o.npz"
    code = main(["train", str(model.parent / "c.txt"), "--continue-from", str(model), "-o", str(out), *flags, *SMALL])
    assert code == 0, capsys.readouterr().err
