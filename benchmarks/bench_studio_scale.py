"""The studio on a big corpus, as a user drives it: the corpus dropped on the window and read, the
estimate, Train (the vocabulary prepared, the encoding cached), some seconds of training, Stop, the
model joining the session, every tab shown, a neighbours search, then the lenses as a user reads
them: the senses of a frequent word ("bank"), the mirror of "united", an axis (he → she, a few
occupations, read against the baseline of all words), the frequency view, and the map's projection.
For each phase: its time (until its result is shown) and the longest stall of the event loop (the
longest gap between ticks of a 5 ms timer). The budget is 100 ms in every phase.

    python benchmarks/bench_studio_scale.py CORPUS [--train-seconds 10] [--cache DIR [--cold]] [--min-count N] [--where]
    python benchmarks/make_big_corpus.py --words 1000000000 -o big1b.txt   # the 1 B-word corpus

`--cache`: the encoded-corpus cache folder (default: a new temporary one, so the run encodes and
caches; run it twice with one folder to see a corpus opened from the cache, not read again);
`--cold`: its files dropped from the page cache first (`bench_big_corpus.drop_from_page_cache`).
`--min-count`: the form's Min count (a larger vocabulary from a smaller corpus: work that grows
with the vocabulary shows sooner; a smaller one from a big corpus, to compare with wiki17m). With a
`--cache` folder that holds the corpus at another min count, the corpus is found there and not read,
and the estimate waits for a read that nobody starts: give such a run a fresh folder. `--where`: during every stall over 100 ms, sample the stacks of the GUI thread and of the
workers, and print where the longest stalls were (a sampler needs the GIL too: a stall no sample
explains is a worker holding the GIL in one long C call). Screenshots are not taken: saving one
stalls the loop itself.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench_big_corpus import drop_from_page_cache
from bench_gui_stall import StallProbe

STALL = 0.1  # seconds: the budget, and what `--where` explains


class StackSampler:
    """While the GUI thread's timer has not ticked for `STALL` s, sample every thread's stack."""

    def __init__(self, every: float = 0.02):
        self.every = every
        self.main = threading.main_thread().ident
        self.beat = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._on_timeout)
        self.stalls: list[tuple[float, collections.Counter]] = []
        self._current: collections.Counter | None = None
        self._stopped = threading.Event()

    def start(self):
        self.beat = time.perf_counter()
        self.timer.start()
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self):
        self._stopped.set()
        self.timer.stop()

    def _on_timeout(self):
        now = time.perf_counter()
        if self._current is not None:
            self.stalls.append((now - self.beat, self._current))
            self._current = None
        self.beat = now

    def _watch(self):
        while not self._stopped.wait(self.every):
            if time.perf_counter() - self.beat <= STALL:
                continue
            frames = sys._current_frames()
            stacks = []
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                lines = [line for line in traceback.format_stack(frame)[-8:] if "threading.py" not in line]
                stacks.append(("[GUI thread]\n" if ident == self.main else "[worker]\n") + "".join(lines))
            if self._current is None:
                self._current = collections.Counter()
            self._current["\n".join(stacks)] += 1

    def report(self, top: int = 5):
        for length, stacks in sorted(self.stalls, key=lambda s: -s[0])[:top]:
            print(f"\n=== a stall of {1000 * length:.0f} ms, {sum(stacks.values())} samples")
            for stack, n in stacks.most_common(2):
                print(f"--- {n} samples\n{stack}")


class Phases:
    """The longest stall and the time of each phase, in order."""

    def __init__(self, probe: StallProbe, sampler: StackSampler | None):
        self.probe, self.sampler = probe, sampler
        self.rows: list[tuple[str, float, float]] = []
        self.start = time.perf_counter()

    def end(self, name: str):
        now = time.perf_counter()
        self.rows.append((name, now - self.start, self.probe.max_gap))
        print(f"{name:<34} {now - self.start:8.1f} s   longest stall {1000 * self.probe.max_gap:7.0f} ms", flush=True)
        self.probe.max_gap = 0.0
        self.start = now


def pause(ms: int):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, limit: float, step: int = 50) -> bool:
    end = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > end:
            return False
        pause(step)
    return True


def known(kv, wanted: str, rank: int) -> str:
    """`wanted` if the vectors `kv` hold it, else the word of that `rank` (a tiny corpus)."""
    return wanted if wanted in kv else kv.words[min(rank, len(kv) - 1)]


def lens_phase(phases: Phases, window, view, name: str, act, done, limit: float = 1800) -> None:
    """Show the lens `view`, `act` as a user would, and end the phase `name` once `done()`."""
    window.tabs.setCurrentWidget(window.lenses_panel)
    window.lenses_panel.setCurrentWidget(view)
    act()
    finished = wait_until(done, limit, step=5)
    pause(10)  # a tick of the stall probe after a result shown at once: its stall counts here
    phases.end(name if finished else f"{name} (not done in {limit:g} s)")


def read_lenses(phases: Phases, window, kv) -> None:
    """The lenses on the model explored, one phase each: senses, mirror, an axis, frequency, the map."""
    lenses = window.lenses_panel
    senses, mirror, axes = lenses.senses_view, lenses.mirror_view, lenses.axes_view
    word = known(kv, "bank", 300)
    senses.word.setText(word)
    lens_phase(phases, window, senses, f"senses of {word!r}", senses.split, lambda: not senses.busy)
    print(f"  {senses.headline.text()[:160]}")
    word = known(kv, "united", 100)
    mirror.word.setText(word)
    lens_phase(phases, window, mirror, f"the mirror of {word!r}", mirror.look, lambda: not mirror.busy)
    print(f"  {mirror.headline.text()[:160]}")
    axes.ends[0][0].setText("he")
    axes.ends[0][1].setText("she")
    axes.words.setPlainText("doctor nurse engineer teacher lawyer secretary")
    lens_phase(phases, window, axes, "an axis he → she, with its baseline", axes.refresh,
               lambda: not axes.busy and axes.message.text() != "")
    print(f"  {axes.message.text().splitlines()[0][:160]}")
    frequency = lenses.frequency_view
    lens_phase(phases, window, frequency, "the frequency view", lambda: None,
               lambda: not frequency.busy and frequency.table.rowCount() > 0)
    print(f"  {frequency.table.rowCount()} deciles; {frequency.note.text()[:120]}")
    map_panel, projected = window.live_map.map_panel, []
    map_panel.projected.connect(lambda: projected.append(True))
    window.tabs.setCurrentWidget(window.live_map)
    map_panel.project()
    finished = wait_until(lambda: bool(projected) or not map_panel.is_busy(), 1800, step=5)
    pause(10)
    phases.end("the map projected and shown" if finished and projected else "the map: no projection shown")
    print(f"  {map_panel.status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--train-seconds", type=float, default=10.0)
    parser.add_argument("--cache", help="the encoded-corpus cache folder (default: a new temporary one)")
    parser.add_argument("--min-count", type=int, help="the form's Min count (default: the form's own)")
    parser.add_argument("--where", action="store_true", help="sample the stacks during stalls over 100 ms")
    parser.add_argument("--cold", action="store_true",
                        help="drop the cache folder's files from the page cache first, as after a reboot")
    args = parser.parse_args()
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="w2vstudio-bench-")  # the user's settings untouched
    app = QApplication(sys.argv)
    from w2vstudio.gui.main_window import MainWindow

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    panel, corpus_panel = window.train_panel, window.corpus_panel
    panel.cache = args.cache or tempfile.mkdtemp(prefix="w2vstudio-bench-cache-")
    probe = StallProbe()
    probe.start()
    sampler = StackSampler() if args.where else None
    if sampler is not None:
        sampler.start()
    phases = Phases(probe, sampler)

    if args.cold and args.cache:
        drop_from_page_cache(Path(args.cache))
    window.open_paths([args.corpus])
    corpus = lambda: window.session.corpus  # noqa: E731 - read anew: the session replaces it
    wait_until(lambda: corpus_panel.is_scanning or corpus().scanned is not None or bool(corpus().cached), 600)
    wait_until(lambda: not corpus_panel.is_scanning, 86_400)
    phases.end("open and read the corpus" if corpus().scanned is not None else "open: found in the cache, not read")
    print(f"  {corpus_panel.summary.text()}")
    panel.form.set_values({"epochs": 1} if args.min_count is None else {"epochs": 1, "min_count": args.min_count})
    wait_until(lambda: "1 epoch " in panel.estimate.text(), 600)
    phases.end("the estimate for 1 epoch")
    print(f"  {panel.estimate.text()}")

    outcomes = []
    window.session.run_finished.connect(outcomes.append)
    panel.start_action.trigger()
    steps, last = [], None
    while panel.progress_fraction() == 0 and panel.is_busy:
        step = panel.progress.format().split("…")[0]
        if step != last:
            steps.append((time.perf_counter() - phases.start, step))
            last = step
        pause(50)
    phases.end("Train: preparing the vocabulary")
    for at, step in steps:
        print(f"  {at:7.1f} s  {step}")
    pause(round(1000 * args.train_seconds))
    phases.end(f"training for {args.train_seconds:g} s")
    print(f"  {panel.progress.format()} | {panel.stats.text()}")
    panel.stop_action.trigger()
    wait_until(lambda: bool(outcomes), 600)
    pause(2000)
    phases.end("Stop, and the model joining")
    entry = window.session.current
    if entry is None:
        print("no model trained", flush=True)
        return 1
    words = entry.kv.words
    print(f"  {len(words):,} words")
    for i, (name, _) in enumerate(window.tab_list):
        window.tabs.setCurrentIndex(i)
        pause(2000)
        phases.end(f"the {name} tab shown (2 s)")
    word = words[min(500, len(words) - 1)]
    window.show_neighbours(word)
    results = window.neighbours_panel.results.model
    wait_until(lambda: results.rowCount() > 0, 120, step=5)
    phases.end(f"neighbours of {word!r}")
    read_lenses(phases, window, entry.kv)
    worst = max(phases.rows, key=lambda row: row[2])
    print(f"longest stall over all phases: {1000 * worst[2]:.0f} ms ({worst[0]})")
    if sampler is not None:
        sampler.stop()
        sampler.report()
    window.ask_discard = lambda _text: True
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
