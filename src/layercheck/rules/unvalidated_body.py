"""LC204 unvalidated-body: an endpoint reads a request body no Pydantic model validates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.names import all_params, last_name
from layercheck.engine.rule import Rule
from layercheck.engine.walk import walk_subtree
from layercheck.rules.endpoints import path_parameters, route_decorator

if TYPE_CHECKING:
    from layercheck.engine.context import FileContext

REQUEST_TYPES = frozenset(
    {
        "fastapi.Request",
        "fastapi.requests.Request",
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
    }
)
# Conventional names of an unannotated request object.
REQUEST_NAMES = frozenset({"request", "req"})
JSON_PARSERS = frozenset({"json.loads", "orjson.loads", "ujson.loads", "simplejson.loads"})
# Parameter markers that take the value from somewhere other than the body.
_NOT_BODY_MARKERS = frozenset({"Depends", "Security", "Query", "Path", "Header", "Cookie", "Form", "File"})
_BODY_MARKERS = frozenset({"Body"})
# Annotations FastAPI reads from the body without any schema.
_MAPPING_TYPES = frozenset(
    {
        "builtins.dict",
        "typing.Dict",
        "typing.Mapping",
        "typing.MutableMapping",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
        "collections.OrderedDict",
        "typing.OrderedDict",
    }
)
_OPAQUE_TYPES = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
_SEQUENCE_TYPES = frozenset(
    {
        "builtins.list",
        "builtins.set",
        "builtins.frozenset",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Sequence",
        "collections.abc.Sequence",
    }
)
_UNION_TYPES = frozenset({"typing.Optional", "typing.Union"})
# Where the types of parameters that are no body model come from (`str`, `UUID`, `datetime`,
# `BackgroundTasks`, `Response`, `WebSocket`, `Session`).
_NOT_MODEL_ORIGINS = frozenset(
    {
        "builtins",
        "typing",
        "typing_extensions",
        "uuid",
        "datetime",
        "decimal",
        "enum",
        "pathlib",
        "fastapi",
        "starlette",
        "sqlalchemy",
        "sqlmodel",
    }
)


def _mapping_values(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """The value type of a subscripted mapping (`int` in `Dict[UUID, int]`); None for a bare
    `dict` or one whose subscript is not `[key, value]`."""
    if not isinstance(annotation, cst.Subscript) or len(annotation.slice) != 2:
        return None
    values = annotation.slice[1].slice
    return values.value if isinstance(values, cst.Index) else None


class UnvalidatedBody(Rule):
    """Flags a router reading a request body that no Pydantic model validates: `await
    request.json()`, `json.loads(await request.body())`, and endpoint parameters typed
    `dict` / `Dict[str, Any]` / `Mapping[str, dict]` (FastAPI reads those from the body; a
    mapping whose values are typed, `Dict[UUID, int]`, is validated) or `Any` given with
    `Body()`.

    Routers only receive validated Pydantic inputs (backend guide, step 3): an unvalidated
    body lets any shape reach the services, and the OpenAPI schema cannot describe it.
    """

    code = "LC204"
    layers = frozenset({"api"})

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Per enclosing function: names holding the raw body (`body = await request.body()`).
        self._raw_bodies: list[set[str]] = []
        # Per enclosing function: the classes its body-like parameters are annotated with.
        self._body_models: list[tuple[str, ...]] = []
        # Per function: the endpoint whose body a raw read belongs to (None outside one), and
        # whether it validates the raw body itself (decided on the first raw read: rare).
        self._endpoints: list[cst.FunctionDef | None] = []
        self._by_hand: dict[int, bool] = {}

    # ----- endpoint parameters -------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._raw_bodies.append(set())
        self._body_models.append(self._body_models[-1] if self._body_models else ())
        self._endpoints.append(self._endpoints[-1] if self._endpoints else None)
        route = route_decorator(node, self.names)
        if route is None:
            return
        self._endpoints[-1] = node
        in_path = path_parameters(route)
        params = node.params
        for param in all_params(params):
            if param.annotation is None or param.name.value in in_path:
                continue
            model = self._body_model(param)
            if model is not None:
                self._body_models[-1] += (model,)
            shown = self._unvalidated_type(param)
            if shown is not None:
                self.report(
                    param,
                    f"body parameter `{param.name.value}: {shown}` is not validated; "
                    "declare a Pydantic model for the body",
                )

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._raw_bodies.pop()
        self._body_models.pop()
        self._endpoints.pop()

    def _body_model(self, param: cst.Param) -> str | None:
        """The class a parameter may take the body as (the index confirms it is a Pydantic
        model): annotated with a name that is no builtin, `typing`, FastAPI or Starlette
        type, and without a `Depends()`/`Query()`... marker."""
        assert param.annotation is not None
        annotation = param.annotation.annotation
        if not isinstance(annotation, (cst.Name, cst.Attribute)):
            return None
        qualname = self._qualname(annotation)
        if not qualname or qualname.split(".", 1)[0] in _NOT_MODEL_ORIGINS:
            return None
        default = param.default
        return qualname if default is None or self._marker(default) in _BODY_MARKERS else None

    def _unvalidated_type(self, param: cst.Param) -> str | None:
        """The annotation's text when FastAPI would read this parameter as a schemaless body."""
        assert param.annotation is not None
        annotation = param.annotation.annotation
        markers: list[str] = []
        outer = self._qualname(annotation.value) if isinstance(annotation, cst.Subscript) else ""
        if isinstance(annotation, cst.Subscript) and outer.rsplit(".", 1)[-1] == "Annotated":
            elements = [e.slice for e in annotation.slice]
            if not elements or not isinstance(elements[0], cst.Index):
                return None
            annotation_type = elements[0].value
            markers.extend(self._marker(e.value) for e in elements[1:] if isinstance(e, cst.Index))
        else:
            annotation_type = annotation
        if param.default is not None:
            markers.append(self._marker(param.default))
        if any(marker in _NOT_BODY_MARKERS for marker in markers):
            return None
        explicit_body = any(marker in _BODY_MARKERS for marker in markers)
        if self._schemaless(annotation_type, explicit_body, inside=False):
            return self.context.code_for(annotation_type)
        return None

    def _marker(self, expression: cst.BaseExpression) -> str:
        """`Depends`, `Query`, `Body`... for a parameter default or `Annotated` metadata."""
        if isinstance(expression, cst.Call):
            expression = expression.func
        return self._qualname(expression).rsplit(".", 1)[-1]

    def _qualname(self, expression: cst.BaseExpression) -> str:
        return self.names.qualified_name(expression) or ""

    def _schemaless(self, annotation: cst.BaseExpression, explicit_body: bool, inside: bool) -> bool:
        """Whether a type is a mapping (or, read from the body, `Any`), possibly wrapped in
        `Optional`, a union or a list."""
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return self._schemaless(annotation.left, explicit_body, inside) or self._schemaless(
                annotation.right, explicit_body, inside
            )
        target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualname = self._qualname(target)
        if qualname in _MAPPING_TYPES:
            # `dict`, `Dict[str, Any]`, `dict[str, dict]`: any shape gets in. `Dict[UUID, int]`
            # or `dict[str, Item]` is validated key by key and value by value.
            values = _mapping_values(annotation)
            return values is None or self._schemaless(values, True, True)
        if qualname in _OPAQUE_TYPES:
            # A bare `Any` parameter is a query parameter for FastAPI; inside a list or with
            # `Body()` it is a body.
            return explicit_body or inside
        if isinstance(annotation, cst.Subscript) and (qualname in _UNION_TYPES or qualname in _SEQUENCE_TYPES):
            body_container = inside or qualname in _SEQUENCE_TYPES
            return any(
                isinstance(element.slice, cst.Index)
                and self._schemaless(element.slice.value, explicit_body, body_container)
                for element in annotation.slice
            )
        return False

    # ----- reading the raw body ------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._raw_bodies or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, cst.Name):
            if self._is_raw_body(node.value):
                self._raw_bodies[-1].add(target.value)
            else:
                self._raw_bodies[-1].discard(target.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "json" and not node.args:
            if self._is_request(func.value) and not self._validated_by_hand():
                # An endpoint that also takes the body as a Pydantic model has it validated.
                models = self._body_models[-1] if self._body_models else ()
                condition = Condition("pydantic_model", models, negate=True) if models else None
                message = "`request.json()` reads an unvalidated body; declare a Pydantic model parameter"
                self.report(node, message, condition=condition)
            return
        if self._qualname(func) in JSON_PARSERS and node.args:
            if self._is_raw_body(self._unwrap_decode(node.args[0].value)) and not self._validated_by_hand():
                self.report(node, "raw request body parsed as JSON without validation; declare a Pydantic model")

    def _validated_by_hand(self) -> bool:
        """A webhook that validates the body itself (`TypeAdapter(Event).validate_python(await
        request.json())`, to log a bad payload instead of answering 422) validates it. Asked
        only where a raw read is found, so the endpoint is walked at most once, and rarely."""
        endpoint = self._endpoints[-1] if self._endpoints else None
        if endpoint is None:
            return False
        known = self._by_hand.get(id(endpoint))
        if known is None:
            known = self._by_hand[id(endpoint)] = _validates_by_hand(endpoint)
        return known

    def _unwrap_decode(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        """`body.decode()` / `body.decode("utf-8")` is still the raw body."""
        if (
            isinstance(expression, cst.Call)
            and isinstance(expression.func, cst.Attribute)
            and expression.func.attr.value == "decode"
        ):
            return expression.func.value
        return expression

    def _is_raw_body(self, expression: cst.BaseExpression | None) -> bool:
        if isinstance(expression, cst.Await):
            expression = expression.expression
        if isinstance(expression, cst.Name):
            return bool(self._raw_bodies) and expression.value in self._raw_bodies[-1]
        return (
            isinstance(expression, cst.Call)
            and isinstance(expression.func, cst.Attribute)
            and expression.func.attr.value == "body"
            and self._is_request(expression.func.value)
        )

    def _is_request(self, receiver: cst.BaseExpression) -> bool:
        """A Starlette request: annotated as one, or an unannotated `request` parameter."""
        binding = self.names.value_binding(receiver)
        if binding is not None and binding.instance_of:
            return binding.instance_of in REQUEST_TYPES
        if not isinstance(receiver, cst.Name) or receiver.value not in REQUEST_NAMES:
            return False
        return binding is None or (binding.qualname is None and not binding.logger)


# Pydantic's own validation entry points (`TypeAdapter(X).validate_python`, `X.model_validate`).
_VALIDATING_METHODS = frozenset(
    {"validate_python", "validate_json", "model_validate", "model_validate_json", "parse_obj", "parse_raw"}
)


def _validates_by_hand(function: cst.FunctionDef) -> bool:
    """Whether an endpoint hands the raw body to one of Pydantic's validation methods:
    `validate_python(await request.json())`, or `raw = await request.json()` then
    `Event.model_validate(raw)`."""
    raw_names: set[str] = set()
    validated: list[cst.Call] = []

    class _Walk(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if _reads_body(node.value):
                raw_names.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in _VALIDATING_METHODS:
                validated.append(node)
            elif _constructs_from_mapping(node):
                validated.append(node)  # `ResetPasswordRequest(**body)`: the model's constructor

    walk_subtree(function.body, _Walk())
    return any(_reads_body(arg.value, raw_names) for call in validated for arg in call.args)


def _constructs_from_mapping(call: cst.Call) -> bool:
    """`Model(**raw)`: a class (capitalised, by convention) built from a mapping's items,
    which a Pydantic model validates as `Model.model_validate(raw)` does."""
    name = last_name(call.func)
    return name[:1].isupper() and any(arg.star == "**" for arg in call.args)


def _reads_body(node: cst.CSTNode, raw_names: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether an expression reads the request body (`.json()`, `.body()`) or a name holding it."""
    found = False

    class _Reads(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("json", "body") and not call.args:
                found = True

        def visit_Name(self, name: cst.Name) -> None:
            nonlocal found
            if name.value in raw_names:
                found = True

    walk_subtree(node, _Reads())
    return found
