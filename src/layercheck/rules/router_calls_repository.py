"""LC202 router-calls-repository: a router calls a repository directly."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.names import dotted_name
from layercheck.engine.rule import Rule
from layercheck.engine.wiring import handed_on
from layercheck.rules.endpoints import inside_endpoint
from layercheck.rules.externals import is_external

# Methods of a data-access object that open a database session (not `get_user_session()`,
# which looks up a row of a login-session table).
# A store's lifecycle, called with the app's start and stop: no query.
_LIFECYCLE_METHODS = frozenset({"connect", "disconnect", "close", "dispose", "startup", "shutdown"})
_SESSION_OPENERS = frozenset(
    {
        "session", "get_session", "async_session", "get_async_session", "sync_session", "get_sync_session",
        "get_db_session", "session_scope", "new_session", "create_session", "open_session", "begin_session",
    }
)


class RouterCallsRepository(Rule):
    """Flags a call from a router into the repository layer, found by name resolution:
    a repository module's function (`user_repo.get(...)`, aliases included), a repository
    class (`OrderRepository(db)`, `Orders(db).list()`), or a method of a value annotated
    with a repository class (`repo: UserRepository`, `Annotated[UserRepository, Depends()]`).

    The request lifecycle is router -> service -> repository (backend guide, step 3); a
    router that calls a repository skips the business rules of the service layer.

    The finding points at the callee (`user_repo.get`), as ruff's `print` rule does, not at
    the whole call with its arguments.
    """

    code = "LC202"
    # (in the module that creates the app, only its endpoints: `@app.get("/tasks")` calling
    # the repository skips the service as a router does; the startup code building the
    # repositories to wire the services is the app's wiring)
    layers = frozenset({"api", "main"})

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.layer == "main" and not inside_endpoint(self.context.ancestors, self.names):
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value.lstrip("_") in _SESSION_OPENERS and not node.args:
            # `db_engine.get_async_session()`, `document_service.db.async_session()`: the
            # data layer hands the router a session; the SQL run on it is LC201's finding.
            # (`db.get_session(session_id)` reads a stored chat session: a query.)
            return
        if isinstance(func, cst.Attribute) and func.attr.value in _LIFECYCLE_METHODS and not node.args:
            # `await self.db.connect()` in a startup handler, `.close()` at shutdown: the
            # store's connection opened and closed with the app, no query.
            return
        if self.names.inside_dependency_marker(self.context.ancestors):
            # `Depends(get_repository(UserRepository))` wires a dependency; the calls on the
            # injected repository are the ones reported.
            return
        qualname = self.names.qualified_name(func)
        if qualname is not None and qualname.startswith(f"{self.names.module}.") and self._typed_here(func):
            # `user_repo: UserRepoDep` with `UserRepoDep = Annotated[UserRepository, ...]`
            # declared in this module: what the alias names decides (below), not the module.
            qualname = None
        if qualname is not None:
            if is_external(qualname) or qualname.startswith(f"{self.names.module}."):
                return
            # A repository built only to be handed on (`MessageService(MessageRepository(db))`,
            # a provider returning it for `Depends`) is wiring: the service runs its queries.
            # A function of the repository layer called so still runs them.
            constructor = qualname.rpartition(".")[2][:1].isupper()
            wired = constructor and handed_on(node, self.context.ancestors)
            kind = "repository_function_call" if wired else "repository_call"
            self.report(func, self._message(func), condition=Condition(kind, (qualname,)))
            return
        if not isinstance(func, cst.Attribute):
            return
        if isinstance(func.value, cst.Call):
            # `Orders(db).list()`: the constructor call inside is the one reported; a method
            # of what an accessor returns (`zen_store().get_tag(...)`, `zen_store() ->
            # SqlZenStore`) is the repository's call.
            made = self.names.call_result(func.value)
            if made is not None and made.factory_call is not None and not is_external(made.factory_call):
                condition = Condition("accessor_layer:repository", (made.factory_call,))
                self.report(func, self._message(func), condition=condition)
            return
        narrowed = self._narrowed(func.value)
        if narrowed is not None:
            # `if isinstance(db, RemoteDb): await db.get_runs()`: the branch knows the class.
            if not is_external(narrowed):
                condition = Condition("instance_layer:repository", (narrowed,))
                self.report(func, self._message(func), condition=condition)
            return
        binding = self.names.value_binding(func.value)
        if binding is not None and binding.qualname is None and binding.instance_of:
            if not is_external(binding.instance_of):
                condition = Condition("instance_layer:repository", (binding.instance_of,))
                self.report(func, self._message(func), condition=condition)
            return
        member = self.names.member_chain(func.value)
        if member is not None and not is_external(member[0].removeprefix("value:")):
            self.report(func, self._message(func), condition=Condition("member_layer:repository", member))

    def _typed_here(self, func: cst.BaseExpression) -> bool:
        """A method called on a value whose annotation is a name of this module (an alias or
        a class declared here)."""
        if not isinstance(func, cst.Attribute):
            return False
        binding = self.names.value_binding(func.value)
        held = binding.instance_of if binding is not None and binding.qualname is None else None
        return held is not None and held.startswith(f"{self.names.module}.")

    def _narrowed(self, receiver: cst.BaseExpression) -> str | None:
        """The class an enclosing `if isinstance(receiver, Class):` narrows a name to."""
        if not isinstance(receiver, cst.Name):
            return None
        ancestors = self.context.ancestors
        for position in range(len(ancestors) - 1, 0, -1):
            ancestor, inner = ancestors[position - 1], ancestors[position]
            if not isinstance(ancestor, cst.If) or inner is not ancestor.body:
                continue
            test = ancestor.test
            if (
                isinstance(test, cst.Call)
                and self.names.qualified_name(test.func) == "builtins.isinstance"
                and len(test.args) == 2
                and isinstance(test.args[0].value, cst.Name)
                and test.args[0].value.value == receiver.value
            ):
                return self.names.qualified_name(test.args[1].value)
        return None

    def _message(self, func: cst.BaseExpression) -> str:
        shown = dotted_name(func) or self.context.code_for(func)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"`{shown}()` calls the repository layer from a router; call a service instead"
