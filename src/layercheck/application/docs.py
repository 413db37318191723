"""Rule documentation: the catalogue table and each rule's page from `rules/`.

The pages ship inside the wheel (`layercheck/rule_pages/`); an editable install reads them
from the repository's `rules/` folder.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import click

from layercheck.domain.registry import BY_CODE, BY_NAME, RULES, RuleInfo


def _page_folders() -> list[Path]:
    folders = []
    try:
        packaged = resources.files("layercheck") / "rule_pages"
        folders.append(Path(str(packaged)))
    except (ModuleNotFoundError, TypeError):
        pass
    # A source checkout: src/layercheck/application/docs.py -> the repository's rules/.
    folders.append(Path(__file__).resolve().parents[3] / "rules")
    return folders


def page_path(code: str) -> Path | None:
    """The Markdown page of a rule (`rules/LC101.md` or `rules/LC101-<name>.md`)."""
    for folder in _page_folders():
        if not folder.is_dir():
            continue
        for candidate in sorted(folder.glob(f"{code}*.md")):
            return candidate
    return None


def rule_page(code: str) -> str | None:
    path = page_path(code)
    return path.read_text(encoding="utf-8") if path is not None else None


def find_rule(code_or_name: str) -> RuleInfo | None:
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name)


def print_rule_page(code_or_name: str) -> bool:
    """Print a rule's page as rich Markdown (plain text on a pipe); False if unknown."""
    info = find_rule(code_or_name)
    if info is None:
        return False
    text = rule_page(info.code) or f"# {info.code} {info.name}\n\n{info.summary}.\n"
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    if console.is_terminal:
        console.print(Markdown(text))
    else:
        click.echo(text)
    return True


def print_rule_table(output_format: str) -> None:
    """`layercheck rules`: code, name, family, on by default, fix."""
    if output_format == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "summary": r.summary,
                "family": r.family,
                "default": r.default_enabled,
                "fix": r.fix,
            }
            for r in RULES
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="layercheck rules")
    for column in ("Code", "Name", "Family", "Default", "Fix", "Summary"):
        table.add_column(column)
    for r in RULES:
        table.add_row(r.code, r.name, r.family, "on" if r.default_enabled else "off", r.fix, r.summary)
    Console(width=160).print(table)
