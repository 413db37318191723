"""LC504 schema-imports-orm: a schema module imports ORM models."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.project.rules.base import ProjectRule, short


class SchemaImportsOrm(ProjectRule):
    """Flags a schema module importing an ORM model class (decided across modules, through
    re-exports), or importing a module that defines ORM models.

    Schemas describe what crosses the API boundary; the ORM object reaches a schema at
    runtime through `model_validate(orm)` with `from_attributes=True`, never through an
    import. A schema that imports a model drags SQLAlchemy into every client of the schema
    and soon makes an import cycle with the models. Other names of the model layer (an
    enum or a constant defined next to the tables) are not ORM models and are not flagged
    here.
    """

    code = "LC504"
    # The schema layer, and modules in no layer made of Pydantic classes only (a
    # `validations/response_models/movies.py` of response models): schemas by what they
    # are. (One with functions beside, `core/security.py` with its `Token`, is no schema.)
    layers = frozenset({"schema", None})

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        if module.layer is None and (
            module.functions or not module.classes or self.index.module_seen_as(module) != "schema"
        ):
            return
        for item in self.contract_imports(module):
            target = item.target
            if self.index.is_orm_model(target):
                message = f"ORM model `{short(target)}` imported in a schema module; schemas import only schemas"
            elif self._orm_module(target) or (self.whole_module(target) and self.reads_orm_off(module, target)):
                # (`from app import models`, then `user: models.User`: the package re-exports
                # the classes its modules define)
                message = f"ORM model module `{short(target)}` imported in a schema module; import schemas only"
            else:
                continue
            yield self.finding(module, item.span, message)  # type: ignore[arg-type]

    def _orm_module(self, target: str) -> bool:
        """`target` is a project module (not a name in one) that defines ORM models."""
        resolved = self.index.resolve(target)
        defining = resolved.module
        if defining is None or resolved.name is not None:
            return False
        return any(self.index.is_orm_model(f"{defining.module}.{name}") for name in defining.classes)
