"""LC201 sql-in-router: a router builds or runs SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from layercheck.engine.rule import Rule
from layercheck.rules.endpoints import ENDPOINT_METHODS, inside_endpoint, route_decorator
from layercheck.rules.queries import database_work
from layercheck.rules.sessions import in_session_dependency

RAW_SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\()",
    re.IGNORECASE | re.DOTALL,
)
# Lower-case SQL must also show SQL's punctuation, so an English sentence ("Select a user
# from the list") is not mistaken for a query.
_SQL_TOKENS = re.compile(r"\*|=|;|\bwhere\b|\bjoin\b|\bvalues\b|%s|:\w+|\?", re.IGNORECASE)


def is_raw_sql(text: str) -> bool:
    """A string that reads as a SQL statement."""
    match = RAW_SQL.match(text)
    if match is None:
        return False
    keyword = match.group(1).split()[0]
    return keyword.isupper() or bool(_SQL_TOKENS.search(text))


# Session calls that open, end or close a transaction, not a query.
_LIFECYCLE = frozenset({"close", "commit", "rollback", "begin", "begin_nested"})


class SqlInRouter(Rule):
    """Flags SQL in a router: a sqlalchemy query built, a session method called, raw SQL.

    Routers only receive validated input and delegate to services; queries belong in
    repositories (backend guide, step 3).
    """

    code = "LC201"
    # (in the module that creates the app, only its endpoints: `@app.get("/_status")` running
    # `SELECT 1` is SQL in a router; the startup code creating the tables is the app's wiring)
    layers = frozenset({"api", "main"})
    _routes: bool | None = None

    def _registers_routes(self) -> bool:
        """Whether a module-level function of the module is an endpoint, or a function in a
        module-level class body (`class FakenamesApis: router = APIRouter()` decorating its
        endpoints), asked rarely."""
        if self._routes is None:
            self._routes = any(
                isinstance(statement, cst.FunctionDef)
                and route_decorator(statement, self.names, ENDPOINT_METHODS) is not None
                for statement in _functions_of_module_and_classes(self.context.module)
            )
        return self._routes

    def _outside_endpoints(self) -> bool:
        """In a `main` module, whether the node lies outside every endpoint function."""
        return self.context.layer == "main" and not inside_endpoint(self.context.ancestors, self.names)

    def visit_Call(self, node: cst.Call) -> None:
        if self._outside_endpoints():
            return
        found = database_work(node, self.names, self.context.ancestors, self.options)
        if found is None:
            return
        if (
            found.kind != "builder"
            and found.shown in _LIFECYCLE
            and in_session_dependency(self.context.ancestors)
            and not self._registers_routes()
        ):
            # `get_db` in the API's dependencies closing (or committing) the session it
            # yields: the dependency's own transaction control, no SQL of a route. (Kept in a
            # router's own file, it is the database module's work done in the router.)
            return
        if found.kind == "builder":
            message = f"`{found.shown}()` builds SQL in a router; move the query to a repository"
        else:
            message = f"{found.kind} `.{found.shown}()` called in a router; call a service instead"
        self.report(node, message, condition=found.condition)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "select" not in node.value.lower() and "insert" not in node.value.lower() and (
            "update" not in node.value.lower() and "delete" not in node.value.lower()
        ):
            return
        try:
            text = node.evaluated_value
        except Exception:
            return
        if not isinstance(text, str) or not is_raw_sql(text) or self._outside_endpoints():
            return
        if self._bare_statement():
            return  # a string standing alone in the body, as a comment would: nothing runs it
        if not self._reported_with_its_call():
            self.report(node, "raw SQL string in a router; move the query to a repository")

    def _bare_statement(self) -> bool:
        """Whether the string is a statement of its own (an `INSERT INTO ...` kept in a
        triple-quoted string under the query that replaced it), not a value anything is given."""
        ancestors = self.context.ancestors
        position = len(ancestors) - 1
        while position > 0 and isinstance(ancestors[position], cst.ConcatenatedString):
            position -= 1
        return position >= 0 and type(ancestors[position]) is cst.Expr

    def _reported_with_its_call(self) -> bool:
        """Whether the string is the argument of a call reported on its own, whatever the
        index says (`text("SELECT 1")`): one query, one finding. The string of a call the
        index must still decide (`db.execute("SELECT 1")` on an unannotated `db`), or of a
        call that is no database work (`cursor.execute(...)`), is reported itself."""
        ancestors = self.context.ancestors
        position = len(ancestors) - 1
        while position > 0 and isinstance(ancestors[position], cst.ConcatenatedString):
            position -= 1
        if position < 1 or not isinstance(ancestors[position], cst.Arg):
            return False
        call = ancestors[position - 1]
        if not isinstance(call, cst.Call):
            return False
        found = database_work(call, self.names, ancestors[: position - 1], self.options)
        return found is not None and found.condition is None


def _functions_of_module_and_classes(module: cst.Module) -> Iterator[cst.BaseStatement]:
    """The module's statements, with the statements of its module-level class bodies."""
    for statement in module.body:
        yield statement
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            yield from statement.body.body
