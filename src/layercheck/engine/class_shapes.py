"""What a class's own code shows it is, read off its definition alone: a class mapped to a
table, SQLAlchemy's abstract declarative base, a unit of work that commits and rolls back,
what its bases are. `engine/roles.py` counts them into a module's role evidence."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.vocabulary import ORM_BASE_FACTORIES
from layercheck.engine.names import NameTable, last_name
from layercheck.engine.walk import iter_children

_CONTEXT_METHODS = frozenset({"__enter__", "__aenter__"})
_TRANSACTION_METHODS = frozenset({"commit", "rollback"})
# What a transaction manager's methods may be besides: it begins the session's transaction
# and ends what the session began.
_FINISHING_METHODS = frozenset({"begin", "commit", "rollback", "flush", "close"})
_CONTEXT_DECORATORS = frozenset({"contextmanager", "asynccontextmanager"})


def declarative_mixin(table: NameTable, node: cst.Call) -> str | None:
    """`BaseClass` of `Base = declarative_base(cls=BaseClass)`: the class every model derives
    from through the base (its `filter_by(session)` is active record, no store's)."""
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "cls" and type(arg.value) is cst.Name:
            if (table.qualified_name(node.func) or "") in ORM_BASE_FACTORIES:
                return arg.value.value  # type: ignore[attr-defined]
    return None


def from_database_library(table: NameTable, base: cst.Arg) -> bool:
    """A base class of SQLAlchemy's or SQLModel's own (`DeclarativeBase`, `SQLModel`, `Session`)."""
    value = base.value.value if isinstance(base.value, cst.Subscript) else base.value
    return (table.qualified_name(value) or "").startswith(("sqlalchemy.", "sqlmodel."))


def base_name(table: NameTable, base: cst.Arg) -> str:
    """The last name of a class's base as resolved (`CRUDBase` for `CRUDBase[User, ...]`)."""
    value = base.value.value if isinstance(base.value, cst.Subscript) else base.value
    return (table.qualified_name(value) or "").rsplit(".", 1)[-1]


def maps_a_table(node: cst.ClassDef) -> bool:
    """`class Tag(Base): __tablename__ = "tags"`, `class TagSchema(BaseSchema, table=True)`."""
    for keyword in node.keywords:
        if keyword.keyword is not None and keyword.keyword.value == "table" and _is_true(keyword.value):
            return True
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = (
                [target.target for target in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
                if isinstance(small, cst.AnnAssign)
                else []
            )
            if any(isinstance(target, cst.Name) and target.value == "__tablename__" for target in targets):
                return True
    return False


def declared_abstract(node: cst.ClassDef) -> bool:
    """`__abstract__ = True` in the class's body: SQLAlchemy's abstract declarative class."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == "__abstract__"
                    and _is_true(small.value)
                ):
                    return True
    return False


def _is_true(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "True"


def unit_of_work(node: cst.ClassDef) -> bool:
    """A context manager class that commits or rolls back: `commit` and `rollback` methods
    of its own, or an `__aexit__` that calls them (on the session it holds); a class
    whose context-manager method commits or rolls back around its `yield`
    (`@asynccontextmanager async def transaction(self)`, a transaction manager); or one
    whose public methods only begin, commit, roll back, flush or close the session it holds."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    methods = {statement.name.value: statement for statement in body if isinstance(statement, cst.FunctionDef)}
    if any(_context_manager(method) and _calls_transaction_method(method) for method in methods.values()):
        return True
    public = {name for name in methods if not name.startswith("_")}
    if public & _TRANSACTION_METHODS and public <= _FINISHING_METHODS:
        # `SqlaTransactionManager.commit()` committing the session it was given, and nothing
        # else: the transaction manager a use case commits through (a port's adapter).
        return any(_calls_transaction_method(methods[name]) for name in public)
    if not methods.keys() & _CONTEXT_METHODS:
        return False
    # (`_commit` and `_rollback` behind the context's `__aexit__` are its own all the same)
    if _TRANSACTION_METHODS <= {name.lstrip("_") for name in methods}:
        return True
    finishing = [methods[name] for name in ("__exit__", "__aexit__") if name in methods]
    return any(_calls_transaction_method(method) for method in finishing)


def _context_manager(method: cst.FunctionDef) -> bool:
    """Decorated `@contextmanager` or `@asynccontextmanager` (bare or `contextlib.`)."""
    for decorator in method.decorators:
        if last_name(decorator.decorator) in _CONTEXT_DECORATORS:
            return True
    return False


def _calls_transaction_method(method: cst.FunctionDef) -> bool:
    """Whether the method calls `.commit()` or `.rollback()` anywhere in it (a walk of its
    own nodes: libcst's visitor would rebuild the tree it visits, a cost this hot path
    cannot pay on every class with a context-manager method)."""
    pending: list[cst.CSTNode] = [method]
    while pending:
        node = pending.pop()
        if type(node) is cst.Call:
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value.lstrip("_") in _TRANSACTION_METHODS:
                return True  # (`self._rollback()` too)
        pending.extend(iter_children(node))
    return False
