"""The pipeline, text to :class:`Explanation`: parse, build, forward, partials, adjoints, paths.

The Explanation is the one result every renderer reads; renderers compute
nothing of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from .arithmetic import FLOAT, Arithmetic
from .arithmetic import arithmetic as choose_arithmetic
from .errors import AdexplainError, clip
from .graph import Diagnostic, Graph, Node, build, suggestion
from .jacobian import Jacobian, Product
from .jacobian import jacobian as jacobian_of
from .jacobian import product as product_of
from .notation import NotationStyle
from .numbers import Value, format_number
from .parser import parse
from .passes import (
    MAX_SWEPT_CELLS,
    Edge,
    Path,
    Reaches,
    Target,
    adjoints,
    count_paths,
    edge_index,
    edge_partials,
    forward,
    list_paths,
    nodes_on_paths,
    reach_masks,
    sweeps_that_fit,
    tangents,
    uses,
)
from .point import PointValue, resolve_point
from .scope import tensor_inputs

if TYPE_CHECKING:
    from .crosscheck import CrossCheck
    from .notebook import Display

DEFAULT_MAX_PATHS = 20

MAX_EXPRESSION_CHARS = 4_000_000
"""Longer text is refused up front. A program of 100 000 statements is about 2.5 million
characters; four million parse in a minute or two and fit in about 2.5 GB, and the limit
keeps a pasted log file or /dev/zero from taking the machine."""


@dataclass(frozen=True, slots=True)
class ChainRule:
    """∂Z/∂variable, as the sum over paths and as reverse accumulation computed it."""

    variable: str
    node: int
    gradient: Value
    """From reverse accumulation (the adjoint of the variable's node)."""
    path_count: int
    """Exact, however large."""
    paths: tuple[Path, ...]
    """The first few paths: at most ``max_paths``, within the budget all variables share."""
    reaches: Reaches = field(repr=False, compare=False)
    """Per node, whether some path leads from it down to the variable."""
    path_sum: Value | None = None
    """The sum of the listed paths' products when every path is listed, else None. It is the
    gradient in exact arithmetic; in floats, where values are not finite on the way, the two
    routes can differ (nan + (-inf) + 1 against -inf), and a reader must see both."""

    @property
    def unlisted(self) -> int:
        return self.path_count - len(self.paths)


@dataclass(frozen=True, slots=True, repr=False)
class Explanation:
    """Everything computed about one expression at one point.

    ``print(result)`` shows the tables, as ``--format plain`` does; in a notebook the
    result shows itself as HTML tables, typeset chain rules and the graph (see
    :mod:`autodiff_cli.notebook`); ``result.node("w8")`` looks a node up by id or name.
    """

    expression: str
    point: Mapping[str, Value]
    graph: Graph
    values: tuple[Value, ...]
    edges: tuple[Edge, ...]
    adjoints: tuple[Value, ...]
    chains: tuple[ChainRule, ...]
    diagnostics: tuple[Diagnostic, ...]
    max_paths: int
    arithmetic: Arithmetic = FLOAT
    """How the values were computed: floats, or exact fractions (--exact)."""
    tangents: Mapping[str, tuple[Value, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Per variable asked for, ẇᵢ for every node (one forward sweep each); empty unless asked."""
    checks: Mapping[str, CrossCheck] = field(default_factory=lambda: MappingProxyType({}))
    """Per variable, the four routes compared; empty unless asked."""
    jacobian: Jacobian | None = None
    """With several outputs (or on request), ∂outputs/∂variables by forward and by reverse
    sweeps; None unless asked, or when it would take too many sweeps."""
    product: Product | None = None
    """The one sweep a --seed asks for: J v or uᵀ J; None without a seed."""

    @property
    def exact(self) -> bool:
        """Whether rational values were kept as fractions (--exact)."""
        return self.arithmetic.exact

    @property
    def output_value(self) -> Value:
        return self.values[self.graph.output]

    @property
    def gradient(self) -> Mapping[str, Value]:
        return MappingProxyType({chain.variable: chain.gradient for chain in self.chains})

    def node(self, key: str) -> NodeView:
        """The node with this id (``"w8"``, or ``"v₋₁"`` in the survey's notation), or with this
        name (a variable, or a program's named intermediate); its value and its adjoint."""
        graph = self.graph
        found = next((n for n in graph.nodes if n.id == key), None)
        found = found or next((n for n in graph.nodes if n.name == key), None)
        if found is None:
            known = [n.id for n in graph.nodes] + [n.name for n in graph.nodes if n.name]
            raise AdexplainError(
                f"no node {key!r}: nodes are {graph.id(0)}…{graph.id(len(graph.nodes) - 1)}"
                + suggestion(key, known),
                code="unknown-name",
            )
        return NodeView(found, self.values[found.index], self.adjoints[found.index])

    def __str__(self) -> str:
        """The default sections as ``--format plain`` prints them."""
        from .render import RenderOptions, renderer

        return renderer("plain")(self, RenderOptions()).rstrip("\n")

    def __repr__(self) -> str:
        # NOTE: the dataclass's own repr printed every node, edge and path: thousands of
        # characters for a sigmoid neuron. This one says what the result is about.
        point = ", ".join(f"{name}={format_number(v)}" for name, v in self.point.items())
        gradient = ", ".join(f"{name}: {format_number(v)}" for name, v in self.gradient.items())
        expression = clip(" ".join(self.expression.split()), 60)
        return f"<Explanation of {expression!r} at {point}; gradient {{{gradient}}}>"

    # Jupyter's rich display: the notebook module is imported only when a front end asks.
    def _repr_html_(self) -> str:
        from .notebook import html

        return html(self)

    def _repr_markdown_(self) -> str:
        from .notebook import markdown

        return markdown(self)

    def _repr_latex_(self) -> str:
        from .notebook import latex

        return latex(self)

    def show(self, sections: str | Iterable[str] = "all", digits: int = 6) -> Display:
        """For a notebook: the sections ``--show`` names (``"blocks"``, ``"graph,paths"``)."""
        from .notebook import show

        return show(self, sections, digits)

    def on_paths(self, chain: ChainRule) -> frozenset[int]:
        """Every node on some path from Z to the chain's variable (to highlight a picture).

        Found on request: only pictures ask, and a sweep per variable is wasted on JSON.
        """
        return nodes_on_paths(self.graph, chain.reaches)


class NodeView(NamedTuple):
    """One node as :meth:`Explanation.node` finds it: the graph's node, its value, ∂Z/∂node."""

    node: Node
    value: Value
    adjoint: Value

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def name(self) -> str | None:
        return self.node.name

    @property
    def formula(self) -> str:
        return self.node.formula


def explain(
    expression: str,
    at: Mapping[str, PointValue] | Iterable[tuple[str, PointValue]],
    wrt: str | Sequence[str] = "all",
    max_paths: int = DEFAULT_MAX_PATHS,
    *,
    notation: NotationStyle = "w",
    forward_mode: bool = False,
    check: bool = False,
    exact: bool = False,
    jacobian: bool = False,
    seed: Iterable[tuple[str, PointValue]] | None = None,
) -> Explanation:
    """Explain how reverse-mode AD differentiates ``expression`` at the point ``at``.

    ``at`` maps each variable to a number or a constant expression (``"pi/2"``);
    its order is the input numbering w1…wk. ``wrt`` is ``"all"`` or the
    variables whose chain rule to show. At most ``max_paths`` paths are listed
    per variable, within a budget of steps all variables share; all of them are
    counted. ``notation`` names the nodes (``"w"`` or ``"v"``). ``forward_mode``
    adds one forward (tangent) sweep per variable; ``check`` compares path sum,
    reverse, forward and a finite difference.
    ``exact`` keeps rational values as fractions while the operations allow.

    >>> explain("y - max(0,w*x+b)", at={"y": 5, "w": 2, "x": 1, "b": 1}, wrt=["w"]).gradient["w"]
    -1.0
    """
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise AdexplainError(
            f"the expression has more than {MAX_EXPRESSION_CHARS:,} characters, "
            "the longest adexplain accepts",
            code="too-long",
        )
    pairs = at.items() if isinstance(at, Mapping) else at
    arithmetic = choose_arithmetic(exact)
    point = resolve_point(pairs, arithmetic)
    graph = build(parse(expression), expression, list(point), notation, arithmetic=arithmetic)
    values, overflow, _ = forward(graph, list(point.values()), arithmetic)
    edges, kinks = edge_partials(graph, values, arithmetic)
    adjoint = adjoints(graph, edges, arithmetic)
    chains = _chain_rules(graph, edges, adjoint, _variables(graph, wrt), max_paths, arithmetic)
    asked = chains if forward_mode or check else ()
    swept = asked[: sweeps_that_fit(len(graph.nodes), len(asked))]
    sweeps = {chain.variable: tangents(graph, edges, chain.node, arithmetic) for chain in swept}
    if check:
        from .crosscheck import cross_check  # two more forward passes each: only on request
    checks = {
        chain.variable: cross_check(
            graph,
            list(point.values()),
            chain.variable,
            chain.node,
            values[chain.node],
            chain.path_sum,
            chain.gradient,
            sweeps[chain.variable],
            edges,
            _kinks_on_the_way(kinks, edges, chain.reaches),
            values=values,
        )
        for chain in swept
        if check
    }
    variables = [chain.node for chain in chains]
    wanted = jacobian or bool(graph.outputs)  # several outputs: their Jacobian is the point
    matrix = jacobian_of(graph, edges, variables, arithmetic) if wanted else None
    seeded = None
    if seed is not None:
        try:
            cotangent = resolve_point(seed, arithmetic)
        except AdexplainError as err:
            raise err.with_origin("--seed") from None
        seeded = product_of(graph, edges, cotangent, variables, arithmetic)
    unswept = _unswept(graph, asked[len(swept) :], forward_mode, check)
    warnings = graph.diagnostics + overflow + kinks + unswept
    diagnostics = tuple(sorted(warnings, key=lambda d: (d.node, d.code)))
    return Explanation(
        expression=expression,
        point=MappingProxyType(point),
        graph=graph,
        values=values,
        edges=edges,
        adjoints=adjoint,
        chains=chains,
        diagnostics=diagnostics,
        max_paths=max_paths,
        tangents=MappingProxyType(sweeps),
        checks=MappingProxyType(checks),
        arithmetic=arithmetic,
        jacobian=matrix,
        product=seeded,
    )


def _unswept(
    graph: Graph, chains: Sequence[ChainRule], forward_mode: bool, check: bool
) -> tuple[Diagnostic, ...]:
    """The warning naming the variables left without a forward sweep (and a check) by the
    budget, and how to ask for them; nothing when every variable asked for has one."""
    if not chains:
        return ()
    what = " and ".join(
        shown for shown, asked in (("tangents", forward_mode), ("the check", check)) if asked
    )
    shown = ",".join(chain.variable for chain in chains[:3])
    names = shown + (",…" if len(chains) > 3 else "")
    message = (
        f"{what} left out for {len(chains):,} "
        f"{'variable' if len(chains) == 1 else 'variables'} ({names}): a forward sweep "
        f"holds a value per node ({len(graph.nodes):,} here), and all sweeps together stop "
        f"at {MAX_SWEPT_CELLS:,} values; ask for fewer variables, as in --wrt {shown}. "
        "The gradient is complete: it comes from one reverse sweep"
    )
    return (Diagnostic("sweeps-bounded", graph.output, message),)


def _kinks_on_the_way(
    kinks: Sequence[Diagnostic], edges: Sequence[Edge], reaches: Reaches
) -> list[Diagnostic]:
    """The kinks a variable's derivative passes through: a node with an edge that is not
    differentiable here, from an argument that leads down to the variable (x^y at x < 0 has
    no partial by y, but its partial by x exists)."""
    kinked = {edge.target for edge in edges if edge.nondifferentiable and reaches[edge.source]}
    return [kink for kink in kinks if kink.node in kinked]


def _variables(graph: Graph, wrt: str | Sequence[str]) -> dict[str, int]:
    """The variables asked for, each once, in the order asked, with their nodes.

    A program's named intermediate may be asked for too (∂loss/∂h1, what backpropagation
    homework asks); ``all`` is every input.
    """
    nodes = {node.name: node.index for node in graph.inputs if node.name is not None}
    if isinstance(wrt, str):
        wrt = list(nodes) if wrt == "all" else [wrt]
    named = {
        node.name: node.index
        for node in graph.nodes[graph.input_count :]
        if node.name is not None and node.index != graph.output
    }
    chosen: dict[str, int] = {}
    # --wrt W (or a named vector intermediate, h): every element, in row-major order.
    whole = {**tensor_inputs(named), **tensor_inputs(nodes)}
    for name in wrt:
        if name in named:
            chosen[name] = named[name]
            continue
        if name not in nodes and name in whole:
            for element in whole[name].elements:
                assert isinstance(element, int), "a vector's elements here are its nodes"
                chosen[graph.nodes[element].name or name] = element
            continue
        if name not in nodes:
            raise AdexplainError(
                f"cannot differentiate by {name!r}: it is not a variable or a named "
                "intermediate of the expression" + suggestion(name, [*nodes, *named]),
                code="unknown-wrt",
            )
        chosen[name] = nodes[name]
    if not chosen:
        raise AdexplainError(
            "no variable to differentiate by: name at least one, or use all", code="unknown-wrt"
        )
    return chosen


def _chain_rules(
    graph: Graph,
    edges: Sequence[Edge],
    adjoint: Sequence[Value],
    variables: Mapping[str, int],
    max_paths: int,
    arithmetic: Arithmetic,
) -> tuple[ChainRule, ...]:
    """Each variable's chain rule, from one sweep down (counts) and one up (which node leads
    where) for all variables together, and one listing budget shared by them all."""
    users = uses(graph)
    counts = count_paths(graph, users, keep=list(variables.values()))
    masks = reach_masks(graph, users, list(variables.values()))
    targets = [
        Target(node, Reaches(masks, bit), counts[node])
        for bit, node in enumerate(variables.values())
    ]
    listed = list_paths(graph, edge_index(edges), targets, max_paths, arithmetic)
    return tuple(
        ChainRule(
            variable=name,
            node=target.node,
            gradient=adjoint[target.node],
            path_count=target.path_count,
            paths=paths,
            reaches=target.reaches,
            path_sum=(
                None
                if len(paths) < target.path_count
                else arithmetic.total([path.product for path in paths])
            ),
        )
        for name, target, paths in zip(variables, targets, listed, strict=True)
    )
