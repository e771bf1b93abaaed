"""A self-contained HTML page to step through: the graph, the tables, the forward pass node
by node, the edge partials, the reverse sweep term by term and a forward sweep per
variable, with a predict mode. No server, no network: one file, for a USB stick.

    adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w --format html > page.html

The page's data is the ``json`` format's document, embedded as it is, plus what a page
needs to show it: every number already printed (``--digits``), every label, each sweep's
steps (:mod:`~autodiff_cli.steps`), the interval of answers a prediction may fall in, and
the graph's layout from Graphviz where it is installed, and for a program with vectors
its blocks view and Jacobian as the text formats write them. The page's script only reveals
these; it computes nothing. Without Graphviz it lays the graph out with the packaged
copy of dagre (``render/assets/``, with its version, source and licence).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from importlib.resources import files
from typing import Any

from ... import labels as label
from ...blocks import bar
from ...explain import ChainRule, Explanation
from ...graph import Node
from ...homework import Tolerance
from ...notation import Notation
from ...numbers import Value, format_number
from ...steps import Step, forward_steps, reverse_steps
from ...tensor import describe
from .. import SECTIONS, RenderOptions
from .. import graphviz as gv
from ..picture import highlighted_nodes
from ..view import chain_rule_lines, summary_lines
from . import json as json_format

SUFFIX = "html"
"""How the golden files of this format are named."""

DEFAULT_SECTIONS = SECTIONS
"""A page shows every stage unless --show chooses: stepping through is what it is for."""

ASSETS = ("page.css", "dagre.min.js", "page.js")
"""Files of ``render/assets/`` inlined into every page, in this order."""

TOLERANCE = Tolerance()
"""How close a prediction must be: what the homework checker accepts by default."""


def render(ex: Explanation, options: RenderOptions) -> str:
    statements = (line.strip() for line in ex.expression.replace(";", "\n").splitlines())
    title = html.escape(" ".join("; ".join(filter(None, statements)).split()))
    document = _safe(json_format.render(ex, options))
    data = _safe(_dumps(page_data(ex, options)))
    css, dagre, script = (asset(name) for name in ASSETS)
    licence = asset("dagre.LICENSE.txt").replace("*/", "* /")
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>adexplain: {title}</title>",
        f"<style>\n{css}</style>",
        "</head>",
    ]
    body = [
        "<body>",
        BODY,
        f'<script type="application/json" id="adexplain-json">\n{document}</script>',
        f'<script type="application/json" id="adexplain-page">\n{data}\n</script>',
        f"<script>\n/*! dagre 3.1.3, MIT licence:\n{licence}*/\n{dagre}</script>",
        f"<script>\n{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


def asset(name: str) -> str:
    """One of the files the page inlines, as shipped in the package."""
    return files("autodiff_cli.render.assets").joinpath(name).read_text(encoding="utf-8")


BODY = """\
<header>
  <h1>Automatic differentiation of <code id="expression"></code></h1>
  <p id="summary"></p>
</header>
<nav id="controls" aria-label="Step through">
  <div id="stages" role="tablist"></div>
  <div id="moves">
    <button id="reset" title="Back to the start of this stage (Home)">|◀ Start</button>
    <button id="prev" title="One step back (←)">◀ Back</button>
    <button id="next" title="One step on (→ or Space)">Next ▶</button>
    <button id="all" title="Reveal the whole stage (End)">Reveal all ▶|</button>
    <label><input type="checkbox" id="predict-mode"> Predict each value first (P)</label>
    <label>Paths to <select id="variable" title="The variable a chosen node's paths lead to">
    </select></label>
  </div>
</nav>
<section id="step" aria-live="polite"></section>
<form id="predict" hidden>
  <label for="answer">Your value:</label>
  <input id="answer" autocomplete="off" inputmode="decimal" size="14">
  <button type="submit" id="check">Check</button>
  <span id="verdict" role="status"></span>
  <span id="score"></span>
</form>
<div id="panes">
  <figure id="graph"><svg id="picture" role="img" aria-label="The computational graph"></svg>
    <figcaption id="legend"></figcaption></figure>
  <aside id="details" aria-live="polite"><p>Click a node (or focus it and press Enter) to see
  its expression, its partials and its adjoint's terms, and its paths to the variable.</p></aside>
</div>
<section id="tables"></section>
<section id="warnings"></section>
<footer><p>Keys: → or Space next, ← back, Home start, End reveal all, a digit the stage with
that number on its button, [ and ] the forward sweep of the variable before or after (or Tab
to its list and choose with ↑ ↓), P predict mode, Esc clear the selection. Made by adexplain;
works offline.</p></footer>"""


Shown = Callable[[Value], str]
"""A value as the page prints it (with --digits)."""


def page_data(ex: Explanation, options: RenderOptions) -> dict[str, Any]:
    """Everything the page shows that the JSON document does not hold as text."""
    digits, graph = options.digits, ex.graph
    ids = [node.id for node in graph.nodes]
    shown: Shown = functools.partial(format_number, digits=digits)
    edge_labels = label.edge_labels(graph, ex.edges)
    nodes = {node.id: _node(ex, node, shown) for node in graph.nodes}
    edges = [
        {
            "label": edge_labels[i],
            "formula": edge.formula,
            "value": shown(edge.value),
            "written": _written(edge.formula, shown(edge.value)),
            "kink": edge.nondifferentiable,
        }
        for i, edge in enumerate(ex.edges)
    ]
    stages = []
    if "values" in options.sections:
        stages.append(_forward_pass(ex, shown))
    if "partials" in options.sections:
        stages.append(_partials(ex, edge_labels, shown))
    if "adjoints" in options.sections:
        stages.append(_reverse(ex, edge_labels, shown))
    if "tangents" in options.sections:
        stages += [
            _tangents(ex, chain, edge_labels, shown)
            for chain in ex.chains
            if chain.variable in ex.tangents
        ]
    drawn = len(graph.nodes) <= gv.MAX_NODES
    data = {
        "summary": summary_lines(ex, digits),
        "output": ids[graph.output],
        "nodes": nodes,
        "edges": edges,
        "stages": stages,
        "chains": [_chain(ex, chain, ids, shown, digits) for chain in ex.chains],
        "paths_shown": "paths" in options.sections,
        "highlighted": [ids[i] for i in sorted(highlighted_nodes(ex))],
        "tolerance": TOLERANCE.describe(),
        "zero": shown(ex.arithmetic.zero),
        "layout": _layout(ex, nodes, edges, stages) if drawn else None,
        "draw": drawn,
    }
    if "blocks" in options.sections:
        data.update(_blocks(ex, shown, digits, stages))
        data.update(_jacobian(ex, digits))
    return data


def _blocks(
    ex: Explanation, shown: Shown, digits: int, stages: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The blocks view (a program with vectors): each block's heading and rule as the text
    formats write them, its value and adjoint as a grid of printed numbers, and the step of
    the reverse sweep after which its adjoint is complete; nothing for a scalar program."""
    from ..blocks_view import LABELS, block_view

    view = block_view(ex, digits)
    if not view:
        return {}
    ids = [node.id for node in ex.graph.nodes]
    last: dict[str, int] = {}
    for stage in stages:
        if stage["key"] == "adjoints":
            last = {step["node"]: k + 1 for k, step in enumerate(stage["steps"])}
    headings, found, elements = [], [], {}
    for part in view:
        block = getattr(part, "block", None)
        if block is None:
            headings.append(part.lines[0])
            continue
        nodes = [None if n is None else ids[n] for n in block.nodes]
        reached = [last[n] for n in nodes if n is not None and n in last]
        value, adjoint = LABELS[block.kind]
        found.append(
            {
                "name": block.name,
                "kind": block.kind,
                "shape": list(block.shape),
                "heading": part.lines[0],
                "labels": [f"{value}: {block.name} =", f"{adjoint}: {bar(block.name)} ="],
                "rows": _cells(block, nodes, shown),
                "rules": list(block.rules),
                "complete_at": max(reached) if reached else None,
            }
        )
        if block.shape:
            elements.update(_elements(ex, block, nodes))
    return {"blocks": found, "block_headings": headings, "elements": elements}


def _jacobian(ex: Explanation, digits: int) -> dict[str, Any]:
    """A vector output's Jacobian as the text formats print it: the forward sweeps' columns,
    the reverse sweeps' rows, the matrix, and the sentence on their counts."""
    if ex.jacobian is None:
        return {}
    from ..jacobian_view import jacobian_view
    from ..view import TableView

    parts = jacobian_view(ex, digits)
    tables = [
        {
            "title": t.title,
            "headers": list(t.headers),
            "rows": [list(r) for r in t.rows],
            "numeric": list(t.numeric),
            "notes": list(t.notes),
        }
        for t in parts
        if isinstance(t, TableView)
    ]
    lines = [line for part in parts if not isinstance(part, TableView) for line in part.lines]
    return {"jacobian": {"tables": tables, "lines": lines}}


def _cells(block: Any, nodes: Sequence[str | None], shown: Shown) -> list[list[dict[str, Any]]]:
    """The block's grid, a vector as a column (as its rule treats it): each cell its node,
    value and adjoint as printed, or the dots where a large matrix is cut."""
    from ..blocks_view import grid_of

    rows = grid_of(list(range(len(nodes))), block.shape) if block.shape else [[0]]
    if len(block.shape) == 1:
        rows = [[cell if cell != "…" else "⋮"] for cell in rows[0]]
    return [
        [
            {"node": None, "value": cell, "adjoint": cell}
            if isinstance(cell, str)
            else {
                "node": nodes[cell],
                "value": shown(block.values[cell]),
                "adjoint": shown(block.adjoints[cell]),
            }
            for cell in row
        ]
        for row in rows
    ]


def _elements(ex: Explanation, block: Any, nodes: Sequence[str | None]) -> dict[str, Any]:
    """What clicking an element's node says of it: its name and where it sits in its block."""
    columns = block.shape[1] if len(block.shape) == 2 else 1
    out = {}
    for k, (index, node) in enumerate(zip(block.nodes, nodes, strict=True)):
        if index is None or node is None:
            continue
        name = ex.graph.nodes[index].name or node
        row, column = divmod(k, columns)
        place = f"row {row + 1}, column {column + 1}" if len(block.shape) == 2 else f"entry {k + 1}"
        out[node] = f"{name}: {place} of {block.name}, {describe(block.shape)}"
    return out


def _node(ex: Explanation, node: Node, shown: Shown) -> dict[str, Any]:
    graph = ex.graph
    named = node.kind == "op" and node.name is not None
    return {
        "label": f"{node.id} ({node.name})" if named else node.id,
        "formula": node.formula,
        "source": "" if node.kind == "input" else graph.source_excerpt(node, 80),
        "value": shown(ex.values[node.index]),
        "adjoint_symbol": graph.notation.adjoint(node.index),
        "tangent_symbol": graph.notation.tangent(node.index),
    }


def _ask(value: Value, shown: str) -> dict[str, Any]:
    """What a prediction is checked against: the interval the homework checker accepts."""
    interval = TOLERANCE.interval(value)
    return {"answer": shown, "accept": None if interval is None else [_bound(b) for b in interval]}


def _bound(value: float) -> float | str:
    return value if value not in (float("inf"), float("-inf")) else str(value)


def _forward_pass(ex: Explanation, shown: Shown) -> dict[str, Any]:
    graph = ex.graph
    steps = []
    for node in graph.nodes[graph.input_count :]:
        value = shown(ex.values[node.index])
        source = graph.source_excerpt(node, 60)
        steps.append(
            {
                "node": node.id,
                "text": f"{node.id} = {node.formula} = {value}  (from {source!r})",
                "ask": f"the value of {node.id} = {node.formula}",
                **_ask(ex.values[node.index], value),
            }
        )
    inputs = ", ".join(f"{n.id} = {n.name} = {shown(ex.values[n.index])}" for n in graph.inputs)
    return {
        "key": "values",
        "title": "Forward pass",
        "intro": f"The inputs are given: {inputs}. Each operation follows, in numbering order.",
        "start": [n.id for n in graph.inputs],
        "steps": steps,
    }


def _partials(ex: Explanation, labels: Sequence[str], shown: Shown) -> dict[str, Any]:
    steps = []
    for i, edge in enumerate(ex.edges):
        kink = "  (not differentiable here: see the warnings)" if edge.nondifferentiable else ""
        written = _written(edge.formula, shown(edge.value))
        steps.append(
            {
                "edge": i,
                "node": ex.graph.id(edge.target),
                "text": f"{labels[i]} = {written}{kink}",
                "ask": f"{labels[i]} = {edge.formula}",
                **_ask(edge.value, shown(edge.value)),
            }
        )
    return {
        "key": "partials",
        "title": "Edge partials",
        "intro": "Each edge carries the local partial of the node it enters by the node it leaves.",
        "start": [],
        "steps": steps,
    }


def _reverse(ex: Explanation, labels: Sequence[str], shown: Shown) -> dict[str, Any]:
    notation = ex.graph.notation
    out = ex.graph.output_name
    seed, whole = label.seed(out), label.partial(out, out)
    steps = []
    for step in reverse_steps(ex):
        symbol = notation.adjoint(step.node)
        if step.edge is None:
            first = f"{seed} = 1" if seed == whole else f"{seed} = 1: the seed ({whole} = 1)"
            term, text = "", f"{symbol} = {first}" + ("" if seed != whole else ": the seed")
            ask = f"the seed {symbol} = {seed}"
        else:
            edge = ex.edges[step.edge]
            term = f"{_factor(shown(ex.adjoints[edge.target]))} · {_factor(shown(edge.value))}"
            added = f"{notation.adjoint(edge.target)} · {labels[step.edge]}"
            text = (
                f"{symbol} += {added} = {term} = {shown(step.term)}; "
                f"so far {symbol} = {shown(step.total)}"
            )
            ask = f"{symbol} once {added} is added"
        steps.append(_sweep_step(ex, step, text, ask, term, shown))
    return {
        "key": "adjoints",
        "title": "Reverse sweep",
        "intro": f"From {seed} = 1 down: each node's adjoint gathers one term per use, "
        f"{_rule_of_uses(notation)}, and an input's adjoint is ∂{out}/∂ of its variable.",
        "start": [],
        "steps": steps,
    }


def _rule_of_uses(notation: Notation) -> str:
    """w̄ᵢ += w̄ⱼ · ∂wⱼ/∂wᵢ in the graph's own letters (ū, v̄ where w is the student's)."""
    i, j = notation.symbol + "ᵢ", notation.symbol + "ⱼ"
    bar_i, bar_j = notation.adjoint_symbol + "ᵢ", notation.adjoint_symbol + "ⱼ"
    return f"{bar_i} += {bar_j} · ∂{j}/∂{i}"


def _tangents(
    ex: Explanation, chain: ChainRule, labels: Sequence[str], shown: Shown
) -> dict[str, Any]:
    notation = ex.graph.notation
    tangent = ex.tangents[chain.variable]
    steps = []
    for step in forward_steps(ex, chain):
        symbol = notation.tangent(step.node)
        if step.edge is None:
            seed = label.partial(chain.variable, chain.variable)
            term, text = "", f"{symbol} = 1: the seed ({seed} = 1); every other input's is 0"
            ask = f"the seed {symbol}"
        else:
            edge = ex.edges[step.edge]
            term = f"{_factor(shown(edge.value))} · {_factor(shown(tangent[edge.source]))}"
            added = f"{labels[step.edge]} · {notation.tangent(edge.source)}"
            text = (
                f"{symbol} += {added} = {term} = {shown(step.term)}; "
                f"so far {symbol} = {shown(step.total)}"
            )
            ask = f"{symbol} once {added} is added"
        steps.append(_sweep_step(ex, step, text, ask, term, shown))
    return {
        "key": f"tangents:{chain.variable}",
        "variable": chain.variable,
        "title": f"Forward sweep for {chain.variable}",
        # One control in the page's bar stands for every stage of a group (a list of the
        # variables): a button per sweep would fill the screen for a 12 × 12 matrix.
        "group": "Forward sweep for",
        "intro": f"Seeded with {notation.tangent(chain.node)} = 1 on {chain.variable}: each "
        "node's tangent gathers one term per argument, ending at "
        f"{label.gradient(chain.variable, ex.graph.output_name)} at {ex.graph.output_name}.",
        "start": [],
        "steps": steps,
    }


def _sweep_step(
    ex: Explanation, step: Step, text: str, ask: str, term: str, shown: Shown
) -> dict[str, Any]:
    return {
        "node": ex.graph.id(step.node),
        "edge": step.edge,
        "text": text,
        "term_text": term,
        "ask": ask,
        "total": shown(step.total),
        **_ask(step.total, shown(step.total)),
    }


def _written(formula: str, value: str) -> str:
    """``w3 = 1``, or just ``-1`` where the formula is the number itself."""
    return value if formula == value else f"{formula} = {value}"


def _factor(number: str) -> str:
    return f"({number})" if number.startswith("-") else number


def _chain(
    ex: Explanation, chain: ChainRule, ids: Sequence[str], shown: Shown, digits: int
) -> dict[str, Any]:
    lines = chain_rule_lines(ex, chain, digits, label.edge_labels(ex.graph, ex.edges))
    return {
        "variable": chain.variable,
        "node": ids[chain.node],
        "gradient": shown(chain.gradient),
        "lines": lines,
        "reaches": [ids[i] for i in range(len(ids)) if chain.reaches[i]],
    }


def _layout(
    ex: Explanation, nodes: dict[str, Any], edges: list[dict[str, Any]], stages: list[Any]
) -> dict[str, Any] | None:
    """Graphviz's layout of the page's boxes, or None (the page then asks dagre)."""
    found = gv.layout(layout_source(ex, nodes, edges, stages))
    if found is None:
        return None
    by_name = {box.name: box for box in found.boxes}
    ids = [node.id for node in ex.graph.nodes]
    curves: dict[tuple[str, str], list[gv.Curve]] = {}
    for curve in found.curves:
        curves.setdefault((curve.tail, curve.head), []).append(curve)
    placed = []
    for edge in ex.edges:
        # Graphviz keeps the order of edges between the same two nodes (x*x's two edges).
        curve = curves[(f"n{edge.source}", f"n{edge.target}")].pop(0)
        placed.append({"points": curve.points, "label": curve.label})
    return {
        "width": found.width,
        "height": found.height,
        "nodes": {ids[int(name[1:])]: [b.x, b.y, b.width, b.height] for name, b in by_name.items()},
        "edges": placed,
    }


def layout_source(
    ex: Explanation, nodes: dict[str, Any], edges: list[dict[str, Any]], stages: list[Any]
) -> str:
    """DOT whose boxes hold the widest text the page puts in each (so they fit), for layout:
    the box's label, formula and value, and the widest sum a sweep shows in it."""
    sums: dict[str, list[str]] = {}
    for stage in stages:
        symbol = "adjoint_symbol" if stage["key"] == "adjoints" else "tangent_symbol"
        for step in stage["steps"]:
            if "total" in step:
                text = f"{nodes[step['node']][symbol]} = {step['total']}"
                sums.setdefault(step["node"], []).append(text)
    lines = [
        "digraph layout {",
        "  rankdir=BT; nodesep=0.35; ranksep=0.5;",
        '  node [shape=box, fontname="Helvetica", fontsize=12, margin="0.14,0.1"];',
        '  edge [fontname="Helvetica", fontsize=11, arrowhead=none];',
    ]
    for node in ex.graph.nodes:
        entry = nodes[node.id]
        widest = max(sums.get(node.id, [""]), key=len)
        box = [entry["label"], entry["formula"], f"= {entry['value']}", widest]
        lines.append(f"  n{node.index} [label={_quote(chr(10).join(box))}];")
    inputs = " ".join(f"n{node.index};" for node in ex.graph.inputs)
    lines.append(f"  {{ rank=min; {inputs} }}")
    for edge, shown in zip(ex.edges, edges, strict=True):
        text = f"{shown['label']} = {shown['written']}"
        lines.append(f"  n{edge.source} -> n{edge.target} [label={_quote(text)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dumps(data: Any) -> str:
    """Laid out as the JSON format lays out its document: one line per flat object."""
    return "".join(json_format.chunks(data))


def _safe(text: str) -> str:
    """JSON that cannot end its <script> element: every < is written \\u003c (only strings
    hold one, and the escape means the same character there)."""
    return text.replace("<", "\\u003c")
