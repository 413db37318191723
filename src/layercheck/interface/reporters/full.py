"""`full`: each finding with its code frame and a caret line under the span (rich)."""

from __future__ import annotations

import os
import re
from typing import TextIO

from rich.console import Console
from rich.text import Text

from layercheck.domain.diagnostics import Diagnostic
from layercheck.engine.source import SourceError, decode, read_bytes
from layercheck.interface.reporters.base import Report, rule_name, statistics_lines, summary_line

_CONTEXT = 2


def _read_lines(path: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The file's lines for code frames; none for a symlink (it may lead out of the tree),
    a FIFO or a device (reading could block or never end), or what cannot be read."""
    if path not in cache:
        cache[path] = None
        if not os.path.islink(path):
            try:
                data = read_bytes(path)
            except SourceError:
                return None
            try:
                text = decode(data).text
            except SourceError:
                text = data.decode("utf-8", "replace")
            lines = re.split(r"\r\n?|\n", text)  # as the parser counts lines (not at form feeds)
            cache[path] = lines[:-1] if lines and not lines[-1] else lines
    return cache[path]


def frame(d: Diagnostic, lines: list[str]) -> Text:
    """The lines around a finding, with carets under the offending code."""
    first = max(1, d.span.start.line - _CONTEXT)
    last = min(len(lines), d.span.end.line + _CONTEXT)
    width = len(str(last))
    out = Text()
    gutter = " " * width + " |"
    out.append(gutter + "\n", style="blue")
    for number in range(first, last + 1):
        text = lines[number - 1].expandtabs(4) if number - 1 < len(lines) else ""
        out.append(f"{number:>{width}} | ", style="blue")
        out.append(text + "\n")
        if d.span.start.line <= number <= d.span.end.line:
            start = d.span.start.column - 1 if number == d.span.start.line else len(text) - len(text.lstrip())
            end = d.span.end.column - 1 if number == d.span.end.line else len(text)
            end = max(end, start + 1)
            out.append(gutter + " ", style="blue")
            out.append(" " * start + "^" * (end - start), style="bold red")
            if number == d.span.end.line:
                out.append(f" {d.code}", style="bold red")
            out.append("\n")
    out.append(gutter + "\n", style="blue")
    return out


def render(report: Report, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=True)
    if report.statistics:
        for line in statistics_lines(report):
            console.print(line)
        return
    sources: dict[str, list[str] | None] = {}
    for d in report.diagnostics:
        header = Text()
        header.append(d.path, style="bold")
        header.append(f":{d.line}:{d.column}: ", style="cyan")
        header.append(d.code, style="bold red")
        fixable = d.fix is not None and d.fix.applicability in report.fixable_applicability
        if fixable:
            header.append(" [*]", style="cyan")
        header.append(f" {d.message.splitlines()[0]}  ")
        header.append(f"({rule_name(d.code)})", style="dim")
        console.print(header)
        lines = _read_lines(d.path, sources)
        if lines and d.code not in ("LC001",) or (lines and d.span.start.line > 1):
            console.print(frame(d, lines or []), end="")
        if d.fix is not None and (report.show_fixes or fixable):
            console.print(Text(f"  = help: {d.fix.message}", style="cyan"))
        if "\n" in d.message:
            console.print(Text(d.message.split("\n", 1)[1], style="dim"))
        console.print()
    if not report.quiet:
        style = "bold green" if not report.diagnostics else "bold"
        console.print(Text(summary_line(report), style=style))
