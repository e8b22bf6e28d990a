"""Skip-gram's negatives shared by a window: the default, stored in the model, kept when trained further."""

from dataclasses import asdict

import numpy as np

from w2vstudio.cli import main
from w2vstudio.core.train import modelfile
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.run import TrainingRun

SMALL = ("--dim", "12", "--epochs", "1", "--min-count", "2", "--threads", "1", "--quiet")


def _train(capsys, *argv):
    code = main(["train", *map(str, argv), *SMALL])
    _, err = capsys.readouterr()
    assert code == 0, err


def test_shared_is_the_default_and_the_flag_turns_it_off(topic_file, tmp_path, capsys):
    assert TrainParams().shared_negatives is True
    _train(capsys, topic_file, "-o", tmp_path / "shared.npz")
    _train(capsys, topic_file, "-o", tmp_path / "pairs.npz", "--no-shared-negatives")
    assert Model.load(tmp_path / "shared.npz").params.shared_negatives is True
    assert Model.load(tmp_path / "pairs.npz").params.shared_negatives is False


def test_the_two_updates_train_differently(topic_file, tmp_path, capsys):
    _train(capsys, topic_file, "-o", tmp_path / "shared.npz", "--shared-negatives")
    _train(capsys, topic_file, "-o", tmp_path / "pairs.npz", "--no-shared-negatives")
    a, b = Model.load(tmp_path / "shared.npz"), Model.load(tmp_path / "pairs.npz")
    assert not np.array_equal(a.vectors, b.vectors)
    assert np.isfinite(a.epoch_losses).all() and np.isfinite(b.epoch_losses).all()


def test_continued_training_keeps_what_the_model_was_trained_with(topic_file, tmp_path, capsys):
    _train(capsys, topic_file, "-o", tmp_path / "pairs.npz", "--no-shared-negatives")
    _train(capsys, topic_file, "--continue-from", tmp_path / "pairs.npz", "-o", tmp_path / "more.npz")
    assert Model.load(tmp_path / "more.npz").params.shared_negatives is False
    shared = TrainingRun([topic_file], TrainParams(dim=12, epochs=1, min_count=2, threads=1)).train().model
    again = TrainingRun([topic_file], TrainParams(dim=12, epochs=1, min_count=2, threads=1, shared_negatives=False),
                        continue_from=shared).train().model
    assert again.params.shared_negatives is True


def test_a_model_file_from_before_shared_negatives_was_trained_per_pair(topic_file, tmp_path, capsys):
    _train(capsys, topic_file, "-o", tmp_path / "m.npz")
    model = Model.load(tmp_path / "m.npz")
    meta = model.meta()
    del meta["params"]["shared_negatives"]
    arrays = {"counts": model.vocab.counts, "vectors": model.vectors, "syn1neg": model.syn1neg, "syn1": model.syn1,
              "syn1soft": model.syn1soft, "loss_history": model.loss_history}
    modelfile.write(tmp_path / "old.npz", meta, model.vocab.words, arrays)
    assert Model.load(tmp_path / "old.npz").params.shared_negatives is False
    assert TrainParams.from_dict({"dim": 8}).shared_negatives is False
    assert TrainParams.from_dict(asdict(TrainParams())).shared_negatives is True
