"""Output formats: one module per format, all rendering the same `Diagnostic` values."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from layercheck.interface.reporters.base import Report

Renderer = Callable[[Report, TextIO], None]

# format name -> module implementing `render(report, stream)`.
FORMATS: dict[str, str] = {
    "full": "layercheck.interface.reporters.full",
    "concise": "layercheck.interface.reporters.concise",
    "json": "layercheck.interface.reporters.json_format",
    "github": "layercheck.interface.reporters.github",
    "sarif": "layercheck.interface.reporters.sarif",
    "junit": "layercheck.interface.reporters.junit",
    "gitlab": "layercheck.interface.reporters.gitlab",
}


def renderer(name: str) -> Renderer:
    """The render function of an output format (imported on demand: rich is heavy)."""
    module = importlib.import_module(FORMATS[name])
    return module.render  # type: ignore[no-any-return]
