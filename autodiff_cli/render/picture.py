"""What a picture of the graph shows, shared by the dot, mermaid and tree renderings:
each node's label, each edge's label, and which edges lie on the highlighted paths."""

from __future__ import annotations

from dataclasses import dataclass

from .. import labels as label
from ..explain import Explanation
from ..graph import Node
from ..numbers import format_number
from ..tensor import point_text


@dataclass(frozen=True, slots=True)
class EdgeLabel:
    source: int
    target: int
    text: str
    highlighted: bool
    nondifferentiable: bool


def node_label(ex: Explanation, node: Node, digits: int) -> str:
    """``w5 = w2 * w3 = 2``; an input as ``w1 = y = 5``."""
    value = format_number(ex.values[node.index], digits)
    return f"{node.id} = {node.formula} = {value}"


def highlighted_nodes(ex: Explanation) -> frozenset[int]:
    """The nodes on the paths to the variables asked for with --wrt.

    With every variable asked for (the default), every path would be lit, so
    nothing is: a picture highlights a choice.
    """
    if len(ex.chains) >= ex.graph.input_count:
        return frozenset()
    return frozenset().union(*(ex.on_paths(chain) for chain in ex.chains))


def edge_captions(ex: Explanation, digits: int) -> list[EdgeLabel]:
    lit = highlighted_nodes(ex)
    labels = []
    for edge in ex.edges:
        partial = label.edge(ex.graph, edge.target, edge.source)
        value = format_number(edge.value, digits)
        shown = f"{partial} = {edge.formula}" + ("" if edge.formula == value else f" = {value}")
        labels.append(
            EdgeLabel(
                edge.source,
                edge.target,
                shown + (" *" if edge.nondifferentiable else ""),
                edge.source in lit and edge.target in lit,
                edge.nondifferentiable,
            )
        )
    return labels


def title(ex: Explanation, digits: int) -> str:
    point = point_text(ex.point, lambda v: format_number(v, digits))
    expression = " ".join(ex.expression.split())
    lit = [chain.variable for chain in ex.chains] if highlighted_nodes(ex) else []
    shown = f"; paths to {', '.join(lit)} highlighted" if lit else ""
    return f"{expression} at {point}{shown}"
