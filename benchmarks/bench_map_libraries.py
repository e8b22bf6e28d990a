"""The map's library code against what it replaced, as of a git commit (the hand-written PCA,
Procrustes and k-means) and against the library it was measured against (scipy's cKDTree for the
grid index, which stays): the best of `--repeats` runs of each, in milliseconds.

    python benchmarks/bench_map_libraries.py [--base 06602fa] [--repeats 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from w2vstudio.core.map.spatial_index import GridIndex
from w2vstudio.core.map.labels import name_regions
from w2vstudio.core.map.projection import pca_fit, procrustes_align

_ROOT = Path(__file__).resolve().parent.parent


def old_module(base: str, path: str, folder: Path):
    """The module at `path` as of commit `base`."""
    source = subprocess.run(["git", "show", f"{base}:{path}"], cwd=_ROOT, check=True, capture_output=True).stdout
    file = folder / Path(path).name
    file.write_bytes(source)
    spec = importlib.util.spec_from_file_location(f"old_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def best_ms(repeats: int, fn, *args, **kwargs) -> float:
    """The best time of `repeats` calls of `fn(*args, **kwargs)`, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def kd_in_rect(tree: cKDTree, xy: np.ndarray, x0, y0, x1, y1, limit=None) -> np.ndarray:
    """GridIndex.in_rect by a cKDTree: the square ball around the rectangle, filtered."""
    found = np.asarray(tree.query_ball_point(((x0 + x1) / 2, (y0 + y1) / 2), max(x1 - x0, y1 - y0) / 2, p=np.inf),
                       dtype=np.int64)
    p = xy[found]
    found = found[(p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)]
    if limit is not None and limit < len(found):
        found = np.partition(found, limit)[:limit]
    return np.sort(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="06602fa", help="the commit with the hand-written code")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    r = args.repeats
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        old = old_module(args.base, "w2vstudio/core/projection.py", Path(folder))
        old_labels = old_module(args.base, "w2vstudio/core/map_labels.py", Path(folder))
    for n in (10_000, 100_000):
        X = rng.standard_normal((n, 100)).astype(np.float32)
        print(f"PCA {n:,} x 100: numpy eigh {best_ms(r, old.pca_fit, X):.1f}, scikit-learn {best_ms(r, pca_fit, X):.1f}")
    for n in (3_000, 100_000):
        a = rng.standard_normal((n, 2))
        b = a @ np.array([[0.6, 0.8], [-0.8, 0.6]]) + 1
        print(f"Procrustes {n:,} x 2: numpy svd {best_ms(r, old.procrustes_align, a, b):.2f}, "
              f"scipy {best_ms(r, procrustes_align, a, b):.2f}")
    for n in (3_000, 100_000):
        xy = rng.standard_normal((n, 2)) + rng.integers(0, 12, n)[:, None] * 3
        words = [f"w{i}" for i in range(n)]
        print(f"k-means {n:,} points, k=12: numpy Lloyd {best_ms(r, old_labels.kmeans, xy, 12):.1f}, "
              f"scikit-learn {best_ms(r, name_regions, xy, words, 12):.1f} (names included)")
    xy = rng.standard_normal((100_000, 2))
    print(f"index of 100,000 points: grid {best_ms(r, GridIndex, xy):.1f}, cKDTree {best_ms(r, cKDTree, xy):.1f}")
    grid, tree = GridIndex(xy), cKDTree(xy)
    for rect in [(-5, -5, 5, 5), (-1, -0.5, 1, 0.5), (-0.1, -0.05, 0.1, 0.05)]:
        assert np.array_equal(grid.in_rect(*rect, limit=5_000), kd_in_rect(tree, xy, *rect, limit=5_000))
        print(f"visible points in {rect}, 5,000 lowest: grid {best_ms(5 * r, grid.in_rect, *rect, limit=5_000):.2f}, "
              f"cKDTree {best_ms(5 * r, kd_in_rect, tree, xy, *rect, limit=5_000):.2f}")
    picks = rng.standard_normal((200, 2))
    print(f"200 picks within 0.01: grid {best_ms(r, lambda: [grid.nearest(x, y, 0.01) for x, y in picks]):.2f}, "
          f"cKDTree {best_ms(r, lambda: [tree.query((x, y), distance_upper_bound=0.01) for x, y in picks]):.2f}")

if __name__ == "__main__":
    main()
