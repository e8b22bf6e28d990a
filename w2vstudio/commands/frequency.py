"""`w2vstudio frequency`: the vocabulary's deciles by rank and what the model learned in each."""

from __future__ import annotations

from pathlib import Path

from w2vstudio.core.files.ensemble import first_run
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors
from w2vstudio.core.lenses.frequency import compare, counts_of, deciles, verdict
from w2vstudio.core.support.jsonsafe import dumps
from w2vstudio.core.train.model import Model, TrainParams


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "frequency", help="frequency effects: norms, analogy accuracy and subsampling per decile",
        description="Split the vocabulary by rank into ten groups of equal size and report, for each, "
                    "counts, mean vector norm, analogy accuracy (bundled questions, assigned by their "
                    "rarest word) and the share of occurrences subsampling drops.")
    p.add_argument("model", metavar="MODEL", help="a w2vstudio model (or a vectors file with counts)")
    p.add_argument("--compare", metavar="OTHER",
                   help="a second model (e.g. CBOW beside skip-gram) measured per decile band of MODEL's ranks: "
                        "WordSim-353 correlation over the pairs whose words both fall in the band, and analogy "
                        "accuracy over the questions whose four words fall in it, answers searched in the band")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def _load(path: Path):
    """(vectors, subsampling threshold, a name saying the architecture where known)."""
    if detect_format(path) == "model":
        model = Model.load(path)
        kind = "skip-gram" if model.params.sg else "CBOW"
        return model.keyed_vectors(), model.params.sample, f"{kind} ({path.name})"
    return load_vectors(path), TrainParams().sample, path.name


def run(args) -> int:
    path = first_run(args.model)  # an ensemble: its first run
    kv, sample, name = _load(path)
    counts_of(kv, path)
    other = _load(first_run(args.compare)) if args.compare else None
    found = deciles(kv, sample)
    both = compare(kv, other[0]) if other is not None else None
    if args.json:
        result = {"deciles": [d.to_dict() for d in found]}
        if both is not None:
            result["compare"] = [d.to_dict() for d in both]
            result["models"] = [name, other[2]]
            result["verdict"] = verdict(both, name, other[2])
        print(dumps(result))
        return 0
    print(f"{'ranks':>15}  {'counts':>17}  {'norm':>6}  {'analogies':>16}  {'dropped':>7}")
    for d in found:
        accuracy = "n/a" if d.analogy_accuracy is None else f"{d.analogy_accuracy:.3f}"
        ranks, counts = f"{d.rank_from:,}-{d.rank_to:,}", f"{d.count_min:,}-{d.count_max:,}"
        print(f"{ranks:>15}  {counts:>17}  {d.norm_mean:6.3f}  {accuracy:>5} of {d.analogy_questions:>7,}  "
              f"{100 * d.drop_share:6.1f}%")
    if both is not None:
        _print_compare(both, name, other[2])
    return 0


def _print_compare(rows, name_a: str, name_b: str) -> None:
    print(f"\nper decile band, {name_a} | {name_b}:")
    print(f"{'decile':>6}  {'counts':>17}  {'WS-353 rho':>15}  {'pairs':>5}  {'analogy accuracy':>17}  {'questions':>9}")

    def pair(values):
        return " | ".join("  n/a" if v is None else f"{v:5.3f}" for v in values)

    for r in rows:
        print(f"{r.decile:>6}  {f'{r.count_min:,}-{r.count_max:,}':>17}  {pair(r.pairs):>15}  {r.pair_count:>5}  "
              f"{pair(r.analogy):>17}  {r.questions:>9,}")
    print(verdict(rows, name_a, name_b))
