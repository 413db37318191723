"""LC405 execute-in-loop: a session query awaited inside a loop (N+1)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from layercheck.engine.names import chain_root
from layercheck.engine.rule import Rule
from layercheck.engine.walk import iter_children
from layercheck.rules.raw_sql_in_repository import on_catalogs
from layercheck.rules.sessions import session_receiver

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
# `X.id.in_(batch)`: a loop over batches runs one query per batch, not one per item.
_BATCH_OPERATORS = frozenset({"in_", "not_in", "any_", "all_"})

Loop = cst.For | cst.While | cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp


def enclosing_loop(ancestors: Sequence[cst.CSTNode], node: cst.CSTNode) -> Loop | None:
    """The loop of `node`'s function that evaluates `node` once per iteration, if any.

    A `for` body, a `while` body, a comprehension's element and conditions, and the iterable
    of a nested `for` clause repeat; the iterable of the outermost `for` (and a `while`
    test) is evaluated once.
    """
    child = node
    for index in range(len(ancestors) - 1, -1, -1):
        parent = ancestors[index]
        if isinstance(parent, _SCOPES):
            return None
        if isinstance(parent, (cst.For, cst.While)) and child is parent.body:
            return parent
        if isinstance(parent, _COMPREHENSIONS) and child is not parent.for_in:
            return parent
        if isinstance(parent, cst.CompFor) and (child is parent.inner_for_in or child in parent.ifs):
            for outer in reversed(ancestors[:index]):
                if isinstance(outer, _COMPREHENSIONS):
                    return outer
        child = parent
    return None


def _names(node: cst.CSTNode) -> Iterator[cst.Name]:
    if isinstance(node, cst.Name):
        yield node
    for child in iter_children(node):
        yield from _names(child)


def loop_variables(loop: Loop) -> set[str]:
    """Names a loop binds per iteration (`_` excluded): none for `while`."""
    targets: list[cst.CSTNode] = []
    if isinstance(loop, cst.For):
        targets.append(loop.target)
    elif not isinstance(loop, cst.While):
        clause: cst.CompFor | None = loop.for_in
        while clause is not None:
            targets.append(clause.target)
            clause = clause.inner_for_in
    return {name.value for target in targets for name in _names(target) if name.value != "_"}


def per_item(loop: Loop) -> bool:
    """A loop over items whose body uses the item, not a batch or retry loop.

    `while` loops (pagination, polling, batching until done), loops over a stepped range
    (`for start in range(0, len(ids), 1000)`) and loops whose variable is unused
    (`for _ in range(3)`) or goes into an `in_()` (`for batch in batched(ids, 1000)`) do not
    issue one query per item.
    """
    variables = loop_variables(loop)
    if not variables:
        return False
    if isinstance(loop, cst.For) and _stepped_range(loop.iter):
        return False  # `for start in range(0, len(keys), 1000)`: one query per chunk
    body: cst.CSTNode = loop.body if isinstance(loop, cst.For) else loop
    used = False
    for _name, inside_batch in _uses(body, variables, False):
        if inside_batch:
            return False
        used = True
    return used


def _stepped_range(iterable: cst.BaseExpression) -> bool:
    """`range(0, len(items), size)`: the loop walks chunks, not items."""
    return (
        isinstance(iterable, cst.Call)
        and isinstance(iterable.func, cst.Name)
        and iterable.func.value == "range"
        and len(iterable.args) == 3
    )


def _uses(node: cst.CSTNode, variables: set[str], inside_batch: bool) -> Iterator[tuple[cst.Name, bool]]:
    if isinstance(node, cst.Name) and node.value in variables:
        yield node, inside_batch
        return
    func = node.func if isinstance(node, cst.Call) else None
    if isinstance(node, cst.Call) and isinstance(func, cst.Attribute) and func.attr.value in _BATCH_OPERATORS:
        for arg in node.args:
            yield from _uses(arg, variables, True)
        yield from _uses(func, variables, inside_batch)
        return
    for child in iter_children(node):
        yield from _uses(child, variables, inside_batch)


# A schema's collections: a loop over them creates or inspects the schema, one statement per
# index or table (`for idx in table.indexes: ... does it exist?`), no N+1 over rows.
_SCHEMA_COLLECTIONS = frozenset({"indexes", "columns", "constraints", "foreign_keys", "sorted_tables", "tables"})


def _over_schema(loop: Loop) -> bool:
    iterable = loop.iter if isinstance(loop, cst.For) else None
    return isinstance(iterable, cst.Attribute) and iterable.attr.value in _SCHEMA_COLLECTIONS


def _table_per_item(call: cst.Call, variables: set[str]) -> bool:
    """A statement on another table each time round: the loop runs over tables or models
    (`for fk in foreign_keys: await db.execute(update(fk.parent.table)...)`, `for model in
    MODELS: await session.get(model, key)`), one statement per table, no N+1 over rows."""
    positional = [arg.value for arg in call.args if arg.keyword is None]
    if not positional:
        return False
    statement = positional[0]
    if on_catalogs(statement):
        return True  # `does this index exist?` per index, while creating a table
    if isinstance(statement, cst.Call):
        root = chain_root(statement)  # `update(table)` in `update(table).where(...).values(...)`
        first = [arg.value for arg in root.args if arg.keyword is None][:1]
        return bool(first) and any(True for _ in _uses(first[0], variables, False))
    # `session.get(model, key)` takes the model first; `refresh(user)` takes a row.
    method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
    return method in ("get", "get_one") and any(True for _ in _uses(statement, variables, False))


class ExecuteInLoop(Rule):
    """Flags a session query (`execute`, `scalars`, `scalar`, `get`, `refresh`...) awaited
    once per item of a loop: inside a `for` body or a comprehension whose variable the
    loop body uses. One database round trip per item is the N+1 pattern.

    Load what the loop needs in one statement (`select(...).where(X.id.in_(ids))`,
    `selectinload(...)`, a bulk `update()`) instead. Only awaited calls on a session count
    (a value annotated with a session type or alias, or named `db`/`session`, or
    `self.session`). Not flagged: the iterable of a `for` (`for row in await
    db.scalars(...)`, run once), `while` loops (pagination, batching until done), loops
    over batches (`for batch in batched(ids, 500): ... X.id.in_(batch)`), and loops whose
    variable is unused.
    """

    code = "LC405"
    layers = frozenset({"repository"})

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        method = call.func.attr.value
        if method not in self.options["session-methods"]:
            return
        loop = enclosing_loop(self.context.ancestors, node)
        if loop is None or not per_item(loop) or _table_per_item(call, loop_variables(loop)) or _over_schema(loop):
            return
        session = session_receiver(self.names, call.func.value)
        if session is False:
            return
        message = f"session `.{method}()` awaited inside a loop (N+1); load the rows in one query"
        self.report(call, message, condition=None if session is True else session)
