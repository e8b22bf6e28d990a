"""The map: projections, the spatial index, labels, coordinates and the map model (Qt-free)."""
