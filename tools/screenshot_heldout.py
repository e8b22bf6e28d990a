"""The README's held-out screenshot: the held-out curve beside the online loss on the acceptance case.

Run under an X server at 1280×800, e.g.:
    head -60 wiki17m.txt > /tmp/wiki60.txt
    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshot_heldout.py /tmp/wiki60.txt
Trains skip-gram with the full softmax (vocabulary 500, dim 20, one thread, min count 1, 4 epochs,
10 snapshots per epoch, 1% held out) in the studio and saves the Train tab's plots as
docs/screenshot-heldout.png; prints the epoch losses and the held-out curve. Settings go to a
temporary folder, so the user's own are untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
PARAMS = {"max_vocab": 500, "dim": 20, "sg": True, "threads": 1, "min_count": 1, "epochs": 4,
          "softmax": True, "negative": 0, "batch_words": 5_000}  # small batches: ten snapshots an epoch


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="w2vstudio-shot-")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from w2vstudio.gui.main_window import MainWindow

    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1270, 790)
    window.move(0, 0)
    window.show()
    loop = QEventLoop()

    def wait(signal, ms: int = 600_000):
        signal.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    corpus_panel = window.corpus_panel
    corpus_panel.scan_finished.connect(loop.quit)
    window.open_paths([sys.argv[1]])
    loop.exec()
    panel = window.train_panel
    panel.form.set_values(PARAMS)
    panel.watch_form.snapshots.setValue(10)
    panel.watch_form.quality.setChecked(False)
    panel.watch_form.heldout.setChecked(True)
    outcomes = []
    window.session.run_finished.connect(outcomes.append)
    panel.start_action.trigger()
    wait(window.session.run_finished)
    QTimer.singleShot(1500, loop.quit)  # let the last plots draw
    loop.exec()
    app.processEvents()
    panel.plots.grab().save(str(DOCS / "screenshot-heldout.png"))
    result = outcomes[0] if outcomes else None
    if result is not None:
        print("epoch losses (online):", " ".join(f"{x:.3f}" for x in result.model.epoch_losses))
        for r in result.heldout.records():
            print(f"{r['progress']:.2f}  held-out -log p {r['neg_log_p']:.4f}")
    window.ask_discard = lambda _text: True  # the model is not saved: close without asking
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
