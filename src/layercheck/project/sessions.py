"""What a name is for the database: whether a value of a type, or what a factory gives, is a
database session (SPEC revision 2: provenance first, through aliases, `NewType`s, `Annotated`,
session factories and project functions' return annotations). Asked through the index."""

from __future__ import annotations

from typing import Protocol

from layercheck.domain.facts import ClassFact, ModuleFacts
from layercheck.domain.vocabulary import (
    CONNECTION_TYPES,
    DATABASE_HANDLES,
    PROTOCOL_BASES,
    SESSION_FACTORY_NAMES,
    SESSION_TYPES,
)
from layercheck.project import callees
from layercheck.project.lookup import ProjectLookup, out_of_sight, says_nothing

# Methods only a database session (or connection) declares among protocols' usual methods
# (a protocol declaring `commit` and `rollback` alone is a unit of work's port).
_SESSION_PROTOCOL_METHODS = ("execute", "exec", "scalars", "scalar")


class SessionLookup(ProjectLookup, Protocol):
    """What these questions ask of the index beyond name resolution."""

    # Session types named in the configuration (`session-types`).
    extra_session_types: frozenset[str]
    # Every module's facts by path.
    by_path: dict[str, ModuleFacts]


class SessionKinds:
    """Answers "is this a database session?" for one project, remembering the answers."""

    def __init__(self, index: SessionLookup) -> None:
        self.index = index
        self._session_subclasses: dict[str, bool] = {}
        # `is_session_type` of each name asked (every import of every module is asked).
        self._session_types: dict[str, bool] = {}
        # `state_session` of each slot of `request.state` (asked by every read of it).
        self._state_sessions: dict[str, bool] = {}

    def is_session_type(self, qualname: str) -> bool:
        """A session type: SQLAlchemy's or SQLModel's, one configured, or a project class
        deriving from one (`class ExtendedAsyncSession(AsyncSession)`)."""
        known = self._session_types.get(qualname)
        if known is None:
            known = self._session_types[qualname] = self._is_session_type(qualname)
        return known

    def _is_session_type(self, qualname: str) -> bool:
        final = self.index.resolve(qualname).qualname
        if final in SESSION_TYPES or final in self.index.extra_session_types:
            return True
        known = self._session_subclasses.get(final)
        if known is None:
            known = self._session_subclasses[final] = self.index.class_fact(final) is not None and self.index.derives(
                final, lambda origin: origin in SESSION_TYPES or origin in self.index.extra_session_types
            )
        return known

    def state_session(self, slot: str) -> bool:
        """Whether the project keeps a database session in the slot `slot` of Starlette's
        `state` object (`request.state.db = session` in a middleware or a dependency): a value
        of a session type, or one named like a session in a module that uses SQLAlchemy or
        SQLModel (`engine/members.py` records what each module stores)."""
        known = self._state_sessions.get(slot)
        if known is None:
            known = self._state_sessions[slot] = self._keeps_session(slot)
        return known

    def _keeps_session(self, slot: str) -> bool:
        for facts in self.index.by_path.values():
            held = facts.extra.get("state_slots", {}).get(slot)
            if not held:
                continue
            for value in held:
                if value == "S" or (value.startswith("T:") and self.session_kind(value[2:]) is True):
                    return True
                if value == "N" and any(
                    imp.target.split(".", 1)[0] in ("sqlalchemy", "sqlmodel") for imp in facts.imports
                ):
                    return True
        return False

    def is_session_factory_alias(self, qualname: str) -> bool:
        """A project alias of a callable that gives a session (`SessionLocalType =
        Callable[[], AsyncSession]`, `SessionProvider = Callable[...,
        AsyncContextManager[AsyncSession]]`): the project's name for its session factory."""
        resolved = self.index.resolve(qualname)
        if resolved.module is None or resolved.name is None:
            return False
        named = resolved.module.extra.get("factory_aliases", {}).get(resolved.name)
        return bool(named) and any(self.is_session_type(name) for name in named)

    def is_session_annotation(self, qualname: str) -> bool:
        """A session type, or a project alias such as `SessionDep = Annotated[AsyncSession, ...]`."""
        return self.session_kind(qualname) is True

    def session_kind(self, qualname: str, depth: int = 0) -> bool | None:
        """Whether a value of the type `qualname` (or what `factory()` returns) is a database
        session: True, False (known not to be: an HTTP client session, a Redis client, a
        project class), or None (out of sight: a third-party function, an unannotated one).

        Follows aliases, `NewType` chains, `Annotated[...]`, session factories
        (`async_session_maker = async_sessionmaker(engine)`; calling it gives a session) and
        project functions whose return annotation names a session (`get_db`)."""
        if depth > 8:
            return None
        called = qualname.endswith("()")
        target = qualname[:-2] if called else qualname
        final = self.index.resolve(target).qualname
        if final.split(".", 1)[0] in ("sqlalchemy", "sqlmodel") and final.rsplit(".", 1)[-1] in SESSION_FACTORY_NAMES:
            # A value typed `async_sessionmaker` (`AsyncSession = Annotated[async_sessionmaker,
            # Depends(get_session)]`) is the factory: `factory.begin()` opens a session, it runs
            # nothing itself; what calling it gives is a session.
            return called
        if self.is_session_type(target):
            return True
        resolved = self.index.resolve(target)
        if resolved.qualname in DATABASE_HANDLES:
            return not called  # `database: Database` is a handle that runs SQL
        module, name = resolved.module, resolved.name
        if module is None or name is None:
            return out_of_sight(resolved.qualname) if module is None else False
        if callees.has_rest(self.index, resolved.qualname, module):
            # A method of a project object (`db_registry.async_session()`): what its return
            # annotation names (`-> AsyncGenerator[AsyncSession, None]` for a context manager).
            method = callees.find_callee(self.index, target)
            returned = callees.return_names(self.index, method) if method is not None else None
            if not returned:
                return self._other_session_kind(target)
            return any(self.session_kind(item, depth + 1) is True for item in returned)
        inner = module.extra.get("annotated", {}).get(name)
        if inner is not None:  # `SessionDep = Annotated[AsyncSession, Depends(get_db)]`, NewType
            return self.session_kind(inner, depth + 1)
        if self.is_session_factory_alias(resolved.qualname):
            return called  # `SessionProvider = Callable[..., AsyncContextManager[AsyncSession]]`
        callee = module.instances.get(name)
        if callee is None and name in module.extra.get("unpacked", {}):
            callee = self._unpacked_maker(*module.extra["unpacked"][name])
        if callee is not None:
            final = self.index.resolve(callee).qualname
            library = final.split(".", 1)[0] in ("sqlalchemy", "sqlmodel")
            if library and final.rsplit(".", 1)[-1] in SESSION_FACTORY_NAMES:
                # `SessionLocal = sessionmaker(...)`: the factory is no session; calling it gives one.
                return called
            if final in SESSION_TYPES or final in self.index.extra_session_types or final in DATABASE_HANDLES:
                return not called  # a scoped session, `NewType(..., Session)`, `Database(url)`
            if final in CONNECTION_TYPES:
                return not called  # `conn = engine.connect()` at module level runs SQL too
            if self._returns_session_factory(callee):
                return called  # `SessionLocal = make_session_factory(engine)`
            return self.session_kind(callee + "()", depth + 1)
        if name in module.classes:
            fact = module.classes[name]
            if self._session_protocol(module, fact):
                return True
            return any(self.session_kind(base, depth + 1) is True for base in fact.bases)
        returns = module.extra.get("returns", {}).get(name)
        if returns is not None:
            if self._returns_session_factory(target):
                return False  # it makes a factory; what the factory opens is a session
            if says_nothing(self.index, returns):
                return None  # `def get_job_db() -> Generator:` says nothing of what it yields
            return any(self.session_kind(item, depth + 1) is True for item in returns)
        inferred = module.extra.get("inferred_returns", {}).get(name)
        if inferred is not None and name in module.functions:
            # `def session_make(): return Session(engine)`, unannotated: what its returns
            # were made by.
            return any(self.session_kind(item, depth + 1) is True for item in inferred) or None
        return None

    def _unpacked_maker(self, function: str, position: int) -> str | None:
        """What made the item at `position` of what a project function returns (`engine,
        db_session = create_engine_and_session(url)`, whose `return engine, db_session`
        hands back an `async_sessionmaker(...)` second): the session factory, so
        `db_session.begin()` opens a session rather than runs one."""
        resolved = self.index.resolve(function)
        if resolved.module is None or resolved.name is None:
            return None
        items = resolved.module.extra.get("tuple_returns", {}).get(resolved.name)
        if not items or position >= len(items):
            return None
        return items[position]

    def _other_session_kind(self, target: str) -> bool | None:
        """What an unannotated method of a project class named for another kind of session
        gives: `WebsocketSession.get(sid)` looks a websocket session up, and a class that is
        no database session hands out none (False); else out of sight (None)."""
        owner = target.rsplit(".", 1)[0]
        resolved = self.index.resolve(owner)
        if resolved.module is None or resolved.name not in resolved.module.classes:
            return None
        if not resolved.name.endswith("Session"):
            return None
        return False if self.session_kind(resolved.qualname, 1) is not True else None

    def _session_protocol(self, module: ModuleFacts, fact: ClassFact) -> bool:
        """A `Protocol` that declares what a session does (`class SupportsExecute(Protocol):
        async def execute(...)`): values typed with it are sessions, by structure. One that
        only commits and rolls back (`class Committer(Protocol)`) is a unit-of-work port, the
        way a use case ends its transaction without a session."""
        if not any(self.index.resolve(base).qualname in PROTOCOL_BASES for base in fact.bases):
            return False
        returns = module.extra.get("returns", {})
        return any(f"{fact.name}.{method}" in returns for method in _SESSION_PROTOCOL_METHODS)

    def _returns_session_factory(self, qualname: str) -> bool:
        """A project function annotated to return a sessionmaker (`-> async_sessionmaker[...]`)."""
        resolved = self.index.resolve(qualname)
        module, name = resolved.module, resolved.name
        if module is None or name is None:
            return False
        returns = module.extra.get("returns", {}).get(name) or ()
        return any(self.index.resolve(item).qualname.rsplit(".", 1)[-1] in SESSION_FACTORY_NAMES for item in returns)
