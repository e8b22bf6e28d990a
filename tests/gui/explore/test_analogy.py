"""The Analogy tab says it leaves a, b and c out of the answers; its checkbox keeps them."""

import numpy as np

from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import workers
from w2vstudio.gui.explore.analogy_panel import AnalogyPanel
from w2vstudio.gui.studio_session import Entry, StudioSession

WORDS = ["king", "queen", "man", "woman", "prince", "girl", "boy", "crown"]


def test_the_question_words_are_left_out_unless_included(qtbot):
    session = StudioSession()
    panel = AnalogyPanel(session)
    qtbot.addWidget(panel)
    kv = KeyedVectors(WORDS, np.random.default_rng(1).standard_normal((len(WORDS), 6)).astype(np.float32))
    session.add(Entry("m", kv, None, None))
    assert not panel.include_inputs.isChecked() and "left out" in panel.inputs_note.text()
    with qtbot.waitSignal(panel.analogy_solved) as solved:
        panel.solve("man", "king", "woman")
    assert not {"man", "king", "woman"} & {row[0] for row in solved.args[0].rows}
    panel.include_inputs.setChecked(True)
    assert "kept" in panel.inputs_note.text()
    with qtbot.waitSignal(panel.analogy_solved) as solved:
        panel.solve("man", "king", "woman")
    expected = kv.analogy("man", "king", "woman", topn=panel.topn.value(), include_inputs=True).results
    assert [row[0] for row in solved.args[0].rows] == [w for w, _ in expected]
    qtbot.waitUntil(lambda: not workers.running(), timeout=10_000)  # the panel's other lookups
