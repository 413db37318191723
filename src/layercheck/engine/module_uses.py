"""What a router reads off the modules it imports whole (`models.ProjectUserScopes`).

A router that imports a mixed `models.py` whole (`from app.projects import models`) and reads
only its Pydantic classes and enums from it imports no ORM class: LC104 judges such an import
by the names the router reads, which this walk participant records (only in the api layer,
where LC104 looks).
"""

from __future__ import annotations

import libcst as cst

from layercheck.engine.names import NameTable


class ModuleUseCollector:
    """Gathers `module_uses` facts: {local name of an import: attributes read off it}."""

    def __init__(self, table: NameTable) -> None:
        self.table = table
        self.uses: dict[str, set[str]] = {}

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if type(value) is not cst.Name:
            return
        binding = self.table.lookup(value.value)
        if binding is not None and binding.qualname is not None and not binding.instance_of:
            self.uses.setdefault(value.value, set()).add(node.attr.value)
