"""Gathers a module's facts for the project index during the same single walk."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.facts import ClassFact, ImportFact, ModuleFacts
from layercheck.domain.vocabulary import (
    LIBRARY_CRUD_CREATORS,
    SESSION_FACTORY_NAMES,
    SQL_MODULES,
    STATEMENT_RUNNERS,
    STDLIB_MODULE_LOG_FUNCTIONS,
    named_like_logger,
)
from layercheck.engine import app_facts
from layercheck.engine.annotations import annotation_names, forward_name, type_var_bound
from layercheck.engine.declarations import declares_only, maps_columns
from layercheck.engine.names import (
    CONNECTION,
    NameTable,
    NameTableBuilder,
    as_assignment,
    dotted_name,
    last_name,
)
from layercheck.engine.pydantic_config import config_keys
from layercheck.engine.statement_lines import Anchors, line_anchors
from layercheck.engine.walk import walk_subtree

# Session types a project names by subscripting them (`scoped_session[Session]`).
_SCOPED_SESSIONS = frozenset({"scoped_session", "async_scoped_session"})


# Class decorators that make a class a record of values.
_RECORD_DECORATORS = frozenset(
    {
        "dataclasses.dataclass",
        "pydantic.dataclasses.dataclass",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attrs.define",
        "attrs.frozen",
    }
)
# Decorators of a method that reads or converts a value rather than works on it.
_VALUE_DECORATORS = frozenset({"property", "cached_property", "classmethod", "staticmethod", "setter", "getter"})
# The levels a logging wrapper may hand its message to (loguru's `trace`/`success` too).
_WRAPPED_LOG_METHODS = STDLIB_MODULE_LOG_FUNCTIONS | {"trace", "success"}


# The base a declarative base made by a decorator stands for.
_DECLARATIVE_ROOT = "sqlalchemy.orm.DeclarativeBase"
# The metaclass of SQLAlchemy 1.x's declarative bases: `class Base(metaclass=DeclarativeMeta)`
# with a `registry` of its own is the base `declarative_base()` would have made.
_DECLARATIVE_METACLASSES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeMeta",
        "sqlalchemy.orm.decl_api.DeclarativeMeta",
        "sqlalchemy.ext.declarative.DeclarativeMeta",
    }
)
# SQLAlchemy 1.x's classical mapping function (`mapper(User, users_table)`).
_CLASSICAL_MAPPERS = frozenset({"sqlalchemy.orm.mapper", "sqlalchemy.orm.mapperlib.mapper"})


class FactsCollector:
    """Records imports, classes, loggers and aliases into a ModuleFacts."""

    def __init__(self, facts: ModuleFacts, table: NameTable, builder: NameTableBuilder) -> None:
        self.facts = facts
        self.table = table
        self.builder = builder
        # Import records still waiting for a position: the node to locate, its line anchors.
        self.import_nodes: list[tuple[int, cst.CSTNode, Anchors]] = []
        # Whether a package's `__init__.py` updates its globals, and imports modules by name.
        self._updates_globals = False
        self._imports_by_name = False
        self._function_stack: list[str] = []
        # Module-level names made by a repository getter given the class (`get_x_repository =
        # get_repository(XRepository)`): providers of an instance of that class.
        self._repository_providers: set[str] = set()
        # Per unannotated function or method around the walk (None for a function not
        # followed): its key (`f`, `Class.f`), the locals holding column rows, and per
        # `return` True (no ORM row: columns, a converted row), the name of the own method it
        # hands on (`return await self.add(data)`), or False.
        self._column_frames: list[_ColumnFrame | None] = []
        # Module-level globals annotated with classes, and functions annotated to return.
        self._global_types: dict[str, list[str]] = {}
        self._annotated: set[str] = set()
        # `AsyncSession = NewType("AsyncSession", _AsyncSession)`: the new name is the old type.
        self._type_aliases: dict[str, str] = {}
        # The module-level function being walked and its parameters in order, one of which a
        # logging wrapper (`def log_info(msg, *args): logger.info(msg, *args)`, `def
        # dynamic_log(self, level, message)`) logs as the message.
        self._message_parameter: tuple[str, tuple[str, ...]] | None = None
        # A module-level class's method named for a log level and its parameters by position
        # (after `self`): a logging wrapper class (`TRACE_LOG.error(project_id, user_id,
        # message)`) may take the message in any place, which its body shows.
        self._log_method: tuple[str, dict[str, int]] | None = None
        # (module-level function, local) -> the calls whose values were assigned to the local.
        self._local_calls: dict[tuple[str, str], list[cst.Call]] = {}
        self._log_method_node: cst.FunctionDef | None = None
        # The names each local of that method is made of (`msg = self._format(tag, message)`
        # before `self._logger.info(msg)`): the message may reach the logger through one.
        self._log_method_locals: dict[str, list[str]] = {}

    def _add_import(self, target: str, node: cst.CSTNode, is_module: bool) -> None:
        # Called while the walk is on the import statement that holds `node`.
        anchors = line_anchors(node, self.builder.stack, inside_current=True)
        self.import_nodes.append((len(self.facts.imports), node, anchors))
        self.facts.imports.append(
            ImportFact(
                target=target,
                span=None,
                is_module=is_module,
                type_checking=self.table.type_checking_depth > 0,
                in_function=self.table.function_depth > 0,
            )
        )

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            target = dotted_name(alias.name)
            if target is not None:
                self._add_import(target, alias.name, is_module=True)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        source = self.builder.imported_module(node)
        if source is None:
            return
        if isinstance(node.names, cst.ImportStar):
            self._add_import(source, node.names, is_module=True)
            if self.table.at_module_level:
                # `from .base_controllers import *` in a package: its names are re-exported.
                self.facts.extra.setdefault("star_imports", []).append(source)
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name):
                target = f"{source}.{alias.name.value}" if source else alias.name.value
                self._add_import(target, alias.name, is_module=False)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.table.at_module_level:
            self.facts.functions.append(node.name.value)
            params = node.params.params
            self._message_parameter = (node.name.value, tuple(param.name.value for param in params))
        self._record_return_annotation(node)
        scopes = self.table.scopes
        method = node.name.value
        if len(scopes) == 2 and scopes[1].is_class and (method.startswith("log_") or method.endswith("_log")):
            # `TaskContext.log_info(self, message)` handing `message` to `self.logger.info`: a
            # logging wrapper method (keyed `Class.method`).
            logged_after_self = tuple(param.name.value for param in node.params.params[1:])
            self._message_parameter = (f"{scopes[1].class_name}.{method}", logged_after_self)
        if len(scopes) == 2 and scopes[1].is_class and node.name.value in _WRAPPED_LOG_METHODS:
            static = any(
                isinstance(decorator.decorator, cst.Name) and decorator.decorator.value == "staticmethod"
                for decorator in node.decorators
            )
            after_self = [param.name.value for param in node.params.params[0 if static else 1 :]]
            places = {name: place for place, name in enumerate(after_self)}
            self._log_method = (f"{scopes[1].class_name}.{node.name.value}", places)
            if isinstance(node.params.star_arg, cst.Param):
                # `def info(self, msg, *args)`: takes the values of a lazy `%s` template too
                # (`def info(self, message)` does not: a fix handing it values would break).
                self.facts.extra.setdefault("log_method_varargs", []).append(self._log_method[0])
            self._log_method_node = node
            self._log_method_locals = {}
        self._function_stack.append(node.name.value)
        self._column_frames.append(self._column_frame(node))

    def _column_frame(self, node: cst.FunctionDef) -> _ColumnFrame | None:
        """A frame for a module-level function or method of a module-level class, whose
        returns are followed to see whether they give column tuples or converted rows (an
        annotation may say ORM where every `return` converts: what the code returns wins)."""
        key = self._definition_key(node)
        if key is not None and "." in key and node.returns is None:
            # (the methods a class defines unannotated: an inherited one is its base's)
            self.facts.extra.setdefault("unannotated_methods", []).append(key)
        # (an annotated one's returns are only asked whether they convert: no locals kept)
        if key is None:
            return None
        if node.returns is not None:
            return (key, _NO_LOCALS, [], {}, {}, {})
        # (a parameter typed as a scalar, `election_id: int`, holds no row: a dict of it
        # and of numbers worked out from the rows is no ORM data)
        scalars: dict[str, bool] = {
            param.name.value: True
            for param in node.params.params
            if param.annotation is not None
            and type(param.annotation.annotation) is cst.Name
            and param.annotation.annotation.value in _SCALAR_TYPES
        }
        return (key, scalars, [], {}, {}, {})

    def _member_call(self, value: cst.BaseExpression) -> str | None:
        """`<owner>#repository.update` for `await self.repository.update(user)`: a method of
        what an attribute chain of an object holds (`NameTable.member_chain`)."""
        if type(value) is cst.Await:
            value = value.expression  # type: ignore[attr-defined]
        if type(value) is not cst.Call or type(value.func) is not cst.Attribute:  # type: ignore[attr-defined]
            return None
        member = self.table.member_chain(value.func.value)  # type: ignore[attr-defined]
        if member is None:
            return None
        return f"{member[0]}#{member[1]}.{value.func.attr.value}"  # type: ignore[attr-defined]

    def _definition_key(self, node: cst.FunctionDef) -> str | None:
        """`f` for a module-level function, `Class.f` for a method of a module-level class,
        None for anything nested deeper."""
        scopes = self.table.scopes
        if len(scopes) == 1:
            return node.name.value
        if len(scopes) == 2 and scopes[1].is_class:
            return f"{scopes[1].class_name}.{node.name.value}"
        return None

    def _made_here(self, value: cst.BaseExpression) -> str | None:
        """The project class a returned value was built from in place (`return RoomOut(...)`,
        or `result = RoomOut(...)` then `return result`), by its qualified name; None for
        anything else."""
        if type(value) is cst.Await:
            return None
        if type(value) is not cst.Call and type(value) is not cst.Name:
            return None
        binding = self.table.value_binding(value)
        if binding is None or not binding.instance_of or binding.factory_call != binding.instance_of:
            return None
        made = binding.instance_of
        return made if made.rsplit(".", 1)[-1][:1].isupper() and not made.startswith("builtins.") else None

    def _record_return_annotation(self, node: cst.FunctionDef) -> None:
        """What the return annotation of a function or method names, keyed `f` or `Class.f`
        (the index decides whether a repository call returns ORM models)."""
        if node.returns is None:
            return
        if self.table.at_module_level:
            self._annotated.add(node.name.value)
        key = self._definition_key(node)
        if key is None:
            return
        annotation = node.returns.annotation
        named = [qualname for _, qualname in annotation_names(annotation, self.table)]
        if isinstance(annotation, cst.Subscript):
            # `-> async_sessionmaker[AsyncSession]` makes a factory, not a session: the index
            # needs the generic itself too.
            outer = self.table.qualified_name(annotation.value)
            if outer is not None and outer.rsplit(".", 1)[-1] in ("sessionmaker", "async_sessionmaker"):
                named.insert(0, outer)
        self.facts.extra.setdefault("returns", {})[key] = named

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._function_stack.pop()
        frame = self._column_frames.pop()
        if frame is not None and frame[2] and all(flag is True for flag in frame[2]):
            # `return session.query(Movie).group_by(...).values(Movie.genre, func.count(...))`:
            # rows of columns and aggregates, no ORM instances (LC301); so is a row converted
            # on the way out (`return row.to_entity()`).
            self.facts.extra.setdefault("column_returns", []).append(frame[0])
        elif frame is not None and frame[2] and all(flag is True or isinstance(flag, str) for flag in frame[2]):
            # `return await self.add(data)`: what the own methods handed on return (the index
            # follows them from the caller's class); `return result` of `result = RoomOut(
            # ...)`: the class made (the index decides it is no ORM class).
            made = sorted({flag[5:] for flag in frame[2] if isinstance(flag, str) and flag.startswith("made:")})
            handed = sorted({flag for flag in frame[2] if isinstance(flag, str) and not flag.startswith("made:")})
            if handed:
                self.facts.extra.setdefault("delegated_returns", {})[frame[0]] = handed
            if made and not handed:
                self.facts.extra.setdefault("made_returns", {})[frame[0]] = made
        if not self._function_stack:
            self._message_parameter = None
        if node is self._log_method_node:
            self._log_method = self._log_method_node = None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        # `_data_layer: Optional[BaseDataLayer] = None`: what a module-level global holds,
        # for a function that hands it out without a return annotation.
        if self.table.at_module_level and isinstance(node.target, cst.Name):
            if node.value is not None:
                self._literal_value(node.target, node.value)
            named = [qualname for _, qualname in annotation_names(node.annotation.annotation, self.table)]
            if named:
                self._global_types[node.target.value] = named
                if named_like_logger(node.target.value):
                    # `logger: AgnoLogger = agent_logger`: a logger typed with a project class
                    # (the index follows it to `logging.Logger`).
                    self.facts.extra.setdefault("typed_loggers", {})[node.target.value] = named

    def _literal_value(self, target: cst.Name, value: cst.BaseExpression) -> None:
        """`users_db: dict[str, UserSchema] = {...}`: a module-level name bound to a literal
        container (a demo's in-memory table beside the repositories): its methods (`.get()`)
        are the container's, no data access (`callees.is_repository_call`)."""
        if type(value) in _LITERAL_CONTAINERS:
            self.facts.extra.setdefault("literal_values", []).append(target.value)

    def visit_Return(self, node: cst.Return) -> None:
        frame = self._column_frames[-1] if self._column_frames else None
        if node.value is not None and type(node.value) is cst.Name and node.value.value == "None":
            frame = None  # (`return None` beside the other returns: it says nothing either way)
        elif node.value is not None and type(node.value) in (cst.List, cst.Dict, cst.Tuple) and not getattr(
            node.value, "elements", None
        ):
            frame = None  # (nor does `return []` when nothing was found: it holds no row)
        if frame is not None and node.value is not None and frame[1] is _NO_LOCALS:
            frame[2].append(_converted(node.value))  # (annotated: only a conversion beats it)
        elif frame is not None and node.value is not None:
            value = node.value
            if (
                (type(value) is cst.Dict and _plain_value(value))  # `return {"id": str(row.id), ...}`
                or (type(value) is cst.Dict and _dict_of_scalars(value, frame[1]))
                or _column_query(value, frame[1])
                or _own_state_display(value)
                or _converted(value)
                or (type(value) is cst.Name and frame[3].get(value.value) is True)
            ):
                frame[2].append(True)
            elif (made := self._made_here(value)) is not None:
                frame[2].append(f"made:{made}")  # `return RoomOut(...)`: the index asks what it is
            else:
                handed = _own_method_handed_on(value, frame[0])
                if handed is None and type(value) is cst.Name:
                    handed = frame[4].get(value.value)  # `added = await super().add(data)`
                frame[2].append(handed or False)
                member = frame[5].get(value.value) if type(value) is cst.Name else self._member_call(value)
                if handed is None and member is not None:
                    # `return await self.repository.update(user)` (or a local holding it): the
                    # index follows the attribute to its class and asks what the method returns.
                    returned = self.facts.extra.setdefault("member_returns", {}).setdefault(frame[0], [])
                    if member not in returned:
                        returned.append(member)
        if (
            len(self._function_stack) == 1
            and isinstance(node.value, cst.Name)
            and node.value.value in self._global_types
            and self._function_stack[0] not in self._annotated
        ):
            # `def get_data_layer(): ... return _data_layer`: returns what the global holds.
            returns = self.facts.extra.setdefault("returns", {})
            returns.setdefault(self._function_stack[0], list(self._global_types[node.value.value]))
        if (
            len(self._function_stack) == 1
            and self.table.function_depth == 1
            and node.value is not None
            and self._function_stack[0] not in self._annotated
        ):
            self._record_returned_value(self._function_stack[0], node.value)
        # A module-level function returning a logger is a project logger factory, and so is
        # a method of a module-level class (`Logger.get()` returning `cls.__logger`, keyed
        # `Logger.get`).
        if len(self._function_stack) == 1 and node.value is not None and self.table.function_depth == 1:
            flavour = self.table.logger_flavour(node.value)
            if flavour:
                scopes = self.table.scopes
                owner = next((scope.class_name for scope in scopes[1:] if scope.is_class), None)
                key = self._function_stack[0] if owner is None else f"{owner}.{self._function_stack[0]}"
                self.facts.logger_factories[key] = flavour

    def _record_returned_value(self, function: str, value: cst.BaseExpression) -> None:
        """What an unannotated module-level function returns, when a constructor or a factory
        call made it (`return Session(engine)`, or `session = SessionLocal()` then `return
        session`): `Session()`, `app.db.SessionLocal()`, for the index to decide whether the
        function hands out sessions (`with session_make() as s:`)."""
        if type(value) is cst.Tuple:
            # `return engine, session_factory`: what each item was made by, for the names a
            # module unpacks it into (`engine, db_session = create_engine_and_session(url)`).
            items = self.facts.extra.setdefault("tuple_returns", {})
            if function not in items:
                items[function] = [self._returned_maker(function, element.value) for element in value.elements]
            return
        if not isinstance(value, (cst.Call, cst.Name)):
            return
        binding = self.table.value_binding(value)
        if binding is None or not binding.instance_of or binding.logger:
            return
        made = binding.instance_of + "()" if binding.factory_call else binding.instance_of
        inferred = self.facts.extra.setdefault("inferred_returns", {}).setdefault(function, [])
        if made not in inferred:
            inferred.append(made)

    def _returned_maker(self, function: str, value: cst.BaseExpression) -> str | None:
        """What made a returned item; for a local the function assigned in several branches
        (`session = async_sessionmaker(...)` if async, else `scoped_session(sessionmaker(...))`),
        the session factory among what made it: the item opens sessions either way."""
        if type(value) is cst.Name:
            calls = self._local_calls.get((function, value.value), ())
            if len(calls) > 1:
                makers = (self._made_by(call) for call in calls)
                factory = next((maker for maker in makers if maker and maker.endswith("sessionmaker")), None)
                if factory is not None:
                    return factory
        return self._made_by(value)

    def _type_parameter_bounds(self, parameters: cst.TypeParameters) -> None:
        """`class BaseService[Model: Base]:` bounds `Model` as `TypeVar("Model", bound=Base)`
        does (the first class of the module to name a parameter so decides it)."""
        bounds = self.facts.extra.setdefault("type_bounds", {})
        for parameter in parameters.params:
            param = parameter.param
            if isinstance(param, cst.TypeVar) and isinstance(param.bound, (cst.Name, cst.Attribute)):
                bound = self.table.qualified_name(param.bound)
                if bound is not None:
                    bounds.setdefault(param.name.value, bound)
        if not bounds:
            del self.facts.extra["type_bounds"]

    def _made_by(self, value: cst.BaseExpression) -> str | None:
        """The callable whose call made `value` (`async_sessionmaker` for `factory =
        async_sessionmaker(engine)`), when one module can tell."""
        binding = self.table.value_binding(value) if isinstance(value, (cst.Call, cst.Name)) else None
        return binding.factory_call if binding is not None else None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self.table.at_module_level:
            return
        if node.type_parameters is not None:
            self._type_parameter_bounds(node.type_parameters)
        if any(self._record_decorator(decorator) for decorator in node.decorators) and not _has_behaviour(node):
            # `@dataclass class SpoolMatch:` beside query functions: a record, no code. (An
            # `@attr.s class PasswordService:` whose public methods hash and verify is code
            # that the decorator only gives an `__init__`.)
            self.facts.extra.setdefault("record_classes", []).append(node.name.value)
        bases = []
        for arg in node.bases:
            qualname = self.table.qualified_name(arg.value)
            if qualname is None and isinstance(arg.value, cst.Name) and arg.value.value in self.table.scopes[0].names:
                # `BaseClass = declarative_base()` above `class Base(BaseClass)`: a value of
                # this module, named by its module for the index to look it up.
                qualname = f"{self.table.module}.{arg.value.value}"
            if qualname is None:
                qualname = dotted_name(arg.value) if isinstance(arg.value, (cst.Name, cst.Attribute)) else None
            if qualname is None and isinstance(arg.value, cst.Subscript):
                qualname = self.table.qualified_name(arg.value.value)
            if qualname is not None:
                bases.append(qualname)
        if any(self._declares_base(decorator) for decorator in node.decorators) or any(
            keyword.keyword is not None
            and keyword.keyword.value == "metaclass"
            and self.table.qualified_name(keyword.value) in _DECLARATIVE_METACLASSES
            for keyword in node.keywords
        ):
            # `@as_declarative() class Base:` is the declarative base `class Base(DeclarativeBase)`
            # spells out: its subclasses are the ORM's.
            bases.append(_DECLARATIVE_ROOT)
        true_keywords = tuple(
            kw.keyword.value
            for kw in node.keywords
            if kw.keyword is not None and isinstance(kw.value, cst.Name) and kw.value.value == "True"
        )
        has_tablename = False
        is_abstract = False
        attributes: list[str] = []
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else node.body.body
        for statement in body:
            if isinstance(statement, cst.ClassDef):
                attributes.append(statement.name.value)
            elif isinstance(statement, cst.FunctionDef):
                if (
                    any(
                        isinstance(d.decorator, (cst.Name, cst.Attribute))
                        and (dotted_name(d.decorator) or "").endswith("declared_attr")
                        for d in statement.decorators
                    )
                    and statement.name.value == "__tablename__"
                ):
                    # (on the declarative base itself it names its subclasses' tables)
                    has_tablename = has_tablename or not _declares_root(bases)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    names: list[str] = []
                    if isinstance(small, cst.Assign):
                        names = [t.target.value for t in small.targets if isinstance(t.target, cst.Name)]
                        if names == ["__abstract__"] and isinstance(small.value, cst.Name):
                            is_abstract = small.value.value == "True"
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        names = [small.target.value]
                    attributes.extend(names)
                    if "__tablename__" in names:
                        has_tablename = True
        self.facts.classes[node.name.value] = ClassFact(
            name=node.name.value,
            bases=tuple(bases),
            true_keywords=true_keywords,
            has_tablename=has_tablename,
            is_abstract=is_abstract,
            attributes=tuple(attributes),
        )
        if maps_columns(node, self.table):
            # `name: Mapped[str] = mapped_column(...)`: the columns of a mapped class, whatever
            # its bases are (one out of sight, a library's base, is still the ORM's).
            self.facts.extra.setdefault("column_classes", []).append(node.name.value)
        if any(_maps_declaratively(decorator) for decorator in node.decorators):
            # `@mapper_registry.mapped class User:` with a `__table__` or `__tablename__`: a
            # mapped class with no declarative base among its bases.
            self.facts.extra.setdefault("mapped_classes", []).append(f"{self.table.module}.{node.name.value}")
        if declares_only(node):
            # Every method abstract or a bare signature: an interface (a port) for others to
            # implement, with no code of its own layer.
            self.facts.extra.setdefault("interfaces", []).append(node.name.value)
        # Pydantic config keys the class sets itself (LC502 follows them up the bases).
        keys = config_keys(node)
        if keys:
            self.facts.extra.setdefault("config_keys", {})[node.name.value] = keys
        # Environment names a settings class reads (LC802 compares them with `.env.example`).
        settings = app_facts.settings_class(node)
        if settings is not None:
            self.facts.extra.setdefault("settings_classes", {})[node.name.value] = settings

    # A handler for `Exception` registered on an app, anywhere in the module (LC803).
    def visit_Call(self, node: cst.Call) -> None:
        if self.facts.is_package and not self.table.function_depth:
            self._note_dynamic_export(node)
        frame = self._column_frames[-1] if self._column_frames else None
        if frame is not None and frame[3]:
            self._note_appended(frame[3], node)
        if app_facts.registers_catch_all_call(node, self.table):
            self.facts.extra["global_exception_handler"] = True
        mapped = self._imperatively_mapped(node)
        if mapped is not None:
            self.facts.extra.setdefault("mapped_classes", []).append(mapped)
        logged = self._logged_parameter(node, self._message_parameter[1]) if self._message_parameter else None
        if self._message_parameter is not None and logged is not None:
            key = self._message_parameter[0]
            if logged > 0:
                # `def dynamic_log(self, level, message)`: the message comes later (by place).
                self.facts.extra.setdefault("log_wrapper_places", {}).setdefault(key, logged)
            else:
                wrappers = self.facts.extra.setdefault("log_wrappers", [])
                if key not in wrappers:
                    wrappers.append(key)
        if self._log_method is not None:
            position = self._logged_position(node, self._log_method[1])
            if position is not None:
                key = self._log_method[0]
                self.facts.extra.setdefault("log_method_messages", {}).setdefault(key, position)
                parameter = next(name for name, place in self._log_method[1].items() if place == position)
                self.facts.extra.setdefault("log_method_message_names", {}).setdefault(key, parameter)

    def _note_dynamic_export(self, node: cst.Call) -> None:
        """In a package's `__init__.py`, outside functions: `globals().update(...)` and a
        module imported by its name (`importlib.import_module(f".{name}", __name__)` over
        `pkgutil.walk_packages(__path__)`), which together re-export what the package's
        modules define, as `from .module import *` for each would (the index looks there)."""
        func = node.func
        if type(func) is cst.Attribute and func.attr.value == "update" and type(func.value) is cst.Call:
            inner = func.value.func
            if type(inner) is cst.Name and inner.value == "globals" and not func.value.args:
                self._updates_globals = True
        elif self.table.qualified_name(func) in _DYNAMIC_IMPORTS:
            self._imports_by_name = True
        if self._updates_globals and self._imports_by_name:
            self.facts.extra["dynamic_reexport"] = True

    @staticmethod
    def _note_appended(built: dict[str, bool | None], node: cst.Call) -> None:
        """`data.append({"id": str(item.id), "name": item.name})` onto a list a function
        started empty: the list stays one of plain values while every item appended is one."""
        func = node.func
        if type(func) is not cst.Attribute or type(func.value) is not cst.Name:  # type: ignore[attr-defined]
            return
        name = func.value.value  # type: ignore[attr-defined]
        if name not in built or func.attr.value != "append" or len(node.args) != 1:  # type: ignore[attr-defined]
            if name in built and func.attr.value in ("extend", "insert", "__setitem__"):  # type: ignore[attr-defined]
                built[name] = False  # (items of unknown kind)
            return
        built[name] = built[name] is not False and (_plain_value(node.args[0].value) or _converted(node.args[0].value))

    def _declares_base(self, decorator: cst.Decorator) -> bool:
        """`@as_declarative()` (SQLAlchemy's, however imported) or a registry's
        `@reg.as_declarative_base()`."""
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if isinstance(target, cst.Attribute) and target.attr.value == "as_declarative_base":
            return True
        qualname = self.table.qualified_name(target) or ""
        return qualname.startswith("sqlalchemy.") and qualname.rsplit(".", 1)[-1] == "as_declarative"

    def _imperatively_mapped(self, node: cst.Call) -> str | None:
        """The class a classical mapping makes an ORM class, wherever it is defined:
        `mapper_registry.map_imperatively(Book, books_table)` (a `registry` may come from any
        module) or SQLAlchemy 1.x's `mapper(Book, books_table)`."""
        func = node.func
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if len(positional) < 2:
            return None  # (a mapping names the class and its table)
        if isinstance(func, cst.Attribute) and func.attr.value == "map_imperatively":
            pass
        elif self.table.qualified_name(func) not in _CLASSICAL_MAPPERS:
            return None
        return self.table.qualified_name(positional[0].value)

    def _logged_position(self, node: cst.Call, parameters: dict[str, int]) -> int | None:
        """The position of the method parameter that a logger's call inside a wrapper
        class's log method logs as (part of) its message: `self.logger.info(prefix + message)`,
        also through a local (`msg = self._format(tag, message); self._logger.info(msg)`).
        Of several parameters that go into the message, the one named for it (`message`,
        `msg`) is the message: the others are decoration (a tag, a suffix)."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _WRAPPED_LOG_METHODS:
            return None
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        receiver = func.value
        shown = receiver.attr.value if isinstance(receiver, cst.Attribute) else getattr(receiver, "value", "")
        binding = self.table.value_binding(receiver)
        if not ((binding is not None and binding.logger) or named_like_logger(str(shown))):
            return None
        index = 1 if func.attr.value == "log" else 0  # (`self._logger.log(level, msg)`)
        if len(positional) <= index:
            return None
        names = _names_in(positional[index].value)
        names += [made_of for name in names for made_of in self._log_method_locals.get(name, ())]
        found = {name for name in names if name in parameters}
        if len(found) > 1:
            found &= _MESSAGE_PARAMETERS
        return parameters[found.pop()] if len(found) == 1 else None

    def _logged_parameter(self, node: cst.Call, parameters: tuple[str, ...]) -> int | None:
        """The place of the function's parameter that `node` hands to a logger as the message
        (0 for `logger.info(msg, ...)` inside `def log_info(msg, ...)`), or None."""
        func = node.func
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        # (`logging.log(level, msg)` takes the message second; `logger.info(msg=msg)` by name)
        place = 1 if isinstance(func, cst.Attribute) and func.attr.value == "log" else 0
        message = positional[place].value if len(positional) > place else None
        if message is None:
            keyed = (arg.value for arg in node.args if arg.keyword is not None and arg.keyword.value == "msg")
            message = next(keyed, None)
        message = _as_text(message) if message is not None else None
        if not (isinstance(message, cst.Name) and message.value in parameters):
            return None
        return parameters.index(message.value) if self._hands_to_logger(func) else None

    def _hands_to_logger(self, func: cst.BaseExpression) -> bool:
        """Whether the callee `func` is a logger's method or a logging wrapper above."""
        if isinstance(func, cst.Name) and func.value in self.facts.extra.get("log_wrappers", ()):
            # `print_to_log(message, level)` inside `def print_to_log_and_console(message, ...)`:
            # a wrapper of a wrapper defined above it in the module.
            return True
        if not isinstance(func, cst.Attribute) or func.attr.value not in _WRAPPED_LOG_METHODS:
            return False
        receiver = func.value
        binding = self.table.value_binding(receiver)
        if binding is not None and binding.logger:
            return True
        if self.table.qualified_name(receiver) in ("logging", "loguru.logger"):
            return True
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            # `self.logger.info(message)` in a wrapper method
            return receiver.value.value == "self" and named_like_logger(receiver.attr.value)
        return isinstance(receiver, cst.Name) and named_like_logger(receiver.value)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if app_facts.is_catching_middleware(node, self.builder.stack, self.table):
            self.facts.extra["global_exception_handler"] = True

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self.visit_Assign(as_assignment(node))  # `type SessionDep = Annotated[...]`

    def visit_Assign(self, node: cst.Assign) -> None:
        if (
            len(self._function_stack) == 1
            and self.table.function_depth == 1
            and type(node.value) is cst.Call
            and len(node.targets) == 1
            and type(node.targets[0].target) is cst.Name
        ):
            # (the calls kept, what made them asked only of a local a tuple `return` hands out)
            local = node.targets[0].target.value  # type: ignore[attr-defined]
            self._local_calls.setdefault((self._function_stack[0], local), []).append(node.value)
        frame = self._column_frames[-1] if self._column_frames else None
        followed = frame is not None and frame[1] is not _NO_LOCALS
        if followed and len(node.targets) == 1 and type(node.targets[0].target) is cst.Name:
            name = node.targets[0].target.value  # type: ignore[attr-defined]
            frame[1][name] = _column_query(node.value, frame[1]) or _scalar(node.value, frame[1])  # type: ignore[index]
            # (`super().add(...)` only: `self.model(...)` builds what the class attribute holds)
            handed = _base_method_handed_on(node.value, frame[0])  # type: ignore[index]
            if handed is not None:
                frame[4][name] = handed  # type: ignore[index]
            else:
                frame[4].pop(name, None)  # type: ignore[index]
            member = self._member_call(node.value)
            if member is not None:
                frame[5][name] = member  # type: ignore[index]
            else:
                frame[5].pop(name, None)  # type: ignore[index]
            if _empty_list(node.value):
                frame[3][name] = None  # type: ignore[index]  # (judged by what is appended)
            else:
                frame[3].pop(name, None)  # type: ignore[index]
        if app_facts.registers_catch_all_assignment(node, self.table):
            self.facts.extra["global_exception_handler"] = True
        if self._log_method is not None and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._log_method_locals[node.targets[0].target.value] = _message_parts(node.value)
        if not self.table.at_module_level or len(node.targets) != 1:
            return
        target = node.targets[0].target
        value = node.value
        if type(target) is cst.Tuple and type(value) is cst.Call:
            # `async_engine, async_db_session = create_engine_and_session(url)`: each name is
            # the item of what the function returns (the index reads its `tuple_returns`).
            callee = self.table.qualified_name(value.func)
            if callee is not None:
                unpacked = self.facts.extra.setdefault("unpacked", {})
                for position, element in enumerate(target.elements):
                    if type(element.value) is cst.Name:
                        unpacked[element.value.value] = [callee, position]
            return
        if not isinstance(target, cst.Name):
            return
        self._literal_value(target, value)
        if type(value) is cst.Call and self.table.repository_of_class(value) is not None:
            self._repository_providers.add(target.value)
        if isinstance(value, cst.Subscript):
            # `SessionDep = Annotated[AsyncSession, Depends(get_db)]`: an annotation alias.
            outer = self.table.qualified_name(value.value) or ""
            first = value.slice[0].slice if value.slice else None
            if outer.endswith("Annotated") and isinstance(first, cst.Index):
                written = first.value
                if type(written) is cst.SimpleString:
                    # `Annotated["User", Depends(...)]`, the class imported under
                    # `TYPE_CHECKING`: a forward reference names the class all the same.
                    written = forward_name(written) or written  # type: ignore[arg-type]
                inner = self.table.qualified_name(written)
                if inner is None and isinstance(first.value, cst.Subscript):
                    # `Annotated[async_sessionmaker[AsyncSession], Depends(get_session)]`: a
                    # value of the factory, whatever sessions it opens (`.begin()` on it opens
                    # one and runs nothing).
                    generic = self.table.qualified_name(first.value.value) or ""
                    if generic.rsplit(".", 1)[-1] in SESSION_FACTORY_NAMES and generic.split(".", 1)[0] in SQL_MODULES:
                        inner = generic
                if inner is not None:
                    self.facts.extra.setdefault("annotated", {})[target.value] = inner
            elif outer.rsplit(".", 1)[-1] in _SCOPED_SESSIONS and outer.split(".", 1)[0] in ("sqlalchemy", "sqlmodel"):
                # `SessionType = scoped_session[Session]`: the project's name for its sessions.
                self.facts.extra.setdefault("annotated", {})[target.value] = outer
            elif (outer.rsplit(".", 1)[-1] == "Callable" and outer.split(".", 1)[0] in ("typing", "collections")) or (
                outer.rsplit(".", 1)[-1] in SESSION_FACTORY_NAMES and outer.split(".", 1)[0] in SQL_MODULES
            ):
                # `SessionLocalType = Callable[[], AsyncSession]`, `SessionFactoryType =
                # async_sessionmaker[AsyncSession]`: the project's name for its session
                # factory, which makes this module the database's.
                named = [self.table.qualified_name(node) for node in _subscript_names(value)]
                self.facts.extra.setdefault("factory_aliases", {})[target.value] = sorted(filter(None, named))
            elif _generic_class(outer):
                # `UserRepository = RepositoryBase[User, UserCreate]`: a generic class under
                # the name the project gives its parametrisation; the index follows it to a
                # class of the project's (a library's, `CRUDUser = FastCRUD[User, ...]`, stays
                # the project's own name, of the layer of the module that names it).
                self.facts.extra.setdefault("generic_aliases", {})[target.value] = outer
            return
        if not isinstance(value, cst.Call):
            return
        callee = self.table.qualified_name(value.func) or ""
        handed_arg = value.args[0] if value.args else None
        if handed_arg is not None and handed_arg.keyword is None and not handed_arg.star:
            handed_value = handed_arg.value
            plain = isinstance(handed_value, (cst.Name, cst.Attribute))
            handed = self.table.qualified_name(handed_value) if plain else None
            if handed is not None and not handed.startswith("builtins."):
                # `logger = lazy_proxy(_get_logger)`: what a generic factory returns is what
                # the callable it is handed returns (`project/loggers.py`).
                self.facts.extra.setdefault("handed", {})[target.value] = handed
                library = self._library_crud(value.func)
                if library is not None:
                    # `crud_users = CRUDUser(User)` with `CRUDUser = FastCRUD[User, ...]`: a
                    # library's generic CRUD over the model it is handed (`callees.py`).
                    self.facts.extra.setdefault("library_cruds", {})[target.value] = [library, handed]
        if callee.rsplit(".", 1)[-1] == "TypeVar":
            bound = self._type_bound(value)
            if bound is not None:
                # `ModelType = TypeVar("ModelType", bound=Base)`: whatever the caller picks
                # is a subclass of the bound, so a generic service's `-> ModelType` is one.
                self.facts.extra.setdefault("type_bounds", {})[target.value] = bound
            return
        if callee.rsplit(".", 1)[-1] == "NewType" and len(value.args) >= 2:
            argument = value.args[1].value
            aliased = self.table.qualified_name(argument)
            if aliased is None and isinstance(argument, cst.Name):  # a NewType of a NewType
                aliased = self._type_aliases.get(argument.value)
            if aliased is not None:
                self._type_aliases[target.value] = aliased

    def _library_crud(self, func: cst.BaseExpression) -> str | None:
        """The library CRUD class a constructor call makes an instance of (`FastCRUD(User)`,
        `FastCRUD[User, ...](User)`, or a module-level alias of its parametrisation)."""
        if isinstance(func, cst.Subscript):
            func = func.value
        callee = self.table.qualified_name(func) or ""
        if isinstance(func, cst.Name):
            callee = self.facts.extra.get("generic_aliases", {}).get(func.value, callee)
        return callee if callee in LIBRARY_CRUD_CREATORS else None

    def _record_decorator(self, decorator: cst.Decorator) -> bool:
        """`@dataclass`, `@dataclass(frozen=True)`, attrs' `@define`/`@attr.s`."""
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        return (self.table.qualified_name(target) or "") in _RECORD_DECORATORS

    def _type_bound(self, call: cst.Call) -> str | None:
        """The qualified name of a `TypeVar`'s `bound=` (also written as a string)."""
        bound = type_var_bound(call)
        return self.table.qualified_name(bound) if bound is not None else None

    def finish(self) -> None:
        """Copy the module-level bindings the index needs out of the name table."""
        module_prefix = f"{self.table.module}."
        for name, binding in self.table.scopes[0].names.items():
            if binding.logger:
                self.facts.loggers[name] = binding.logger
            elif binding.factory_call is not None:
                self.facts.instances[name] = binding.factory_call
            elif (
                binding.instance_of is not None
                and binding.qualname is None
                and name in self._repository_providers
            ):
                # `get_company_repository = get_repository(CompanyRepository)`: the provider
                # `Depends(get_company_repository)` takes hands out a `CompanyRepository`.
                self.facts.instances[name] = binding.instance_of
                self.facts.extra.setdefault("repository_providers", []).append(name)
            elif binding.instance_of == CONNECTION and binding.qualname is None:
                # `conn = engine.connect()` at module level: a connection the others import
                # and run SQL on, as on a session.
                self.facts.instances[name] = CONNECTION
            elif binding.convention == "logger":
                # `logger = manager().logger`: a logger by its attribute's name (see `loggers.py`)
                self.facts.extra.setdefault("logger_named", []).append(name)
            elif binding.qualname is not None and not binding.qualname.startswith(module_prefix):
                self.facts.bindings[name] = binding.qualname
            elif binding.qualname is not None and binding.qualname != f"{module_prefix}{name}":
                self.facts.bindings[name] = binding.qualname
        for name, aliased in self._type_aliases.items():
            self.facts.instances.pop(name, None)
            self.facts.bindings[name] = aliased


# Literal containers a module-level name may be bound to.
_LITERAL_CONTAINERS = (cst.Dict, cst.List, cst.Set, cst.Tuple, cst.DictComp, cst.ListComp, cst.SetComp)
_TYPING_MODULES = ("typing.", "typing_extensions.", "collections.", "builtins.")


def _as_text(message: cst.BaseExpression) -> cst.BaseExpression:
    """The value itself of `f"{message}"` or `str(message)`: the same text handed on."""
    if (
        isinstance(message, cst.FormattedString)
        and len(message.parts) == 1
        and isinstance(message.parts[0], cst.FormattedStringExpression)
        and message.parts[0].conversion is None
        and message.parts[0].format_spec is None
    ):
        return message.parts[0].expression
    if (
        isinstance(message, cst.Call)
        and isinstance(message.func, cst.Name)
        and message.func.value == "str"
        and len(message.args) == 1
        and message.args[0].keyword is None
        and not message.args[0].star
    ):
        return message.args[0].value
    return message


def _declares_root(bases: list[str]) -> bool:
    """A class deriving from SQLAlchemy's declarative root (`class Base(DeclarativeBase)`, or
    `@as_declarative() class Base:`): the declarative base, not a mapped model."""
    return any(
        base.startswith("sqlalchemy.orm.") and base.rsplit(".", 1)[-1] in ("DeclarativeBase", "DeclarativeBaseNoMeta")
        for base in bases
    )


def _generic_class(qualname: str) -> bool:
    """A class named by a subscript that is no typing construct (`Optional[...]`,
    `list[...]`): a generic class of the project or a library."""
    last = qualname.rsplit(".", 1)[-1]
    return bool(last[:1].isupper()) and not qualname.startswith(_TYPING_MODULES)


def _maps_declaratively(decorator: cst.Decorator) -> bool:
    """`@reg.mapped` or `@reg.mapped_as_dataclass` (with or without arguments)."""
    target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
    return isinstance(target, cst.Attribute) and target.attr.value in ("mapped", "mapped_as_dataclass")


def _names_in(expression: cst.BaseExpression) -> list[str]:
    """The plain names a message is made of: itself, the operands of a concatenation and
    the values of an f-string (`prefix + " | " + message`, `f"{tag}: {message}"`); not
    what goes into other calls (`json.dumps({"user": user_id}) + message`)."""
    if isinstance(expression, cst.Name):
        return [expression.value]
    if isinstance(expression, cst.BinaryOperation):
        return _names_in(expression.left) + _names_in(expression.right)
    if isinstance(expression, cst.FormattedString):
        return [
            name
            for part in expression.parts
            if isinstance(part, cst.FormattedStringExpression)
            for name in _names_in(part.expression)
        ]
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Name) and expression.func.value == "str":
        return [name for arg in expression.args for name in _names_in(arg.value)]
    return []


# The parameter names that say "this is the message" when several go into a log call.
_MESSAGE_PARAMETERS = frozenset({"message", "msg", "text", "event", "log_message"})


def _message_parts(expression: cst.BaseExpression) -> list[str]:
    """The names a local of a logging class's method is made of: as for a message, and
    also the arguments of the call that formats it (`self._format(tag, message, extra)`,
    `format_message(message)`)."""
    names = _names_in(expression)
    if isinstance(expression, cst.Call) and isinstance(expression.func, (cst.Name, cst.Attribute)):
        names += [name for arg in expression.args for name in _names_in(arg.value)]
    return names


def _subscript_names(subscript: cst.Subscript) -> list[cst.BaseExpression]:
    """The names and dotted names in what a `Callable[...]` subscript returns (`AsyncSession`
    in `Callable[[int], AsyncSession]`; not the `Session` it takes in `Callable[[Session],
    UserWriter]`)."""
    found: list[cst.BaseExpression] = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            found.append(node)
            return False

    for element in subscript.slice[-1:]:
        walk_subtree(element, _Names())
    return found


# Query methods that make a query give columns rather than entities (SQLAlchemy 1.x's
# `Query.values(...)`, `with_entities(...)`, `add_columns(...)`).
_COLUMN_QUERY_METHODS = frozenset({"values", "with_entities", "add_columns"})
_WRITE_STATEMENTS = frozenset({"insert", "update", "delete"})
# Calls that import a module named at run time.
_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__", "__import__"})
# Methods that convert a row into another type (a domain entity, a dict, a Pydantic schema).
_CONVERSIONS = frozenset(
    {"to_entity", "to_domain", "to_dto", "to_dict", "as_dict", "to_schema", "to_pydantic", "to_read_model",
     "model_dump", "model_validate", "from_orm"}
)


def _column_query(value: cst.BaseExpression, columns: dict[str, bool] | None = None) -> bool:
    """A call chain through one of `_COLUMN_QUERY_METHODS`
    (`db.query(Movie).group_by(...).values(Movie.genre, func.count(Movie.id))`), a select of
    a table's columns (`select(self.model.__table__.columns).filter_by(...)`) or a statement
    returning them (`.returning(User.__table__.columns)`), a session
    running such a statement, or a chain on a local that holds one (`columns`: `result =
    await session.execute(query)`, then `return result.mappings().all()`)."""
    node = value
    if type(node) in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
        # `[state for state in result.scalars().all() if state]`: whatever a comprehension
        # over columns makes of them, no row comes out.
        return _column_query(node.for_in.iter, columns)  # type: ignore[attr-defined]
    while True:
        if type(node) is cst.Await:
            node = node.expression  # type: ignore[attr-defined]
            continue
        if type(node) is cst.Name:
            return bool(columns and columns.get(node.value))  # type: ignore[attr-defined]
        if type(node) is not cst.Call:
            return False
        func = node.func  # type: ignore[attr-defined]
        called = func.value if type(func) is cst.Name else func.attr.value if type(func) is cst.Attribute else None
        if called == "select" and any(_table_columns(arg.value) for arg in node.args):  # type: ignore[attr-defined]
            return True
        if called == "select" and node.args and all(_model_column(arg.value) for arg in node.args):  # type: ignore[attr-defined]
            return True  # `select(School.state).distinct()`: one column's values
        if (
            called in ("select", "query")
            and node.args  # type: ignore[attr-defined]
            and all(_model_column(arg.value) or _sql_function(arg.value) for arg in node.args)  # type: ignore[attr-defined]
        ):
            return True  # `db.query(Vote.election_id, func.count(Vote.id))`: columns and aggregates
        if type(func) is not cst.Attribute:
            return False
        if called == "returning":
            # `update(User).values(...).returning(User.__table__.columns)`: the written rows'
            # columns; `.returning(User)` gives their entities.
            return bool(node.args) and all(_table_columns(arg.value) for arg in node.args)  # type: ignore[attr-defined]
        if called in _COLUMN_QUERY_METHODS:
            # (`insert(User).values(...)`: the values written, not a query's columns)
            return not _writes_rows(node)
        if called in STATEMENT_RUNNERS and node.args and _column_query(node.args[0].value, columns):  # type: ignore[attr-defined]
            return True  # `session.execute(query)` of a column select held by `query`
        node = func.value


# The column frame of an annotated definition: its locals are not followed.
_NO_LOCALS: dict[str, bool] = {}
# What the returns of a definition are followed with: its key, its locals holding column
# queries, what each `return` gives (True: no ORM instance; a string: an own method handed
# on, or `made:<class>`), its locals started as empty lists (True while every item
# appended is a plain value, None before any), its locals holding what an own method
# returned (the method's name), and its locals holding what a method of an attribute chain
# returned (`<owner>#<chain>.<method>`).
_ColumnFrame = tuple[
    str, dict[str, bool], list[bool | str], dict[str, bool | None], dict[str, str], dict[str, str]
]


def _empty_list(value: cst.BaseExpression) -> bool:
    """`[]` or `list()`."""
    if type(value) is cst.List:
        return not value.elements  # type: ignore[attr-defined]
    return (
        type(value) is cst.Call
        and type(value.func) is cst.Name  # type: ignore[attr-defined]
        and value.func.value == "list"  # type: ignore[attr-defined]
        and not value.args  # type: ignore[attr-defined]
    )


def _plain_value(value: cst.BaseExpression) -> bool:
    """A literal, or a dict or tuple of literals, columns read off a row (`item.name`) and
    conversions (`str(item.id)`): no ORM instance itself (a bare name inside may be one)."""
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float)):
        return True
    if type(value) is cst.Name:
        return value.value in ("None", "True", "False")  # type: ignore[attr-defined]
    if type(value) is cst.Attribute:
        return type(value.value) is cst.Name  # type: ignore[attr-defined]  # `item.name`
    if type(value) is cst.Call:
        func = value.func  # type: ignore[attr-defined]
        if type(func) is cst.Attribute:
            return func.attr.value in ("isoformat", "strftime")  # type: ignore[attr-defined]  # `row.at.isoformat()`
        return type(func) is cst.Name and func.value in ("str", "int", "float", "bool", "getattr")  # type: ignore[attr-defined]
    if type(value) is cst.Dict:
        return all(
            isinstance(element, cst.DictElement) and _plain_or_nested(element.value)
            for element in value.elements  # type: ignore[attr-defined]
        ) and bool(value.elements)  # type: ignore[attr-defined]
    if type(value) is cst.Tuple:
        return all(_plain_value(element.value) for element in value.elements)  # type: ignore[attr-defined]
    return False


# Annotations of parameters that hold no row, and builtins that make a number or a text.
_SCALAR_TYPES = frozenset({"int", "str", "float", "bool", "UUID", "datetime", "date", "Decimal"})
_SCALAR_BUILTINS = frozenset({"len", "sum", "round", "min", "max", "abs", "int", "float", "str", "bool"})


def _scalar(value: cst.BaseExpression, known: dict[str, bool]) -> bool:
    """A number, a text or a truth worked out in place (`total // len(rows)`, `"High"`,
    `round(mean, 2)`), from literals and the locals `known` to hold such values: no row."""
    kind = type(value)
    if kind in (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString):
        return True
    if kind is cst.Name:
        return value.value in ("True", "False") or known.get(value.value) is True  # type: ignore[attr-defined]
    if kind is cst.BinaryOperation:
        return _scalar(value.left, known) and _scalar(value.right, known)  # type: ignore[attr-defined]
    if kind is cst.Subscript:
        return type(value.value) is cst.Name and known.get(value.value.value) is True  # type: ignore[attr-defined]
    if kind is cst.UnaryOperation:
        return _scalar(value.expression, known)  # type: ignore[attr-defined]
    if kind is cst.Comparison:
        return True
    if kind is cst.IfExp:
        return _scalar(value.body, known) and _scalar(value.orelse, known)  # type: ignore[attr-defined]
    if kind is cst.Dict:
        return _dict_of_scalars(value, known)  # type: ignore[arg-type]  # `{"LOW": 0, "HIGH": 0}`
    if kind is cst.Call:
        func = value.func  # type: ignore[attr-defined]
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            return known.get(func.value.value) is True  # `counts.get("LOW", 0)` of such a local
        return type(func) is cst.Name and func.value in _SCALAR_BUILTINS
    return False


def _dict_of_scalars(value: cst.Dict, known: dict[str, bool]) -> bool:
    """`{"election_id": election_id, "predicted_turnout": predicted, "status": "..."}`: a
    dict whose values are plain or worked-out scalars (`_scalar`), at least one of them."""
    return bool(value.elements) and all(
        isinstance(element, cst.DictElement)
        and (_plain_or_nested(element.value) or _scalar(element.value, known))
        for element in value.elements
    )


def _plain_or_nested(value: cst.BaseExpression) -> bool:
    """A dict's value: plain, or a conditional between plain values (`admin.id if admin else
    None`), or a nested dict of them."""
    if type(value) is cst.IfExp:
        return _plain_or_nested(value.body) and _plain_or_nested(value.orelse)  # type: ignore[attr-defined]
    if type(value) is cst.BooleanOperation and isinstance(value.right, (cst.Integer, cst.Float, cst.SimpleString)):  # type: ignore[attr-defined]
        return True  # `students_count or 0`: a count with its default
    return _plain_value(value)


def _converted(value: cst.BaseExpression) -> bool:
    """`row.to_entity()`, `UserOut.model_validate(row)`, `[r.to_dict() for r in rows]`: rows
    converted to another type on the way out, no ORM instance handed on."""
    if type(value) is cst.Await:
        value = value.expression  # type: ignore[attr-defined]
    if type(value) in (cst.ListComp, cst.SetComp, cst.GeneratorExp):
        value = value.elt  # type: ignore[attr-defined]
        if _plain_value(value):
            return True  # `[{"id": str(item.id), "name": item.name} for item in rows]`
    if type(value) is cst.Attribute and value.attr.value == "__dict__":  # type: ignore[attr-defined]
        return True  # `row.__dict__`: the row's attributes, a dict
    if type(value) is not cst.Call or type(value.func) is not cst.Attribute:  # type: ignore[attr-defined]
        return False
    method = value.func.attr.value.lstrip("_")  # type: ignore[attr-defined]
    if method in _CONVERSIONS or method.startswith("map_to_"):
        return True
    if any(method.endswith(f"_{conversion}") for conversion in _CONVERSIONS if conversion.startswith("to_")):
        return True  # `self._lesson_to_dict(lesson, ...)`
    # `self.mapper.map(row)`, `UserDataMapper.map_to_domain_entity(row)`: a data mapper's work
    receiver = value.func.value  # type: ignore[attr-defined]
    if type(receiver) is cst.Attribute:
        held = receiver.attr.value  # type: ignore[attr-defined]
    else:
        held = receiver.value if type(receiver) is cst.Name else ""  # type: ignore[attr-defined]
    return "mapper" in held.lower()


def _own_method_handed_on(value: cst.BaseExpression, key: str) -> str | None:
    """`add` in `return await self.add(data)`, or in `await super().add(data)` from another
    method than `add` (the class's `add` is then its base's): the own method whose result is
    returned from the definition `key`."""
    if type(value) is cst.Await:
        value = value.expression  # type: ignore[attr-defined]
    if type(value) is not cst.Call or type(value.func) is not cst.Attribute:  # type: ignore[attr-defined]
        return None
    owner = value.func.value  # type: ignore[attr-defined]
    if type(owner) is cst.Name:
        return value.func.attr.value if owner.value == "self" else None  # type: ignore[attr-defined]
    return _base_method_handed_on(value, key)


def _base_method_handed_on(value: cst.BaseExpression, key: str) -> str | None:
    """`add` in `await super().add(data)` from another method than `add` of the definition
    `key`: the base's method whose result the class's `add` is."""
    if type(value) is cst.Await:
        value = value.expression  # type: ignore[attr-defined]
    if type(value) is not cst.Call or type(value.func) is not cst.Attribute:  # type: ignore[attr-defined]
        return None
    owner = value.func.value  # type: ignore[attr-defined]
    method: str = value.func.attr.value  # type: ignore[attr-defined]
    if (
        type(owner) is cst.Call
        and type(owner.func) is cst.Name  # type: ignore[attr-defined]
        and owner.func.value == "super"  # type: ignore[attr-defined]
        and not owner.args  # type: ignore[attr-defined]
        and method != key.rpartition(".")[2]
    ):
        return method
    return None


def _writes_rows(value: cst.BaseExpression) -> bool:
    """Whether a call chain starts from `insert(...)`, `update(...)` or `delete(...)`, whose
    `.values(...)` are the values written, not a query's columns."""
    node = value
    while type(node) is cst.Call:
        func = node.func  # type: ignore[attr-defined]
        if type(func) is cst.Name:
            return func.value in _WRITE_STATEMENTS
        if type(func) is not cst.Attribute:
            return False
        if type(func.value) is not cst.Call:
            return func.attr.value in _WRITE_STATEMENTS  # `sa.insert(User)`
        node = func.value
    return False


def _sql_function(expression: cst.BaseExpression) -> bool:
    """`func.count(Vote.id)`, `func.min(Vote.timestamp).label("start")`: an aggregate or a SQL
    function's value, no entity."""
    if (
        type(expression) is cst.Call
        and type(expression.func) is cst.Attribute  # type: ignore[attr-defined]
        and expression.func.attr.value in ("label", "distinct")  # type: ignore[attr-defined]
        and type(expression.func.value) is cst.Call  # type: ignore[attr-defined]
    ):
        expression = expression.func.value  # type: ignore[attr-defined]
    if type(expression) is not cst.Call or type(expression.func) is not cst.Attribute:  # type: ignore[attr-defined]
        return False
    owner = expression.func.value  # type: ignore[attr-defined]
    return type(owner) is cst.Name and owner.value == "func"


def _model_column(expression: cst.BaseExpression) -> bool:
    """`School.state`, `models.School.state`, `School.state.label("s")`: a column of a class
    (capitalised) read as its attribute (lowercase); `select(User)` and `select(self.model)`
    select entities."""
    if (
        type(expression) is cst.Call
        and type(expression.func) is cst.Attribute  # type: ignore[attr-defined]
        and expression.func.attr.value in ("label", "distinct")  # type: ignore[attr-defined]
    ):
        expression = expression.func.value  # type: ignore[attr-defined]
    if type(expression) is not cst.Attribute:
        return False
    attribute = expression.attr.value  # type: ignore[attr-defined]
    owner = expression.value  # type: ignore[attr-defined]
    owner_name = owner.value if type(owner) is cst.Name else owner.attr.value if type(owner) is cst.Attribute else ""
    return attribute[:1].islower() and not attribute.startswith("__") and owner_name[:1].isupper()


def _table_columns(expression: cst.BaseExpression) -> bool:
    """`User.__table__.columns`, `self.model.__table__.c`: a table's columns, not its entity."""
    return (
        type(expression) is cst.Attribute
        and expression.attr.value in ("columns", "c")  # type: ignore[attr-defined]
        and type(expression.value) is cst.Attribute  # type: ignore[attr-defined]
        and expression.value.attr.value == "__table__"  # type: ignore[attr-defined]
    )


def _own_state_display(value: cst.BaseExpression) -> bool:
    """`{"total": await self.total, "page": self.page, "size": 20}`: a dict of the object's
    own attributes and constants (a paginator's page info), no rows handed on."""
    if type(value) is not cst.Dict:
        return False
    for element in value.elements:  # type: ignore[attr-defined]
        if not isinstance(element, cst.DictElement):
            return False
        item = element.value.expression if type(element.value) is cst.Await else element.value
        if isinstance(item, (cst.Integer, cst.Float, cst.SimpleString, cst.Name)):
            if type(item) is cst.Name and item.value not in ("None", "True", "False"):
                return False
            continue
        if not (type(item) is cst.Attribute and type(item.value) is cst.Name and item.value.value == "self"):
            return False
    return bool(value.elements)  # type: ignore[attr-defined]


def _has_behaviour(node: cst.ClassDef) -> bool:
    """Whether a record-decorated class holds no fields and defines a public instance
    method (properties, class and static methods aside): code the decorator only gives an
    `__init__` (`@attr.s class PasswordService:` hashing and verifying), where an entity's
    methods work on the fields it holds (`@dataclass class User:` with `deactivate()`)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return False
    works = False
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(item, (cst.AnnAssign, cst.Assign)) for item in statement.body
        ):
            return False  # a field (`email: str = ""`, `name = attr.ib()`)
        if not isinstance(statement, cst.FunctionDef) or statement.name.value.startswith("_"):
            continue
        if any(
            isinstance(decorator.decorator, (cst.Name, cst.Attribute))
            and last_name(decorator.decorator) in _VALUE_DECORATORS
            for decorator in statement.decorators
        ):
            continue
        works = True
    return works
