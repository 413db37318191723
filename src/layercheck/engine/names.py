"""What a name means in one module, built during the single walk.

The table follows imports and aliases (`import sqlalchemy as sa`, `from x import y as z`),
module-level definitions, local rebinding (a local variable called `select` is not
sqlalchemy's) and a few value kinds the rules need (loggers, and instances whose class is
known from an annotation or a constructor call). It replaces libcst's scope and
qualified-name providers, which cost more than parsing the file.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from layercheck.domain.vocabulary import (
    DEPENDENCY_MARKERS,
    ENGINE_CONNECTING_METHODS,
    ENGINE_FACTORIES,
    LOGGER_DERIVING_METHODS,
    LOGGER_FACTORIES,
    LOGGER_OBJECTS,
    LOGGER_TYPES,
    named_like_engine,
    named_like_logger,
    named_like_session,
    wraps_injected_type,
)

# What `engine.connect()` and `engine.begin()` open.
CONNECTION = "sqlalchemy.engine.Connection"
_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})
# A getter named for repositories (`get_repository`, `get_repo`, `repository`): given a
# class, it hands out an instance of that class.
_REPOSITORY_GETTER = re.compile(r"^(get_|make_|create_)?repo(sitory)?$")
# What calling a session factory opens.
_OPENED_SESSIONS = {
    "sessionmaker": "sqlalchemy.orm.Session",
    "scoped_session": "sqlalchemy.orm.Session",
    "async_sessionmaker": "sqlalchemy.ext.asyncio.AsyncSession",
    "async_scoped_session": "sqlalchemy.ext.asyncio.AsyncSession",
}


@dataclass(frozen=True)
class Binding:
    """What a local name stands for.

    `qualname` is the fully qualified name of what the name refers to (an import target or a
    module-level definition), or None for a plain local value. `logger` is the flavour of a
    logger object ("structlog", "stdlib"), `instance_of` the qualified class of an instance
    known from an annotation or a constructor call, `factory_call` the qualified name of a
    project function whose result the name holds (the index decides what that returns).
    `member` is the `member_chain` of the attribute the value was read from
    (`db = self.dao.db`), for the index to follow. `convention` ("session", "logger") marks
    a value of unknown origin that a name convention covers by where it came from: copied
    from a `session` parameter (`self._s = session`), read off an object's `logger`
    attribute (`logger = manager().logger`): the convention follows the value, not the name
    it is kept under.
    """

    qualname: str | None = None
    logger: str | None = None
    instance_of: str | None = None
    factory_call: str | None = None
    member: tuple[str, str] | None = None
    convention: str | None = None
    # The qualified names a generic project class is parametrised with in the annotation
    # (`cache: CacheRepository[UserOut]`): what its methods annotated with the class's type
    # variables hand out.
    type_args: tuple[str, ...] = ()


LOCAL = Binding()


def state_slot(node: cst.BaseExpression) -> str | None:
    """`db` for `request.state.db` (or `app.state.db`, `websocket.state.db`): the name of a
    slot of Starlette's `state` object, where a middleware or a dependency may keep the
    request's session; None for anything else (`self.state.x` is the object's own)."""
    if not isinstance(node, cst.Attribute):
        return None
    owner = node.value
    if not isinstance(owner, cst.Attribute) or owner.attr.value != "state":
        return None
    root = owner.value
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name) or root.value in ("self", "cls"):
        return None
    return node.attr.value
# What a name bound nowhere in the module may still be: a builtin.
_BUILTIN_NAMES = frozenset(dir(builtins))
# The builtin type of a literal or a comprehension (a name holding one is no session).
_LITERAL_TYPES: dict[type, str] = {
    cst.Dict: "builtins.dict",
    cst.DictComp: "builtins.dict",
    cst.List: "builtins.list",
    cst.ListComp: "builtins.list",
    cst.Set: "builtins.set",
    cst.SetComp: "builtins.set",
    cst.Tuple: "builtins.tuple",
    cst.SimpleString: "builtins.str",
    cst.ConcatenatedString: "builtins.str",
    cst.FormattedString: "builtins.str",
    cst.Integer: "builtins.int",
    cst.Float: "builtins.float",
}
# Modules of the generic containers and protocols whose subscript names what they hold or
# make (`list[User]`, `AsyncIterator[Session]`), not the annotated value's own class.
_GENERIC_CONTAINERS = frozenset({"typing", "typing_extensions", "collections", "builtins", "types"})
# `type[X]`: a value that is the class `X` itself.
_CLASS_OBJECT_TYPES = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})
# A value of a kind the module cannot see, which name conventions must not guess at.
OPAQUE = Binding(instance_of="builtins.object")
# Values of unknown origin taken from a name like `session` or `db`, or read off an
# object's attribute named like a logger (see `Binding`).
_SESSION_NAMED = Binding(convention="session")
_LOGGER_NAMED = Binding(convention="logger")


class _Scope:
    __slots__ = ("names", "is_class", "class_name", "logger")

    def __init__(self, is_class: bool = False, class_name: str | None = None, logger: str | None = None) -> None:
        self.names: dict[str, Binding] = {}
        self.is_class = is_class
        self.class_name = class_name
        # (a class's: the flavour of the logger type it extends, `class Adapter(LoggerAdapter)`)
        self.logger = logger


def chain_root(call: cst.Call) -> cst.Call:
    """The first call of a method chain: `select(User)` in `select(User).where(...)`."""
    root = call
    while isinstance(root.func, cst.Attribute) and isinstance(root.func.value, cst.Call):
        root = root.func.value
    return root


def all_params(params: cst.Parameters) -> list[cst.Param]:
    """Every named parameter: positional-only, positional and keyword-only."""
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def last_name(node: cst.BaseExpression) -> str:
    """The last name of `name` or `a.b.name` (a callee, a decorator, an argument); "" for any
    other expression."""
    kind = type(node)
    if kind is cst.Name:
        return node.value  # type: ignore[attr-defined,no-any-return]
    if kind is cst.Attribute:
        return node.attr.value  # type: ignore[attr-defined,no-any-return]
    return ""


def dotted_name(node: cst.BaseExpression | cst.Attribute | cst.Name) -> str | None:
    """`a.b.c` as a string, or None when the expression is not a plain dotted name."""
    parts: list[str] = []
    current: cst.BaseExpression = node
    # (`type(...) is`: the two classes have no subclasses, and `isinstance` on libcst's
    # abstract-base-class nodes costs several times more on this hot path)
    while type(current) is cst.Attribute:
        parts.append(current.attr.value)  # type: ignore[attr-defined]
        current = current.value  # type: ignore[attr-defined]
    if type(current) is not cst.Name:
        return None
    parts.append(current.value)  # type: ignore[attr-defined]
    return ".".join(reversed(parts))


# Methods an HTTP client shares with a session (`session.get(url)`, `client.delete(url)`).
_HTTP_LIKE_METHODS = frozenset({"get", "delete"})


def http_style_call(call: cst.Call) -> bool:
    """`session.get("https://...")`, `s.delete(f"{base}/items/{id}")`: a method both HTTP
    clients and database sessions have, called with a string first (a URL); a database
    session's `get(Model, key)` or `delete(row)` never takes one."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _HTTP_LIKE_METHODS or not call.args:
        return False
    first = call.args[0]
    return first.keyword is None and isinstance(
        first.value, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)
    )


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by a relative import `from ..target import x`."""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        package_parts = package_parts[: len(package_parts) - (level - 1)]
    base = ".".join(package_parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


class NameTable:
    """Bindings of one module, kept current as the walk goes (register it first)."""

    def __init__(self, module: str, is_package: bool, logger_factories: dict[str, str]) -> None:
        self.module = module
        self.is_package = is_package
        self.logger_factories = {**LOGGER_FACTORIES, **logger_factories}
        self.scopes: list[_Scope] = [_Scope()]
        # Logger-valued attributes per class (`self.log = logging.getLogger()`).
        self.class_attributes: dict[str, dict[str, Binding]] = {}
        # What the annotated methods walked so far return, per class (`def _get_session(self)
        # -> aiohttp.ClientSession`): `session = await self._get_session()` holds that.
        self.method_returns: dict[str, dict[str, Binding]] = {}
        self.function_depth = 0
        self.type_checking_depth = 0
        # Inside the `else:` of `if TYPE_CHECKING:` (`AsyncSession = Any`, the runtime
        # stand-in): a name the typing branch bound keeps that binding, as a type checker reads it.
        self.typing_fallback_depth = 0
        # Qualified names already worked out (by node id) since the bindings last changed:
        # every rule hooked on a call asks for its callee's.
        self._qualified: dict[int, tuple[cst.CSTNode, str | None]] = {}
        # The modules `from x import *` reads at module level, in order: a name bound
        # nowhere else (and no builtin) comes from the last of them.
        self.star_sources: list[str] = []
        # The module's top-level functions and classes, by name (see `note_definitions`).
        self.module_definitions: dict[str, Binding] = {}
        self.type_parameters: dict[str, Binding] = {}

    def note_definitions(self, module: cst.Module) -> None:
        """Record the module's top-level functions and classes before the walk: a function
        body runs after the whole module did, so it may call a helper defined below it
        (`_active_session(...)` under the routes that use it)."""
        self.module_definitions = {
            statement.name.value: Binding(qualname=f"{self.module}.{statement.name.value}")
            for statement in module.body
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
        }
        # `class BaseService[Model: Base]:` (PEP 695): `Model` names the type parameter in
        # the class's signatures; the module's `type_bounds` say what bounds it.
        self.type_parameters = {
            parameter.param.name.value: Binding(qualname=f"{self.module}.{parameter.param.name.value}")
            for statement in module.body
            if isinstance(statement, cst.ClassDef) and statement.type_parameters is not None
            for parameter in statement.type_parameters.params
            if isinstance(parameter.param, cst.TypeVar)
        }

    # ----- lookups used by rules -------------------------------------------------------

    @property
    def at_module_level(self) -> bool:
        return len(self.scopes) == 1

    def lookup(self, name: str) -> Binding | None:
        """The binding of `name` as seen from the current scope (None: builtin or unknown)."""
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.is_class and index != innermost:
                continue  # class bodies do not enclose their methods
            binding = scope.names.get(name)
            if binding is not None:
                return binding
        if self.function_depth:
            found = self.module_definitions.get(name)
            if found is not None:
                return found
        if self.type_parameters and innermost:
            return self.type_parameters.get(name)
        return None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """The fully qualified name an expression refers to, if it is a known dotted name.

        `sa.select` with `import sqlalchemy as sa` is `sqlalchemy.select`; a builtin such as
        `print` is `builtins.print`; a local variable is None.
        """
        known = self._qualified.get(id(node))
        if known is not None:
            return known[1]
        result: str | None = None
        # `type(...) is`: libcst's classes are abstract-base-class subclasses, for which
        # `isinstance` is several times slower, and these two have no subclasses.
        if type(node) is cst.Name:
            binding = self.lookup(node.value)
            if binding is not None:
                result = binding.qualname
            elif self.star_sources and node.value not in _BUILTIN_NAMES:
                result = f"{self.star_sources[-1]}.{node.value}"  # `from app.models import *`
            else:
                result = f"builtins.{node.value}"
        elif type(node) is cst.Attribute:
            base = self.qualified_name(node.value)
            if base is not None and not base.startswith("builtins."):
                result = f"{base}.{node.attr.value}"
        self._qualified[id(node)] = (node, result)  # the node is kept: its id stays its own
        return result

    def callee_key(self, call: cst.Call) -> str | None:
        """The last name of what `call` calls, as resolved (`ge()` after `from os import
        getenv as ge` is `getenv`), or as written for a local or an attribute."""
        qualname = self.qualified_name(call.func)
        if qualname is not None:
            return qualname.rpartition(".")[2]
        func = call.func
        if type(func) is cst.Attribute:
            return func.attr.value
        if type(func) is cst.Name:
            return func.value
        return None

    def value_binding(self, node: cst.BaseExpression) -> Binding | None:
        """What is known of the value of an expression (logger, instance, factory result)."""
        if isinstance(node, cst.Name):
            return self.lookup(node.value)
        if isinstance(node, cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
                owner = self._enclosing_class()
                if owner is not None:
                    attributes = self.class_attributes.get(owner, {})
                    if node.attr.value in attributes:
                        return attributes[node.attr.value]
                    held = self._class_level(owner, node.attr.value)
                    if held is not None and (held.logger or held.qualname in LOGGER_OBJECTS):
                        return held  # `__logger = loguru_logger` in the class body, `cls.__logger`
                    if held is not None and held.instance_of and held.qualname is None and not held.factory_call:
                        return held  # `api: FastAPI` declared in the class body (a model's field)
            qualname = self.qualified_name(node)
            return Binding(qualname=qualname) if qualname else None
        if isinstance(node, cst.Call):
            return self.call_result(node)
        if isinstance(node, cst.Await):
            return None
        return None

    def call_result(self, call: cst.Call) -> Binding | None:
        """What calling `call.func` returns, as far as one module can tell."""
        func = call.func
        if type(func) is cst.Attribute and func.attr.value in ENGINE_CONNECTING_METHODS and self._engine(func.value):
            return Binding(instance_of=CONNECTION)  # `with engine.begin() as conn:`
        if type(func) is cst.Attribute and isinstance(func.value, cst.Name) and func.value.value == "self":
            made = self._session_from_factory_attribute(func.attr.value)
            return made if made is not None else self._own_method_result(func.attr.value)
        made = self.repository_of_class(call)
        if made is not None:
            return made
        qualname = self.qualified_name(func)
        if qualname is not None:
            flavour = self.logger_factories.get(qualname)
            if flavour:
                return Binding(logger=flavour)
            if qualname.startswith("builtins."):
                return None
            if qualname in _CASTS and call.args:
                # `db = cast(AsyncBaseDb, db)`: the value is what the cast says.
                target = self.qualified_name(call.args[0].value)
                return Binding(instance_of=target) if target else None
            # A constructor or a project factory: the index decides which it is.
            return Binding(instance_of=qualname, factory_call=qualname)
        if isinstance(func, cst.Attribute) and func.attr.value in LOGGER_DERIVING_METHODS:
            receiver = self.value_binding(func.value)
            if receiver is not None and receiver.logger:
                return Binding(logger=receiver.logger)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and self.at_module_level:
            # `logger = log_initializer.init_log()` with `log_initializer = LoggerInitializer()`
            # above: what the class's method returns, for the index to follow.
            held = self.lookup(func.value.value)
            if held is not None and held.instance_of and held.factory_call == held.instance_of:
                method = f"{held.instance_of}.{func.attr.value}"
                return Binding(instance_of=method, factory_call=method)
        return None

    def repository_of_class(self, call: cst.Call) -> Binding | None:
        """`uow.get_repository(BookRepository)`: a getter named for repositories, given the
        class, hands out an instance of it (`self.repositories[repo_class]`, made on first
        use), whatever its own annotation can say."""
        func = call.func
        name = last_name(func)
        if not _REPOSITORY_GETTER.search(name) or len(call.args) != 1 or call.args[0].keyword is not None:
            return None
        given = call.args[0].value
        if not isinstance(given, (cst.Name, cst.Attribute)):
            return None
        qualname = self.qualified_name(given)
        if qualname is None or not qualname.rsplit(".", 1)[-1][:1].isupper() or qualname.startswith("builtins."):
            return None
        return Binding(instance_of=qualname)

    def _session_from_factory_attribute(self, attribute: str) -> Binding | None:
        """`self.Session()` where `self.Session = scoped_session(sessionmaker(...))` was set
        in a method: calling a session factory held by the instance opens a session."""
        owner = self._enclosing_class()
        held = self.class_attributes.get(owner, {}).get(attribute) if owner is not None else None
        if held is None or not held.instance_of:
            return None
        library, _, factory = held.instance_of.rpartition(".")
        if library.split(".", 1)[0] not in ("sqlalchemy", "sqlmodel") or factory not in _OPENED_SESSIONS:
            return None
        return Binding(instance_of=_OPENED_SESSIONS[factory])

    def _own_method_result(self, method: str) -> Binding | None:
        """What `self.method()` returns: the method's return annotation when the walk has
        seen it, else the method itself, for the index to follow (a method defined further
        down, or inherited)."""
        owner = self._enclosing_class()
        if owner is None:
            return None
        known = self.method_returns.get(owner, {}).get(method)
        if known is not None:
            return known
        qualname = f"{self.module}.{owner}.{method}"
        return Binding(instance_of=qualname, factory_call=qualname)

    def _engine(self, node: cst.BaseExpression) -> bool:
        """An SQLAlchemy engine: built here by its factory (`self.engine = create_engine(...)`),
        annotated as one, or, where its origin is out of sight, named like one (`engine`)."""
        binding = self.value_binding(node)
        if binding is not None and binding.instance_of:
            return binding.instance_of in ENGINE_FACTORIES
        if isinstance(node, cst.Name):
            return named_like_engine(node.value)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
            return named_like_engine(node.attr.value)
        return False

    def logger_flavour(self, node: cst.BaseExpression) -> str | None:
        """"structlog" or "stdlib" when `node` is a logger object known in this module."""
        binding = self.value_binding(node)
        if binding is None:
            return None
        if binding.logger is None and binding.qualname in LOGGER_OBJECTS:
            return LOGGER_OBJECTS[binding.qualname]  # `from loguru import logger as loguru_logger`
        return binding.logger

    def member_chain(self, receiver: cst.BaseExpression) -> tuple[str, str] | None:
        """`(owner, "repos.users")` for a value reached through attributes of an object whose
        class the index can find: `self.repos.users` in a method (the enclosing class),
        `uow.users` on a parameter annotated `UnitOfWork`, `app.DATABASE.tasks` on a
        module-level object of the project (`value:<qualname>`, typed by the index). None
        for anything else; the index follows what each attribute holds."""
        parts: list[str] = []
        node = receiver
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not parts or not isinstance(node, cst.Name):
            return None
        owner: str | None = None
        if node.value == "self":
            owner = self.enclosing_class_qualname()
        else:
            root = self.lookup(node.value)
            if root is not None and root.qualname is None:
                owner = root.instance_of
            elif root is not None and root.qualname and not root.qualname.startswith("builtins."):
                owner = f"value:{root.qualname}"
        return (owner, ".".join(reversed(parts))) if owner else None

    def enclosing_class_qualname(self) -> str | None:
        """`module.Class` of the module-level class whose method the walk is in."""
        if len(self.scopes) >= 2 and self.scopes[1].is_class and self.scopes[1].class_name:
            return f"{self.module}.{self.scopes[1].class_name}"
        return None

    def _class_level(self, owner: str, name: str) -> Binding | None:
        """The binding of a name assigned in the body of the enclosing class `owner`."""
        for scope in reversed(self.scopes):
            if scope.is_class and scope.class_name == owner:
                return scope.names.get(name)
        return None

    def _enclosing_class(self) -> str | None:
        for scope in reversed(self.scopes):
            if scope.is_class:
                return scope.class_name
        return None

    # ----- binding --------------------------------------------------------------------

    def bind(self, name: str, binding: Binding) -> None:
        if self.typing_fallback_depth and name in self.scopes[-1].names:
            return
        self.scopes[-1].names[name] = binding
        self._qualified.clear()

    def open_scope(self, scope: _Scope) -> None:
        self.scopes.append(scope)
        self._qualified.clear()

    def close_scope(self) -> None:
        self.scopes.pop()
        self._qualified.clear()

    def annotation_binding(self, annotation: cst.BaseExpression | None) -> Binding:
        """The binding implied by a parameter or variable annotation."""
        if annotation is None:
            return LOCAL
        target = annotation
        if isinstance(target, cst.Subscript):
            # Annotated[X, Depends(...)] and Optional[X] both name X first.
            outer = self.qualified_name(target.value) or ""
            if outer in _CLASS_OBJECT_TYPES and len(target.slice) == 1:
                # `repository: type[BaseRepository]`: the class itself, which calling makes
                # an instance of (`self.repository = repository()`).
                inner = target.slice[0].slice
                named = self.qualified_name(inner.value) if isinstance(inner, cst.Index) else None
                return Binding(qualname=named) if named and not named.startswith("builtins.") else LOCAL
            if (outer.rsplit(".", 1)[-1] in ("Annotated", "Optional") or wraps_injected_type(outer)) and target.slice:
                first = target.slice[0].slice
                if isinstance(first, cst.Index):
                    target = first.value
            elif outer and outer.split(".", 1)[0] not in _GENERIC_CONTAINERS:
                # `BaseRepository[ModelType, ...]`, `async_sessionmaker[AsyncSession]`: an
                # instance of the generic class (`list[User]`, `Iterator[Session]` are not).
                arguments = self._type_arguments(target)
                qualname = self.qualified_name(target.value)
                generic = qualname is not None and not (qualname.startswith("builtins.") or qualname in LOGGER_TYPES)
                if generic and arguments:
                    return Binding(instance_of=qualname, type_args=arguments)
                target = target.value
        if isinstance(target, cst.BinaryOperation):  # X | None
            target = target.left
        qualname = self.qualified_name(target)
        if qualname is None or qualname.startswith("builtins."):
            return LOCAL
        flavour = LOGGER_TYPES.get(qualname)
        if flavour:
            return Binding(logger=flavour)
        return Binding(instance_of=qualname)

    def _type_arguments(self, generic: cst.Subscript) -> tuple[str, ...]:
        """The qualified names of a generic's parameters, all of them named (`X[A, B]`), or ()."""
        arguments = []
        for element in generic.slice:
            index = element.slice
            named = self.qualified_name(index.value) if isinstance(index, cst.Index) else None
            if named is None:
                return ()
            arguments.append(named)
        return tuple(arguments)

    def dependency_marker(self, call: cst.Call) -> bool:
        """`Depends(...)`, `Security(...)`: FastAPI's markers of a dependency."""
        return (self.qualified_name(call.func) or "") in DEPENDENCY_MARKERS

    def inside_dependency_marker(self, ancestors: Sequence[cst.CSTNode]) -> bool:
        """Whether a node under `ancestors` is part of a dependency marker's arguments."""
        # (`type(...) is`: asked of every call of a router, and `Call` has no subclasses)
        return any(type(ancestor) is cst.Call and self.dependency_marker(ancestor) for ancestor in ancestors)  # type: ignore[arg-type]

    def dependency_binding(self, default: cst.BaseExpression) -> Binding | None:
        """What an unannotated parameter `db=Depends(get_db)` holds: what the project's
        provider returns, for the index to decide (`get_db() -> DatabaseManager` hands out
        no session, whatever the parameter's name)."""
        if not isinstance(default, cst.Call) or not default.args:
            return None
        # (with FastAPI's dependency markers, the parameter holds what the provider returns)
        if not self.dependency_marker(default):
            return None
        given = default.args[0].value
        if isinstance(given, cst.Call):
            # `Depends(get_repository(UsersRepository))`: the getter, given the class, makes
            # the provider of an instance of it (the realworld app's way of wiring).
            return self.repository_of_class(given)
        provider = self.qualified_name(given)
        if provider is None or provider.startswith("builtins."):
            return None
        return Binding(instance_of=provider, factory_call=provider)

    def bind_target(self, target: cst.BaseExpression, binding: Binding) -> None:
        """Bind an assignment target (names, tuples, `self.attr`)."""
        if isinstance(target, cst.Name):
            self.bind(target.value, binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, LOCAL)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, LOCAL)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            # `self.log = logging.getLogger()`, `self.repo = UserRepository(db)`, `self.db = db`
            # (a parameter annotated with its class): later `self.<attr>` reads know the value.
            if target.value.value == "self" and (binding.logger or binding.instance_of or binding.convention):
                owner = self._enclosing_class()
                if owner is not None:
                    self.class_attributes.setdefault(owner, {})[target.attr.value] = binding

    def value_for_assignment(self, value: cst.BaseExpression | None) -> Binding:
        if value is None:
            return LOCAL
        if isinstance(value, (cst.Name, cst.Attribute)):
            known = self.value_binding(value)
            if known is not None:
                if self.at_module_level and known.qualname is None and not known.logger:
                    return LOCAL
                if known == LOCAL and isinstance(value, cst.Name) and named_like_session(value.value):
                    return _SESSION_NAMED  # `self._s = session`: what `session` is, by its name
                return known
            if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Attribute):
                # `db = self.dao.db`: what the object's attribute holds, which the index
                # follows as it follows `self.dao.db` written in place.
                member = self.member_chain(value)
                if member is not None:
                    return Binding(member=member)
                slot = state_slot(value)
                if slot is not None:
                    # `db = request.state.db` on an unannotated `request`: the slot decides.
                    return Binding(member=("", f"state.{slot}"))
            if isinstance(value, cst.Attribute) and not (
                isinstance(value.value, cst.Name) and value.value.value in ("self", "cls")
            ):
                # `session = request.session`: a value read off another object, whose kind
                # the name it is stored under does not tell (no session, no logger by name);
                # unless the attribute says it by its own name (`manager().logger`), or the
                # object is of a project class whose field says what it holds (`sql_session =
                # params.sql_session` on `params: CreateUserParams`, followed by the index).
                if named_like_logger(value.attr.value):
                    return _LOGGER_NAMED
                member = self.member_chain(value) if isinstance(value.value, cst.Name) else None
                if member is not None and member[0].split(".", 1)[0] == self.module.split(".", 1)[0]:
                    return Binding(member=member)
                return OPAQUE
            return LOCAL
        if isinstance(value, cst.Await):  # `session = await self._get_session()`
            value = value.expression
        if isinstance(value, cst.Call):
            return self.call_result(value) or LOCAL
        literal = _LITERAL_TYPES.get(type(value))
        if literal is not None:
            # `agent_by_session = {...}`: a dict, whatever its name says.
            return Binding(instance_of=literal)
        return LOCAL


def as_assignment(node: cst.TypeAlias) -> cst.Assign:
    """`X = value` for `type X = value`: what collectors read off an alias's assignment."""
    return cst.Assign(targets=[cst.AssignTarget(target=node.name)], value=node.value)


class NameTableBuilder:
    """The visitor that keeps a `NameTable` current; the dispatcher runs it before any rule."""

    def __init__(self, table: NameTable, stack: list[cst.CSTNode]) -> None:
        self.table = table
        # The dispatcher's ancestor stack: its last item is the parent of the visited node.
        self.stack = stack
        # The `else:` branches of `if TYPE_CHECKING:` statements (by id).
        self._typing_fallbacks: set[int] = set()

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.table.bind(alias.asname.name.value, Binding(qualname=full))
            else:
                top = full.split(".", 1)[0]
                self.table.bind(top, Binding(qualname=top))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        source = self.imported_module(node)
        if source is None:
            return
        if isinstance(node.names, cst.ImportStar):
            if self.table.at_module_level:
                self.table.star_sources.append(source)
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            qualname = f"{source}.{name}" if source else name
            self.table.bind(local, Binding(qualname=qualname))

    def imported_module(self, node: cst.ImportFrom) -> str | None:
        """The absolute module an import-from statement reads from."""
        target = dotted_name(node.module) if node.module is not None else None
        level = len(node.relative)
        if level == 0:
            return target
        return resolve_relative(self.table.module, self.table.is_package, level, target)

    # definitions and scopes
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        table = self.table
        if table.at_module_level:
            table.bind(node.name.value, Binding(qualname=f"{table.module}.{node.name.value}"))
        elif not table.scopes[-1].is_class:
            table.bind(node.name.value, LOCAL)
        elif node.returns is not None and table.scopes[-1].class_name is not None:
            returned = table.annotation_binding(node.returns.annotation)
            if returned.logger or returned.instance_of:
                table.method_returns.setdefault(table.scopes[-1].class_name, {})[node.name.value] = returned

    def visit_Parameters(self, node: cst.Parameters) -> None:
        # Parameters are walked after decorators and before the body: open the scope here.
        table = self.table
        # In a method of a logger class (`class ETLAdapter(logging.LoggerAdapter)`), `self`
        # is the logger: `self.info(f"...")` logs.
        logger_class = table.scopes[-1].logger if table.scopes[-1].is_class else None
        table.open_scope(_Scope())
        table.function_depth += 1
        for param in all_params(node):
            annotation = param.annotation.annotation if param.annotation else None
            binding = table.annotation_binding(annotation)
            if binding is LOCAL and param.default is not None:
                binding = table.dependency_binding(param.default) or LOCAL
            if logger_class and binding is LOCAL and param.name.value == "self":
                binding = Binding(logger=logger_class)
            table.bind(param.name.value, binding)
        for star in (node.star_arg, node.star_kwarg):
            if isinstance(star, cst.Param):
                table.bind(star.name.value, LOCAL)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.table.close_scope()
        self.table.function_depth -= 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        # Lambda parameters opened a scope through visit_Parameters.
        self.table.close_scope()
        self.table.function_depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        table = self.table
        if table.at_module_level:
            table.bind(node.name.value, Binding(qualname=f"{table.module}.{node.name.value}"))
        else:
            table.bind(node.name.value, LOCAL)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        parent = self._parent()
        if isinstance(parent, cst.ClassDef):
            bases = (self.table.qualified_name(base.value) for base in parent.bases)
            logger = next((LOGGER_TYPES[base] for base in bases if base in LOGGER_TYPES), None)
            self.table.open_scope(_Scope(is_class=True, class_name=parent.name.value, logger=logger))

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        parent = self._parent()
        if isinstance(parent, cst.ClassDef):
            self.table.close_scope()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.visit_IndentedBlock(node)  # type: ignore[arg-type]

    def leave_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.leave_IndentedBlock(node)  # type: ignore[arg-type]

    def _parent(self) -> cst.CSTNode | None:
        return self.stack[-1] if self.stack else None

    # assignments bind after their value was walked (leave_)
    def leave_Assign(self, node: cst.Assign) -> None:
        binding = self.table.value_for_assignment(node.value)
        if (
            type(node.value) is cst.Subscript  # (first: the cheapest test, on every assignment)
            and self.table.at_module_level
            and len(node.targets) == 1
            and type(node.targets[0].target) is cst.Name
            and (self.table.qualified_name(node.value.value) or "").rsplit(".", 1)[-1] == "Annotated"  # type: ignore[attr-defined]
        ):
            # `UserRepoDep = Annotated[UserRepository, Depends(...)]`: a type of the module's,
            # named as importers name it, so a parameter annotated with it here is typed as
            # it is there (the index reads what the alias names).
            name = node.targets[0].target.value  # type: ignore[attr-defined]
            binding = Binding(qualname=f"{self.table.module}.{name}")
        for target in node.targets:
            self.table.bind_target(target.target, binding)

    def leave_TypeAlias(self, node: cst.TypeAlias) -> None:
        # `type SessionDep = Annotated[AsyncSession, Depends(get_db)]` (Python 3.12): the
        # alias is bound as the assignment it replaces would bind it.
        self.leave_Assign(as_assignment(node))

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        binding = self.table.annotation_binding(node.annotation.annotation)
        if not binding.logger:
            value_binding = self.table.value_for_assignment(node.value)
            # (`app: App = request.app.state.app`: a slot read off an object says less than
            # the class the annotation names)
            read_off = value_binding.member is not None and value_binding.instance_of is None
            if value_binding is not LOCAL and not (read_off and binding.instance_of):
                binding = value_binding
        self.table.bind_target(node.target, binding)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self.table.bind_target(node.target, LOCAL)

    def leave_For(self, node: cst.For) -> None:
        self.table.bind_target(node.target, LOCAL)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.table.bind_target(node.target, LOCAL)

    def leave_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            # `async with async_session_maker() as session`: what the call returns is what
            # the name holds for sessions, HTTP clients and files alike.
            item = node.item
            known = self.table.call_result(item) if isinstance(item, cst.Call) else None
            if isinstance(item, (cst.Name, cst.Attribute)):
                # `with db_session as s:` on a session: entering a session gives the session.
                held = self.table.value_binding(item)
                known = held if held is not None and held.instance_of else None
            self.table.bind_target(node.asname.name, known or LOCAL)

    def leave_NamedExpr(self, node: cst.NamedExpr) -> None:
        # `if data_layer := get_data_layer():` binds like `data_layer = get_data_layer()`
        self.table.bind_target(node.target, self.table.value_for_assignment(node.value))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.table.bind(node.name.name.value, LOCAL)

    def visit_If(self, node: cst.If) -> None:
        test = self.table.qualified_name(node.test) or ""
        if test.endswith("TYPE_CHECKING"):
            self.table.type_checking_depth += 1
            if isinstance(node.orelse, cst.Else):
                self._typing_fallbacks.add(id(node.orelse))

    def leave_If(self, node: cst.If) -> None:
        test = self.table.qualified_name(node.test) or ""
        if test.endswith("TYPE_CHECKING"):
            self.table.type_checking_depth -= 1

    def visit_Else(self, node: cst.Else) -> None:
        if id(node) in self._typing_fallbacks:
            self.table.typing_fallback_depth += 1

    def leave_Else(self, node: cst.Else) -> None:
        if id(node) in self._typing_fallbacks:
            self.table.typing_fallback_depth -= 1
