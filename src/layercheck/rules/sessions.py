"""Recognising a session object at a call site (`db.execute(...)`, `self.session.get(...)`),
shared by the rules about queries in loops and sessions built by hand."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import SESSION_PARAMETER_NAMES, SESSION_TYPES
from layercheck.engine.names import Binding, NameTable

# Calls that build an engine (LC601); session types and factories are in SESSION_TYPES.
ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.engine.create.create_engine",
        "sqlalchemy.engine_from_config",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
        "sqlalchemy.ext.asyncio.async_engine_from_config",
        "sqlmodel.create_engine",
    }
)


def annotated_session(binding: Binding | None) -> bool | Condition | None:
    """What a value's annotation says of it: a session (True), no session (False: a builtin
    or `typing` type), a project type the index decides (a condition), or nothing (None)."""
    if binding is None or not binding.instance_of:
        return None
    if binding.instance_of in SESSION_TYPES:
        return True
    if binding.instance_of.startswith(("builtins.", "typing.")):
        return False
    return Condition("session_annotation", (binding.instance_of,))


def session_receiver(names: NameTable, receiver: cst.BaseExpression) -> bool | Condition:
    """Whether `receiver` holds a session: True, False, or a condition the index decides.

    A value annotated with a session type (or a project alias of one, decided by the
    index), a parameter or variable conventionally named `db`/`session` with no other
    known meaning, or such an attribute of `self` (`self.session`, `self._db`).
    """
    if isinstance(receiver, cst.Attribute):
        owner = receiver.value
        if isinstance(owner, cst.Name) and owner.value in ("self", "cls"):
            return receiver.attr.value.lstrip("_") in SESSION_PARAMETER_NAMES
        return False
    binding = names.value_binding(receiver)
    annotated = annotated_session(binding)
    if annotated is not None:
        return annotated
    if isinstance(receiver, cst.Name) and receiver.value in SESSION_PARAMETER_NAMES:
        return binding is None or (binding.qualname is None and not binding.logger)
    return False
