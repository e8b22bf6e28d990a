"""The Likelihood view's key to its curves covers none of their points."""

import numpy as np
import pyqtgraph as pg

from w2vstudio.gui.lenses.lenses_panel import LensesPanel
from w2vstudio.gui.studio_session import StudioSession

PAIRS = [("julian", "calendar"), ("incorporates", "websites"), ("prime", "minister"), ("starting", "display"),
         ("article", "<b>domain</b>")]


def _probes(snapshots: int = 21) -> dict:
    """Five pairs' p and rank spread over the whole of both plots, as `stored_probes` gives them."""
    rng = np.random.default_rng(0)
    shape = (snapshots, len(PAIRS))
    return {"pairs": PAIRS, "words": np.linspace(0, 2_000_000, snapshots).astype(np.int64),
            "p": 10 ** rng.uniform(-5, 0, shape), "rank": rng.integers(1, 20_000, shape),
            "sigmoid": np.full(shape, np.nan)}


def test_the_key_to_the_curves_covers_no_point(qtbot, qapp):
    panel = LensesPanel(StudioSession())
    qtbot.addWidget(panel)
    view = panel.likelihood_view
    panel.setCurrentWidget(view)
    panel.resize(1270, 700)
    panel.show()
    qtbot.waitExposed(panel)
    view._show(_probes(), 1_000_000, "")
    qapp.processEvents()
    for plot in (view.p_plot, view.rank_plot):
        item = plot.getPlotItem()
        keys = [k for k in plot.scene().items() if isinstance(k, pg.LegendItem) and k.isVisible()]
        box = item.getViewBox()
        for curve in item.listDataItems():
            x, y = curve.getData()
            for px, py in zip(x, y):
                where = box.mapViewToScene(pg.Point(px, py))
                covered = [k for k in keys if k.sceneBoundingRect().contains(where)]
                assert not covered, f"{curve.name()} at ({px:.2f}, {py:.2f}) is under the key"
    for (word, output), colour in zip(PAIRS, ("#d1495b", "#2e7d5b", "#3066be", "#edae49", "#8f5fbf")):
        assert view.key.isVisible() and colour in view.key.text()
    assert "&lt;b&gt;domain&lt;/b&gt;" in view.key.text()  # a word is shown as it is, never as markup
