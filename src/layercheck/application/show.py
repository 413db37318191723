"""`--show-settings` and `layercheck layers`: what the run will do, and why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from layercheck.domain.settings import Settings
from layercheck.infrastructure.discovery import discover


def print_settings(settings: Settings, paths: list[Path]) -> None:
    """The resolved settings, each with where it came from."""
    origins = settings.origins
    click.echo(f"project root: {settings.project_root}")
    click.echo(f"config file: {settings.config_file or '(none: defaults)'}")
    rows = [
        ("src", list(settings.src)),
        ("preset", settings.preset),
        ("select", list(settings.select) if settings.select is not None else "(defaults)"),
        ("extend-select", list(settings.extend_select)),
        ("ignore", list(settings.ignore)),
        ("per-file-ignores", {glob: list(codes) for glob, codes in settings.per_file_ignores}),
        ("extend-exclude", list(settings.extend_exclude)),
        ("respect-gitignore", settings.respect_gitignore),
        ("output-format", settings.output_format or "(full on a terminal, concise otherwise)"),
        ("logger-factories", list(settings.logger_factories)),
        ("allow-type-checking-imports", settings.allow_type_checking_imports),
        ("enabled rules", sorted(settings.enabled_codes())),
    ]
    derived = {"enabled rules": "from preset defaults, select, extend-select and ignore"}
    for key, value in rows:
        click.echo(f"{key} = {value!r}  # {origins.get(key) or derived.get(key, 'default')}")
    click.echo(f"layers:  # {origins.get('layers', 'default')} (preset {settings.preset!r})")
    for spec in settings.layers:
        held = "" if spec.held else " (not held to layer rules)"
        click.echo(f"  {spec.name}{held}: paths={list(spec.paths)} may-import={list(spec.may_import)}")
    if settings.rule_options:
        click.echo(f"rule options = {settings.rule_options!r}  # {origins.get('rules', 'default')}")
    click.echo(f"files: {len(discover(paths, settings))}")


@dataclass(frozen=True)
class Placement:
    """Where one file landed, and why."""

    path: str
    module: str
    layer: str | None
    evidence: str

    def to_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "module": self.module, "layer": self.layer, "evidence": self.evidence}


def placements(settings: Settings, paths: list[Path], use_cache: bool = True) -> list[Placement]:
    """Each checked file with its layer and the evidence for it: the configured or preset
    glob that named it, or what its code shows (`APIRouter, 8 routes`), and for ORM modules
    how many ORM classes they define. Reads the code (through the cache), never runs it."""
    from layercheck.application.check import CheckOptions, check
    from layercheck.project.findings import build_index

    result = check(paths, settings, CheckOptions(use_cache=use_cache, need_records=True))
    index = build_index(result.records.values(), settings)
    found = []
    for path in result.checked:
        record = result.records.get(path)
        if record is None:
            continue
        facts = record.facts
        # What the code showed (kept in the facts), else the glob that named the file.
        evidence = str(facts.extra.get("layer_evidence") or "")
        task = result.tasks.get(path)
        if not evidence and task is not None and task.layer_glob is not None and task.layer == facts.layer:
            evidence = f"{'configured' if task.layer_configured else 'preset'} glob {task.layer_glob}"
        orm = [name for name in facts.classes if index.is_orm_model(f"{facts.module}.{name}")]
        if orm:
            evidence += f"{'; ' if evidence else ''}defines {len(orm)} ORM class{'es' if len(orm) != 1 else ''}"
        found.append(Placement(facts.path, facts.module, facts.layer, evidence))
    return sorted(found, key=lambda item: item.path)


def print_layers(settings: Settings, paths: list[Path], output_format: str = "text", use_cache: bool = True) -> None:
    """Each checked file with the layer it landed in (or `-` for none) and why."""
    found = placements(settings, paths, use_cache)
    if output_format == "json":
        click.echo(json.dumps([item.to_dict() for item in found], indent=2))
        return
    counts: dict[str, int] = {}
    for item in found:
        layer = item.layer or "-"
        counts[layer] = counts.get(layer, 0) + 1
        because = f"  ({item.evidence})" if item.evidence else ""
        click.echo(f"{layer:<12} {item.path}{because}")
    summary = ", ".join(f"{layer}: {count}" for layer, count in sorted(counts.items()))
    click.echo(f"\n{summary}")
