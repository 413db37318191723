"""Questions about every module of the project ("does some module ..."), and the bytes a
module's source needs to have the fact: kept apart from the index so that a warm run, which
answers from the cache, need not import the index to key the cache by them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WholeProjectFact:
    """What a module needs to count for a question about every module (see below)."""

    # Byte strings its source must contain, else it cannot have the fact: all of the strings
    # of one of these alternatives. Narrow alternatives spare a partial run from reading
    # every file that merely mentions `Exception`.
    markers: tuple[tuple[bytes, ...], ...]
    # Modules of these layers never count.
    ignored_layers: frozenset[str] = frozenset()

    def could_hold(self, contains: Callable[[bytes], bool]) -> bool:
        """Whether a source for which `contains(marker)` tells the markers present could
        have the fact."""
        return any(all(contains(marker) for marker in alternative) for alternative in self.markers)


# Layers whose exception handlers do not count for the application (LC803).
HANDLER_IGNORED_LAYERS = frozenset({"tests", "migrations"})
# Layers whose sessions do not make the application async (LC401): a test's fixtures may
# open async sessions of a sync app. (Whether the project is async is asked of the modules a
# run reads, not of every module: in a checkout of several apps, another app's async
# sessions say nothing of this one's, and reading every module that says `async` made
# open-assistant's sync backend async through its async inference server.)
ASYNC_IGNORED_LAYERS = frozenset({"tests", "migrations"})
# What `engine/app_facts.py` recognises as a handler for every error, by the bytes each form
# needs: a handler method or `exception_handlers` mapping, a subscript assignment to a
# `...handler...` mapping keyed by `Exception` or 500, or an HTTP middleware that catches
# `Exception` (`dispatch(request, call_next)`, ASGI `__call__(scope, ...)`, `@app.middleware`).
_HANDLER_MARKERS: tuple[tuple[bytes, ...], ...] = (
    (b"xception_handler",),
    (b"XCEPTION_HANDLER",),
    *((mapping, key) for mapping in (b"andler", b"ANDLER") for key in (b"Exception", b"500")),
    (b"Exception", b"call_next"),
    (b"Exception", b"__call__", b"scope"),
    (b"Exception", b"dispatch", b"scope"),
    (b"Exception", b"middleware"),
)
# The question every file asks: whether a module it does not reach makes one of the
# classes it names an ORM class.
CLASSICAL_MAPPING = "classical_mapping"
# Condition kinds that ask about every module of the project ("does some module ..."), not
# about the modules a name leads to. Each holds as soon as one module has the fact, so a run
# that read part of the project (`reach.py`) knows when its answer is final; otherwise it
# also reads the modules that could have the fact.
WHOLE_PROJECT_KINDS: dict[str, WholeProjectFact] = {
    "project_uses_structlog": WholeProjectFact(((b"structlog",),)),
    # A receiver named like a session is one only in a project that uses SQLAlchemy or
    # SQLModel: the part of its answer no single module settles.
    "session_named": WholeProjectFact(((b"sqlalchemy",), (b"sqlmodel",))),
    "session_named_member": WholeProjectFact(((b"sqlalchemy",), (b"sqlmodel",))),
    "global_exception_handler": WholeProjectFact(_HANDLER_MARKERS, HANDLER_IGNORED_LAYERS),
    # A module in no layer is server code when the app reaches it through imports: any
    # module that imports something could be on the way (the answer only grows with more).
    "served": WholeProjectFact(((b"import",),)),
    # `state_session:<slot>`: whether some module keeps a session in `request.state.<slot>`.
    "state_session": WholeProjectFact(((b".state.",),)),
    # Whether some module maps a class classically (`registry.map_imperatively(Book, ...)`,
    # `mapper(Book, ...)`, `@reg.mapped`): that makes a class of another module, which need
    # not import the mapping, an ORM class. Every file asks it (see `CLASSICAL_MAPPING`).
    CLASSICAL_MAPPING: WholeProjectFact(
        (
            (b"map_imperatively",),
            (b"mapper(", b"sqlalchemy"),
            (b".mapped\n",),
            (b".mapped\r",),
            (b".mapped(",),
            (b".mapped_as_dataclass",),
        )
    ),
}


def whole_project_fact(kind: str) -> WholeProjectFact | None:
    """The whole-project question of a condition kind (`state_session:db` asks the one of
    `state_session`), or None for a kind that is not one."""
    return WHOLE_PROJECT_KINDS.get(kind.split(":", 1)[0])


# Every marker, in a fixed order: the cache notes which of them each file contains (bit i
# for MARKERS[i]) when it hashes the file, so a run need not read the file again to know.
MARKERS: tuple[bytes, ...] = tuple(
    sorted({m for fact in WHOLE_PROJECT_KINDS.values() for alternative in fact.markers for m in alternative})
)
