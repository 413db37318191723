"""Recognising log calls by how the logger was made, shared by the logging rules."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import LOGGER_OBJECTS, named_like_logger
from layercheck.engine.names import STDLIB_MODULE_LOG_FUNCTIONS, NameTable

LOG_METHODS = frozenset(
    # `trace` and `success` are loguru's levels below `debug` and beside `info`.
    {"trace", "debug", "info", "success", "warning", "warn", "error", "exception", "critical", "fatal", "msg", "log"}
)
# structlog's async methods (`await log.ainfo(...)`).
ASYNC_LOG_METHODS = frozenset(f"a{name}" for name in LOG_METHODS)
# The names a project's logging wrapper functions go by (`log_info(msg)`, `error_log(msg)`,
# `log(msg)`): a call to one is a log call when the index finds that the function hands its
# first parameter to a logger as the message.
LOG_WRAPPER_NAMES = frozenset(
    {"log", *(f"log_{name}" for name in LOG_METHODS), *(f"{name}_log" for name in LOG_METHODS)}
)
# The condition kind `wrapper_message:<method>:<place>`: the receiver is a project logging
# class whose `<method>` logs its parameter at `<place>` (after `self`) as the message.
WRAPPER_MESSAGE = "wrapper_message"
# Methods whose message is the second positional argument (the first is the level).
LEVEL_FIRST_METHODS = frozenset({"log", "alog"})


@dataclass(frozen=True)
class LogCall:
    """A call that logs: where its message is and what kind of logger it goes to.

    `flavour` is "structlog" or "stdlib" when the module itself shows how the logger was
    made; otherwise `condition` asks the project index whether the receiver is a logger.
    """

    call: cst.Call
    method: str
    message: cst.Arg
    flavour: str | None
    condition: Condition | None


def message_argument(call: cst.Call, method: str) -> cst.Arg | None:
    """The argument holding the log message (never a keyword value)."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    index = 1 if method in LEVEL_FIRST_METHODS else 0
    if len(positional) > index:
        return positional[index]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("msg", "event"):
            return arg
    return None


def as_log_call(call: cst.Call, names: NameTable) -> LogCall | None:
    """Describe `call` as a log call, or None when it is not one."""
    func = call.func
    wrapper = _wrapper_call(call, names)
    if wrapper is not None:
        return wrapper
    if type(func) is cst.Name:
        return _root_function_call(call, func, names)
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method not in LOG_METHODS and method not in ASYNC_LOG_METHODS:
        return None
    message = message_argument(call, method)
    if message is None:
        return None
    receiver = func.value
    qualname = names.qualified_name(receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else None
    if qualname == "logging" and method in STDLIB_MODULE_LOG_FUNCTIONS:
        return LogCall(call, method, message, "stdlib", None)
    if qualname == "structlog" and method in STDLIB_MODULE_LOG_FUNCTIONS:
        return None
    if qualname in LOGGER_OBJECTS:  # `from loguru import logger`
        return LogCall(call, method, message, LOGGER_OBJECTS[qualname], None)
    binding = names.value_binding(receiver)
    if binding is not None and binding.logger:
        return LogCall(call, method, message, binding.logger, None)
    named = _receiver_name(receiver)
    by_name = named is not None and named_like_logger(named)
    if binding is None:
        # Origin out of sight (an unannotated parameter, `self._logger` set from an unknown
        # call): the name convention decides, as ruff's logging rules do.
        return LogCall(call, method, message, None, Condition("logger_named", ())) if by_name else None
    # Defined elsewhere in the project: the index knows whether it is a logger; where it
    # cannot tell (a third-party factory), a logger's name decides.
    kind = "logger_named" if by_name else "logger"
    if binding.factory_call:
        return LogCall(call, method, message, None, Condition(kind, (binding.factory_call + "()",)))
    if binding.qualname and not binding.qualname.startswith("builtins."):
        return _placed_message(call, method, message, Condition(kind, (binding.qualname,)))
    if by_name and binding.qualname is None and not binding.instance_of:
        return LogCall(call, method, message, None, Condition("logger_named", ()))
    if binding.instance_of and binding.instance_of.split(".", 1)[0] == names.module.split(".", 1)[0]:
        # `self.logger = logger` from `def register(self, logger: Logger)`, a project class:
        # a logger when the class wraps one (the index knows).
        return _placed_message(call, method, message, Condition(kind, (binding.instance_of + "()",)))
    return None


def _root_function_call(call: cst.Call, func: cst.Name, names: NameTable) -> LogCall | None:
    """`from logging import warning`, then `warning(f"...")`: the root logger's function."""
    module, _, function = (names.qualified_name(func) or "").rpartition(".")
    if module != "logging" or function not in STDLIB_MODULE_LOG_FUNCTIONS:
        return None
    message = message_argument(call, function)
    return LogCall(call, function, message, "stdlib", None) if message is not None else None


def _placed_message(call: cst.Call, method: str, message: cst.Arg, condition: Condition) -> LogCall:
    """The log call of a logger from elsewhere in the project. A project's logging class may
    take the message after other values (`TRACE_LOG.error(project_id, user_id, f"...")`):
    when the first argument is a plain value and a later one is a formatted string, that
    one is the message if the index finds the class's method logs that parameter."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    # (a first argument that is a string or a formatted message is the message itself)
    plain_first = len(positional) > 1 and isinstance(positional[0].value, (cst.Name, cst.Attribute, cst.Subscript))
    if method in LEVEL_FIRST_METHODS or not plain_first:
        return LogCall(call, method, message, None, condition)
    for place, arg in enumerate(positional[1:], start=1):
        if isinstance(arg.value, (cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation, cst.Call)):
            placed = Condition(f"{WRAPPER_MESSAGE}:{method}:{place}", condition.names)
            return LogCall(call, method, arg, None, placed)
    return LogCall(call, method, message, None, condition)


def _wrapper_call(call: cst.Call, names: NameTable) -> LogCall | None:
    """`log_info(f"...")` calling a project function named like a logging wrapper: a log call
    if the index confirms the function logs its first parameter (`log_wrapper`)."""
    func = call.func
    name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
    if not named_like_log_wrapper(name):
        return None
    if isinstance(func, cst.Attribute):
        # `log_utils.log_info(...)`, `core_logger.print_to_log(...)` through the module;
        # not `logger.log(level, msg)`, a logger's own method (the index tells a module's
        # function from a logger's method by the name it resolves to).
        receiver = func.value
        owner = names.value_binding(receiver)
        shown = _receiver_name(receiver) or ""
        if name in LOG_METHODS or (owner is not None and owner.logger):
            return None
        if name in LOG_WRAPPER_NAMES and named_like_logger(shown):
            return None
        if names.qualified_name(receiver) in (*LOGGER_OBJECTS, "logging", "structlog"):
            return None
    binding = names.value_binding(func)
    qualname = binding.qualname if binding is not None else None
    if not qualname or qualname.startswith(("logging.", "builtins.")) or binding is None or binding.logger:
        return None
    message = message_argument(call, name)
    if message is None:
        return None
    return LogCall(call, name, message, None, Condition("log_wrapper", (qualname,)))


def named_like_log_wrapper(name: str) -> bool:
    """`log_info`, `error_log`, also any name with the word `log` (`print_to_log`,
    `write_log`): a project function that may hand its first parameter to a logger."""
    return name in LOG_WRAPPER_NAMES or (name not in LOG_METHODS and "log" in name.lower().split("_"))


# The word that brings a callee to the log rules whatever its full name (`print_to_log`).
LOG_WORDS = frozenset({"log"})


def is_wrapper_call(log: LogCall) -> bool:
    """A call to a project's logging wrapper function, or to a logging class's method that
    takes the message after other values, confirmed by the index."""
    return log.condition is not None and (
        log.condition.kind == "log_wrapper" or log.condition.kind.startswith(f"{WRAPPER_MESSAGE}:")
    )


# Each flavour a logger from another module may turn out to be, with its condition kind.
FLAVOUR_KINDS = (("structlog", "structlog_logger"), ("stdlib", "stdlib_logger"), ("loguru", "loguru_logger"))


def flavoured(kind: str, condition: Condition) -> str:
    """The condition kind asking for a logger of one flavour (`structlog_logger`), or, for a
    logger known by its name only, for one of that flavour or out of sight
    (`structlog_named`: the index picks the project's logging library)."""
    if condition.kind == "logger_named":
        return kind.replace("_logger", "_named")
    return kind


def _receiver_name(receiver: cst.BaseExpression) -> str | None:
    """`logger` for `logger`, `self._logger`, `cls.log`, and for the logger a context object
    carries (`ctx.logger`, `self.ctx.logger`, `request.state.logger`); None for other
    expressions."""
    if isinstance(receiver, cst.Name):
        return receiver.value
    if not isinstance(receiver, cst.Attribute):
        return None
    if isinstance(receiver.value, cst.Name) and receiver.value.value in ("self", "cls"):
        return receiver.attr.value
    root: cst.BaseExpression = receiver.value
    while isinstance(root, cst.Attribute):
        root = root.value
    attribute = receiver.attr.value
    if isinstance(root, cst.Name) and named_like_logger(attribute) and attribute.lstrip("_").lower() != "log":
        # (`math.log` and `np.log` are functions: only a full logger name counts here)
        return attribute
    return None


def is_fstring(node: cst.BaseExpression) -> bool:
    """An f-string, alone or implicitly concatenated with other strings."""
    if isinstance(node, cst.FormattedString):
        # (one without placeholders too: `f"cache cleared"` is still an f-string passed as
        # the message, as ruff's G004 reads it; the fix drops the prefix)
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_fstring(node.left) or is_fstring(node.right)
    return False


def is_string_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
