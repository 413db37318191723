"""LC702 formatted-log-message: `%`, `.format()` or `+` builds a log message."""

from __future__ import annotations

import libcst as cst

from layercheck.engine.rule import Rule, callee_names
from layercheck.engine.walk import walk_subtree
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
    is_string_literal,
    is_wrapper_call,
)
from layercheck.rules.logfix import message_fix, report_readings


def formatting_kind(node: cst.BaseExpression, fixed: frozenset[str] = frozenset()) -> str | None:
    """How a message expression is built eagerly: "%", ".format()" or "+". `fixed` names
    the local variables that only ever hold fixed text."""
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo) and is_string_literal(node.left):
            return "%"
        if isinstance(node.operator, cst.Add) and (_has_string(node.left) or _has_string(node.right)):
            # (string literals and constants alone joined with `+`, kept apart for line
            # length or shared as templates, `"egress_block " + MATCHED_FIELDS + " reason=%s"`,
            # carry no value: nothing is formatted eagerly)
            return None if _literals_only(node, fixed) else "+"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and is_string_literal(node.func.value)
    ):
        return ".format()"
    return None


def _literals_only(node: cst.BaseExpression, fixed: frozenset[str] = frozenset()) -> bool:
    """`"a" + "b"`, `"x " + FIELDS`: a sum of fixed text, plain string literals and
    constants (`UPPER_CASE`, also `logging_utils.FIELDS`, or a local variable that only
    ever holds such text), no value formatted in."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _literals_only(node.left, fixed) and _literals_only(node.right, fixed)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        # `"=" * 70`, a rule of fixed width
        return _literals_only(node.left, fixed) and isinstance(node.right, cst.Integer)
    if isinstance(node, cst.FormattedString):
        return not any(isinstance(part, cst.FormattedStringExpression) for part in node.parts)
    if isinstance(node, cst.Name) and node.value in fixed:
        return True
    if isinstance(node, (cst.Name, cst.Attribute)):
        last = node.value if isinstance(node, cst.Name) else node.attr.value
        return last.isupper()
    return is_string_literal(node) and not is_fstring(node)


def fixed_text_locals(function: cst.FunctionDef) -> frozenset[str]:
    """The local names every assignment of which in `function` is fixed text
    (`fields = EGRESS_MATCHED_FIELDS` in one branch, `fields = OTHER_FIELDS` in another)."""
    values: dict[str, list[cst.BaseExpression]] = {}

    class _Assignments(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    values.setdefault(target.target.value, []).append(node.value)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            if isinstance(node.target, cst.Name):
                values.setdefault(node.target.value, []).append(node.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if isinstance(node.target, cst.Name) and node.value is not None:
                values.setdefault(node.target.value, []).append(node.value)

        def visit_For(self, node: cst.For) -> None:
            if isinstance(node.target, cst.Name):
                values.setdefault(node.target.value, []).append(node.target)  # a loop value

    walk_subtree(function.body, _Assignments())
    parameters = {param.name.value for param in function.params.params}
    return frozenset(
        name
        for name, assigned in values.items()
        if name not in parameters and all(_literals_only(value) for value in assigned)
    )


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
    checks_tests = True
    calls = callee_names(LOG_METHODS, ASYNC_LOG_METHODS, LOG_WRAPPER_NAMES, DEFERRING_CALLS)
    call_words = LOG_WORDS  # a project's wrapper by any name with `log` in it (`print_to_log`)

    def visit_Call(self, node: cst.Call) -> None:
        log = as_log_call(node, self.names) or deferred_log_call(node, self.names)
        for reading in log.placements() if log is not None else ():
            self._check(reading)

    def _check(self, log: LogCall) -> None:
        if is_fstring(log.message.value):
            return
        held = held_message(log.message.value, self.context.ancestors)
        held_kind = formatting_kind(held) if held is not None else None
        if held_kind is not None and held_kind != "+":
            # `msg = "user %s" % user_id` on the line above `logger.info(msg)` (no fix).
            shown = cst.ensure_type(log.message.value, cst.Name).value
            message = (
                f"log message built with `{held_kind}` into `{shown}` and logged; pass values as lazy `%s` arguments"
            )
            self.report(log.message.value, message, condition=log.condition)
            return
        kind = formatting_kind(log.message.value)
        if kind == "+":
            function = next(
                (item for item in reversed(self.context.ancestors) if isinstance(item, cst.FunctionDef)), None
            )
            if function is not None and formatting_kind(log.message.value, fixed_text_locals(function)) is None:
                return  # `"egress_block " + fields` where `fields` only holds templates
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
        report_readings(self, log, messages, f"log message built with `{kind}`")
