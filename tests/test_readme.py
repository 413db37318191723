"""The README stays true: its Quickstart commands and its rules table."""

from __future__ import annotations

import re

from conftest import REPO

from layercheck.domain.registry import RULES

README = (REPO / "README.md").read_text()


def test_rules_table_lists_every_rule_with_its_page() -> None:
    for rule in RULES:
        row = re.search(rf"^\| \[{rule.code}\]\((rules/{rule.code}-[a-z0-9-]+\.md)\) \| `{rule.name}` \|", README, re.M)
        assert row, f"README's rules table has no row for {rule.code}"
        assert (REPO / row.group(1)).is_file()


def test_quickstart_has_the_two_commands_ci_runs() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert ".venv/bin/layercheck examples/" in quickstart
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest"
    assert test_command in quickstart
    assert test_command in (REPO / ".ci" / "run").read_text()
