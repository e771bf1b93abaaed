"""What the human-readable formats show, as rows and lines of text.

The plain and rich renderers lay out the same content; this module decides the
content once (which columns, which labels, how a chain-rule product is written)
so the two cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import labels as label
from ..arithmetic import Arithmetic
from ..crosscheck import CrossCheck
from ..explain import ChainRule, Explanation
from ..formula import factor, number_precedence, precedence
from ..graph import Graph, Node
from ..numbers import Value, format_count, format_number, is_finite, is_nan
from ..passes import MAX_LISTED_STEPS, Edge, Path, edge_formula
from ..tensor import point_text

SOURCE_WIDTH = 40
"""Longer source snippets are shortened in tables (JSON keeps them up to 200 characters)."""

TABLE_ROWS = 1000
"""A longer table shows its first and last TABLE_ROWS / 2 rows, and says how many it left out."""

PATH_STEPS = 12
"""A longer path shows its first and last PATH_STEPS / 2 steps."""

KINK_MARK = "*"


@dataclass(frozen=True, slots=True)
class TableView:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    """Per column: right-align it."""
    notes: tuple[str, ...] = ()
    code: tuple[bool, ...] = ()
    """Per column: it holds formulas or source text, which documents set as code.
    Empty means no such column."""

    def __post_init__(self) -> None:
        if len(self.rows) <= TABLE_ROWS:
            return
        # NOTE: a graph of 100 000 nodes would print 100 000 rows; nobody reads the middle.
        keep = TABLE_ROWS // 2
        hidden = len(self.rows) - 2 * keep
        gap = (f"… {hidden} rows not shown (--format json has them all) …",)
        filler = gap + ("",) * (len(self.headers) - 1)
        object.__setattr__(self, "rows", (*self.rows[:keep], filler, *self.rows[-keep:]))


def _output_line(ex: Explanation, digits: int) -> str:
    output = ex.graph.nodes[ex.graph.output]
    if not ex.graph.outputs:
        return (
            f"Output:     {ex.graph.output_name} = {label.node(ex.graph, output.index)} = "
            f"{format_number(ex.output_value, digits)}"
        )
    from ..jacobian import describe_output

    values = point_text(
        {ex.graph.nodes[o].name or ex.graph.nodes[o].id: ex.values[o] for o in ex.graph.outputs},
        lambda v: format_number(v, digits),
    )
    return (
        f"Output:     {values} ({describe_output(ex.graph)}); the paths and adjoints below are "
        f"for its first element, {output.name} = {label.node(ex.graph, output.index)}"
    )


def is_program(ex: Explanation) -> bool:
    """Whether the text names a statement (``a = x*x; a + a``). The elements of an unnamed
    vector output are named (``Z[1]``, ``Z[2]``) without making it a program."""
    graph = ex.graph
    if graph.statements:
        return any(statement.name for statement in graph.statements)
    return any(node.kind == "op" and node.name for node in graph.nodes)


def summary_lines(ex: Explanation, digits: int) -> list[str]:
    point = point_text(ex.point, lambda v: format_number(v, digits))
    expression = " ".join(ex.expression.split()) if "\n" not in ex.expression.strip() else ""
    # A program written on one line (a = x*x; a + a) is still a program.
    heading = "Program:   " if is_program(ex) else "Expression:"
    lines = [f"{heading} {expression}"] if expression else ["Program:", *_program_lines(ex)]
    note = label.notation_note(ex.graph)
    return [
        *lines,
        *([f"Nodes:      {note}"] if note else []),
        f"Point:      {point}",
        _output_line(ex, digits),
    ]


def statements(expression: str) -> list[str]:
    """A program's statements one per line, as a document lists them: split at new lines
    and at ``;`` (``a = x*x; a + a`` is two); comments stay on their lines."""
    found = []
    for line in expression.strip().splitlines():
        text, hash_sign, comment = line.partition("#")
        parts = [part.strip() for part in text.split(";") if part.strip()]
        if hash_sign:
            tail = f"{parts.pop()}  " if parts else ""
            parts.append(f"{tail}#{comment}".strip())
        found.extend(parts)
    return found


def _program_lines(ex: Explanation) -> list[str]:
    return [f"  {line.strip()}" for line in ex.expression.strip().splitlines() if line.strip()]


def values_table(ex: Explanation, digits: int) -> TableView:
    rows = []
    for node, value in zip(ex.graph.nodes, ex.values, strict=True):
        excerpt = ex.graph.source_excerpt(node, 4 * SOURCE_WIDTH)
        source = "" if node.kind == "input" else shorten(excerpt)
        name = label.node(ex.graph, node.index)
        rows.append((name, node.formula, source, format_number(value, digits)))
    output = ex.graph.nodes[ex.graph.output]
    rows.append((ex.graph.output_name, output.id, "", format_number(ex.output_value, digits)))
    return TableView(
        title="Forward pass: node values",
        headers=("node", "expression", "source", "value"),
        code=(False, True, True, False),
        rows=tuple(rows),
        numeric=(False, False, False, True),
    )


def partials_table(ex: Explanation, digits: int, labels: Sequence[str]) -> TableView:
    rows = tuple(
        (
            labels[i] + (f" {KINK_MARK}" if edge.nondifferentiable else ""),
            edge.formula,
            format_number(edge.value, digits),
        )
        for i, edge in enumerate(ex.edges)
    )
    notes: tuple[str, ...] = ()
    if not ex.edges:
        notes = ("(no edges: the output is an input itself)",)
    if any(edge.nondifferentiable for edge in ex.edges):
        notes = (f"{KINK_MARK} not differentiable at this point; see the warnings below",)
    return TableView(
        title="Edge partials: the local derivative on each edge",
        headers=("edge", "formula", "value"),
        code=(False, True, False),
        rows=rows,
        numeric=(False, False, True),
        notes=notes,
    )


def adjoint_table(ex: Explanation, digits: int, labels: Sequence[str]) -> TableView:
    """Reverse accumulation as in Baydin et al. 2018, Table 3: Z̄ = 1, then each w̄ᵢ from its uses."""
    graph = ex.graph
    notation = graph.notation
    uses: dict[int, list[int]] = defaultdict(list)
    for i, edge in enumerate(ex.edges):
        uses[edge.source].append(i)
    rows = []
    for node in reversed(graph.nodes):
        symbolic = [label.seed(graph.output_name)] if node.index == graph.output else []
        numeric = ["1"] if node.index == graph.output else []
        for i in uses[node.index]:
            edge = ex.edges[i]
            symbolic.append(f"{notation.adjoint(edge.target)} · {labels[i]}")
            numeric.append(
                f"{_number_factor(ex.adjoints[edge.target], digits)} · "
                f"{_number_factor(edge.value, digits)}"
            )
        rows.append(
            (
                notation.adjoint(node.index) + _named(graph, node),
                " + ".join(symbolic) or "(used by no node)",
                " + ".join(numeric),
                format_number(ex.adjoints[node.index], digits),
            )
        )
    return TableView(
        title=f"Reverse sweep: adjoints {notation.adjoint_symbol}ᵢ = "
        f"{label.gradient(notation.symbol + 'ᵢ', graph.output_name)}, "
        f"from {label.seed(graph.output_name)} = 1 down",
        headers=("adjoint", "sum over uses", "terms", "value"),
        code=(False, True, True, False),
        rows=tuple(rows),
        numeric=(False, False, False, True),
    )


def tangent_table(
    ex: Explanation, chain: ChainRule, digits: int, labels: Sequence[str]
) -> TableView:
    """Forward accumulation as in Baydin et al. 2018, Table 2, seeded on one variable."""
    graph = ex.graph
    notation = graph.notation
    tangent = ex.tangents[chain.variable]
    incoming: dict[int, list[int]] = defaultdict(list)
    for i, edge in enumerate(ex.edges):
        incoming[edge.target].append(i)
    rows = []
    for node in graph.nodes:
        name = notation.tangent(node.index) + _named(graph, node)
        value = format_number(tangent[node.index], digits)
        if node.kind == "input" or node.index == chain.node:
            seed = "the seed" if node.index == chain.node else "another input"
            rows.append((name, f"({seed})", value, value))
            continue
        symbolic = [
            f"{labels[i]} · {notation.tangent(ex.edges[i].source)}" for i in incoming[node.index]
        ]
        numeric = [
            f"{_number_factor(ex.edges[i].value, digits)} · "
            f"{_number_factor(tangent[ex.edges[i].source], digits)}"
            for i in incoming[node.index]
        ]
        rows.append((name, " + ".join(symbolic), " + ".join(numeric), value))
    seed = notation.tangent(chain.node)
    return TableView(
        # NOTE: the index ᵢ matters: with a variable named w, "ẇ = ∂w/∂w" would read as 1.
        title=f"Forward sweep for {chain.variable}: tangents {notation.tangent_symbol}ᵢ = "
        f"{label.partial(notation.symbol + 'ᵢ', chain.variable)}, seeded with {seed} = 1",
        headers=("tangent", "sum over arguments", "terms", "value"),
        code=(False, True, True, False),
        rows=tuple(rows),
        numeric=(False, False, False, True),
    )


def chain_rule_lines(
    ex: Explanation, chain: ChainRule, digits: int, labels: Sequence[str]
) -> list[str]:
    """The chain rule for one variable: each listed path multiplied out, then the sum."""
    graph = ex.graph
    out = graph.output_name
    z = label.gradient(chain.variable, out)
    var_id = graph.id(chain.node)
    output_id = graph.id(graph.output)
    plural = "path" if chain.path_count == 1 else "paths"
    count = format_count(chain.path_count)
    lines = [f"{z}: {chain.variable} is {var_id}, {out} is {output_id}; {count} {plural}"]
    if chain.node == graph.output:
        lines.append(f"  {out} is {chain.variable} itself, so {z} = 1")
        return lines
    if chain.path_count == 0:
        lines.append(f"  no path leads from {out} to {var_id}, so {z} = 0")
        return lines
    # Only the listed paths' edges are printed as factors: finding each one's tree for
    # every edge of a 100 000-node graph would be wasted.
    on_listed_paths = {
        step for path in chain.paths for step in zip(path.nodes, path.positions, strict=False)
    }
    by_step = {
        (edge.target, edge.position): (labels[i], _formula_factor(ex, edge))
        for i, edge in enumerate(ex.edges)
        if (edge.target, edge.position) in on_listed_paths
    }
    for number, path in enumerate(chain.paths, start=1):
        lines.extend(
            _path_lines(graph, by_step, path, number, chain.path_count, digits, ex.arithmetic)
        )
    lines.extend(_sum_lines(chain, digits, ex.max_paths, out))
    return lines


def _path_lines(
    graph: Graph,
    labels: dict[tuple[int, int], tuple[str, str]],
    path: Path,
    number: int,
    total: int,
    digits: int,
    arithmetic: Arithmetic,
) -> list[str]:
    route = " → ".join(_elide([label.node(graph, n) for n in path.nodes]))
    heading = f"  {route}" if total == 1 else f"  path {number}: {route}"
    steps = list(zip(path.nodes, path.positions, strict=False))  # the last node has no step
    shown, note = _factors_shown(path, arithmetic)
    symbolic = " · ".join(_with_gaps([labels[step][0] for step in steps], shown))
    formulas = " · ".join(_with_gaps([labels[step][1] for step in steps], shown))
    numbers = " · ".join(_with_gaps([_number_factor(f, digits) for f in path.factors], shown))
    product = format_number(path.product, digits)
    forms = [symbolic]
    for form in (formulas, numbers, product):
        if form != forms[-1]:
            forms.append(form)
    lines = [heading, f"      {forms[0]}"]
    lines.extend(f"    = {form}" for form in forms[1:])
    if note:
        lines.append(f"    ({note})")
    return lines


def _named(graph: Graph, node: Node) -> str:
    """`` (h1)`` after a named intermediate's adjoint or tangent, else nothing."""
    return label.node(graph, node.index).removeprefix(node.id)


def _elide(items: list[str]) -> list[str]:
    """The first and last few nodes of a long route, and a program's named intermediates
    (``u17 (h1)``: the student's own landmarks), with a count of the ones left out."""
    # A path of PATH_STEPS factors, all of them written, has one node more than that.
    if len(items) <= PATH_STEPS + 1:
        return items
    keep = PATH_STEPS // 2
    shown = [
        i < keep or i >= len(items) - keep or item.endswith(")") for i, item in enumerate(items)
    ]
    out: list[str] = []
    hidden: list[str] = []
    for item, visible in zip(items, shown, strict=True):
        if not visible:
            hidden.append(item)
            continue
        # One node left out takes as much room as its note: it is shown instead.
        out += hidden if len(hidden) == 1 else [f"…({len(hidden)} more)…"] if hidden else []
        hidden = []
        out.append(item)
    return out


def _factors_shown(path: Path, arithmetic: Arithmetic) -> tuple[list[int], str]:
    """Which factors of a long path to write, and a note accounting for the others.

    NOTE: factors of exactly 1 go first, since leaving them out changes no product; only
    then are others hidden, and the note gives their product, so the printed factors and
    the note always multiply to the printed product.
    """
    positions = list(range(len(path.factors)))
    if len(positions) <= PATH_STEPS:
        return positions, ""
    telling = [i for i in positions if path.factors[i] != 1] or [positions[0], positions[-1]]
    units = sum(1 for factor in path.factors if factor == 1) - sum(
        1 for i in telling if path.factors[i] == 1
    )
    notes = [f"{units} factors of 1 left out"] if units else []
    if len(telling) > PATH_STEPS:
        keep = PATH_STEPS // 2
        hidden = telling[keep:-keep]
        telling = [*telling[:keep], *telling[-keep:]]
        product = arithmetic.one
        for i in hidden:
            product = arithmetic.multiply(product, path.factors[i])
        notes.append(
            f"{len(hidden)} more factors left out at the gap, whose product is "
            f"{format_number(product)}"
        )
    return telling, "; ".join(notes)


def _with_gaps(items: list[str], shown: list[int]) -> list[str]:
    """The items at ``shown``, with ``…`` where others were left out between them."""
    out: list[str] = []
    previous = -1
    for i in shown:
        if i != previous + 1:
            out.append("…")
        out.append(items[i])
        previous = i
    if previous != len(items) - 1:
        out.append("…")
    return out


def _number_factor(value: Value, digits: int) -> str:
    return factor(format_number(value, digits), number_precedence(value))


def _formula_factor(ex: Explanation, edge: Edge) -> str:
    return factor(edge.formula, precedence(edge_formula(ex.graph, edge)))


def _sum_lines(chain: ChainRule, digits: int, max_paths: int, output: str) -> list[str]:
    z = label.gradient(chain.variable, output)
    gradient = format_number(chain.gradient, digits)
    if chain.unlisted:
        bound = (
            f"the bound is {max_paths}; set it with --max-paths"
            if len(chain.paths) >= max_paths
            else f"the listing stops at {MAX_LISTED_STEPS:,} steps for all variables together"
        )
        return [
            f"  … and {format_count(chain.unlisted)} more "
            f"{'path' if chain.unlisted == 1 else 'paths'} not listed ({bound})",
            f"  Reverse accumulation visits each edge once instead: {z} = {gradient}",
        ]
    assert chain.path_sum is not None, "every path is listed"
    total = format_number(chain.path_sum, digits)
    if chain.path_count == 1:
        lines = [f"  {z} = {total}"]
    else:
        terms = " + ".join(_number_factor(p.product, digits) for p in chain.paths)
        lines = [f"  sum over paths: {z} = {terms} = {total}"]
    if total != gradient:
        # NOTE: in exact arithmetic the two are one number; in floats they part where a
        # value on the way is not finite, or by rounding, and neither may pass for the other.
        finite = all(is_finite(p.product) for p in chain.paths) and is_finite(chain.gradient)
        why = (
            "the two round differently (the sum over paths is rounded once, the sweep "
            "at every step)"
            if finite
            else "the routes part where a value on the way is not finite"
        )
        lines.append(f"  reverse accumulation gives {gradient} instead: {why}")
    return lines


def check_lines(check: CrossCheck, digits: int, output: str = label.OUTPUT) -> list[str]:
    """One line comparing the routes, and a second saying why when they do not all agree."""
    routes = []
    if check.path_sum is not None:
        routes.append(f"path sum {format_number(check.path_sum, digits)}")
    routes.append(f"reverse sweep {format_number(check.reverse, digits)}")
    routes.append(f"forward sweep {format_number(check.forward, digits)}")
    if check.finite_difference is not None:
        routes.append(f"finite difference {format_number(check.finite_difference, digits)}")
    verdict = _verdict(check, len(routes))
    lines = [f"Check {label.gradient(check.variable, output)}: {', '.join(routes)}: {verdict}"]
    if check.note:
        lines.append(f"  ({check.note})")
    return lines


def _verdict(check: CrossCheck, routes: int) -> str:
    """What the routes say together. Three nan are one outcome, not a disagreement; at a
    kink AD's routes can agree only on a convention, for there is no derivative to find."""
    if check.exact_agree and is_nan(check.reverse):
        return "AD's routes all give nan"
    if check.kinks and check.exact_agree:
        return "AD's routes agree on the convention; no derivative exists here"
    if check.agree:
        return "agree ✓" if routes == 2 else "all agree ✓"
    return "do not all agree"


@dataclass(frozen=True, slots=True)
class Lines:
    """A block of text; its class says what it is, so a format can write each kind its way."""

    lines: tuple[str, ...]
    style: str = ""
    """How rich output styles it."""

    @property
    def boxed(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class SummaryLines(Lines):
    """The expression, the point and the output."""


@dataclass(frozen=True, slots=True)
class GraphLines(Lines):
    """The graph drawn as a tree (pictures draw it for real)."""


@dataclass(frozen=True, slots=True)
class ChainLines(Lines):
    """One variable's chain rule, which rich frames and the documents write as math."""

    chain: ChainRule = field(kw_only=True)

    @property
    def boxed(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class BlockLines(Lines):
    """One block of the blocks view (a statement or an input), which documents typeset."""

    block: Any = field(kw_only=True)
    """The ``blocks.Block`` written."""


@dataclass(frozen=True, slots=True)
class CheckLines(Lines):
    """The routes to one derivative compared."""


@dataclass(frozen=True, slots=True)
class GradientLines(Lines):
    """The gradient, in one line."""


@dataclass(frozen=True, slots=True)
class WarningLines(Lines):
    """Everything the tool warns about."""


Block = TableView | Lines


def layout(ex: Explanation, sections: frozenset[str], digits: int) -> list[Block]:
    """Everything the text formats show, in order, keeping only the chosen sections."""
    blocks: list[Block] = [SummaryLines(tuple(summary_lines(ex, digits)), style="bold")]
    if "graph" in sections:
        blocks.append(GraphLines(tuple(tree_lines(ex, digits))))
    # Labels once for every table and chain: per chain they would cost edges × variables.
    labels = label.edge_labels(ex.graph, ex.edges)
    if "values" in sections:
        blocks.append(values_table(ex, digits))
    if "partials" in sections:
        blocks.append(partials_table(ex, digits, labels))
    if "adjoints" in sections:
        blocks.append(adjoint_table(ex, digits, labels))
    if "blocks" in sections:
        from .blocks_view import block_view, no_blocks  # only a program with vectors needs it

        blocks.extend(block_view(ex, digits) or no_blocks(sections))
    for chain in ex.chains:
        if "paths" in sections:
            lines = tuple(chain_rule_lines(ex, chain, digits, labels))
            blocks.append(ChainLines(lines, chain=chain))
        if "tangents" in sections and chain.variable in ex.tangents:
            blocks.append(tangent_table(ex, chain, digits, labels))
        if "check" in sections and chain.variable in ex.checks:
            check = ex.checks[chain.variable]
            blocks.append(CheckLines(tuple(check_lines(check, digits, ex.graph.output_name))))
    if ex.jacobian is not None or ex.product is not None or ex.graph.outputs:
        from .jacobian_view import jacobian_view  # several outputs, or a seed

        blocks.extend(jacobian_view(ex, digits))
    blocks.append(GradientLines((gradient_line(ex, digits),), style="bold green"))
    if ex.diagnostics:
        blocks.append(WarningLines(tuple(warning_lines(ex)), style="yellow"))
    return blocks


TREE_DEPTH = 10
"""Deeper levels are summarised. Ten reaches the weights of a two-layer network, nine
edges below its loss, which is what a student draws the tree to see."""
TREE_LINES = 200


def tree_lines(ex: Explanation, digits: int) -> list[str]:
    """The graph as a tree from Z down, each node with the partial of its parent by it.

    A node used more than once (a variable, a program's named intermediate) is drawn in
    full the first time and marked "shared" after. Walked with an explicit stack.
    """
    graph = ex.graph
    partial = {(e.target, e.position): e for e in ex.edges}
    root = graph.nodes[graph.output]
    out = graph.output_name
    lines = [f"Graph: {out} at the top; each node's value, and [the partial of its parent by it]"]
    lines.append(f"{out} = {_tree_label(ex, root, digits)}")
    drawn = {root.index}
    stack = [(root.index, position, "") for position in reversed(range(len(root.args)))]
    while stack and len(lines) < TREE_LINES:
        parent, position, indent = stack.pop()
        child = graph.nodes[parent].args[position]
        if not isinstance(child, int):
            continue
        last = not any(
            isinstance(graph.nodes[parent].args[later], int)
            for later in range(position + 1, len(graph.nodes[parent].args))
        )
        branch, extend = ("└─ ", "   ") if last else ("├─ ", "│  ")
        node = graph.nodes[child]
        edge = partial[(parent, position)]
        local = f"{label.edge(graph, parent, node.index)} = {format_number(edge.value, digits)}"
        shared = node.index in drawn and node.kind == "op"
        note = "  (shared: shown above)" if shared else ""
        lines.append(f"{indent}{branch}{_tree_label(ex, node, digits)}  [{local}]{note}")
        if shared or node.kind == "input":
            continue
        drawn.add(node.index)
        if len(indent) // len(extend) + 1 >= TREE_DEPTH:
            lines.append(f"{indent}{extend}└─ … (deeper levels not drawn; see the tables)")
            continue
        stack.extend((node.index, p, indent + extend) for p in reversed(range(len(node.args))))
    if stack:
        lines.append(f"… ({len(graph.nodes)} nodes in all; the rest is not drawn)")
    return lines


def _tree_label(ex: Explanation, node: Node, digits: int) -> str:
    value = format_number(ex.values[node.index], digits)
    if node.kind == "input":
        return f"{node.id} = {node.name} = {value}"
    return f"{label.node(ex.graph, node.index)} = {node.formula} = {value}"


def gradient_line(ex: Explanation, digits: int) -> str:
    # A gradient by a whole vector or matrix is written as one (∂Z/∂W = [[...], [...]]).
    gradient = {c.variable: c.gradient for c in ex.chains}
    output = ex.graph.output_name
    named = point_text(
        gradient, lambda v: format_number(v, digits), lambda name: label.gradient(name, output)
    )
    return "Gradient: " + named


def warning_lines(ex: Explanation) -> list[str]:
    return [f"warning: {d.message}" for d in ex.diagnostics]


def shorten(text: str, width: int = SOURCE_WIDTH) -> str:
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    keep = width - 1
    return flat[: keep - keep // 2] + "…" + flat[len(flat) - keep // 2 :]
