"""LC201 sql-in-router: a router builds or runs SQL."""

from __future__ import annotations

import re

import libcst as cst

from layercheck.domain.vocabulary import is_query_builder
from layercheck.engine.rule import Rule
from layercheck.rules.queries import query_built_here, reexported_query_builder
from layercheck.rules.sessions import session_receiver

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


class SqlInRouter(Rule):
    """Flags SQL in a router: a sqlalchemy query built, a session method called, raw SQL.

    Routers only receive validated input and delegate to services; queries belong in
    repositories (backend guide, step 3).
    """

    code = "LC201"
    layers = frozenset({"api"})

    def visit_Call(self, node: cst.Call) -> None:
        builders = self.options["query-builders"]
        if is_query_builder(self.names.qualified_name(node.func) or "", builders):
            shown = query_built_here(node, self.names, self.context.ancestors, builders)
            if shown is not None:
                self.report(node, f"`{shown}()` builds SQL in a router; move the query to a repository")
            return
        reexported = reexported_query_builder(node, self.names, self.options["query-builders"])
        if reexported is not None:
            shown = reexported.names[0].rsplit(".", 1)[-1]
            message = f"`{shown}()` builds SQL in a router; move the query to a repository"
            self.report(node, message, condition=reexported)
            return
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in self.options["session-methods"]:
            return
        session = session_receiver(self.names, func.value)
        if session is not False:
            message = f"session `.{func.attr.value}()` called in a router; call a service instead"
            self.report(node, message, condition=None if session is True else session)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "select" not in node.value.lower() and "insert" not in node.value.lower() and (
            "update" not in node.value.lower() and "delete" not in node.value.lower()
        ):
            return
        try:
            text = node.evaluated_value
        except Exception:
            return
        if isinstance(text, str) and is_raw_sql(text):
            self.report(node, "raw SQL string in a router; move the query to a repository")
