"""LC601 session-built-by-hand: a session, session factory or engine built outside the
database module."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import SESSION_TYPES
from layercheck.engine.context import FileContext
from layercheck.engine.names import dotted_name
from layercheck.engine.rule import Rule, callee_names
from layercheck.rules.sessions import ENGINE_FACTORIES, in_session_dependency


class SessionBuiltByHand(Rule):
    """Flags a session, session factory or engine built by hand outside the database
    module: `AsyncSession(engine)`, `Session(engine)`, `sessionmaker(...)`,
    `async_sessionmaker(...)`, `scoped_session(...)`, `create_engine(...)`,
    `create_async_engine(...)` (also through a project re-export of the session type).

    The backend guide: "Never create sessions manually outside of this factory." A second
    engine has its own connection pool and settings; a hand-made session escapes the
    request's transaction and its commit/rollback. Calling the factory
    (`AsyncSessionLocal()`, `get_db`) is fine, and so is a session bound to the connection
    an `@event.listens_for` hook receives, and a session built in a session dependency that
    yields it (`with Session(engine) as session: yield session`). Checked in the held layers other than
    `allowed-layers`; `main.py`, middleware, tests, migrations and modules in no layer are
    not checked.
    """

    code = "LC601"
    calls = callee_names(ENGINE_FACTORIES, SESSION_TYPES)
    requires = tuple(sorted(calls))

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        task = context.task
        # A store class that builds its own engine and runs every query (a repository by what
        # its code does, `PostgresDb(db_url)`) is where its engine belongs: nothing to reuse.
        owns_engine = context.layer == "repository" and task.layer_glob is None and not task.layer_configured
        self._active = task.held and context.layer not in self.options["allowed-layers"] and not owns_engine

    def visit_Call(self, node: cst.Call) -> None:
        if not self._active:
            return
        qualname = self.names.qualified_name(node.func)
        if qualname is None or qualname.startswith("builtins."):
            return
        name = qualname.rsplit(".", 1)[-1]
        if qualname in ENGINE_FACTORIES:
            self.report(node, f"engine built with `{name}()` outside the database module; reuse its engine")
            return
        if self.context.layer == "task":
            # A background job serves no request: it opens its session from the factory.
            message = (
                f"`{name}()` built outside the database module; "
                "a job takes its session from the database module's factory"
            )
        else:
            message = f"`{name}()` built outside the database module; inject the request's session (`get_db`)"
        if self._in_event_hook():
            return  # a session bound to the connection an event hands over is SQLAlchemy's idiom
        if in_session_dependency(self.context.ancestors):
            # `def get_db(): with Session(engine) as session: yield session`: the request's
            # session dependency itself (where it lives is LC101's question, on its import).
            return
        if qualname in SESSION_TYPES:
            self.report(node, message)
        elif not qualname.startswith(("sqlalchemy.", "sqlmodel.")) and name in _SESSION_NAMES:
            # A project re-export (`from app.db import AsyncSession`): the index decides.
            self.report(node, message, condition=Condition("session_type", (qualname,)))


    def _in_event_hook(self) -> bool:
        for ancestor in self.context.ancestors:
            if isinstance(ancestor, cst.FunctionDef):
                for decorator in ancestor.decorators:
                    target = decorator.decorator
                    target = target.func if isinstance(target, cst.Call) else target
                    if isinstance(target, (cst.Name, cst.Attribute)) and (dotted_name(target) or "").endswith(
                        "listens_for"
                    ):
                        return True
        return False


_SESSION_NAMES = frozenset(qualname.rsplit(".", 1)[-1] for qualname in SESSION_TYPES)
