"""The one registry of rules: stable codes, names and what each rule offers.

Pure data, importable without libcst, so that configuration can be validated and a warm
(fully cached) run can finish without loading any rule. Adding a rule takes one line here
and one module under `layercheck/rules/` (or `layercheck/project/rules/`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
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
    # "root" rules check the project as a whole (files such as `.env`), once per run.
    scope: Literal["engine", "file", "project", "root"] = "file"
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

SQL_BUILDERS = ["select", "insert", "update", "delete", "text", "func", "union", "union_all", "exists"]
SESSION_METHODS = [
    "execute",
    "exec",
    "scalars",
    "scalar",
    "get",
    "get_one",
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
    "begin",
    "begin_nested",
    # Closing a session by hand is managing it: the database module's dependency does that.
    "close",
    # The connection under a session (`conn = await session.connection()`), to run SQL on.
    "connection",
    # An engine connection's raw-SQL call.
    "exec_driver_sql",
    # The identity map and bulk writes: database work too.
    "expire",
    "expire_all",
    "expunge",
    "expunge_all",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    # The `databases` package's handle (`await database.fetch_all(query)`).
    "fetch_one",
    "fetch_all",
    "fetch_val",
    "execute_many",
    "iterate",
    "transaction",
]
# LC302 covers every session call in a service, transaction control included: the guide
# puts all database work in repositories (a unit-of-work helper in the database module).
SERVICE_QUERY_METHODS = SESSION_METHODS

# Awaited in a loop, these run one query per iteration (LC405).
LOOP_SESSION_METHODS = [
    "execute",
    "exec",
    "scalars",
    "scalar",
    "get",
    "get_one",
    "stream",
    "stream_scalars",
    "refresh",
    "fetch_one",
    "fetch_all",
    "fetch_val",
]
# Name endings (words split on `_` and case changes) that mark a secret (LC604).
SECRET_NAMES = [
    "secret",
    "secret_key",
    "password",
    "passwd",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "access_key",
    "signing_key",
    "encryption_key",
    "jwt_key",
    "auth_key",
    "master_key",
    "hmac_key",
    "fernet_key",
    "credentials",
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
        "layercheck.project.rules.session_import:SessionImportOutsideRepository",
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
        "layercheck.project.rules.layer_skip:EntrypointImportsRepository",
        "project",
    ),
    RuleInfo(
        "LC103",
        "import-against-layer-direction",
        "An import goes against the direction of the layers",
        "layercheck.project.rules.layer_direction:ImportAgainstLayerDirection",
        "project",
    ),
    RuleInfo(
        "LC104",
        "router-imports-orm-or-query-builder",
        "An api module imports ORM models or sqlalchemy query builders",
        "layercheck.project.rules.router_orm_import:RouterImportsOrmOrQueryBuilder",
        "project",
        options=(
            RuleOption("query-builders", "list[str]", SQL_BUILDERS, "sqlalchemy names that build SQL"),
        ),
    ),
    RuleInfo(
        "LC105",
        "transitive-layer-contract",
        "A forbidden layer is reached through a chain of imports via modules in no layer",
        "layercheck.project.rules.transitive_contract:TransitiveLayerContract",
        "project",
        default_enabled=False,
        options=(
            RuleOption(
                "ignored-layers",
                "list[str]",
                ["config"],
                "Layers not reported when reached through other modules (every helper reads settings)",
            ),
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
        "LC202",
        "router-calls-repository",
        "A router calls a repository directly",
        "layercheck.rules.router_calls_repository:RouterCallsRepository",
    ),
    RuleInfo(
        "LC203",
        "endpoint-returns-orm",
        "An endpoint's response model or return annotation is an ORM model",
        "layercheck.rules.endpoint_returns_orm:EndpointReturnsOrm",
        options=(
            RuleOption(
                "allow-orm-annotation-with-response-model",
                "bool",
                False,
                "Accept an ORM return annotation when `response_model=` is given",
            ),
        ),
    ),
    RuleInfo(
        "LC204",
        "unvalidated-body",
        "An endpoint reads a request body no Pydantic model validates",
        "layercheck.rules.unvalidated_body:UnvalidatedBody",
    ),
    RuleInfo(
        "LC301",
        "service-returns-orm",
        "A service returns an ORM model instead of a schema",
        "layercheck.rules.service_returns_orm:ServiceReturnsOrm",
        options=(
            RuleOption("check-private", "bool", False, "Also check `_private` helper functions"),
        ),
    ),
    RuleInfo(
        "LC302",
        "service-touches-database",
        "A service builds or runs queries instead of calling a repository",
        "layercheck.rules.service_touches_database:ServiceTouchesDatabase",
        options=(
            RuleOption(
                "session-methods",
                "list[str]",
                SERVICE_QUERY_METHODS,
                "Session methods a service must leave to repositories (transaction control included)",
            ),
            RuleOption("query-builders", "list[str]", SQL_BUILDERS, "sqlalchemy names that build SQL"),
        ),
    ),
    RuleInfo(
        "LC401",
        "repository-not-async",
        "A repository function or method is not `async def`",
        "layercheck.rules.repository_not_async:RepositoryNotAsync",
        options=(
            RuleOption("include-private", "bool", False, "Also hold `_private` helpers to the rule"),
            RuleOption("ignore-names", "list[str]", [], "Glob patterns of function names the rule skips"),
        ),
    ),
    RuleInfo(
        "LC402",
        "repository-returns-dict",
        "A repository returns dicts instead of ORM instances",
        "layercheck.rules.repository_returns_dict:RepositoryReturnsDict",
    ),
    RuleInfo(
        "LC403",
        "http-in-repository",
        "HTTP concerns (`HTTPException`, `fastapi` imports) in a repository",
        "layercheck.rules.http_in_repository:HttpInRepository",
    ),
    RuleInfo(
        "LC404",
        "raw-sql-in-repository",
        "A raw SQL string where an ORM `select()` would do",
        "layercheck.rules.raw_sql_in_repository:RawSqlInRepository",
    ),
    RuleInfo(
        "LC405",
        "execute-in-loop",
        "A session query awaited inside a loop (N+1)",
        "layercheck.rules.execute_in_loop:ExecuteInLoop",
        options=(
            RuleOption("session-methods", "list[str]", LOOP_SESSION_METHODS, "Session methods that run a query"),
        ),
    ),
    RuleInfo(
        "LC501",
        "pydantic-v1-config",
        "Pydantic v1 configuration (`class Config:`, `orm_mode`)",
        "layercheck.rules.pydantic_v1_config:PydanticV1Config",
        fix="safe",
    ),
    RuleInfo(
        "LC502",
        "out-schema-without-from-attributes",
        "An `*Out` schema without `from_attributes=True`",
        "layercheck.rules.out_schema_without_from_attributes:OutSchemaWithoutFromAttributes",
        fix="safe",
        options=(
            RuleOption("suffixes", "list[str]", ["Out"], "Class-name suffixes of response schemas"),
        ),
    ),
    RuleInfo(
        "LC503",
        "orm-column-style",
        "An ORM model uses 1.x `Column()` instead of `Mapped[...] = mapped_column()`",
        "layercheck.rules.orm_column_style:OrmColumnStyle",
    ),
    RuleInfo(
        "LC504",
        "schema-imports-orm",
        "A schema module imports ORM models",
        "layercheck.project.rules.schema_imports_orm:SchemaImportsOrm",
        "project",
    ),
    RuleInfo(
        "LC601",
        "session-built-by-hand",
        "A session, session factory or engine built outside the database module",
        "layercheck.rules.session_built_by_hand:SessionBuiltByHand",
        options=(
            RuleOption("allowed-layers", "list[str]", ["database"], "Layers that may build sessions and engines"),
        ),
    ),
    RuleInfo(
        "LC602",
        "env-read-outside-config",
        "`os.environ` / `os.getenv` read outside the config module",
        "layercheck.rules.env_read_outside_config:EnvReadOutsideConfig",
        options=(
            RuleOption("allowed-layers", "list[str]", ["config"], "Layers that may read the environment"),
        ),
    ),
    RuleInfo(
        "LC603",
        "error-details-to-client",
        "Internal error details sent to clients",
        "layercheck.rules.error_details_to_client:ErrorDetailsToClient",
    ),
    RuleInfo(
        "LC604",
        "hardcoded-secret",
        "A secret-looking settings field or constant with a literal default",
        "layercheck.rules.hardcoded_secret:HardcodedSecret",
        options=(
            RuleOption("secret-names", "list[str]", SECRET_NAMES, "Name endings that mark a secret"),
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
    RuleInfo(
        "LC703",
        "stdlib-logging-with-structlog",
        "stdlib `logging` is used where the project logs with structlog",
        "layercheck.rules.stdlib_logging_with_structlog:StdlibLoggingWithStructlog",
        options=(
            RuleOption(
                "allow-stdlib",
                "bool",
                False,
                "Accept named stdlib loggers (`logging.getLogger(name)`); root-logger calls are still flagged",
            ),
        ),
    ),
    RuleInfo(
        "LC704",
        "print-in-server-code",
        "`print()` in server code",
        "layercheck.rules.print_in_server_code:PrintInServerCode",
        options=(
            RuleOption(
                "allowed-paths",
                "list[str]",
                [
                    "**/scripts/**",
                    "**/bin/**",
                    "**/cli.py",
                    "**/cli/**",
                    "**/commands/**",
                    "**/management/**",
                    "**/manage.py",
                    "**/__main__.py",
                ],
                "Globs (from the project root) of command-line code that may print",
            ),
        ),
    ),
    RuleInfo(
        "LC801",
        "non-pyproject-dependency-file",
        "Dependencies declared outside `pyproject.toml`",
        "layercheck.project.rules.dependency_files:NonPyprojectDependencyFile",
        "root",
    ),
    RuleInfo(
        "LC802",
        "env-file-problems",
        "`.env` tracked or not ignored, or `.env.example` missing, holding values or incomplete",
        "layercheck.project.rules.env_files:EnvFileProblems",
        "root",
        options=(
            RuleOption(
                "example-files",
                "list[str]",
                [
                    ".env.example", ".env.sample", ".env.template", ".env.dist",
                    # (the same without the leading dot, or the other way round)
                    "env.example", "example.env", ".env-example", ".env_example", "env.sample",
                    ".env-template", ".env_template", ".env-sample", ".env_sample",
                ],
                "Names of the example file, in order of preference",
            ),
            RuleOption(
                "flag-all-values",
                "bool",
                False,
                "Flag every value in the example file, not only secrets and passwords in URLs",
            ),
            RuleOption(
                "required-keys-only",
                "bool",
                False,
                "Require only the keys of settings fields without a default",
            ),
            RuleOption("ignore-keys", "list[str]", [], "Settings keys the example file need not list"),
        ),
    ),
    RuleInfo(
        "LC803",
        "no-global-exception-handler",
        "No handler for `Exception` on the app",
        "layercheck.rules.no_global_exception_handler:NoGlobalExceptionHandler",
    ),
    RuleInfo(
        "LC804",
        "scaffold-deviates",
        "The project lacks a part of the preset's scaffold",
        "layercheck.project.rules.scaffold:ScaffoldDeviates",
        "root",
        default_enabled=False,
        options=(
            RuleOption(
                "required-layers",
                "list[str]",
                ["main", "config", "database", "api", "service", "repository", "model", "schema"],
                "Layers the project must have at least one module in",
            ),
        ),
    ),
)

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, RuleInfo] = {rule.name: rule for rule in RULES}
ENGINE_CODES = frozenset(rule.code for rule in RULES if rule.scope == "engine")


def implementation_class(info: RuleInfo) -> Any:
    """The class implementing a rule, imported on first use (rules load only when needed)."""
    import importlib

    assert info.implementation is not None, f"{info.code} has no implementation"
    module_name, class_name = info.implementation.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def enabled_implementations(scope: str, enabled: Collection[str]) -> Iterator[tuple[RuleInfo, Any]]:
    """The enabled rules of a scope ("file", "project", "root") that have an implementation,
    with their classes, in catalogue order."""
    for info in RULES:
        if info.scope == scope and info.code in enabled and info.implementation is not None:
            yield info, implementation_class(info)


def expand_selector(selector: str) -> list[str]:
    """Codes matched by a selector: a code, a prefix (`LC1`, `LC70`), a rule name, or `ALL`."""
    if selector == "ALL":
        return [rule.code for rule in RULES]
    if selector in BY_NAME:
        return [BY_NAME[selector].code]
    return [rule.code for rule in RULES if rule.code.startswith(selector)]
