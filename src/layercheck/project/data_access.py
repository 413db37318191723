"""Which definitions of the project are data access for their importers (SPEC revision 2:
"a repository class or function is a repository import", wherever it lives): the functions
and classes whose code runs queries, the modules that hold them, and the interfaces the app
reaches them through. Asked by the index for the import contracts and LC202's conditions."""

from __future__ import annotations

from typing import Protocol

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import (
    CONCERN_WORDS,
    DATA_ACCESS_NAME,
    INTERFACE_BASES,
    PROTOCOL_BASES,
    REPOSITORY_NAME,
    named_for,
)
from layercheck.project.lookup import ProjectLookup

# Layers whose querying code is no data access for importers: repositories are it by name;
# a router, service or job that queries is a finding where it queries; tests and
# migrations are not held.
NOT_DATA_ACCESS_LAYERS = frozenset({"repository", "service", "api", "task", "tests", "migrations"})
# Layers that wire the app rather than hold a part of it: a module there is judged like one
# in no layer (`middleware/rbac.py`'s `require_permission` looks the user's roles up to decide;
# routers depending on it import no data access).
_WIRING_LAYERS = frozenset({"middleware", "main"})
# Package names that say "persistence" (`sql/` of query modules too): what a module there
# does is data access first.
_PERSISTENCE_PACKAGES = frozenset({"db", "database", "dao", "daos", "persistence", "sql"})
# Bases that make a class an interface.
# Bases of classes that run in the background, and the endings of such base classes' names.
_WORKER_BASES = frozenset({"threading.Thread", "multiprocessing.Process"})
_WORKER_SUFFIXES = ("Daemon", "DaemonTask", "Worker", "Thread", "BackgroundTask", "PeriodicTask")
# Bases of classes that hold records, not code (beside a module's query functions).
_RECORD_BASES = frozenset(
    {"typing.NamedTuple", "typing.TypedDict", "typing_extensions.NamedTuple", "typing_extensions.TypedDict"}
)
# Builtin scalar types a value type derives from (`class Email(str)`).
_SCALAR_BASES = frozenset({"builtins.str", "builtins.int", "builtins.float", "builtins.bytes"})
# The bases that make a class a plain value (`plain_value`).
_PLAIN_VALUE_BASES = _RECORD_BASES | _SCALAR_BASES
# Querying methods that make a Pydantic class a store rather than a value with a lookup.
_STORE_MIN_QUERIES = 3


class DataAccessLookup(ProjectLookup, Protocol):
    """What these questions ask of the index beyond name resolution."""

    # Module path -> its querying definitions, filled as they are decided.
    data_access_cache: dict[str, frozenset[str]]
    # Qualified name -> whether it is data access, kept when no module's querying
    # definitions nor any port are being decided (an answer given meanwhile rests on a
    # partial one).
    data_access_known: dict[str, bool]
    # How many `data_access_names` are under way (nested through the modules they ask).
    data_access_deciding: int
    # The abstract classes whose implementations are being judged (`_data_access_port`),
    # those found to be ports, and the modules whose querying definitions were decided
    # while one was being judged (in order).
    ports_deciding: set[str]
    ports_found: set[str]
    decided_under_ports: list[str]

    def session_kind(self, qualname: str, depth: int = 0) -> bool | None: ...

    def subclasses_of(self, qualname: str) -> list[str]: ...


def data_access_names(index: DataAccessLookup, module: ModuleFacts) -> frozenset[str]:
    """A module's module-level functions and classes that run queries: those its own
    walk saw query through a session, and those querying through a module-level handle
    of another module that holds one (`await database.fetch_all(query)` with
    `database = Database(url)` in `database.py`)."""
    known = index.data_access_cache.get(module.path)
    if known is not None:
        return known
    found = set(module.extra.get("data_access", ()))
    for name, held in module.extra.get("handle_calls", {}).items():
        if name not in found and any(index.session_kind(item) is True for item in held):
            found.add(name)
    # What is known so far answers a call that comes back here (modules calling each other).
    index.data_access_cache[module.path] = frozenset(found)
    if index.ports_deciding:
        index.decided_under_ports.append(module.path)
    index.data_access_deciding += 1
    try:
        return _more_data_access_names(index, module, found)
    finally:
        index.data_access_deciding -= 1


def _more_data_access_names(index: DataAccessLookup, module: ModuleFacts, found: set[str]) -> frozenset[str]:
    """`data_access_names` past what the module's own walk saw: classes extending a data-access
    class, functions answering from the query modules of their package."""
    if module.layer in NOT_DATA_ACCESS_LAYERS:
        return index.data_access_cache[module.path]
    for name, fact in module.classes.items():
        # `class CRUDTodo(CRUDV2Base[Todo, ...])` adding a query or two to the generic store
        # it extends: it runs the store's queries, so it is data access as its base is.
        if name not in found and any(_extends_data_access(index, base) for base in fact.bases):
            found.add(name)
    if not found:
        return index.data_access_cache[module.path]
    index.data_access_cache[module.path] = frozenset(found)
    package = module.module.rpartition(".")[0] + "."
    for name, called in module.extra.get("calls_out", {}).items():
        # Only the query modules of one package lend each other their queries (`sql/
        # rounds.py` answering from `sql/stages.py`): a factory or a helper elsewhere that
        # calls one query function stays what it is.
        if name not in found and any(item.startswith(package) and _queries(index, item) for item in called):
            # `get_stage_item()` answering from `get_full_tournament_details()` of
            # another query module: data access through it.
            found.add(name)
    known = index.data_access_cache[module.path] = frozenset(found)
    return known


def _extends_data_access(index: DataAccessLookup, base: str) -> bool:
    """Whether a base class is a data-access class of the project: a repository's, or one
    whose methods run the queries in a module that holds data access."""
    resolved = index.resolve(base)
    if resolved.module is None or resolved.name not in resolved.module.classes:
        return False
    if resolved.module.layer == "repository":
        return bool(resolved.module.extra.get("querying_methods", {}).get(resolved.name))
    return is_data_access(index, resolved.qualname)


def _queries(index: DataAccessLookup, qualname: str) -> bool:
    """Whether a project function runs queries (for `data_access_names`)."""
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    return module is not None and name in module.functions and name in data_access_names(index, module)


def runs_queries(index: DataAccessLookup, module: ModuleFacts) -> bool:
    """Whether a module calls a session anywhere (`session_calls`), or queries through a
    project handle of a session (`data_access_names`)."""
    return bool(module.extra.get("session_calls")) or bool(data_access_names(index, module))


def named_for_concern(module: ModuleFacts) -> bool:
    """A module (or a package above it) named for access control, request dependencies or
    validation (`security/permissions.py`, `deps.py`, `assets/access_policy.py`, a
    `validation.py` whose business checks count a project's rows): its lookups decide or
    inject, they do not make it the data-access layer (`data_access.py` ends with "access"
    and is data access)."""
    # (checks by their own name only: `utils/db_validators.py`'s `check_model_existence`,
    # a get-or-404 over any model, is data access)
    words = CONCERN_WORDS | _CHECK_WORDS
    return bool(words.intersection(module.module.split("."))) or named_for(_CONCERN_ENDINGS, module.module)


# The words that name a concern at the end of a module's name (`access_policy`,
# `user_permissions`); "access" alone ends `data_access` too.
_CONCERN_ENDINGS = CONCERN_WORDS - {"access"}
# Modules of checks: the rules a request must pass (`validation.py`, `validators/`).
_CHECK_WORDS = frozenset({"validation", "validations", "validator", "validators"})


def holds_data_access(index: DataAccessLookup, module: ModuleFacts) -> bool:
    """Whether a module's querying definitions are data access for its importers: in a
    database, model or config module, yes; in a module in no layer, when most of its
    public definitions query (in a `db/` package, any), it imports no service or job and
    it is not named for access control or request dependencies (a `core/alerts.py` of
    query functions; not `security/permissions.py`, whose checks look a row up to decide,
    nor a flow that calls services and saves the result). Judged from the module and what it imports,
    so a run on part of the project answers as a whole run does."""
    if module.layer in NOT_DATA_ACCESS_LAYERS:
        return False
    found = data_access_names(index, module)
    if not found:
        return False
    if module.layer is not None and module.layer not in _WIRING_LAYERS:
        return True
    if named_for_concern(module):
        return False
    if _PERSISTENCE_PACKAGES.intersection(module.module.split(".")[:-1]):
        # A module of a `db/` package is data access by its folder: its query functions are,
        # even among statement builders (`database/extra_field_query.py`), and it may enqueue
        # a job after a write (LC103 says so); but `db/common.py` handing out the request's
        # session beside a paginating count is the database module's kit, data access only
        # when most of it queries.
        hands_out = module.extra.get("provides_sessions") or module.extra.get("builds_engine")
        return not hands_out or mostly_queries(index, module)
    if not mostly_queries(index, module):
        return False
    # A module that calls services or enqueues jobs orchestrates (a `flows.py`, a
    # `contexts/datasets.py` that also validates and publishes): repositories do not. A
    # port of the service layer its classes implement (`class TaskQueryServiceImpl(
    # BaseQueryService, TaskQueryService)`) is the adapter's contract, no call.
    implemented = {base for fact in module.classes.values() for base in fact.bases}
    return not any(
        index.layer_of(item.target) in ("service", "task")
        and not index.is_pydantic_model(item.target)
        and not item.target.rsplit(".", 1)[-1].isupper()  # a constant (`START_ELO`) calls nothing
        and item.target not in implemented
        for item in module.imports
    )


def mostly_queries(index: DataAccessLookup, module: ModuleFacts, at_least: int = 1) -> bool:
    """Whether at least half of a module's public functions and classes (and at least
    `at_least` of them) run queries: a module of query functions, not one with a query
    among many other things. The values beside a store class (its Pydantic
    configuration, an enum of drivers, its `Session` subclass) are not counted."""
    found = data_access_names(index, module)
    values = {name for name in module.classes if name not in found and value_class(index, module, name)}
    public = {name for name in (*module.functions, *module.classes) if not name.startswith("_")} - values
    querying = len(public.intersection(found))
    return querying >= at_least and 2 * querying >= len(public) > 0


def value_class(index: DataAccessLookup, module: ModuleFacts, name: str) -> bool:
    """A class that holds values or types a session, not code: Pydantic, a dataclass, an
    enum, a named tuple or a typed dict, an exception."""
    qualname = f"{module.module}.{name}"
    if index.is_pydantic_model(qualname) or index.session_kind(qualname) is True:
        return True
    if name in module.extra.get("record_classes", ()):
        return True
    fact = module.classes.get(name)
    if fact is not None and any(_value_base(index.resolve(base).qualname) for base in fact.bases):
        return True  # `class SpanInsertionEvent(NamedTuple)`, an error raised beside queries
    return is_enum(index, qualname)


def plain_value(index: DataAccessLookup, module: ModuleFacts, name: str) -> bool:
    """An enum, a record (a dataclass, a named tuple, a typed dict) or a value type derived
    from a builtin scalar (`class PhoneStr(str)` validating itself for Pydantic): data with
    no code of its module's layer."""
    if name in module.extra.get("record_classes", ()):
        return True
    fact = module.classes.get(name)
    if fact is not None and any(index.resolve(base).qualname in _PLAIN_VALUE_BASES for base in fact.bases):
        return True
    return is_enum(index, f"{module.module}.{name}")


def _value_base(origin: str) -> bool:
    """A base of record types (`NamedTuple`, `TypedDict`) or a builtin exception."""
    if origin in _RECORD_BASES:
        return True
    module, _, name = origin.rpartition(".")
    return module == "builtins" and name.endswith(("Error", "Exception"))


def is_exception(index: ProjectLookup, qualname: str) -> bool:
    """A project exception class: one deriving from a builtin or a library's exception
    (`class NotFound(HTTPException)`, `class DomainError(Exception)`)."""

    def outside_exception(origin: str) -> bool:
        return origin.rpartition(".")[2].endswith(("Error", "Exception")) and index.class_fact(origin) is None

    return index.derives(qualname, outside_exception)


def is_enum(index: ProjectLookup, qualname: str) -> bool:
    """An `Enum` subclass, also through project bases (`class StrEnum(str, Enum)`)."""
    return index.derives(qualname, lambda origin: origin.startswith("enum."))


def is_data_access(index: DataAccessLookup, qualname: str) -> bool:
    """Whether `qualname` is data access (`_decide_data_access`), remembered: an abstract base
    asks it of every class implementing it, and a router of every name it imports."""
    known = index.data_access_known.get(qualname)
    if known is None:
        known = _decide_data_access(index, qualname)
        if not index.data_access_deciding and not index.ports_deciding:
            index.data_access_known[qualname] = known
    return known


def _decide_data_access(index: DataAccessLookup, qualname: str) -> bool:
    """Whether `qualname` is data access outside the layers that name it (SPEC revision
    2: "a repository class or function is a repository import"): a module-level function
    or class whose code runs queries through a session, or an instance of such a class
    (`Users = UsersTable()`), defined in a database, model or config module or in a
    module in no layer. A service or a router that queries is LC302's or LC201's
    finding where it is, not data access for its importers."""
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    if module is not None and name in module.classes and _data_access_port(index, f"{module.module}.{name}"):
        return True
    if module is None or name is None:
        return False
    if module.layer == "task" and name in module.classes:
        # `daemons/settings_store.py`'s `SettingsStore`, whose methods run the queries,
        # beside the background loops: a store the app queries through, not a job (a class
        # that runs in the background, `SystemSettings(DaemonTask)`, is the job's own).
        qualname = f"{module.module}.{name}"
        return bool(module.extra.get("querying_methods", {}).get(name)) and not (
            index.is_orm_class(qualname) or _background_worker(index, qualname)
        )
    if not holds_data_access(index, module):
        return False
    if module.layer is None and name in module.extra.get("session_takers", ()):
        # `get_system(db: Session, key)` in a module of query functions, handing the
        # session to a model's lookup (`System.get_by(db, ...)`): data access too.
        return True
    if name in data_access_names(index, module):
        # An ORM class with query methods (`User.find(db)`, `user.save(db)`) is an
        # active-record model: importing or calling it is a model's use, not a repository's.
        qualname = f"{module.module}.{name}"
        # A Pydantic value object with a lookup method is a value, not a repository; a
        # Pydantic class of many querying methods is a store (`class SqlZenStore(BaseZenStore)`).
        if index.is_pydantic_model(qualname):
            return module.extra.get("querying_methods", {}).get(name, 0) >= _STORE_MIN_QUERIES
        return not (index.is_orm_class(qualname) or _background_worker(index, qualname))
    target = module.instances.get(name)
    if target is None or index.is_orm_class(target):
        return False
    found = index.class_fact(target)
    return found is not None and holds_data_access(index, found[0]) and (
        found[1].name in data_access_names(index, found[0])
    )


def is_port(index: ProjectLookup, qualname: str) -> bool:
    """An interface of the project that others implement: a `Protocol`, or a class whose
    methods are all abstract or bare signatures (an `ABC` with code of its own, a
    `Service` base with `teardown()`, is a base class of its layer, not a port)."""
    found = index.class_fact(qualname)
    if found is None:
        return False
    module, fact = found
    if any(index.resolve(base).qualname in PROTOCOL_BASES for base in fact.bases):
        return True
    return fact.name in module.extra.get("interfaces", ())


def _data_access_port(index: DataAccessLookup, qualname: str) -> bool:
    """An abstract class (an `ABC`, a `Protocol`) that a concrete project class implements
    by running queries: the interface the app reaches its data layer through
    (`BaseDataLayer`, implemented by a `SQLAlchemyDataLayer` that runs the queries)."""
    if qualname in index.ports_found:
        return True
    if qualname in index.ports_deciding or not _abstract(index, qualname):
        # (asked again while its implementations are being judged, by one of them that
        # extends it: no port so far, and what was decided on that answer is asked again
        # below if it turns out one; else each of a hundred models deriving from an abstract
        # `RecordModel` would ask it anew, one level deeper each time)
        return False
    # A concrete class that implements it runs the queries: a port of the data layer. (An
    # abstract subclass, `RepositoryBase(InfrastructureBase)`, is a port of its own: the
    # `InfrastructureBase` every adapter shares, authenticators and socket managers alike,
    # is none.)
    index.ports_deciding.add(qualname)
    start = len(index.decided_under_ports)
    try:
        implementations = index.subclasses_of(qualname)
        port = any(
            (index.layer_of(sub) == "repository" or is_data_access(index, sub)) and not _abstract(index, sub)
            for sub in implementations
        ) or (not implementations and _repository_protocol(index, qualname))
    finally:
        index.ports_deciding.discard(qualname)
    if port:
        # The modules decided meanwhile took it for no port: they are decided again when asked.
        index.ports_found.add(qualname)
        for path in index.decided_under_ports[start:]:
            index.data_access_cache.pop(path, None)
    if port or not index.ports_deciding:
        # (an outer port still being judged may need them; with none, nothing will)
        del index.decided_under_ports[start:]
    return port


def _repository_protocol(index: DataAccessLookup, qualname: str) -> bool:
    """A `Protocol` named for data access (`OrderRepositoryProtocol`, `UserDAO`) that no
    project class extends: its implementations match it by shape, out of sight of the
    class statements, so its name says what it stands for (SPEC revision 2)."""
    found = index.class_fact(qualname)
    return (
        found is not None
        and bool(DATA_ACCESS_NAME.search(found[1].name))
        and any(index.resolve(base).qualname in PROTOCOL_BASES for base in found[1].bases)
    )


def _abstract(index: DataAccessLookup, qualname: str) -> bool:
    """A project class declared abstract, or an `ABC` or `Protocol` subclass."""
    found = index.class_fact(qualname)
    if found is None:
        return False
    return found[1].is_abstract or any(index.resolve(base).qualname in INTERFACE_BASES for base in found[1].bases)


def _background_worker(index: ProjectLookup, qualname: str) -> bool:
    """A class that runs in the background (`class SystemSettings(DaemonTask)` polling
    the settings table, a `threading.Thread`): it reads the database to keep its state,
    it is no repository the app queries through."""
    return index.derives(
        qualname, lambda origin: origin in _WORKER_BASES or origin.rsplit(".", 1)[-1].endswith(_WORKER_SUFFIXES)
    )


def repository_class(index: DataAccessLookup, module: ModuleFacts, name: str) -> bool:
    """Whether a class of a repository module is data access: its methods query, its
    name says so (`UserRepository`, `UserCRUD`, `UsersTable`), or it derives from a
    project class (`class Users(BaseRepository[User])`); not `class NotSet: ...`."""
    if name in data_access_names(index, module) or REPOSITORY_NAME.search(name):
        return True
    fact = module.classes[name]
    return any(index.class_fact(base) is not None for base in fact.bases)
