"""The shape of a project rule: it reads one module's facts and the whole project's index.

Import contracts need to know the layer of the imported module, which only the project
knows, so they run after every file was read, over cached facts (no parsing, no libcst).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from layercheck.domain.diagnostics import Diagnostic, Span
from layercheck.domain.facts import ImportFact, ModuleFacts
from layercheck.domain.layers import LayerMap
from layercheck.project.index import ProjectIndex


class ProjectRule:
    """Base class of rules evaluated on module facts against the project index."""

    code: ClassVar[str]
    # The layers whose modules this rule checks; None for every module.
    layers: ClassVar[frozenset[str | None] | None] = None
    # True when a finding can depend on modules the checked one does not reach through its
    # imports (a question about every module): a run on part of the project then reads all
    # of it, not only what the checked files import (see `reach.py`).
    whole_project: ClassVar[bool] = False

    def __init__(
        self, index: ProjectIndex, layer_map: LayerMap, options: dict[str, Any], allow_type_checking: bool
    ) -> None:
        self.index = index
        self.layer_map = layer_map
        self.options = options
        self.allow_type_checking = allow_type_checking

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        """Findings for one module."""
        raise NotImplementedError

    def finding(self, module: ModuleFacts, span: Span, message: str) -> Diagnostic:
        return Diagnostic(self.code, message, module.path, span)

    def contract_imports(self, module: ModuleFacts) -> Iterator[ImportFact]:
        """Imports held to layer contracts (located, and not excused as type-only)."""
        for item in module.imports:
            if item.span is None:
                continue
            if item.type_checking and self.allow_type_checking:
                continue
            yield item

    def names_read_off(self, module: ModuleFacts, target: str) -> list[str]:
        """The names `module` reads off `target`, imported whole (`models.User` gives `User`,
        `users.crud.get_user(...)` gives `crud`)."""
        uses = module.extra.get("module_uses", {})
        return [attr for local, bound in module.bindings.items() if bound == target for attr in uses.get(local, ())]

    def whole_module(self, target: str) -> bool:
        """Whether `target` names a project module itself, not a name defined in one."""
        resolved = self.index.resolve(target)
        return resolved.module is not None and resolved.name is None

    def reads_orm_off(self, module: ModuleFacts, target: str) -> bool:
        """Whether `module` reads an ORM class or a Core table off the module `target` it
        imports whole (`models.User`)."""
        return any(
            self.index.is_orm_model(f"{target}.{attr}") or self.index.is_core_table(f"{target}.{attr}")
            for attr in self.names_read_off(module, target)
        )

    def own_module(self, module: ModuleFacts, item: ImportFact) -> ModuleFacts | None:
        """The module of the package `module` that `item` names, however the import spells
        it (`from .user import crud_user`, `from src.app.crud.user import crud_user`, `from .
        import user`); None when `module` is no package or the name is from elsewhere."""
        if not module.is_package:
            return None
        prefix = module.module + "."
        source = self.index.find_module(item.target) if item.is_module else None
        if source is None:
            source = self.index.find_module(item.target.rsplit(".", 1)[0])
        if source is not None and source.module.startswith(prefix):
            return source
        return None


def short(target: str) -> str:
    """The last component of a dotted name, for messages."""
    return target.rsplit(".", 1)[-1]
