"""LC802 env-file-problems: `.env` committed, `.env.example` missing, holding values or incomplete."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from layercheck.domain.diagnostics import Diagnostic, Span
from layercheck.domain.facts import ClassFact, ModuleFacts
from layercheck.project import lineage
from layercheck.project.rules.root_base import RootRule

_UNHELD = ("tests", "migrations")
_SHOWN_KEYS = 6
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<value>.*?)\s*$")
# The last words of a key that names a secret (`ACCESS_TOKEN_EXPIRE_MINUTES` does not end so).
_SECRET_KEY = re.compile(
    r"(?:^|_)(SECRET|PASSWORD|PASSWD|PASS|PWD|TOKEN|API_?KEY|PRIVATE_?KEY|SECRET_?KEY|ACCESS_?KEY"
    r"|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CREDENTIALS?)$",
    re.IGNORECASE,
)
# `scheme://user:password@host`: a credential inside a URL.
_URL_PASSWORD = re.compile(r"://[^:/@\s]*:(?P<password>[^@/\s]+)@")
# A switch or a number: not a secret, whatever the key (`IS_ALLOWED_CREDENTIALS=True`).
_FLAG = re.compile(r"^(true|false|yes|no|on|off|\d+)$", re.IGNORECASE)
# Values that say "put yours here" rather than being one.
_PLACEHOLDER = re.compile(
    r"^$|^<.*>$|^\{.*\}$|^\$\{?\w+\}?$|^[*x.\-_#?]+$|(?<!ex)change|replace|\byour|unset|example"
    r"|placeholder|todo|fixme|dummy|\bfill|here\b|^(none|null|empty|test)$"
    # (a key's format shown and cut short: `sk-or-v1-....`, `ghp_…`)
    r"|\.\.\.|\u2026"
    # (a value that only names its slot: `redis://user:password@host`, `db_password`)
    r"|^(db[_-]?)?(password|passwd|pass|pwd|secret)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Entry:
    key: str
    value: str
    line: int
    value_column: int  # 1-based column where the value starts


class EnvFileProblems(RootRule):
    """Flags a committed `.env`, and an `.env.example` that is missing, holds secrets or
    lacks keys the settings class reads.

    Secrets live in the environment, never in git; the example file documents every variable
    the settings class reads, with no values, so a new developer knows what to set (backend
    guide, step 2: configuration). `.env` and the example file are looked for in the project
    root, then in the folders above it up to the top of the git repository.
    """

    code = "LC802"

    def check(self) -> Iterator[Diagnostic]:
        settings = list(self._settings_classes())
        folders = [Path(os.path.abspath(module.path)).parent for _, module, _ in settings]
        # Besides the root (and the folders above it), `.env` often sits by the package.
        env = self.files.find((".env",), folders)
        if env is not None:
            yield from self._check_env(env)
        names = tuple(self.options["example-files"])
        # Each settings class is documented by the example file nearest to it (a repository
        # may hold several apps); the root's example file is checked for values in any case.
        documenting: dict[Path, list[tuple[str, ModuleFacts, set[str]]]] = {}
        undocumented = []
        for item, folder in zip(settings, folders, strict=True):
            example = self.files.find_near(names, folder)
            if example is None:
                undocumented.append(item)
            else:
                documenting.setdefault(example, []).append(item)
        root_example = self.files.find(names)
        if root_example is not None:
            documenting.setdefault(root_example, [])
        if undocumented or (env is not None and not documenting):
            main = max(undocumented, key=lambda item: len(item[2]), default=None)
            reader = f" read by `{main[0]}`" if main else ""
            yield self.finding(self.files.root, f"no `.env.example` documents the environment variables{reader}")
        for example, classes in documenting.items():
            entries = _entries(self.files.text(example) or "")
            yield from self._check_values(example, entries)
            yield from self._check_keys(example, entries, classes)

    def _check_env(self, env: Path) -> Iterator[Diagnostic]:
        tracked = self.files.is_tracked(env)
        if tracked:
            yield self.finding(env, "`.env` is tracked by git; untrack it (`git rm --cached .env`) and ignore it")
        elif not self.files.is_ignored(env):
            yield self.finding(env, "`.env` is not git-ignored; add it to `.gitignore`")

    def _check_values(self, example: Path, entries: list[_Entry]) -> Iterator[Diagnostic]:
        name = example.name
        every_value = self.options["flag-all-values"]
        for entry in entries:
            value = _unquoted(entry.value)
            if _PLACEHOLDER.search(value):
                continue
            url = _URL_PASSWORD.search(value)
            if url is not None and not _PLACEHOLDER.search(url.group("password")):
                message = f"`{name}` holds a password in `{entry.key}`; leave the value out"
            elif _SECRET_KEY.search(entry.key) and not _FLAG.match(value):
                message = f"`{name}` holds a secret in `{entry.key}`; leave the value out"
            elif every_value:
                message = f"`{name}` holds a value for `{entry.key}`; list the key without a value"
            else:
                continue
            end = entry.value_column + len(entry.value)
            yield self.finding(example, message, Span.of(entry.line, entry.value_column, entry.line, end))

    def _check_keys(
        self, example: Path, entries: list[_Entry], settings: list[tuple[str, ModuleFacts, set[str]]]
    ) -> Iterator[Diagnostic]:
        documented = {entry.key.upper() for entry in entries}
        ignored = {key.upper() for key in self.options["ignore-keys"]}
        reported: set[str] = set()
        for class_name, module, keys in settings:
            missing = []
            for key in sorted(keys, key=str.upper):
                upper = key.upper()
                if upper in documented or upper in ignored or upper in reported:
                    continue
                if any(known.startswith(f"{upper}__") for known in documented):
                    continue  # a nested model set through `env_nested_delimiter`
                reported.add(upper)
                missing.append(key)
            if not missing:
                continue
            # One finding per settings class: its message names the keys.
            shown = ", ".join(f"`{key}`" for key in missing[:_SHOWN_KEYS])
            more = f" and {len(missing) - _SHOWN_KEYS} more" if len(missing) > _SHOWN_KEYS else ""
            keys_word = "key" if len(missing) == 1 else f"{len(missing)} keys"
            yield self.finding(
                example,
                f"`{example.name}` lacks {keys_word} read by `{class_name}` (`{module.path}`): {shown}{more}",
            )

    # ----- settings classes ------------------------------------------------------------------

    def _settings_classes(self) -> Iterator[tuple[str, ModuleFacts, set[str]]]:
        """Each pydantic-settings class of the project with the environment names it reads."""
        for module in self.index.by_path.values():
            if module.layer in _UNHELD:
                continue
            for name in module.classes:
                qualname = f"{module.module}.{name}"
                if lineage.is_settings_model(self.index, qualname):
                    yield name, module, self._environment_names(module, module.classes[name])

    def _environment_names(self, module: ModuleFacts, fact: ClassFact) -> set[str]:
        """The environment names of the class's fields (with `required-keys-only`, those
        without a default), its own declarations winning over its bases'."""
        every_field = not self.options["required-keys-only"]
        fields: dict[str, tuple[str, bool]] = {}  # field -> (alias, required)
        prefix: str | None = None
        for owner, owner_fact in self._lineage(module, fact):
            shape = owner.extra.get("settings_classes", {}).get(owner_fact.name)
            if shape is not None and shape.get("custom_sources"):
                return set()  # its values may come from elsewhere than the environment
            if shape is None:
                # Not described by the collector: whether a field has a default is unknown.
                for field in owner_fact.attributes:
                    if _is_field_name(field):
                        fields.setdefault(field, ("", False))
                continue
            aliases = shape.get("aliases", {})
            required = set(shape.get("required", ()))
            if prefix is None and shape.get("env_prefix"):
                prefix = shape["env_prefix"]
            for field in shape["fields"]:
                fields.setdefault(field, (aliases.get(field, ""), field in required))
        if prefix and any(field.isupper() for field in fields):
            prefix = prefix.upper()  # matched without case; shown as the fields are written
        return {
            alias or f"{prefix or ''}{field}"
            for field, (alias, required) in fields.items()
            if required or every_field
        }

    def _lineage(self, module: ModuleFacts, fact: ClassFact) -> Iterator[tuple[ModuleFacts, ClassFact]]:
        """The class, then its project bases (breadth first, each once)."""
        queue = [(module, fact)]
        seen: set[tuple[str, str]] = set()
        while queue:
            owner, owner_fact = queue.pop(0)
            key = (owner.path, owner_fact.name)
            if key in seen:
                continue
            seen.add(key)
            yield owner, owner_fact
            for base in owner_fact.bases:
                found = self.index.class_fact(base)
                if found is not None:
                    queue.append(found)


def _is_field_name(name: str) -> bool:
    """An attribute of a class the collector did not describe that can be a settings field."""
    return not name.startswith("_") and name not in ("model_config", "Config", "Meta")


def _entries(text: str) -> list[_Entry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _ASSIGNMENT.match(line)
        if match is None:
            continue
        value = match.group("value")
        if value and value[0] not in "'\"" and " #" in value:
            value = value.split(" #", 1)[0].rstrip()  # an inline comment
        entries.append(_Entry(match.group("key"), value, number, match.start("value") + 1))
    return entries


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value.strip()
