"""Recognising a sqlalchemy query where it is built, shared by LC201 and LC302."""

from __future__ import annotations

from typing import Any, NamedTuple

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import CORE_TABLE_STATEMENTS, CORE_TABLE_TYPES, is_query_builder
from layercheck.engine.names import CONNECTION, NameTable, chain_root, dotted_name, http_style_call
from layercheck.engine.walk import iter_children
from layercheck.rules.externals import is_external
from layercheck.rules.sessions import holds_repositories, session_receiver


def query_built_here(
    node: cst.Call,
    names: NameTable,
    ancestors: list[cst.CSTNode],
    builders: list[str],
    column_values: bool = True,
) -> str | None:
    """How to name the query `node` starts (`select`, `func.lower`), or None when `node` is
    not a query builder or is part of a query an enclosing call already builds (one finding
    per query: `func.count()` inside `select(...).where(...)` belongs to the `select`)."""
    qualname = names.qualified_name(node.func)
    if qualname is None or not (is_query_builder(qualname, builders) or _statement_class(qualname, builders)):
        return None
    if (
        not column_values
        and qualname.rpartition(".")[0].endswith(".func")
        and ancestors
        and (_set_on_attribute(node, ancestors[-1]) or _constructor_keyword(node, ancestors))
    ):
        # `user.updated_at = func.now()`, `User(updated_at=func.now())` in a service: a SQL
        # function as the value of a row's column, which the ORM's own INSERT or UPDATE
        # carries; no query built. (In a router, labelers call it the database's work all the
        # same; handed to a method, `repo.merge(row, deleted_at=func.now())`, it is SQL the
        # service builds.)
        return None
    for ancestor in ancestors:
        if not isinstance(ancestor, cst.Call):
            continue
        if _schema_definition(ancestor, names):
            # `Column(DateTime, server_default=func.now())`: a column's default, no query.
            return None
        root = chain_root(ancestor)
        if root is node:
            continue  # `select(...)` itself, seen from its own `.where(...)`
        root_name = names.qualified_name(root.func)
        if root_name is not None and is_query_builder(root_name, builders):
            return None
        if _session_query(root, names):
            # `session.query(Event).filter(Event.at < func.now())`: the legacy Query API,
            # where the session call is the query the builder belongs to.
            return None
        if qualname.rpartition(".")[0].endswith(".func") and _refines_held_query(root, names, ancestors, builders):
            # (a SQL function only: a subquery, `stmt.where(exists(...))`, is a query built)
            return None
    module, _, name = qualname.rpartition(".")
    return f"func.{name}" if module.endswith(".func") else name


def _set_on_attribute(node: cst.Call, parent: cst.CSTNode) -> bool:
    """Whether `node` is the whole value assigned to attributes (`row.column = node`)."""
    if isinstance(parent, cst.Assign):
        return parent.value is node and all(isinstance(target.target, cst.Attribute) for target in parent.targets)
    if isinstance(parent, cst.AnnAssign):
        return parent.value is node and isinstance(parent.target, cst.Attribute)
    return False


def _constructor_keyword(node: cst.Call, ancestors: list[cst.CSTNode]) -> bool:
    """Whether `node` is a keyword argument's value in a class's construction (`Model(
    column=node)`, the class named with a capital as classes are)."""
    if len(ancestors) < 2:
        return False
    argument, call = ancestors[-1], ancestors[-2]
    if type(argument) is not cst.Arg or argument.keyword is None or argument.value is not node:
        return False
    if type(call) is not cst.Call:
        return False
    func = call.func
    name = func.attr.value if type(func) is cst.Attribute else func.value if type(func) is cst.Name else ""
    return name[:1].isupper()


def _refines_held_query(root: cst.Call, names: NameTable, ancestors: list[cst.CSTNode], builders: list[str]) -> bool:
    """`orders.filter(func.date(Order.at) == today)`, `stmt.order_by(func.random())`: a chain
    on a local the function assigned a query (`orders = db.query(Order).join(...)`, `stmt =
    select(Order)`), reported where it was built; a builder inside refines that query."""
    func = root.func
    if type(func) is not cst.Attribute or type(func.value) is not cst.Name:
        return False
    held = func.value.value
    function = next((item for item in reversed(ancestors) if type(item) is cst.FunctionDef), None)
    if function is None:
        return False
    for value in _assigned_values(function.body, held):
        if type(value) is cst.Await:
            value = value.expression
        if type(value) is not cst.Call:
            continue
        first = chain_root(value)
        first_name = names.qualified_name(first.func)
        if (first_name is not None and is_query_builder(first_name, builders)) or _session_query(first, names):
            return True
    return False


def _assigned_values(block: cst.CSTNode, name: str) -> list[cst.BaseExpression]:
    """The values a function's body assigns the local `name` (`name = ...`), nested
    functions and classes aside."""
    found: list[cst.BaseExpression] = []
    pending: list[cst.CSTNode] = [block]
    while pending:
        node = pending.pop()
        if type(node) is cst.Assign:
            if any(type(target.target) is cst.Name and target.target.value == name for target in node.targets):
                found.append(node.value)
            continue
        if type(node) is cst.AnnAssign:
            if type(node.target) is cst.Name and node.target.value == name and node.value is not None:
                found.append(node.value)
            continue
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.BaseExpression)):
            continue
        pending.extend(iter_children(node))
    return found


# Method names of the wrappers projects write around the session to run a statement.
_RUNNER_PREFIXES = ("execute", "run_query", "run_statement")
_STATEMENT_KEYWORDS = frozenset({"query", "statement", "stmt", "sql"})


def _runs_statement_built_here(
    node: cst.Call, names: NameTable, ancestors: list[cst.CSTNode], builders: list[str]
) -> bool:
    """A method named for running a statement (`execute_query`, `run_query`) given, first or
    as `query=`, a sqlalchemy statement: built in the call, or assigned in the function to
    the local handed (`q = select(Login).where(...)`). What runs it is out of sight, the
    statement and the name are not."""
    func = node.func
    if type(func) is not cst.Attribute or not func.attr.value.startswith(_RUNNER_PREFIXES):
        return False
    handed = [
        arg.value
        for position, arg in enumerate(node.args)
        if (arg.keyword is None and position == 0 and not arg.star)
        or (arg.keyword is not None and arg.keyword.value in _STATEMENT_KEYWORDS)
    ]
    if not handed:
        return False
    value = handed[0]
    if type(value) is cst.Name:
        function = next((item for item in reversed(ancestors) if type(item) is cst.FunctionDef), None)
        values = _assigned_values(function.body, value.value) if function is not None else []
    else:
        values = [value]
    if not values:
        return False
    for assigned in values:
        if type(assigned) is not cst.Call:
            return False
        first_name = names.qualified_name(chain_root(assigned).func)
        if first_name is None or not is_query_builder(first_name, builders):
            return False
    return True


def _session_query(call: cst.Call, names: NameTable) -> bool:
    """`session.query(...)` on a value taken for a session (reported as the query)."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "query":
        return False
    return session_receiver(names, func.value) is not False


# What declares a schema (a column, a table, a constraint): a builder inside one is a default
# or an expression of the schema, not a query.
_SCHEMA_DEFINITIONS = frozenset(
    {"Column", "mapped_column", "Table", "Field", "column_property", "Computed", "Index", "CheckConstraint"}
)


def _schema_definition(call: cst.Call, names: NameTable) -> bool:
    qualname = names.qualified_name(call.func) or ""
    module, _, name = qualname.rpartition(".")
    return name in _SCHEMA_DEFINITIONS and module.split(".", 1)[0] in ("sqlalchemy", "sqlmodel")


def reexported_query_builder(node: cst.Call, names: NameTable, builders: list[str]) -> Condition | None:
    """A builder reached through a project module that re-exports sqlalchemy
    (`from app.postgres import sql`, then `sql.select(...)`): a condition the index decides
    by following the re-exports; None when the callee cannot be one."""
    qualname = names.qualified_name(node.func)
    if qualname is None or is_external(qualname) or qualname.startswith("builtins."):
        return None
    module, _, name = qualname.rpartition(".")
    if not module or (name not in builders and module.rsplit(".", 1)[-1] != "func"):
        return None
    return Condition("query_builder", (qualname,))


# The Core table statements 1.x also built from arguments (`teams.insert(values)`), whose
# names no session method shares.
_ARGUMENT_STATEMENTS = frozenset({"insert", "select"})


def _table_statement(node: cst.Call, names: NameTable) -> DatabaseWork | None:
    """`teams.select()`, `players.update()` on a SQLAlchemy Core table: a query built, on a
    table made in this module or one the index finds behind an imported name (also in 1.x's
    form with arguments, `teams.insert(values)`, `teams.select(whereclause)`: what receives
    them is a table either way)."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in CORE_TABLE_STATEMENTS):
        return None
    if node.args and func.attr.value not in _ARGUMENT_STATEMENTS:
        return None  # (`session.delete(user)`, `cache.update(values)`: no table's)
    if isinstance(func.value, cst.Attribute) and func.value.attr.value == "__table__":
        # `RefreshToken.__table__.delete()`: a statement on the table of a class the index
        # confirms is an ORM model.
        owner = names.qualified_name(func.value.value)
        if owner is None or is_external(owner):
            return None
        shown = f"{dotted_name(func.value) or '__table__'}.{func.attr.value}"
        return DatabaseWork("builder", shown, Condition("orm_model", (owner,)))
    if isinstance(func.value, cst.Attribute):
        # `tables.user_movies.select()`: a table read off an imported module, which the
        # index confirms (a name of the project, not an object's attribute).
        qualname = names.qualified_name(func.value)
        if qualname is None or is_external(qualname) or qualname.startswith(f"{names.module}."):
            return None
        shown = f"{dotted_name(func.value) or func.value.attr.value}.{func.attr.value}"
        return DatabaseWork("builder", shown, Condition("core_table", (qualname,)))
    if not isinstance(func.value, cst.Name):
        return None
    binding = names.value_binding(func.value)
    if binding is None or binding.logger:
        return None
    shown = f"{func.value.value}.{func.attr.value}"
    if binding.instance_of:
        return DatabaseWork("builder", shown, None) if binding.instance_of in CORE_TABLE_TYPES else None
    if binding.qualname and not is_external(binding.qualname):
        return DatabaseWork("builder", shown, Condition("core_table", (binding.qualname,)))
    return None


def _statement_class(qualname: str, builders: list[str]) -> bool:
    """`Select(User)`: sqlalchemy's statement class called as its builder function is
    (2.0 exports `Select`, `Insert`, `Update`, `Delete`); named in an annotation, `-> Select`,
    it builds nothing, so only its calls count."""
    module, _, name = qualname.rpartition(".")
    return (
        name in _STATEMENT_CLASSES
        and name.lower() in builders
        and module.split(".", 1)[0] in ("sqlalchemy", "sqlmodel")
    )


_STATEMENT_CLASSES = frozenset({"Select", "Insert", "Update", "Delete"})


class DatabaseWork(NamedTuple):
    """A call that touches the database: `kind` "builder" (`shown` is the builder as
    written, `select`) or "session" / "connection" (`shown` is the method, `execute`, of a
    session or of an engine's connection), and the condition
    the index must confirm (None: certain)."""

    kind: str
    shown: str
    condition: Condition | None


def database_work(
    node: cst.Call,
    names: NameTable,
    ancestors: list[cst.CSTNode],
    options: dict[str, Any],
    column_values: bool = True,
) -> DatabaseWork | None:
    """What LC201 and LC302 look for in a call: a query built here (sqlalchemy's builders,
    also through a project re-export) or a session method called (`session-methods` on a
    value `session_receiver` takes for a session). `column_values`: whether a SQL function
    set on a row's column (`row.updated_at = func.now()`) counts as SQL built."""
    builders = options["query-builders"]
    callee = names.qualified_name(node.func) or ""
    if is_query_builder(callee, builders) or _statement_class(callee, builders):
        shown = query_built_here(node, names, ancestors, builders, column_values)
        return DatabaseWork("builder", shown, None) if shown is not None else None
    table = _table_statement(node, names)
    # A project re-export of a builder (`sql.select(...)`), unless a session's method named
    # like one is called on what holds a session (`Context.current.db.session.delete(board)`).
    reexported = reexported_query_builder(node, names, builders)
    if table is not None and (reexported is None or table.condition is None or not node.args):
        return table
    if table is not None and reexported is not None and table.condition is not None:
        # `tables.users.select(where)` or `sql.select(User)`: a table's statement or a
        # re-exported builder, whichever the index finds behind the name.
        either = Condition("table_or_builder", (*reexported.names[:1], *table.condition.names[:1]))
        return DatabaseWork("builder", table.shown, either)
    as_builder = (
        DatabaseWork("builder", reexported.names[0].rsplit(".", 1)[-1], reexported) if reexported is not None else None
    )
    func = node.func
    if (
        isinstance(func, cst.Attribute)
        and as_builder is None
        # (a session's own `execute` is judged by what its receiver is, below)
        and func.attr.value not in options["session-methods"]
        and _runs_statement_built_here(node, names, ancestors, builders)
    ):
        # `await db.execute_query(q)`, `q = select(Login).where(...)` a line above: the
        # project's wrapper of the session runs the statement the function built.
        return DatabaseWork("session", func.attr.value, None)
    if not isinstance(func, cst.Attribute) or func.attr.value not in options["session-methods"]:
        return as_builder
    if http_style_call(node):
        return None  # `session.get(f"{url}/health")`: an HTTP client's request
    if func.attr.value == "connection" and ancestors and type(ancestors[-1]) is cst.WithItem:
        # `async with database.connection() as conn:` takes a pooled connection (the
        # `databases` package's) to hand on, no SQL run; a session's `await
        # session.connection()` is no context manager.
        return as_builder
    session = session_receiver(names, func.value)
    if session is False:
        return as_builder
    if (
        isinstance(session, Condition)
        and session.kind in ("session_named", "session_named_member")
        and holds_repositories(func.value, ancestors)
    ):
        # `db.commit()` where the function also calls `db.users.get_one()`: the name says
        # session, what the code does with it says unit of work.
        return as_builder
    held = names.value_binding(func.value)
    # (`conn.execute(...)` on `self._engine.connect()`: named for what it is in the message)
    kind = "connection" if held is not None and held.instance_of == CONNECTION else "session"
    return DatabaseWork(kind, func.attr.value, None if session is True else session)
