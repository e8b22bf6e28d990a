"""The studio's icon: rendered by Qt from the bundled SVG, shown in the About box."""

from PySide6.QtCore import QUrl
from PySide6.QtGui import QIcon

from w2vstudio.gui.messages import about_text
from w2vstudio.resources import ICON, path


def test_the_icon_renders_and_is_in_the_about_box():
    icon = QIcon(str(path(ICON)))
    for size in (16, 32, 64, 256):
        image = icon.pixmap(size).toImage()
        assert image.width() == size and image.pixelColor(size // 2, size // 2).alpha() > 0
    assert f'<img src="{QUrl.fromLocalFile(str(path(ICON))).toString()}"' in about_text()
