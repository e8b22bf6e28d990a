"""Folders laid out as Spark saves a Word2Vec model, written with pyarrow (no JVM)."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from w2vstudio.core.files.sparkfiles import ML, MLLIB


def write_model(folder, words, vectors, api="ml", version="4.3.0", meta=None, files=1):
    """A saved model: ml (Spark >= 2.2, or older with `version` < 2.2: one row) or mllib; `meta`
    replaces the metadata written."""
    vectors = np.asarray(vectors, np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    if meta is None:
        meta = ({"class": MLLIB, "version": "1.0", "vectorSize": dim, "numWords": len(words)} if api == "mllib" else
                {"class": ML, "timestamp": 1, "sparkVersion": version, "uid": "Word2Vec_x",
                 "paramMap": {"vectorSize": dim, "inputCol": "words"},
                 "defaultParamMap": {"vectorSize": 100, "windowSize": 5, "minCount": 5}})
    (folder / "metadata").mkdir(parents=True)
    (folder / "metadata" / "part-00000").write_text(json.dumps(meta) + "\n")
    (folder / "metadata" / "_SUCCESS").write_text("")
    (folder / "data").mkdir()
    (folder / "data" / "_SUCCESS").write_text("")
    if api == "ml" and version < "2.2":
        index = pa.array([list(zip(words, range(len(words))))], pa.map_(pa.string(), pa.int32()))
        table = pa.table({"wordIndex": index,
                          "wordVectors": pa.array([vectors.reshape(-1).tolist()], pa.list_(pa.float32()))})
        pq.write_table(table, folder / "data" / "part-00000.parquet")
        return folder
    rows = pa.array([list(map(float, v)) for v in vectors], pa.list_(pa.float32())) if len(words) else \
        pa.array([], pa.list_(pa.float32()))
    table = pa.table({"word": pa.array(words, pa.string()), "vector": rows})
    step = -(-len(words) // files) if words else 1
    for k in range(files):
        pq.write_table(table.slice(k * step, step), folder / "data" / f"part-{k:05d}.snappy.parquet")
    return folder
