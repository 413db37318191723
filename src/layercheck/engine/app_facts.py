"""Facts about the application a module wires up, for project-level rules.

Gathered by the facts collector during the single walk and kept in `ModuleFacts.extra`:

- `global_exception_handler`: the module registers a handler for `Exception` (or status 500)
  on an app: `app.add_exception_handler(Exception, ...)`, `@app.exception_handler(Exception)`,
  `handlers[Exception] = ...`, an `exception_handlers = {Exception: ...}` dict, or an HTTP
  middleware that catches `Exception` and returns a response (LC803).
- `settings_classes`: for classes that look like pydantic-settings classes, the environment
  names their fields are read from: fields, `env_prefix`, aliases (LC802).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from layercheck.engine.names import NameTable

CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})
_HANDLER_METHODS = frozenset({"add_exception_handler", "exception_handler"})
_SERVER_ERROR_NAMES = ("HTTP_500_INTERNAL_SERVER_ERROR",)


def is_catch_all(node: cst.BaseExpression, names: NameTable) -> bool:
    """`Exception`, `BaseException`, `500` or `status.HTTP_500_INTERNAL_SERVER_ERROR`."""
    if isinstance(node, cst.Integer):
        return node.value == "500"
    qualname = names.qualified_name(node)
    if qualname is None:
        return False
    return qualname in CATCH_ALL or qualname.rsplit(".", 1)[-1] in _SERVER_ERROR_NAMES


def dict_has_catch_all(node: cst.BaseExpression, names: NameTable) -> bool:
    """A dict display with an `Exception` (or 500) key."""
    if not isinstance(node, cst.Dict):
        return False
    return any(
        isinstance(element, cst.DictElement) and is_catch_all(element.key, names)
        for element in node.elements
    )


def registers_catch_all_call(call: cst.Call, names: NameTable) -> bool:
    """`x.add_exception_handler(Exception, h)` or `@x.exception_handler(Exception)`: the app
    is often a parameter (`def register_handlers(app)`), so this counts for the project."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _HANDLER_METHODS:
        return False
    positional = [arg for arg in call.args if arg.keyword is None]
    if positional and is_catch_all(positional[0].value, names):
        return True
    if positional and func.attr.value == "add_exception_handler" and _named_at_run_time(positional[0].value, names):
        # `for item in ALL_EXCEPTIONS: app.add_exception_handler(item[1], item[0])`: which
        # classes get a handler is decided when it runs; `Exception` cannot be ruled out.
        return True
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "exc_class_or_status_code":
            return is_catch_all(arg.value, names)
    return False


def _named_at_run_time(node: cst.BaseExpression, names: NameTable) -> bool:
    """An exception class given as an item or a variable (`item[1]`, `exc_class` of a loop),
    not named where it is registered."""
    if isinstance(node, cst.Subscript):
        return True
    return isinstance(node, cst.Name) and names.qualified_name(node) is None


def constructed_with_catch_all(call: cst.Call, names: NameTable) -> bool:
    """`FastAPI(exception_handlers={Exception: h})`: counts for that app only."""
    return any(
        arg.keyword is not None
        and arg.keyword.value == "exception_handlers"
        and dict_has_catch_all(arg.value, names)
        for arg in call.args
    )


def registers_catch_all_assignment(node: cst.Assign, names: NameTable) -> bool:
    """`handlers[Exception] = h`, or `exception_handlers = {Exception: h}`.

    The mapping's name must say it holds handlers (`index.WHOLE_PROJECT_KINDS` finds
    candidate modules by those bytes)."""
    for target in node.targets:
        inner = target.target
        if isinstance(inner, cst.Subscript) and len(inner.slice) == 1 and _names_handlers(inner.value):
            index = inner.slice[0].slice
            if isinstance(index, cst.Index) and is_catch_all(index.value, names):
                return True
        if isinstance(inner, cst.Name) and ("xception_handler" in inner.value or "XCEPTION_HANDLER" in inner.value):
            if dict_has_catch_all(node.value, names):
                return True
    return False


def _names_handlers(mapping: cst.BaseExpression) -> bool:
    """`handlers`, `Handlers`, `EXCEPTION_HANDLERS`, `app.exception_handlers`: a name about
    handlers (spelled as `index.WHOLE_PROJECT_KINDS` looks for it)."""
    name = mapping.attr if isinstance(mapping, cst.Attribute) else mapping
    return isinstance(name, cst.Name) and ("andler" in name.value or "ANDLER" in name.value)


def is_catching_middleware(handler: cst.ExceptHandler, stack: list[cst.CSTNode], names: NameTable) -> bool:
    """`except Exception:` that does not re-raise, inside an HTTP middleware: a function
    decorated `@app.middleware("http")` or a middleware class's `dispatch`/`__call__`."""
    # A bare `except:` is left out: runs on part of a project find handlers by the bytes
    # `Exception` and `500` (`index.WHOLE_PROJECT_KINDS`).
    if handler.type is None or not is_catch_all(handler.type, names):
        return False
    if any(isinstance(node, cst.Raise) for node in _statements(handler.body)):
        return False  # logs or counts, then lets the error through
    for node in reversed(stack):
        if isinstance(node, cst.FunctionDef):
            if node.name.value in ("dispatch", "__call__"):
                # Starlette's `dispatch(request, call_next)`, ASGI's `__call__(scope, ...)`.
                return any(param.name.value in ("call_next", "scope") for param in node.params.params)
            return any(_is_middleware_decorator(d.decorator) for d in node.decorators)
    return False


def _statements(block: cst.BaseSuite) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    body = block.body if isinstance(block, (cst.IndentedBlock, cst.SimpleStatementSuite)) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def _is_middleware_decorator(decorator: cst.BaseExpression) -> bool:
    return (
        isinstance(decorator, cst.Call)
        and isinstance(decorator.func, cst.Attribute)
        and decorator.func.attr.value == "middleware"
    )


# ----- settings classes -------------------------------------------------------------------

def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _looks_like_settings(node: cst.ClassDef) -> bool:
    for arg in node.bases:
        target = arg.value
        last = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if isinstance(last, str) and ("Settings" in last or "Config" in last or "Env" in last):
            return True
    return False


def settings_class(node: cst.ClassDef) -> dict[str, Any] | None:
    """The environment-facing shape of a settings-like class, or None for other classes.

    `fields`: annotated field names (no `ClassVar`, no private names); `required`: those
    without a default; `env_prefix`; `aliases`: field -> environment name from
    `Field(alias=...)`/`validation_alias=`/`env=`; `custom_sources` when the class defines
    `settings_customise_sources` (its values may not come from the environment).
    """
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    fields: list[str] = []
    required: list[str] = []
    aliases: dict[str, str] = {}
    prefix: str | None = None
    uses_settings_config = False
    custom_sources = False
    for statement in body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "settings_customise_sources":
            custom_sources = True  # values may come from files or vaults, not the environment
            continue
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            for inner in _statements(statement.body):
                if isinstance(inner, cst.Assign) and _assigned_name(inner) == "env_prefix":
                    prefix = _string(inner.value) or prefix
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and _assigned_name(small) == "model_config":
                if isinstance(small.value, cst.Call):
                    callee = small.value.func
                    name = callee.value if isinstance(callee, cst.Name) else getattr(callee, "attr", None)
                    name = name.value if isinstance(name, cst.Name) else name
                    uses_settings_config = uses_settings_config or name == "SettingsConfigDict"
                    prefix = _string(_keyword(small.value, "env_prefix")) or prefix
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                field = small.target.value
                if field.startswith("_") or field == "model_config" or _is_classvar(small.annotation.annotation):
                    continue
                fields.append(field)
                if _is_required(small.value):
                    required.append(field)
                if isinstance(small.value, cst.Call):
                    for keyword in ("validation_alias", "alias", "env"):
                        alias = _string(_keyword(small.value, keyword))
                        if alias:
                            aliases[field] = alias
                            break
    if not fields or not (uses_settings_config or _looks_like_settings(node)):
        return None
    data: dict[str, Any] = {"fields": fields, "required": required}
    if prefix:
        data["env_prefix"] = prefix
    if aliases:
        data["aliases"] = aliases
    if custom_sources:
        data["custom_sources"] = True
    return data


def _is_required(value: cst.BaseExpression | None) -> bool:
    """No default: `x: str`, `x: str = Field(...)`, `x: str = Field(alias="X")`."""
    if value is None:
        return True
    if not isinstance(value, cst.Call):
        return False
    callee = value.func
    name = callee.attr.value if isinstance(callee, cst.Attribute) else getattr(callee, "value", None)
    if name != "Field":
        return False
    positional = [arg for arg in value.args if arg.keyword is None]
    if positional:
        return isinstance(positional[0].value, cst.Ellipsis)
    keywords = {arg.keyword.value for arg in value.args if arg.keyword is not None}
    return not keywords & {"default", "default_factory"}


def _assigned_name(node: cst.Assign) -> str | None:
    if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
        return node.targets[0].target.value
    return None


def _is_classvar(annotation: cst.BaseExpression) -> bool:
    target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    if isinstance(target, cst.Attribute):
        return target.attr.value == "ClassVar"
    return isinstance(target, cst.Name) and target.value == "ClassVar"
