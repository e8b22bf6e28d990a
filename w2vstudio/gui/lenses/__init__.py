"""The Lenses tab: a pair's likelihood over training, frequency effects, bias axes, word senses."""
