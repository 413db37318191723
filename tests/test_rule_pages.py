"""Every rule has a page in `rules/`, and the page's examples behave as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, check_json, run_layercheck, write_project

from layercheck.domain.registry import RULES

PAGES = REPO / "rules"
# `python` blocks, and blocks of other files a rule reads (`text title="requirements.txt"`).
_BLOCK = re.compile(r'```[\w-]+ title="(?P<path>[^"]+)"\n(?P<code>.*?)```', re.DOTALL)
_SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## Options",
)
# Engine findings: their pages explain them, but they have no runnable examples.
_NO_EXAMPLES = {"LC000"}


def page_of(code: str) -> Path:
    matches = sorted(PAGES.glob(f"{code}-*.md"))
    assert matches, f"{code} has no page in rules/"
    return matches[0]


def section(text: str, title: str) -> str:
    start = text.index(title) + len(title)
    following = text.find("\n## ", start)
    return text[start : following if following != -1 else len(text)]


def examples(code: str, title: str) -> dict[str, str]:
    blocks = {m.group("path"): m.group("code") for m in _BLOCK.finditer(section(page_of(code).read_text(), title))}
    assert blocks, f"{code}: no `python title=...` block under {title}"
    return blocks


CODES = [rule.code for rule in RULES]
RUNNABLE = [rule for rule in RULES if rule.code not in _NO_EXAMPLES]


@pytest.mark.parametrize("code", CODES)
def test_page_exists_with_every_section(code: str) -> None:
    text = page_of(code).read_text()
    rule = next(r for r in RULES if r.code == code)
    assert text.startswith(f"# {code} {rule.name}\n")
    for title in _SECTIONS:
        assert title in text, f"{code}: missing section {title}"


def _run_example(tmp_path: Path, rule_code: str, files: dict[str, str], default_enabled: bool) -> list[str]:
    root = write_project(tmp_path / "proj", files)
    flags = ["--select", rule_code]
    run = check_json(root, *flags)
    assert run.exit_code in (0, 1), run.output
    return run.codes()


@pytest.mark.parametrize("rule", RUNNABLE, ids=lambda r: r.code)
def test_bad_example_is_flagged(rule, tmp_path: Path) -> None:
    codes = _run_example(tmp_path, rule.code, examples(rule.code, "## Example"), rule.default_enabled)
    assert rule.code in codes


@pytest.mark.parametrize("rule", RUNNABLE, ids=lambda r: r.code)
def test_good_example_is_clean(rule, tmp_path: Path) -> None:
    codes = _run_example(tmp_path, rule.code, examples(rule.code, "## Use instead"), rule.default_enabled)
    assert rule.code not in codes


@pytest.mark.parametrize("code", ["LC201", "sql-in-router"])
def test_rule_command_prints_the_page(code: str, tmp_path: Path) -> None:
    run = run_layercheck(["rule", code], tmp_path)
    assert run.exit_code == 0
    assert "sql-in-router" in run.output and "## Why is this bad?" in run.output


def test_rule_command_rejects_unknown_code(tmp_path: Path) -> None:
    run = run_layercheck(["rule", "LC999"], tmp_path)
    assert run.exit_code == 2


def test_rules_command_lists_every_rule(tmp_path: Path) -> None:
    run = run_layercheck(["rules", "--output-format", "json"], tmp_path)
    import json

    listed = {row["code"]: row for row in json.loads(run.output)}
    assert set(listed) == set(CODES)
    assert all({"name", "family", "default", "fix"} <= set(row) for row in listed.values())
