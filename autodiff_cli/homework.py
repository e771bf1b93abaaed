"""Homework checking: compare a student's answers with the explanation, step by step.

Every answered entry (a node value, an edge partial, a component of the gradient)
gets one of three verdicts:

- right: it matches the true value within the tolerance;
- follows: it is wrong, but it is exactly what the right step gives when applied
  to the student's own earlier answers (error carried forward). It gets full
  credit, so one slip is not punished twice;
- wrong: neither. The first wrong entry, in the order a student works (values,
  then partials, then the gradient), is the "first slip", and the report says the
  right step in words.

The "student's world" is built the way the student worked: node values in
numbering order (their answer where they gave one, otherwise the step applied to
their earlier values), then partials at those values, then the gradient by
reverse accumulation over their partials.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import labels
from .answers import node_key, pair_sums, pairs
from .errors import AdexplainError
from .explain import Explanation, explain
from .graph import Node, suggestion
from .notation import Notation
from .numbers import Value, format_number, is_nan, to_float
from .passes import Edge, adjoints, edge_partials, forward
from .point import evaluate_value
from .problem import Problem, explain_problem, parse_toml, read_text


class Verdict(enum.Enum):
    RIGHT = "right"
    FOLLOWS = "follows"
    WRONG = "wrong"

    @property
    def credit(self) -> int:
        return 0 if self is Verdict.WRONG else 1


ToleranceKind = Literal["digits", "absolute", "relative", "exact"]

NOISE = 1e-9
"""Below this, a true value is taken as floating-point noise around 0."""


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How close an answer must be; the default accepts 3 significant digits."""

    kind: ToleranceKind = "digits"
    amount: float = 3

    def accepts(self, answer: Value, truth: Value) -> bool:
        if self.kind == "exact":
            return answer == truth
        a, t = to_float(answer), to_float(truth)
        if math.isnan(a) or math.isnan(t):
            return False
        if math.isinf(t) or math.isinf(a):
            return a == t
        if self.kind == "absolute":
            return abs(a - t) <= self.amount
        if self.kind == "relative":
            return abs(a - t) <= self.amount * abs(t)
        if abs(t) < NOISE:
            # cos(pi/2) is 6e-17 in floating point: a student who writes 0 is right.
            return abs(a) < NOISE
        # Half a unit in the last of `amount` significant digits of the true value.
        exponent = math.floor(math.log10(abs(t)))
        allowed = 0.5 * 10.0 ** (exponent - int(self.amount) + 1)
        return abs(a - t) <= allowed * (1 + 1e-9)

    def describe(self) -> str:
        if self.kind == "digits":
            return f"{int(self.amount)} significant digits"
        if self.kind == "exact":
            return "exact"
        return f"{self.kind} tolerance {self.amount:g}"


@dataclass(frozen=True, slots=True)
class ItemResult:
    section: str
    """values, partials or gradient."""
    key: str
    """As the file writes it: w7, "w5/w2", w."""
    label: str
    """As a person reads it: w7, ∂w5/∂w2, ∂Z/∂w."""
    answer: Value
    truth: Value
    verdict: Verdict
    step: str
    """The step in words, with the numbers the student used."""
    carried: Value
    """What the step gives from the student's own earlier answers."""


@dataclass(frozen=True, slots=True)
class Submission:
    path: str
    student: str
    items: tuple[ItemResult, ...] = ()
    error: AdexplainError | None = None
    """Set when the file could not be read or graded; then there are no items."""
    expr: str = ""
    """The problem's expression, to keep different problems apart in a class summary."""

    @property
    def score(self) -> int:
        return sum(item.verdict.credit for item in self.items)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def first_slip(self) -> ItemResult | None:
        return next((item for item in self.items if item.verdict is Verdict.WRONG), None)

    @property
    def all_right(self) -> bool:
        return self.error is None and self.first_slip is None


def check_file(path: str | Path, tolerance: Tolerance = Tolerance()) -> Submission:
    """Grade one submission; a file that cannot be read or graded becomes an error entry."""
    path = str(path)
    compute = functools.partial(explain, max_paths=0, exact=tolerance.kind == "exact")
    try:
        problem, explanation = explain_problem(path, compute=compute)
    except AdexplainError as err:
        return Submission(path, _student_named_in(path), error=err)
    items = grade(problem, explanation, tolerance)
    return Submission(path, _student(path, problem), items, expr=" ".join(problem.expr.split()))


def _student_named_in(path: str) -> str:
    """The student a file names, if it can be read that far (an unknown node id, say)."""
    # Read as load_problem reads: a pipe or /dev/zero among the submissions is refused
    # here too, not read for ever.
    try:
        named = parse_toml(read_text(path), path).get("student")
    except AdexplainError:
        named = None
    return named if isinstance(named, str) and named else Path(path).stem


def _student(path: str, problem: Problem | None) -> str:
    if problem is not None and problem.student:
        return problem.student
    return Path(path).stem


def grade(problem: Problem, ex: Explanation, tolerance: Tolerance) -> tuple[ItemResult, ...]:
    world = _StudentWorld(problem, ex)
    return (
        *world.value_items(tolerance),
        *world.partial_items(tolerance),
        *world.gradient_items(tolerance),
    )


class _StudentWorld:
    """The computation redone with the student's own answers wherever they gave one,
    by the same passes that computed the explanation."""

    def __init__(self, problem: Problem, ex: Explanation) -> None:
        self.ex = ex
        self.graph = graph = ex.graph
        arithmetic = ex.arithmetic
        self.node_key = {node.index: node_key(graph, node.index) for node in graph.nodes}
        by_key = {key: index for index, key in self.node_key.items()}
        self.value_answers = {
            by_key[key]: self._number(key, answer)
            for key, answer in problem.answers["values"].items()
        }
        self.partial_answers = {
            key: self._number(key, answer) for key, answer in problem.answers["partials"].items()
        }
        self.gradient_answers = {
            key: self._number(key, answer) for key, answer in problem.answers["gradient"].items()
        }
        point = ex.values[: graph.input_count]
        world = forward(graph, point, arithmetic, self.value_answers, outside_domain="nan")
        self.carried_values, self.values = world.computed, world.values
        student_edges, _ = edge_partials(
            graph, world.values, arithmetic, outside_domain="nan", own_values=world.computed
        )
        self.pairs = pairs(graph, ex.edges)
        self.true_partials = pair_sums(self.pairs, [e.value for e in ex.edges], arithmetic)
        self.carried_partials = pair_sums(self.pairs, [e.value for e in student_edges], arithmetic)
        self.carried_gradient = adjoints(
            graph, self._with_partial_answers(student_edges), arithmetic
        )

    def _number(self, key: str, answer: float | int | str) -> Value:
        return evaluate_value(key, answer, self.ex.arithmetic, allow_infinite=True)

    def _with_partial_answers(self, edges: Sequence[Edge]) -> list[Edge]:
        """The student's edges, where an answered pair becomes one edge carrying the answer.

        NOTE: the pair's other edges are left out, not set to 0: an infinite adjoint times 0
        would be nan where the student's sum is finite.
        """
        kept = list(edges)
        dropped: set[int] = set()
        for key, answer in self.partial_answers.items():
            first, *others = self.pairs[key].edges
            kept[first] = kept[first]._replace(value=answer)
            dropped.update(others)
        return [edge for position, edge in enumerate(kept) if position not in dropped]

    def value_items(self, tolerance: Tolerance) -> list[ItemResult]:
        items = []
        for index, answer in sorted(self.value_answers.items()):
            node = self.graph.nodes[index]
            truth = self.ex.values[index]
            carried = self.carried_values[index]
            key = self.node_key[index]
            if node.kind == "input":
                step = f"{node.id} is the input {node.name} = {format_number(truth)}"
            else:
                step = f"{node.id} = {node.formula}{self._with_arguments(node)}"
            items.append(_item("values", key, node.id, answer, truth, carried, step, tolerance))
        return items

    def _with_arguments(self, node: Node) -> str:
        used = [
            f"{self.graph.id(arg)} = {format_number(self.values[arg])}"
            for arg in dict.fromkeys(a for a in node.args if isinstance(a, int))
        ]
        return f"; with {' and '.join(used)}" if used else ""

    def partial_items(self, tolerance: Tolerance) -> list[ItemResult]:
        items = []
        for key, pair in self.pairs.items():
            if key not in self.partial_answers:
                continue
            node = self.graph.nodes[pair.target]
            label = labels.edge(self.graph, pair.target, pair.source)
            formulas = [self.ex.edges[i].formula for i in pair.edges]
            step = f"{label} = {' + '.join(formulas)}{self._with_arguments(node)}"
            answer = self.partial_answers[key]
            truth, carried = self.true_partials[key], self.carried_partials[key]
            items.append(_item("partials", key, label, answer, truth, carried, step, tolerance))
        return items

    def gradient_items(self, tolerance: Tolerance) -> list[ItemResult]:
        items = []
        for name, answer in self.gradient_answers.items():
            index = self.graph.input_index(name)
            assert index is not None, "check_answers accepts only the problem's variables"
            variable = self.graph.id(index)
            out = self.graph.output_name
            step = (
                f"{labels.gradient(name, out)} is the sum, over the paths from {out} to "
                f"{variable}, of the products of the partials along them "
                "(your partials where you gave them)"
            )
            truth, carried = self.ex.adjoints[index], self.carried_gradient[index]
            label = labels.gradient(name, out)
            items.append(_item("gradient", name, label, answer, truth, carried, step, tolerance))
        return items


def _item(
    section: str,
    key: str,
    label: str,
    answer: Value,
    truth: Value,
    carried: Value,
    step: str,
    tolerance: Tolerance,
) -> ItemResult:
    if tolerance.accepts(answer, truth):
        verdict = Verdict.RIGHT
    elif tolerance.accepts(answer, carried):
        verdict = Verdict.FOLLOWS
    else:
        verdict = Verdict.WRONG
    return ItemResult(section, key, label, answer, truth, verdict, step, carried)


def feedback(item: ItemResult, hide_answers: bool = False) -> str:
    """One sentence about an entry, as a tutor would say it."""
    answer = format_number(item.answer)
    if item.verdict is Verdict.RIGHT:
        return f"{item.label} = {answer} is right"
    if item.verdict is Verdict.FOLLOWS:
        if item.section == "gradient":
            return f"{item.label} = {answer} is right for your own partials (full credit)"
        return (
            f"{item.label} = {answer} is the right step from your own earlier answers "
            f"({item.step.split('; with ')[-1]}): the slip is earlier, so full credit"
        )
    if hide_answers:
        return f"{item.label} = {answer} is not right: {item.step}; work this step again"
    right = format_number(item.carried)
    if item.section == "gradient":
        return f"{item.step}: that gives {right}, not {answer}"
    if "; with " in item.step:
        return f"{item.step} this is {right}, not {answer}"
    return f"{item.step}, not {answer}"


def expectations(ex: Explanation, expected: Mapping[str, Value], tolerance: Tolerance) -> list[str]:
    """For --expect: the expectations that fail, each as one sentence (empty when all hold)."""
    failures = []
    for name, wanted in expected.items():
        actual = _expected_quantity(ex, name)
        # NOTE: a grader never accepts nan as an answer, but an expectation of nan states
        # what the tool should print (sin(inf) is nan), and holds when it does.
        both_nan = is_nan(wanted) and is_nan(actual)
        if not (both_nan or tolerance.accepts(wanted, actual)):
            label = _expectation_label(ex, name)
            failures.append(
                f"expected {label} = {format_number(wanted)}, but it is {format_number(actual)}"
            )
    return failures


def _expectation_label(ex: Explanation, name: str) -> str:
    if name in ex.gradient or _intermediate(ex, name) is not None:
        return labels.gradient(name, ex.graph.output_name)
    return labels.partial(*name.split("/")) if "/" in name else name


def _intermediate(ex: Explanation, name: str) -> int | None:
    """The node of a program's named intermediate (h1 in h1 = tanh(...)), if ``name`` is one."""
    graph = ex.graph
    found = (node.index for node in graph.nodes[graph.input_count :] if node.name == name)
    return next(found, None)


def _expected_quantity(ex: Explanation, name: str) -> Value:
    if name in ex.gradient:
        return ex.gradient[name]
    intermediate = _intermediate(ex, name)
    if intermediate is not None:  # ∂loss/∂h1: the node's adjoint
        return ex.adjoints[intermediate]
    edges = pairs(ex.graph, ex.edges)
    if name in edges:
        return ex.arithmetic.total([ex.edges[i].value for i in edges[name].edges])
    keys = Notation("w", ex.graph.input_count)
    for node in ex.graph.nodes:
        if name in (keys.id(node.index), node.id):  # w5 as problem files key it, or as shown
            return ex.values[node.index]
    raise AdexplainError(
        f"--expect {name}: not a variable asked for with --wrt, a named intermediate, "
        "a node id or an edge (as w8/w7)" + suggestion(name, [*ex.gradient, *edges]),
        code="bad-expect",
    )
