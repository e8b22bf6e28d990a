"""Memory sized by what is asked, not by what is found: counting the words of a corpus keeps
within a budget, forgetting the rarest (as word2vec.c and gensim), and says how it counted."""

import json
import random
from collections import Counter

import pytest

from w2vstudio.cli import main
from w2vstudio.core.corpus.files import words as split_words
from w2vstudio.core.corpus.scan import scan_corpus


def corpus(tmp_path, n_lines=4000, seed=1):
    """Zipf-like common words and many words seen once."""
    rng = random.Random(seed)
    common = [f"w{i}" for i in range(200)]
    lines = []
    for k in range(n_lines):
        line = [common[min(int(rng.paretovariate(1.0)) - 1, 199)] for _ in range(8)]
        line += [f"rare{k}x{j}" for j in range(4)]
        rng.shuffle(line)
        lines.append(" ".join(line))
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, Counter(w for line in lines for w in split_words(line))


def test_counts_are_exact_within_the_budget(tmp_path):
    path, truth = corpus(tmp_path)
    scanned = scan_corpus([path])
    assert scanned.counting == {"method": "exact", "max_lost_count": 0}
    assert dict(zip(scanned.words, scanned.counts.tolist())) == truth


def test_a_small_budget_prunes_the_rarest_and_bounds_the_loss(tmp_path):
    path, truth = corpus(tmp_path, n_lines=40_000)
    scanned = scan_corpus([path], scan_memory=1 << 20)
    assert scanned.counting["method"] == "pruned"
    lost = scanned.counting["max_lost_count"]
    assert len(scanned.words) < len(truth) // 4
    for word, count in zip(scanned.words, scanned.counts.tolist()):
        assert truth[word] - lost <= count <= truth[word], word
    top = [w for w, _ in truth.most_common(50)]
    assert set(top) <= set(scanned.words)
    encoded = scanned.encode(min_count=1)
    kept = dict(zip(scanned.words, scanned.counts.tolist()))
    assert encoded.n_tokens == sum(kept.values())
    ids = encoded.tokens[encoded.offsets[0]:encoded.offsets[1]]
    assert all(encoded.vocab.words[i] in truth for i in ids)


def test_train_json_reports_the_counting(tmp_path, capsys):
    path, _ = corpus(tmp_path, n_lines=20_000)
    out = tmp_path / "m.w2v"
    code = main(["train", str(path), "-o", str(out), "--dim", "8", "--epochs", "1", "--min-count", "1",
                 "--quiet", "--scan-memory", "1M", "--max-vocab", "100"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["counting"]["method"] == "pruned" and summary["counting"]["max_lost_count"] >= 1


@pytest.mark.parametrize("value", ["lots", "-5M", "0"])
def test_a_bad_scan_memory_is_refused(tmp_path, capsys, value):
    path, _ = corpus(tmp_path, n_lines=10)
    with pytest.raises(SystemExit) as done:
        main(["train", str(path), "-o", str(tmp_path / "m"), f"--scan-memory={value}"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "--scan-memory" in err and "Traceback" not in err


def test_senses_buffers_grow_with_what_is_found(tmp_path, capsys):
    """`senses --max 300000` on a corpus of some hundred occurrences: its samples take what those
    occurrences need, not what the cap allows."""
    import tracemalloc

    path, _ = corpus(tmp_path, n_lines=2000)
    model = tmp_path / "m.npz"
    assert main(["train", str(path), "-o", str(model), "--dim", "8", "--epochs", "1", "--min-count", "2",
                 "--threads", "1", "--quiet"]) == 0
    assert main(["senses", str(model), "w30", "--corpus", str(path), "--max", "1000"]) == 0  # compiled
    capsys.readouterr()
    tracemalloc.start()
    try:
        code = main(["senses", str(model), "w30", "--corpus", str(path), "--max", "300000"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0 and peak < 50 << 20, peak
