"""End to end on whole apps: every planted violation found, nothing else reported.

The apps mark each planted violation with `# expect: LC101` on the offending line (see
`tests/fixtures/apps/README.md`); the comparison is per (file, line, code), restricted to
the codes an app exercises and that the registry implements.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, check_json

from layercheck.domain.registry import RULES

_MARKER = re.compile(r"#\s*expect:\s*(LC\d{3}(?:\s*,\s*LC\d{3})*)\s*$")
IMPLEMENTED = {rule.code for rule in RULES if rule.implementation is not None}
CORE = {"LC101", "LC102", "LC103", "LC104", "LC201", "LC701", "LC702"}

APPS = {
    "examples": (REPO / "examples", IMPLEMENTED),
    "folder_first": (REPO / "tests/fixtures/apps/folder_first", CORE),
    "domain_first": (REPO / "tests/fixtures/apps/domain_first", CORE),
    "crud_layout": (REPO / "tests/fixtures/apps/crud_layout", CORE),
}


def planted(root: Path, codes: set[str]) -> set[tuple[str, int, str]]:
    expected = set()
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = _MARKER.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    if code in codes:
                        expected.add((path.relative_to(root).as_posix(), number, code))
    return expected


@pytest.mark.parametrize("app", sorted(APPS))
def test_app_findings_match_planted_violations(app: str) -> None:
    root, codes = APPS[app]
    run = check_json(root)
    assert run.exit_code == 1
    found = {
        (Path(item["filename"]).relative_to(root.resolve()).as_posix(), item["location"]["row"], item["code"])
        for item in run.json()
        if item["code"] in codes and item["filename"].endswith(".py")
    }
    expected = planted(root, codes)
    missed = sorted(expected - found)
    spurious = sorted(found - expected)
    assert not missed and not spurious, f"missed: {missed}\nspurious: {spurious}"


def test_examples_show_several_codes() -> None:
    run = check_json(REPO / "examples")
    assert run.exit_code == 1
    assert len(set(run.codes())) >= 5
