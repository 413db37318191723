"""Per-file rules: one module per rule, registered by a line in `layercheck.domain.registry`."""
