"""`concise`: one finding per line, `path:line:col: CODE message` (the default on a pipe)."""

from __future__ import annotations

from typing import TextIO

from layercheck.interface.reporters.base import Report, statistics_lines, summary_line


def render(report: Report, stream: TextIO) -> None:
    if report.statistics:
        for line in statistics_lines(report):
            stream.write(line + "\n")
        return
    for d in report.diagnostics:
        marker = "[*] " if d.fix is not None and d.fix.applicability in report.fixable_applicability else ""
        message = d.message.splitlines()[0] if not report.show_fixes else d.message
        stream.write(f"{d.path}:{d.line}:{d.column}: {d.code} {marker}{message}\n")
    if not report.quiet:
        stream.write(summary_line(report) + "\n")
