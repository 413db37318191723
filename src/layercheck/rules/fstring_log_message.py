"""LC701 fstring-log-message: an f-string is used as a log message."""

from __future__ import annotations

import re

import libcst as cst

from layercheck.engine.context import NodeFix
from layercheck.rules.base import Rule
from layercheck.rules.logcalls import LogCall, as_log_call, is_fstring

_WORD = re.compile(r"[A-Za-z0-9]+")


def event_name(text: str) -> str:
    """A snake_case event name from the literal words of a message."""
    words = [word.lower() for word in _WORD.findall(text)]
    return "_".join(words)[:60].strip("_") or "event"


def keyword_for(expression: cst.BaseExpression, taken: set[str], index: int) -> str:
    """A keyword name for an interpolated expression: `user.id` becomes `user_id`."""
    parts: list[str] = []
    current = expression
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if isinstance(current, cst.Name):
        parts.append(current.value)
        name = "_".join(reversed(parts)).lstrip("_") or f"value{index}"
    else:
        name = f"value{index}"
    if name in ("event", "msg") or not name.isidentifier():
        name = f"value{index}"
    base, counter = name, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    taken.add(name)
    return name


def _parts(node: cst.BaseExpression) -> list[cst.CSTNode] | None:
    if isinstance(node, cst.FormattedString):
        return list(node.parts)
    if isinstance(node, cst.ConcatenatedString):
        left, right = _parts(node.left), _parts(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.SimpleString):
        return [cst.FormattedStringText(str(node.evaluated_value))]
    return None


def fstring_fix(log: LogCall) -> NodeFix | None:
    """Rewrite the f-string: an event name plus keywords (structlog) or lazy `%s` (stdlib)."""
    parts = _parts(log.message.value)
    if parts is None or log.flavour is None:
        return None
    positional = [arg for arg in log.call.args if arg.keyword is None]
    if len(positional) != (2 if log.method in ("log", "alog") else 1) or any(a.star for a in log.call.args):
        return None
    taken = {arg.keyword.value for arg in log.call.args if arg.keyword is not None}
    literal_text: list[str] = []
    template: list[str] = []
    values: list[cst.BaseExpression] = []
    for part in parts:
        if isinstance(part, cst.FormattedStringText):
            literal_text.append(part.value)
            template.append(part.value.replace("%", "%%"))
        elif isinstance(part, cst.FormattedStringExpression):
            if part.format_spec or part.conversion:
                return None
            values.append(part.expression)
            template.append("%s")
        else:
            return None
    message_index = log.call.args.index(log.message)
    if log.flavour == "structlog":
        new_message = cst.Arg(cst.SimpleString(repr(event_name(" ".join(literal_text)))))
        extra = [
            cst.Arg(value, keyword=cst.Name(keyword_for(value, taken, i)), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
            ))
            for i, value in enumerate(values, start=1)
        ]
    else:
        text = "".join(template)
        if "\\" in text or "\n" in text:
            return None
        new_message = cst.Arg(cst.SimpleString(repr(text)))
        extra = [cst.Arg(value) for value in values]
    args = list(log.call.args)
    args[message_index] = new_message
    args[message_index + 1 : message_index + 1] = extra
    fixed_args = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in args]
    new_call = log.call.with_changes(args=fixed_args)
    message = "Use an event name and keyword arguments" if log.flavour == "structlog" else "Use lazy `%s` arguments"
    return NodeFix(message, ((log.call, new_call),), applicability="unsafe")


class FStringLogMessage(Rule):
    """Flags an f-string passed as the message of a log call.

    An f-string is formatted even when the level is disabled, cannot be grouped by log
    tooling, and hides the structured fields the backend guide asks for
    (`log.info("user_created", user_id=...)`). Only the message argument counts: an
    f-string passed as a keyword value is fine.
    """

    code = "LC701"

    def visit_Call(self, node: cst.Call) -> None:
        log = as_log_call(node, self.names)
        if log is None or not is_fstring(log.message.value):
            return
        message = "f-string used as a log message; log an event name with keyword arguments"
        if log.flavour == "stdlib":
            message = "f-string used as a log message; pass values as lazy `%s` arguments"
        if log.condition is None:
            self.report(log.message.value, message, fix=fstring_fix(log))
            return
        # The logger comes from another module: report once per flavour the index may confirm.
        for flavour, kind in (("structlog", "structlog_logger"), ("stdlib", "stdlib_logger")):
            typed = LogCall(log.call, log.method, log.message, flavour, None)
            condition = type(log.condition)(kind, log.condition.names)
            text = message if flavour == "structlog" else (
                "f-string used as a log message; pass values as lazy `%s` arguments"
            )
            self.report(log.message.value, text, fix=fstring_fix(typed), condition=condition)
