"""layercheck keeps its own layers: every module is in a declared layer and the run is clean."""

from __future__ import annotations

from conftest import REPO, run_layercheck


def test_every_module_of_layercheck_has_a_layer() -> None:
    run = run_layercheck(["layers", "src"], REPO)
    unlayered = [line.split()[-1] for line in run.output.splitlines() if line.startswith("- ")]
    assert unlayered == [], "add these modules to a layer in pyproject.toml's [tool.layercheck]"


def test_layercheck_passes_its_own_check() -> None:
    run = run_layercheck(["--no-cache", "--output-format", "concise", "src"], REPO)
    assert run.exit_code == 0, run.output


def _cycles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), and self-loops."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in list(graph):
        if node not in order:
            visit(node)
    return found


def test_cycle_finder_sees_a_cycle() -> None:
    assert _cycles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]
    assert _cycles([("a", "b"), ("b", "c")]) == []


def test_layercheck_has_no_import_cycles() -> None:
    """Every import between layercheck's modules, type-only and function-local ones included,
    as layercheck itself measures them (`layercheck graph --modules all`)."""
    import json

    run = run_layercheck(["graph", "--modules", "all", "--format", "json", "--no-cache", "src"], REPO)
    assert run.exit_code == 0, run.output
    graph = json.loads(run.output)
    edges = [(edge["from"], edge["to"]) for edge in graph["edges"] if edge["from"] != edge["to"]]
    assert len(edges) > 100  # the whole package, not one layer
    assert _cycles(edges) == []
