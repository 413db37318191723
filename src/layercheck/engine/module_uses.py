"""What a router reads off the modules it imports whole (`models.ProjectUserScopes`), and
the classes it queries.

A router that imports a mixed `models.py` whole (`from app.projects import models`) and reads
only its Pydantic classes and enums from it imports no ORM class: LC104 judges such an import
by the names the router reads, which this walk participant records (only in the api and
task layers, where LC104 and LC102 look).

An entry point that imports a repository class only to build it for a service
(`MessageService(MessageRepository(db))`, a dependency provider returning it) wires the
layers and skips none: LC102 asks which imported names are called, and whether only so.

The ORM classes of a package the project depends on (`from shared_models.orders import
Order`) are out of sight; a router that queries one (`select(Order)`, `session.get(Order,
id)`, `.join(Order)`, `select(Order.id)`) shows what it is. Those names are recorded too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import libcst as cst

from layercheck.domain.vocabulary import (
    SESSION_TYPES,
    WELL_KNOWN_LIBRARIES,
    named_like_session,
)
from layercheck.engine.names import NameTable, last_name
from layercheck.engine.walk import iter_children
from layercheck.engine.wiring import handed_on, passed_on, uses_of

# Top-level packages whose classes are never the project's.
_FOREIGN = frozenset(sys.stdlib_module_names) | WELL_KNOWN_LIBRARIES | {"builtins"}
# The spellings of `typing.Annotated` (an alias declaring a dependency).
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
# sqlalchemy's and sqlmodel's statements, whose arguments are the entities queried.
_STATEMENTS = frozenset({"select", "insert", "update", "delete"})
# Query methods whose arguments are entities (`.join(Order)`, `.select_from(Order)`).
_ENTITY_METHODS = frozenset({"join", "outerjoin", "select_from"})
# Session methods whose first argument is the class queried (`session.get(Order, 7)`).
_SESSION_LOOKUPS = frozenset({"get", "get_one", "query"})


class ModuleUseCollector:
    """Gathers `module_uses` facts: {local name of an import: attributes read off it}, and
    which imported names are called, and whether only to hand what they make on."""

    def __init__(self, table: NameTable, ancestors: Sequence[cst.CSTNode]) -> None:
        self.table = table
        self.ancestors = ancestors
        self.uses: dict[str, set[str]] = {}
        # Qualified names of the imported classes the module queries as entities.
        self.queried: set[str] = set()
        # Imported names called (`UserRepository(db)`), and those called other than to
        # hand the result on (`MessageService(MessageRepository(db))` is wiring).
        self.called: set[str] = set()
        self.called_to_use: set[str] = set()
        # Imported names read in the annotations of functions' parameters and returns
        # (`repo: Annotated[UserRepository, Depends()]`, `-> UserRepository`), not in a
        # class's attributes (`store: SettingsStore`, what a context hands the routes), or
        # inside a dependency marker (`Depends(OAuthCrud.inject)`).
        self.annotating: set[str] = set()
        # Those of them read in the annotations of decorated functions: the routes and jobs
        # (`@router.get(...) def list_users(repo: UserRepository)`), not the providers that
        # build what the routes are given (`def get_service(dao: UserDAO = Depends(...))`).
        self.route_annotating: set[str] = set()
        # Imported names given as arguments to a project class's constructor.
        self.handed: set[str] = set()
        # Imported names a function returns as they are (`def get_user_dao(): return
        # user_dao`, a provider handing the module's object to `Depends`).
        self.returned: set[str] = set()
        # The parameters so annotated, with their functions: whether the function queries
        # what it is given (`user_repo.get(...)`) is asked after the walk (`typed_to_use`).
        self._typed_params: list[tuple[str, str, cst.FunctionDef]] = []
        # Imported functions named as a parameter's dependency (`repo: UserRepository =
        # Depends(get_user_repository)`), with the parameter and its function; those called
        # or otherwise depended on (`dependencies=[Depends(check)]`); and the imported
        # functions the module calls itself.
        self._provided_params: list[tuple[str, str, cst.FunctionDef]] = []
        self._provided_elsewhere: set[str] = set()
        self._functions_called: set[str] = set()
        # Module-level `Annotated` aliases naming imported classes (`Repository =
        # Annotated[ORMRoleRepository, Depends(get_repository)]`), and the parameters of the
        # decorated functions (the routes) they type, with those functions.
        self._aliases: set[str] = set()
        self._alias_params: list[tuple[str, str, cst.FunctionDef]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(self.ancestors) > 2 or len(node.targets) != 1 or type(node.targets[0].target) is not cst.Name:
            return  # (a module-level statement's parents: the statement line and the module)
        value = node.value
        if type(value) is cst.Subscript and self.table.qualified_name(value.value) in _ANNOTATED:
            if self._imported_names(value):
                self._aliases.add(node.targets[0].target.value)  # type: ignore[attr-defined]

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if type(value) is cst.Name and self._imported(value.value) and self._function() is not None:
            self.returned.add(value.value)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        owner = self.ancestors[-1] if self.ancestors else None
        local = isinstance(owner, cst.AnnAssign) and type(owner.target) is cst.Name
        if type(owner) is not cst.Param and type(owner) is not cst.FunctionDef and not local:
            return
        function = self._function() if type(owner) is not cst.FunctionDef else None
        if local and function is None:
            return  # (a module-level or class-level annotation types no use here)
        if (
            type(owner) is cst.Param
            and function is not None
            and function.decorators
            and type(node.annotation) is cst.Name
            and node.annotation.value in self._aliases
        ):
            self._alias_params.append((node.annotation.value, owner.name.value, function))
        names = self._imported_names(node.annotation)
        if not names:
            return
        self.annotating.update(names)
        decorated = function if function is not None else owner
        if isinstance(decorated, cst.FunctionDef) and decorated.decorators:
            self.route_annotating.update(names)
        if function is not None:
            # `user_repo: UsersRepository` as a parameter, or `db: MyDb = info.context["db"]`
            # in a resolver: whether the function does more with it than hand it on.
            if isinstance(owner, cst.Param):
                held = owner.name.value
            elif isinstance(owner, cst.AnnAssign) and isinstance(owner.target, cst.Name):
                held = owner.target.value
            else:
                return
            self._typed_params.extend((name, held, function) for name in names)

    def _imported_names(self, expression: cst.CSTNode) -> list[str]:
        """The imported names of classes an annotation or a type bound reads (not the
        standard library's or a well-known package's: `Annotated`, `AsyncSession`)."""
        found = []
        pending: list[cst.CSTNode] = [expression]
        while pending:
            item = pending.pop()
            if type(item) is cst.Name:
                if self._project_class(item.value):
                    found.append(item.value)
            elif type(item) is not cst.SimpleString:
                pending.extend(iter_children(item))
        return found

    def _imported(self, name: str) -> bool:
        """A name bound by an import that may be of the project (not a local, not the standard
        library's or a well-known package's): in a flat layout the project's packages sit side
        by side (`from infrastructure import UsersRepository` in `api/dependencies.py`)."""
        binding = self.table.lookup(name)
        return (
            binding is not None
            and binding.qualname is not None
            and binding.qualname.split(".", 1)[0] not in _FOREIGN
        )

    def _project_class(self, name: str) -> bool:
        """An imported name that may be a class of the project's: capitalised, bound by an
        import, not of the standard library or a well-known package."""
        if not name[:1].isupper():
            return False
        binding = self.table.lookup(name)
        return (
            binding is not None
            and binding.qualname is not None
            and not binding.instance_of
            and binding.qualname.split(".", 1)[0] not in _FOREIGN
        )

    def _function(self) -> cst.FunctionDef | None:
        for ancestor in reversed(self.ancestors):
            if type(ancestor) is cst.FunctionDef:
                return ancestor  # type: ignore[return-value]
        return None

    def typed_to_use(self, among: set[str] | None = None) -> set[str]:
        """The imported names typing a parameter that its function does more with than
        hand on (`async def get_current_user(user_repo: UsersRepository)` calling
        `user_repo.get_user_by_email(...)`: a dependency that queries, no wiring); only
        those `among`, when given."""
        return {
            name
            for name, param, function in self._typed_params
            if (among is None or name in among) and not all(passed_on(use) for use in uses_of(function.body, param))
        }

    def wired_aliases(self) -> set[str]:
        """The `Annotated` aliases whose every route parameter is only handed to a class's
        constructor (`CreateUseCase(role_repository=repository)`): the route wires what the
        alias provides into the service, and reads nothing of it."""
        typed = {alias for alias, _, _ in self._alias_params}
        used = {alias for alias, param, function in self._alias_params if not _only_built_into(function.body, param)}
        return typed - used

    def depends_only(self) -> set[str]:
        """The imported functions the module only names as the dependency of parameters
        that its functions hand on unread (`get_user_service(user_repository:
        UserRepository = Depends(get_user_repository))` building `UserService(
        user_repository)`): the dependency wiring of a service, no call into the layer."""
        provided = {name for name, _, _ in self._provided_params}
        used = self._provided_elsewhere | self._functions_called | set(self.uses)
        used.update(
            name for name, param, function in self._provided_params if not _only_built_into(function.body, param)
        )
        return provided - used

    def _note_provider(self, node: cst.Call) -> None:
        """`Depends(get_user_repository)`: which parameter of which function it provides."""
        argument = next((arg for arg in node.args if arg.keyword is None or arg.keyword.value == "dependency"), None)
        if argument is None or type(argument.value) is not cst.Name:
            return
        name = argument.value.value
        if name[:1].isupper():
            # A class: the annotation walk and LC102's class wiring judge it. The class
            # FastAPI builds for the parameter (`Annotated[UserRepositoryProtocol,
            # Depends(UserSqlAlchemyRepository)]`) is named as an annotation names it.
            if self._project_class(name):
                self.annotating.add(name)
            return
        binding = self.table.lookup(name)
        if binding is None or binding.qualname is None or binding.instance_of:
            return
        param = next((item for item in reversed(self.ancestors) if type(item) is cst.Param), None)
        function = self._function()
        if param is None or function is None:
            self._provided_elsewhere.add(name)
            return
        self._provided_params.append((name, param.name.value, function))  # type: ignore[attr-defined]

    def _builds_project_class(self, call: cst.Call) -> bool:
        return type(call.func) is cst.Name and self._project_class(call.func.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is cst.Name and not func.value[:1].isupper():
            self._functions_called.add(func.value)
        if type(func) is cst.Name and func.value == "TypeVar":
            # `R = TypeVar("R", bound=SQLAlchemyRepository)`: a type bound names the class as an
            # annotation does.
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "bound":
                    self.annotating.update(self._imported_names(arg.value))
        if type(func) is cst.Name and self._project_class(func.value):
            # (only what may be a class of the project's: LC102 asks of repository classes,
            # and `router = APIRouter()` needs no look at the module's every name)
            self.called.add(func.value)
            if not handed_on(node, self.ancestors):
                self.called_to_use.add(func.value)
            # `ActivityLogService(crud=activity_log_crud)`: imported objects handed to a
            # project class to build it (wiring, when nothing else here uses them).
            self.handed.update(
                arg.value.value
                for arg in node.args
                if type(arg.value) is cst.Name and self._imported(arg.value.value)
            )
        elif any(type(arg.value) is cst.Call and self._builds_project_class(arg.value) for arg in node.args):
            # `binder.bind(TaskQueryService, TaskQueryServiceImpl(db))`: a class named beside
            # the instance bound to it is a dependency container's key, handed on.
            self.handed.update(
                arg.value.value
                for arg in node.args
                if type(arg.value) is cst.Name and self._project_class(arg.value.value)
            )
        qualname = self.table.qualified_name(func) or ""
        if self.table.dependency_marker(node):
            self._note_provider(node)
            return
        if self.table.inside_dependency_marker(self.ancestors):
            # `Depends(get_redis_repo(UserRedisRepository, UserRepository))`: the classes a
            # provider factory is given inside the marker are wired, as an annotation names them.
            self.annotating.update(
                arg.value.value
                for arg in node.args
                if type(arg.value) is cst.Name and self._project_class(arg.value.value)
            )
        top, _, last = qualname.partition(".")
        if last.rsplit(".", 1)[-1] in _STATEMENTS and top in ("sqlalchemy", "sqlmodel"):
            arguments = node.args
        elif type(func) is cst.Attribute and func.attr.value in _ENTITY_METHODS and type(func.value) is cst.Call:
            arguments = node.args
        elif type(func) is cst.Attribute and func.attr.value in _SESSION_LOOKUPS and self._session(func.value):
            arguments = node.args[:1]
        else:
            return
        for argument in arguments:
            if argument.keyword is not None or argument.star:
                continue
            value = argument.value
            while type(value) is cst.Attribute:
                value = value.value  # `select(Order.id)`: the class of the column
            if type(value) is not cst.Name:
                continue
            entity = self.table.qualified_name(value) or ""
            named_as_class = entity.rsplit(".", 1)[-1][:1].isupper()
            if named_as_class and entity.split(".", 1)[0] not in WELL_KNOWN_LIBRARIES:
                self.queried.add(entity)

    def _session(self, receiver: cst.BaseExpression) -> bool:
        """A receiver annotated with a session type, or named like a session."""
        if type(receiver) is not cst.Name:
            return False
        binding = self.table.lookup(receiver.value)
        if binding is not None and binding.instance_of:
            return binding.instance_of in SESSION_TYPES
        return named_like_session(receiver.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if type(value) is not cst.Name:
            return
        binding = self.table.lookup(value.value)
        if binding is not None and binding.qualname is not None and not binding.instance_of:
            if value.value[:1].isupper() and self.table.inside_dependency_marker(self.ancestors):
                # `Depends(OAuthCrud.inject)`: dependency wiring, as an annotation names it
                self.annotating.add(value.value)
                return
            self.uses.setdefault(value.value, set()).add(node.attr.value)


def _only_built_into(body: cst.CSTNode, name: str) -> bool:
    """Every read of `name` in `body` is an argument of a class's constructor
    (`UserService(user_repository=user_repository)`) or returned: handed to what uses it, not
    to a helper that queries it (`_authenticate(api_key_repository=repo)`)."""
    reads = built = 0
    pending: list[cst.CSTNode] = [body]
    while pending:
        node = pending.pop()
        if type(node) is cst.Name:
            reads += node.value == name
            continue
        if type(node) is cst.Call:
            if last_name(node.func)[:1].isupper():
                built += sum(1 for arg in node.args if type(arg.value) is cst.Name and arg.value.value == name)
        elif type(node) is cst.Return and type(node.value) is cst.Name and node.value.value == name:
            built += 1
        elif type(node) is cst.Arg:
            pending.append(node.value)  # (not the keyword: `user_repository=user_repository`)
            continue
        pending.extend(iter_children(node))
    return reads == built


def names_read_in(functions: Sequence[cst.FunctionDef], probe: Callable[[cst.Call], bool]) -> set[str]:
    """Every bare name the functions read, their signatures and decorators included (the
    endpoints of the module that creates the app: what of its imports they use), but for
    those of a connection check's statement (`session.execute(text("SELECT 1"))` in a
    `/health` endpoint reads no row: `probe` tells such a call)."""
    found: set[str] = set()
    pending: list[cst.CSTNode] = list(functions)
    while pending:
        item = pending.pop()
        if type(item) is cst.Name:
            found.add(item.value)  # type: ignore[attr-defined]
        elif type(item) is cst.Call and probe(item):  # type: ignore[arg-type]
            pending.append(item.func)  # type: ignore[attr-defined]
        else:
            pending.extend(iter_children(item))
    return found
