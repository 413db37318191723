"""LC404 raw-sql-in-repository: a raw SQL string where an ORM `select()` would do."""

from __future__ import annotations

import re

import libcst as cst

from layercheck.engine.rule import Rule, callee_names
from layercheck.rules.sessions import session_receiver
from layercheck.rules.sql_in_router import RAW_SQL

TEXT_CONSTRUCTS = frozenset(
    {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "sqlalchemy.sql.elements.TextClause",
        "sqlmodel.text",
    }
)
# Methods that accept a SQL string directly (SQLAlchemy 1.x style, or the driver's own).
EXECUTING_METHODS = frozenset({"execute", "exec_driver_sql"})
# Stands for an interpolated value when a built string is matched against the SQL pattern.
_HOLE = "x"


def static_text(node: cst.BaseExpression) -> str | None:
    """The literal text of a string expression, interpolations replaced by a placeholder.

    Plain, concatenated and f-strings, `+` of strings and `"...".format(...)` count; any
    other expression (a variable, a call) has no static text.
    """
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        parts = []
        for part in node.parts:
            parts.append(part.value if isinstance(part, cst.FormattedStringText) else _HOLE)
        return "".join(parts)
    if isinstance(node, cst.ConcatenatedString):
        left, right = static_text(node.left), static_text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = static_text(node.left), static_text(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else _HOLE) + (right if right is not None else _HOLE)
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
    ):
        return static_text(node.func.value)
    return None


# The database's own catalogs: a statement on them inspects the schema (does this index
# exist?), it reads no application data an ORM `select()` could.
_CATALOGS = re.compile(r"\b(information_schema|pg_catalog|pg_[a-z_]+|sqlite_master|sqlite_schema|sys\.[a-z_]+)\b", re.I)


def on_catalogs(node: cst.BaseExpression) -> bool:
    """`text("SELECT 1 FROM pg_indexes WHERE ...")`: a statement on the database's catalogs."""
    if isinstance(node, cst.Call) and node.args:
        node = node.args[0].value  # the string inside `text(...)`
    text = static_text(node)
    return text is not None and _CATALOGS.search(text) is not None


def is_raw_sql(node: cst.BaseExpression) -> bool:
    """A string expression holding a whole DML statement (`SELECT ... FROM`, `INSERT INTO`...)
    on the application's tables (not on the database's catalogs)."""
    text = static_text(node)
    return text is not None and RAW_SQL.match(text) is not None and not _CATALOGS.search(text)


class RawSqlInRepository(Rule):
    """Flags raw SQL statements in a repository: `text("SELECT ...")` (also built with an
    f-string or `+`), a SQL string passed straight to a session's `execute()`, and one
    passed to `exec_driver_sql()`.

    Repositories execute SQLAlchemy queries (backend guide, step 3); a statement in a string
    is not checked against the models, is invisible to refactoring, and built with
    interpolation it is one step from SQL injection. Fragments that are not whole
    statements (`text("id DESC")`, `SELECT pg_advisory_lock(...)` without `FROM`) and
    `text()` of a variable are not flagged.
    """

    code = "LC404"
    layers = frozenset({"repository"})
    calls = callee_names(EXECUTING_METHODS, TEXT_CONSTRUCTS)

    def visit_Call(self, node: cst.Call) -> None:
        if not node.args or node.args[0].keyword is not None:
            return
        first = node.args[0].value
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in EXECUTING_METHODS:
            if not is_raw_sql(first):
                return
            method = func.attr.value
            message = f"raw SQL string passed to `.{method}()`; build the query with `select()`"
            # `exec_driver_sql` is SQLAlchemy's; a plain `execute` counts on a session only
            # (an asyncpg or DB-API connection has no ORM to use instead).
            session = True if method == "exec_driver_sql" else session_receiver(self.names, func.value)
            if session is not False:
                self.report(first, message, condition=None if session is True else session)
            return
        if self.names.qualified_name(func) in TEXT_CONSTRUCTS and is_raw_sql(first):
            self.report(node, "raw SQL in `text()`; build the query with `select()` and the ORM models")
