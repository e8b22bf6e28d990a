"""`w2vstudio senses`: a word's occurrences in the corpus clustered into senses."""

from __future__ import annotations

from w2vstudio.commands.arguments import at_least
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.errors import W2VError
from w2vstudio.core.lenses.senses import DEFAULT_MAX, senses
from w2vstudio.core.files.vectorfiles import read_models
from w2vstudio.core.train.model import corpus_paths


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "senses", help="split a word's occurrences into senses (one vector, many meanings)",
        description="Sample a word's occurrences evenly over the corpus, represent each by the mean of "
                    "its window's output vectors weighted as training weighs them, and cluster them "
                    "(k-means); the clusters' silhouette is placed among those of 30 words of similar "
                    "frequency (z, percentile), and each sense is named by the words nearest its centroid, "
                    "its most distinctive context words and its lines. On an ensemble the verdict "
                    "(silhouette, z) is taken in every run: mean ± sd; the senses shown are the first run's.")
    p.add_argument("model", metavar="MODEL", help="a w2vstudio model (.npz), or an ensemble folder of models")
    p.add_argument("word", metavar="WORD")
    p.add_argument("--corpus", nargs="+", metavar="PATH",
                   help="the corpus files or folders (default: those the model was trained on)")
    p.add_argument("--max", type=at_least(10), default=DEFAULT_MAX, metavar="N",
                   help=f"occurrences sampled (default {DEFAULT_MAX})")
    p.add_argument("--k", type=at_least(2), metavar="N", help="senses (default: the best silhouette of 2-5)")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    _, models = read_models(args.model)  # an ensemble: every run
    model = models[0]
    paths = args.corpus or corpus_paths(model)
    if isinstance(paths, str):
        paths = [paths]
    if not paths:
        raise W2VError(f"{args.model} does not name its corpus (trained before models remembered it): "
                       "give it with --corpus PATH")
    found = senses(models, paths, args.word, args.max, args.k)
    if args.json:
        print(jsonsafe.dumps(found.to_dict(), ensure_ascii=False))
        return 0
    print(f'"{found.word}": {found.occurrences} occurrences{found.reading.note()}; {found.verdict()}')
    if len(found.runs) > 1:
        print("z per run (stand-ins): " + ", ".join(f"{z:+.2f}" for z in found.stand_ins["runs"]))
        print("z per run (silhouette): " + ", ".join(f"{z:+.2f}" for z in found.runs))
    for i, sense in enumerate(found.senses, 1):
        print(f"\nsense {i}: {100 * sense.share:.0f}% of occurrences, cosine with the word's vector "
              f"{sense.cosine_with_word:.3f}")
        print("  nearest:     " + ", ".join(sense.nearest))
        print("  distinctive: " + ", ".join(sense.distinctive))
        print("  stand-ins:   " + ", ".join(sense.stand_ins))
        for line in sense.lines:
            print("  | " + line)
    return 0
