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

import sys

from studio_shots import DOCS, open_studio, pause, wait_for
PARAMS = {"max_vocab": 500, "dim": 20, "sg": True, "threads": 1, "min_count": 1, "epochs": 4,
          "softmax": True, "negative": 0, "batch_words": 5_000}  # small batches: ten snapshots an epoch


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    app, window = open_studio()
    window.resize(1270, 790)
    window.open_paths([sys.argv[1]])
    wait_for(window.corpus_panel.scan_finished)
    panel = window.train_panel
    panel.form.set_values(PARAMS)
    panel.watch_form.snapshots.setValue(10)
    panel.watch_form.quality.setChecked(False)
    panel.watch_form.heldout.setChecked(True)
    outcomes = []
    window.session.run_finished.connect(outcomes.append)
    panel.start_action.trigger()
    wait_for(window.session.run_finished)
    pause(1500)  # let the last plots draw
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
