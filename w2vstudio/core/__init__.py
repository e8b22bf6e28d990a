"""The Qt-free engine. Its packages and ground modules, in the one order of import: each may import
only what stands before it (or itself), never what stands after; `tests/core/test_import_order.py`
holds the code to it, imports inside functions included."""

LAYERS = (
    "errors",  # the exceptions every layer raises
    "support",  # atomic writes, safe JSON, the opener, npz, BLAS threads, outputs, desktop, sniffing, memory
    "kernels",  # Numba kernels by purpose: text, random, training, scoring, fastText, layout
    "params",  # the one parameter spec of a run
    "vocab",  # the vocabulary
    "vectors",  # keyed vectors and their queries
    "corpus",  # corpus files, scan, keyword in context, downloads, records, streams, lines
    "train",  # model, model file, sampling tables, trainer, callbacks, snapshots
    "files",  # vector files, fastText, Spark models, the session file, dropped paths
    "explore",  # evaluation, lookups, comparison, queries, prefixes, neighbourhoods
    "map",  # projections, the spatial index, labels, coordinates, the map model
    "watch",  # trajectories, snapshot t-SNE, stability, pinned-word probes, per-epoch quality
    "inside",  # samples, one step, softmax against negative sampling, likelihood
    "lenses",  # senses, axes, frequency, pair likelihood over training
    "spark",  # training on Apache Spark MLlib
    "run",  # the one composition root: a training run as the studio and the CLI start it
)
