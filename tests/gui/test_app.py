"""The studio as a program: it starts from the command line, remembers its settings, and its small
helpers behave."""

import configparser
import os
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMessageBox

from w2vstudio.gui import settings
from w2vstudio.gui.main_window import MainWindow
from w2vstudio.gui.messages import about_text, sentence
from w2vstudio.gui.train.train_panel import duration


def test_w2vstudio_starts_and_closes_cleanly(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    ini = tmp_path / "w2vstudio" / "w2vstudio.ini"
    proc = subprocess.Popen([sys.executable, "-m", "w2vstudio"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ini.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the window writes its settings file while it is built
        time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)  # closes the window as a user would
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    stored = configparser.ConfigParser()
    stored.read(ini)
    assert stored.has_option("window", "geometry")


def test_settings_come_back_with_their_types(settings_file):
    assert settings.get("train/dim") == 100 and settings.get("files/recent") == []
    settings.put("train/sample", 1e-4)
    settings.put("train/sg", False)
    settings.put("window/geometry", QByteArray(b"\x01\x02"))
    settings.store().setValue("train/window", "not json")
    assert settings.get("train/sample") == 1e-4 and settings.get("train/sg") is False
    assert settings.get("window/geometry") == QByteArray(b"\x01\x02")
    assert settings.get("train/window") == 5  # unreadable: the default
    for i in range(12):
        settings.add_recent(f"/data/{i % 10}.txt")
    assert settings.get("files/recent")[:2] == ["/data/1.txt", "/data/0.txt"]
    assert len(settings.get("files/recent")) == settings.MAX_RECENT
    with pytest.raises(KeyError):
        settings.put("no/such/key", 1)


def test_window_remembers_layout_and_last_settings(qtbot, window):
    window.train_panel.form.set_values({"dim": 42, "sg": False})
    window.tabs.setCurrentIndex(2)
    window.resize(900, 700)
    assert window.train_panel.form.preset.currentText() == "Custom"
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.train_panel.form.values()["dim"] == 42
    assert again.train_panel.form.params().sg is False
    assert again.tabs.currentIndex() == 2
    assert again.width() < 1000  # the stored geometry (fitted to the offscreen screen), not the default


def test_presets_and_about(window):
    form = window.train_panel.form
    form.preset.textActivated.emit("Quick look")
    assert form.values()["dim"] == 50 and form.preset.currentText() == "Quick look"
    assert all(editor.toolTip() for editor in form.editors.values())
    text = about_text()
    assert "w2vstudio" in text and "PySide6" in text and "Numba" in text
    MainWindow.show_error(window, "the file is empty")  # the real one: a box that does not block
    MainWindow.show_about(window)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert sorted(b.text()[:3] for b in boxes) == ["<h3", "The"]
    for box in boxes:
        box.close()


def test_helpers():
    assert sentence("dim must be at least 1") == "Dim must be at least 1."
    assert duration(3725) == "1:02:05" and duration(65) == "1:05"
