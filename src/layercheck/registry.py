"""The one registry of rules: stable codes, names and what each rule offers.

Pure data, importable without libcst, so that configuration can be validated and a warm
(fully cached) run can finish without loading any rule. Adding a rule takes one line here
and one module under `layercheck/rules/` (or `layercheck/project_rules/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FixKind = Literal["none", "safe", "unsafe"]
OptionKind = Literal["bool", "int", "str", "list[str]"]


@dataclass(frozen=True)
class RuleOption:
    """A setting a rule accepts in `[tool.layercheck.rules.<CODE>]`."""

    name: str
    kind: OptionKind
    default: Any
    help: str


@dataclass(frozen=True)
class RuleInfo:
    """What the catalogue says about one rule."""

    code: str
    name: str
    summary: str
    # "module:Class" of the implementation; None for findings the engine itself makes.
    implementation: str | None
    # Where it runs: "file" rules walk one parsed file; "project" rules read the index.
    scope: Literal["engine", "file", "project"] = "file"
    default_enabled: bool = True
    fix: FixKind = "none"
    options: tuple[RuleOption, ...] = ()

    @property
    def family(self) -> str:
        return FAMILIES[self.code[:3]]

    def option_defaults(self) -> dict[str, Any]:
        return {option.name: option.default for option in self.options}


FAMILIES = {
    "LC0": "engine",
    "LC1": "imports",
    "LC2": "routers",
    "LC3": "services",
    "LC4": "repositories",
    "LC5": "schemas and models",
    "LC6": "sessions, config, errors",
    "LC7": "logging",
    "LC8": "project layout",
}

SQL_BUILDERS = ["select", "insert", "update", "delete", "text", "func", "union", "union_all"]
SESSION_METHODS = [
    "execute",
    "scalars",
    "scalar",
    "get",
    "add",
    "add_all",
    "delete",
    "commit",
    "flush",
    "refresh",
    "merge",
    "query",
    "stream",
    "stream_scalars",
    "rollback",
]

RULES: tuple[RuleInfo, ...] = (
    RuleInfo("LC000", "internal-error", "A rule or worker failed on this file", None, "engine"),
    RuleInfo("LC001", "syntax-error", "The file could not be read, decoded or parsed", None, "engine"),
    RuleInfo(
        "LC002",
        "unused-suppression",
        "A suppression comment suppresses nothing or names an unknown code",
        None,
        "engine",
        fix="safe",
    ),
    RuleInfo(
        "LC101",
        "session-import-outside-repository",
        "Session type imported outside the repository and database layers",
        "layercheck.project_rules.session_import:SessionImportOutsideRepository",
        "project",
        options=(
            RuleOption(
                "allowed-layers",
                "list[str]",
                ["repository", "database"],
                "Layers that may import session types",
            ),
            RuleOption(
                "extra-session-types",
                "list[str]",
                [],
                "More fully qualified names to treat as session types",
            ),
        ),
    ),
    RuleInfo(
        "LC102",
        "entrypoint-imports-repository",
        "An api or task module imports the repository layer, skipping the services",
        "layercheck.project_rules.layer_skip:EntrypointImportsRepository",
        "project",
    ),
    RuleInfo(
        "LC103",
        "import-against-layer-direction",
        "An import goes against the direction of the layers",
        "layercheck.project_rules.layer_direction:ImportAgainstLayerDirection",
        "project",
    ),
    RuleInfo(
        "LC104",
        "router-imports-orm-or-query-builder",
        "An api module imports ORM models or sqlalchemy query builders",
        "layercheck.project_rules.router_orm_import:RouterImportsOrmOrQueryBuilder",
        "project",
        options=(
            RuleOption("query-builders", "list[str]", SQL_BUILDERS, "sqlalchemy names that build SQL"),
        ),
    ),
    RuleInfo(
        "LC201",
        "sql-in-router",
        "A router builds or runs SQL",
        "layercheck.rules.sql_in_router:SqlInRouter",
        options=(
            RuleOption("session-methods", "list[str]", SESSION_METHODS, "Session methods that run SQL"),
            RuleOption("query-builders", "list[str]", SQL_BUILDERS, "sqlalchemy names that build SQL"),
        ),
    ),
    RuleInfo(
        "LC701",
        "fstring-log-message",
        "An f-string is used as a log message",
        "layercheck.rules.fstring_log_message:FStringLogMessage",
        fix="unsafe",
    ),
    RuleInfo(
        "LC702",
        "formatted-log-message",
        "`%`, `.format()` or `+` builds a log message",
        "layercheck.rules.formatted_log_message:FormattedLogMessage",
        fix="unsafe",
    ),
)

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, RuleInfo] = {rule.name: rule for rule in RULES}
ENGINE_CODES = frozenset(rule.code for rule in RULES if rule.scope == "engine")


def expand_selector(selector: str) -> list[str]:
    """Codes matched by a selector: a code, a prefix (`LC1`, `LC70`), a rule name, or `ALL`."""
    if selector == "ALL":
        return [rule.code for rule in RULES]
    if selector in BY_NAME:
        return [BY_NAME[selector].code]
    return [rule.code for rule in RULES if rule.code.startswith(selector)]
