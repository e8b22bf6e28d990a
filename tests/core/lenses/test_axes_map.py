"""The Map's "Axes" projection in core: typed word groups, and the top words' scores on two axes."""

import numpy as np
import pytest

from tests.core.lenses.test_axes import reference_score
from w2vstudio.core.errors import UnknownWordError
from w2vstudio.core.lenses.axes import axes_map, group
from w2vstudio.core.vectors import KeyedVectors


@pytest.fixture
def kv():
    rng = np.random.default_rng(5)
    words = ["the", "he", "she", "him", "her", "poor", "rich", "doctor", "nurse", "sea"]
    return KeyedVectors(words, rng.normal(size=(len(words), 8)).astype(np.float32))


def test_group_splits_on_spaces_commas_and_plus():
    assert group(" he him,his + man ") == ("he", "him", "his", "man")
    assert group("  ") == ()


def test_axes_map_places_the_top_words_at_their_scores(kv):
    x, y = (("he", "him"), ("she", "her")), (("poor",), ("rich",))
    xy, x_axis, y_axis = axes_map(kv, 6, x, y)
    assert xy.shape == (6, 2)
    want = [[reference_score(kv, *x, w), reference_score(kv, *y, w)] for w in kv.words[:6]]
    np.testing.assert_allclose(xy, want, rtol=1e-5, atol=1e-6)
    assert (x_axis.label, y_axis.label) == ("he+him \u2192 she+her", "poor \u2192 rich")


def test_axes_map_refuses_an_unknown_word(kv):
    with pytest.raises(UnknownWordError, match="queen"):
        axes_map(kv, 5, (("he",), ("queen",)), (("poor",), ("rich",)))
