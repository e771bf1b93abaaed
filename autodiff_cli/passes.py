"""Generic passes over the graph. None of them knows any particular operation.

- :func:`forward` — the value of every node at a point (the forward pass);
- :func:`edge_partials` — the local partial on every edge, as formula and number;
- :func:`adjoints` — ∂Z/∂wᵢ for every node, by reverse accumulation;
- :func:`tangents` — ∂wᵢ/∂x for every node and one input x, by forward accumulation;
- :func:`count_paths` — how many paths lead from the output down to each variable,
  counted exactly by dynamic programming in one sweep (a count can be astronomically large);
- :func:`reach_masks` — which nodes lead down to which variables, in one sweep of bit masks;
- :func:`list_paths` — the first few of those paths, never all of them, within one budget
  of steps for all variables together.

Every loop runs over the nodes in numbering order, or its reverse: inputs come
first and an operation always comes after its arguments, so one sweep suffices
and nothing recurses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Literal, NamedTuple

from .arithmetic import FLOAT, MAX_EXACT_BITS, Arithmetic, underflows
from .errors import AdexplainError
from .formula import Formula
from .graph import Diagnostic, Graph, Node, operands
from .numbers import Value, format_number, is_finite, is_infinite
from .ops import OPS, Partial


class Edge(NamedTuple):
    """The edge from argument ``source`` into operation ``target`` at argument ``position``."""

    source: int
    target: int
    position: int
    formula: str
    value: Value
    nondifferentiable: bool = False


class Path(NamedTuple):
    """One path from the output down to a variable, with the edge partials along it."""

    nodes: tuple[int, ...]
    positions: tuple[int, ...]
    factors: tuple[Value, ...]
    product: Value


class Forward(NamedTuple):
    """The forward pass: node values, warnings, and (with overrides) what each step gave."""

    values: tuple[Value, ...]
    """Each node's value as later nodes use it: its override where there is one."""
    diagnostics: tuple[Diagnostic, ...]
    computed: tuple[Value, ...]
    """Each node's step applied to its arguments' values (``values`` with no overrides)."""


def forward(
    graph: Graph,
    point: Sequence[Value],
    arithmetic: Arithmetic = FLOAT,
    overrides: Mapping[int, Value] | None = None,
    *,
    outside_domain: Literal["raise", "nan"] = "raise",
) -> Forward:
    """Node values at ``point`` (one value per input, in input order), and warnings.

    ``overrides`` replaces the value of some nodes for every later node (a student's
    answers: the rest of their world follows from them). With ``outside_domain="nan"``
    a node outside its domain is nan instead of an error, as a student's world may be.

    Raises AdexplainError (code ``domain``) at the first node outside its operation's domain.
    """
    settle = arithmetic.settle
    values: list[Value] = [settle(v) for v in point]
    computed = values
    if overrides:
        computed = list(values)
        values = [overrides.get(i, v) for i, v in enumerate(values)]
    diagnostics: list[Diagnostic] = []
    apply = arithmetic.apply
    value: Value
    for node in graph.nodes[graph.input_count :]:
        op = OPS[node.op]  # type: ignore[index]
        args = [values[arg] if arg.__class__ is int else arg.value for arg in node.args]  # type: ignore[union-attr]
        reason = op.undefined(args)
        if reason is not None:
            if outside_domain == "raise":
                raise _domain_error(graph, node, args, reason)
            value, fell_back = math.nan, ""
        else:
            value, fell_back = apply(op, args)
        if fell_back:
            diagnostics.append(Diagnostic(fell_back, node.index, _FALLBACK[fell_back](node)))
        if is_infinite(value) and all(is_finite(a) for a in args):
            diagnostics.append(
                Diagnostic(
                    "overflow",
                    node.index,
                    f"{node.id} = {node.formula} overflows a float here, so its value is inf",
                )
            )
        elif value == 0 and underflows(op, args, value):
            diagnostics.append(
                Diagnostic(
                    "underflow",
                    node.index,
                    f"{node.id} = {node.formula} is too small for a float here (under "
                    "5e-324), so its value is 0",
                )
            )
        if overrides:
            computed.append(value)
            value = overrides.get(node.index, value)
        values.append(value)
    return Forward(tuple(values), tuple(diagnostics), tuple(computed))


_FALLBACK: dict[str, Callable[[Node], str]] = {
    "inexact": lambda node: (
        f"{node.id} = {node.formula} leaves the rational numbers, so its value "
        "(and every value computed from it) is a float"
    ),
    "exact-too-large": lambda node: (
        f"{node.id} = {node.formula} is too large to keep exactly (more than "
        f"{MAX_EXACT_BITS} bits, or past a float's range), so its value is a float"
    ),
}


def _domain_error(graph: Graph, node: Node, args: Sequence[Value], reason: str) -> AdexplainError:
    # NOTE: rounded to 6 digits, asin's argument 1.0000000000000002 reads 1, inside the
    # domain the sentence says it is outside. When the arguments as printed would be
    # defined, they are shown with as many digits as it takes to tell them apart.
    printed = [
        float(format_number(value)) if isinstance(value, float) and math.isfinite(value) else value
        for value in args
    ]
    precise = node.operation.undefined(printed) is None
    described = [
        _describe_argument(graph, graph.nodes[arg], value, precise)
        for arg, value in zip(node.args, args, strict=True)
        if isinstance(arg, int)
    ]
    return AdexplainError(
        f"{node.id} = {node.formula} (from {graph.source_excerpt(node, 60)!r}) is undefined: "
        f"{reason} (here {', '.join(described)})",
        code="domain",
        text=graph.source,
        span=node.span,
    )


def _describe_argument(graph: Graph, node: Node, value: Value, precise: bool = False) -> str:
    """``w2 = x-2 = -1``: the argument's id, its source text when that says more, its value
    (``precise``: in the fewest digits, 6 at least, that read back as this very float)."""
    source = " ".join(graph.source_excerpt(node, 60).split())
    shown = f" = {source}" if node.kind == "op" and len(source) <= 40 else ""
    digits = 6
    if precise and isinstance(value, float) and math.isfinite(value):
        # 17 significant digits always read back as the same float.
        digits = next(d for d in range(6, 18) if float(format_number(value, d)) == value)
    return f"{node.id}{shown} = {format_number(value, digits)}"


def edge_partials(
    graph: Graph,
    values: Sequence[Value],
    arithmetic: Arithmetic = FLOAT,
    *,
    outside_domain: Literal["raise", "nan"] = "raise",
    own_values: Sequence[Value] | None = None,
) -> tuple[tuple[Edge, ...], tuple[Diagnostic, ...]]:
    """Every edge's local partial, ordered by target node, then argument position.

    Where a partial does not exist (a kink), it takes the conventional value the
    table declares, the edge is marked, and a diagnostic explains the convention.
    With ``outside_domain="nan"`` (a student's values), a partial at arguments outside
    the op's domain is nan. ``own_values`` gives the value each node's step has at these
    arguments, where ``values`` holds something else (a student's answer for that node):
    exp' is exp of the argument, not whatever the student wrote for exp.
    """
    own = values if own_values is None else own_values
    edges: list[Edge] = []
    diagnostics: list[Diagnostic] = []
    partial_value = arithmetic.partial
    lenient = outside_domain == "nan"
    for node in graph.nodes[graph.input_count :]:
        op = OPS[node.op]  # type: ignore[index]
        args = [values[arg] if arg.__class__ is int else arg.value for arg in node.args]  # type: ignore[union-attr]
        value = own[node.index]
        undefined = lenient and op.undefined(args) is not None
        written = operands(graph, node)
        kinks: list[str] = []
        for position, arg in enumerate(node.args):
            if arg.__class__ is not int:
                continue  # a constant is not a node: no edge, no partial
            partial = op.partial(position)
            kink = None if undefined else partial.kink(args)
            if kink is not None and partial.kink_is_tie and _one_node(node.args):
                kink = None  # max(x, x) is x: a node tied with itself is no kink
            if kink is not None and kink not in kinks:
                kinks.append(kink)
            if undefined:
                number: Value = math.nan
            elif lenient:
                number = _or_nan(partial_value, partial, args, value)
            else:
                number = partial_value(partial, args, value)
            edges.append(
                Edge(arg, node.index, position, partial.text(written), number, kink is not None)
            )
        if kinks:
            message = f"{node.id}: {'; '.join(kinks)}"
            diagnostics.append(Diagnostic("nondifferentiable", node.index, message))
    return tuple(edges), tuple(diagnostics)


def _one_node(args: Sequence[object]) -> bool:
    """Whether every argument is the same node (not a constant)."""
    first = args[0]
    return first.__class__ is int and all(arg == first for arg in args)


def edge_formula(graph: Graph, edge: Edge) -> Formula:
    """The tree ``edge.formula`` was printed from, for printers that need more than its text
    (its precedence, its TeX)."""
    node = graph.nodes[edge.target]
    return OPS[node.op].partial(edge.position).tree(operands(graph, node))  # type: ignore[index]


def _or_nan(
    partial_value: Callable[[Partial, Sequence[Value], Value], Value],
    partial: Partial,
    args: Sequence[Value],
    value: Value,
) -> Value:
    """A partial at a student's values, which may be any numbers at all: nan where it fails."""
    try:
        return partial_value(partial, args, value)
    except (ArithmeticError, ValueError):
        return math.nan


def adjoints(
    graph: Graph,
    edges: Sequence[Edge],
    arithmetic: Arithmetic = FLOAT,
    seed: Mapping[int, Value] | None = None,
) -> tuple[Value, ...]:
    """∂Z/∂wᵢ for every node: Z̄ = 1, then w̄ᵢ += w̄ⱼ · ∂wⱼ/∂wᵢ over every use of wᵢ.

    Edges are ordered by target, so walking them backwards finishes every use of
    a node before that node passes its own adjoint on. The ``+=`` is what makes
    a variable used twice (``x*x``) come out right.

    NOTE: only nodes the output reaches pass anything on. A statement Z never uses
    has adjoint 0, and 0 times its partial must not reach its arguments: at an
    infinite slope (sqrt at 0) that product is nan, and would poison a gradient
    that every path says is finite.
    """
    add, multiply = arithmetic.add, arithmetic.multiply
    adjoint = [arithmetic.zero] * len(graph.nodes)
    reached = bytearray(len(graph.nodes))
    # ``seed`` starts the sweep from other nodes than Z: a cotangent on several outputs
    # (a vector-Jacobian product), or one output of several (a row of the Jacobian).
    for node, start in (seed or {graph.output: arithmetic.one}).items():
        adjoint[node] = start
        reached[node] = 1
    for edge in reversed(edges):
        if reached[edge.target]:
            reached[edge.source] = 1
            adjoint[edge.source] = add(
                adjoint[edge.source], multiply(adjoint[edge.target], edge.value)
            )
    return tuple(adjoint)


def tangents(
    graph: Graph,
    edges: Sequence[Edge],
    seed: int | Mapping[int, Value],
    arithmetic: Arithmetic = FLOAT,
) -> tuple[Value, ...]:
    """ẇᵢ = ∂wᵢ/∂x for every node, with ẋ = 1 on input ``seed`` and 0 on the others (or,
    ``seed`` a mapping, the tangent it gives each input).

    One forward sweep: ẇⱼ = Σ over wⱼ's arguments ∂wⱼ/∂wᵢ · ẇᵢ. Edges are ordered
    by target, and every argument comes before its user, so each ẇᵢ is final
    before it is used.

    NOTE: one rule with the reverse sweep. Nothing flows from an argument the seed does
    not reach, even along an edge whose partial is undefined here (x^y's partial by y at
    x < 0 is nan), as the reverse sweep passes nothing from a node the output does not
    reach. A tangent the seed reaches and that happens to be 0 is multiplied like any
    number: inf · 0 is nan in both sweeps (sqrt(x*x) at 0), as in PyTorch.
    """
    add, multiply = arithmetic.add, arithmetic.multiply
    tangent = [arithmetic.zero] * len(graph.nodes)
    reached = bytearray(len(graph.nodes))
    # A mapping seeds several inputs at once: a Jacobian-vector product in one sweep.
    for node, start in seed.items() if isinstance(seed, Mapping) else ((seed, arithmetic.one),):
        tangent[node] = start
        reached[node] = 1
    for edge in edges:
        if not reached[edge.source]:
            continue
        reached[edge.target] = 1
        tangent[edge.target] = add(tangent[edge.target], multiply(edge.value, tangent[edge.source]))
    return tuple(tangent)


class Uses(NamedTuple):
    """Who uses whom, found once per graph for the sweeps that count and find paths."""

    arguments: tuple[tuple[int, ...], ...]
    """Per node, the nodes among its arguments, in argument order (constants left out)."""


def uses(graph: Graph) -> Uses:
    arguments = tuple(
        tuple(arg for arg in node.args if arg.__class__ is int) for node in graph.nodes
    )
    return Uses(arguments)


def count_paths(graph: Graph, uses: Uses, keep: Collection[int] = ()) -> tuple[int, ...]:
    """For every input, how many paths lead from the output down to it: one reverse sweep.
    The counts of the operations in ``keep`` (named intermediates asked for with --wrt) are
    kept too, at their own index; every other operation's count is 0 in the result.

    A node's count is the sum of its users' counts, one edge per argument position,
    so ``x*x`` counts two paths to x. Nodes come after their arguments, so walking
    down from the output finishes every user of a node before the node passes its
    own count on. Python's integers are unbounded: a chain of 60 squarings counts
    2^60 paths exactly.

    NOTE: a count is let go as soon as it has been passed on, so the only counts alive
    at once are those of nodes the sweep has passed a user of but not yet reached.
    Along a chain of shared nodes counts grow like Fibonacci numbers (35 000 bits each
    at 100 000 nodes): keeping them all would take 200 MB.
    """
    counts = [0] * len(graph.nodes)
    counts[graph.output] = 1
    arguments = uses.arguments
    kept = {index: 0 for index in keep if index >= graph.input_count}
    for index in range(graph.output, graph.input_count - 1, -1):
        count = counts[index]
        if count:
            counts[index] = 0
            if index in kept:
                kept[index] = count
            for arg in arguments[index]:
                counts[arg] += count
    if not kept:
        return tuple(counts[: graph.input_count])
    for index, count in kept.items():
        counts[index] = count
    return tuple(counts)


def reach_masks(graph: Graph, uses: Uses, targets: Sequence[int]) -> list[int]:
    """Per node, a bit mask with bit j set when some path leads from it down to ``targets[j]``.

    One forward sweep for all targets at once: a node reaches what its arguments reach.

    NOTE: a mask is a Python integer as wide as the highest target it reaches, so the
    sweep does one ``|`` per edge whatever the number of targets, and each ``|`` is a
    loop in C over 30-bit digits (34 of them for 1 000 targets). The masks take at most
    one bit per node and target, an eighth of one byte array per target.
    """
    masks = [0] * len(graph.nodes)
    for bit, target in enumerate(targets):
        masks[target] |= 1 << bit
    arguments = uses.arguments
    for index in range(graph.input_count, graph.output + 1):
        mask = masks[index]  # a named intermediate may be a target itself
        for arg in arguments[index]:
            mask |= masks[arg]
        masks[index] = mask
    return masks


class Reaches:
    """Which nodes some path leads from down to one target: one bit of the shared masks."""

    __slots__ = ("flag", "masks")

    def __init__(self, masks: Sequence[int], bit: int) -> None:
        self.masks = masks
        self.flag = 1 << bit

    def __getitem__(self, node: int) -> bool:
        return self.masks[node] & self.flag != 0


def nodes_on_paths(graph: Graph, reaches: Reaches) -> frozenset[int]:
    """The nodes some path from the output down to the target passes through.

    A node is on a path when the output reaches it and it reaches the target;
    one sweep down from the output finds them all.
    """
    on_path = bytearray(len(graph.nodes))
    on_path[graph.output] = reaches[graph.output]
    for node in reversed(graph.nodes[: graph.output + 1]):
        if on_path[node.index]:
            for arg in node.args:
                if arg.__class__ is int and reaches[arg]:
                    on_path[arg] = 1
    return frozenset(i for i, flag in enumerate(on_path) if flag)


MAX_LISTED_STEPS = 100_000
"""All variables' listings together stop before they would hold more than this many steps
(the first path is always listed): 50 variables of 100 000 steps each were 86 MB of JSON."""


def edge_index(edges: Sequence[Edge]) -> dict[tuple[int, int], Edge]:
    """Each edge by (the node it enters, its argument position there)."""
    return {(edge.target, edge.position): edge for edge in edges}


class Target(NamedTuple):
    """A variable whose paths to list: its node, which nodes lead to it, how many paths."""

    node: int
    reaches: Reaches
    path_count: int


class _Budget:
    """Steps still free for listing, shared by all variables; below zero, listing is over."""

    def __init__(self, steps: int) -> None:
        self.left = steps
        self.first = True  # the first path is listed however long (it is at most n steps)


def list_paths(
    graph: Graph,
    edge_at: dict[tuple[int, int], Edge],
    targets: Sequence[Target],
    limit: int,
    arithmetic: Arithmetic = FLOAT,
    steps: int = MAX_LISTED_STEPS,
) -> tuple[tuple[Path, ...], ...]:
    """Per target, its first paths from the output down, arguments in order, at most ``limit``.

    Every target's first path comes before any target's second, so each variable gets
    one where the budget allows. The budget of ``steps`` is shared by all targets:
    listing stops for good at the first path that would not fit. So however many
    variables there are, the listing (and the work to find it) stays within the budget.
    """
    listed: list[list[Path]] = [[] for _ in targets]
    budget = _Budget(steps)
    walks = [_walk(graph, edge_at, target, arithmetic, budget) for target in targets]
    for quota in sorted({1, limit}) if limit > 0 else ():
        for paths, walk in zip(listed, walks, strict=True):
            while len(paths) < quota and (path := next(walk, None)) is not None:
                paths.append(path)
            if budget.left < 0:
                return tuple(map(tuple, listed))
    return tuple(map(tuple, listed))


def _walk(
    graph: Graph,
    edge_at: dict[tuple[int, int], Edge],
    target: Target,
    arithmetic: Arithmetic,
    budget: _Budget,
) -> Iterator[Path]:
    """The paths to ``target`` in order, while they fit in the budget, charged as they come.

    A depth-first walk with an explicit stack, stepping only into arguments that
    have a path to the target, so every step leads to a path; it ends at the known
    count rather than backing out of the whole graph.
    """
    if not target.path_count:
        return
    # The reach test inlined: it runs for every argument the walk looks at.
    masks, flag = target.reaches.masks, target.reaches.flag
    found = 0
    trail = _Trail(graph.output, arithmetic)
    while trail.nodes and found < target.path_count:
        node = graph.nodes[trail.nodes[-1]]
        if node.index == target.node:
            found += 1
            budget.left -= len(trail.factors)
            budget.first = False
            yield trail.path()
            trail.back()
            continue
        args, position = node.args, trail.next[-1]
        while position < len(args) and not (
            args[position].__class__ is int and masks[args[position]] & flag  # type: ignore[index]
        ):
            position += 1
        if position == len(args):
            trail.back()
            continue
        if len(trail.factors) >= budget.left and not budget.first:
            budget.left = -1  # this path would not fit: nor will any after it
            return
        trail.next[-1] = position + 1
        trail.step(edge_at[(node.index, position)])


class _Trail:
    """Where a walk is: the nodes from the output down and, per step, its argument position,
    its partial and the product so far, so paths that share a beginning share its product."""

    def __init__(self, output: int, arithmetic: Arithmetic) -> None:
        self.nodes = [output]
        self.next = [0]
        """Per node of the trail, the argument position to try next."""
        self.positions: list[int] = []
        self.factors: list[Value] = []
        self.products = [arithmetic.one]
        self.multiply = arithmetic.multiply

    def step(self, edge: Edge) -> None:
        self.nodes.append(edge.source)
        self.next.append(0)
        self.positions.append(edge.position)
        self.factors.append(edge.value)
        # Multiplied in the order the factors run, as a product along the path is written.
        self.products.append(self.multiply(self.products[-1], edge.value))

    def back(self) -> None:
        self.nodes.pop()
        self.next.pop()
        self.products.pop()
        if self.positions:
            self.positions.pop()
            self.factors.pop()

    def path(self) -> Path:
        return Path(
            nodes=tuple(self.nodes),
            positions=tuple(self.positions),
            factors=tuple(self.factors),
            product=self.products[-1],
        )
