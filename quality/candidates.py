"""Propose candidate lines per rule code for a human labeler to read (see quality/README.md).

It knows nothing of layercheck's analysis: it guesses a file's layer from folder and file
names and matches plain regex / AST patterns (session-ish method calls, sqlalchemy query
builders, session imports, cross-layer imports, formatted log messages, environment reads,
sync `def` in repositories, service return annotations). It proposes too much on purpose:
every proposal gets a verdict (`violation` or `ok`) from someone reading the code.

    python quality/candidates.py CHECKOUT_DIR [--scope PREFIX ...] [--code LC201 ...]
        [--why] [--tsv] [--all-layers]
    python quality/candidates.py --hash FILE LINE

Output: `path:line: CODE? text` (path relative to CHECKOUT_DIR); `--why` adds the pattern
that fired, `--tsv` prints rows for labels/NAME.tsv with the verdict left blank. `--hash`
prints a line's label hash (first 10 hex digits of sha1 of the stripped line).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    "env",
    ".env",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
}

# Folder names (and file stems) that name a layer. Broader than any one tool's preset on
# purpose: a candidate list should over-propose.
LAYER_FOLDERS = {
    "api": {
        "api",
        "apis",
        "routers",
        "router",
        "routes",
        "route",
        "endpoints",
        "endpoint",
        "views",
        "controllers",
        "controller",
        "handlers",
        "http",
        "rest",
        "web",
        "resources",
    },
    "service": {
        "services",
        "service",
        "use_cases",
        "usecases",
        "use_case",
        "usecase",
        "interactors",
        "application",
        "bl",
        "logic",
        "business",
    },
    "repository": {
        "repositories",
        "repository",
        "repos",
        "repo",
        "crud",
        "cruds",
        "dal",
        "dao",
        "daos",
        "persistence",
        "storage",
        "stores",
    },
    "model": {"models", "model", "entities", "entity", "orm", "tables"},
    "schema": {"schemas", "schema", "dto", "dtos", "serializers"},
    "database": {"db", "database"},
    "config": {"config", "settings", "conf"},
    "task": {"tasks", "workers", "worker", "jobs", "celery_task", "celery_tasks"},
    "tests": {"tests", "test", "testing"},
    "migrations": {"alembic", "migrations", "versions"},
}
LAYER_FILES = [  # (regex on the file stem, layer); first match wins
    (r"test_.*|.*_test|conftest", "tests"),
    (r"router|routes|endpoints?|views|.*_(router|routes|api|views|endpoints|controller)", "api"),
    (r"services?|.*_services?|use_cases?", "service"),
    (r"repository|repositories|crud|dao|.*_(repo|repository|repositories|crud|dao|store)", "repository"),
    (r"models?|.*_models?|entities|tables", "model"),
    (r"schemas?|.*_schemas?|dto|dtos", "schema"),
    (r"database|db|session|engine", "database"),
    (r"config|settings|.*_settings|.*_config", "config"),
    (r"tasks?|.*_tasks?|celery_.*|worker|workers|jobs", "task"),
]
# Which layer may import which (the guide's direction); used for LC103 proposals.
MAY_IMPORT = {
    "api": {"service", "schema", "database", "config"},
    "service": {"repository", "schema", "model", "service", "config"},
    "repository": {"model", "database", "schema"},
    "model": {"model", "database"},
    "schema": {"schema"},
    "database": {"config"},
    "config": set(),
    "task": {"service", "schema", "config"},
}
HELD = set(MAY_IMPORT)

SESSION_IMPORTS = {
    "Session",
    "AsyncSession",
    "sessionmaker",
    "async_sessionmaker",
    "scoped_session",
    "async_scoped_session",
    "AsyncConnection",
    "Connection",
}
QUERY_BUILDERS = {
    "select",
    "insert",
    "update",
    "delete",
    "text",
    "exists",
    "union",
    "union_all",
    "bindparam",
    "literal_column",
    "column",
    "table",
    "outerjoin",
    "join",
}
SQLA_MODULES = ("sqlalchemy", "sqlmodel")
# Session methods proposed on any receiver, and those proposed only on a session-ish one.
SESSION_METHODS = {
    "execute",
    "scalars",
    "scalar",
    "scalar_one",
    "scalar_one_or_none",
    "exec",
    "query",
    "commit",
    "rollback",
    "flush",
    "stream",
    "stream_scalars",
    "add_all",
    "begin_nested",
    "run_sync",
}
SESSION_METHODS_NEAR = {
    "add",
    "get",
    "delete",
    "merge",
    "refresh",
    "begin",
    "close",
    "expunge",
    "expire",
    "get_one",
    "connection",
}
SESSIONISH = re.compile(r"(?i)(^|_)(session|sess|db|database|conn|connection|uow|tx|transaction|s)$")
REPOISH = re.compile(r"(?i)(repo|repository|repositories|crud|dao|store|storage)")
LOG_METHODS = {
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
    "trace",
    "success",
}
LOGGISH = re.compile(r"(?i)log")
SESSION_BUILDERS = {
    "create_engine",
    "create_async_engine",
    "sessionmaker",
    "async_sessionmaker",
    "scoped_session",
    "Session",
    "AsyncSession",
}
ORM_BASES = re.compile(r"^(Base|DeclarativeBase|DeclarativeBaseNoMeta|SQLModel|Model|.*Base|.*Model)$")


@dataclass(frozen=True, order=True)
class Candidate:
    path: str
    line: int
    code: str
    why: str


def line_hash(text: str) -> str:
    """The label hash: first 10 hex digits of sha1 of the stripped line (UTF-8)."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:10]


_LINE_END = re.compile(r"\r\n|\r|\n")


def read_lines(path: Path) -> list[str]:
    """A file's lines as layercheck numbers them (Python's line ends: `\\r\\n`, `\\r` or
    `\\n`, not the other characters `str.splitlines` breaks on; BOM dropped)."""
    lines = _LINE_END.split(path.read_bytes().decode("utf-8-sig", errors="replace"))
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def guess_layer(parts: Sequence[str]) -> str | None:
    """A layer from path segments: the file stem first, then the deepest folder named for one."""
    *folders, last = parts
    stem = last[:-3] if last.endswith(".py") else last
    if stem != "__init__":
        for pattern, layer in LAYER_FILES:
            if re.fullmatch(pattern, stem):
                return layer
    for folder in reversed(folders):
        for layer, names in LAYER_FOLDERS.items():
            if folder.lower() in names:
                return layer
    if stem == "__init__" and folders:  # a package named for a layer: `crud/__init__.py`
        return guess_layer([*folders[:-1], folders[-1] + ".py"])
    return None


def guess_layers(parts: Sequence[str]) -> set[str]:
    """Every layer the names suggest: the file stem's and every folder's (`routes/users/crud.py`
    is a router to its folder and a repository to its name; `services/migrations/x.py` is a
    service to one folder and a migration to the other). A candidate list over-proposes."""
    *folders, last = parts
    found = {layer} if (layer := guess_layer(parts)) else set()
    for folder in folders:
        found.update(layer for layer, names in LAYER_FOLDERS.items() if folder.lower() in names)
    return found


def module_layer(dotted: str) -> str | None:
    """The layer a dotted module name points into, by the same names."""
    parts = [part for part in dotted.split(".") if part]
    return guess_layer([*parts[:-1], parts[-1] + ".py"]) if parts else None


def dotted(node: ast.AST) -> str:
    """`a.b.c` for a name/attribute chain; calls in the chain are seen through (`a().b`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Subscript):
        return dotted(node.value)
    return ""


class FileScan:
    """The candidates of one parsed file."""

    def __init__(
        self, rel: str, tree: ast.Module, layers: set[str], orm_names: set[str], local: set[str], all_layers: bool
    ):
        self.rel = rel
        self.local = local  # folder names and module stems of the checkout: what is "the project"
        self.tree = tree
        self.layers = layers  # empty: in no layer the names suggest
        self.orm_names = set(orm_names)
        self.all_layers = all_layers
        self.found: list[Candidate] = []
        self.package = rel.split("/")[:-1]
        self.imported_from: dict[str, str] = {}  # local name -> module it came from
        self.repo_names: set[str] = set()  # names imported from repository modules, or bound to repo-ish calls
        self.db_functions: set[str] = set()  # functions imported from database modules (query helpers?)

    def add(self, node: ast.AST | int, code: str, why: str) -> None:
        line = node if isinstance(node, int) else node.lineno  # type: ignore[attr-defined]
        self.found.append(Candidate(self.rel, line, code, why))

    def is_layer(self, *layers: str | None) -> bool:
        """Whether the file may be in one of `layers` (None: in no layer)."""
        return self.all_layers or bool(self.layers & set(layers)) or (None in layers and not self.layers)

    def only_in(self, *layers: str) -> bool:
        """Whether every layer the file may be in is one of `layers` (never with --all-layers)."""
        return not self.all_layers and bool(self.layers) and self.layers <= set(layers)

    # ---- imports: LC101, LC102, LC103, LC104
    def absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.package[: len(self.package) - node.level + 1] if node.level > 1 else self.package
        return ".".join([*base, *(node.module.split(".") if node.module else [])])

    def imports(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.imported_from[(alias.asname or alias.name).split(".")[0]] = alias.name
                    self.import_name(alias, alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                module = self.absolute(node)
                for alias in node.names:
                    self.imported_from[alias.asname or alias.name] = module
                    self.import_name(alias, module, alias.name)

    def import_name(self, alias: ast.alias, module: str, name: str | None) -> None:
        local = alias.asname or (name or module)
        is_sqla = module.split(".")[0] in SQLA_MODULES
        if name and ("session" in name.lower() or name in SESSION_IMPORTS):
            if not self.only_in("repository", "tests", "migrations"):
                self.add(alias, "LC101", f"`{name}` imported from {module or '.'}")
        target = None
        targets: set[str] = set()  # every layer the module's names suggest (over-proposing)
        if module.split(".")[0] in self.local and not is_sqla:  # a project module, not a library
            target = module_layer(f"{module}.{name}") if name else module_layer(module)
            target = target or module_layer(module)
            targets = guess_layers([*module.split("."), f"{name or '_'}.py"]) | ({target} if target else set())
        if target == "repository":
            self.repo_names.add(local)
        if target == "model" and name and name[:1].isupper():
            self.orm_names.add(local)
        if self.is_layer("api", "task"):
            if "repository" in targets:
                self.add(alias, "LC102", f"`{local}` from the repository layer ({module})")
            elif target == "database" and name and not name[:1].isupper():
                self.db_functions.add(local)
                self.add(alias, "LC102", f"`{local}` from a database module ({module}): a query function?")
        if self.is_layer("api"):
            if is_sqla and name not in SESSION_IMPORTS:
                self.add(alias, "LC104", f"`{name or module}` imported from {module}")
            elif "model" in targets or (targets and name in self.orm_names):
                self.add(alias, "LC104", f"`{name or module}` from a model module or an ORM class ({module})")
        for layer in sorted(self.layers & HELD):
            if target not in HELD or target == layer or target in MAY_IMPORT[layer]:
                continue
            if (layer in ("api", "task") and target == "repository") or (layer == "api" and target == "model"):
                continue  # proposed as LC102 / LC104
            self.add(alias, "LC103", f"{layer} imports {target}: `{local}` ({module})")

    # ---- calls: LC201, LC202, LC302, LC601, LC602, LC701, LC702, LC704
    def calls(self) -> None:
        sql_codes = []
        if self.is_layer("api", None):
            sql_codes.append("LC201")
        if self.is_layer("service", None):
            sql_codes.append("LC302")
        if self.only_in("tests", "migrations"):
            sql_codes = []
        if self.is_layer("api"):  # `db = get_repositories(session)`: `db.users.get()` calls a repository
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Call, ast.Await)):
                    call = node.value.value if isinstance(node.value, ast.Await) else node.value
                    if isinstance(call, ast.Call) and REPOISH.search(dotted(call.func)):
                        self.repo_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.call(node, sql_codes)
            elif isinstance(node, ast.Attribute) and node.attr in ("getenv", "environ", "putenv", "unsetenv"):
                if dotted(node.value) == "os":
                    self.add(node, "LC602", f"os.{node.attr}")
            elif isinstance(node, ast.Name) and node.id in ("getenv", "environ"):
                if self.imported_from.get(node.id) == "os":
                    self.add(node, "LC602", f"{node.id} from os")

    def call(self, node: ast.Call, sql_codes: list[str]) -> None:
        func = node.func
        name = dotted(func)
        last = name.rsplit(".", 1)[-1]
        receiver = name.rsplit(".", 1)[0] if "." in name else ""
        for code in sql_codes:
            if isinstance(func, ast.Attribute) and receiver:
                recv_last = receiver.rsplit(".", 1)[-1]
                if last in SESSION_METHODS or (last in SESSION_METHODS_NEAR and SESSIONISH.search(recv_last)):
                    # the line of `.execute(` itself, which in a multi-line chain is not the call's first
                    self.add(func.end_lineno or node.lineno, code, f"session-ish `{name}()`")
                    continue
            sql_module = receiver.split(".")[0] in ("sa", *SQLA_MODULES) or "sql" in receiver.lower()
            if (last in QUERY_BUILDERS and not receiver) or (last.lower() in QUERY_BUILDERS and sql_module):
                self.add(node, code, f"query builder `{name}()`")
            elif receiver.lower().endswith("func"):  # func.count(), sa.func.lower()
                self.add(node, code, f"SQL function `{name}()`")
        if self.is_layer("api"):
            if receiver and REPOISH.search(receiver):
                self.add(node, "LC202", f"`{name}()` on a repository-ish receiver")
            elif name.split(".")[0] in self.repo_names:
                self.add(node, "LC202", f"`{name}()` imported from a repository module")
            elif name in self.db_functions:
                self.add(node, "LC202", f"`{name}()` imported from a database module: a query function?")
        if last in SESSION_BUILDERS and not self.only_in("database", "tests", "migrations"):
            self.add(node, "LC601", f"`{name}()` builds a session or engine")
        if name == "print" and not self.only_in("tests", "migrations"):
            self.add(node, "LC704", "print()")
        if isinstance(func, ast.Attribute) and last in LOG_METHODS and LOGGISH.search(receiver):
            self.log_call(node, name)

    def log_call(self, node: ast.Call, name: str) -> None:
        message_index = 1 if name.endswith(".log") else 0
        arguments = [(i == message_index, arg) for i, arg in enumerate(node.args)]
        arguments += [(kw.arg in ("msg", "event", "message"), kw.value) for kw in node.keywords]
        for is_message, arg in arguments:
            code, what = formatted(arg)
            if code:
                where = "message" if is_message else "other argument"
                self.add(arg, code, f"{what} as log {where} of `{name}()`")

    # ---- definitions: LC301, LC401
    def definitions(self) -> None:
        for node in ast.walk(self.tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.FunctionDef) and self.is_layer("repository"):
                self.add(node, "LC401", f"sync def `{node.name}`")
            if self.is_layer("service"):
                self.service_returns(node)

    def service_returns(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.returns is not None:
            names = {n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node.returns) if isinstance(n, ast.Attribute)}
            if isinstance(node.returns, ast.Constant) and isinstance(node.returns.value, str):
                names |= set(re.findall(r"[A-Za-z_]\w*", node.returns.value))
            orm = sorted(names & self.orm_names)
            if orm:
                self.add(node.returns, "LC301", f"return annotation names ORM `{', '.join(orm)}`")
            return
        orm_vars: set[str] = set()
        for inner in ast.walk(node):  # assignments from ORM constructors, session or repo calls
            if isinstance(inner, ast.Assign) and self.orm_valued(inner.value, orm_vars):
                orm_vars |= {t.id for t in inner.targets if isinstance(t, ast.Name)}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Return) and inner.value is not None and self.orm_valued(inner.value, orm_vars):
                self.add(inner, "LC301", f"unannotated service `{node.name}` returns a possible ORM value")

    def orm_valued(self, value: ast.AST, orm_vars: set[str]) -> bool:
        """Whether an expression may hold ORM objects: a name bound to one, or any call in it
        to an ORM class, a session-ish method or a repository (`db.query(X).filter().first()`)."""
        if isinstance(value, ast.Name):
            return value.id in orm_vars
        for call in ast.walk(value):
            if not isinstance(call, ast.Call):
                continue
            name = dotted(call.func)
            receiver, _, last = name.rpartition(".")
            if (
                name in self.orm_names
                or bool(receiver and REPOISH.search(receiver))
                or (last in SESSION_METHODS | SESSION_METHODS_NEAR and bool(SESSIONISH.search(receiver.split(".")[-1])))
                or name.split(".")[0] in self.repo_names
            ):
                return True
        return False


def formatted(arg: ast.AST) -> tuple[str | None, str]:
    """The code an argument suggests: f-string (LC701), `%` / `.format()` / `+` (LC702)."""
    if isinstance(arg, ast.JoinedStr):
        if any(isinstance(value, ast.FormattedValue) for value in arg.values):
            return "LC701", "f-string"
        return None, ""
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
        return "LC702", "`%` formatting"
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        return "LC702", "`+` concatenation"
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format":
        return "LC702", "`.format()`"
    return None, ""


def orm_classes(tree: ast.Module, in_models: bool) -> set[str]:
    """Class names that look like ORM models: in a model module, or built on a declarative base."""
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {dotted(base).rsplit(".", 1)[-1] for base in node.bases}
        table = any(kw.arg == "table" for kw in node.keywords)
        tablename = any(
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in stmt.targets)
            for stmt in node.body
        )
        if table or tablename or (in_models and any(ORM_BASES.match(b) for b in bases)):
            names.add(node.name)
    return names


# Line patterns for files `ast` cannot parse (newer syntax than this Python's, or broken).
FALLBACK = [
    (re.compile(r"\bos\.(getenv|environ)\b|\bgetenv\("), "LC602", "os.getenv / os.environ (regex)", None),
    (
        re.compile(r"log\w*\.(debug|info|warning|error|exception|critical)\(\s*f[\"']"),
        "LC701",
        "f-string log (regex)",
        None,
    ),
    (
        re.compile(r"log\w*\.(debug|info|warning|error|exception|critical)\(.*(%|\.format\(|\+)"),
        "LC702",
        "formatted log (regex)",
        None,
    ),
    (
        re.compile(r"\b(session|db)\.(execute|scalars?|commit|add|get|delete|refresh|query|exec)\("),
        "LC201",
        "session call (regex)",
        "api",
    ),
    (
        re.compile(r"\b(session|db)\.(execute|scalars?|commit|add|get|delete|refresh|query|exec)\("),
        "LC302",
        "session call (regex)",
        "service",
    ),
    (re.compile(r"^\s*def\s"), "LC401", "sync def (regex)", "repository"),
]


def _drop_brackets(lines: list[str], index: int, start: int) -> None:
    """Remove the balanced `[...]` opening at `lines[index][start]`, across lines if need be
    (emptied lines stay, so every line keeps its number)."""
    depth = 0
    for row in range(index, len(lines)):
        line = lines[row]
        for column in range(start if row == index else 0, len(line)):
            depth += {"[": 1, "]": -1}.get(line[column], 0)
            if depth == 0:
                if row == index:
                    lines[row] = line[:start] + line[column + 1 :]
                else:
                    lines[index] = lines[index][:start] + line[column + 1 :].lstrip()
                    lines[row] = ""
                return
        if row != index:
            lines[row] = ""
    return


def _repair(lines: list[str], index: int) -> bool:
    """Rewrite newer syntax at `lines[index]` to something this Python parses; False if none.

    Only rewrites that keep every line number: PEP 758 `except A, B:`, PEP 695 type
    parameters (`def f[T](`, `class C[T](`, across lines too) and `type X = ...` statements.
    """
    line = lines[index]
    found = re.match(r"^(\s*except\*?\s+)([^(:#][^:#]*?,[^:#]*?)(\s*:.*)$", line)
    if found:
        lines[index] = f"{found[1]}({found[2]}){found[3]}"
        return True
    found = re.match(r"^\s*(?:async\s+def|def|class)\s+\w+(\[)", line)
    if found:
        _drop_brackets(lines, index, found.start(1))
        return True
    found = re.match(r"^(\s*)type\s+(\w+)\s*(\[)?", line)
    if found:
        if found[3]:
            _drop_brackets(lines, index, found.start(3))
        lines[index] = re.sub(r"^(\s*)type\s+", r"\1", lines[index], count=1)
        return True
    return False


def parse(source: bytes, rel: str) -> ast.Module | None:
    """The module's tree; lines of newer syntax are repaired in place first (a few tries)."""
    try:
        return ast.parse(source, filename=rel)
    except (SyntaxError, ValueError):
        pass
    try:
        lines = source.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError:
        return None
    for _ in range(500):
        try:
            return ast.parse("\n".join(lines), filename=rel)
        except SyntaxError as error:
            index = (error.lineno or 0) - 1
            if not 0 <= index < len(lines) or not _repair(lines, index):
                return None
        except ValueError:
            return None
    return None


def python_files(root: Path, scopes: Sequence[str]) -> Iterator[tuple[Path, str]]:
    starts = [root / scope for scope in scopes] if scopes else [root]
    seen: set[Path] = set()
    for start in starts:
        if start.is_file():
            walk: Iterator[tuple[str, list[str], list[str]]] = iter([(str(start.parent), [], [start.name])])
        else:
            walk = os.walk(start)
        for folder, dirs, files in walk:
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
            for file in sorted(files):
                path = Path(folder) / file
                if file.endswith((".py", ".pyi")) and path not in seen:
                    seen.add(path)
                    yield path, path.relative_to(root).as_posix()


def scan(root: Path, scopes: Sequence[str], all_layers: bool = False) -> tuple[list[Candidate], list[str]]:
    """Every candidate under the scopes of `root`, and the files that could not be parsed."""
    parsed: list[tuple[str, ast.Module, set[str]]] = []
    failures: list[str] = []
    found: list[Candidate] = []
    orm_names: set[str] = set()
    local: set[str] = set()
    # ORM classes are collected over the whole checkout: services import them from anywhere.
    for path, rel in python_files(root, []):
        tree = parse(path.read_bytes(), rel)
        in_scope = not scopes or any(rel == s.strip("/") or rel.startswith(s.strip("/") + "/") for s in scopes)
        layers = guess_layers(rel.split("/"))
        local.update(part[:-3] if part.endswith(".py") else part for part in rel.split("/"))
        if tree is not None:
            orm_names |= orm_classes(tree, "model" in layers)
        if not in_scope:
            continue
        if tree is None:
            failures.append(rel)
            for number, text in enumerate(read_lines(path), start=1):
                for pattern, code, why, needs in FALLBACK:
                    if (needs is None or all_layers or needs in layers) and pattern.search(text):
                        found.append(Candidate(rel, number, code, why))
            continue
        parsed.append((rel, tree, layers))
    for rel, tree, layers in parsed:
        file_scan = FileScan(rel, tree, layers, orm_names, local, all_layers)
        file_scan.imports()
        file_scan.calls()
        file_scan.definitions()
        found += file_scan.found
    merged: dict[tuple[str, int, str], list[str]] = {}
    for candidate in found:  # one proposal per line and code, every reason kept
        whys = merged.setdefault((candidate.path, candidate.line, candidate.code), [])
        if candidate.why not in whys:
            whys.append(candidate.why)
    return [Candidate(*key, "; ".join(whys)) for key, whys in sorted(merged.items())], failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("checkout", nargs="?", type=Path, metavar="CHECKOUT_DIR")
    parser.add_argument("--scope", action="append", default=[], metavar="PREFIX", help="only under these paths")
    parser.add_argument("--code", action="append", default=[], metavar="CODE", help="only these codes (or prefixes)")
    parser.add_argument("--why", action="store_true", help="append the pattern that proposed each line")
    parser.add_argument("--tsv", action="store_true", help="print label rows (verdict left blank) instead")
    parser.add_argument("--all-layers", action="store_true", help="ignore the guessed layers: propose every code")
    parser.add_argument("--hash", nargs=2, metavar=("FILE", "LINE"), help="print the label hash of FILE's LINE")
    args = parser.parse_args(argv)

    if args.hash:
        file, line = Path(args.hash[0]), int(args.hash[1])
        lines = read_lines(file)
        if not 1 <= line <= len(lines):
            parser.error(f"{file} has {len(lines)} lines")
        print(line_hash(lines[line - 1]))
        return 0
    if args.checkout is None or not args.checkout.is_dir():
        parser.error("CHECKOUT_DIR (a folder) is required unless --hash is given")

    root = args.checkout
    candidates, failures = scan(root, [s.strip("/") for s in args.scope], args.all_layers)
    codes = [code.upper() for code in args.code]
    if codes:
        candidates = [c for c in candidates if any(c.code.startswith(code) for code in codes)]
    texts: dict[str, list[str]] = {}
    if args.tsv:
        print("path\tline\tcode\tverdict\twhy\thash")
    for candidate in candidates:
        if candidate.path not in texts:
            texts[candidate.path] = read_lines(root / candidate.path)
        lines = texts[candidate.path]
        text = lines[candidate.line - 1] if candidate.line <= len(lines) else ""
        if args.tsv:
            print(f"{candidate.path}\t{candidate.line}\t{candidate.code}\t\t{candidate.why}\t{line_hash(text)}")
        else:
            suffix = f"  # {candidate.why}" if args.why else ""
            print(f"{candidate.path}:{candidate.line}: {candidate.code}? {text.strip()}{suffix}")
    for rel in failures:
        print(
            f"warning: {rel}: not parsed by Python {sys.version_info[0]}.{sys.version_info[1]}; regex patterns only",
            file=sys.stderr,
        )
    per_code = Counter(candidate.code for candidate in candidates)
    summary = ", ".join(f"{code} {count}" for code, count in sorted(per_code.items())) or "none"
    print(f"{len(candidates)} candidates: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
