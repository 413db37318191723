"""LC403 http-in-repository: HTTP concerns (`HTTPException`, `fastapi` imports) in a repository."""

from __future__ import annotations

import libcst as cst

from layercheck.engine.names import dotted_name
from layercheck.engine.rule import Rule, callee_names

HTTP_PACKAGES = ("fastapi", "starlette")
HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
        "starlette.exceptions.HTTPException",
        "starlette.exceptions.WebSocketException",
    }
)


# Helpers the web frameworks ship that handle no request: `jsonable_encoder` turning a
# Pydantic object into the dict an ORM constructor takes (the generic CRUD base of FastAPI's
# project template), `run_in_threadpool` running blocking code off the event loop.
NOT_HTTP_MODULES = frozenset({"fastapi.encoders", "fastapi.concurrency", "starlette.concurrency"})


def is_http_module(module: str | None) -> bool:
    return module is not None and module.split(".", 1)[0] in HTTP_PACKAGES and module not in NOT_HTTP_MODULES


class HttpInRepository(Rule):
    """Flags HTTP in the data-access layer: each name imported from `fastapi` or
    `starlette`, and each `HTTPException(...)` built there.

    A repository "executes SQLAlchemy queries" and nothing else (backend guide, step 3); the
    service decides what a missing row means for the client. A repository raising
    `HTTPException(404)` cannot be reused by a background task or a CLI, and hides the
    decision from the service that should own it.
    """

    code = "LC403"
    layers = frozenset({"repository"})
    calls = callee_names(HTTP_EXCEPTIONS)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted_name(alias.name)
            if is_http_module(module):
                self.report(alias.name, f"`{module}` imported in a repository; keep HTTP in routers and services")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        if not is_http_module(module):
            return
        if isinstance(node.names, cst.ImportStar):
            self.report(node.names, f"`{module}` imported in a repository; keep HTTP in routers and services")
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            self.report(
                alias.name, f"`{name}` imported from `{module}` in a repository; keep HTTP in routers and services"
            )

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.names.qualified_name(node.func)
        if qualname in HTTP_EXCEPTIONS:
            name = qualname.rsplit(".", 1)[-1]
            self.report(node, f"`{name}` in a repository; return `None` or raise a domain error for the service to map")
