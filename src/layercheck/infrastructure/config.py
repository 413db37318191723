"""Find, read and validate configuration; every error names the file and the key.

Configuration lives in `[tool.layercheck]` of `pyproject.toml` or at the top level of
`layercheck.toml`. It is found by walking up from the first checked path: the first folder
holding a `layercheck.toml` or a `pyproject.toml` is the project root (a `pyproject.toml`
without a `[tool.layercheck]` table means the defaults), so a project nested in another
repository is checked with its own settings.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from layercheck.domain.layers import PRESETS, LayerSpec
from layercheck.domain.registry import BY_CODE, BY_NAME, RULES, expand_selector
from layercheck.domain.settings import Settings
from layercheck.infrastructure.dependencies import read_declarations

CONFIG_FILES = ("layercheck.toml", "pyproject.toml")
OUTPUT_FORMATS = ("full", "concise", "json", "github", "sarif", "junit", "gitlab")


class ConfigError(Exception):
    """A configuration problem, worded for the user (the CLI exits 2 with it)."""


def find_config(start: Path) -> tuple[Path, Path | None]:
    """The project root and its config file, walking up from `start`."""
    start = Path(os.path.realpath(start))  # unlike `resolve`, never fails on a symlink loop
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                return candidate, path
    # No configuration file: the current folder when the checked path lies inside it (as
    # ruff does), so `layercheck app` names `app/models.py` `app.models`; else the folder
    # above the outermost package around the path.
    cwd = Path(os.path.realpath(os.getcwd()))
    if folder == cwd or cwd in folder.parents:
        return cwd, None
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder, None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: invalid TOML: not UTF-8 (byte 0x{data[error.start]:02x})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_toml_error(path, text, error)) from None


def _toml_error(path: Path, text: str, error: ValueError) -> str:
    """`path:line:column: invalid TOML: problem`, from tomllib's `problem (at line L, column C)`."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        return f"{path}:{found[1]}:{found[2]}: invalid TOML: {message[: found.start()]}"
    if message.endswith("(at end of document)"):
        lines = text.split("\n")
        problem = message[: -len("(at end of document)")].rstrip()
        return f"{path}:{len(lines)}:{len(lines[-1]) + 1}: invalid TOML: {problem} (at the end of the file)"
    return f"{path}: invalid TOML: {message}"


def config_table(path: Path, warnings: list[str] | None = None) -> dict[str, Any]:
    """The layercheck table of a config file (empty for a pyproject without one).

    A `pyproject.toml` that is no valid TOML and never names layercheck holds none of its
    settings (a sub-package's, with a stray `\\)` in a coverage pattern): it is read as
    one without the table, with a warning in `warnings`; one that names layercheck is a
    configuration error, as any broken configuration is."""
    try:
        data = read_toml(path)
    except ConfigError as error:
        if path.name != "pyproject.toml" or warnings is None or _names_layercheck(path):
            raise
        warnings.append(f"{error}; read as holding no layercheck settings (it never names layercheck)")
        return {}
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("layercheck", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: `tool.layercheck`: expected a table, got {type(table).__name__}")
        return table
    return data


def _names_layercheck(path: Path) -> bool:
    try:
        return b"layercheck" in path.read_bytes().lower()
    except OSError:
        return True  # (unreadable: the read's own error stands)


def _suggest(word: str, choices: list[str]) -> str:
    import difflib  # only for a bad key: not on every run's import path

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


class _Reader:
    """Reads one table, checking types; errors name the file and dotted key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: `{key}`: {problem}")

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list):
            raise self.fail(key, f"expected a list of strings, got {type(value).__name__}")
        for item in value:
            if not isinstance(item, str):
                raise self.fail(key, f"expected a list of strings, found {item!r}")
        return tuple(value)

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {type(value).__name__}")
        return value

    def boolean(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def codes(self, key: str, value: Any) -> tuple[str, ...]:
        selectors = self.strings(key, value)
        for selector in selectors:
            if not expand_selector(selector):
                hint = _suggest(selector, [*BY_CODE, *BY_NAME])
                raise self.fail(key, f"unknown rule code or prefix `{selector}`{hint}")
        return selectors


def _layers_from(reader: _Reader, value: Any, base: tuple[LayerSpec, ...]) -> tuple[LayerSpec, ...]:
    """Apply a `[tool.layercheck.layers]` table to the preset's layers.

    `layer = ["glob", ...]` replaces a layer's globs; a table may set `paths`,
    `extend-paths`, `may-import` and `held`. A new name adds a custom layer.
    """
    if not isinstance(value, dict):
        raise reader.fail("layers", "expected a table of layer names")
    layers = {spec.name: spec for spec in base}
    order = [spec.name for spec in base]
    for name, entry in value.items():
        key = f"layers.{name}"
        spec = layers.get(name, LayerSpec(name, (), ()))
        if isinstance(entry, list):
            spec = replace(spec, paths=reader.strings(key, entry), configured=reader.strings(key, entry))
        elif isinstance(entry, dict):
            for option, option_value in entry.items():
                option_key = f"{key}.{option}"
                if option == "paths":
                    globs = reader.strings(option_key, option_value)
                    spec = replace(spec, paths=globs, configured=globs)
                elif option == "extend-paths":
                    globs = reader.strings(option_key, option_value)
                    spec = replace(spec, paths=spec.paths + globs, configured=spec.configured + globs)
                elif option == "may-import":
                    spec = replace(spec, may_import=reader.strings(option_key, option_value))
                elif option == "held":
                    spec = replace(spec, held=reader.boolean(option_key, option_value))
                else:
                    choices = ["paths", "extend-paths", "may-import", "held"]
                    raise reader.fail(option_key, f"unknown key{_suggest(option, choices)}")
        else:
            raise reader.fail(key, "expected a list of globs or a table")
        if name not in layers:
            order.append(name)
        layers[name] = spec
    known = set(order)
    for spec in layers.values():
        for target in spec.may_import:
            if target not in known:
                raise reader.fail(
                    f"layers.{spec.name}.may-import",
                    f"unknown layer `{target}`{_suggest(target, sorted(known))}",
                )
    return tuple(layers[name] for name in order)


def _rule_options(reader: _Reader, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise reader.fail("rules", "expected a table of rule codes")
    result: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        info = BY_CODE.get(code) or BY_NAME.get(code)
        if info is None:
            raise reader.fail(f"rules.{code}", f"unknown rule code{_suggest(code, list(BY_CODE))}")
        if not isinstance(options, dict):
            raise reader.fail(f"rules.{code}", "expected a table of options")
        declared = {option.name: option for option in info.options}
        checked: dict[str, Any] = {}
        for name, option_value in options.items():
            key = f"rules.{code}.{name}"
            option = declared.get(name)
            if option is None:
                hint = _suggest(name, list(declared)) or (
                    " (this rule has no options)" if not declared else f" (known: {', '.join(declared)})"
                )
                raise reader.fail(key, f"unknown option{hint}")
            if option.kind == "list[str]":
                checked[name] = list(reader.strings(key, option_value))
            elif option.kind == "bool":
                checked[name] = reader.boolean(key, option_value)
            elif option.kind == "str":
                checked[name] = reader.string(key, option_value)
            elif option.kind == "int":
                if not isinstance(option_value, int) or isinstance(option_value, bool):
                    raise reader.fail(key, f"expected an integer, got {option_value!r}")
                checked[name] = option_value
        result[info.code] = checked
    return result


def _per_file_ignores(reader: _Reader, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise reader.fail("per-file-ignores", "expected a table of glob = [codes]")
    return tuple(
        (glob, reader.codes(f"per-file-ignores.{glob}", codes)) for glob, codes in value.items()
    )


# key in the file -> (Settings attribute, kind of value)
_KEYS: dict[str, tuple[str, str]] = {
    "src": ("src", "strings"),
    "preset": ("preset", "string"),
    "select": ("select", "codes"),
    "ignore": ("ignore", "codes"),
    "extend-select": ("extend_select", "codes"),
    "exclude": ("exclude", "strings"),
    "extend-exclude": ("extend_exclude", "strings"),
    "respect-gitignore": ("respect_gitignore", "bool"),
    "force-exclude": ("force_exclude", "bool"),
    "output-format": ("output_format", "string"),
    "logger-factories": ("logger_factories", "strings"),
    "allow-type-checking-imports": ("allow_type_checking_imports", "bool"),
    "baseline": ("baseline", "string"),
    "cache-dir": ("cache_dir", "string"),
}
_TABLE_KEYS = ("layers", "rules", "per-file-ignores")


def _read_value(reader: _Reader, kind: str, key: str, value: Any) -> Any:
    if kind == "strings":
        return reader.strings(key, value)
    if kind == "codes":
        return reader.codes(key, value)
    if kind == "bool":
        return reader.boolean(key, value)
    return reader.string(key, value)


def settings_from_table(
    table: Mapping[str, Any], project_root: Path, config_file: Path | None
) -> Settings:
    """Validate a layercheck table and resolve it into Settings."""
    source = str(config_file) if config_file else "configuration"
    reader = _Reader(source)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    preset_name = table.get("preset", "supernova")
    if not isinstance(preset_name, str) or preset_name not in PRESETS:
        raise reader.fail("preset", f"unknown preset {preset_name!r} (known: {', '.join(PRESETS)})")
    layers = PRESETS[preset_name]
    for key, value in table.items():
        origins[key] = source
        if key in _KEYS:
            attribute, kind = _KEYS[key]
            values[attribute] = _read_value(reader, kind, key, value)
        elif key == "layers":
            layers = _layers_from(reader, value, layers)
        elif key == "rules":
            values["rule_options"] = _rule_options(reader, value)
        elif key == "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(reader, value)
        else:
            hint = _suggest(key, [*_KEYS, *_TABLE_KEYS])
            raise reader.fail(key, f"unknown key{hint}")
    if values.get("output_format") not in (None, *OUTPUT_FORMATS):
        raise reader.fail(
            "output-format", f"unknown format (known: {', '.join(OUTPUT_FORMATS)})"
        )
    declarations = read_declarations(project_root)
    return Settings(
        project_root=project_root,
        config_file=config_file,
        layers=layers,
        origins=origins,
        pydantic_major=declarations.major("pydantic"),
        sqlalchemy_major=declarations.major("sqlalchemy"),
        third_party=declarations.distributions(),
        **values,
    )


def load_settings(paths: list[Path], config: Path | None = None) -> Settings:
    """Settings for checking `paths`: from `--config`, or found by walking up from them."""
    if config is not None:
        if not config.is_file():
            raise ConfigError(f"{config}: config file not found")
        table = config_table(config)
        return settings_from_table(table, config.resolve().parent, config.resolve())
    start = paths[0] if paths else Path.cwd()
    root, found = find_config(start)
    warnings: list[str] = []
    table = config_table(found, warnings) if found is not None else {}
    settings = settings_from_table(table, root, found)
    return replace(settings, warnings=tuple(warnings)) if warnings else settings


def all_rule_codes() -> list[str]:
    return [rule.code for rule in RULES]
