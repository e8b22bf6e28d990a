"""Speed of the Map panel on N random word vectors (the values do not matter for speed):

- PCA of N x DIM (the projection job's work);
- `set_coordinates` (one animation frame), with and without colour by frequency;
- one repaint after a zoom or pan step, the words' labels placed again (median of many, offscreen
  raster: a lower bound for a screen, but it is the scatter's share that grows with N);
- the hover lookup (KD-tree) and a click selection with its neighbours in the full space;
- optionally (`--tsne N`) t-SNE of N words by openTSNE against scikit-learn's, and (`--big N`)
  t-SNE and UMAP of N words, each against the targets of issue #14: openTSNE at least 4x faster
  than scikit-learn at 10,000 words; 100,000 words by each method within 3 minutes on 2 cores,
  neighbour search included, first-run compilation not (a small warm-up run comes first);
  repaints of 100,000 points under 33 ms.

    python benchmarks/bench_map.py [--words 20000] [--dim 100] [--tsne 10000] [--big 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from w2vstudio.core.projection import pca_2d, tsne_2d, umap_2d, unit_rows
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.map.map_panel import MapPanel


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--tsne", type=int, default=0,
                        help="also time t-SNE of this many words, openTSNE against scikit-learn")
    parser.add_argument("--big", type=int, default=0, help="also time t-SNE and UMAP of this many words")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((50, args.dim)) * 2
    vectors = centres[rng.integers(0, 50, args.words)] + rng.standard_normal((args.words, args.dim))
    counts = np.sort(rng.zipf(1.3, args.words))[::-1]
    kv = KeyedVectors([f"w{i}" for i in range(args.words)], vectors.astype(np.float32), counts)
    app = QApplication.instance() or QApplication([])
    panel = MapPanel()
    panel.resize(1200, 800)
    panel.show()
    app.processEvents()
    panel.set_vectors(kv, project=False)

    xy = pca_2d(unit_rows(kv.vectors))
    print(f"{args.words:,} words x {args.dim} dims")
    ms = median_ms(lambda: pca_2d(unit_rows(kv.vectors)), 3)
    print(f"PCA                          {ms:8.1f} ms")
    for colour in (True, False):
        panel._colour.setChecked(colour)
        ms = median_ms(lambda: panel.set_coordinates(kv.words, xy, kv.counts), 5)
        print(f"set_coordinates, colour {colour!s:5} {ms:8.1f} ms")
    panel.reset_view()
    view = panel._plot.getViewBox()
    steps = iter(range(10**9))

    def frame():
        i = next(steps)
        view.scaleBy((0.9, 0.9) if i % 20 < 10 else (1 / 0.9, 1 / 0.9))
        view.translateBy((0.01 * (-1) ** i, 0))
        panel.word_labels.place_now()  # the words drawn as they fit, placed for the new view
        panel._plot.grab()

    ms = median_ms(frame, 40)
    print(f"labels drawn                 {len(panel.word_labels.shown_words):8d}")
    print(f"repaint after zoom/pan       {ms:8.1f} ms{target(ms < 33, 'under 33 ms') if args.words >= 100_000 else ''}")
    rect = view.sceneBoundingRect()
    spots = iter(rng.random((10**4, 2)))

    def hover():
        fx, fy = next(spots)
        pos = QPointF(rect.left() + fx * rect.width(), rect.top() + fy * rect.height())
        panel._on_mouse_moved(pos)

    hover()  # builds the KD-tree
    print(f"hover lookup                 {median_ms(hover, 2000) * 1000:8.1f} µs")
    words = iter(kv.words)
    ms = median_ms(lambda: panel.select_word(next(words)), 50)
    print(f"select a word (k=10)         {ms:8.1f} ms")

    if args.tsne or args.big:
        tsne_2d(unit_rows(kv.vectors[:200]), n_iter=260)  # compilation and imports, not timed
        umap_2d(unit_rows(kv.vectors[:200]))
    if args.tsne:
        x = unit_rows(kv.vectors[: args.tsne])
        ours = seconds(lambda: tsne_2d(x))
        theirs = seconds(lambda: sklearn_tsne(x))
        print(f"t-SNE of {len(x):,} words: openTSNE {ours:.1f} s, scikit-learn {theirs:.1f} s "
              f"({theirs / ours:.1f}x){target(theirs >= 4 * ours, 'at least 4x')}")
    if args.big:
        x = unit_rows(kv.vectors[: args.big])
        for name, project in (("t-SNE", tsne_2d), ("UMAP", umap_2d)):
            took = seconds(lambda: project(x))
            print(f"{name} of {len(x):,} words      {took:8.1f} s{target(took <= 180, 'within 3 minutes')}")


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sklearn_tsne(x: np.ndarray) -> np.ndarray:
    from sklearn.manifold import TSNE

    return TSNE(init="pca", random_state=0).fit_transform(x)


def target(met: bool, what: str) -> str:
    return f"  [target {what}: {'met' if met else 'MISSED'}]"


if __name__ == "__main__":
    main()
