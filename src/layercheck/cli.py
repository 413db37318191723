"""The command line: parse flags, call the application, choose the exit code.

`layercheck [PATHS]` checks (the `check` command is the default); other commands list and
explain rules, write a starting configuration, and run the language server.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from layercheck.domain.registry import expand_selector
from layercheck.domain.settings import Settings
from layercheck.domain.version import __version__
from layercheck.infrastructure.config import OUTPUT_FORMATS, ConfigError, load_settings
from layercheck.interface.progress import TerminalProgress, progress_bar

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultCommandGroup(click.Group):
    """A group that runs `check` when the first argument is not a command name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _codes(values: tuple[str, ...], flag: str) -> tuple[str, ...]:
    """Split `--select LC1,LC701` style values and check every selector."""
    codes = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    for code in codes:
        if not expand_selector(code):
            raise click.BadParameter(f"unknown rule code or prefix `{code}`", param_hint=flag)
    return codes


def _fail(message: str) -> None:
    click.echo(f"layercheck: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def resolve_settings(
    paths: list[Path],
    config: Path | None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
) -> Settings:
    """Settings from the config file, with ruff's rule flags layered on top: `--select`
    replaces the selection, `--ignore` and `--extend-select` add to the file's lists."""
    try:
        return _settings(paths, config, select, ignore, extend_select)
    except ConfigError as error:
        _fail(str(error))
        raise  # unreachable: _fail exits


def _settings(
    paths: list[Path],
    config: Path | None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
) -> Settings:
    """As `resolve_settings`, raising ConfigError."""
    settings = load_settings(paths, config)
    origins = dict(settings.origins)
    if select:
        settings = replace(settings, select=select)
        origins["select"] = "command line"
    if ignore:
        settings = replace(settings, ignore=settings.ignore + ignore)
        origins["ignore"] = "command line"
    if extend_select:
        settings = replace(settings, extend_select=settings.extend_select + extend_select)
        origins["extend-select"] = "command line"
    return replace(settings, origins=origins)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layercheck")
def main() -> None:
    """Keep a FastAPI + SQLAlchemy backend inside its layers."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (replaces the defaults).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top.")
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), help="How to print findings.")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Use this config file.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--show-fixes", is_flag=True, help="Show the fix each finding offers.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="Also offer and apply the unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of applying them.")
@click.option("--add-noqa", is_flag=True, help="Suppress every current finding with a `# noqa` comment.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings not in FILE.")
@click.option("--write-baseline", is_flag=True, help="Record the current findings in the baseline file.")
@click.option("--stdin-filename", type=click.Path(path_type=Path), help="Read source from stdin as this path.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly too.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Where to keep the cache.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--show-settings", is_flag=True, help="Print the resolved settings and where each came from.")
@click.option("--watch", is_flag=True, help="Check again on every change, until Ctrl-C (needs `layercheck[watch]`).")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    output_format: str | None,
    config: Path | None,
    statistics: bool,
    exit_zero: bool,
    show_fixes: bool,
    stdin_filename: Path | None,
    no_cache: bool,
    force_exclude: bool,
    cache_dir: Path | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    show_settings: bool,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    add_noqa: bool = False,
    baseline: Path | None = None,
    write_baseline: bool = False,
    watch: bool = False,
) -> None:
    """Check PATHS (default: the current folder) for layering violations."""
    from layercheck.application.check import CheckOptions
    from layercheck.application.check import check as run_check

    if stdin_filename is not None:
        # Editors and formatter plugins call `layercheck --stdin-filename PATH -`.
        paths = tuple(path for path in paths if str(path) != "-")
    targets = [stdin_filename] if stdin_filename else (list(paths) or [Path(".")])
    settings = resolve_settings(
        targets,
        config,
        _codes(select, "--select"),
        _codes(ignore, "--ignore"),
        _codes(extend_select, "--extend-select"),
    )
    if force_exclude:
        settings = replace(settings, force_exclude=True)
    if show_settings:
        from layercheck.application.show import print_settings

        print_settings(settings, targets)
        return
    for path in paths:
        if not path.exists() and not path.is_symlink():
            _fail(f"{path}: no such file or folder")
    fmt = output_format or settings.output_format or ("full" if sys.stdout.isatty() else "concise")
    override = None
    if stdin_filename is not None:
        override = (stdin_filename, sys.stdin.buffer.read())
    options = CheckOptions(
        use_cache=not no_cache,
        cache_dir=cache_dir,
        jobs=jobs,
        verbose=verbose,
        override=override,
        progress=progress_bar(fmt, quiet),
    )
    from layercheck.interface.check_actions import Actions, after_check

    stdin = override[1] if override else None
    actions = Actions(fix, unsafe_fixes, diff, add_noqa, baseline, write_baseline, quiet, stdin)
    options.need_records = actions.needs_records
    if watch:
        if fix or diff or add_noqa or write_baseline or stdin_filename is not None:
            _fail("`--watch` cannot be combined with `--fix`, `--diff`, `--add-noqa`, `--write-baseline` or stdin")
        flags = (_codes(select, "--select"), _codes(ignore, "--ignore"), _codes(extend_select, "--extend-select"))
        sys.exit(_watch(targets, config, flags, force_exclude, options, actions, fmt, statistics, show_fixes))
    # A run builds records and findings that hold no reference cycles, and then ends: the
    # cyclic collector would only walk the growing heap again and again while results
    # arrive (a tenth of a cold run's time in this process, on thousands of small files).
    gc.disable()
    try:
        result = run_check(targets, settings, options)
    finally:
        if isinstance(options.progress, TerminalProgress):
            options.progress.close()  # before anything else is printed
    for warning in result.warnings:
        click.echo(f"layercheck: warning: {warning}", err=True)
    _explain_internal_errors(result.diagnostics, verbose)
    finish = after_check(result, settings, actions, sys.stdout, sys.stderr)
    if finish.exit is not None:
        sys.exit(finish.exit)
    _report(finish.diagnostics, result.files_checked, fmt, statistics, quiet, show_fixes, finish.fixed, actions)
    # The process ends here: spare the interpreter's last collection a walk over every
    # object of the run (about a tenth of a run answered from the cache).
    gc.freeze()
    sys.exit(exit_code(finish.diagnostics, exit_zero))


def _watch(
    targets: list[Path],
    config: Path | None,
    flags: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    force_exclude: bool,
    options: Any,
    actions: Any,
    fmt: str,
    statistics: bool,
    show_fixes: bool,
) -> int:
    """`--watch`: the interface's loop (`interface/watch.py`) over one check per change."""
    import io

    from layercheck.application.check import check as run_check
    from layercheck.interface import watch
    from layercheck.interface.check_actions import after_check
    from layercheck.interface.reporters import renderer
    from layercheck.interface.reporters.base import Report

    if not watch.available():
        _fail(watch.MISSING)

    def load() -> Settings:
        settings = _settings(targets, config, *flags)
        return replace(settings, force_exclude=True) if force_exclude else settings

    def run(settings: Settings) -> tuple[int, str]:
        result = run_check(targets, settings, replace(options, progress=None))
        errors = io.StringIO()
        for warning in result.warnings:
            errors.write(f"layercheck: warning: {warning}\n")
        finish = after_check(result, settings, actions, io.StringIO(), errors)
        sys.stderr.write(errors.getvalue())
        report = Report(finish.diagnostics, result.files_checked, show_fixes=show_fixes, statistics=statistics)
        report.quiet = actions.quiet
        report.fixable_applicability = actions.applicability
        text = io.StringIO()
        renderer(fmt)(report, text)
        return len(finish.diagnostics), text.getvalue()

    return watch.watch(watch.WatchTarget(load, run, options.cache_dir), sys.stdout, sys.stderr)


def _explain_internal_errors(diagnostics: list[Any], verbose: bool) -> None:
    """LC000 findings keep a one-line message in every format; the tracebacks go to stderr."""
    failures = [d for d in diagnostics if d.code == "LC000"]
    if not failures:
        return
    if not verbose:
        click.echo("layercheck: internal errors (LC000): run with `--verbose` for the tracebacks", err=True)
        return
    for failure in failures:
        click.echo(f"{failure.path}: {failure.message}", err=True)


def exit_code(diagnostics: list[Any], exit_zero: bool) -> int:
    """2 when layercheck itself failed on a file, else 1 for findings, else 0."""
    if any(d.code == "LC000" for d in diagnostics):
        return EXIT_ERROR
    if diagnostics and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _report(
    diagnostics: list[Any],
    files: int,
    fmt: str,
    statistics: bool,
    quiet: bool,
    show_fixes: bool,
    fixed: int = 0,
    actions: Any = None,
) -> None:
    from layercheck.interface.reporters import renderer
    from layercheck.interface.reporters.base import Report

    report = Report(diagnostics, files, show_fixes=show_fixes, statistics=statistics, quiet=quiet, fixed=fixed)
    if actions is not None:
        report.fixable_applicability = actions.applicability
    stream = sys.stdout
    renderer(fmt)(report, stream)
    stream.flush()


@main.command("rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, family, default, fix."""
    from layercheck.application.docs import print_rule_table

    print_rule_table(output_format)


@main.command("rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Print the documentation page of a rule (by code or name)."""
    from layercheck.application.docs import print_rule_page

    if not print_rule_page(code):
        _fail(f"unknown rule `{code}` (see `layercheck rules`)")


@main.command("init")
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Replace an existing layercheck configuration.")
@click.option("--dry-run", is_flag=True, help="Print the configuration instead of writing it.")
def init_command(path: Path | None, force: bool, dry_run: bool) -> None:
    """Detect the layout of PATH (default: here) and write a starting configuration."""
    from layercheck.application.init_config import InitError, init_project, report_lines

    try:
        result = init_project(path or Path("."), force=force, dry_run=dry_run)
    except InitError as error:
        _fail(str(error))
        return
    if dry_run:
        click.echo(result.section)
    for line in report_lines(result):
        click.echo(line)


@main.command("layers")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
def show_layers(paths: tuple[Path, ...], config: Path | None, output_format: str, no_cache: bool) -> None:
    """Show which layer each file landed in, and the evidence for it."""
    from layercheck.application.show import print_layers

    targets = list(paths) or [Path(".")]
    settings = resolve_settings(targets, config)
    for path in paths:
        if not path.exists():
            _fail(f"{path}: no such file or folder")
    print_layers(settings, targets, output_format, use_cache=not no_cache)


@main.command("graph")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid")
@click.option(
    "--modules",
    multiple=True,
    metavar="LAYER[,LAYER]",
    help="Module-level graph: the imports of one layer, between two layers, or `all` of them.",
)
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Use this config file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
def graph_command(
    paths: tuple[Path, ...], output_format: str, modules: tuple[str, ...], config: Path | None, no_cache: bool
) -> None:
    """Draw the layer dependency graph measured from the actual imports."""
    from layercheck.application.check import CheckOptions
    from layercheck.application.check import check as run_check
    from layercheck.application.graph import project_graph, render

    targets = list(paths) or [Path(".")]
    settings = resolve_settings(targets, config)
    for path in paths:
        if not path.exists():
            _fail(f"{path}: no such file or folder")
    layers = tuple(part.strip() for value in modules for part in value.split(",") if part.strip())
    known = [spec.name for spec in settings.layers]
    if len(layers) > 2:
        _fail("`--modules` takes one layer or a pair of layers")
    for layer in layers:
        if layer not in known and layers != ("all",):
            _fail(f"unknown layer `{layer}` in `--modules` (known: {', '.join(known)})")
    result = run_check(targets, settings, CheckOptions(use_cache=not no_cache, need_records=True))
    click.echo(render(project_graph(result.records, result.checked, settings, layers), output_format), nl=False)


@main.command("clean")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False))
def clean_cache(cache_dir: Path | None) -> None:
    """Remove the cache directory."""
    from layercheck.infrastructure.cache import clean, default_cache_dir

    settings = resolve_settings([Path(".")], None)
    configured = settings.project_root / settings.cache_dir if settings.cache_dir else None
    directory = cache_dir or configured or default_cache_dir(settings.project_root)
    if clean(directory):
        click.echo(f"Removed {directory}")
    else:
        click.echo(f"No cache at {directory}")


@main.command("server")
def serve() -> None:
    """Run the language server (LSP) on standard input and output, for editors."""
    from layercheck.interface.lsp.server import run

    run()


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
