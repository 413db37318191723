"""Recognising FastAPI endpoints: functions decorated with a router's or app's route method.

Shared by the router rules (LC203, LC204): `@router.get("/x")`, `@app.post(...)`,
`@router.api_route("/x", methods=[...])`, on any receiver (an `APIRouter`, a `FastAPI` app,
a project subclass or an imported router object).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from layercheck.engine.names import NameTable

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route"})
_PATH_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
# Third-party packages whose `.get(...)` decorators are not routes (a cache, a CLI...).
_NOT_ROUTERS = ("functools.", "cachetools.", "click.", "typer.")


# The decorators of every endpoint, a websocket's handler included (it takes no request
# body and no response model, which the router rules that use `ROUTE_METHODS` look at).
ENDPOINT_METHODS = ROUTE_METHODS | {"websocket"}


def route_decorator(
    function: cst.FunctionDef, names: NameTable, methods: frozenset[str] = ROUTE_METHODS
) -> cst.Call | None:
    """The route decorator call of an endpoint (`@router.get(...)`), or None."""
    for decorator in function.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        if call.func.attr.value not in methods:
            continue
        receiver = names.qualified_name(call.func.value) or ""
        if receiver.startswith(_NOT_ROUTERS):
            continue
        return call
    return None


def inside_endpoint(ancestors: Sequence[cst.CSTNode], names: NameTable) -> bool:
    """Whether some enclosing function is an endpoint (`@app.get(...)`): in the module that
    creates the app, the router rules judge its endpoints only, not the startup code."""
    return any(
        isinstance(node, cst.FunctionDef) and route_decorator(node, names, ENDPOINT_METHODS) is not None
        for node in ancestors
    )


def keyword_argument(call: cst.Call, keyword: str) -> cst.Arg | None:
    """The argument passed as `keyword=` to a call."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def path_parameters(route: cst.Call) -> frozenset[str]:
    """Names of the `{placeholders}` in a route's path (`"/users/{user_id}"`)."""
    path_arg = keyword_argument(route, "path")
    if path_arg is None:
        positional = [arg for arg in route.args if arg.keyword is None and arg.star == ""]
        path_arg = positional[0] if positional else None
    if path_arg is None:
        return frozenset()
    value = path_arg.value
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            text = value.evaluated_value
        except Exception:  # bytes or an f-string piece
            return frozenset()
        if isinstance(text, str):
            return frozenset(_PATH_PARAMETER.findall(text))
    if isinstance(value, cst.FormattedString):
        literal = "".join(part.value for part in value.parts if isinstance(part, cst.FormattedStringText))
        return frozenset(_PATH_PARAMETER.findall(literal))
    return frozenset()
