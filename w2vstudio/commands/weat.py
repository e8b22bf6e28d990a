"""`w2vstudio weat`: the Word Embedding Association Test, its effect size and permutation p-value."""

from __future__ import annotations

from w2vstudio.commands.arguments import positive
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.weat import BUNDLED, DEFAULT_PERMUTATIONS, ROLES, bundled_lists, read_word_list, weat
from w2vstudio.core.files.vectorfiles import load_vectors


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "weat", help="the Word Embedding Association Test: effect size d and a permutation p-value",
        description="The Word Embedding Association Test (Caliskan, Bryson & Narayanan, Science 2017): do the "
                    "target words X associate more with the attribute words A than with B, compared with the "
                    "targets Y? Word lists: one word per line, blank lines and # comments ignored.")
    p.add_argument("vectors", metavar="MODEL", help="vectors or model file, in any supported format")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--test", choices=list(BUNDLED), help="one of the paper's tests, bundled")
    source.add_argument("--targets", nargs=2, metavar=("X.txt", "Y.txt"), help="the two target word lists")
    p.add_argument("--attributes", nargs=2, metavar=("A.txt", "B.txt"), help="the two attribute word lists")
    p.add_argument("--permutations", type=positive, default=DEFAULT_PERMUTATIONS, metavar="N",
                   help="random partitions when there are too many to enumerate (more than 100,000) "
                        f"(default {DEFAULT_PERMUTATIONS:,})")
    p.add_argument("--seed", type=int, default=0, help="seed of the random partitions (default 0)")
    p.add_argument("--json", action="store_true", help="print the result as one line of JSON")
    p.set_defaults(func=run)



def run(args) -> int:
    if args.test:
        if args.attributes:
            raise W2VError("--attributes goes with --targets, not with --test")
        lists = bundled_lists(args.test)
    else:
        if not args.attributes:
            raise W2VError("--targets needs --attributes A.txt B.txt")
        lists = [read_word_list(path) for path in (*args.targets, *args.attributes)]
    kv = load_vectors(args.vectors)
    result = weat(kv, *lists, permutations=args.permutations, seed=args.seed)
    if args.json:
        print(jsonsafe.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    how = "exact, all" if result.exact else "random"
    print(f"effect size d = {result.effect_size:+.3f}")
    print(f"p = {result.p_value:.4g} (one-sided, {how} {result.permutations:,} partitions)")
    print("words used: " + ", ".join(f"{role} {len(result.used[role])}" for role in ROLES))
    if result.missing_words:
        print(f"missing from the vocabulary ({len(result.missing_words)}): {', '.join(result.missing_words)}")
    return 0
