"""The README's pictures of the Inside tab and the Likelihood and Axes views, at 1280×800.

Run under an X server at 1280×800, e.g.:
    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshot_inside.py
It trains the "Quick look" preset on the bundled sample corpus with watching on (so the run probes the five
pairs of highest PMI), then saves the Inside tab's first page with the step of "nurse → assisted" applied 30
rounds on a copy (docs/screenshot-inside.png, of which 1280×800 shows p, the top words and the histogram's top), the tiny model after 1,200 samples with the full softmax
(docs/screenshot-inside-tiny.png), Lenses ▸ Likelihood at the last snapshot
(docs/screenshot-lens-likelihood.png; the box of pairs for the next run hidden, so that the plots have the room) and Lenses ▸ Axes with six occupations, the scores of nurse and doctor
over the snapshots (the six occupations and the axis's ends are pinned before the run, so that it tracks
them) and the corpus evidence for "king" (docs/screenshot-lens-axes.png). Settings go to a temporary folder, so the user's own are untouched.
"""

from __future__ import annotations

import sys

from studio_shots import DOCS, open_studio, pause, save_png, wait_for


def main() -> int:
    app, window = open_studio()

    window.session.set_pins(["doctor", "nurse", "engineer", "teacher", "secretary", "soldier", "he", "she"])
    window.train_panel.form.preset.textActivated.emit("Quick look")
    window.train_panel.start_action.trigger()
    wait_for(window.session.run_finished)
    pause(1500)
    window.word_dock.hide()

    inside = window.inside_panel
    window.tabs.setCurrentWidget(inside)
    inside.setCurrentIndex(0)
    samples = inside.samples_view
    samples.rebuild()
    for _ in range(5):  # the window slides to the centre "doctor"
        samples.step()
    pause(300)
    row = next(i for i, s in enumerate(samples.rows()) if (s.inputs, s.output) == (("nurse",), "assisted"))
    samples.table.selectRow(row)
    samples.table.scrollToTop()
    pause(500)
    for _ in range(3):
        inside.step_view.apply(10)
    pause(1500)
    app.processEvents()
    save_png(window, DOCS / "screenshot-inside.png")

    inside.setCurrentIndex(1)
    tiny = inside.tiny_view
    tiny.objective.setCurrentIndex(tiny.objective.findText("Full softmax"))
    tiny.reset()
    for _ in range(12):
        tiny.train(100)
    pause(1500)
    app.processEvents()
    save_png(window, DOCS / "screenshot-inside-tiny.png")

    lenses = window.lenses_panel
    window.tabs.setCurrentWidget(lenses)
    lenses.setCurrentWidget(lenses.likelihood_view)
    lenses.likelihood_view.next_pairs.parentWidget().hide()  # the pairs for the next run: the plots need the room
    pause(2000)
    app.processEvents()
    save_png(window, DOCS / "screenshot-lens-likelihood.png")

    lenses.setCurrentWidget(lenses.axes_view)  # the run's snapshots give the scores over training
    a = lenses.axes_view
    a.words.setPlainText("doctor nurse engineer teacher secretary soldier")
    a.words.setMaximumHeight(40)
    a.training_words.setText("nurse doctor")
    a.refresh()
    pause(1000)
    while a.busy:
        pause(200)
    pause(3000)  # the scores over training
    a.evidence_word.setText("king")
    a.find_evidence()
    pause(500)
    while a.busy:
        pause(200)
    window.resize(1280, 800)
    pause(1500)
    app.processEvents()
    save_png(window, DOCS / "screenshot-lens-axes.png")

    window.ask_discard = lambda _text: True  # the model is not saved: close without asking
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
