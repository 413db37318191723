"""LC203 endpoint-returns-orm: an endpoint's response model or return annotation is an ORM class."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.annotations import project_class_names
from layercheck.engine.rule import Rule
from layercheck.rules.endpoints import keyword_argument, route_decorator


class EndpointReturnsOrm(Rule):
    """Flags an endpoint whose `response_model=` or return annotation names an ORM model,
    also inside `list[...]`, `Optional[...]`, `X | None`, `tuple[...]`, `Sequence[...]` and
    string annotations.

    Routers return Pydantic outputs and never expose ORM models (backend guide, steps 3
    and 4): an ORM response leaks every column, lazy-loads relationships during
    serialisation and ties the API contract to the table layout.
    """

    code = "LC203"
    layers = frozenset({"api"})

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        route = route_decorator(node, self.names)
        if route is None:
            return
        response_model = keyword_argument(route, "response_model")
        if response_model is not None:
            self._check(node, response_model.value, "`response_model=`")
        if node.returns is None:
            return
        if response_model is not None and self.options["allow-orm-annotation-with-response-model"]:
            # The team accepts `-> User` when a schema in `response_model=` filters the output.
            return
        self._check(node, node.returns.annotation, "return annotation")

    def _check(self, function: cst.FunctionDef, expression: cst.BaseExpression, where: str) -> None:
        for name_node, qualname in project_class_names(expression, self.names):
            model = qualname.rsplit(".", 1)[-1]
            self.report(
                name_node,
                f"ORM model `{model}` in the {where} of endpoint `{function.name.value}`; return a Pydantic schema",
                condition=Condition("orm_model", (qualname,)),
            )
