"""LC701 fstring-log-message: an f-string is used as a log message."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from layercheck.engine.rule import Rule, callee_names
from layercheck.rules.logcalls import (
    ASYNC_LOG_METHODS,
    DEFERRING_CALLS,
    LOG_METHODS,
    LOG_WORDS,
    LOG_WRAPPER_NAMES,
    LogCall,
    as_log_call,
    deferred_log_call,
    held_message,
    is_fstring,
    is_wrapper_call,
)
from layercheck.rules.logfix import message_fix, report_readings

_MESSAGES = {
    "structlog": "f-string used as a log message; log an event name with keyword arguments",
    "stdlib": "f-string used as a log message; pass values as lazy `%s` arguments",
    "loguru": "f-string used as a log message; pass values as arguments to a `{}` template",
}


class FStringLogMessage(Rule):
    """Flags an f-string passed as the message of a log call.

    An f-string is formatted even when the level is disabled, cannot be grouped by log
    tooling, and hides the structured fields the backend guide asks for
    (`log.info("user_created", user_id=...)`). Only the message argument counts: an
    f-string passed as a keyword value is fine.
    """

    code = "LC701"
    checks_tests = True
    calls = callee_names(LOG_METHODS, ASYNC_LOG_METHODS, LOG_WRAPPER_NAMES, DEFERRING_CALLS)
    call_words = LOG_WORDS  # a project's wrapper by any name with `log` in it (`print_to_log`)

    def visit_Call(self, node: cst.Call) -> None:
        log = as_log_call(node, self.names) or deferred_log_call(node, self.names)
        for reading in log.placements() if log is not None else ():
            self._check(reading)

    def _check(self, log: LogCall) -> None:
        value = log.message.value
        held = held_message(value, self.context.ancestors)
        if held is not None and (is_fstring(held) or _joins_fstrings(held, self.context.ancestors)):
            # `error = f"..."` on the line above `logger.warning(error)`: the message is that
            # f-string, formatted before the call (no fix: the local may serve other uses).
            shown = cst.ensure_type(value, cst.Name).value
            message = f"f-string held in `{shown}` and used as the log message; {_advice(log)}"
            self.report(value, message, condition=log.condition)
            return
        if type(value) is cst.IfExp and (is_fstring(value.body) or is_fstring(value.orelse)):
            # `logger.info(f"enabled on {env}" if on else f"disabled on {env}")`: the chosen
            # f-string is formatted before the call all the same (no fix: two messages).
            message = f"f-string chosen as the log message by a conditional expression; {_advice(log)}"
            self.report(value, message, condition=log.condition)
            return
        if not is_fstring(log.message.value):
            if _joins_fstrings(log.message.value, self.context.ancestors):
                # `" | ".join([f"wallet {w}", f"pnl {p}"])`: f-strings formatted eagerly all
                # the same, joined into the message (no fix: the pieces are the project's).
                message = f"f-strings joined into the log message; {_advice(log)}"
                self.report(log.message.value, message, condition=log.condition)
            return
        if is_wrapper_call(log):
            # No fix: a wrapper's other positional parameters are its own (`center`, ...).
            message = f"f-string passed as the message to the logging wrapper `{log.method}()`; log a fixed message"
            self.report(log.message.value, message, condition=log.condition)
            return
        if log.condition is None:
            message = _MESSAGES.get(log.flavour or "", _MESSAGES["structlog"])
            self.report(log.message.value, message, fix=message_fix(log))
            return
        # The logger comes from another module: report once per flavour the index may confirm.
        report_readings(self, log, _MESSAGES, "f-string used as a log message")


def _advice(log: LogCall) -> str:
    """What to do instead, for the call's flavour of logger (stdlib's when not known)."""
    return _MESSAGES.get(log.flavour or "", _MESSAGES["stdlib"]).split("; ", 1)[1]


def _joins_fstrings(node: cst.BaseExpression, ancestors: Sequence[cst.CSTNode] = ()) -> bool:
    """`"sep".join([...])` (or of a tuple, a comprehension) with an f-string among the parts,
    also of a list the statement just before the log call assigns (`parts = [f"...", ...]`
    then `logger.warning(" | ".join(parts))`)."""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "join"
        and isinstance(node.func.value, (cst.SimpleString, cst.FormattedString))
        and len(node.args) == 1
    ):
        return False
    parts = node.args[0].value
    if isinstance(parts, cst.Name) and ancestors:
        parts = held_message(parts, ancestors) or parts
    if isinstance(parts, (cst.List, cst.Tuple)):
        return any(is_fstring(element.value) for element in parts.elements)
    if isinstance(parts, (cst.ListComp, cst.GeneratorExp)):
        return is_fstring(parts.elt)
    return False
