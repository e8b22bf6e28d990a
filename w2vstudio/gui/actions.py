"""The studio's commands as QActions: text, shortcut and tip of each; the window connects them."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

EXPORTS = (  # format, menu text, file filter, default suffix
    ("bin", "word2vec &binary…", "word2vec binary (*.bin)", ".bin"),
    ("txt", "word2vec &text…", "word2vec text (*.txt *.vec)", ".txt"),
    ("tsv", "&Projector TSV…", "TensorFlow Projector TSV (*.tsv)", ".tsv"),
)


def action(parent, text: str, shortcut=None, tip: str = "") -> QAction:
    """A QAction with its shortcut, status tip and tool tip."""
    made = QAction(text, parent)
    if shortcut is not None:
        made.setShortcut(QKeySequence(shortcut))
    made.setStatusTip(tip)
    made.setToolTip(tip or text.replace("&", "").rstrip("…"))
    return made


class StudioActions:
    """The File, View and Models commands of the window (the Train panel has its own)."""

    def __init__(self, parent):
        keys = QKeySequence.StandardKey
        self.open_corpus = action(parent, "Open &corpus…", keys.Open, "Text files (plain or compressed) to train on.")
        self.open_folder = action(parent, "Open corpus &folder…", "Ctrl+Shift+F",
                                  "Every file in a folder (and its subfolders).")
        self.sample = action(parent, "&Sample corpus", None, "The bundled sample: about 2 million words of Wikipedia.")
        self.get_corpus = action(parent, "&Get a corpus…", None, "Download a well-known free corpus (text8, 20 "
                                 "Newsgroups, fake news, Wikipedia 2017), checked and cached, and open it.")
        self.corpus_cache = action(parent, "Encoded corpus &cache…", None, "The encoded corpora kept so that "
                                   "training again on the same files does not scan them again: list or clear them.")
        self.open_vectors = action(parent, "Open &vectors…", "Ctrl+Shift+O", "Word vectors to explore: word2vec "
                                   "binary or text, GloVe, .vec, Projector TSV or a w2vstudio model.")
        self.open_spark = action(parent, "Open Spar&k model folder…", None, "A Word2Vec model saved by Apache "
                                 "Spark (Word2VecModel.save): its folder, read without Spark.")
        self.save = action(parent, "&Save model…", keys.Save,
                           "Save the model in w2vstudio's own format (.npz), with its snapshots.")
        self.open_session = action(parent, "Open s&ession…", None, "Open a saved session: its models, their "
                                   "snapshots, the pins and the analogy probe.")
        self.save_session = action(parent, "Save sessio&n…", "Ctrl+Shift+S", "Save every model of the session, "
                                   "their snapshots, the pins and the analogy probe in one folder.")
        self.exports = {fmt: action(parent, text) for fmt, text, _, _ in EXPORTS}
        self.quit = action(parent, "&Quit", keys.Quit)
        self.about = action(parent, "&About w2vstudio", "F1")
        self.find = action(parent, "&Find neighbours", keys.Find, "Look up the nearest neighbours of a word.")
        self.pin = action(parent, "&Pin or unpin the word", "Ctrl+D", "Pin the word shown in the corpus panel: probe "
                          "it as the model learns, track it in the next training, draw its trail on the map.")
        self.remove = action(parent, "&Remove from the session", None, "Forget the model explored (and free its "
                             "memory).")
