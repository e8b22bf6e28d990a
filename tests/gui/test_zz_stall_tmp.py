"""TEMPORARY (not committed): stall with quality on, decomposed: GUI thread busy, waiting for a CPU,
or waiting for the GIL (the rest); and who was running Python when the GUI thread got it back."""
import collections, os, sys, threading, time, traceback

from PySide6.QtCore import QTimer

QUALITY = os.environ.get("Q", "1") == "1"
RUNS = int(os.environ.get("RUNS", "5"))


def schedstat(tid):
    with open(f"/proc/self/task/{tid}/schedstat") as f:
        cpu, wait, _ = map(int, f.read().split())
    return cpu / 1e9, wait / 1e9


class Probe:
    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._on_timeout)
        self.tid = threading.get_native_id()
        self.big = []
        self.max_gap = 0.0

    def start(self):
        self.last = time.perf_counter()
        self.last_s = schedstat(self.tid)
        self.timer.start()

    def stop(self, *_):
        self.timer.stop()

    def _on_timeout(self):
        now = time.perf_counter()
        s = schedstat(self.tid)
        gap = now - self.last
        if gap > 0.025:
            cpu, wait = s[0] - self.last_s[0], s[1] - self.last_s[1]
            me = threading.get_ident()
            stacks = []
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                st = traceback.extract_stack(frame)[-3:]
                stacks.append(" <- ".join(f"{f.name}:{f.filename.split('/')[-1]}:{f.lineno}" for f in reversed(st)))
            self.big.append((gap, cpu, wait, stacks))
        self.max_gap = max(self.max_gap, gap)
        self.last, self.last_s = now, s


def test_stall(qtbot, window, tiny_corpus, train):
    w = window
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(tiny_corpus)])
    w.train_panel.watch_form.quality.setChecked(QUALITY)
    train(w, epochs=2)  # warm-up: kernels loaded, evaluation files parsed
    stalls, where = [], collections.Counter()
    for _ in range(RUNS):
        probe = Probe()
        w.train_panel.training_started.connect(probe.start)
        w.train_panel.training_finished.connect(probe.stop)
        outcome = train(w, epochs=40)
        stalls.append(probe.max_gap)
        w.train_panel.training_started.disconnect(probe.start)
        w.train_panel.training_finished.disconnect(probe.stop)
        for gap, cpu, wait, stacks in sorted(probe.big, reverse=True)[:4]:
            print(f"  gap {1000*gap:5.1f} ms: GUI cpu {1000*cpu:5.1f}, runqueue {1000*wait:5.1f}, rest {1000*(gap-cpu-wait):5.1f}")
        for gap, cpu, wait, stacks in probe.big:
            if gap - cpu - wait > 0.015:
                for s in stacks:
                    if "wait" not in s.split(" <- ")[0] and "_worker" not in s:
                        where[s] += 1
    print(f"\nQUALITY={QUALITY} STALLS ms:", ", ".join(f"{1000 * s:.1f}" for s in stalls))
    for s, n in where.most_common(15):
        print(n, s)
