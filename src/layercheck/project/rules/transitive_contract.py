"""LC105 transitive-layer-contract."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.layers import LayerMap
from layercheck.project.index import ProjectIndex
from layercheck.project.rules.base import ProjectRule


class TransitiveLayerContract(ProjectRule):
    """Flags a layer reached through modules in no layer: `app.api.users` imports
    `app.utils.lookups`, which imports `app.repositories.users`, so the router depends on a
    repository although it never imports one itself.

    Only modules in no layer pass a dependency on: a module of a held layer is held to its
    own contract (its forbidden imports are LC102/LC103 findings of its own), so the legal
    chain api -> service -> repository is never reported. The finding sits on the first
    import of the chain and names the whole chain, shortest first, as import-linter does.
    """

    code = "LC105"

    def __init__(
        self, index: ProjectIndex, layer_map: LayerMap, options: dict[str, Any], allow_type_checking: bool
    ) -> None:
        super().__init__(index, layer_map, options, allow_type_checking)
        self._successors: dict[str, list[ModuleFacts]] | None = None
        self._distances: dict[str, dict[str, int]] = {}

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        importer = module.layer
        if not self.layer_map.is_held(importer):
            return
        assert importer is not None
        ignored = set(self.options["ignored-layers"])
        forbidden = [
            layer.name
            for layer in self.layer_map.layers
            if layer.held and layer.name not in ignored and not self.layer_map.may_import(importer, layer.name)
        ]
        # One finding per forbidden layer: on the first import (in source order) reaching it.
        for item in self.contract_imports(module):
            if not forbidden:
                return
            first = self.index.resolve(item.target).module
            if first is None or first is module or first.layer is not None:
                continue
            for layer in list(forbidden):
                chain = self._chain(first, layer)
                if chain is None:
                    continue
                forbidden.remove(layer)
                shown = " -> ".join(f"`{name}`" for name in [module.module, *chain])
                yield self.finding(
                    module,
                    item.span,  # type: ignore[arg-type]
                    f"the {layer} layer is reached from the {importer} layer through {shown}",
                )

    # ----- the import graph ------------------------------------------------------------------

    def _graph(self) -> dict[str, list[ModuleFacts]]:
        """Project modules each module in no layer imports, sorted by name (deterministic)."""
        if self._successors is None:
            successors: dict[str, list[ModuleFacts]] = {}
            for facts in self.index.by_path.values():
                if facts.layer is not None:
                    continue
                targets: dict[str, ModuleFacts] = {}
                for item in facts.imports:
                    if item.type_checking and self.allow_type_checking:
                        continue
                    target = self.index.resolve(item.target).module
                    if target is not None and target is not facts:
                        targets[target.path] = target
                successors[facts.path] = sorted(targets.values(), key=lambda m: (m.module, m.path))
            self._successors = successors
        return self._successors

    def _distances_to(self, layer: str) -> dict[str, int]:
        """Hops from each module in no layer to the nearest module of `layer`, through
        modules in no layer only (a breadth-first search backwards from that layer)."""
        if layer in self._distances:
            return self._distances[layer]
        graph = self._graph()
        predecessors: dict[str, list[str]] = {}
        for source, targets in graph.items():
            for target in targets:
                predecessors.setdefault(target.path, []).append(source)
        distance: dict[str, int] = {}
        queue: deque[str] = deque()
        for facts in self.index.by_path.values():
            if facts.layer == layer:
                distance[facts.path] = 0
                queue.append(facts.path)
        while queue:
            current = queue.popleft()
            for source in predecessors.get(current, ()):
                if source not in distance:
                    distance[source] = distance[current] + 1
                    queue.append(source)
        self._distances[layer] = distance
        return distance

    def _chain(self, first: ModuleFacts, layer: str) -> list[str] | None:
        """The shortest chain of module names from `first` to a module of `layer`."""
        distance = self._distances_to(layer)
        if first.path not in distance:
            return None
        graph = self._graph()
        chain = [first.module]
        current = first
        while distance[current.path] > 0:
            step = distance[current.path] - 1
            current = next(t for t in graph[current.path] if distance.get(t.path) == step)
            chain.append(current.module)
        return chain
