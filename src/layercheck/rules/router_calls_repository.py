"""LC202 router-calls-repository: a router calls a repository directly."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.names import dotted_name
from layercheck.engine.rule import Rule
from layercheck.rules.externals import is_external

_DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends"})


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
    layers = frozenset({"api"})

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._inside_dependency_marker():
            # `Depends(get_repository(UserRepository))` wires a dependency; the calls on the
            # injected repository are the ones reported.
            return
        qualname = self.names.qualified_name(func)
        if qualname is not None:
            if is_external(qualname) or qualname.startswith(f"{self.names.module}."):
                return
            self.report(func, self._message(func), condition=Condition("repository_call", (qualname,)))
            return
        if not isinstance(func, cst.Attribute) or isinstance(func.value, cst.Call):
            # `Orders(db).list()`: the constructor call inside is the one reported.
            return
        binding = self.names.value_binding(func.value)
        if binding is not None and binding.qualname is None and binding.instance_of:
            if not is_external(binding.instance_of):
                condition = Condition("instance_layer:repository", (binding.instance_of,))
                self.report(func, self._message(func), condition=condition)
            return
        member = self._member_chain(func.value)
        if member is not None:
            self.report(func, self._message(func), condition=Condition("member_layer:repository", member))

    def _member_chain(self, receiver: cst.BaseExpression) -> tuple[str, str] | None:
        """`(owner class, "repos.users")` for a receiver reached through attributes of an
        object whose class is known: `self.repos.users` in a method, `uow.users` on a
        parameter annotated `UnitOfWork` (the index follows what each attribute holds)."""
        parts: list[str] = []
        node = receiver
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not parts or not isinstance(node, cst.Name):
            return None
        if node.value == "self":
            owner = self.names.enclosing_class_qualname()
        else:
            root = self.names.lookup(node.value)
            if root is not None and root.qualname is None:
                owner = root.instance_of
            elif root is not None and root.qualname and not is_external(root.qualname):
                # A module-level object of the project (`from app.forge import app`):
                # the index reads what it holds from its annotation or its constructor.
                owner = f"value:{root.qualname}"
            else:
                owner = None
        if owner is None or is_external(owner):
            return None
        return owner, ".".join(reversed(parts))

    def _inside_dependency_marker(self) -> bool:
        for ancestor in self.context.ancestors:
            if isinstance(ancestor, cst.Call) and self.names.qualified_name(ancestor.func) in _DEPENDENCY_MARKERS:
                return True
        return False

    def _message(self, func: cst.BaseExpression) -> str:
        shown = dotted_name(func) or self.context.code_for(func)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"`{shown}()` calls the repository layer from a router; call a service instead"
