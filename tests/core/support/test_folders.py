"""One rule for the user's folders: relative XDG values ignored, an empty or relative home refused."""

import pytest

from w2vstudio.core.corpus import download
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support import folders, output


@pytest.mark.parametrize("value", ["", "relative/share"])
def test_a_relative_or_empty_xdg_data_home_is_ignored_everywhere(monkeypatch, tmp_path, value):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", value)
    base = tmp_path / ".local" / "share"
    assert folders.data_home() == base
    assert output.rescue_folder() == base / "w2vstudio" / "rescued"
    assert download.cache_folder() == base / "w2vstudio" / "corpora"


def test_an_absolute_xdg_data_home_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert folders.app_data() == tmp_path / "data" / "w2vstudio"


@pytest.mark.parametrize("value", ["", "relhome"])
def test_an_empty_or_relative_home_is_refused(monkeypatch, value):
    monkeypatch.setenv("HOME", value)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for folder in (folders.data_home, folders.app_data, folders.app_cache):
        with pytest.raises(W2VError, match=r"\$HOME"):
            folder()
