"""The README's pictures of the views that read a saved model: one view per run, at 1280×800.

Run under an X server at 1280×800, e.g.:
    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshot_lenses.py VIEW OUT.png MODEL [MODEL2] [--word W] [--top N]
VIEW is one of:
    neighbours  the Neighbours tab on "france" (MODEL: an ensemble, `train --runs 3`, for its agreement bars)
    weat        Lenses ▸ WEAT, the flowers/insects test
    change      the Change tab, MODEL against MODEL2, the words that moved most
    senses      Lenses ▸ Senses, "java" or --word (the model must name its corpus)
    axes        Lenses ▸ Axes, he → she and poor → rich with doctor nurse engineer (and the baseline where
                the view has one), and the corpus evidence for "nurse"
    mirror      Lenses ▸ Mirror, "united" (the model must name its corpus), or --word (and --top contexts, 20
                by default; with --top, the first pair that leapfrogs is chosen)
    frequency   Lenses ▸ Frequency, MODEL's agreement with MODEL2 and the two side by side per decile
                (MODEL2 opened first, so that MODEL is the model explored; e.g. skip-gram against CBOW)
The models are opened as a user would, through MainWindow.open_paths, and each view is driven through
its public methods (a few splitters and plot ranges set so that nothing is cut off); the window is
saved once the view has its result, as a 256-colour PNG where the full-colour one passes 250 KB. Settings go to a temporary
folder, so the user's own are untouched.
"""

from __future__ import annotations

import sys
import time

VIEWS = ("neighbours", "weat", "change", "senses", "axes", "mirror", "frequency")

from studio_shots import open_studio, pause, save_png


def main() -> int:
    args, options = [], {}
    argv = iter(sys.argv[1:])
    for arg in argv:
        if arg in ("--word", "--top"):
            options[arg[2:]] = next(argv, None)
        else:
            args.append(arg)
    if len(args) < 3 or args[0] not in VIEWS or None in options.values():
        print(__doc__)
        return 2
    view, out, models = args[0], args[1], args[2:]
    app, window = open_studio()

    def until(done, seconds: float = 900):
        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:
            pause(200)
        if not done():
            print("gave up waiting", file=sys.stderr)

    pause(300)
    if window.height() > 800:  # an Axes view whose word box asks for more than the laptop screen has
        print(f"the window needs {window.height()} pixels: the Axes view's word box set to 40", file=sys.stderr)
        window.lenses_panel.axes_view.words.setMaximumHeight(40)
        window.resize(1280, 800)
    session = window.session
    if view == "frequency":
        models = models[1:] + models[:1]  # the last opened is the model explored
    for path in models:  # one at a time: each joins the session as the model explored
        before = len(session.entries)
        window.open_paths([path])
        until(lambda before=before: len(session.entries) > before, 600)
        pause(500)
    lenses = window.lenses_panel

    if view == "neighbours":
        window.tabs.setCurrentWidget(window.neighbours_panel)
        window.neighbours_panel.search("france")
        pause(3000)
        window.word_dock.hide()  # its lines would come from the session's corpus, not the model's
    elif view == "weat":
        window.tabs.setCurrentWidget(lenses)
        lenses.setCurrentWidget(lenses.weat_view)
        w = lenses.weat_view
        w.test.setCurrentText("flowers-insects")
        w.run()
        until(lambda: not w.busy and w.result is not None)
    elif view == "change":
        panel = window.change_panel
        window.tabs.setCurrentWidget(panel)
        panel.first.setCurrentIndex(0)
        panel.second.setCurrentIndex(1)
        panel.rank()
        until(lambda: not panel.busy and panel.result is not None)
        from PySide6.QtWidgets import QSplitter
        panel.view.horizontalHeader().resizeSection(0, 120)  # the list narrow enough to show its z column
        panel.findChild(QSplitter).setSizes([360, 260, 660])  # the map fits its labels in by itself
    elif view == "senses":
        window.tabs.setCurrentWidget(lenses)
        lenses.setCurrentWidget(lenses.senses_view)
        s = lenses.senses_view
        s.word.setText(options.get("word", "java"))
        s.split()
        until(lambda: not s.busy and s.result is not None)
        from PySide6.QtWidgets import QSplitter
        s.findChild(QSplitter).setSizes([560, 700])  # the senses' names read further
    elif view == "axes":
        window.tabs.setCurrentWidget(lenses)
        lenses.setCurrentWidget(lenses.axes_view)
        a = lenses.axes_view
        a.words.setPlainText("doctor nurse engineer")
        a.words.setMaximumHeight(40)  # three words need one line
        a.refresh()
        pause(1000)
        until(lambda: not a.busy)
        a.evidence_word.setText("nurse")
        a.find_evidence()
        until(lambda: not a.busy)
        a.ranked.parent().setSizes([290, 0, 230])  # no plot over training: this model kept no snapshots
    elif view == "mirror":
        window.tabs.setCurrentWidget(lenses)
        lenses.setCurrentWidget(lenses.mirror_view)
        m = lenses.mirror_view
        m.word.setText(options.get("word", "united"))
        if "top" in options:
            m.top.setValue(int(options["top"]))
        m.look()
        until(lambda: not m.busy and m.result is not None)
        if "top" in options:
            m.leapfrogs.setCurrentRow(0)
        from PySide6.QtWidgets import QSplitter
        pause(300)
        lines = m.leapfrogs
        need = (lines.sizeHintForColumn(0) + 2 * lines.frameWidth() + lines.verticalScrollBar().sizeHint().width() + 6)
        split = m.findChild(QSplitter)
        split.setSizes([sum(split.sizes()) - max(need, 470), max(need, 470)])  # the leapfrogs' lines read whole
    elif view == "frequency":
        window.tabs.setCurrentWidget(lenses)
        lenses.setCurrentWidget(lenses.frequency_view)
        f = lenses.frequency_view
        pause(500)
        until(lambda: not f.busy)
        f.measure.setCurrentIndex(2)  # top-10 agreement with the other model, and the comparison by decile
        pause(500)
        until(lambda: not f.busy)
    window.resize(1280, 800)  # where a view asked for more, the window keeps to the laptop screen
    pause(1500)  # let the plots draw
    app.processEvents()
    save_png(window, out)
    window.ask_discard = lambda _text: True
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
