"""LC104 router-imports-orm-or-query-builder."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import is_query_builder
from layercheck.project.rules.base import ProjectRule, short


class RouterImportsOrmOrQueryBuilder(ProjectRule):
    """Flags a router importing ORM models (classes mapped by SQLAlchemy or SQLModel, or a
    models module) or sqlalchemy query builders.

    Routers speak Pydantic schemas in and out and leave queries to repositories (backend
    guide, step 3); an ORM model or `select` in a router is the first step to SQL there.
    """

    code = "LC104"
    # (in the module that creates the app, what its own endpoints use: `@app.get("/tasks")`
    # building `select(Task)` is a router's; `Base` imported for `create_all` at startup is
    # the app's wiring)
    layers = frozenset({"api", "main"})

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        builders = self.options["query-builders"]
        # (in the `main` module, the imports its endpoints use, by what each name is bound to)
        endpoint_names = module.extra.get("endpoint_names", ())
        endpoint_targets = {module.bindings[name] for name in endpoint_names if name in module.bindings}
        for item in self.contract_imports(module):
            target = item.target
            if module.layer == "main" and target not in endpoint_targets:
                continue
            if not module.functions and self.own_module(module, item) is not None:
                # `api/user/__init__.py` gathering `User` from its own `user_model.py`: the
                # package is its modules, and this one routes nothing.
                continue
            if not item.is_module and (
                is_query_builder(target, builders)
                # (`from app.db import select`: sqlalchemy's builder re-exported by the project)
                or is_query_builder(self.index.resolve(target).qualname, builders)
            ):
                message = f"`{short(target)}` (a sqlalchemy query builder) imported in a router"
            elif target in module.extra.get("builder_libraries", ()) and (
                item.is_module or self.index.find_module(target) is None
            ):
                # `import sqlalchemy as sa` then `sa.select(...)`, or `from sqlalchemy.sql import
                # expression as sql_exp` then `sql_exp.select(...)`: the builders come with it
                # (an import used for `sa.exc.IntegrityError` alone is not reported).
                message = f"`{target}` imported in a router to build queries; use a repository"
            elif self.index.is_orm_model(target):
                message = f"ORM model `{short(target)}` imported in a router; use a schema"
            elif target in module.extra.get("queried_entities", ()) and self.index.resolve(target).module is None:
                # A class of a package the project depends on, queried here as an entity.
                message = f"ORM model `{short(target)}` (queried here as an entity) imported in a router; use a schema"
            elif self.index.is_core_table(target):
                message = f"SQLAlchemy Core table `{short(target)}` imported in a router; use a repository"
            elif self._is_model_module(target) and not self._reads_no_orm(module, target):
                message = f"ORM models module `{short(target)}` imported in a router; use schemas"
            elif self.whole_module(target) and self.reads_orm_off(module, target):
                # `from app._internal import orm`, then `orm.Build.id`: a module that also
                # builds the engine (the database layer by what it does) still hands the
                # router the ORM classes it reads off it.
                message = f"module `{short(target)}` imported in a router for its ORM models; use schemas"
            else:
                continue
            yield self.finding(module, item.span, message)  # type: ignore[arg-type]

    def _reads_no_orm(self, module: ModuleFacts, target: str) -> bool:
        """Whether the router reads only other things off the models module it imports whole
        (`models.ProjectUserScopes`, an enum; `models.ToolOut`, a Pydantic class): the names it
        uses are judged, as an import of each would be."""
        read = self.names_read_off(module, target)
        return bool(read) and not any(
            self.index.is_orm_model(f"{target}.{attr}") or self.index.is_core_table(f"{target}.{attr}") for attr in read
        )

    def _is_model_module(self, target: str) -> bool:
        """`from app import models`: the module itself, not a name defined in it.

        A symbol imported from a `models.py` is reported only when it is an ORM class:
        such files often hold Pydantic schemas and enums too.
        """
        module = self.index.resolve(target).module
        return module is not None and self.whole_module(target) and self.index.module_seen_as(module) == "model"
