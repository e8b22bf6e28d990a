"""`w2vstudio frequency`: the vocabulary's deciles by rank and what the model learned in each."""

from __future__ import annotations

from pathlib import Path

from w2vstudio.core.files.ensemble import run_files, runs_of
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors, read_models
from w2vstudio.core.lenses.frequency import compare, counts_of, deciles, verdict
from w2vstudio.core.support.jsonsafe import dumps
from w2vstudio.core.train.model import TrainParams


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "frequency", help="frequency effects: norms, analogy accuracy and subsampling per decile",
        description="Split the vocabulary by rank into ten groups of equal size and report, for each, "
                    "counts, mean vector norm, analogy accuracy (bundled questions, assigned by their "
                    "rarest word) and the share of occurrences subsampling drops.")
    p.add_argument("model", metavar="MODEL", help="a w2vstudio model (or a vectors file with counts), or an "
                                                  "ensemble folder: each score's mean ± sd over its runs")
    p.add_argument("--compare", metavar="OTHER",
                   help="a second model (e.g. CBOW beside skip-gram) measured per decile band of MODEL's ranks: "
                        "WordSim-353 correlation over the pairs whose words both fall in the band, and analogy "
                        "accuracy over the questions whose four words fall in it, answers searched in the band")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def _load(path: Path):
    """(vectors, an `Ensemble` for an ensemble folder; subsampling threshold; a name saying the
    architecture where known)."""
    path = Path(path)
    if all(detect_format(file) == "model" for file in run_files(path)):
        kv, models = read_models(path)
        params = models[0].params
        runs = f", {len(models)} runs" if len(models) > 1 else ""
        return kv, params.sample, f"{'skip-gram' if params.sg else 'CBOW'} ({path.name}{runs})"
    return load_vectors(path), TrainParams().sample, path.name


def run(args) -> int:
    kv, sample, name = _load(args.model)
    counts_of(kv, args.model)
    other = _load(args.compare) if args.compare else None
    found = deciles(kv, sample)
    both = compare(kv, other[0]) if other is not None else None
    runs = len(runs_of(kv))
    if args.json:
        result = {"runs": runs, "deciles": [d.to_dict() for d in found]}
        if both is not None:
            result["compare"] = [d.to_dict() for d in both]
            result["models"] = [name, other[2]]
            result["verdict"] = verdict(both, name, other[2])
        print(dumps(result))
        return 0
    if runs > 1:
        print(f"{name}: each score is the mean ± sd over its {runs} runs; counts and subsampling: its first run's")
    print(f"{'ranks':>15}  {'counts':>17}  {'norm':>{6 + 9 * (runs > 1)}}  {'analogies':>{16 + 9 * (runs > 1)}}  "
          f"{'dropped':>7}")
    for d in found:
        accuracy = _spread(d.analogy_accuracy, d.analogy_accuracy_sd, runs)
        ranks, counts = f"{d.rank_from:,}-{d.rank_to:,}", f"{d.count_min:,}-{d.count_max:,}"
        print(f"{ranks:>15}  {counts:>17}  {_spread(d.norm_mean, d.norm_mean_sd, runs)}  {accuracy} of "
              f"{d.analogy_questions:>7,}  {100 * d.drop_share:6.1f}%")
    if both is not None:
        _print_compare(both, name, other[2], max(runs, len(runs_of(other[0]))))
    return 0


def _spread(value: float | None, sd: float | None, runs: int) -> str:
    """"0.412" for one model, "0.412 ± 0.020" over an ensemble's runs; "n/a" where not measured."""
    width = 6 + 9 * (runs > 1)
    if value is None:
        return f"{'n/a':>{width}}"
    return f"{value:6.3f}" + (f" ± {sd:6.3f}" if runs > 1 else "")


def _print_compare(rows, name_a: str, name_b: str, runs: int) -> None:
    print(f"\nper decile band, {name_a} | {name_b}" + (" (an ensemble: mean ± sd over its runs)" if runs > 1 else "")
          + ":")
    print(f"{'decile':>6}  {'counts':>17}  {'WS-353 rho':>15}  {'pairs':>5}  {'analogy accuracy':>17}  {'questions':>9}")

    def pair(values, sds):
        return " | ".join(_spread(v, s, runs).strip() for v, s in zip(values, sds))

    for r in rows:
        print(f"{r.decile:>6}  {f'{r.count_min:,}-{r.count_max:,}':>17}  {pair(r.pairs, r.pairs_sd):>15}  "
              f"{r.pair_count:>5}  {pair(r.analogy, r.analogy_sd):>17}  {r.questions:>9,}")
    print(verdict(rows, name_a, name_b))
