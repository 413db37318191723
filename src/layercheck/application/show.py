"""`--show-settings` and `layercheck layers`: what the run will do, and why."""

from __future__ import annotations

from pathlib import Path

import click

from layercheck.domain.settings import Settings
from layercheck.infrastructure.discovery import discover
from layercheck.infrastructure.modules import ModuleNamer


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


def print_layers(settings: Settings, paths: list[Path]) -> None:
    """Each checked file with the layer it landed in (or `-` for none)."""
    namer = ModuleNamer(settings)
    counts: dict[str, int] = {}
    for path in discover(paths, settings):
        task = namer.task_for(path)
        layer = task.layer or "-"
        counts[layer] = counts.get(layer, 0) + 1
        click.echo(f"{layer:<12} {task.display_path}")
    summary = ", ".join(f"{layer}: {count}" for layer, count in sorted(counts.items()))
    click.echo(f"\n{summary}")
