"""Graphviz: the computational graph as textbook figures draw it, inputs at the bottom and
Z at the top, values in the nodes, local partials on the edges, the chosen paths in red.

    adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w --format dot | dot -Tpng > graph.png
"""

from __future__ import annotations

from ...explain import Explanation
from .. import RenderOptions
from ..picture import caption, edge_captions, highlighted_nodes, node_label, title

SUFFIX = "dot"
"""How the golden files of this format are named."""

HIGHLIGHT = "#d62728"


def render(ex: Explanation, options: RenderOptions) -> str:
    graph = ex.graph
    lit = highlighted_nodes(ex)
    lines = [
        "digraph adexplain {",
        "  rankdir=BT;",
        f"  label={_quote(chr(10).join([title(ex, options.digits), *caption(ex)]))}; "
        "labelloc=t; fontsize=12;",
        '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in graph.nodes:
        attributes = [f"label={_quote(node_label(ex, node, options.digits))}"]
        if node.kind == "input":
            attributes.append("shape=ellipse")
        if node.index == graph.output:
            named = f"{graph.output_name} = {node_label(ex, node, options.digits)}"
            attributes[0] = f"label={_quote(named)}"
            attributes.append("peripheries=2")
        if node.index in lit:
            attributes.append(f'color="{HIGHLIGHT}"')
        lines.append(f"  n{node.index} [{', '.join(attributes)}];")
    inputs = " ".join(f"n{node.index};" for node in graph.inputs)
    lines.append(f"  {{ rank=min; {inputs} }}")
    if graph.input_count > 1:
        # Invisible edges along the bottom row keep the inputs in numbering order.
        chain = " -> ".join(f"n{node.index}" for node in graph.inputs)
        lines.append(f"  {chain} [style=invis];")
    for label in edge_captions(ex, options.digits):
        attributes = [f"label={_quote(label.text)}"]
        if label.highlighted:
            attributes += [f'color="{HIGHLIGHT}"', f'fontcolor="{HIGHLIGHT}"', "penwidth=2"]
        if label.nondifferentiable:
            attributes.append("style=dashed")
        lines.append(f"  n{label.source} -> n{label.target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
