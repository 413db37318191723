"""LC803 no-global-exception-handler: the app has no handler for `Exception`."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.app_facts import constructed_with_catch_all
from layercheck.engine.rule import Rule, callee_names

APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
# Holds when no module of the project registers a handler for `Exception`.
NO_HANDLER = Condition("global_exception_handler", (), negate=True)


class NoGlobalExceptionHandler(Rule):
    """Flags a `FastAPI(...)` app when the project registers no handler for `Exception`.

    Without one, an unexpected error reaches Starlette's default 500 page: the client gets a
    plain-text body instead of the API's error shape, and the error is logged by the server
    without the request context (backend guide, step 7: errors). A handler registered
    anywhere in the project counts (`app.add_exception_handler(Exception, ...)` in a
    `register_handlers(app)` function, `@app.exception_handler(Exception)`, an
    `exception_handlers` dict with an `Exception` or 500 key, or an HTTP middleware that
    catches `Exception` and returns a response), as does `FastAPI(exception_handlers={...})`
    on the app itself.
    """

    code = "LC803"
    calls = callee_names(APP_CLASSES)
    requires = tuple(sorted(calls))

    def visit_Call(self, node: cst.Call) -> None:
        if self.names.qualified_name(node.func) not in APP_CLASSES:
            return
        if constructed_with_catch_all(node, self.names):
            return
        self.report(
            node,
            "app has no handler for `Exception`; register one that logs the error and returns a generic 500",
            condition=NO_HANDLER,
        )
