"""What a picture of the graph shows, shared by the dot, mermaid and tree renderings:
each node's label, each edge's label, and which edges lie on the highlighted paths."""

from __future__ import annotations

from dataclasses import dataclass

from .. import labels as label
from ..explain import Explanation
from ..graph import Node
from ..numbers import format_number
from ..tensor import collapsed, point_parts
from .view import statements as view_statements


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
    return f"{label.node(ex.graph, node.index)} = {node.formula} = {value}"


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
    named = label.edge_labels(ex.graph, ex.edges)  # ∂w2/∂w1 (1st arg), as the tables say
    for edge, partial in zip(ex.edges, named, strict=True):
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


KINK_LEGEND = (
    "* and a dashed edge: not differentiable at this point; "
    "the number shown is the convention PyTorch uses"
)


def caption(ex: Explanation) -> list[str]:
    """What a picture says under its title: every warning, and what the ``*`` on an edge
    means when one has it, so a picture pasted alone still says all the text formats say."""
    lines = [f"warning: {d.message}" for d in ex.diagnostics]
    if any(edge.nondifferentiable for edge in ex.edges):
        lines.append(KINK_LEGEND)
    return lines


TITLE_WIDTH = 100
"""Characters in a line of a picture's title: a 4-8-1 network's point is 600 characters, and
one line of them made a PNG 14 000 pixels wide."""


def title(ex: Explanation, digits: int) -> str:
    """The picture's title: the expression, or a program one statement per line, then the
    point wrapped to lines of TITLE_WIDTH, and what is highlighted; lines joined by newlines."""
    statements = view_statements(ex.expression)
    pairs = point_parts(ex.point, lambda v: format_number(v, digits))  # W = [[1, 2], ...]
    lit = collapsed([chain.variable for chain in ex.chains]) if highlighted_nodes(ex) else []
    note = label.notation_note(ex.graph)
    lines = [*statements[:-1], f"{statements[-1]} at"] if len(statements) > 1 else []
    lines += _wrapped(pairs, "" if lines else f"{' '.join(ex.expression.split())} at ")
    if lit:
        lines[-1] += f"; paths to {', '.join(lit)} highlighted"
    if note:
        lines.append(f"(nodes {note})")
    return "\n".join(lines)


def _wrapped(items: list[str], first: str) -> list[str]:
    """``items`` joined by commas into lines of at most TITLE_WIDTH, the first after ``first``."""
    lines = [first]
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if len(lines[-1]) + len(piece) + 1 > TITLE_WIDTH and lines[-1].strip():
            lines.append("")
        lines[-1] += (" " if lines[-1] and not lines[-1].endswith(" ") else "") + piece
    return lines
