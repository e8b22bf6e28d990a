"""The parameter spec: one description per field, validation, the command line generated from it."""

import argparse
import json
import math
from dataclasses import asdict, fields

import numpy as np
import pytest

from w2vstudio.core.errors import W2VError
from w2vstudio.core.params import BY_NAME, GROUPS, PARAMS, ParamError, TrainParams, add_arguments, from_args


def _parse(*argv) -> TrainParams:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return from_args(parser.parse_args(list(argv)))


def test_every_field_is_described_once_in_order():
    assert [p.name for p in PARAMS] == [f.name for f in fields(TrainParams)]
    default = TrainParams()
    for p in PARAMS:
        assert p.label and p.help.endswith(".") and p.flag.startswith("--") and p.group in GROUPS
        assert getattr(default, p.name) == p.default and type(p.default) is p.type
        if p.type is bool:
            assert {value for _, value in p.choices} == {True, False} and p.switches
        else:
            assert p.low <= p.default <= p.high


def test_the_defaults_parse_to_the_default_parameters():
    assert _parse() == TrainParams()


def test_every_historic_flag_still_works():
    p = _parse("--cbow", "--cbow-sum", "--hs", "--negative", "0", "--fixed-window", "--keep-case",
               "--max-vocab", "7", "--dim", "12", "--window", "3", "--ns-exponent", "0.5", "--min-count", "2",
               "--sample", "1e-4", "--epochs", "2", "--alpha", "0.05", "--min-alpha", "0.001", "--threads", "1",
               "--batch-words", "100", "--seed", "9")
    assert p == TrainParams(sg=False, cbow_mean=False, hs=True, negative=0, shrink_window=False, lowercase=False,
                            max_vocab=7, dim=12, window=3, ns_exponent=0.5, min_count=2, sample=1e-4, epochs=2,
                            alpha=0.05, min_alpha=0.001, threads=1, batch_words=100, seed=9)
    assert _parse("--sg").sg is True


@pytest.mark.parametrize("name,value", [
    ("alpha", math.inf), ("alpha", 1e30), ("alpha", 0.0), ("sample", math.nan), ("ns_exponent", math.nan),
    ("threads", -1), ("seed", -1), ("max_vocab", -1), ("dim", 0), ("epochs", 1.5), ("window", True),
    ("sg", 1), ("min_count", "5"),
])
def test_values_out_of_range_or_of_the_wrong_type_are_refused(name, value):
    with pytest.raises(ParamError) as error:
        TrainParams(**{name: value})
    assert str(error.value).startswith(f"{BY_NAME[name].flag} ") and error.value.param is BY_NAME[name]
    assert isinstance(error.value, W2VError) and isinstance(error.value, ValueError)
    assert error.value.reason in str(error.value)


def test_the_final_learning_rate_is_at_most_the_starting_one():
    assert TrainParams(alpha=0.01, min_alpha=0.01).min_alpha == 0.01
    with pytest.raises(ParamError, match=r"--min-alpha 0\.02: .* \(--alpha 0\.01\)"):
        TrainParams(alpha=0.01, min_alpha=0.02)


def test_whole_floats_are_taken_as_integers_and_ints_as_floats():
    p = TrainParams(dim=12.0, alpha=1, window=np.int64(3), sample=np.float32(0.5))
    assert p.dim == 12 and type(p.dim) is int and p.alpha == 1.0 and type(p.alpha) is float
    assert type(p.window) is int and type(p.sample) is float and p.sample == 0.5


def test_from_dict_ignores_unknown_keys_reads_old_files_and_validates():
    old = {**asdict(TrainParams()), "max_vocab": None, "retired_option": 3}
    assert TrainParams.from_dict(old) == TrainParams()
    assert TrainParams.from_dict(json.loads(json.dumps({"dim": 8}))).dim == 8
    with pytest.raises(ParamError, match=r"^parameter alpha = 'fast': must be a number"):
        TrainParams.from_dict({"alpha": "fast"})
    with pytest.raises(ParamError, match="not a mapping"):
        TrainParams.from_dict([["dim", 8]])


def test_help_shows_the_range_and_default():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    text = " ".join(parser.format_help().split())
    assert "--threads N Worker threads." in text and "Range: 0 to 1,024 (0: all cores); default 0." in text
    assert "--sample F" in text and "default 0.001" in text
