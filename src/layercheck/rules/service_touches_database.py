"""LC302 service-touches-database: a service builds or runs queries itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from layercheck.domain.vocabulary import is_query_builder
from layercheck.engine.rule import Rule
from layercheck.rules.queries import query_built_here, reexported_query_builder
from layercheck.rules.sessions import session_receiver

if TYPE_CHECKING:
    pass


class ServiceTouchesDatabase(Rule):
    """Flags a service that queries the database itself: a sqlalchemy query built there
    (`select`, `insert`, `update`, `delete`, `text`, `func.*`), or a query method called on
    a session (`execute`, `scalars`, `scalar`, `get`, `query`, `add`, `delete`, `merge`,
    `stream`...) or a transaction-control method (`commit`, `flush`, `refresh`, `rollback`):
    the guide puts all database work in repositories. Passing the session on to a
    repository is fine.

    Services call repositories and other services, never the raw database (backend guide,
    step 3): a query in a service cannot be reused by other services and mixes business
    rules with data access.
    """

    code = "LC302"
    layers = frozenset({"service"})

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.names.qualified_name(node.func)
        if qualname is not None and is_query_builder(qualname, self.options["query-builders"]):
            shown = query_built_here(node, self.names, self.context.ancestors, self.options["query-builders"])
            if shown is not None:
                self.report(node, f"`{shown}()` builds SQL in a service; move the query to a repository")
            return
        reexported = reexported_query_builder(node, self.names, self.options["query-builders"])
        if reexported is not None:
            shown = reexported.names[0].rsplit(".", 1)[-1]
            message = f"`{shown}()` builds SQL in a service; move the query to a repository"
            self.report(node, message, condition=reexported)
            return
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in self.options["session-methods"]:
            return
        session = session_receiver(self.names, func.value)
        if session is not False:
            message = f"session `.{func.attr.value}()` called in a service; call a repository instead"
            self.report(node, message, condition=None if session is True else session)
