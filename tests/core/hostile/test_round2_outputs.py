"""An output that is one of the inputs, or not a regular file, is refused before any work."""

import os

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import W2VError
from w2vstudio.core.map.coordinates import write_coordinates
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.train.model import Model

SMALL = ("--dim", "8", "--epochs", "1", "--min-count", "1", "--threads", "1", "--quiet")
TEXT = "the king and the queen met a man and a woman\n" * 30


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT)
    return path


def _refused(capsys, argv, says):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 1 and says in err and "Traceback" not in err and err.count("\n") == 1, err


def test_train_refuses_its_corpus_as_output(corpus, capsys):
    _refused(capsys, ["train", corpus, "-o", corpus, *SMALL], "is one of the inputs")
    assert corpus.read_text() == TEXT


def test_through_a_link_and_a_hard_link(corpus, tmp_path, capsys):
    (tmp_path / "soft.txt").symlink_to(corpus)
    os.link(corpus, tmp_path / "hard.txt")
    for name in ("soft.txt", "hard.txt"):
        _refused(capsys, ["train", corpus, "-o", tmp_path / name, *SMALL], f"{name} is one of the inputs")
    assert corpus.read_text() == TEXT


def test_a_file_of_a_corpus_folder(corpus, tmp_path, capsys):
    _refused(capsys, ["train", tmp_path, "-o", corpus, *SMALL], "is one of the inputs")


def test_map_refuses_its_model_as_output(corpus, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(corpus), "-o", str(model), *SMALL]) == 0
    before = model.read_bytes()
    capsys.readouterr()
    _refused(capsys, ["map", model, "-o", model], "m.npz is one of the inputs")
    assert model.read_bytes() == before and Model.load(model).dim == 8


def test_continue_from_as_output_refused(corpus, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(corpus), "-o", str(model), *SMALL]) == 0
    capsys.readouterr()
    _refused(capsys, ["train", corpus, "--continue-from", model, "-o", model, "--quiet"], "is one of the inputs")


def test_a_device_or_fifo_is_never_replaced(corpus, tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for node in (fifo, "/dev/null"):
        _refused(capsys, ["train", corpus, "-o", node, *SMALL], "is not a regular file")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    with pytest.raises(W2VError, match="not a regular file"):
        write_coordinates(fifo, ["a"], np.zeros((1, 2)), None)
    with pytest.raises(W2VError, match="not a regular file"), atomic_write("/dev/null") as f:
        f.write(b"x")


def test_a_long_output_name_is_named_not_the_temporary_file(corpus, tmp_path):
    name = tmp_path / ("n" * 250)
    with atomic_write(name) as f:
        f.write(b"ok")
    assert name.read_bytes() == b"ok"
    too_long = tmp_path / ("n" * 300)
    with pytest.raises(OSError) as caught, atomic_write(too_long) as f:
        f.write(b"x")
    assert caught.value.filename == str(too_long)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_train_names_the_long_output(corpus, tmp_path, capsys):
    out = tmp_path / ("o" * 250)
    assert main(["train", str(corpus), "-o", str(out), *SMALL]) == 0
    assert Model.load(out).dim == 8
