"""layercheck: keep a FastAPI + SQLAlchemy backend inside its layers."""

__version__ = "0.1.0"
