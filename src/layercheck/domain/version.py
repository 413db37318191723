"""The version, in the domain so that every layer may read it."""

__version__ = "0.1.0"
