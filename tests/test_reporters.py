"""Every output format pinned on one small project: a formatting change shows up as a diff.

The expected renderings live in `tests/snapshots/reporters/`. After an intended change,
rewrite them with `LAYERCHECK_UPDATE_SNAPSHOTS=1 pytest tests/test_reporters.py` and
review the diff.
"""

from __future__ import annotations

import json
import os
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import run_layercheck, write_project

from layercheck import __version__
from layercheck.domain.registry import BY_CODE

SNAPSHOTS = Path(__file__).parent / "snapshots" / "reporters"
UPDATE = os.environ.get("LAYERCHECK_UPDATE_SNAPSHOTS") == "1"

FILES = {
    "app/api/users.py": """
        import logging

        from fastapi import APIRouter
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        logger = logging.getLogger(__name__)
        router = APIRouter()


        @router.get("/users")
        async def list_users(db: AsyncSession):
            logger.info(f"listing users for {db}")
            return await db.execute(select(1))
    """,
    "app/services/users.py": """
        import logging

        logger = logging.getLogger(__name__)
        LIMIT = 10  # noqa: LC201


        def greet(name: str) -> None:
            logger.info("hello %s" % name)
    """,
}
CLEAN = {
    "app/services/users.py": """
        import logging

        logger = logging.getLogger(__name__)


        def greet(name: str) -> None:
            logger.info("hello %s", name)
    """,
}
EXTENSIONS = {"json": "json", "sarif": "sarif.json", "gitlab": "json", "junit": "xml"}


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain text, whatever the terminal the tests run in says."""
    monkeypatch.setenv("NO_COLOR", "1")
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(variable, raising=False)


def render(root: Path, fmt: str) -> tuple[int, str]:
    run = run_layercheck(["--no-cache", "--output-format", fmt, "."], root)
    # The machine-specific parts: where the project lives, and the version.
    output = run.output.replace(root.as_uri(), "file:///ROOT").replace(str(root), "/ROOT")
    output = output.replace(f'"version": "{__version__}"', '"version": "<version>"')
    output = output.replace(f'"semanticVersion": "{__version__}"', '"semanticVersion": "<version>"')
    return run.exit_code, output


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"snapshot {name} was missing and has been written: review it and run again")
    assert actual == path.read_text(), f"{name} changed (LAYERCHECK_UPDATE_SNAPSHOTS=1 rewrites it)"


FORMATS = ["full", "concise", "json", "github", "sarif", "junit", "gitlab"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_findings_rendering(tmp_path: Path, fmt: str) -> None:
    root = write_project(tmp_path / "proj", FILES)
    exit_code, output = render(root, fmt)
    assert exit_code == 1
    assert_snapshot(f"findings-{fmt}.{EXTENSIONS.get(fmt, 'txt')}", output)


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_rendering(tmp_path: Path, fmt: str) -> None:
    root = write_project(tmp_path / "proj", CLEAN)
    exit_code, output = render(root, fmt)
    assert exit_code == 0
    assert_snapshot(f"clean-{fmt}.{EXTENSIONS.get(fmt, 'txt')}", output)


# ----- what CI services require of each format, beyond the exact text ----------------------


def dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def sarif_of(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    root = write_project(tmp_path / "proj", files)
    run = run_layercheck(["--no-cache", "--output-format", "sarif", "."], root)
    return json.loads(run.output)


def test_sarif_results_name_rules_described_in_the_run(tmp_path: Path) -> None:
    log = sarif_of(tmp_path, FILES)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "layercheck"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == sorted({r["ruleId"] for r in run["results"]})
    for rule in rules:
        info = BY_CODE[rule["id"]]
        assert rule["name"] == info.name
        assert rule["shortDescription"]["text"] == info.summary
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"].endswith(f"/rules/{info.code}-{info.name}.md")
    assert len(run["results"]) == 7
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        assert result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert not artifact["uri"].startswith(("/", "file:"))
        assert artifact["uriBaseId"] in run["originalUriBaseIds"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/proj/")
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_fingerprints_survive_line_shifts(tmp_path: Path) -> None:
    before = sarif_of(tmp_path / "a", FILES)
    shifted = {path: "\n\n# a comment moves everything down\n" + dedent(source) for path, source in FILES.items()}
    after = sarif_of(tmp_path / "b", shifted)

    def prints(log: dict[str, Any]) -> list[str]:
        return [r["partialFingerprints"]["layercheck/v1"] for r in log["runs"][0]["results"]]

    assert prints(before) == prints(after)
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after["runs"][0]["results"]]
    assert lines != [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before["runs"][0]["results"]]


def test_gitlab_fingerprints_are_stable_and_unique(tmp_path: Path) -> None:
    twice = {path: dedent(source) for path, source in FILES.items()}
    # The same finding twice in one file still gives two issues.
    twice["app/services/users.py"] += '\n\ndef again(name: str) -> None:\n    logger.info("hello %s" % name)\n'
    root = write_project(tmp_path / "a", twice)
    issues = json.loads(run_layercheck(["--no-cache", "--output-format", "gitlab", "."], root).output)
    prints = [issue["fingerprint"] for issue in issues]
    assert len(set(prints)) == len(prints) == 8
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] >= 1
    shifted = {path: "\n\n" + source for path, source in twice.items()}
    root = write_project(tmp_path / "b", shifted)
    again = json.loads(run_layercheck(["--no-cache", "--output-format", "gitlab", "."], root).output)
    assert [issue["fingerprint"] for issue in again] == prints


def test_junit_is_well_formed_with_one_failure_per_finding(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", FILES)
    output = run_layercheck(["--no-cache", "--output-format", "junit", "."], root).output
    suites = ET.fromstring(output)
    assert suites.tag == "testsuites" and suites.get("failures") == "7"
    cases = suites.findall("./testsuite/testcase")
    assert len(cases) == 7
    assert {case.get("classname") for case in cases} == {"app/api/users.py", "app/services/users.py"}
    assert all(case.find("failure") is not None for case in cases)


def test_github_prints_workflow_annotations(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", FILES)
    lines = run_layercheck(["--no-cache", "--output-format", "github", "."], root).output.splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("::error title=layercheck (LC104),file=app/api/users.py,line=4,col=24,")
    assert all(line.startswith("::error ") and "::" in line[8:] for line in lines)
