"""LC702 formatted-log-message: `%`, `.format()` or `+` builds a log message."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.rule import Rule, callee_names
from layercheck.rules.logcalls import (
    ASYNC_LOG_METHODS,
    FLAVOUR_KINDS,
    LOG_METHODS,
    LOG_WRAPPER_NAMES,
    LogCall,
    as_log_call,
    flavoured,
    is_fstring,
    is_string_literal,
    is_wrapper_call,
)
from layercheck.rules.logfix import message_fix


def formatting_kind(node: cst.BaseExpression) -> str | None:
    """How a message expression is built eagerly: "%", ".format()" or "+"."""
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo) and is_string_literal(node.left):
            return "%"
        if isinstance(node.operator, cst.Add) and (_has_string(node.left) or _has_string(node.right)):
            # (string literals alone joined with `+`, kept apart for line length, carry no
            # value: nothing is formatted eagerly)
            return None if _literals_only(node) else "+"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and is_string_literal(node.func.value)
    ):
        return ".format()"
    return None


def _literals_only(node: cst.BaseExpression) -> bool:
    """`"a" + "b"`: a sum of plain string literals (no f-string, no name)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _literals_only(node.left) and _literals_only(node.right)
    return is_string_literal(node) and not is_fstring(node)


def _has_string(node: cst.BaseExpression) -> bool:
    if is_string_literal(node):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _has_string(node.left) or _has_string(node.right)
    return False


class FormattedLogMessage(Rule):
    """Flags a log message built eagerly with `%`, `.format()` or string `+`.

    The message is formatted even when the level is disabled, and the values end up inside
    the text instead of structured fields. `log.info("x %s", y)` (stdlib's lazy arguments)
    is the correct form and is not flagged.
    """

    code = "LC702"
    calls = callee_names(LOG_METHODS, ASYNC_LOG_METHODS, LOG_WRAPPER_NAMES)

    def visit_Call(self, node: cst.Call) -> None:
        log = as_log_call(node, self.names)
        if log is None or is_fstring(log.message.value):
            return
        kind = formatting_kind(log.message.value)
        if kind is None:
            return
        messages = {
            "structlog": f"log message built with `{kind}`; log an event name with keyword arguments",
            "stdlib": f"log message built with `{kind}`; pass values as lazy `%s` arguments",
            "loguru": f"log message built with `{kind}`; pass values as arguments to a `{{}}` template",
        }
        if is_wrapper_call(log):
            message = f"log message built with `{kind}` for the logging wrapper `{log.method}()`; log a fixed message"
            self.report(log.message.value, message, condition=log.condition)
            return
        if log.condition is None:
            message = messages[log.flavour if log.flavour in messages else "stdlib"]
            self.report(log.message.value, message, fix=message_fix(log))
            return
        # The logger comes from another module: report once per flavour the index may confirm.
        for flavour, kind_of_logger in FLAVOUR_KINDS:
            typed = LogCall(log.call, log.method, log.message, flavour, None)
            condition = Condition(flavoured(kind_of_logger, log.condition), log.condition.names)
            self.report(log.message.value, messages[flavour], fix=message_fix(typed), condition=condition)
