"""`w2vstudio frequency`: the vocabulary's deciles by rank and what the model learned in each."""

from __future__ import annotations

import json

from w2vstudio.core.files.ensemble import first_run
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors
from w2vstudio.core.lenses.frequency import counts_of, deciles
from w2vstudio.core.train.model import Model, TrainParams


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "frequency", help="frequency effects: norms, analogy accuracy and subsampling per decile",
        description="Split the vocabulary by rank into ten groups of equal size and report, for each, "
                    "counts, mean vector norm, analogy accuracy (bundled questions, assigned by their "
                    "rarest word) and the share of occurrences subsampling drops.")
    p.add_argument("model", metavar="MODEL", help="a w2vstudio model (or a vectors file with counts)")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    path = first_run(args.model)  # an ensemble: its first run
    if detect_format(path) == "model":
        model = Model.load(path)
        kv, sample = model.keyed_vectors(), model.params.sample
    else:
        kv, sample = load_vectors(path), TrainParams().sample
    counts_of(kv, path)
    found = deciles(kv, sample)
    if args.json:
        print(json.dumps({"deciles": [d.to_dict() for d in found]}))
        return 0
    print(f"{'ranks':>15}  {'counts':>17}  {'norm':>6}  {'analogies':>16}  {'dropped':>7}")
    for d in found:
        accuracy = "n/a" if d.analogy_accuracy is None else f"{d.analogy_accuracy:.3f}"
        ranks, counts = f"{d.rank_from:,}-{d.rank_to:,}", f"{d.count_min:,}-{d.count_max:,}"
        print(f"{ranks:>15}  {counts:>17}  {d.norm_mean:6.3f}  {accuracy:>5} of {d.analogy_questions:>7,}  "
              f"{100 * d.drop_share:6.1f}%")
    return 0
