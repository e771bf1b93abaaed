"""Mermaid: the computational graph as a flowchart that GitHub renders inside a
```mermaid block; inputs at the bottom, Z at the top, the chosen paths in red."""

from __future__ import annotations

from ...explain import Explanation
from .. import RenderOptions
from ..picture import caption, edge_captions, highlighted_nodes, node_label, title

SUFFIX = "mmd"
"""How the golden files of this format are named."""

HIGHLIGHT = "#d62728"


def render(ex: Explanation, options: RenderOptions) -> str:
    return "\n".join(flowchart(ex, options.digits)) + "\n"


def flowchart(ex: Explanation, digits: int) -> list[str]:
    graph = ex.graph
    lit = highlighted_nodes(ex)
    notes = [f"%% {_comment(line)}" for line in caption(ex)]
    heading = [f"%% {_comment(line)}" for line in title(ex, digits).split("\n")]
    lines = [*heading, *notes, "flowchart BT"]
    for node in graph.nodes:
        text = node_label(ex, node, digits)
        if node.index == graph.output:
            text = f"{graph.output_name} = {text}"
        shape = ('(["', '"])') if node.kind == "input" else ('["', '"]')
        lines.append(f"  n{node.index}{shape[0]}{_escape(text)}{shape[1]}")
    styles = []
    for number, label in enumerate(edge_captions(ex, digits)):
        arrow = "-.->" if label.nondifferentiable else "-->"
        lines.append(f'  n{label.source} {arrow}|"{_escape(label.text)}"| n{label.target}')
        if label.highlighted:
            styles.append(f"  linkStyle {number} stroke:{HIGHLIGHT},stroke-width:3px")
    lines.extend(styles)
    lines.extend(f"  style n{index} stroke:{HIGHLIGHT},stroke-width:2px" for index in sorted(lit))
    return lines


def _escape(text: str) -> str:
    """Mermaid reads these as markup inside labels; its entity codes show them as text."""
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return text


def _comment(text: str) -> str:
    return text.replace("\n", " ")
