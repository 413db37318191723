"""What a router reads off the modules it imports whole (`models.ProjectUserScopes`), and
the classes it queries.

A router that imports a mixed `models.py` whole (`from app.projects import models`) and reads
only its Pydantic classes and enums from it imports no ORM class: LC104 judges such an import
by the names the router reads, which this walk participant records (only in the api layer,
where LC104 looks).

The ORM classes of a package the project depends on (`from shared_models.orders import
Order`) are out of sight; a router that queries one (`select(Order)`, `session.get(Order,
id)`, `.join(Order)`, `select(Order.id)`) shows what it is. Those names are recorded too.
"""

from __future__ import annotations

import libcst as cst

from layercheck.domain.vocabulary import SESSION_TYPES, WELL_KNOWN_LIBRARIES, named_like_session
from layercheck.engine.names import NameTable

# sqlalchemy's and sqlmodel's statements, whose arguments are the entities queried.
_STATEMENTS = frozenset({"select", "insert", "update", "delete"})
# Query methods whose arguments are entities (`.join(Order)`, `.select_from(Order)`).
_ENTITY_METHODS = frozenset({"join", "outerjoin", "select_from"})
# Session methods whose first argument is the class queried (`session.get(Order, 7)`).
_SESSION_LOOKUPS = frozenset({"get", "get_one", "query"})


class ModuleUseCollector:
    """Gathers `module_uses` facts: {local name of an import: attributes read off it}."""

    def __init__(self, table: NameTable) -> None:
        self.table = table
        self.uses: dict[str, set[str]] = {}
        # Qualified names of the imported classes the module queries as entities.
        self.queried: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        qualname = self.table.qualified_name(func) or ""
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
            self.uses.setdefault(value.value, set()).add(node.attr.value)
