"""Positions of the few nodes that were reported, computed only when something was reported.

libcst's PositionProvider regenerates the whole file to learn where every node is. We need
positions only for reported nodes, so this runs the same code generation with position
tracking and stops as soon as the last requested node has been placed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState


class _AllPlaced(Exception):
    """Raised inside code generation once every requested node has a position."""


class _Sink:
    """Stands in for a metadata provider: the codegen state writes positions into it."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


@dataclass
class _StoppingState(PositionProvidingCodegenState):
    wanted: set[cst.CSTNode] = field(default_factory=set)
    # Whitespace-inclusive ranges (exactly the text a node's code generation emits), for fixes.
    inclusive: dict[cst.CSTNode, CodeRange] = field(default_factory=dict)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        # As libcst's, but without `finally`: once generation stops, children that were
        # never generated have no position to hoist, and nothing more is recorded.
        start = CodePosition(self.line, self.column)
        yield
        end = CodePosition(self.line, self.column)
        computed = self.provider._computed  # type: ignore[attr-defined]
        if start_node is not None:
            start = computed[start_node].start
        if end_node is not None:
            end = computed[end_node].end
        computed[node] = CodeRange(start, end)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack[-1]
        super().after_codegen(node)
        if node in self.wanted:
            self.inclusive[node] = CodeRange(start, CodePosition(self.line, self.column))
            self.wanted.discard(node)
            if not self.wanted:
                raise _AllPlaced


@dataclass(frozen=True)
class NodePlaces:
    """Syntactic ranges (for findings) and whitespace-inclusive ranges (for fix edits)."""

    syntactic: dict[cst.CSTNode, CodeRange]
    inclusive: dict[cst.CSTNode, CodeRange]


def locate(module: cst.Module, nodes: Collection[cst.CSTNode]) -> NodePlaces:
    """Ranges of `nodes` (0-based columns, as libcst counts them)."""
    sink = _Sink()
    state = _StoppingState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=sink,
        wanted=set(nodes),
    )
    if state.wanted:
        try:
            module._codegen(state)
        except _AllPlaced:
            pass
    syntactic = {node: sink._computed[node] for node in nodes if node in sink._computed}
    return NodePlaces(syntactic=syntactic, inclusive=state.inclusive)


__all__ = ["CodegenState", "NodePlaces", "locate"]
