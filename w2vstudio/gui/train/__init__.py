"""The Train tab: corpus, parameters, what to watch, the training job and its live plots."""
