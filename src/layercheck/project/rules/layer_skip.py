"""LC102 entrypoint-imports-repository."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ImportFact, ModuleFacts
from layercheck.domain.layers import ENTRYPOINT_LAYERS
from layercheck.project import data_access
from layercheck.project.rules.base import ProjectRule, short


class EntrypointImportsRepository(ProjectRule):
    """Flags a router or background task importing the repository layer.

    Entry points go through services (backend guide, step 3: router -> service ->
    repository); reaching a repository directly skips the business rules in between.
    """

    code = "LC102"
    layers = ENTRYPOINT_LAYERS

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        for item in self.contract_imports(module):
            own = self.own_module(module, item)
            if own is not None and own.layer == module.layer:
                # `api/dependencies/__init__.py` gathering the `UserRepo` alias of its own
                # `repositories.py`: reported there, where the repository is imported.
                continue
            repository = self.index.imported_layer(item.target, item.is_module) == "repository"
            reached = None if repository else self._repository_reached_through(module, item.target)
            if not repository and reached is None:
                continue  # (most imports: asked first, it spares the wiring questions)
            if self._wiring_only(module, item) or self._implemented_here(module, item):
                continue
            if repository:
                alias = self._alias_elsewhere(item.target)
                if alias is not None:
                    # (`get_current_user = Annotated["User", Depends(...)]` in `utils/auth.py`:
                    # the module is no repository, the class its alias names is)
                    message = (
                        f"`{short(item.target)}` (an alias of `{alias}`) imported in the {module.layer} "
                        "layer reaches the repository layer; call a service instead"
                    )
                else:
                    message = (
                        f"`{short(item.target)}` imported from the repository layer in the "
                        f"{module.layer} layer; call a service instead"
                    )
                yield self.finding(module, item.span, message)  # type: ignore[arg-type]
            elif reached is not None:
                yield self.finding(
                    module,
                    item.span,  # type: ignore[arg-type]
                    f"`{short(item.target)}` imported to reach `{short(reached)}` of the repository layer "
                    f"in the {module.layer} layer; call a service instead",
                )

    def _repository_reached_through(self, module: ModuleFacts, target: str) -> str | None:
        """A repository module the entry point reaches through a package it imports whole
        (`from app import users`, then `users.crud.get_user_by_email(db, email)`)."""
        resolved = self.index.resolve(target)
        if resolved.module is None or resolved.name is not None:
            return None
        for attr in self.names_read_off(module, target):
            inner = f"{resolved.module.module}.{attr}"
            if self.index.find_module(inner) is not None:
                if resolved.module.is_package and self.index.imported_layer(inner, True) == "repository":
                    return inner
            elif (
                self._serves(module)
                and self._names_a_class(inner)
                and self.index.imported_layer(inner, False) == "repository"
            ):
                # `from app import deps`, then a route typed `repo: deps.UserRepo` (an
                # `Annotated` alias of the repository class): as importing the alias itself.
                return inner
        return None

    def _wiring_only(self, module: ModuleFacts, item: ImportFact) -> bool:
        """The imported class is only built to be handed on (`MessageService(MessageRepository
        (db))`, a provider returning `UserRepository(session)` for `Depends`), or, in a module
        that serves no route and runs no job (the API's dependency wiring), only that or named
        in annotations: the entry point still goes through the service."""
        target = item.target
        local = [name for name, bound in module.bindings.items() if bound == target]
        if not self._names_a_class(target):
            # A repository function imported runs queries wherever it is called; a provider
            # only named in `Depends(...)` for a parameter handed on to a service runs none here.
            depends_only = module.extra.get("depends_only", ())
            if bool(local) and all(name in depends_only for name in local):
                return True
            # A repository object only handed to a service (`ActivityLogService(crud=
            # activity_log_crud)`), or, in a module that serves no route and runs no job,
            # returned by a provider for `Depends` (`def get_user_dao(): return user_dao`):
            # none of its methods is called here.
            resolved = self.index.resolve(target)
            handed = set(module.extra.get("handed_imports", ()))
            if not self._serves(module):
                handed.update(module.extra.get("returned_imports", ()))
            return (
                bool(local)
                and resolved.module is not None
                and resolved.name in resolved.module.instances
                and all(name in handed for name in local)
                and not any(
                    name in module.extra.get("module_uses", {}) or name in module.extra.get("called_imports", ())
                    for name in local
                )
            )
        if not local and item.in_function:
            local = [target.rpartition(".")[2]]  # (imported in the function that builds it)
        if not local or any(name in module.extra.get("module_uses", {}) for name in local):
            return False  # (`repos.users.get(...)` reads it)
        if any(name in module.extra.get("imports_called_to_use", ()) for name in local):
            return False
        if any(name in module.extra.get("typed_to_use", ()) for name in local):
            return False  # (`get_current_user(user_repo: UsersRepository)` queries it)
        if (
            all(name in module.extra.get("handed_imports", ()) for name in local)
            and not any(name in module.extra.get("called_imports", ()) for name in local)
            and not self._serves(module)
        ):
            # The class itself handed to a project class that builds it (`SQLAlchemyUnitOfWork(
            # session_factory, UsersRepository, TasksRepository)` in a provider, a module
            # that serves no route): wiring.
            return True
        if (
            data_access.is_port(self.index, self.index.resolve(target).qualname)
            and all(name in module.extra.get("handed_imports", ()) for name in local)
            and not any(name in module.extra.get("called_imports", ()) for name in local)
            and not any(name in module.extra.get("annotating_imports", ()) for name in local)
        ):
            # An interface handed to a call and used no other way (`binder.bind(TaskQueryService,
            # TaskQueryServiceImpl(db))`, a dependency container's key): nothing of it runs here,
            # it names what the wiring binds.
            return True
        # (`UserRepo = Annotated[UserRepository, Depends(get_user_repository)]` declares the
        # dependency as an annotation does)
        annotating = module.extra.get("annotating_imports", ())
        named = target in module.extra.get("annotated", {}).values() or any(name in annotating for name in local)
        if self._serves(module) or (module.layer == "task" and not _named_for_wiring(module)):
            # A route or a job typed with the repository queries it (`repo: UserRepository =
            # Depends(...)`, then `repo.list()`: LC202 there); a module of the task layer holds
            # its jobs, whatever queue runs them (an arq worker's `process_job(ctx, ...)`). A
            # `factory.py` among the tasks that builds their tracker is wiring; so is a class
            # built and typed only in the providers that hand it to a service.
            if "route_annotating" in module.extra:
                routed = module.extra["route_annotating"]
                named = _alias_read(module, target) or any(name in routed for name in local)
            elif named and not any(name in annotating for name in local):
                named = _alias_read(module, target)
            return not named and any(name in module.extra.get("called_imports", ()) for name in local)
        return named or any(name in module.extra.get("called_imports", ()) for name in local)

    def _serves(self, module: ModuleFacts) -> bool:
        """It registers routes or runs jobs, itself or through a base class of the project
        that does (`class AccountRoute(BaseRoute)`, whose `__init__` adds the routes that
        query the repository class it is handed)."""
        if module.extra.get("serves"):
            return True
        for fact in module.classes.values():
            for base in fact.bases:
                found = self.index.class_fact(base)
                if found is not None and found[0] is not module and found[0].extra.get("serves"):
                    return True
        return False

    def _implemented_here(self, module: ModuleFacts, item: ImportFact) -> bool:
        """In a module that serves no route and runs no job, the imported class is a base of
        a class defined here (`class RedisTaskTracker(BaseTaskTracker)`): the module is
        another implementation of that port, a store itself, not an entry point reaching
        past the services."""
        if module.extra.get("serves"):
            return False
        return any(item.target in fact.bases for fact in module.classes.values())

    def _alias_elsewhere(self, target: str) -> str | None:
        """The class an `Annotated` alias names, when the alias is defined outside the
        repository layer (what the import reaches is then not where it comes from)."""
        resolved = self.index.resolve(target)
        if resolved.module is None or resolved.name is None or resolved.module.layer == "repository":
            return None
        inner = resolved.module.extra.get("annotated", {}).get(resolved.name)
        return inner if inner is not None and self.index.class_fact(inner) is not None else None

    def _names_a_class(self, target: str) -> bool:
        """A class, or an `Annotated` alias of one (`UserRepo = Annotated[UserRepository,
        Depends(get_user_repository)]`)."""
        if self.index.class_fact(target) is not None:
            return True
        resolved = self.index.resolve(target)
        if resolved.module is None or resolved.name is None:
            return False
        inner = resolved.module.extra.get("annotated", {}).get(resolved.name)
        return inner is not None and self.index.class_fact(inner) is not None


# Module names of the app's wiring: what builds and hands out the objects the rest uses.
_WIRING_MODULE_WORDS = frozenset(
    {"factory", "factories", "container", "containers", "provider", "providers", "deps", "dependencies", "wiring"}
)


def _named_for_wiring(module: ModuleFacts) -> bool:
    """`tracking/factory.py`, `jobs/providers.py`: named for building what others use."""
    return bool(_WIRING_MODULE_WORDS.intersection(module.module.rsplit(".", 1)[-1].split("_")))


def _alias_read(module: ModuleFacts, target: str) -> bool:
    """An `Annotated` alias of the module names `target` (`Repository = Annotated[
    ORMRoleRepository, Depends(get_repository)]`) and some route reads what it provides; the
    aliases whose route parameters are only handed to the constructor of the service they
    build are wiring (`CreateUseCase(role_repository=repository)`)."""
    wired = module.extra.get("wired_aliases", ())
    return any(aimed == target and alias not in wired for alias, aimed in module.extra.get("annotated", {}).items())
