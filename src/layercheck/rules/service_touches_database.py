"""LC302 service-touches-database: a service builds or runs queries itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from layercheck.engine.rule import Rule
from layercheck.rules.queries import database_work

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
        found = database_work(node, self.names, self.context.ancestors, self.options, column_values=False)
        if found is None:
            return
        if found.kind == "builder":
            message = f"`{found.shown}()` builds SQL in a service; move the query to a repository"
        else:
            message = f"{found.kind} `.{found.shown}()` called in a service; call a repository instead"
        self.report(node, message, condition=found.condition)
