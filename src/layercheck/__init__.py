"""layercheck: keep a FastAPI + SQLAlchemy backend inside its layers."""

from layercheck.domain.version import __version__

__all__ = ["__version__"]
