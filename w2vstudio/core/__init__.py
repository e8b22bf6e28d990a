"""Qt-free engine: corpus, vocabulary, kernels, trainer, vectors, evaluation, file formats."""
