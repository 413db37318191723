"""Recognising log calls by how the logger was made, shared by the logging rules."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import (
    LOGGER_DERIVING_METHODS,
    LOGGER_OBJECTS,
    STDLIB_MODULE_LOG_FUNCTIONS,
    named_like_logger,
)
from layercheck.engine.names import Binding, NameTable, last_name
from layercheck.engine.rule import innermost_function
from layercheck.engine.walk import iter_children

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
    # The other arguments that are the message if the project's logging class takes it
    # there (`LoggerManager.info(tag, message)`), each with the condition that says so.
    elsewhere: tuple[LogCall, ...] = ()
    # The log method handed to another call that calls it later with the arguments that
    # follow it (`add_task(logger.info, f"...")`): `call` is then a reading built for the
    # purpose, not a node of the tree, so no fix may rewrite it.
    deferred: bool = False

    def placements(self) -> tuple[LogCall, ...]:
        """This reading of the call and the others the index may confirm instead."""
        return (self, *self.elsewhere)


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
    if message is None and not call.args:
        return None
    receiver = func.value
    binding = names.value_binding(receiver)
    if type(receiver) is cst.Name and receiver.value == "self" and (binding is None or _unknown(binding)):
        # `self.log("debug", f"...")` in `class ActivityLog(Logging)`: an instance of its class,
        # a logger when the class (or a base of the project's) wraps one (the index knows).
        owner = names.enclosing_class_qualname()
        if owner is not None:
            binding = Binding(instance_of=owner)
    if message is None:
        # Only a project's logging class may take its message by a keyword of its own
        # (`self.logger.info(tag=self.tag, message=f"...")`).
        return _project_logger_call(call, method, None, binding, receiver, names)
    qualname = names.qualified_name(receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else None
    if qualname == "logging" and method in STDLIB_MODULE_LOG_FUNCTIONS:
        return LogCall(call, method, message, "stdlib", None)
    if qualname == "structlog" and method in STDLIB_MODULE_LOG_FUNCTIONS:
        return None
    if qualname in LOGGER_OBJECTS:  # `from loguru import logger`
        return LogCall(call, method, message, LOGGER_OBJECTS[qualname], None)
    if binding is not None and binding.logger:
        return LogCall(call, method, message, binding.logger, None)
    if binding is None:
        # Origin out of sight (an unannotated parameter, `self._logger` set from an unknown
        # call): the name convention decides, as ruff's logging rules do.
        named = _receiver_name(receiver)
        by_name = named is not None and named_like_logger(named)
        if by_name and type(receiver) is cst.Name and names.star_sources and qualname is not None:
            # `from app.core.logger import *` bringing loguru's `logger`: the index follows the
            # star import to what the module made (its flavour decides the advice).
            return _placed_message(call, method, message, Condition("logger_named", (qualname,)))
        return LogCall(call, method, message, None, Condition("logger_named", ())) if by_name else None
    return _project_logger_call(call, method, message, binding, receiver, names)


# Calls that take a function and the arguments to call it with later, with the place of
# the function among their positional arguments (Starlette's `add_task`/`BackgroundTask`,
# `functools.partial`, asyncio's `to_thread`, `run_in_executor(executor, fn, ...)`,
# `call_soon`, `call_later(delay, fn, ...)`, an executor's `submit`, anyio's `run_sync` and
# `start_soon`, `run_in_threadpool`): a log method handed there logs what follows it.
DEFERRING_CALLS = {
    "add_task": 0,
    "BackgroundTask": 0,
    "partial": 0,
    "to_thread": 0,
    "run_in_executor": 1,
    "call_soon": 0,
    "call_soon_threadsafe": 0,
    "call_later": 1,
    "call_at": 1,
    "submit": 0,
    "run_sync": 0,
    "start_soon": 0,
    "run_in_threadpool": 0,
}


def deferred_log_call(call: cst.Call, names: NameTable) -> LogCall | None:
    """`tasks.add_task(logger.info, f"sent {n}")`: the log call the deferring call makes
    later, read as if written `logger.info(f"sent {n}")`; None when no log method is handed."""
    place = DEFERRING_CALLS.get(last_name(call.func))
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if place is None or len(positional) <= place:
        return None
    handed = positional[place].value
    if not (
        isinstance(handed, cst.Attribute)
        and (handed.attr.value in LOG_METHODS or handed.attr.value in ASYNC_LOG_METHODS)
    ):
        return None
    handed_so_far = {id(arg) for arg in positional[: place + 1]}
    later = [arg for arg in call.args if id(arg) not in handed_so_far]
    log = as_log_call(cst.Call(func=handed, args=later), names)
    if log is None:
        return None
    return replace(log, deferred=True, elsewhere=tuple(replace(other, deferred=True) for other in log.elsewhere))


def _unknown(binding: Binding) -> bool:
    """A name bound with nothing known of its value (a parameter without annotation)."""
    return not (binding.qualname or binding.instance_of or binding.logger or binding.factory_call)


def _project_logger_call(
    call: cst.Call,
    method: str,
    message: cst.Arg | None,
    binding: Binding | None,
    receiver: cst.BaseExpression,
    names: NameTable,
) -> LogCall | None:
    """The log call of a logger defined elsewhere in the project: the index knows whether
    it is a logger; where it cannot tell (a third-party factory), a logger's name decides."""
    if binding is None:
        return None
    named = _receiver_name(receiver)
    by_name = named is not None and named_like_logger(named)
    kind = "logger_named" if by_name else "logger"
    if binding.factory_call:
        return _placed_message(call, method, message, Condition(kind, (binding.factory_call + "()",)))
    if binding.qualname and not binding.qualname.startswith("builtins."):
        return _placed_message(call, method, message, Condition(kind, (binding.qualname,)))
    if by_name and binding.qualname is None and not binding.instance_of:
        return LogCall(call, method, message, None, Condition("logger_named", ())) if message is not None else None
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


def _placed_message(call: cst.Call, method: str, message: cst.Arg | None, condition: Condition) -> LogCall | None:
    """The log call of a logger from elsewhere in the project. A project's logging class may
    take its message after other values (`TRACE_LOG.error(project_id, user_id, f"...")`,
    `LoggerManager.log(level, tag, message)`) or by a keyword (`message=`): the usual
    argument is the message unless the index finds the class's method takes it elsewhere,
    and each later formatted argument is the message if the index finds it takes it there."""
    default = 1 if method in LEVEL_FIRST_METHODS else 0
    readings: list[LogCall] = []
    if message is not None:
        place = message.keyword.value if message.keyword is not None else str(default)
        usual = Condition(f"{condition.kind}@{method}:{place}", condition.names)
        readings.append(LogCall(call, method, message, None, usual))
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for place_index, arg in enumerate(positional):
        if place_index > default and isinstance(arg.value, _BUILT_MESSAGES):
            placed = Condition(f"{WRAPPER_MESSAGE}:{method}:{place_index}", condition.names)
            readings.append(LogCall(call, method, arg, None, placed))
    for arg in call.args:
        if arg.keyword is not None and arg is not message and isinstance(arg.value, _BUILT_MESSAGES):
            placed = Condition(f"{WRAPPER_MESSAGE}:{method}:{arg.keyword.value}", condition.names)
            readings.append(LogCall(call, method, arg, None, placed))
    if not readings:
        return None
    first, *others = readings
    return LogCall(first.call, method, first.message, None, first.condition, tuple(others))


# The values a message built eagerly may be: an f-string, a concatenation, `%` or a call
# (`.format()`); any other argument of a logging class's call is not read as its message.
_BUILT_MESSAGES = (cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation, cst.Call)


def _wrapper_call(call: cst.Call, names: NameTable) -> LogCall | None:
    """`log_info(f"...")` calling a project function named like a logging wrapper: a log call
    if the index confirms the function logs its first parameter (`log_wrapper`)."""
    func = call.func
    name = last_name(func)
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
        method_of = _project_instance(receiver, owner, names)
        if method_of is not None:
            # `ctx.log_info(f"...")` on `ctx: TaskContext`, `self.log_debug(...)` in it: the
            # class's method, a log call if it hands its first parameter to a logger.
            return _wrapper_log_call(call, name, f"{method_of}.{name}")
    binding = names.value_binding(func)
    qualname = binding.qualname if binding is not None else None
    if not qualname or qualname.startswith(("logging.", "builtins.")) or binding is None or binding.logger:
        return None
    return _wrapper_log_call(call, name, qualname)


def _wrapper_log_call(call: cst.Call, name: str, qualname: str) -> LogCall | None:
    """The call of the project's logging wrapper `qualname` read as a log call: its message is
    the first argument built eagerly (an f-string...), or else its first; a message after other
    values (`ctx.dynamic_log(status, f"...")`) counts if the wrapper logs that parameter
    (`log_wrapper_at:1`)."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    built = next((place for place, arg in enumerate(positional) if isinstance(arg.value, _BUILT_MESSAGES)), None)
    if built:
        condition = Condition(f"{LOG_WRAPPER_AT}:{built}", (qualname,))
        return LogCall(call, name, positional[built], None, condition)
    message = positional[0] if positional else _keyword_message(call)
    if message is None:
        return None
    return LogCall(call, name, message, None, Condition("log_wrapper", (qualname,)))


def _keyword_message(call: cst.Call) -> cst.Arg | None:
    """A wrapper's message given by keyword: `log_at(message=f"...", warn_mode=mode)`."""
    return next(
        (arg for arg in call.args if arg.keyword is not None and arg.keyword.value in _MESSAGE_KEYWORDS),
        None,
    )


# The keywords a logging wrapper takes its message by.
_MESSAGE_KEYWORDS = frozenset({"msg", "message", "event", "text"})


# The condition of a wrapper's message read after other values: `log_wrapper_at:<place>`.
LOG_WRAPPER_AT = "log_wrapper_at"


def _project_instance(receiver: cst.BaseExpression, owner: Binding | None, names: NameTable) -> str | None:
    """The project class `receiver` is an instance of (`self` in a method of it), or None."""
    if isinstance(receiver, cst.Name) and receiver.value == "self" and (owner is None or _unknown(owner)):
        return names.enclosing_class_qualname()
    if owner is None or owner.qualname or not owner.instance_of:
        return None
    project = names.module.split(".", 1)[0]
    return owner.instance_of if owner.instance_of.split(".", 1)[0] == project else None


def named_like_log_wrapper(name: str) -> bool:
    """`log_info`, `error_log`, also any name with the word `log` (`print_to_log`,
    `write_log`): a project function that may hand its first parameter to a logger."""
    return name in LOG_WRAPPER_NAMES or (name not in LOG_METHODS and "log" in name.lower().split("_"))


# The word that brings a callee to the log rules whatever its full name (`print_to_log`).
LOG_WORDS = frozenset({"log"})


def is_wrapper_call(log: LogCall) -> bool:
    """A call to a project's logging wrapper function, or to a logging class's method that
    takes the message after other values, confirmed by the index."""
    placed = (f"{WRAPPER_MESSAGE}:", f"{LOG_WRAPPER_AT}:")
    return log.condition is not None and (log.condition.kind == "log_wrapper" or log.condition.kind.startswith(placed))


# Each flavour a logger from another module may turn out to be, with its condition kind.
FLAVOUR_KINDS = (("structlog", "structlog_logger"), ("stdlib", "stdlib_logger"), ("loguru", "loguru_logger"))


# What a project logging class's method taking the message alone (`def info(self, message)`)
# is advised instead of values after its message, which it would refuse.
MESSAGE_ALONE_ADVICE = "takes the message alone: let it take lazy `%s` values (`*args`) or log a fixed message"


def typed_readings(log: LogCall) -> Iterator[tuple[str, LogCall, Condition, bool]]:
    """For a log call on a logger from another module: each flavour the index may confirm,
    the call read as that flavour's (for its fix), the condition, and whether that reading is
    of a logger that takes values after its message (a library's, `def info(self, msg,
    *args)`) or of a project logging class whose method takes the message alone (its advice
    is `MESSAGE_ALONE_ADVICE`, with no fix). A condition that does not say which method is
    called has one reading per flavour."""
    assert log.condition is not None
    for flavour, kind in FLAVOUR_KINDS:
        typed = replace(log, flavour=flavour, condition=None, elsewhere=())
        condition = Condition(flavoured(kind, log.condition), log.condition.names)
        if "@" not in condition.kind:
            yield flavour, typed, condition, True
            continue
        yield flavour, typed, Condition(condition.kind + ":lazy", condition.names, condition.negate), True
        yield flavour, typed, Condition(condition.kind + ":plain", condition.names, condition.negate), False


def flavoured(kind: str, condition: Condition) -> str:
    """The condition kind asking for a logger of one flavour (`structlog_logger`), or, for a
    logger known by its name only, for one of that flavour or out of sight
    (`structlog_named`: the index picks the project's logging library)."""
    base, at, placed = condition.kind.partition("@")  # (`logger@log:1`: where the message is)
    if base == "logger_named":
        kind = kind.replace("_logger", "_named")
    return kind + at + placed


def _receiver_name(receiver: cst.BaseExpression) -> str | None:
    """`logger` for `logger`, `self._logger`, `cls.log`, and for the logger a context object
    carries (`ctx.logger`, `self.ctx.logger`, `request.state.logger`); None for other
    expressions; a logger derived from one is named by it (`logger.opt(colors=True)`,
    `log.bind(user=id)`)."""
    if isinstance(receiver, cst.Name):
        return receiver.value
    if (
        isinstance(receiver, cst.Call)
        and isinstance(receiver.func, cst.Attribute)
        and receiver.func.attr.value in LOGGER_DERIVING_METHODS
    ):
        return _receiver_name(receiver.func.value)
    if not isinstance(receiver, cst.Attribute):
        return None
    if isinstance(receiver.value, cst.Name) and receiver.value.value in ("self", "cls"):
        return receiver.attr.value
    root: cst.BaseExpression = receiver.value
    while isinstance(root, cst.Attribute):
        root = root.value
    attribute = receiver.attr.value
    if isinstance(root, cst.Name) and named_like_logger(attribute):
        # (`conda_store.log.debug(...)`, the logger a traitlets app carries: a log method
        # called on the attribute; `math.log(x)` is a call of the function, whose receiver
        # is `math`)
        return attribute
    return None


def held_message(message: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]) -> cst.BaseExpression | None:
    """The text a local holds when it is logged, when the statement just before the log
    call's assigns it and the function reads it nowhere else (`error = f"No handler for
    {name}"` then `logger.warning(error)`): a message formatted only to be logged, built on
    the line above; None otherwise. (A local the code also returns or stores was formatted
    for that use: logging it too formats nothing more.)"""
    if type(message) is not cst.Name:
        return None
    for position in range(len(ancestors) - 1, 0, -1):
        line = ancestors[position]
        if type(line) is not cst.SimpleStatementLine:
            continue
        body, index = _statements_around(ancestors, position)
        siblings: set[int] = set()
        if index == 0 and position >= 3:
            # `_message = f"..."`, then `if mode == ALWAYS: logger.warning(_message)` `elif
            # ...: logger.debug(_message)`: the call opens a branch of the `if` statement
            # right after the assignment, as do its siblings' calls logging the same local.
            statement = _branch_statement(ancestors, position - 1)
            if statement is not None:
                position = statement
                body, index = _statements_around(ancestors, position)
                index, siblings = _logging_ifs(body, index, message.value)
        index = _built_up(body, index, message.value, siblings)
        before = body[index - 1] if index > 0 else None
        if type(before) is not cst.SimpleStatementLine or len(before.body) != 1:
            return None
        assignment = before.body[0]
        if type(assignment) is cst.Assign and len(assignment.targets) == 1:
            target: cst.BaseExpression = assignment.targets[0].target
            value: cst.BaseExpression | None = assignment.value
        elif type(assignment) is cst.AnnAssign:
            target, value = assignment.target, assignment.value
        else:
            return None
        if value is None or type(target) is not cst.Name or target.value != message.value:
            return None
        function = innermost_function(ancestors[:position])
        scope = function.body if function is not None else ancestors[0]  # (the module's code)
        return None if _read_elsewhere(scope, message, value, siblings) else value
    return None


def _built_up(body: Sequence[cst.CSTNode], at: int, name: str, built: set[int]) -> int:
    """The place of the first of the statements just before `body[at]` that only add to
    the local `name` (`message += f": key={key}"`, alone or as the whole of each branch of an
    `if`): the message built up piece by piece before it is logged. Their targets (by id) go
    in `built`, reads of the message that are part of its making."""
    while at > 0:
        targets = _additions(body[at - 1], name)
        if not targets:
            break
        built.update(targets)
        at -= 1
    return at


def _additions(statement: cst.CSTNode, name: str) -> set[int]:
    """The targets (by id) of `name += ...` making up `statement` (a line of them, or an
    `if` whose every branch holds only them); empty when it does anything else."""
    found: set[int]
    if type(statement) is cst.SimpleStatementLine:
        found = {
            id(small.target)
            for small in statement.body
            if type(small) is cst.AugAssign
            and type(small.operator) is cst.AddAssign
            and type(small.target) is cst.Name
            and small.target.value == name
        }
        return found if len(found) == len(statement.body) else set()
    if type(statement) is not cst.If:
        return set()
    found = set()
    branch: cst.If | cst.Else | None = statement
    while branch is not None:
        lines = branch.body.body if isinstance(branch.body, cst.IndentedBlock) else ()
        for line in lines:
            added = _additions(line, name) if type(line) is cst.SimpleStatementLine else set()
            if not added:
                return set()
            found |= added
        branch = branch.orelse if type(branch) is cst.If else None
    return found


def _branch_statement(ancestors: Sequence[cst.CSTNode], block_at: int) -> int | None:
    """The place among the ancestors of the `if` statement whose branch is the block at
    `ancestors[block_at]` (through its `elif`s and `else`); None when the block is no
    branch of one."""
    at = block_at - 1
    if at < 1 or type(ancestors[at]) not in (cst.If, cst.Else):
        return None
    while at >= 1 and type(ancestors[at - 1]) is cst.If and ancestors[at - 1].orelse is ancestors[at]:  # type: ignore[attr-defined]
        at -= 1
    if type(ancestors[at]) is not cst.If or not isinstance(ancestors[at - 1], (cst.IndentedBlock, cst.Module)):
        return None
    return at


def _statements_around(ancestors: Sequence[cst.CSTNode], position: int) -> tuple[Sequence[cst.CSTNode], int]:
    """The statements of the block holding `ancestors[position]`, and its place among them."""
    block = ancestors[position - 1]
    body = block.body if isinstance(block, (cst.IndentedBlock, cst.Module)) else ()
    return body, next((i for i, statement in enumerate(body) if statement is ancestors[position]), 0)


def _logging_ifs(body: Sequence[cst.CSTNode], at: int, name: str) -> tuple[int, set[int]]:
    """The `if` statements one after the other around `body[at]` (an `if` whose branches
    log `name`), each logging it and none assigning it (`if mode == ALWAYS:
    logger.error(_message)` then `if mode == DEBUG: logger.debug(_message)`): the place of
    the first, and the `name` arguments (by id) of all their calls."""
    found = _branch_messages(body[at], name)  # type: ignore[arg-type]
    first = at
    while first > 1 and (logged := _logging_if(body[first - 1], name)):
        found |= logged
        first -= 1
    after = at + 1
    while after < len(body) and (logged := _logging_if(body[after], name)):
        found |= logged
        after += 1
    return first, found


def _logging_if(statement: cst.CSTNode, name: str) -> set[int]:
    """The `name` arguments of the calls opening the branches of the `if` statement, when
    it is one that logs `name` without assigning it; empty otherwise."""
    if type(statement) is not cst.If or _assigns(statement, name):
        return set()
    return _branch_messages(statement, name)  # type: ignore[arg-type]


def _branch_messages(statement: cst.If, name: str) -> set[int]:
    """The `name` arguments (by id) of the calls that open the branches of `statement`:
    the same local logged at another level in each branch."""
    found: set[int] = set()
    branch: cst.If | cst.Else | None = statement
    while branch is not None:
        body = branch.body.body if isinstance(branch.body, cst.IndentedBlock) else ()
        first = body[0] if body else None
        if type(first) is cst.SimpleStatementLine and first.body and type(first.body[0]) is cst.Expr:
            call = first.body[0].value
            if type(call) is cst.Call:
                found.update(
                    id(arg.value) for arg in call.args if type(arg.value) is cst.Name and arg.value.value == name
                )
        branch = branch.orelse if type(branch) is cst.If else None
    return found


def _read_elsewhere(
    scope: cst.CSTNode, message: cst.Name, value: cst.BaseExpression, siblings: Collection[int] = ()
) -> bool:
    """Whether the code of `scope` reads what the local `message` holds other than as that
    log message (or inside the value it is assigned, `banner = f"{header}\n{banner}"`): a
    read after the log call, except where a later assignment of the local holds another
    message (`msg = f"..."` then `logger.info(msg)`, twice in a function: up to the end of
    the block that assignment is in; after that block, either may be read). Reads before the
    assignment read an earlier value."""
    # A walk in source order, with a marker where each block ends.
    pending: list[object] = [scope]
    open_blocks: list[cst.CSTNode] = []
    suspended: cst.CSTNode | None = None  # the block of a later assignment of the local
    held = False
    while pending:
        node = pending.pop()
        if type(node) is _BlockEnd:
            open_blocks.pop()
            if suspended is node.block:  # type: ignore[attr-defined]
                suspended = None
            continue
        if node is value:
            held = True
            continue
        if node is message or id(node) in siblings:
            continue  # (the log call's message, or a sibling branch's logging it too)
        if type(node) is cst.Name:
            if held and suspended is None and node.value == message.value:  # type: ignore[attr-defined]
                return True
            continue
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            targets = [item.target for item in node.targets] if isinstance(node, cst.Assign) else [node.target]
            written = any(type(item) is cst.Name and item.value == message.value for item in targets)
            if held and written and suspended is None and open_blocks:
                if node.value is not None and _reads(node.value, message.value):
                    return True  # (`msg = msg + suffix` reads the message first)
                suspended = open_blocks[-1]
            elif node.value is not None:
                pending.append(node.value)  # (its targets are written, not read)
            continue
        if isinstance(node, (cst.IndentedBlock, cst.Module)):
            open_blocks.append(node)
            pending.append(_BlockEnd(node))
        pending.extend(reversed(list(iter_children(node))))  # type: ignore[arg-type]
    return False


def _assigns(node: cst.CSTNode, name: str) -> bool:
    """Whether `node` assigns the name `name` anywhere in it."""
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if type(current) is cst.AssignTarget and type(current.target) is cst.Name and current.target.value == name:  # type: ignore[attr-defined]
            return True
        pending.extend(iter_children(current))
    return False


def _reads(node: cst.CSTNode, name: str) -> bool:
    """Whether `node` reads the name `name` anywhere in it."""
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if type(current) is cst.Name and current.value == name:  # type: ignore[attr-defined]
            return True
        pending.extend(iter_children(current))
    return False


class _BlockEnd:
    """Where a block of statements ends in `_read_elsewhere`'s walk."""

    __slots__ = ("block",)

    def __init__(self, block: cst.CSTNode) -> None:
        self.block = block


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
