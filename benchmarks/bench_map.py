"""Speed of the Map panel on N random word vectors (the values do not matter for speed):

- PCA of N x DIM (the projection job's work);
- `set_coordinates` (one animation frame), with and without colour by frequency;
- one repaint after a zoom or pan step, the words' labels placed again (median of many, offscreen
  raster: a lower bound for a screen, but it is the scatter's share that grows with N);
- the hover lookup (the map model's spatial index), a click selection on the GUI thread and its
  neighbours in the full space (searched in a worker);
- optionally (`--tsne N`) t-SNE of N words by openTSNE against scikit-learn's (the N most frequent
  words of `--vectors` when given; each map's quality as its KL divergence under openTSNE's
  affinities and the share of each word's 10 nearest neighbours in the full space that are among
  its 10 nearest on the map), and (`--big N`)
  t-SNE and UMAP of N words, each against its targets: openTSNE at least 4x faster
  than scikit-learn at 10,000 words; 100,000 words by each method within 3 minutes on 2 cores,
  neighbour search included, first-run compilation not (a small warm-up run comes first);
  repaints of 100,000 points under 33 ms.

    python benchmarks/bench_map.py [--words 20000] [--dim 100] [--tsne 10000 [--vectors MODEL]] [--big 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QCheckBox

from w2vstudio.core.map.projection import pca_2d, tsne_2d, umap_2d, unit_rows
from w2vstudio.core.files.vectorfiles import load_vectors
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
    parser.add_argument("--rounds", type=int, default=1, help="t-SNE rounds, openTSNE and scikit-learn alternating")
    parser.add_argument("--vectors", help="a model or vectors file: t-SNE of its most frequent words")
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
    colour_box = next(box for box in panel.findChildren(QCheckBox) if box.text() == "Colour by frequency")
    for colour in (True, False):
        colour_box.setChecked(colour)
        ms = median_ms(lambda: panel.set_coordinates(kv.words, xy, kv.counts), 5)
        print(f"set_coordinates, colour {colour!s:5} {ms:8.1f} ms")
    panel.reset_view()
    view = panel.plot_item.getViewBox()
    plot_widget = panel.plot_item.scene().views()[0]
    mouse_moved = panel.plot_item.scene().sigMouseMoved
    steps = iter(range(10**9))

    def frame():
        i = next(steps)
        view.scaleBy((0.9, 0.9) if i % 20 < 10 else (1 / 0.9, 1 / 0.9))
        view.translateBy((0.01 * (-1) ** i, 0))
        panel.word_labels.place_now()  # the words drawn as they fit, placed for the new view
        plot_widget.grab()

    ms = median_ms(frame, 40)
    print(f"labels drawn                 {len(panel.word_labels.shown_words):8d}")
    print(f"repaint after zoom/pan       {ms:8.1f} ms{target(ms < 33, 'under 33 ms') if args.words >= 100_000 else ''}")
    rect = view.sceneBoundingRect()
    spots = iter(rng.random((10**4, 2)))

    def hover():
        fx, fy = next(spots)
        pos = QPointF(rect.left() + fx * rect.width(), rect.top() + fy * rect.height())
        mouse_moved.emit(pos)  # as the mouse does: the panel looks up the point under it

    hover()  # builds the spatial index
    print(f"hover lookup                 {median_ms(hover, 2000) * 1000:8.1f} µs")
    words = iter(kv.words)
    ms = median_ms(lambda: panel.select_word(next(words)), 50)
    print(f"select a word                {ms:8.1f} ms")
    panel.clear_selection()
    ms = median_ms(lambda: panel.model.neighbours(next(words), 10), 50)
    print(f"its neighbours (k=10)        {ms:8.1f} ms")

    if args.tsne or args.big:
        tsne_2d(unit_rows(kv.vectors[:200]), n_iter=260)  # compilation and imports, not timed
        umap_2d(unit_rows(kv.vectors[:200]))
    if args.tsne:
        source = load_vectors(args.vectors) if args.vectors else kv
        x = unit_rows(source.vectors[: args.tsne]).astype(np.float32)
        print(f"t-SNE of the first {len(x):,} words of {args.vectors or 'the random vectors'}, "
              f"load average {os.getloadavg()[0]:.2f}")
        ratios = []
        for i in range(args.rounds):
            ours, theirs = timed(lambda: tsne_2d(x)), timed(lambda: sklearn_tsne(x))
            ratios.append(theirs[0] / ours[0])
            for name, (took, xy) in (("openTSNE", ours), ("scikit-learn", theirs)):
                kl, recall = map_quality(x, xy)
                print(f"  round {i + 1} {name:12s} {took:6.1f} s  KL {kl:.4f}  10-NN kept {recall:.4f}")
            print(f"  round {i + 1} ratio {ratios[-1]:.2f}x, load average {os.getloadavg()[0]:.2f}")
        ratio = statistics.median(ratios)
        print(f"  median ratio {ratio:.2f}x{target(ratio >= 4, 'at least 4x')}")
    if args.big:
        x = unit_rows(kv.vectors[: args.big])
        for name, project in (("t-SNE", tsne_2d), ("UMAP", umap_2d)):
            took = seconds(lambda: project(x))
            print(f"{name} of {len(x):,} words      {took:8.1f} s{target(took <= 180, 'within 3 minutes')}")


def seconds(fn) -> float:
    return timed(fn)[0]


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def map_quality(x: np.ndarray, xy: np.ndarray, k: int = 10) -> tuple[float, float]:
    """(KL divergence of the map under openTSNE's perplexity-30 affinities, exact; the mean share
    of each word's k nearest neighbours in the full space found among its k nearest on the map)."""
    from openTSNE.affinity import PerplexityBasedNN
    from scipy.spatial import cKDTree

    p = PerplexityBasedNN(x, perplexity=30, method="exact", random_state=0).P.tocoo()
    y = np.asarray(xy, dtype=np.float64)
    squares = (y**2).sum(axis=1)
    total, near = 0.0, np.empty((len(x), k), dtype=np.int64)
    for start in range(0, len(y), 1000):
        rows = slice(start, start + 1000)
        d2 = np.maximum(squares[rows, None] + squares[None, :] - 2 * y[rows] @ y.T, 0.0)
        total += (1.0 / (1.0 + d2)).sum() - len(d2)
        sims = x[rows] @ x.T
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = -np.inf
        near[rows] = np.argpartition(-sims, k, axis=1)[:, :k]
    q = 1.0 / (1.0 + ((y[p.row] - y[p.col]) ** 2).sum(axis=1)) / total
    kl = float((p.data * np.log(p.data / q)).sum())
    _, on_map = cKDTree(y).query(y, k + 1)
    kept = [len(set(a) & set(b[1:])) / k for a, b in zip(near, on_map)]
    return kl, float(np.mean(kept))


def sklearn_tsne(x: np.ndarray) -> np.ndarray:
    from sklearn.manifold import TSNE

    return TSNE(init="pca", random_state=0).fit_transform(x)


def target(met: bool, what: str) -> str:
    return f"  [target {what}: {'met' if met else 'MISSED'}]"


if __name__ == "__main__":
    main()
