"""Output formats: one module per format, all rendering the same `Diagnostic` values."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from layercheck.reporters.base import Report

Renderer = Callable[[Report, TextIO], None]

# format name -> module implementing `render(report, stream)`.
FORMATS: dict[str, str] = {
    "full": "layercheck.reporters.full",
    "concise": "layercheck.reporters.concise",
    "json": "layercheck.reporters.json_format",
    "github": "layercheck.reporters.github",
    "sarif": "layercheck.reporters.sarif",
    "junit": "layercheck.reporters.junit",
    "gitlab": "layercheck.reporters.gitlab",
}


def renderer(name: str) -> Renderer:
    """The render function of an output format (imported on demand: rich is heavy)."""
    module = importlib.import_module(FORMATS[name])
    return module.render  # type: ignore[no-any-return]
