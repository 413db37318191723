"""What a called name is in the project: where it is defined and what it returns.

Rules see a call site (`user_repo.get(db, id)`, `repo.list()` on a parameter annotated
`UserRepository`, `Orders(db)`) and record the callee's qualified name; after every file was
read, these helpers follow re-exports, module-level instances (`user_repo = UserRepository()`)
and `Annotated[...]` aliases to the function or method that runs, and read its return
annotation from the facts of the module defining it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import DATA_ACCESS_NAME, LIBRARY_CRUD_CREATORS
from layercheck.project import data_access, lineage
from layercheck.project.lookup import ProjectLookup, is_type_variable

_MAX_BASE_DEPTH = 8
# Unannotated repository functions whose name says they return a number or a flag.
# Words that make a name a question wherever they stand after the first (`user_is_valid`).
_SCALAR_WORDS = frozenset({"is", "has", "exists", "exist", "count"})
_SCALAR_PREFIXES = ("count", "exists", "is_", "has_", "delete", "remove", "size", "total", "num_")


@dataclass(frozen=True)
class Callee:
    """A project function, class or method that a call reaches.

    `module` defines it; `key` is `f` for a function, `C` for a class (a constructor call),
    `C.m` for a method of class `C`.
    """

    module: ModuleFacts
    key: str

    @property
    def is_constructor(self) -> bool:
        return "." not in self.key and self.key in self.module.classes


def find_callee(index: ProjectLookup, qualname: str) -> Callee | None:
    """The project definition a dotted call target reaches, if the project defines it."""
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    if module is None or name is None:
        return None
    rest = _rest(index, resolved.qualname, module)
    if rest is None:
        return None
    if name in module.functions and name not in module.classes:
        return Callee(module, name) if not rest else None
    if name in module.classes and not rest:
        return Callee(module, name)
    owner = class_of(index, module, name)
    if owner is None or len(rest) != 1:
        return None
    owner_module, class_name = owner
    return Callee(owner_module, f"{class_name}.{rest[0]}")


def class_of(index: ProjectLookup, module: ModuleFacts, name: str) -> tuple[ModuleFacts, str] | None:
    """The project class a module-level name stands for: the class itself, the class of a
    module-level instance (`user_repo = UserRepository()`), or the class an annotation alias
    names (`UserRepoDep = Annotated[UserRepository, Depends(...)]`)."""
    if name in module.classes:
        return module, name
    target = module.instances.get(name) or module.extra.get("annotated", {}).get(name)
    if target is None:
        return None
    found = index.class_fact(target)
    if found is None:
        return None
    return found[0], found[1].name


def instance_layer(index: ProjectLookup, qualname: str) -> str | None:
    """The layer defining the class of an instance known by its annotation or constructor,
    or by the project function or method that made it: `UserRepository.from_session(s)`
    annotated `-> Self`, `get_repositories() -> AllRepositories`."""
    resolved = index.resolve(qualname)
    if resolved.module is None or resolved.name is None:
        return None
    if _rest(index, resolved.qualname, resolved.module):
        callee = find_callee(index, qualname)
        return _returned_layer(index, callee) if callee is not None and not callee.is_constructor else None
    owner = class_of(index, resolved.module, resolved.name)
    if owner is not None:
        return class_layer(index, owner[0], owner[1])
    if resolved.name in resolved.module.functions:
        return _returned_layer(index, Callee(resolved.module, resolved.name))
    return None


def class_layer(index: ProjectLookup, module: ModuleFacts, name: str) -> str | None:
    """The layer of a project class: its module's, or, for a module in no layer, the data
    access its methods do (`class SqlZenStore` in `sql_zen_store.py`, reached through an
    accessor `zen_store() -> SqlZenStore`)."""
    if module.layer is None and lineage.service_by_lineage(index, f"{module.module}.{name}"):
        return "service"  # (`class TweetService(AbstractService)` in `database/tweets.py`)
    if module.layer is None and index.is_data_access(f"{module.module}.{name}"):
        return "repository"
    return module.layer


def _returned_layer(index: ProjectLookup, callee: Callee) -> str | None:
    """The layer of the class a project function or method is annotated to return."""
    for name in return_names(index, callee) or ():
        if name.rsplit(".", 1)[-1] == "Self" and "." in callee.key:
            owner = callee.module.classes.get(callee.key.split(".", 1)[0])
            return callee.module.layer if owner is not None else None
        found = index.class_fact(name)
        if found is not None:
            return class_layer(index, found[0], found[1].name)
    return None


def is_repository_call(index: data_access.DataAccessLookup, qualname: str, layer: str = "repository") -> bool:
    """The `repository_call` condition of LC202: calling `qualname` runs repository code
    (a function, a repository class or one of its methods), not just raises one of the
    repository module's exceptions."""
    if index.layer_of(qualname) != layer and not (layer == "repository" and index.is_data_access(qualname)):
        return False
    resolved = index.resolve(qualname)
    if resolved.module is not None and resolved.name is not None:
        # (the parts after the module, however the import named it, and the name)
        rest = _rest(index, resolved.qualname, resolved.module) or []
        if len(rest) == 1 and resolved.name in resolved.module.extra.get("literal_values", ()):
            # `users_db.get(username)` of a module-level dict beside the repositories: the
            # container's method, no query (importing it is LC102's finding).
            return False
        if len(rest) >= 2:
            # `crud.audit_log.model.created_at.desc()`: a method of what the repository
            # object's attributes hold (its ORM class's column), not of the repository; the
            # index follows typed attributes on its own (`_repository_through_value`).
            return False
    if index.pure_beside_queries(qualname):
        return False
    if resolved.module is not None and resolved.name in resolved.module.extra.get("session_yielders", ()):
        # `async with managed_session() as session:` from a repository module's session
        # context manager: the router opens a session (LC201 judges what it runs on it).
        return False
    found = index.class_fact(qualname)
    owner = found or index.class_fact(qualname.rpartition(".")[0])
    if owner is not None and lineage.service_by_lineage(index, f"{owner[0].module}.{owner[1].name}"):
        return False  # `service.create_new_tweet()` of a `TweetService(AbstractService)`
    if found is None:
        return True
    if found[0].layer == "repository" and data_access.value_class(index, found[0], found[1].name):
        return False  # `SortOrder("asc")`: an enum, a record or a Pydantic value beside the repositories
    return not _is_exception(index, found[0], found[1].name, 0)


def _is_exception(index: ProjectLookup, module: ModuleFacts, class_name: str, depth: int) -> bool:
    fact = module.classes.get(class_name)
    if fact is None or depth >= _MAX_BASE_DEPTH:
        return False
    for base in fact.bases:
        final = index.resolve(base).qualname
        short = final.rsplit(".", 1)[-1]
        if final.startswith("builtins.") and (short.endswith(("Exception", "Error")) or short == "Warning"):
            return True
        if short.endswith(("Exception", "Error")) and index.class_fact(final) is None:
            return True  # a third-party exception base (`fastapi.HTTPException`)
        parent = index.class_fact(final)
        if parent is not None and _is_exception(index, parent[0], parent[1].name, depth + 1):
            return True
    return False


def return_names(index: ProjectLookup, callee: Callee) -> list[str] | None:
    """The names in the callee's return annotation; None when it has none (or is unknown)."""
    return _method_returns(index, callee.module, callee.key, 0)


def _method_returns(index: ProjectLookup, module: ModuleFacts, key: str, depth: int) -> list[str] | None:
    def annotated(owner: ModuleFacts, defined: str) -> list[str] | None:
        returns = owner.extra.get("returns", {})
        return list(returns[defined]) if defined in returns else None

    return _through_bases(index, module, key, depth, annotated)


_Found = TypeVar("_Found")


def _through_bases(
    index: ProjectLookup,
    module: ModuleFacts,
    key: str,
    depth: int,
    look: Callable[[ModuleFacts, str], _Found | None],
) -> _Found | None:
    """What `look` finds for `Class.method` on the class itself, else on the base it
    inherits the method from (`class UserRepo(BaseRepository[User])`), in base order."""
    found = look(module, key)
    if found is not None:
        return found
    class_name, _, method = key.partition(".")
    fact = module.classes.get(class_name)
    if not method or fact is None or depth >= _MAX_BASE_DEPTH:
        return None
    for base in fact.bases:
        base_fact = index.class_fact(base)
        if base_fact is not None:
            inherited = _through_bases(index, base_fact[0], f"{base_fact[1].name}.{method}", depth + 1, look)
            if inherited is not None:
                return inherited
    return None


# Bases that define no method a repository is called for.
_PLAIN_BASES = frozenset({"builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol"})


def _defined_nowhere(index: ProjectLookup, module: ModuleFacts, key: str, depth: int) -> bool:
    """Whether the method `Class.method` is defined by neither the class nor any base, every
    base being a class of the project (`self.db.bookings.get_user_bookings()` on a repository
    that has no such method). A base from a library may define it: not nowhere."""
    class_name, _, method = key.partition(".")
    fact = module.classes.get(class_name)
    if not method or fact is None or depth >= _MAX_BASE_DEPTH:
        return False
    if key in module.extra.get("unannotated_methods", ()) or key in module.extra.get("returns", {}):
        return False
    for base in fact.bases:
        base_fact = index.class_fact(base)
        if base_fact is None:
            if index.resolve(base).qualname.split("[", 1)[0] in _PLAIN_BASES:
                continue
            return False
        if not _defined_nowhere(index, base_fact[0], f"{base_fact[1].name}.{method}", depth + 1):
            return False
    return True


def _unannotated_definition(index: ProjectLookup, module: ModuleFacts, key: str) -> Callee | None:
    """Where the unannotated method `Class.method` is defined: the class itself, or the base
    it inherits the method from."""

    def unannotated(owner: ModuleFacts, defined: str) -> Callee | None:
        return Callee(owner, defined) if defined in owner.extra.get("unannotated_methods", ()) else None

    return _through_bases(index, module, key, 0, unannotated)


def returns_orm_from_repository(index: ProjectLookup, qualname: str, layer: str = "repository") -> bool:
    """Whether calling `qualname` runs a repository function that returns ORM instances.

    The callee must be defined in the repository layer. Its return annotation decides: an
    ORM class anywhere in it, or a type variable (a generic repository's `ModelT`), counts;
    an annotation naming only other types (`int`, `bool`, a schema) does not. Without an
    annotation the guide's contract is assumed: repositories return ORM instances, except
    functions named for a number or a flag (`count_*`, `exists*`, `is_*`, `has_*`,
    `delete*`, `remove*`).
    """
    if _library_crud_creates(index, qualname):
        return True
    callee = find_callee(index, qualname)
    if callee is None or callee.is_constructor:
        return False
    # (`orm/user.py` of query functions, no ORM class: a repository for its callers, whatever
    # the folder's name says)
    in_layer = callee.module.layer == layer or (
        layer == "repository" and callee.module.layer == "model" and index.module_role(callee.module) == layer
    )
    if not in_layer and not (
        callee.module.layer is None and index.is_data_access(f"{callee.module.module}.{callee.key.split('.', 1)[0]}")
    ):
        # (a module in no layer whose function or class runs the queries is data access too:
        # `UserDBInterface.get_user(db)` in `database/interface/user.py`)
        return False
    if return_names(index, callee) is None and _named_for_scalar(callee.key.rsplit(".", 1)[-1]):
        return False
    return _hands_out_orm(index, callee.module, callee.key, in_layer, 0)


def _hands_out_orm(index: ProjectLookup, module: ModuleFacts, key: str, in_layer: bool, depth: int) -> bool:
    """Whether the repository function or method `key` of `module` returns ORM instances:
    by its return annotation; unannotated, by what its `return`s give (a column query's
    rows, a converted row: no ORM; an own method handed on: what that one returns, looked up
    from the caller's class, so an override counts), else the guide's contract (ORM)."""
    if key in module.extra.get("column_returns", ()):
        # Every `return` converts the rows (`[self.mapper.map_to_domain_entity(row) for row
        # in rows]`) or reads columns, whatever the annotation says (`-> list[BookingModel]`).
        return False
    names = _method_returns(index, module, key, 0)
    if names is None:
        if _defined_nowhere(index, module, key, 0):
            return False  # (a method no class of the lineage has: nothing is known it returns)
        # (an inherited method's returns are its base's, `BaseRepository.find_all` selecting
        # `self.model.__table__.columns`)
        defined = _unannotated_definition(index, module, key) or Callee(module, key)
        if defined.key in defined.module.extra.get("column_returns", ()):
            return False
        made = defined.module.extra.get("made_returns", {}).get(defined.key)
        if made and all(
            index.is_pydantic_model(name) or (index.class_fact(name) is not None and not index.is_orm_model(name))
            for name in made
        ):
            # `return RoomExtendedResponse(...)` built in the repository, or a project class
            # that is no table: a repository factory's `return AuthorRepository(session)`,
            # a domain entity converted from the row
            return False
        handed = defined.module.extra.get("delegated_returns", {}).get(defined.key)
        if handed and "." in key and depth < _MAX_BASE_DEPTH:
            # `return await self.add(data)`: what `add` returns, on the caller's own class.
            owner = key.partition(".")[0]
            return any(_hands_out_orm(index, module, f"{owner}.{method}", in_layer, depth + 1) for method in handed)
        return True
    if any(
        (index.is_pydantic_model(name) or index.is_schema_bound_type(name))
        and not (index.is_orm_model(name) or index.is_orm_bound_type(name))
        for name in names
    ):
        # `-> ModelType | ReadSchemaType`: a repository that may convert its rows to the
        # schema it is given hands out schemas as well; what this call returns is not told.
        return False
    # (an unbound type variable is a generic repository's model in the repository layer; a
    # generic data-access base elsewhere may hand out anything, `BaseDao.get_one() -> RES`;
    # one bound to a domain class hands out the domain's entities; so does SQLModel's base
    # class, `create(table, data) -> SQLModel`, in the repository layer: a table's row)
    return any(
        index.is_orm_model(name)
        or index.is_orm_bound_type(name)
        or (in_layer and is_type_variable(index, name) and not index.is_project_bound_type(name))
        or (in_layer and name == _SQLMODEL_BASE)
        for name in names
    )


_SQLMODEL_BASE = "sqlmodel.SQLModel"


def _library_crud_creates(index: ProjectLookup, qualname: str) -> bool:
    """`crud_users.create(db, object=...)` on `crud_users = FastCRUD(User)` (however
    parametrised): the library's method returns an instance of the ORM model it was built
    over."""
    owner, _, method = qualname.rpartition(".")
    resolved = index.resolve(owner)
    if resolved.module is None or resolved.name is None:
        return False
    found = resolved.module.extra.get("library_cruds", {}).get(resolved.name)
    if found is None:
        return False
    library, model = found
    return method in LIBRARY_CRUD_CREATORS.get(library, ()) and index.is_orm_model(model)


def _named_for_scalar(name: str) -> bool:
    """`count_users`, `is_active`, also a question in the middle (`token_is_exist`,
    `user_has_role`, `email_exists`): a number or a flag, no rows."""
    if name.startswith(_SCALAR_PREFIXES):
        return True
    return bool(_SCALAR_WORDS.intersection(name.lower().split("_")[1:]))


def rest_of(index: ProjectLookup, qualname: str, module: ModuleFacts) -> list[str]:
    """The dotted parts after the module and the name (`["users", "get"]` in
    `pkg.mod.repos.users.get`), however the import named the module (`src.dao.base` of
    `dao.base`)."""
    return _rest(index, qualname, module) or []


def has_rest(index: ProjectLookup, qualname: str, module: ModuleFacts) -> bool:
    """Whether `qualname` goes past a module-level name of `module` (`pkg.db.registry.open`)."""
    return bool(_rest(index, qualname, module))


def _rest(index: ProjectLookup, qualname: str, module: ModuleFacts) -> list[str] | None:
    """The dotted parts after the module and the name: `["get"]` in `pkg.mod.repo.get`."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if index.find_module(".".join(parts[:cut])) is module:
            return parts[cut + 1 :]
    return None


def _plain_envelope(index: ProjectLookup, qualname: str, depth: int = 0) -> bool:
    """A project class that holds what it is given as is (`class ServiceResult(Generic[T])`
    with `self.data = data`): no Pydantic class, no ORM class; or a project function whose
    result is one (`def success_service_result(data): return ServiceResult(data=data, ...)`)."""
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    rest = _rest(index, resolved.qualname, module) if module is not None else None
    if module is not None and name in module.classes and rest:
        # `CategoryMapper.to_detail(saved)`: a method of a class, judged by what it returns
        # (`-> CategoryReadDetail`, a schema, maps what it is given); unannotated, unknown.
        returned = return_names(index, Callee(module, f"{name}.{rest[0]}")) if len(rest) == 1 else None
        if not returned or depth > 2:
            return False
        if rest[0].startswith("from_") and returned == [f"{module.module}.{name}"]:
            # `User.from_orm(row) -> "User"`: an alternate constructor of a domain class that
            # converts what it is given into a new instance, as a schema's would.
            return False
        return all(_plain_envelope(index, item, depth + 1) for item in returned)
    if index.class_fact(qualname) is not None:
        return not (index.is_pydantic_model(qualname) or index.is_orm_class(qualname))
    if module is None or name not in module.functions or depth > 2:
        return False
    # (what it builds and returns unannotated; one annotated to return a class may make it
    # out of what it is given, `create_token(user) -> TokenPair`)
    made = module.extra.get("inferred_returns", {}).get(name, ())
    return bool(made) and all(_plain_envelope(index, item.removesuffix("()"), depth + 1) for item in made)


def orm_page(index: ProjectLookup, generic: str, parameter: str) -> bool:
    """`PagedResult[User]`, `OffsetPage[User]`: a Pydantic page of the project's, named for
    pages, parametrised with an ORM class; the rows it holds are ORM instances. (A generic
    envelope of one value, `BaseRead[User]` with its `data: T | None`, may hold none: what
    is returned in it is judged instead.)"""
    return (
        _PAGE_NAME.search(generic.rsplit(".", 1)[-1]) is not None
        and index.is_pydantic_model(generic)
        and index.is_orm_model(parameter)
    )


def hands_back_rows(index: ProjectLookup, helper: str) -> bool:
    """Whether the project function `helper`, handed a statement of whole rows, gives rows
    back: unannotated, or annotated with what rows come in (`-> Any`, `-> list`, a type
    variable, an ORM class); not `-> Dict[str, Any]` (a page dict of its making) or `-> int`."""
    callee = find_callee(index, helper)
    names = return_names(index, callee) if callee is not None else None
    return names is None or all(
        name in _ROW_CARRIERS or index.is_orm_model(name) or is_type_variable(index, name) for name in names
    )


# What a return annotation names when rows come back: any value, a sequence of them.
_ROW_CARRIERS = frozenset(
    {"typing.Any", "builtins.object", "builtins.list", "builtins.tuple", "typing.Sequence", "typing.List",
     "collections.abc.Sequence", "typing.Optional", "builtins.None"}
)
# The names of the generic classes that hold a page of rows.
_PAGE_NAME = re.compile(r"(?i)pag(e|ed|inat)")


def returns_unmapped_orm(index: ProjectLookup, tags: tuple[str, ...]) -> bool:
    """The `unmapped_orm_return` condition of LC301: a returned value is an ORM instance.

    Tags are `call:<callee>` (the value came from that call), `generic_call:<callee>|<class>,...`
    (from a method of an instance of a generic class its annotation parametrises:
    `cache.get()` of `cache: CacheRepository[UserOut]`), `member_call:<owner>#<chain>.<method>`
    (from a method of what an attribute chain holds: `self.uow.posts.get()`), `orm:<class>`
    (from that constructor), `annotation:<class>` (a class the function's return
    annotation names) and `annotation_page:<generic>|<class>` (a page it names, `-> OffsetPage[User]`).
    It holds when some value is ORM and the annotation names no ORM class: an ORM return
    annotation is reported on its own, once.
    """
    values: list[tuple[str, str]] = []
    # Whether the return annotation says nothing of what is returned (none, `Any`, a type
    # variable bound to nothing): only then may a repository's name say it (below).
    by_name = True
    for tag in tags:
        kind, _, qualname = tag.partition(":")
        if kind == "typed_return":
            by_name = False
        elif kind == "annotation":
            if index.is_orm_model(qualname) or index.is_orm_bound_type(qualname):
                return False
            by_name = by_name and _open_type_variable(index, qualname)
        elif kind == "annotation_page":
            if orm_page(index, *qualname.split("|", 1)):
                return False  # `-> OffsetPage[User]`, reported on the annotation
        elif kind == "envelope":
            if not _plain_envelope(index, qualname):
                return False  # `UserOut.model_validate(user)` maps what it is given
        else:
            values.append((kind, qualname))
    return any(
        (kind == "call" and _call_returns_orm(index, qualname, by_name))
        or (kind == "generic_call" and _generic_call_returns_orm(index, qualname, by_name))
        or (kind == "member_call" and _member_returns_orm(index, qualname, by_name))
        or (kind == "orm" and index.is_orm_model(qualname))
        or (kind == "class_attribute" and orm_class_attribute(index, *qualname.rsplit(".", 1)))
        for kind, qualname in values
    )


def _call_returns_orm(index: ProjectLookup, qualname: str, by_name: bool) -> bool:
    """What a call gives back is ORM data: a repository's (or a service's) that returns it,
    or, for an unannotated method of a port (`self.repository.retrieve(...)` with
    `repository: AbstractRepository`), the name convention where the caller's own
    annotation says nothing."""
    owner, _, method = qualname.rpartition(".")
    if owner and _unsaid_by_port(index, owner, method):
        return by_name and _ROW_METHOD.match(method) is not None and _NO_ROWS_METHOD.search(method) is None
    return returns_orm_from_repository(index, qualname) or _service_returns_orm(index, qualname)


def _generic_call_returns_orm(index: ProjectLookup, tagged: str, by_name: bool) -> bool:
    """`<callee>|<argument>,...`: a method of an instance of a generic class parametrised
    in its annotation (`cache: CacheRepository[UserOut]`, then `cache.get(key)`)."""
    qualname, _, given = tagged.partition("|")
    if _parametrised_without_orm(index, given.split(","), qualname):
        return False
    return _call_returns_orm(index, qualname, by_name)


def _service_returns_orm(index: ProjectLookup, qualname: str) -> bool:
    """A service function or method annotated to return an ORM class (`def create(...) ->
    Notification`, reported on its annotation; a private helper's, `_get_or_create_cart(...)
    -> Cart`, is not reported itself), or, unannotated, returning only the ORM instance it
    built: whatever public function returns its result unmapped hands the row on too
    (`return self.create(...)`)."""
    callee = find_callee(index, qualname)
    if callee is None or callee.is_constructor or index.module_role(callee.module) != "service":
        return False
    names = return_names(index, callee)
    if names is not None and all(_open_type_variable(index, name) for name in names):
        names = None  # `-> ModelType` of a type variable bound to nothing: said nothing
    if names is None:
        # Unannotated: what every `return` gives is an instance it built (`reservation =
        # Reservation(...)`, then `return reservation`), or what a repository method it
        # reaches through an attribute returns (`new_user = await
        # self.repository.update_user(user)`, then `return new_user`).
        names = callee.module.extra.get("made_returns", {}).get(callee.key, [])
        members = callee.module.extra.get("member_returns", {}).get(callee.key, [])
        if any(_member_returns_orm(index, tag) for tag in members):
            return True
    return any(index.is_orm_model(name) for name in names)


def _member_returns_orm(index: ProjectLookup, tag: str, by_name: bool = True) -> bool:
    """`<owner>#<chain>.<method>`: the class the attribute chain of an `owner` instance holds
    (`uow.posts` of a service, through the unit of work's annotations) has a repository
    method that returns ORM instances. Where what the attribute holds is out of sight (an
    unannotated `repository` parameter, a type variable bound to nothing), the name
    convention of SPEC revision 2 decides, `by_name` (when the function's own annotation
    says nothing either): a row method (`get`, `list`, `create`) of an attribute named for
    data access (`self._repository`, `self.user_repo`) gives rows."""
    owner, _, reached = tag.partition("#")
    chain, _, method = reached.rpartition(".")
    held = index.member_type(owner, chain) if chain else None
    if held is not None and not _open_type_variable(index, held) and not _unsaid_by_port(index, held, method):
        if _parametrised_without_orm(index, index.member_type_args(owner, chain), f"{held}.{method}"):
            return False
        return returns_orm_from_repository(index, f"{held}.{method}")
    attribute = chain.rsplit(".", 1)[-1]
    return (
        by_name
        and bool(chain)
        and DATA_ACCESS_NAME.search(attribute) is not None
        and _ROW_METHOD.match(method) is not None
        and _NO_ROWS_METHOD.search(method) is None
        and (held is not None or index.member_out_of_sight(owner, chain))
    )


# Repository methods that hand back rows, by their names (not `count`, `exists`, `delete`).
_ROW_METHOD = re.compile(r"(get|find|list|all|filter|fetch|retrieve|search|first|one|create|update|upsert)(_|$)")
# (`get_multi_paginated` hands back a page of its making, `get_count` a number)
_NO_ROWS_METHOD = re.compile(r"pag|count|exist|total|ids?$")


def _parametrised_without_orm(index: ProjectLookup, arguments: list[str], qualname: str) -> bool:
    """The attribute's generic class is given only classes that are no ORM data
    (`cache: CacheRepository[UserOut]`), and the method hands out only its type variables
    (`async def get(self, key) -> T | None`): it hands out what it was given, not rows."""
    if not arguments or any(
        index.is_orm_model(name) or index.is_orm_bound_type(name) or is_type_variable(index, name)
        for name in arguments
    ):
        return False
    callee = find_callee(index, qualname)
    names = return_names(index, callee) if callee is not None else None
    if not names:
        return False
    variables = [name for name in names if is_type_variable(index, name)]
    return bool(variables) and all(name in variables or name in _ROW_CARRIERS for name in names)


def _unsaid_by_port(index: ProjectLookup, held: str, method: str) -> bool:
    """`repository: AbstractRepository` whose `async def retrieve(self, *args, **kwargs)` is
    an unannotated abstract signature: what the call returns is its implementations'
    business, out of sight here, so the name convention decides as for an unannotated
    parameter (and the caller's own annotation before it)."""
    if not data_access.is_port(index, held):
        return False
    callee = find_callee(index, f"{held}.{method}")
    return callee is not None and return_names(index, callee) is None


def _open_type_variable(index: ProjectLookup, qualname: str) -> bool:
    """A type variable bound to nothing (`Repository = TypeVar("Repository")`): any class."""
    return is_type_variable(index, qualname) and index.type_bound(qualname) is None


def orm_class_attribute(index: ProjectLookup, owner: str, attribute: str) -> bool:
    """`cls.model` of the class `owner`: some class of its lineage binds it to an ORM model."""
    return any(index.is_orm_model(value) for value in lineage.class_attribute_values(index, owner, attribute))
