"""LC301 service-returns-orm: a service hands an ORM model to its caller."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import LIBRARY_CRUD_SCHEMA_KEYWORDS, STATEMENT_RUNNERS
from layercheck.engine.annotations import annotation_names, generic_parameters, project_class_names
from layercheck.engine.declarations import declares_only
from layercheck.engine.names import last_name
from layercheck.engine.rule import Rule
from layercheck.rules.externals import is_external
from layercheck.rules.service_classes import ServiceClasses
from layercheck.rules.sessions import session_receiver
from layercheck.rules.unvalidated_body import REQUEST_TYPES

if TYPE_CHECKING:
    from layercheck.engine.context import FileContext

_MAX_SHOWN = 60
# Query methods that keep (or fetch) the rows of the model queried.
_ROW_METHODS = frozenset(
    {
        "filter", "filter_by", "where", "order_by", "options", "join", "outerjoin", "limit", "offset",
        "distinct", "group_by", "one", "one_or_none", "first", "all", "scalar", "scalar_one", "scalar_one_or_none",
        "scalars",
        "unique", "populate_existing", "with_for_update", "execution_options", "get",
    }
)


# What a return annotation may name and still say nothing of the value.
_SAYS_NOTHING = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object", "builtins.None"})
_SCALARS = frozenset({"builtins.int", "builtins.str", "builtins.bool", "builtins.float", "builtins.bytes"})
# sqlalchemy's and SQLModel's `select`.
_SELECTS = frozenset(
    {"sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select",
     "sqlmodel.select", "sqlmodel.sql.expression.select"}
)


@dataclass
class _Origin:
    """Where a value came from: condition tags for the index, and the callee (or the
    declared type) a message shows, written out only for a finding."""

    tags: tuple[str, ...]
    shown: cst.BaseExpression


@dataclass(frozen=True)
class _Queried:
    """The class a query's rows are instances of: `orm_model` of the class named
    (`db.query(Tag)`), or `orm_return` of the classes a generic base is given
    (`db.query(self.model)` in `class BadgeService(ServiceBase[Badge, BadgeCreate])`)."""

    kind: str
    models: tuple[str, ...]


@dataclass
class _Function:
    name: str
    checked: bool
    # `annotation:<class>` tags: an ORM return annotation is reported once, on itself.
    annotation_tags: tuple[str, ...] = ()
    # Annotated to return a number, a string, a flag or nothing (`-> int`): whatever it
    # returns is no ORM instance (`Model.size_async()` counting rows).
    scalar: bool = False
    # Has a return annotation (what the service says it hands out).
    annotated: bool = False
    # Local names holding a value from a repository call or a constructor.
    origins: dict[str, _Origin] = field(default_factory=dict)
    # Local names holding a statement that selects whole rows of one class
    # (`query = select(Event).where(...)`).
    statements: dict[str, _Queried] = field(default_factory=dict)
    # Local names holding rows, or a legacy query, read through the session
    # (`plan = db.query(Plan).get(id)`, `query = db.query(Plan)`): the model and the call.
    rows: dict[str, tuple[_Queried, str]] = field(default_factory=dict)
    # Its parameters' annotations (`repository: RepositoryType`), for what `self.repository =
    # repository` holds.
    parameters: dict[str, cst.BaseExpression] = field(default_factory=dict)
    # Local names unpacked together from one call (`items, total = await repo.list_page()`):
    # each name's fellow names and where the whole value came from.
    unpacked: dict[str, tuple[frozenset[str], _Origin]] = field(default_factory=dict)
    # Local names bound to an empty list (`items = []`) and filled by `append` since: True
    # while every element appended came from where the name's origin says, False once one
    # came from elsewhere.
    accumulators: dict[str, bool] = field(default_factory=dict)


# The names of the ports a repository implements (`PostGateway`, `UserRepositoryPort`,
# `IUserRepo`, `OrderDao`, `EventStore`).
_DATA_PORT_NAME = re.compile(r"(?i)gateway|repo|dao|store")


class ServiceReturnsOrm(Rule):
    """Flags a service function whose return annotation names an ORM model (also inside
    `list[...]`, `Optional[...]`, `X | None`, tuples, `Sequence[...]`, strings), or which
    returns a value that came, within the function, from a repository call or an ORM
    constructor (`user = await user_repo.get(...)`; `return user`) without being mapped
    to a schema.

    Services never return raw ORM models; they map them to schemas (backend guide, step 3).
    An ORM object leaving the service carries an open session's lazy loads and every column
    to the router.
    """

    code = "LC301"
    layers = frozenset({"service"})

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._functions: list[_Function] = []
        self._classes = ServiceClasses(self.names)
        self._interface = False  # (inside a module-level class that only declares)

    # ----- classes: what a generic base is given, which methods are inherited -----------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.names.at_module_level:
            self._classes.enter(node)
            # A port of the data layer kept among the services (`class PostGateway(Protocol)`
            # of bare signatures, an ABC of abstract methods named for data access): its
            # signatures promise what the repository implementing it returns, judged where it
            # lives. (A service's own interface, `FileUseCase(ABC)`, is what routers call.)
            named = f"{node.name.value} {self.names.module.rsplit('.', 1)[-1]}"  # (`PostReader` of `post_gateway.py`)
            self._interface = bool(_DATA_PORT_NAME.search(named)) and declares_only(node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        if self.names.at_module_level:
            self._classes.leave()
            self._interface = False

    def _generic_model(self, entity: cst.BaseExpression) -> _Queried | None:
        """`self.model` queried in a class given its model by a generic base: instances of
        the classes the base is given (one of them is the ORM model), or of the base's own
        type variable bound to the ORM. In a class given none, the classes its lineage binds
        the attribute to (`model = Hotel` in each subclass of a base that has `model = None`)."""
        attribute = self._own_attribute(entity)
        if attribute is None or self._classes.current is None:
            return None
        if self._classes.current.arguments:
            return _Queried("orm_return", self._classes.current.arguments)
        return _Queried("orm_attribute", (self._classes.current.qualname, attribute))

    def _own_attribute(self, expression: cst.BaseExpression) -> str | None:
        """`model` of `self.model` or `cls.model` (None for `self.Model`, anything else)."""
        if (
            isinstance(expression, cst.Attribute)
            and isinstance(expression.value, cst.Name)
            and expression.value.value in ("self", "cls")
            and not expression.attr.value[:1].isupper()
        ):
            return expression.attr.value
        return None

    # ----- functions and their return annotations ---------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        # (`__call__` is a use case's one method, what its callers get: checked as any other;
        # not a FastAPI dependency class's, which the framework calls with the request)
        called = name == "__call__" and not self._framework_dependency(node)
        dunder = name.startswith("__") and name.endswith("__") and not called
        private = name.startswith("_") and not dunder and not called
        checked = (
            self.names.function_depth == 0
            and not dunder
            and (not private or bool(self.options["check-private"]))
            and not self._interface
        )
        # An `@overload` stub is checked like any signature: each one tells callers what the
        # service hands them (`-> List[DataCategory]` for one literal argument); it has no body.
        function = _Function(name, checked)
        function.parameters = {
            param.name.value: param.annotation.annotation
            for param in (*node.params.params, *node.params.kwonly_params)
            if param.annotation is not None
        }
        if node.returns is not None:
            function.annotated = True
            function.scalar = self._scalar_annotation(node.returns.annotation)
        if checked and node.returns is not None:
            tags = []
            for name_node, qualname in project_class_names(node.returns.annotation, self.names):
                tags.append(f"annotation:{qualname}")
                self.report(
                    name_node,
                    f"service `{name}` returns ORM model `{qualname.rsplit('.', 1)[-1]}`; "
                    "return a Pydantic schema (`Schema.model_validate(...)`)",
                    # (also a type variable bound to the ORM: `-> ModelType` of a generic service)
                    condition=Condition("orm_return", (qualname,)),
                )
            tags.extend(self._report_generic_rows(name, node.returns.annotation))
            if self._names_a_library_type(node.returns.annotation):
                tags.append("typed_return:")  # (`-> Select`, `-> dict`: no rows, whatever the callee's name)
            function.annotation_tags = tuple(tags)
        self._functions.append(function)

    def _report_generic_rows(self, name: str, expression: cst.BaseExpression, returned: bool = False) -> list[str]:
        """`-> PagedResult[User]`, `return PaginatedResponse[Review](items=rows, ...)`: a page
        of the project's making parametrised with an ORM class holds the rows unmapped (the
        index decides the page is a Pydantic class named for pages and the parameter an ORM
        class); the `annotation_page:` tags of what was reported."""
        tags = []
        for found, generic, parameter in generic_parameters(expression, self.names):
            tags.append(f"annotation_page:{generic}|{parameter}")
            shown = f"`{generic.rsplit('.', 1)[-1]}[{parameter.rsplit('.', 1)[-1]}]`"
            self.report(
                found,
                f"service `{name}` returns {shown}, ORM rows in a page of its making; "
                "parametrise it with a Pydantic schema" + (" and map the rows" if returned else ""),
                condition=Condition("orm_in_generic", (generic, parameter)),
            )
        return tags

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.pop()

    def _framework_dependency(self, node: cst.FunctionDef) -> bool:
        """A method taking the request (`request: Request`) or a dependency (`db =
        Depends(get_db)`): FastAPI calls it, as a dependency of the routes."""
        for param in (*node.params.params, *node.params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation is not None else None
            if annotation is not None and self.names.qualified_name(annotation) in REQUEST_TYPES:
                return True
            if isinstance(param.default, cst.Call) and self.names.dependency_marker(param.default):
                return True
        return False

    def _names_a_library_type(self, annotation: cst.BaseExpression) -> bool:
        """Whether a return annotation names a class of a library or a builtin other than
        `Any`, `object` and `None` (`-> Select`, `-> dict[str, int]`): it says what is returned."""
        return any(
            (qualname.startswith("builtins.") or is_external(qualname)) and qualname not in _SAYS_NOTHING
            for _, qualname in annotation_names(annotation, self.names, held=True)
        )

    def _scalar_annotation(self, annotation: cst.BaseExpression) -> bool:
        """`int`, `str`, `bool`, `float`, `bytes`, `None`, and those `| None`."""
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return self._scalar_annotation(annotation.left) and self._scalar_annotation(annotation.right)
        if isinstance(annotation, cst.Name) and annotation.value == "None":
            return True
        return self.names.qualified_name(annotation) in _SCALARS

    # ----- following values --------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._functions:
            self._classes.type_variable(node)
            return  # (no value is followed outside a function)
        origin = self._origin(node.value)
        for target in node.targets:
            self._bind(target.target, origin)
            self._unpack(target.target, origin)
            self._start_accumulator(target.target, node.value)
            if isinstance(node.value, cst.Name) and node.value.value in self._functions[-1].parameters:
                # `self.repository = repository` of `repository: RepositoryType`: held as the
                # type variable's bound, as `self.repository: RepositoryType = ...` would be.
                self._classes.hold(target.target, self._functions[-1].parameters[node.value.value], True)
        if self._functions and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._hold_rows(node.targets[0].target, node.value)
            statements = self._functions[-1].statements
            selected = self._selected_class(node.value)
            if selected is None:
                statements.pop(node.targets[0].target.value, None)
            else:
                statements[node.targets[0].target.value] = selected

    def _start_accumulator(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not self._functions or not isinstance(target, cst.Name):
            return
        accumulators = self._functions[-1].accumulators
        if isinstance(value, cst.List) and not value.elements:
            accumulators[target.value] = True
        else:
            accumulators.pop(target.value, None)

    def visit_Call(self, node: cst.Call) -> None:
        """`rows.append(row)` on a list bound empty in the function: the list holds what
        every appended element came from (`ingredient = await repo.get_or_create(...)`,
        appended in a loop, then `return ingredients`); one element from elsewhere (a
        schema, a number) leaves the list unfollowed."""
        func = node.func
        if (
            not self._functions
            or not isinstance(func, cst.Attribute)
            or func.attr.value != "append"
            or not isinstance(func.value, cst.Name)
            or len(node.args) != 1
            or node.args[0].keyword is not None
            or node.args[0].star
        ):
            return
        function = self._functions[-1]
        name = func.value.value
        if not function.accumulators.get(name):
            return
        origin = self._origin(node.args[0].value)
        if origin is None:
            function.accumulators[name] = False
            function.origins.pop(name, None)
        elif name not in function.origins:
            function.origins[name] = origin

    def _selected_class(self, expression: cst.BaseExpression) -> _Queried | None:
        """The class whose whole rows `select(Event).where(...)` selects (None for columns,
        counts, anything else), or the one a local statement holds."""
        if isinstance(expression, cst.Name) and self._functions:
            return self._functions[-1].statements.get(expression.value)
        call = expression
        while isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
            inner = call.func.value
            if call.func.attr.value not in _ROW_METHODS:
                break
            if isinstance(inner, cst.Name):  # `query.where(...)` on a local statement
                return self._selected_class(inner)
            if not isinstance(inner, cst.Call):
                break
            call = inner
        if not isinstance(call, cst.Call) or len(call.args) != 1 or call.args[0].keyword is not None:
            return None
        if self.names.qualified_name(call.func) not in _SELECTS:
            return None
        return self._entity(call.args[0].value)

    def _entity(self, selected: cst.BaseExpression) -> _Queried | None:
        """The class whose whole rows a query of `selected` gives (`select(Event)`,
        `db.query(self.model)`); None for a column (`select(Event.id)`) or anything else."""
        generic = self._generic_model(selected)
        if generic is not None:
            return generic
        if isinstance(selected, cst.Attribute) and not selected.attr.value[:1].isupper():
            return None  # `select(Event.id)`: a column, not whole rows
        model = self.names.qualified_name(selected)
        if model is None or is_external(model) or model.startswith("builtins."):
            return None
        return _Queried("orm_model", (model,))

    def _hold_rows(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if not self._functions or not isinstance(target, cst.Name):
            return
        queried = self._queried_model(value) if value is not None else None
        if queried is None:
            self._functions[-1].rows.pop(target.value, None)
        else:
            self._functions[-1].rows[target.value] = queried

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._classes.hold(node.target, node.annotation.annotation, bool(self._functions))
        if node.value is not None:
            origin = self._origin(node.value)
            declared = self._declared(node)
            if origin is not None and declared is not None:
                # (an attribute chain the index may not follow, or the service's own method
                # whose rows are no repository's, `db_product: Product = await self.get(id)`:
                # what the local is declared to hold decides too)
                origin = _Origin(origin.tags + declared.tags, origin.shown)
            self._bind(node.target, origin or declared)
        self._hold_rows(node.target, node.value)

    def _declared(self, node: cst.AnnAssign) -> _Origin | None:
        """`user: User = await self.users.get_by_id(user_id)`: a local the function declares
        an instance of a project class, whatever the call's own annotation says (the
        repository is a port typed elsewhere): the index decides the class is ORM."""
        annotation = node.annotation.annotation
        if not self._functions or not isinstance(annotation, (cst.Name, cst.Attribute)):
            return None
        qualname = self.names.qualified_name(annotation)
        if qualname is None or is_external(qualname) or qualname.startswith("builtins."):
            return None
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        return _Origin((f"orm:{qualname}",), value.func if isinstance(value, cst.Call) else annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, None)
        self._hold_rows(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, self._origin(node.value))

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None)
        self._hold_rows(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)

    def _bind(self, target: cst.BaseExpression, origin: _Origin | None) -> None:
        if not self._functions:
            return
        origins = self._functions[-1].origins
        if isinstance(target, cst.Name):
            if origin is None:
                origins.pop(target.value, None)
            else:
                origins[target.value] = origin
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None)

    def _unpack(self, target: cst.BaseExpression, origin: _Origin | None) -> None:
        """Remember the names a call's value is unpacked into (`items, total = await
        repo.list_page(skip)`), which no single origin describes: returned together (`return
        items, total`) they are that value again."""
        unpacked = self._functions[-1].unpacked
        if not isinstance(target, (cst.Tuple, cst.List)):
            if isinstance(target, cst.Name):
                unpacked.pop(target.value, None)
            return
        names = [element.value.value for element in target.elements if isinstance(element.value, cst.Name)]
        for name in names:
            unpacked.pop(name, None)
        if origin is None or len(names) != len(target.elements):
            return
        group = frozenset(names)
        for name in names:
            unpacked[name] = (group, origin)

    def _regrouped(self, elements: list[cst.BaseExpression]) -> _Origin | None:
        """The origin of a call's value whose unpacked names are all returned together
        (`return items, total`, `return total, items`)."""
        if not self._functions:
            return None
        returned = {element.value for element in elements if isinstance(element, cst.Name)}
        unpacked = self._functions[-1].unpacked
        for name in returned:
            found = unpacked.get(name)
            if found is not None and found[0] <= returned:
                return found[1]
        return None

    def _origin(self, expression: cst.BaseExpression) -> _Origin | None:
        """Where a value comes from, if it may be an ORM instance: a call into the project
        (a repository function or method, an ORM constructor), or a name holding one."""
        if isinstance(expression, cst.Await):
            expression = expression.expression
        if isinstance(expression, cst.Name):
            return self._functions[-1].origins.get(expression.value) if self._functions else None
        if isinstance(expression, (cst.ListComp, cst.GeneratorExp)):
            # `[user for user in users if user.active]`: the rows themselves, some of them.
            loop = expression.for_in
            if (
                loop.inner_for_in is None
                and isinstance(expression.elt, cst.Name)
                and isinstance(loop.target, cst.Name)
                and loop.target.value == expression.elt.value
            ):
                return self._origin(loop.iter)
            return None
        if not isinstance(expression, cst.Call):
            return None
        keywords = {arg.keyword.value for arg in expression.args if arg.keyword is not None}
        if keywords & LIBRARY_CRUD_SCHEMA_KEYWORDS:
            return None  # `crud.create(db, object=..., schema_to_select=Read)`: a dict or a schema
        func = expression.func
        if isinstance(func, cst.Attribute):
            inherited = (self._classes.inherited_call(func) if self._functions else ()) or self._classes.held_call(func)
            if inherited:
                return _Origin(inherited, func)
            attribute = self._own_attribute(func)
            current = self._classes.current
            if (
                attribute is not None
                and current is not None
                and self._functions
                and type(func.value) is cst.Name
                and func.value.value == "self"
                and not attribute.startswith("__")
                and (not attribute.startswith("_") or not self._functions[-1].annotated)
                and attribute in current.methods
            ):
                # `return self.create(...)`: what the class's own public method returns (the
                # index reads its annotation); a private helper's too (`_get` annotated `->
                # Student`) for a method that says nothing of what it returns (one annotated
                # `-> ChoiceOut` over `return self._get(i)` trusts its helper to map: the
                # harness's labelers judged it so).
                return _Origin((f"call:{current.qualname}.{attribute}",), func)
            if attribute is not None and current is not None and not current.arguments and self._functions:
                # `cls.model(**data)`: an instance of what the class's lineage binds `model` to
                # (the index decides it is ORM; a method, `self.get_user()`, binds nothing).
                return _Origin((f"class_attribute:{current.qualname}.{attribute}",), func)
        qualname = self.names.qualified_name(func)
        if qualname is not None:
            if is_external(qualname):
                return None
            if _method_of_class_attribute(qualname):
                # `User.created_at.desc()`: an ordering on a column of the class, no row.
                return None
            return _Origin((f"call:{qualname}", f"orm:{qualname}"), func)
        if isinstance(func, cst.Attribute):
            # A method of an annotated or constructed instance: `repo.get()`, `Repo(db).get()`.
            binding = self.names.value_binding(func.value)
            if binding is not None and binding.qualname is None and binding.instance_of:
                if not is_external(binding.instance_of):
                    called = f"{binding.instance_of}.{func.attr.value}"
                    if binding.type_args:
                        # (`cache: CacheRepository[UserOut]`: what the generic was given)
                        return _Origin((f"generic_call:{called}|{','.join(binding.type_args)}",), func)
                    return _Origin((f"call:{called}",), func)
            given = self._classes.given_call(func) if self._functions else ()
            if given:
                return _Origin(given, func)
            member = self.names.member_chain(func.value)
            if member is not None and not is_external(member[0].removeprefix("value:")):
                # `self.uow.posts.create(...)`: the index follows what each attribute holds
                # (the unit of work's annotations) to the repository's method.
                return _Origin((f"member_call:{member[0]}#{member[1]}.{func.attr.value}",), func)
        return None

    def _enveloped(self, call: cst.Call) -> _Origin | None:
        """The origin of an ORM value given to a project callable whose result is returned,
        tagged with the callable (`envelope:<qualname>`); None when no argument may be one."""
        callee = self.names.qualified_name(call.func)
        if callee is None or is_external(callee):
            return None
        for arg in call.args:
            if arg.star:
                continue
            inner = self._origin(arg.value)
            if inner is not None:
                return _Origin((*inner.tags, f"envelope:{callee}"), inner.shown)
        return None

    def _queried_model(self, expression: cst.BaseExpression) -> tuple[_Queried, str] | None:
        """What a service returns straight from its session: `db.query(Tag)...first()`,
        `session.get(User, id)`: the model queried (the index decides it is an ORM class)
        and the call as written; None for anything else, or a count or a flag."""
        if isinstance(expression, cst.Await):
            expression = expression.expression
        if isinstance(expression, cst.IfExp):
            # `row[0] if row else None`: what the branch that has a value gives.
            return self._queried_model(expression.body) or self._queried_model(expression.orelse)
        if isinstance(expression, cst.Subscript) and _first_item(expression):
            # `row[0]` of `row = (await db.execute(select(User))).first()`: the entity itself.
            return self._queried_model(expression.value)
        held = self._functions[-1].rows if self._functions else {}
        if isinstance(expression, cst.Name):
            return held.get(expression.value)  # `result = db.query(Tag).first()` above
        if not isinstance(expression, cst.Call):
            return None
        call = expression
        while isinstance(call.func, cst.Attribute) and isinstance(_awaited(call.func.value), cst.Call):
            # (`(await db.exec(stmt)).first()`: the awaited call's rows)
            if call.func.attr.value not in _ROW_METHODS:
                return None  # `.count()`, `.exists()`, `.delete()`: no rows
            call = _awaited(call.func.value)  # type: ignore[assignment]
        ran = self._ran_by_helper(call, chained=call is not expression)
        if ran is not None:
            return ran
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in held:
            # `query.filter(...).all()` on `query = db.query(Plan)` above.
            return held[func.value.value] if func.attr.value in _ROW_METHODS else None
        if not isinstance(func, cst.Attribute) or not call.args:
            return None
        if func.attr.value in STATEMENT_RUNNERS:
            # `session.exec(query).all()` with `query = select(Event).where(...)`.
            selected = self._selected_class(call.args[0].value)
            if selected is None or session_receiver(self.names, func.value) is False:
                return None
            return selected, self._shown(func)
        if func.attr.value not in ("query", "get", "get_one"):
            return None
        if session_receiver(self.names, func.value) is False:
            return None
        entity = self._entity(call.args[0].value)
        return (entity, self._shown(func)) if entity is not None else None

    def _ran_by_helper(self, call: cst.Call, chained: bool) -> tuple[_Queried, str] | None:
        """`fetch_one_or_404(self.db, query)` of `query = select(self.model).where(...)`: the
        rows of a statement the service built, run by a project function it hands the
        statement to; `utils.apply_pagination_sort(query, ...).all()` of `query =
        db.query(Attendance)`: a legacy query refined by a project function, then run (a
        class built from it, `Page(query)`, is not judged here)."""
        if not self._functions or last_name(call.func)[:1].isupper():
            return None
        function = self._functions[-1]
        found: _Queried | None = None
        for arg in call.args:
            if type(arg.value) is not cst.Name:
                continue
            name = arg.value.value
            if name in function.statements:
                found = function.statements[name]
            elif chained and name in function.rows:
                found = function.rows[name][0]
            if found is not None:
                break
        if found is None:
            return None
        qualname = self.names.qualified_name(call.func)
        if qualname is None or is_external(qualname):
            return None
        # (the index asks what the function hands back: rows, or a page dict of its making)
        return _Queried(f"rows_via:{found.kind}", (qualname, *found.models)), self._shown(call.func)

    def _shown(self, func: cst.BaseExpression) -> str:
        text = " ".join(self.context.code_for(func).split())
        return (text[: _MAX_SHOWN - 3] + "...") if len(text) > _MAX_SHOWN else text

    # ----- returns -----------------------------------------------------------------------------

    def visit_Return(self, node: cst.Return) -> None:
        if not self._functions or node.value is None:
            return
        function = self._functions[-1]
        if not function.checked:
            return
        value = node.value
        elements = [e.value for e in value.elements] if isinstance(value, cst.Tuple) else [value]
        regrouped = self._regrouped(elements) if len(elements) > 1 and not function.scalar else None
        if regrouped is not None:
            # `items, total = await self.repository.list_page(skip)`, then `return items,
            # total`: the call's value handed back whole, as `return await ...list_page(skip)`.
            self.report(
                value,
                f"service `{function.name}` returns ORM data from `{self._shown(regrouped.shown)}()` unmapped; "
                "return a Pydantic schema (`Schema.model_validate(...)`)",
                condition=Condition("unmapped_orm_return", regrouped.tags + function.annotation_tags),
            )
            return
        for element in elements:
            queried = self._queried_model(element)
            if queried is not None:
                self._report_rows(function, element, *queried)
                continue
            if isinstance(element, cst.Call) and isinstance(element.func, cst.Subscript):
                self._report_generic_rows(function.name, element.func, returned=True)
            if isinstance(element, cst.Dict) and not function.scalar and self._report_rows_in_dict(function, element):
                continue
            origin = self._origin(element)
            if origin is None and isinstance(element, cst.Dict):
                # `return {"user": user, "token": token}`: the ORM instance handed out inside a
                # dict of the service's making (reported on the dict, where the return starts).
                origin = next(
                    (
                        found
                        for item in element.elements
                        if isinstance(item, cst.DictElement) and (found := self._origin(item.value)) is not None
                    ),
                    None,
                )
            if function.scalar:
                continue
            enveloped = self._enveloped(element) if isinstance(element, cst.Call) else None
            if enveloped is not None:
                # `return success_service_result(user)`, `ServiceResult(data=user)`: the ORM
                # instance handed out inside an envelope of the project's making (the index
                # tells a plain holder from a schema that maps what it is given).
                self.report(
                    element,
                    f"service `{function.name}` returns ORM data from `{self._shown(enveloped.shown)}()` inside "
                    f"`{self._shown(element.func)}(...)` unmapped; return a Pydantic schema",  # type: ignore[attr-defined]
                    condition=Condition("unmapped_orm_return", enveloped.tags + function.annotation_tags),
                )
            if origin is None:
                continue
            self.report(
                element,
                f"service `{function.name}` returns ORM data from `{self._shown(origin.shown)}()` unmapped; "
                "return a Pydantic schema (`Schema.model_validate(...)`)",
                condition=Condition("unmapped_orm_return", origin.tags + function.annotation_tags),
            )

    def _report_rows(self, function: _Function, element: cst.BaseExpression, entity: _Queried, source: str) -> bool:
        """Report the rows the service queried itself, returned at `element` (a dict of its
        making holding them included); whether it reported."""
        condition = Condition(entity.kind, entity.models)
        if function.annotation_tags:
            if entity.kind != "orm_model":
                return False
            # Reported once, on the return annotation, when that names the model; here when
            # it names a schema the rows are not (`-> TokenData` returning
            # `db.query(User).first()`).
            tags = tuple(f"orm:{model}" for model in entity.models) + function.annotation_tags
            condition = Condition("unmapped_orm_return", tags)
        inside = " inside a dict" if isinstance(element, cst.Dict) else ""
        self.report(
            element,
            f"service `{function.name}` returns ORM data from `{source}()`{inside} unmapped; "
            "return a Pydantic schema (`Schema.model_validate(...)`)",
            condition=condition,
        )
        return True

    def _report_rows_in_dict(self, function: _Function, element: cst.Dict) -> bool:
        """`return {"profile": profile}` of `profile = session.scalar(select(User)...)`: the
        rows the service queried itself handed out inside a dict of its making (reported on
        the dict, where the return starts); whether it reported."""
        for item in element.elements:
            if not isinstance(item, cst.DictElement):
                continue
            queried = self._queried_model(item.value)
            if queried is not None and self._report_rows(function, element, *queried):
                return True
        return False


def _awaited(expression: cst.BaseExpression) -> cst.BaseExpression:
    """What an `await` waits on (the expression itself when it is none)."""
    return expression.expression if isinstance(expression, cst.Await) else expression


def _first_item(subscript: cst.Subscript) -> bool:
    """`row[0]`: the first item of a row (the entity a one-entity `select` gives)."""
    if len(subscript.slice) != 1:
        return False
    index = subscript.slice[0].slice
    return isinstance(index, cst.Index) and isinstance(index.value, cst.Integer) and index.value.value == "0"


def _method_of_class_attribute(qualname: str) -> bool:
    """`app.models.User.created_at.desc`: a column expression's method called on an attribute
    of a class (`desc`, `asc`, `label`...), not the class, its own method or its query manager
    (`User.query.get`)."""
    parts = qualname.split(".")
    last_class = max((place for place, part in enumerate(parts) if part[:1].isupper()), default=None)
    return last_class is not None and len(parts) - last_class == 3 and parts[-1] in _COLUMN_METHODS


# Methods of a mapped column that build an expression (an ordering, a label, a condition).
_COLUMN_METHODS = frozenset(
    {"desc", "asc", "label", "nulls_first", "nulls_last", "like", "ilike", "in_", "not_in", "is_", "isnot", "between"}
)
