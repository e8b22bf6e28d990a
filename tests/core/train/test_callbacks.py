"""The training hooks: on_batch for every batch, on_epoch once per epoch after its batches,
on_end once, in the order the callbacks were given."""

import threading

import pytest

from w2vstudio.core.params import TrainParams
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback, TrainResult
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.trainer import Trainer


class Reports(TrainingCallback):
    """Every hook's call, in order; `after_batch(report)` runs after each batch's."""

    def __init__(self, after_batch=None):
        self.calls, self.after_batch = [], after_batch
        self.threads = set()

    def on_batch(self, report: BatchReport):
        self.calls.append(("batch", report))
        self.threads.add(threading.current_thread().name)
        if self.after_batch is not None:
            self.after_batch(report)

    def on_epoch(self, report: EpochReport):
        self.calls.append(("epoch", report))

    def on_end(self, result: TrainResult):
        self.calls.append(("end", result))

    def of(self, hook: str) -> list:
        return [r for name, r in self.calls if name == hook]

    @property
    def batches(self) -> list[BatchReport]:
        return self.of("batch")

    @property
    def epochs(self) -> list[EpochReport]:
        return self.of("epoch")


def _model(corpus, threads=1, epochs=3):
    return Model.create(corpus.vocab, TrainParams(dim=8, epochs=epochs, min_count=2, threads=threads, batch_words=200))


@pytest.mark.parametrize("threads", [1, 2])
def test_hooks_come_in_order_batches_then_their_epoch_then_the_end(topic_corpus, threads):
    reports = Reports()
    result = Trainer(_model(topic_corpus, threads), topic_corpus, [reports]).train()
    assert len(reports.batches) > 3 * 2 and [e.epoch for e in reports.epochs] == [1, 2, 3]
    assert reports.of("end") == [result] and reports.calls[-1] == ("end", result)
    for k, (name, report) in enumerate(reports.calls):
        if name == "epoch":  # every batch of that epoch came before it
            later = [r for n, r in reports.calls[k:] if n == "batch"]
            assert all(r.epoch > report.epoch for r in later)
    if threads == 2:
        assert reports.threads <= {"w2v-0", "w2v-1"}  # the trainer's worker threads


def test_every_callback_hears_each_report_in_the_order_given(topic_corpus):
    heard = []

    class Named(TrainingCallback):
        def __init__(self, name):
            self.name = name

        def on_batch(self, report):
            heard.append((self.name, "batch", report.words_done))

        def on_epoch(self, report):
            heard.append((self.name, "epoch", report.epoch))

    Trainer(_model(topic_corpus, epochs=1), topic_corpus, [Named("a"), Named("b")]).train()
    assert heard[0::2] == [("a", *h[1:]) for h in heard[1::2]] and {h[0] for h in heard[1::2]} == {"b"}


def test_the_base_class_does_nothing(topic_corpus):
    assert Trainer(_model(topic_corpus, epochs=1), topic_corpus, [TrainingCallback()]).train().epochs == 1


def test_a_cancelled_run_still_ends_once(topic_corpus):
    trainer = Trainer(_model(topic_corpus), topic_corpus)
    reports = Reports(after_batch=lambda report: trainer.cancel())
    trainer.callbacks = [reports]
    result = trainer.train()
    assert result.cancelled and reports.of("end") == [result] and reports.epochs == []
