"""`sarif`: SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) read.

The run describes every rule it cites (id, name, descriptions, help link), and each
result points at its rule by id and index. File locations are relative to the folder the
run started in (`%SRCROOT%`, which CI sets to the repository's root); columns count
Unicode code points, as layercheck's do.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from layercheck.application.docs import rule_page
from layercheck.domain.diagnostics import Diagnostic, Span
from layercheck.domain.registry import BY_CODE
from layercheck.domain.version import __version__
from layercheck.interface.reporters.base import Report, rule_name, rule_url

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/layercheck/layercheck"


def _what_it_does(code: str) -> str | None:
    """The first paragraph of the rule page's `## What it does` section."""
    page = rule_page(code)
    if page is None or "## What it does" not in page:
        return None
    section = page.split("## What it does", 1)[1].split("\n## ", 1)[0].strip()
    paragraph = section.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines()) or None


def rule_descriptor(code: str) -> dict[str, Any]:
    """What the run says about one rule it cites."""
    info = BY_CODE.get(code)
    summary = info.summary if info else code
    full = _what_it_does(code) or summary
    url = rule_url(code)
    return {
        "id": code,
        "name": rule_name(code),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "helpUri": url,
        "help": {"text": f"{full} See {url}", "markdown": f"{full}\n\n[{code} {rule_name(code)}]({url})"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [info.family] if info else []},
    }


def artifact_location(path: str) -> dict[str, str]:
    """A path relative to the run's folder (with `%SRCROOT%`), else an absolute file URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.start.line,
        "startColumn": span.start.column,
        "endLine": span.end.line,
        "endColumn": span.end.column,
    }


def fingerprint(d: Diagnostic) -> str:
    """Stable across line shifts: the file, the rule and the code under the finding."""
    key = "\0".join((d.path, d.code, d.fingerprint or d.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    location = {"physicalLocation": {"artifactLocation": artifact_location(d.path), "region": region(d.span)}}
    found: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": d.message},
        "locations": [location],
        "partialFingerprints": {"layercheck/v1": fingerprint(d)},
    }
    if d.fix is not None and d.fix.edits:
        found["fixes"] = [
            {
                "description": {"text": d.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact_location(d.path),
                        "replacements": [
                            {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.content}}
                            for edit in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return found


def sarif_log(report: Report, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log of a run (`root`: the folder relative paths start from)."""
    codes = sorted({d.code for d in report.diagnostics})
    index = {code: position for position, code in enumerate(codes)}
    base = (root or Path.cwd()).absolute().as_uri().rstrip("/") + "/"
    run = {
        "tool": {
            "driver": {
                "name": "layercheck",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(code) for code in codes],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "columnKind": "unicodeCodePoints",
        "results": [result(d, index[d.code]) for d in report.diagnostics],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: TextIO) -> None:
    json.dump(sarif_log(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
