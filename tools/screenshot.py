"""Drive the studio to the state shown in the README and save screenshots of it.

Run under an X server, e.g.:  xvfb-run -s "-screen 0 1280x800x24" python tools/screenshot.py [--tabs FOLDER]
The window is 1280 x 800, the laptop screen the studio must fit. It pins a few words and trains the "Quick look" preset on the bundled sample corpus, then saves the
Train tab (docs/screenshot.png), a neighbours query (docs/screenshot-neighbours.png) and the map a
third of the way through training, with the trails of the pinned words
(docs/screenshot-evolution.png), then the same moment on a t-SNE map of the latest snapshot
(docs/screenshot-evolution-tsne.png). With --tabs, every tab and sub-tab is then saved in FOLDER too,
to be looked at (not for the README). Settings go to a temporary folder, so the user's own are untouched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from studio_shots import DOCS, open_studio, pause, wait_for


def main() -> int:
    app, window = open_studio()

    window.session.set_pins(["france", "war", "music", "river"])
    window.train_panel.form.preset.textActivated.emit("Quick look")
    window.train_panel.start_action.trigger()
    wait_for(window.session.run_finished)
    pause(1500)  # let the last plots and the map draw
    window.grab().save(str(DOCS / "screenshot.png"))

    window.show_neighbours("france")
    wait_for(window.word_info.lines_found, 30_000)  # the neighbours, then the word in the corpus
    app.processEvents()
    window.grab().save(str(DOCS / "screenshot-neighbours.png"))

    window.word_dock.hide()
    window.tabs.setCurrentWidget(window.live_map)
    timeline = window.live_map.timeline
    timeline.follow.setChecked(False)
    timeline.set_frame(round(0.3 * (timeline.count - 1)))
    window.live_map.map_panel.select_word("war")
    pause(500)
    window.grab().save(str(DOCS / "screenshot-evolution.png"))

    window.live_map.set_method("tsne")  # the snapshots placed into a t-SNE map of the latest
    while window.evolution.frames.method != "tsne":
        wait_for(window.evolution.frames_changed, 300_000)
    timeline.set_frame(round(0.3 * (timeline.count - 1)))
    window.live_map.map_panel.select_word("war")
    pause(800)
    window.grab().save(str(DOCS / "screenshot-evolution-tsne.png"))

    if "--tabs" in sys.argv:
        save_tabs(window, Path(sys.argv[sys.argv.index("--tabs") + 1]))

    window.ask_discard = lambda _text: True  # the model is not saved: close without asking
    window.close()
    return 0


def save_tabs(window, folder: Path) -> None:
    """Every tab, and every page of a tab that has pages, saved as FOLDER/<tab>[-<page>].png."""
    from PySide6.QtWidgets import QTabWidget

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        panel = window.tabs.widget(i)
        inner = panel if isinstance(panel, QTabWidget) else None
        for j in range(inner.count() if inner else 1):
            if inner:
                inner.setCurrentIndex(j)
            pause(2000)  # what a page computes once shown
            name = window.tabs.tabText(i) + (f"-{inner.tabText(j)}" if inner else "")
            window.grab().save(str(folder / ("".join(c if c.isalnum() else "-" for c in name) + ".png")))


if __name__ == "__main__":
    sys.exit(main())
