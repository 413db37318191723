"""LC702 formatted-log-message: `%`, `.format()` or `+` builds a log message."""

from __future__ import annotations

import libcst as cst

from layercheck.engine.context import NodeFix
from layercheck.rules.base import Rule
from layercheck.rules.logcalls import LogCall, as_log_call, is_fstring, is_string_literal


def formatting_kind(node: cst.BaseExpression) -> str | None:
    """How a message expression is built eagerly: "%", ".format()" or "+"."""
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo) and is_string_literal(node.left):
            return "%"
        if isinstance(node.operator, cst.Add) and (
            _has_string(node.left) or _has_string(node.right)
        ):
            return "+"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and is_string_literal(node.func.value)
    ):
        return ".format()"
    return None


def _has_string(node: cst.BaseExpression) -> bool:
    if is_string_literal(node):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _has_string(node.left) or _has_string(node.right)
    return False


def percent_fix(log: LogCall) -> NodeFix | None:
    """`log.info("x %s" % y)` becomes `log.info("x %s", y)` for stdlib loggers."""
    value = log.message.value
    if log.flavour != "stdlib" or not isinstance(value, cst.BinaryOperation):
        return None
    if not isinstance(value.left, cst.SimpleString):
        return None
    right = value.right
    if isinstance(right, cst.Tuple):
        extra = [cst.Arg(element.value) for element in right.elements if not isinstance(element, cst.StarredElement)]
        if len(extra) != len(right.elements):
            return None
    elif isinstance(right, (cst.Dict, cst.DictComp)):
        return None
    else:
        extra = [cst.Arg(right)]
    args = list(log.call.args)
    index = args.index(log.message)
    args[index] = cst.Arg(value.left)
    args[index + 1 : index + 1] = extra
    new_call = log.call.with_changes(args=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args])
    return NodeFix("Pass the values as lazy `%s` arguments", ((log.call, new_call),), "unsafe")


class FormattedLogMessage(Rule):
    """Flags a log message built eagerly with `%`, `.format()` or string `+`.

    The message is formatted even when the level is disabled, and the values end up inside
    the text instead of structured fields. `log.info("x %s", y)` (stdlib's lazy arguments)
    is the correct form and is not flagged.
    """

    code = "LC702"

    def visit_Call(self, node: cst.Call) -> None:
        log = as_log_call(node, self.names)
        if log is None or is_fstring(log.message.value):
            return
        kind = formatting_kind(log.message.value)
        if kind is None:
            return
        message = f"log message built with `{kind}`; log an event name with keyword arguments"
        if log.flavour == "stdlib" or (log.condition is None and log.flavour != "structlog"):
            message = f"log message built with `{kind}`; pass values as lazy `%s` arguments"
        if log.condition is None:
            self.report(log.message.value, message, fix=percent_fix(log))
        else:
            self.report(log.message.value, message, condition=log.condition)
