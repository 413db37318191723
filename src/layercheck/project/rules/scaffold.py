"""LC804 scaffold-deviates: the project lacks a part of the preset's scaffold."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ImportFact
from layercheck.project.rules.root_base import RootRule

# What each layer is called in a message: the files or folders that would create it.
_SHAPES = {
    "main": "`main.py`",
    "config": "`config.py`",
    "database": "`database.py`",
    "api": "`api/` (routers)",
    "service": "`services/`",
    "repository": "`repositories/`",
    "model": "`models/`",
    "schema": "`schemas/`",
}


class ScaffoldDeviates(RootRule):
    """Flags a FastAPI project without one of the scaffold's parts: an app entry point
    (`main.py`), a `config.py`, a `database.py`, and a folder (or module) for each layer.

    The backend guide's scaffold (step 1) gives every concern one obvious home; a project
    without a repository layer has its queries somewhere else. Off by default: many healthy
    projects use another layout, and the layers' globs decide what counts as present (a
    `crud.py` is the repository layer, a domain's `service.py` the service layer).
    """

    code = "LC804"

    def check(self) -> Iterator[Diagnostic]:
        modules = [m for m in self.index.by_path.values() if m.layer not in ("tests", "migrations")]
        if not any(_imports_fastapi(m.imports) for m in modules):
            return  # not a FastAPI application
        # The scaffold is about files and folders: a module counts for the layer its name gives.
        present = {m.extra.get("name_layer") or m.layer for m in modules} - {None}
        known = {spec.name for spec in self.layer_map.layers}
        for layer in self.options["required-layers"]:
            if layer in present or layer not in known:
                continue
            shape = _SHAPES.get(layer, f"a module of the `{layer}` layer")
            yield self.finding(self.files.root, f"no {shape}: the `{layer}` layer of the scaffold is missing")


def _imports_fastapi(imports: list[ImportFact]) -> bool:
    return any(item.target == "fastapi" or item.target.startswith("fastapi.") for item in imports)
