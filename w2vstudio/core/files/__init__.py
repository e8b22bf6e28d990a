"""Files of vectors and models: word2vec/GloVe/TSV, fastText, Spark models, the session file, dropped paths."""
