"""LC603 error-details-to-client: internal error details sent to clients."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.context import FileContext
from layercheck.engine.names import all_params
from layercheck.engine.rule import Rule
from layercheck.rules.http_in_repository import HTTP_EXCEPTIONS

RESPONSE_MODULES = ("fastapi.responses.", "starlette.responses.", "fastapi.Response")
TRACEBACK_FORMATTERS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack"}
)
# Exceptions whose message is written for the client: the request's own validation errors,
# HTTP errors. Sending their text back leaks nothing internal.
CLIENT_FACING = frozenset(
    {
        *HTTP_EXCEPTIONS,
        "fastapi.exceptions.RequestValidationError",
        "fastapi.exceptions.WebSocketRequestValidationError",
        "fastapi.exceptions.ResponseValidationError",
        "pydantic.ValidationError",
        "pydantic_core.ValidationError",
        "pydantic.error_wrappers.ValidationError",
    }
)
_STRINGIFIERS = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
# String methods that put their arguments' text into the string.
_FORMATTING_METHODS = frozenset({"format", "join", "format_map", "replace"})
# Builtin exceptions that code raises to reject input (`raise ValueError("quantity must be
# positive")`): their text answers a 4xx response, the client's own error.
_INPUT_ERRORS = frozenset(
    {
        "builtins.ValueError",
        # The standard library's subclasses of ValueError that parsing the client's input raises.
        "builtins.UnicodeError",
        "builtins.UnicodeDecodeError",
        "json.JSONDecodeError",
        "json.decoder.JSONDecodeError",
        "binascii.Error",
        # Libraries' ValueErrors whose text is written for the user who sent the input:
        # `email_validator` (behind pydantic's `EmailStr`) explains why an address is refused.
        "email_validator.EmailNotValidError",
        "email_validator.EmailSyntaxError",
        "email_validator.EmailUndeliverableError",
        "email_validator.exceptions_types.EmailNotValidError",
        "email_validator.exceptions_types.EmailSyntaxError",
        "email_validator.exceptions_types.EmailUndeliverableError",
    }
)

# How a library names the error that says why it refused the input it was asked to check
# (`safeuploads.FileValidationError`, `jsonschema.ValidationError`).
_VALIDATION_ERROR_SUFFIXES = ("ValidationError", "NotValidError")


def _validation_error(qualname: str) -> bool:
    """A library's input-validation error (not the project's, not a builtin): its text says
    why the client's input was refused, a 4xx answer's own words."""
    return not qualname.startswith("builtins.") and qualname.rsplit(".", 1)[-1].endswith(_VALIDATION_ERROR_SUFFIXES)


# name of the exception variable -> qualified names of the classes it may hold
_Frame = dict[str, tuple[str, ...]]


class ErrorDetailsToClient(Rule):
    """Flags an exception's text or a traceback put into what the client receives: the
    `detail` of an `HTTPException` (or of a project exception class), the `content` of a
    response (`JSONResponse`...). Leaks: `str(exc)`, `repr(exc)`, `f"...{exc}"`,
    `exc.args`, `traceback.format_exc()`, also inside a dict or a concatenation.

    `exc` is the name bound by `except ... as exc`, or an exception handler's parameter
    annotated with an exception class. The backend guide: "Never expose stack traces to API
    consumers." The text of a database or library error names tables, columns, hosts and
    code paths. An exception class defined in the project (a domain error whose message is
    written for the user) and the request's own validation errors are not flagged.
    """

    code = "LC603"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: list[_Frame] = []
        # The frames of `if isinstance(exc, ...)` bodies, by the id of the body block.
        self._narrowing: dict[int, _Frame] = {}

    # ----- which names hold exceptions ---------------------------------------------------

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        frame: _Frame = {}
        if node.name is not None and isinstance(node.name.name, cst.Name) and node.type is not None:
            types = node.type.elements if isinstance(node.type, cst.Tuple) else None
            values = [element.value for element in types] if types is not None else [node.type]
            frame[node.name.name.value] = tuple(self.names.qualified_name(value) or "" for value in values)
        self._frames.append(frame)

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame: _Frame = {}
        for param in all_params(node.params):
            if param.annotation is None:
                continue
            qualname = self.names.qualified_name(param.annotation.annotation) or ""
            if qualname.endswith(("Exception", "Error")):
                frame[param.name.value] = (qualname,)
        handled = self._handled_exception(node)
        positional = [*node.params.posonly_params, *node.params.params]
        if handled is not None and len(positional) >= 2 and positional[1].annotation is None:
            # `@app.exception_handler(Exception) async def handler(request, exc)`: the
            # handler's second parameter holds what it is registered for, unannotated too.
            frame[positional[1].name.value] = (handled,)
        self._frames.append(frame)

    def _handled_exception(self, node: cst.FunctionDef) -> str | None:
        """The exception class an `@app.exception_handler(...)` decorator registers the
        function for (None when it has no such decorator)."""
        for decorator in node.decorators:
            call = decorator.decorator
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "exception_handler"
                and call.args
                and call.args[0].keyword is None
            ):
                # (`@app.exception_handler(404)` handles the HTTP error of that status, whose
                # text is the client's: no class named, nothing known)
                return self.names.qualified_name(call.args[0].value)
        return None

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.pop()

    # `if isinstance(exc, NotFoundError): raise HTTPException(404, str(exc))`: in the body
    # of the test, the variable holds those classes only.
    def visit_If(self, node: cst.If) -> None:
        narrowed = self._isinstance_test(node.test)
        if narrowed is not None:
            self._narrowing[id(node.body)] = narrowed

    def leave_If(self, original_node: cst.If) -> None:
        # `if not isinstance(exc, ValueError): raise exc` (or return): below it, in the same
        # block, the variable holds those classes only.
        test = original_node.test
        if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
            return
        narrowed = self._isinstance_test(test.expression)
        if narrowed is None or original_node.orelse is not None or not self._frames:
            return
        body = original_node.body
        last = body.body[-1] if isinstance(body, cst.IndentedBlock) and body.body else None
        statements = last.body if isinstance(last, cst.SimpleStatementLine) else ()
        if statements and isinstance(statements[-1], (cst.Raise, cst.Return)):
            self._frames[-1].update(narrowed)

    def _isinstance_test(self, test: cst.BaseExpression) -> _Frame | None:
        if not isinstance(test, cst.Call) or self.names.qualified_name(test.func) != "builtins.isinstance":
            return None
        if len(test.args) != 2 or not isinstance(test.args[0].value, cst.Name):
            return None
        name = test.args[0].value.value
        if self._exception_types(name) is None:
            return None
        kinds = test.args[1].value
        values = [element.value for element in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
        return {name: tuple(self.names.qualified_name(value) or "" for value in values)}

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._frames.append(self._narrowing.pop(id(node), {}))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._frames.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._frames.append(self._narrowing.pop(id(node), {}))

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._frames.pop()

    def _exception_types(self, name: str) -> tuple[str, ...] | None:
        for frame in reversed(self._frames):
            if name in frame:
                return frame[name]
        return None

    # ----- what reaches the client -------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.names.qualified_name(node.func) or ""
        last = qualname.rsplit(".", 1)[-1] if qualname else _last_name(node.func)
        if qualname in HTTP_EXCEPTIONS:
            sent = self._argument(node, "detail", 1)
            status = self._argument(node, "status_code", 0)
        elif qualname.startswith(RESPONSE_MODULES) and last.endswith("Response"):
            sent = self._argument(node, "content", 0)
            status = self._argument(node, "status_code", 1)
        elif last.endswith(("Exception", "Error")):
            sent = self._argument(node, "detail", None)
            status = self._argument(node, "status_code", None)
        else:
            return
        if sent is not None:
            # (a project's exception named for a 4xx answer says so without a status:
            # `raise BadRequestException(detail=str(exc))`)
            named = status is None and _names_client_error(last)
            refused = (status is None and _names_refusal(last)) or (status is not None and _refusal(status))
            self._check(sent, named or (status is not None and _client_error(status)), refused)

    @staticmethod
    def _argument(call: cst.Call, keyword: str, position: int | None) -> cst.BaseExpression | None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if position is not None and len(positional) > position:
            return positional[position].value
        return None

    def _check(self, value: cst.BaseExpression, client_error: bool, refused: bool = False) -> None:
        for node, types in self._leaks(value):
            message = "exception text sent to the client; log it and send a generic message"
            if types is not None and self._pinned_to_literal(node):
                # `if str(e) == "Rate limit exceeded": raise HTTPException(429, detail=str(e))`:
                # inside the branch the text is that literal, written by the code.
                continue
            if types is None:
                self.report(node, "traceback sent to the client; log it and send a generic message")
            elif any(not name or name in CLIENT_FACING for name in types):
                continue
            elif client_error and all(
                name in _INPUT_ERRORS or _validation_error(name) or (refused and name in _REFUSALS) for name in types
            ):
                # `except ValueError as exc: raise HTTPException(400, str(exc))`; `except
                # PermissionError as exc: raise HTTPException(403, str(exc))`
                continue
            elif all(name.startswith("builtins.") for name in types):
                self.report(node, message)
            else:
                # A domain error defined in the project carries a message meant for users.
                self.report(node, message, condition=Condition("project_class", types, negate=True))

    def _pinned_to_literal(self, node: cst.BaseExpression) -> bool:
        """Whether an enclosing `if` runs `node`'s branch only when `node` equals a string
        literal (`if str(e) == "...":`, also as one side of an `and`)."""
        ancestors = self.context.ancestors
        for position in range(len(ancestors) - 1, 0, -1):
            ancestor, inner = ancestors[position - 1], ancestors[position]
            if type(ancestor) is cst.If and inner is ancestor.body and _equals_literal(ancestor.test, node):
                return True
        return False

    def _leaks(self, node: cst.BaseExpression) -> list[tuple[cst.BaseExpression, tuple[str, ...] | None]]:
        """Sub-expressions that put an exception's text (types) or a traceback (None) in `node`."""
        found: list[tuple[cst.BaseExpression, tuple[str, ...] | None]] = []
        if isinstance(node, cst.Call):
            qualname = self.names.qualified_name(node.func)
            if qualname in TRACEBACK_FORMATTERS:
                return [(node, None)]
            if qualname in _STRINGIFIERS and node.args:
                types = self._exception_value(node.args[0].value)
                if types is not None:
                    return [(node, types)]
            formats = isinstance(node.func, cst.Attribute) and node.func.attr.value in _FORMATTING_METHODS
            for arg in node.args:  # `"".join(...)`, `"{}".format(exc)`
                if not formats and self._exception_value(arg.value) is not None:
                    # `ERROR_MESSAGES.DEFAULT(exc, "fallback")`: a function handed the
                    # exception itself decides what to say (its text is what `str(exc)` or
                    # a format would put in); `make_error(str(exc))` still leaks.
                    continue
                found.extend(self._leaks(arg.value))
            # `str(exc).lower()` leaks; a method of the exception itself (`exc.errors()`) is
            # the class's own rendering for clients.
            if isinstance(node.func, cst.Attribute) and not isinstance(node.func.value, cst.Name):
                found.extend(self._leaks(node.func.value))
            return found
        types = self._exception_value(node)
        if types is not None:
            return [(node, types)]
        if isinstance(node, cst.FormattedString):
            for part in node.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    inner = self._leaks(part.expression)
                    if inner:
                        return [(node, inner[0][1])]
        elif isinstance(node, cst.BinaryOperation):
            found.extend(self._leaks(node.left))
            found.extend(self._leaks(node.right))
        elif isinstance(node, cst.ConcatenatedString):
            found.extend(self._leaks(node.left))
            found.extend(self._leaks(node.right))
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    found.extend(self._leaks(element.value))
        elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for item in node.elements:
                found.extend(self._leaks(item.value))
        return found

    def _exception_value(self, node: cst.BaseExpression) -> tuple[str, ...] | None:
        """The caught types when `node` is an exception variable or its `.args`."""
        if isinstance(node, cst.Attribute) and node.attr.value == "args":
            node = node.value
        if isinstance(node, cst.Name):
            return self._exception_types(node.value)
        return None


def _equals_literal(test: cst.BaseExpression, value: cst.BaseExpression) -> bool:
    """`value == "literal"` (either way round), or an `and` with such a side."""
    if type(test) is cst.BooleanOperation and type(test.operator) is cst.And:
        return _equals_literal(test.left, value) or _equals_literal(test.right, value)
    if type(test) is not cst.Comparison or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if type(target.operator) is not cst.Equal:
        return False
    left, right = test.left, target.comparator
    literal = (cst.SimpleString, cst.ConcatenatedString)
    return (isinstance(right, literal) and left.deep_equals(value)) or (
        isinstance(left, literal) and right.deep_equals(value)
    )


def _client_error(status: cst.BaseExpression) -> bool:
    """Whether a status code is a 4xx: `400`, `status.HTTP_422_UNPROCESSABLE_ENTITY`,
    `HTTPStatus.BAD_REQUEST` (the client's error, as far as the code is written)."""
    if isinstance(status, cst.Integer):
        return 400 <= int(status.value) < 500
    name = _last_name(status)
    if name.startswith("HTTP_4"):
        return True
    return isinstance(status, cst.Attribute) and _last_name(status.value) == "HTTPStatus" and name in _HTTP_4XX_NAMES


_HTTP_4XX_NAMES = frozenset(
    {"BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "GONE", "UNPROCESSABLE_ENTITY",
     "UNPROCESSABLE_CONTENT", "PRECONDITION_FAILED", "REQUEST_ENTITY_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"}
)


# Words of the exception classes a project names for a 4xx answer (`BadRequestException`,
# `ConflictError`, `NotFoundException`, `UnprocessableEntityError`).
_CLIENT_ERROR_WORDS = ("badrequest", "notfound", "conflict", "unprocessable", "forbidden", "unauthori", "invalidinput")


# Builtin exceptions that code raises to refuse an action (`raise PermissionError("only the
# owner can delete it")`): their text answers a 401 or a 403, the client's lack of rights.
_REFUSALS = frozenset({"builtins.PermissionError"})


def _refusal(status: cst.BaseExpression) -> bool:
    """Whether a status code is 401 or 403: `403`, `status.HTTP_403_FORBIDDEN`,
    `HTTPStatus.FORBIDDEN`."""
    if isinstance(status, cst.Integer):
        return status.value in ("401", "403")
    name = _last_name(status)
    return name.startswith(("HTTP_401", "HTTP_403")) or (
        isinstance(status, cst.Attribute)
        and _last_name(status.value) == "HTTPStatus"
        and name in ("UNAUTHORIZED", "FORBIDDEN")
    )


def _names_refusal(name: str) -> bool:
    """Whether an exception class's name says it answers with a 401 or a 403."""
    lowered = name.lower()
    return "forbidden" in lowered or "unauthori" in lowered


def _names_client_error(name: str) -> bool:
    """Whether an exception class's name says it answers with a 4xx."""
    lowered = name.lower()
    return any(word in lowered for word in _CLIENT_ERROR_WORDS)


def _last_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""
