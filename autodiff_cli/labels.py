"""Labels: how the tool names a partial, an edge and a gradient, in text and in TeX.

Every table, chain rule, picture, report and worksheet writes ``∂w5/∂w2`` and
``∂Z/∂x`` through these functions, so a change of notation is made once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph
    from .passes import Edge

OUTPUT = "Z"
"""The output's name in a label, unless the program names it (``Graph.output_name``)."""


def partial(numerator: str, denominator: str) -> str:
    """``∂w5/∂w2``."""
    return f"∂{numerator}/∂{denominator}"


def gradient(variable: str, output: str = OUTPUT) -> str:
    """``∂Z/∂x``: the derivative of the output by a variable (``∂loss/∂w`` for an output named
    loss)."""
    return partial(output, variable)


def seed(output: str = OUTPUT) -> str:
    """The reverse sweep's seed: ``Z̄`` for a one-letter output, ``∂loss/∂loss`` for a word,
    where a bar over the last letter alone would misread."""
    return output + "\u0304" if len(output) == 1 else partial(output, output)


def notation_note(graph: Graph) -> str:
    """Why the nodes are not w1…wn, when they are not: empty otherwise."""
    notation = graph.notation
    if notation.style != "w" or notation.letter == "w":
        return ""
    clashing = sorted(
        # An element's vector counts by its own name: w2 of w2[1] reads as node w2.
        {name for one in graph.nodes if (name := _base(one.name)) and _numbered(name, "w")},
        key=lambda name: (len(name), name),
    )
    shown = ", ".join(clashing[:4]) + (", …" if len(clashing) > 4 else "")
    last = graph.id(len(graph.nodes) - 1)
    return f"{graph.id(0)}…{last}, not w1…, since your names {shown} would read as node ids"


def _base(name: str | None) -> str | None:
    return name.split("[", 1)[0] if name else name


def _numbered(name: str, letter: str) -> bool:
    return name.startswith(letter) and name[len(letter) :].isdigit()


def node(graph: Graph, index: int) -> str:
    """A node as tables, trees and pictures name it: ``w5``, or ``w5 (h1)`` for a program's
    named intermediate, so the student's own name is beside the number."""
    one = graph.nodes[index]
    # The output's own name (loss) is said once, as the output's: "loss is w7".
    named = one.kind == "op" and one.name and index != graph.output
    return f"{one.id} ({one.name})" if named else one.id


def edge(graph: Graph, target: int, source: int) -> str:
    """``∂w5/∂w2`` for the nodes at these indices."""
    return partial(graph.id(target), graph.id(source))


def edge_labels(graph: Graph, edges: Sequence[Edge]) -> list[str]:
    """Each edge's label; when one node feeds another twice (``x*x``), the argument is named
    too: ``∂w2/∂w1 (1st arg)``."""
    repeats = Counter((edge.source, edge.target) for edge in edges)
    labels = []
    for one in edges:
        label = edge(graph, one.target, one.source)
        if repeats[(one.source, one.target)] > 1:
            label += f" ({ordinal(one.position + 1)} arg)"
        labels.append(label)
    return labels


def ordinal(n: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")
    return f"{n}{suffix}"


def partial_tex(numerator: str, denominator: str) -> str:
    """``\\frac{\\partial w_{5}}{\\partial w_{2}}`` from the parts already in TeX."""
    return rf"\frac{{\partial {numerator}}}{{\partial {denominator}}}"
