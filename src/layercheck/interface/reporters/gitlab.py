"""`gitlab`: GitLab Code Quality JSON, shown in merge requests (`artifacts:reports:codequality`).

GitLab matches findings across pipelines by `fingerprint`: it hashes the file, the rule
and the code under the finding, never the line, so a finding that only moved is not
reported as fixed and new; identical findings in one file are told apart by their order.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from layercheck.domain.diagnostics import Diagnostic
from layercheck.interface.reporters.base import Report, rule_name

_SEVERITY = {"LC000": "critical", "LC001": "critical"}


def fingerprint(d: Diagnostic, occurrence: int) -> str:
    key = "\0".join((d.path, d.code, d.fingerprint or d.message, str(occurrence)))
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def issues(report: Report) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], int] = {}
    found = []
    for d in report.diagnostics:
        key = (d.path, d.code, d.fingerprint or d.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        found.append(
            {
                "description": f"{d.code} [{rule_name(d.code)}] {d.message.splitlines()[0]}",
                "check_name": d.code,
                "fingerprint": fingerprint(d, occurrence),
                "severity": _SEVERITY.get(d.code, "major"),
                "location": {
                    "path": d.path,
                    "lines": {"begin": d.span.start.line, "end": d.span.end.line},
                },
            }
        )
    return found


def render(report: Report, stream: TextIO) -> None:
    json.dump(issues(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
