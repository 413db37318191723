"""`github`: GitHub Actions workflow commands, shown as annotations on the pull request."""

from __future__ import annotations

from typing import TextIO

from layercheck.interface.reporters.base import Report, rule_name


def _escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render(report: Report, stream: TextIO) -> None:
    for d in report.diagnostics:
        properties = ",".join(
            [
                f"title={_escape(f'layercheck ({d.code})', True)}",
                f"file={_escape(d.path, True)}",
                f"line={d.span.start.line}",
                f"col={d.span.start.column}",
                f"endLine={d.span.end.line}",
                f"endColumn={d.span.end.column}",
            ]
        )
        text = f"{d.path}:{d.line}:{d.column}: {d.code} [{rule_name(d.code)}] {d.message}"
        stream.write(f"::error {properties}::{_escape(text)}\n")
