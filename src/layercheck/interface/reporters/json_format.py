"""`json`: a list of findings in ruff's JSON shape."""

from __future__ import annotations

import json
from typing import Any, TextIO

from layercheck.domain.diagnostics import Diagnostic, Position
from layercheck.interface.reporters.base import Report, absolute, rule_name, rule_url


def _location(position: Position) -> dict[str, int]:
    return {"row": position.line, "column": position.column}


def as_json(d: Diagnostic) -> dict[str, Any]:
    """One finding as ruff writes it (`code`, `location`, `end_location`, `fix`, `url`...)."""
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability,
            "message": d.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": _location(edit.span.start),
                    "end_location": _location(edit.span.end),
                }
                for edit in d.fix.edits
            ],
        }
    return {
        "cell": None,
        "code": d.code,
        "name": rule_name(d.code),
        "message": d.message,
        "filename": absolute(d.path),
        "location": _location(d.span.start),
        "end_location": _location(d.span.end),
        "fix": fix,
        "noqa_row": d.span.start.line,
        "url": rule_url(d.code),
    }


def render(report: Report, stream: TextIO) -> None:
    json.dump([as_json(d) for d in report.diagnostics], stream, indent=2)
    stream.write("\n")
