"""The layer dependency graph, measured from the imports the code actually makes.

One node per layer, one edge per pair (importing layer → imported layer) with the number of
imports behind it; an edge the layer contracts forbid is drawn apart with its number of
violations. With `--modules` the graph zooms in on one layer (the imports its modules make)
or on one pair of layers (the imports between them), module by module. Rendered as a
Mermaid flowchart (GitHub draws it inside Markdown as is), Graphviz DOT, or JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.layers import LayerMap
from layercheck.domain.records import FileRecord
from layercheck.domain.settings import Settings
from layercheck.project.findings import build_index
from layercheck.project.index import ProjectIndex

FORMATS = ("mermaid", "dot", "json")
# Left out of the picture, as the checker leaves them out of its rules: they import everything.
LEFT_OUT_LAYERS = frozenset({"tests", "migrations"})
_FORBIDDEN_COLOUR = "#d1242f"


@dataclass
class Edge:
    """Imports from one node to another; `violations` counts those the contracts forbid."""

    source: str
    target: str
    imports: int = 0
    violations: int = 0
    # Whether the contracts let the source's layer import the target's.
    allowed: bool = True

    @property
    def forbidden(self) -> bool:
        return self.violations > 0

    def label(self, quiet_single: bool = False) -> str:
        if not self.forbidden:
            return "" if quiet_single and self.imports == 1 else str(self.imports)
        if self.violations == self.imports:
            return f"{self.violations} forbidden"
        return f"{self.imports}, {self.violations} forbidden"


@dataclass
class Graph:
    """Nodes (a layer, or a module with its layer) and the edges between them."""

    kind: str  # "layers" or "modules"
    # node name -> (layer, number of modules it stands for)
    nodes: dict[str, tuple[str, int]] = field(default_factory=dict)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)

    def add(self, source: str, target: str, allowed: bool, forbidden: bool) -> None:
        edge = self.edges.setdefault((source, target), Edge(source, target, allowed=allowed))
        edge.imports += 1
        edge.violations += int(forbidden)


@dataclass(frozen=True)
class _Import:
    importer: ModuleFacts
    imported: ModuleFacts
    allowed: bool
    # Not allowed, and not excused as an import for type checking only.
    forbidden: bool


def _imports(
    modules: Iterable[ModuleFacts], index: ProjectIndex, layer_map: LayerMap, allow_type_checking: bool
) -> Iterable[_Import]:
    """Every import from a layered module to another layered module of the project."""
    for facts in modules:
        importer = facts.layer
        if importer is None or importer in LEFT_OUT_LAYERS or not facts.parsed:
            continue
        for item in facts.imports:
            target = index.resolve(item.target).module
            if target is None or target is facts or target.layer is None or target.layer in LEFT_OUT_LAYERS:
                continue
            allowed = layer_map.may_import(importer, target.layer)
            excused = item.type_checking and allow_type_checking
            yield _Import(facts, target, allowed, not allowed and not excused)


def _layer_order(layer_map: LayerMap) -> dict[str, int]:
    return {spec.name: position for position, spec in enumerate(layer_map.layers)}


def layer_graph(
    modules: list[ModuleFacts],
    importers: Iterable[ModuleFacts],
    index: ProjectIndex,
    layer_map: LayerMap,
    allow_type_checking: bool = False,
) -> Graph:
    """One node per layer (with its number of modules among `modules`), one edge per
    pair of layers the `importers` connect."""
    graph = Graph("layers")
    counts: dict[str, int] = {}
    for facts in modules:
        if facts.layer is not None and facts.layer not in LEFT_OUT_LAYERS:
            counts[facts.layer] = counts.get(facts.layer, 0) + 1
    seen: set[str] = set()
    for found in _imports(importers, index, layer_map, allow_type_checking):
        source, target = found.importer.layer, found.imported.layer
        assert source is not None and target is not None
        seen.update((source, target))
        graph.add(source, target, found.allowed, found.forbidden)
    order = _layer_order(layer_map)
    for layer in sorted(set(counts) | seen, key=lambda name: (order.get(name, len(order)), name)):
        graph.nodes[layer] = (layer, counts.get(layer, 0))
    return graph


# `--modules all`: the module graph of the whole project.
ALL_LAYERS = "all"


def module_graph(
    importers: Iterable[ModuleFacts],
    index: ProjectIndex,
    layer_map: LayerMap,
    layers: tuple[str, ...],
    allow_type_checking: bool = False,
) -> Graph:
    """Module-level edges: the imports one layer's modules make (one layer given), the
    imports between two layers, both ways (two given), or every import between layered
    modules (`ALL_LAYERS`: what a cycle check reads)."""
    graph = Graph("modules")
    chosen = set(layers)
    for found in _imports(importers, index, layer_map, allow_type_checking):
        source, target = found.importer, found.imported
        if layers == (ALL_LAYERS,):
            pass
        elif len(layers) == 1 and source.layer not in chosen:
            continue
        if len(layers) == 2 and ({source.layer, target.layer} != chosen or source.layer == target.layer):
            continue
        for facts in (source, target):
            graph.nodes.setdefault(facts.module, (facts.layer or "", 1))
        graph.add(source.module, target.module, found.allowed, found.forbidden)
    order = _layer_order(layer_map)
    graph.nodes = dict(
        sorted(graph.nodes.items(), key=lambda item: (order.get(item[1][0], len(order)), item[1][0], item[0]))
    )
    return graph


# ----- rendering -----------------------------------------------------------------------------


def _ids(graph: Graph) -> dict[str, str]:
    """Node ids safe in Mermaid and DOT (a layer called `end` or a dotted module name is not)."""
    prefix = "L" if graph.kind == "layers" else "M"
    return {name: f"{prefix}{position}_" + re.sub(r"\W", "_", name) for position, name in enumerate(graph.nodes)}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _node_label(graph: Graph, name: str) -> str:
    layer, count = graph.nodes[name]
    if graph.kind == "modules":
        return name
    return f"{name} ({count} module{'' if count == 1 else 's'})" if count else name


def _sorted_edges(graph: Graph) -> list[Edge]:
    """Edges in the order of their nodes (the layers' order), for a stable picture."""
    order = {name: position for position, name in enumerate(graph.nodes)}
    return sorted(graph.edges.values(), key=lambda edge: (order[edge.source], order[edge.target]))


def _drawn_edges(graph: Graph) -> list[Edge]:
    """Edges worth drawing: a layer's imports of itself are left to the JSON output."""
    return [edge for edge in _sorted_edges(graph) if graph.kind == "modules" or edge.source != edge.target]


def render_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart, left to right; forbidden edges in red with their violations."""
    ids = _ids(graph)
    lines = ["flowchart LR"]
    if graph.kind == "layers":
        for name in graph.nodes:
            lines.append(f'    {ids[name]}["{_mermaid_text(_node_label(graph, name))}"]')
    else:
        by_layer: dict[str, list[str]] = {}
        for name, (layer, _) in graph.nodes.items():
            by_layer.setdefault(layer, []).append(name)
        for position, (layer, names) in enumerate(by_layer.items()):
            lines.append(f'    subgraph G{position}["{_mermaid_text(layer or "no layer")}"]')
            lines.extend(f'        {ids[name]}["{_mermaid_text(name)}"]' for name in names)
            lines.append("    end")
    forbidden: list[str] = []
    for number, edge in enumerate(_drawn_edges(graph)):
        label = edge.label(quiet_single=graph.kind == "modules")
        arrow = f'-->|"{_mermaid_text(label)}"|' if label else "-->"
        lines.append(f"    {ids[edge.source]} {arrow} {ids[edge.target]}")
        if edge.forbidden:
            forbidden.append(str(number))
    if forbidden:
        style = f"stroke:{_FORBIDDEN_COLOUR},stroke-width:2px,color:{_FORBIDDEN_COLOUR}"
        lines.append(f"    linkStyle {','.join(forbidden)} {style}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(graph: Graph) -> str:
    """A Graphviz digraph, left to right; forbidden edges in red with their violations."""
    ids = _ids(graph)
    lines = [
        f"digraph {graph.kind} {{",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    edge [fontname="Helvetica"];',
    ]
    if graph.kind == "layers":
        for name in graph.nodes:
            lines.append(f"    {ids[name]} [label={_dot_text(_node_label(graph, name))}];")
    else:
        by_layer: dict[str, list[str]] = {}
        for name, (layer, _) in graph.nodes.items():
            by_layer.setdefault(layer, []).append(name)
        for position, (layer, names) in enumerate(by_layer.items()):
            lines.append(f"    subgraph cluster_{position} {{")
            lines.append(f"        label={_dot_text(layer or 'no layer')};")
            lines.extend(f"        {ids[name]} [label={_dot_text(name)}];" for name in names)
            lines.append("    }")
    for edge in _drawn_edges(graph):
        label = edge.label(quiet_single=graph.kind == "modules")
        attributes = [f"label={_dot_text(label)}"] if label else []
        if edge.forbidden:
            attributes += [f'color="{_FORBIDDEN_COLOUR}"', f'fontcolor="{_FORBIDDEN_COLOUR}"', "penwidth=2"]
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"    {ids[edge.source]} -> {ids[edge.target]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_json(graph: Graph) -> str:
    """Every node and edge, self-imports of a layer included."""
    nodes = [
        {"name": name, "layer": layer, **({"modules": count} if graph.kind == "layers" else {})}
        for name, (layer, count) in graph.nodes.items()
    ]
    edges = [
        {
            "from": edge.source,
            "to": edge.target,
            "imports": edge.imports,
            "violations": edge.violations,
            "allowed": edge.allowed,
        }
        for edge in _sorted_edges(graph)
    ]
    return json.dumps({"kind": graph.kind, "nodes": nodes, "edges": edges}, indent=2) + "\n"


def render(graph: Graph, output_format: str) -> str:
    """The graph in one of `FORMATS`."""
    return {"mermaid": render_mermaid, "dot": render_dot, "json": render_json}[output_format](graph)


def project_graph(
    records: dict[str, FileRecord], checked: list[str], settings: Settings, layers: tuple[str, ...] = ()
) -> Graph:
    """The graph of a run: the imports of the checked files, against the whole project."""
    index = build_index(records.values(), settings)
    importers = [records[path].facts for path in checked if path in records]
    layer_map = settings.layer_map()
    allow = settings.allow_type_checking_imports
    if layers:
        return module_graph(importers, index, layer_map, layers, allow)
    modules = [record.facts for record in records.values()]
    return layer_graph(modules, importers, index, layer_map, allow)
