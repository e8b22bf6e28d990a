"""Lenses on what a model learned: pair likelihoods over training, frequency effects, bias axes
and word senses. Qt-free; the studio's Lenses views and the `frequency`, `axis` and `senses`
commands call these modules."""
