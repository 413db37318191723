"""The resolved settings of one run: what `config.py` produces and everything else reads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from layercheck.domain.layers import PRESETS, LayerMap, LayerSpec
from layercheck.domain.registry import BY_CODE, RULES, expand_selector
from layercheck.domain.version import __version__

DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "venv",
    ".layercheck_cache",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    ".ipynb_checkpoints",
)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved from defaults, config file and flags."""

    project_root: Path
    config_file: Path | None = None
    src: tuple[str, ...] = (".", "src")
    preset: str = "supernova"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    # Apply excludes to files named explicitly too (pre-commit passes every changed file).
    force_exclude: bool = False
    output_format: str | None = None
    layers: tuple[LayerSpec, ...] = PRESETS["supernova"]
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    logger_factories: tuple[str, ...] = ()
    allow_type_checking_imports: bool = False
    baseline: str | None = None
    cache_dir: str | None = None
    # The Pydantic major version the project's dependency declarations pin (None: not
    # pinned to one): a v1 project gets no advice to write v2 configuration.
    pydantic_major: int | None = None
    # The same of SQLAlchemy: a 1.x project gets no advice to write 2.0's `mapped_column()`.
    sqlalchemy_major: int | None = None
    # Third-party distributions the project declares (`pusher`): a module named so is the
    # library, never a project module reached by the tail of its name.
    third_party: tuple[str, ...] = ()
    # Where each setting came from, for `--show-settings` ("default", a file, "command line").
    origins: dict[str, str] = field(default_factory=dict)
    # What the user should hear about the configuration found (a broken `pyproject.toml`
    # that holds no layercheck settings, read as holding none).
    warnings: tuple[str, ...] = ()

    def enabled_codes(self) -> frozenset[str]:
        """The rule codes this run reports, in ruff's select/ignore semantics."""
        return self._enabled_codes

    @cached_property
    def _enabled_codes(self) -> frozenset[str]:
        # (worked out once per settings: every checked file asks; `replace()` makes new
        # settings, with nothing remembered)
        if self.select is None:
            enabled = {rule.code for rule in RULES if rule.default_enabled}
        else:
            enabled = {code for selector in self.select for code in expand_selector(selector)}
        for selector in self.extend_select:
            enabled.update(expand_selector(selector))
        for selector in self.ignore:
            enabled.difference_update(expand_selector(selector))
        # The engine's own findings about broken files and internal errors always stand.
        enabled.update({"LC000", "LC001"})
        return frozenset(enabled)

    def options_for(self, code: str) -> dict[str, Any]:
        """A rule's options: its defaults overlaid with `[tool.layercheck.rules.CODE]`."""
        info = BY_CODE[code]
        return {**info.option_defaults(), **self.rule_options.get(code, {})}

    def layer_map(self) -> LayerMap:
        return LayerMap(self.layers)

    def fingerprint(self) -> str:
        """A stable digest of every setting that changes what rules find in a file."""
        relevant = {
            "version": __version__,
            "enabled": sorted(self.enabled_codes()),
            "src": self.src,
            "layers": [(s.name, s.paths, s.may_import, s.held, s.dominant) for s in self.layers],
            "options": {code: self.options_for(code) for code in sorted(self.enabled_codes())},
            "logger_factories": self.logger_factories,
            "allow_type_checking_imports": self.allow_type_checking_imports,
            "pydantic_major": self.pydantic_major,
            "sqlalchemy_major": self.sqlalchemy_major,
            "third_party": self.third_party,
        }
        blob = json.dumps(relevant, sort_keys=True, default=str).encode()
        return hashlib.blake2b(blob, digest_size=12).hexdigest()
