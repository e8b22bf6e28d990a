"""`w2vstudio info MODEL [--json]`: describe a saved model."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

from w2vstudio.core.support import jsonsafe
from w2vstudio.core.errors import FormatError
from w2vstudio.core.lenses.heldout import heldout_summaries
from w2vstudio.core.lenses.pair_likelihood import final_across, probe_summaries
from w2vstudio.core.files.ensemble import first_run, is_ensemble, read_manifest, run_files
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.model import corpus_paths, epoch_words
from w2vstudio.core.train.snapshots import stored_snapshots
from w2vstudio.core.files import sparkfiles as spark_files


def add_parser(subparsers):
    p = subparsers.add_parser("info", help="describe a saved model",
                              description="Describe a model saved by `w2vstudio train --format model`: "
                                          "vocabulary, parameters, losses, snapshots and per-epoch quality; "
                                          "or a Word2Vec model saved by Spark (a folder): its MLlib parameters.")
    p.add_argument("model", help="a w2vstudio model file (.npz) or a folder saved by Spark")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=run)


def describe(model: Model, path) -> dict:
    """Everything `info` reports, JSON-able."""
    snapshots = stored_snapshots(model)
    return {
        "path": str(path),
        "vocab_size": len(model.vocab),
        "dim": model.dim,
        "params": asdict(model.params),
        "epochs_trained": model.epochs_trained,
        "raw_words": model.raw_words,
        "epoch_losses": model.epoch_losses,
        "snapshots": snapshots["count"],
        "snapshots_per_epoch": snapshots["per_epoch"],
        "tracked_words": snapshots["tracked"],
        "epoch_quality": model.info.get("epoch_quality", []),
        "probes": probe_summaries(model, epoch_words(model)),
        "engine": model.info.get("engine"),
        "heldout": heldout_summaries(model),
        "corpus": corpus_paths(model),
    }


def describe_spark(path) -> dict:
    """What `info` reports of a Word2Vec model saved by Spark: sizes and MLlib's metadata."""
    meta = spark_files.read_metadata(path)
    kv = spark_files.read_spark_model(path)
    return {"path": str(path), "vocab_size": len(kv), "dim": kv.dim, "counts": False, "spark": meta.to_dict()}


def run(args) -> int:
    ensemble = _ensemble(args.model)
    args.model = str(first_run(args.model))  # an ensemble: its first run
    if Path(args.model).is_dir():
        info = describe_spark(args.model)
        print(jsonsafe.dumps(info) if args.json else "\n".join(_spark_table(info)))
        return 0
    model = Model.load(args.model)
    try:
        info = describe(model, Path(args.model))
    except FormatError as exc:  # its snapshots, checked when read
        raise FormatError(f"{args.model}: {exc}") from None
    lines = _table(info)
    if ensemble is not None:
        others = run_files(ensemble["path"])[1:]
        try:  # each pair's p after training in every run
            ensemble["probes"] = final_across([model] + [Model.load(file) for file in others])
        except FormatError as exc:
            raise FormatError(f"{ensemble['path']}: {exc}") from None
        info["ensemble"] = ensemble
        lines.insert(0, f"{'ensemble':<16}{ensemble['runs']} runs, seeds {ensemble['seeds']}"
                        + (f", bootstrap ({ensemble['documents']})" if ensemble["bootstrap"] else "")
                        + "; below: its first run")
        lines += _final_lines(ensemble["probes"])
    print(jsonsafe.dumps(info) if args.json else "\n".join(lines))
    return 0


def _ensemble(path) -> dict | None:
    """What `info` says of an ensemble folder (None for any other path)."""
    if not is_ensemble(path):
        return None
    folder, manifest = read_manifest(path)
    return {"path": str(folder), "runs": len(manifest.runs), "seeds": [r.seed for r in manifest.runs],
            "files": [r.file for r in manifest.runs], "bootstrap": manifest.bootstrap,
            "documents": manifest.documents or None}


def _final_lines(probes: list[dict]) -> list[str]:
    """The probed pairs' p after training, mean ± sd over an ensemble's runs."""
    if not probes:
        return []
    lines = [f"{'probes, runs':<16}p(output | input) after training, mean \u00b1 sd over {len(probes[0]['runs'])} runs"]
    for q in probes:
        runs = ", ".join("n/a" if math.isnan(p) else f"{p:.3g}" for p in q["runs"])
        value = "n/a (not probed in every run)" if math.isnan(q["p"]) else f"{q['p']:.3g} \u00b1 {q['p_sd']:.2g}"
        lines.append(f"{'':<16}{q['input']} \u2192 {q['output']}: {value} ({runs})")
    return lines


def _table(info: dict) -> list[str]:
    p = info["params"]
    output = " + ".join(([f"negative sampling ({p['negative']})"] if p["negative"] else [])
                        + (["hierarchical softmax"] if p["hs"] else [])
                        + (["full softmax"] if p.get("softmax") else []))
    rows = [
        ("model", info["path"]),
        ("vocabulary", f"{info['vocab_size']:,} words"),
        ("dimensions", str(info["dim"])),
        ("architecture", f"{'skip-gram' if p['sg'] else 'CBOW'}, {output}, window {p['window']}"),
        ("parameters", " ".join(f"{k}={v}" for k, v in p.items())),
        ("epochs trained", str(info["epochs_trained"])),
        ("raw words", f"{info['raw_words']:,} (last run's corpus)"),
        ("epoch losses", "  ".join(_loss(loss) for loss in info["epoch_losses"]) or "none"),
        ("snapshots", f"{info['snapshots']} ({info['snapshots_per_epoch']} per epoch, "
                      f"{info['tracked_words']:,} tracked words)" if info["snapshots"] else "none"),
    ]
    engine = info["engine"]
    if isinstance(engine, dict):
        rows.append(("engine", " ".join(f"{k}={v}" for k, v in engine.items())))
    lines = [f"{name:<16}{value}" for name, value in rows]
    probes = info["probes"]
    lines.append(f"{'probes':<16}" + ("p(output | input) (rank) at the first and the last snapshot" if probes else "none"))
    lines += [f"{'':<16}{q['input']} \u2192 {q['output']}: {_probe_value(q, 0)} \u2192 {_probe_value(q, -1)}"
              for q in probes]
    held = info["heldout"]
    lines.append(f"{'held-out':<16}" + ("epochs  -log p  NS loss" if held else "none"))
    lines += [f"{'':<16}{h['progress']:>6.2f}  {_score(h['neg_log_p'])}  {_score(h.get('ns_loss'))}" for h in held]
    quality = info["epoch_quality"]
    lines.append(f"{'epoch quality':<16}" + ("epoch  analogy  WS-353" if quality else "none"))
    lines += [f"{'':<16}{q['epoch']:>5}  {_score(q.get('analogy'))}  {_score(q.get('ws353'))}" for q in quality]
    return lines


def _spark_table(info: dict) -> list[str]:
    spark = info["spark"]
    rows = [
        ("model", info["path"]),
        ("saved by", " ".join(filter(None, ("Spark", spark["spark_version"], spark["class"])))),
        ("vocabulary", f"{info['vocab_size']:,} words, no counts"),
        ("dimensions", str(info["dim"])),
        ("parameters", " ".join(f"{k}={v}" for k, v in spark["params"].items())),
    ]
    return [f"{name:<16}{value}" for name, value in rows]


def _probe_value(probe: dict, i: int) -> str:
    if not probe["p"] or probe["p"][i] is None:
        return "n/a"
    return f"{probe['p'][i]:.3g} ({probe['rank'][i]:,})"


def _score(value) -> str:
    return f"{value:7.3f}" if value is not None else f"{'n/a':>7}"


def _loss(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"  # NaN: the epoch had nothing to predict
