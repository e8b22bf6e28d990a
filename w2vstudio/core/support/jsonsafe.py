"""JSON other tools can read: no NaN or Infinity (not JSON), no numpy scalars."""

from __future__ import annotations

import json
import math

import numpy as np


def json_safe(value):
    """`value` with every non-finite float replaced by None (recursively), numpy numbers made
    Python ones and tuples made lists."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value, **kwargs) -> str:
    """`json.dumps` of `json_safe(value)`; raises ValueError rather than write NaN."""
    return json.dumps(json_safe(value), allow_nan=False, **kwargs)
