"""Homework checking: grade a student's answers against an assignment, entry by entry.

The **assignment** is the teacher's problem (``check --key``: a problem file or a ``quiz``
key), or, for a self-check, the problem written in the student's own file. Its gradable
entries are every operation node's value, every partial ∂wJ/∂wI and every gradient
component asked for (inputs are given, not graded); each is worth 1 point unless the
assignment's ``[weights]`` say otherwise, so the maximum is the same for every student.

Every entry gets one verdict:

- right: within the tolerance of the true value (at a kink, of any value in the
  subdifferential, unless the rules ask for the tool's convention);
- follows: wrong, but what the right step gives from the student's own earlier wrong
  answers (error carried forward), under the rule below; full credit;
- wrong, missing (not answered) or unreadable (an answer that is not a number, with
  the hint the reader gives): no credit.

The rule for carried credit (README, "Checking homework"): an entry follows when the
right step applied to the student's own earlier answers gives it, and

1. the step used at least one earlier answer of theirs that is not right (it is named:
   "from your w7 = 0"); a step that matches only because of earlier answers that are
   right as rounded earns nothing: the rounding cost this step;
2. a partial is computed from the student's values of its *arguments*, never from their
   answer for the node itself (σ′ = σ(1 − σ) is not taken from a σ rounded to 1);
3. the slip did not make the step trivial: a carried 0 (or inf, nan) where the true
   value is not 0 earns nothing, as a zero from an earlier slip is no evidence of work;
   nor does a gradient carried through a partial the student gave as 0 where it is not
   (the paths through it were never multiplied out);
4. a file that gives one and the same number for every answer (four or more) earns no
   carried credit at all.

The student's world is computed by the same passes as the explanation: node values in
order (their answer where they gave one, else the step applied to their values),
partials at their argument values, the gradient by reverse accumulation over their
partials.
"""

from __future__ import annotations

import enum
import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, NamedTuple

from . import labels
from .answers import (
    SECTIONS,
    WHAT_A_KEY_NAMES,
    Keys,
    answer_hint,
    node_key,
    one_edge_note,
    pair_sums,
    pairs,
    read_answer,
)
from .errors import AdexplainError
from .explain import Explanation, explain
from .graph import suggestion
from .numbers import Value, format_number, is_finite, is_nan, to_float
from .ops import OPS
from .passes import Edge, adjoints, edge_partials, forward
from .problem import (
    KNOWN_KEYS,
    Problem,
    elementwise_answers,
    load_problem,
    parse_toml,
    problem_files,
    read_text,
    stated_problem,
)
from .tensor import describe, element_name, grouped, parse_element_name


class Verdict(enum.Enum):
    RIGHT = "right"
    FOLLOWS = "follows"
    WRONG = "wrong"
    MISSING = "missing"
    UNREADABLE = "unreadable"

    @property
    def earns(self) -> bool:
        return self in (Verdict.RIGHT, Verdict.FOLLOWS)


ToleranceKind = Literal["digits", "absolute", "relative", "exact"]
KinkRule = Literal["subdifferential", "convention"]

NOISE = 1e-9
"""Below this, a true value is taken as floating-point noise around 0."""

BLANKET = 4
"""The same number in at least this many answers, and no other, is a blanket answer."""

MAX_KINK_CHOICES = 8
"""Kink partials whose every combination of ends is tried for the gradient's range
(2⁸ reverse sweeps); past it only the convention's gradient is right."""

KINK_BUDGET = 2_000_000
"""Edges visited by those sweeps at most (a 1 MB problem has 500 000 edges)."""

NAMED = 6
"""Earlier answers named at most in one "follows from your ..." (and kept per step)."""

PAIR_BUDGET = 5_000_000
"""Pairs visited at most to find which answers each gradient was carried from."""


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How close an answer must be; the default accepts 3 significant digits."""

    kind: ToleranceKind = "digits"
    amount: float = 3

    def accepts(self, answer: Value, truth: Value) -> bool:
        if self.kind == "exact":
            return answer == truth
        bounds = self.interval(truth)
        a = to_float(answer)
        if bounds is None or math.isnan(a):
            return False
        low, high = bounds
        return low <= a <= high

    def accepts_range(self, answer: Value, low: Value, high: Value) -> bool:
        """Within the tolerance of some value in [low, high] (a kink's subdifferential)."""
        if low == high:
            return self.accepts(answer, low)
        if self.accepts(answer, low) or self.accepts(answer, high):
            return True
        return not is_nan(answer) and to_float(low) <= to_float(answer) <= to_float(high)

    def interval(self, truth: Value) -> tuple[float, float] | None:
        """The answers :meth:`accepts` takes for ``truth``, as (low, high): the one rule,
        shared with the page, which checks a prediction without arithmetic of its own.
        None for nan (nothing is right); an infinite truth gives (inf, inf), only itself."""
        t = to_float(truth)
        if math.isnan(t):
            return None
        if math.isinf(t) or self.kind == "exact":
            return (t, t)
        if self.kind == "absolute":
            return (t - self.amount, t + self.amount)
        if self.kind == "relative":
            return (t - self.amount * abs(t), t + self.amount * abs(t))
        if abs(t) < NOISE:
            # cos(pi/2) is 6e-17 in floating point: a student who writes 0 is right.
            below = math.nextafter(NOISE, 0.0)
            return (-below, below)
        # Half a unit in the last of `amount` significant digits of the true value.
        exponent = math.floor(math.log10(abs(t)))
        allowed = 0.5 * 10.0 ** (exponent - int(self.amount) + 1) * (1 + 1e-9)
        return (t - allowed, t + allowed)

    def said(self, truth: Value) -> Value:
        """A true value as feedback states it: what the rule takes for 0 (cos(pi/2) is
        6e-17 in floating point) is said as 0, not as the noise."""
        noise = self.kind == "digits" and is_finite(truth) and abs(to_float(truth)) < NOISE
        return 0 if noise else truth

    def describe(self) -> str:
        if self.kind == "digits":
            return f"{int(self.amount)} significant digits"
        if self.kind == "exact":
            return "exact"
        return f"{self.kind} tolerance {self.amount:g}"


@dataclass(frozen=True, slots=True)
class Rules:
    """What counts as right: the tolerance, and what is right at a kink."""

    tolerance: Tolerance = Tolerance()
    kinks: KinkRule = "subdifferential"

    def describe(self) -> str:
        if self.kinks == "subdifferential":
            kink = (
                "at a kink any value in the subdifferential is right (relu'(0) and a tie "
                "of max or min in [0, 1], abs'(0) in [-1, 1])"
            )
        else:
            kink = "at a kink only the tool's convention is right (relu'(0) = 0, ties 1/2)"
        return f"answers right to {self.tolerance.describe()}; {kink}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One gradable entry of an assignment, with what is right for it."""

    section: str
    key: str
    """As the file writes it: w7, "w5/w2", w."""
    label: str
    """As a person reads it: w7, ∂w5/∂w2, ∂Z/∂w."""
    weight: float | int
    truth: Value
    low: Value
    high: Value
    """The right values: [truth, truth], or at a kink the subdifferential's ends."""
    step: str
    """The step in words: ``w7 = max(0, w6)``."""
    kink: str = ""
    """The op whose kink widens [low, high], for the feedback."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """The problem every submission is graded against, and its entries."""

    origin: str
    problem: Problem
    explanation: Explanation
    entries: tuple[Entry, ...]
    own: bool = False
    """A self-check: the problem is the one in the student's own file."""

    @property
    def max_score(self) -> float | int:
        return sum(entry.weight for entry in self.entries)


@dataclass(frozen=True, slots=True)
class ItemResult:
    section: str
    key: str
    label: str
    answer: Value | None
    """The number read, or None (missing, unreadable)."""
    truth: Value
    verdict: Verdict
    step: str
    """The step in words, with the true values of its arguments where it has any."""
    weight: float | int = 1
    low: Value = 0
    high: Value = 0
    written: str = ""
    """The answer as written, when it is unreadable or was read from a hand-written form."""
    used: tuple[str, ...] = ()
    """The student's earlier answers a "follows" was carried from: ``w7 = 0``."""
    reason: str = ""
    """Why an answer that matches the student's own world earns no carried credit; or
    the reader's hint for an unreadable one."""
    carried: Value = math.nan
    """What the step gives from the student's own earlier answers."""
    kink: str = ""

    @property
    def points(self) -> float | int:
        return self.weight if self.verdict.earns else 0


@dataclass(frozen=True, slots=True)
class Submission:
    path: str
    student: str
    items: tuple[ItemResult, ...] = ()
    error: AdexplainError | None = None
    """Set when the file is not a submission at all (not TOML, not readable)."""
    expr: str = ""
    """The problem's expression, to keep different problems apart in a class summary."""
    max_score: float | int = 0
    against: str = ""
    """What it was graded against: the key's path, or "" for the file's own problem."""
    changes: tuple[str, ...] = ()
    """How the file's expr, at or wrt differ from the assignment's."""
    notes: tuple[str, ...] = ()
    """Things in the file that were not graded (answers for given inputs, unknown keys)."""
    strays: tuple[ItemResult, ...] = ()
    """Answers under keys that name nothing (``w9``, ``"dZ/dx"``): no entry, no item of the
    assignment (the entry meant is missing), but said, with a hint."""

    @property
    def score(self) -> float | int:
        return sum(item.points for item in self.items)

    @property
    def first_slip(self) -> ItemResult | None:
        return next((item for item in self.items if item.verdict is Verdict.WRONG), None)

    @property
    def all_right(self) -> bool:
        """Every entry right or following, and no answer under a key that names nothing."""
        earned = all(item.verdict.earns for item in self.items)
        return self.error is None and earned and not self.strays

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


# --- The assignment ------------------------------------------------------------------


def _compute(rules: Rules) -> functools.partial[Explanation]:
    return functools.partial(explain, max_paths=0, exact=rules.tolerance.kind == "exact")


def load_assignment(path: str | Path, rules: Rules = Rules()) -> Assignment:
    """The teacher's problem (a problem file or a quiz key; answers in it are ignored)."""
    origin = str(path)
    problem = load_problem(path)
    explanation = _explain_located(problem, origin, rules)
    return assignment_of(problem, explanation, origin, rules)


def _explain_located(problem: Problem, origin: str, rules: Rules) -> Explanation:
    try:
        return _compute(rules)(problem.expr, problem.at, problem.wrt)
    except AdexplainError as err:
        if err.origin:
            raise err.with_origin(f"{err.origin} in {origin}") from None
        if err.text == problem.expr:
            raise err.with_origin(f"expr in {origin}", problem.expr_line) from None
        raise err.with_origin(origin) from None


def assignment_of(
    problem: Problem, ex: Explanation, origin: str, rules: Rules, own: bool = False
) -> Assignment:
    """Every gradable entry of the problem, with its weight and what is right for it."""
    graph, arithmetic = ex.graph, ex.arithmetic
    ranges = _edge_ranges(ex, rules.kinks)
    answer_pairs = pairs(graph, ex.edges)
    lows = pair_sums(answer_pairs, [low for low, _ in ranges], arithmetic)
    highs = pair_sums(answer_pairs, [high for _, high in ranges], arithmetic)
    truths = pair_sums(answer_pairs, [edge.value for edge in ex.edges], arithmetic)
    entries: list[Entry] = []
    for node in graph.nodes[graph.input_count :]:
        value = ex.values[node.index]
        step = f"{node.id} = {node.formula}"
        entries.append(
            Entry("values", node_key(graph, node.index), node.id, 1, value, value, value, step)
        )
    for key, pair in answer_pairs.items():
        label = labels.edge(graph, pair.target, pair.source)
        formulas = " + ".join(ex.edges[i].formula for i in pair.edges)
        kink = _kink_name(ex, pair.edges, ranges)
        entries.append(
            Entry(
                "partials",
                key,
                label,
                1,
                truths[key],
                lows[key],
                highs[key],
                f"{label} = {formulas}",
                kink,
            )
        )
    gradient_ranges = _gradient_ranges(ex, ranges)
    for chain in ex.chains:
        low, high = gradient_ranges.get(chain.node, (chain.gradient, chain.gradient))
        out = graph.output_name
        step = (
            f"{labels.gradient(chain.variable, out)} is the sum, over the paths from {out} to "
            f"{graph.id(chain.node)}, of the products of the partials along them"
        )
        kink = "" if low == high else "paths"
        label = labels.gradient(chain.variable, out)
        entries.append(
            Entry("gradient", chain.variable, label, 1, chain.gradient, low, high, step, kink)
        )
    weights = _weight_keys(problem.weights, Keys(ex))
    return Assignment(origin, problem, ex, _weighed(entries, weights, origin), own)


def _weight_keys(weights: Mapping[str, float | int], keys: Keys) -> dict[str, float | int]:
    """The weights by their entries' keys: ``w5`` is ``u5`` where nodes are numbered u."""
    found: dict[str, float | int] = {}
    for key, weight in weights.items():
        named = (keys.resolve(section, key).key for section in SECTIONS)
        found[next((k for k in named if k is not None), key)] = weight
    return found


def _weighed(
    entries: list[Entry], weights: Mapping[str, float | int], origin: str
) -> tuple[Entry, ...]:
    keys = {entry.key for entry in entries} | set(SECTIONS)
    for key in weights:
        if key not in keys:
            raise AdexplainError(
                f"{origin}: [weights] {key!r} is not an entry of this problem (a node id, "
                f'"w5/w2", a variable asked for) nor a section' + suggestion(key, sorted(keys)),
                code="problem",
            )
    weighed = (
        Entry(
            e.section,
            e.key,
            e.label,
            weights.get(e.key, weights.get(e.section, 1)),
            e.truth,
            e.low,
            e.high,
            e.step,
            e.kink,
        )
        for e in entries
    )
    return tuple(entry for entry in weighed if entry.weight)  # weight 0: not graded at all


def _edge_ranges(ex: Explanation, kinks: KinkRule) -> list[tuple[Value, Value]]:
    """Each edge's right values: its partial, or at a kink (with the subdifferential rule)
    the interval the op table declares there."""
    ranges: list[tuple[Value, Value]] = []
    for edge in ex.edges:
        interval = None
        if edge.nondifferentiable and kinks == "subdifferential":
            node = ex.graph.nodes[edge.target]
            args = [ex.values[a] if isinstance(a, int) else a.value for a in node.args]
            partial = OPS[node.op].partials[edge.position]  # type: ignore[index]
            interval = partial.subdifferential(args)
        ranges.append(interval if interval is not None else (edge.value, edge.value))
    return ranges


def _kink_name(
    ex: Explanation, positions: Sequence[int], ranges: Sequence[tuple[Value, Value]]
) -> str:
    for position in positions:
        low, high = ranges[position]
        if low != high:
            node = ex.graph.nodes[ex.edges[position].target]
            return f"{node.op}"
    return ""


def _kink_choices(
    ex: Explanation, ranges: Sequence[tuple[Value, Value]]
) -> list[list[dict[int, Value]]]:
    """The independent choices a kink leaves, each as its alternatives: an edge's partial at
    one end of its interval or the other; but a tie of max or min is ONE choice, which
    argument gets the slope (1, 0) or (0, 1), since its subdifferential is the segment
    t·(1, 0) + (1 - t)·(0, 1), not the square [0, 1]²."""
    open_edges = [i for i, (low, high) in enumerate(ranges) if low != high]
    by_tie: dict[int, list[int]] = {}
    choices: list[list[dict[int, Value]]] = []
    for i in open_edges:
        edge = ex.edges[i]
        op = ex.graph.nodes[edge.target].op
        if OPS[op].partials[edge.position].kink_is_tie:  # type: ignore[index]
            by_tie.setdefault(edge.target, []).append(i)
        else:
            choices.append([{i: ranges[i][0]}, {i: ranges[i][1]}])
    for tied in by_tie.values():
        if len(tied) == 1:  # the other argument is a constant: its slope is not graded
            (i,) = tied
            choices.append([{i: ranges[i][0]}, {i: ranges[i][1]}])
            continue
        choices.append(
            [{j: ranges[j][1] if j == winner else ranges[j][0] for j in tied} for winner in tied]
        )
    return choices


def _gradient_ranges(
    ex: Explanation, ranges: Sequence[tuple[Value, Value]]
) -> dict[int, tuple[Value, Value]]:
    """Per variable node, the gradient's lowest and highest value as the kink partials range
    over their subdifferentials. The gradient is multilinear in the edge partials, so its
    extremes are at the vertices of the product of those sets, which :func:`_kink_choices`
    lists."""
    choices = _kink_choices(ex, ranges)
    corners = math.prod(len(alternatives) for alternatives in choices)
    too_many = len(choices) > MAX_KINK_CHOICES or corners * len(ex.edges) > KINK_BUDGET
    if not choices or too_many:
        return {}
    found: dict[int, list[Value]] = {chain.node: [] for chain in ex.chains}
    for corner in itertools.product(*choices):
        edges = list(ex.edges)
        for picked in corner:
            for position, value in picked.items():
                edges[position] = edges[position]._replace(value=value)
        sweep = adjoints(ex.graph, edges, ex.arithmetic)
        for node, values in found.items():
            values.append(sweep[node])
    return {
        node: (min(values, key=to_float), max(values, key=to_float))
        for node, values in found.items()
    }


# --- Reading a submission ------------------------------------------------------------


@dataclass(slots=True)
class _Answers:
    """A submission's answers, read entry by entry: nothing unreadable voids the rest."""

    values: dict[str, Value] = field(default_factory=dict)
    partials: dict[str, Value] = field(default_factory=dict)
    gradient: dict[str, Value] = field(default_factory=dict)
    written: dict[tuple[str, str], str] = field(default_factory=dict)
    unreadable: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """(section, key) to (the answer as written, the reader's hint)."""
    strays: list[ItemResult] = field(default_factory=list)
    """Keys that name nothing: unreadable, worth nothing, the entry meant stays missing."""
    notes: list[str] = field(default_factory=list)

    def section(self, name: str) -> dict[str, Value]:
        chosen: dict[str, Value] = getattr(self, name)
        return chosen


def _read_answers(data: Mapping[str, Any], ex: Explanation) -> _Answers:
    keys = Keys(ex)
    known = keys.known
    inputs = set(known["values"][: ex.graph.input_count])
    read = _Answers()
    first: dict[tuple[str, str], str] = {}  # (section, entry) to the key that first named it
    for section in SECTIONS:
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            read.notes.append(f"[{section}] is not a table, so nothing in it was graded")
            continue
        try:
            entries = elementwise_answers(entries, "the submission", section)
        except AdexplainError as err:
            read.notes.append(f"[{section}]: {err.message}, so nothing in it was graded")
            continue
        for written_key, answer in entries.items():
            resolved = keys.resolve(section, written_key)
            key = resolved.key
            if key is None:
                read.strays.append(_stray(section, written_key, answer, resolved.reason, keys, ex))
            elif section == "values" and key in inputs:
                read.notes.append(f"{written_key} is an input: it is given, not graded")
            elif section == "gradient" and key not in ex.gradient:
                read.notes.append(f"{labels.gradient(key)} is not asked for (wrt), so not graded")
            elif (section, key) in first:
                read.notes.append(
                    f"[{section}] {written_key!r} and {first[(section, key)]!r} both name {key}; "
                    "the first was graded"
                )
            else:
                first[(section, key)] = written_key
                _read_one(read, section, key, answer, ex)
    return read


def _read_one(read: _Answers, section: str, key: str, answer: object, ex: Explanation) -> None:
    try:
        read.section(section)[key] = read_answer(key, answer, ex.arithmetic)
    except AdexplainError as err:
        variables = [name for node in ex.graph.inputs if (name := node.name)]
        hint = answer_hint(answer, variables) if isinstance(answer, str) else ""
        if not hint:
            hint = err.message
            if err.code != "bad-answer":  # the parser's words are about expressions
                hint += '; an answer is a number or a constant expression (7.389, "e^2")'
        read.unreadable[(section, key)] = (_written(answer), hint)
        return
    if isinstance(answer, str):
        read.written[(section, key)] = answer


def _written(answer: object) -> str:
    return answer if isinstance(answer, str) else repr(answer).lower()


def _stray(
    section: str, key: str, answer: object, why: str, keys: Keys, ex: Explanation
) -> ItemResult:
    hint = suggestion(key, keys.known[section]) or _derivative_hint(section, key, ex)
    reason = f"[{section}] {key!r} " + (
        why or f"is not {WHAT_A_KEY_NAMES[section]} of this problem{hint}"
    )
    return ItemResult(
        section,
        key,
        key,
        None,
        math.nan,
        Verdict.UNREADABLE,
        "",
        weight=0,
        written=_written(answer),
        reason=reason,
    )


def _derivative_hint(section: str, key: str, ex: Explanation) -> str:
    """``dZ/dx`` or ``∂Z/∂x`` as a gradient key: the key is the variable's name."""
    if section != "gradient":
        return ""
    tail = key.replace("∂", "d").rsplit("/", 1)[-1].removeprefix("d")
    if tail in ex.gradient:
        return f" (a [gradient] key is the variable's name: write {tail} = ...)"
    return ""


# --- Grading -------------------------------------------------------------------------


def check_file(
    path: str | Path, rules: Rules | Tolerance = Rules(), assignment: Assignment | None = None
) -> Submission:
    """Grade one submission against the assignment (or, without one, against the problem in
    the file itself). Only a file that is not a submission at all becomes an error entry."""
    if isinstance(rules, Tolerance):
        rules = Rules(rules)
    path = str(path)
    own = assignment is None
    try:
        text = read_text(path)
        data = parse_toml(text, path)
        if assignment is None:
            problem = stated_problem(text, data, path)
            ex = _explain_located(problem, path, rules)
            assignment = assignment_of(problem, ex, path, rules, own=True)
    except AdexplainError as err:
        # Graded against a key, the file still had the assignment's maximum to earn.
        maximum = 0 if own or assignment is None else assignment.max_score
        return Submission(path, _student_named(path, None), error=err, max_score=maximum)
    named = data.get("student")
    student = _student_named(path, named if isinstance(named, str) else None)
    read = _read_answers(data, assignment.explanation)
    notes = [f"unknown key {k!r} ignored" for k in data if k not in KNOWN_KEYS] + read.notes
    return Submission(
        path,
        student,
        grade(assignment, read, rules),
        strays=tuple(read.strays),
        expr=" ".join(assignment.problem.expr.split()),
        max_score=assignment.max_score,
        against="" if own else assignment.origin,
        changes=() if own else tuple(_changes(data, assignment)),
        notes=tuple(notes),
    )


def grade_all(
    names: Sequence[str],
    rules: Rules,
    assignment: Assignment | None = None,
    allow_empty: bool = False,
) -> tuple[tuple[Submission, ...], list[str]]:
    """Every submission among the files and folders named, graded; and the files skipped."""
    paths, skipped = problem_files(names, allow_empty=allow_empty)
    return tuple(check_file(path, rules, assignment) for path in paths), skipped


def _student_named(path: str, named: str | None) -> str:
    return named if named else Path(path).stem


def _changes(data: Mapping[str, Any], assignment: Assignment) -> list[str]:
    """What the student's copy of the problem changed: it is graded as assigned anyway."""
    problem = assignment.problem
    changes = []
    expr = data.get("expr")
    if isinstance(expr, str) and "".join(expr.split()) != "".join(problem.expr.split()):
        changes.append(
            f"expr is {' '.join(expr.split())!r}, not {' '.join(problem.expr.split())!r}"
        )
    at = data.get("at")
    if isinstance(at, dict) and _point(at) != _point(dict(problem.at)):
        changes.append(f"at is {_shown_point(at)}, not {_shown_point(dict(problem.at))}")
    wrt = data.get("wrt")
    if wrt is not None and _wrt(wrt, assignment) != _wrt(problem.wrt, assignment):
        changes.append(f"wrt is {wrt!r}, not {problem.wrt!r}")
    return changes


def _point(at: Mapping[str, Any]) -> list[tuple[str, str]]:
    # In order: the order of `at` numbers the inputs, so a reordered point changes w1, w2...
    return [(str(name), " ".join(str(value).split())) for name, value in at.items()]


def _shown_point(at: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{name} = {value}" for name, value in at.items()) + " }"


def _wrt(wrt: object, assignment: Assignment) -> object:
    names = [v for v in (n.name for n in assignment.explanation.graph.inputs) if v]
    if wrt == "all" or (isinstance(wrt, list | tuple) and sorted(wrt) == sorted(names)):
        return tuple(sorted(names))
    return tuple(sorted(wrt)) if isinstance(wrt, list | tuple) else wrt


def grade(assignment: Assignment, read: _Answers, rules: Rules) -> tuple[ItemResult, ...]:
    world = _StudentWorld(assignment, read, rules.tolerance)
    numbers = [to_float(v) for name in SECTIONS for v in read.section(name).values()]
    blanket = len(numbers) >= BLANKET and len(set(numbers)) == 1
    items = [world.item(entry, read, rules, blanket) for entry in assignment.entries]
    return tuple(items)


class _Carried(NamedTuple):
    """An entry in the student's own world."""

    value: Value
    used: list[str]
    """Their earlier answers, not right, that the step used: ``w7 = 0``."""
    zeroed: Sequence[str] = ()
    """Partials among them given as 0 where they are not (for a gradient)."""


class _StudentWorld:
    """The computation redone with the student's own answers wherever they gave one,
    by the same passes that computed the explanation, and which of their answers each
    step of it used."""

    def __init__(self, assignment: Assignment, read: _Answers, tolerance: Tolerance) -> None:
        self.ex = ex = assignment.explanation
        self.tolerance = tolerance
        self.graph = graph = ex.graph
        arithmetic = ex.arithmetic
        self.by_key = {node_key(graph, node.index): node.index for node in graph.nodes}
        self.value_answers = {self.by_key[key]: value for key, value in read.values.items()}
        # An earlier answer counts as a slip for carried credit only if it is not right:
        # one right as rounded is not a slip, and what follows from it must be right too.
        right = {
            (e.section, e.key)
            for e in assignment.entries
            if e.key in read.section(e.section)
            and tolerance.accepts_range(read.section(e.section)[e.key], e.low, e.high)
        }
        self.slipped_values = {
            index
            for key, index in self.by_key.items()
            if key in read.values and ("values", key) not in right
        }
        self.slipped_partials = {key for key in read.partials if ("partials", key) not in right}
        self.zeroed_partials = {
            key for key in self.slipped_partials if tolerance.accepts(read.partials[key], 0)
        }
        self.partial_answers = read.partials
        point = ex.values[: graph.input_count]
        world = forward(graph, point, arithmetic, self.value_answers, outside_domain="nan")
        self.carried_values = world.computed
        student_edges, _ = edge_partials(
            graph, world.values, arithmetic, outside_domain="nan", own_values=world.computed
        )
        self.pairs = pairs(graph, ex.edges)
        self.carried_partials = pair_sums(self.pairs, [e.value for e in student_edges], arithmetic)
        self.carried_gradient = adjoints(
            graph, self._with_partial_answers(student_edges), arithmetic
        )
        self.depends = self._value_dependencies()
        self.chains = {chain.variable: chain for chain in ex.chains}

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

    def _value_dependencies(self) -> list[frozenset[int]]:
        """Per node, the student's written value answers (not equal to the truth) that its
        step used, directly or through steps they left to be computed."""
        depends: list[frozenset[int]] = [frozenset()] * len(self.graph.nodes)
        for node in self.graph.nodes[self.graph.input_count :]:
            used: set[int] = set()
            for arg in node.args:
                if not isinstance(arg, int):
                    continue
                if arg in self.value_answers:
                    if arg in self.slipped_values:
                        used.add(arg)
                else:
                    used |= depends[arg]
            # NOTE: only whether a step used a slip, and the first few to name, matter; a
            # long sum of slipped terms would otherwise carry them all in every node above.
            depends[node.index] = (
                frozenset(sorted(used)[:NAMED]) if len(used) > NAMED else frozenset(used)
            )
        return depends

    def _gradient_dependencies(self, variable: str) -> tuple[list[str], list[str]]:
        """The student's answers the gradient by this variable was carried from (their
        partials on its paths that are not right, and the values unanswered ones used), and
        those partials they gave as 0."""
        chain = self.chains[variable]
        # NOTE: one pass over the pairs per gradient that may follow; past a budget of work
        # (a huge file with many variables) every pair counts, which can only deny credit.
        reaches = chain.reaches if self._pair_passes() <= PAIR_BUDGET else None
        used_pairs: list[str] = []
        used_values: set[int] = set()
        for key, pair in self.pairs.items():
            if reaches is not None and not reaches[pair.source]:
                continue
            if key in self.partial_answers:
                if key in self.slipped_partials:
                    used_pairs.append(key)
            else:
                used_values |= self.depends[pair.target]
        shown = [self._shown_value(i) for i in sorted(used_values)[:NAMED]]
        zeroed = [self._shown_partial(key) for key in used_pairs if key in self.zeroed_partials]
        return shown + [self._shown_partial(key) for key in used_pairs[:NAMED]], zeroed[:NAMED]

    def _pair_passes(self) -> int:
        return len(self.pairs) * len(self.chains)

    def _shown_value(self, index: int) -> str:
        return f"{self.graph.id(index)} = {format_number(self.value_answers[index])}"

    def _shown_partial(self, key: str) -> str:
        pair = self.pairs[key]
        label = labels.edge(self.graph, pair.target, pair.source)
        return f"{label} = {format_number(self.partial_answers[key])}"

    def _with_true_arguments(self, target: int) -> str:
        node = self.graph.nodes[target]
        used = [
            f"{self.graph.id(arg)} = {format_number(self.tolerance.said(self.ex.values[arg]))}"
            for arg in dict.fromkeys(a for a in node.args if isinstance(a, int))
        ]
        return f"; with {' and '.join(used)}" if used else ""

    def _one_edge(self, key: str, answer: Value, tolerance: Tolerance) -> str:
        """Why an answer is wrong when it is one edge's partial of a pair of several."""
        pair = self.pairs[key]
        edges = [self.ex.edges[i].value for i in pair.edges]
        if len(edges) > 1 and any(tolerance.accepts(answer, value) for value in edges):
            return one_edge_note(self.graph, pair)
        return ""

    def _carried_value(self, entry: Entry) -> Value:
        if entry.section == "values":
            return self.carried_values[self.by_key[entry.key]]
        if entry.section == "partials":
            return self.carried_partials[entry.key]
        variable = self.graph.input_index(entry.key)
        assert variable is not None, "an assignment's gradient entries are its variables"
        return self.carried_gradient[variable]

    def carried(self, entry: Entry) -> _Carried:
        """What the step gives in the student's world, and the answers of theirs it used."""
        if entry.section == "values":
            index = self.by_key[entry.key]
            used = [self._shown_value(i) for i in sorted(self.depends[index])]
            return _Carried(self.carried_values[index], used)
        if entry.section == "partials":
            target = self.pairs[entry.key].target
            used = [self._shown_value(i) for i in sorted(self.depends[target])]
            return _Carried(self.carried_partials[entry.key], used)
        variable = self.graph.input_index(entry.key)
        assert variable is not None, "an assignment's gradient entries are its variables"
        return _Carried(self.carried_gradient[variable], *self._gradient_dependencies(entry.key))

    def item(self, entry: Entry, read: _Answers, rules: Rules, blanket: bool) -> ItemResult:
        step = entry.step
        if entry.section == "values":
            step += self._with_true_arguments(self.by_key[entry.key])
        elif entry.section == "partials":
            step += self._with_true_arguments(self.pairs[entry.key].target)
        said = rules.tolerance.said
        common: dict[str, Any] = {
            "weight": entry.weight,
            "low": said(entry.low),
            "high": said(entry.high),
            "kink": entry.kink,
        }
        truth = said(entry.truth)
        where = (entry.section, entry.key)
        if where in read.unreadable:
            written, hint = read.unreadable[where]
            return ItemResult(
                entry.section,
                entry.key,
                entry.label,
                None,
                truth,
                Verdict.UNREADABLE,
                step,
                written=written,
                reason=hint,
                **common,
            )
        answers = read.section(entry.section)
        if entry.key not in answers:
            return ItemResult(
                entry.section,
                entry.key,
                entry.label,
                None,
                truth,
                Verdict.MISSING,
                step,
                **common,
            )
        answer = answers[entry.key]
        carried = _Carried(self._carried_value(entry), [])
        right = rules.tolerance.accepts_range(answer, entry.low, entry.high)
        if not right and rules.tolerance.accepts(answer, carried.value):
            carried = self.carried(entry)  # which answers it used: only for a follows
        verdict, reason = _verdict(answer, entry, carried, rules.tolerance, blanket)
        if verdict is Verdict.WRONG and not reason and entry.section == "partials":
            reason = self._one_edge(entry.key, answer, rules.tolerance)
        return ItemResult(
            entry.section,
            entry.key,
            entry.label,
            answer,
            truth,
            verdict,
            step,
            written=read.written.get(where, ""),
            used=tuple(carried.used) if verdict is Verdict.FOLLOWS else (),
            reason=reason,
            carried=carried.value,
            **common,
        )


def _verdict(
    answer: Value, entry: Entry, carried: _Carried, tolerance: Tolerance, blanket: bool
) -> tuple[Verdict, str]:
    """The rule for carried credit, in the order the module docstring states it."""
    used = carried.used
    if tolerance.accepts_range(answer, entry.low, entry.high):
        return Verdict.RIGHT, ""
    if not tolerance.accepts(answer, carried.value):
        return Verdict.WRONG, ""
    if blanket:
        return Verdict.WRONG, "the same number is given for every answer, so no carried credit"
    if not used:
        return Verdict.WRONG, (
            "it is what your own earlier answers give, but they are right only as rounded: "
            "carry more digits into later steps"
        )
    trivial = tolerance.accepts(carried.value, 0) or not is_finite(carried.value)
    if trivial and not tolerance.accepts_range(0, entry.low, entry.high):
        return Verdict.WRONG, (
            f"it follows from your {_and(used)}, but that slip makes this step "
            f"{format_number(carried.value)}, so it earns no carried credit"
        )
    if carried.zeroed:
        return Verdict.WRONG, (
            f"your own partials give it, but your {_and(carried.zeroed)} drops every path "
            "through it, so it earns no carried credit"
        )
    return Verdict.FOLLOWS, ""


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _interval(item: ItemResult) -> str:
    return f"[{format_number(item.low)}, {format_number(item.high)}]"


def _range(item: ItemResult) -> str:
    if item.low == item.high:
        return format_number(item.truth)
    return f"any value in {_interval(item)}"


def _echo(item: ItemResult) -> str:
    """The answer as the student wrote it: ``"−1/3"`` stays −1/3 and, with --exact, 0.667
    stays 0.667 (not 667/1000)."""
    if item.written:
        return item.written
    answer = item.answer
    if answer is None:
        return ""
    if isinstance(answer, int) or (isinstance(answer, Fraction) and answer.denominator == 1):
        return str(int(answer))
    text = repr(to_float(answer))  # a TOML number: its shortest form is what was written
    return text.removesuffix(".0")


def feedback(item: ItemResult, hide_answers: bool = False) -> str:
    """One sentence about an entry, as a tutor would say it. A number called "this is" or
    "that gives" is always the true one; a carried value is never shown as if it were."""
    answer = _echo(item)
    if item.verdict is Verdict.UNREADABLE:
        if not item.step:
            return f"{item.reason}; nothing was graded for it"
        return f"{item.label} = {item.written!r} could not be read: {item.reason}"
    if item.verdict is Verdict.MISSING:
        if item.section == "values":  # the node's formula is the graph, which is given
            return f"{item.step.split('; with ')[0]} is not answered"
        return f"{item.label} is not answered"
    if item.verdict is Verdict.RIGHT:
        if item.low != item.high and not hide_answers:
            where = (
                f"{item.kink} has a kink here"
                if item.section == "partials"
                else ("a kink lies on its paths")
            )
            return (
                f"{item.label} = {answer} is right: {where}, so any value in "
                f"{_interval(item)} is right"
            )
        return f"{item.label} = {answer} is right"
    if item.verdict is Verdict.FOLLOWS:
        if item.section == "gradient":
            how = "the chain rule over your own partials gives it"
        else:
            them = "it" if len(item.used) == 1 else "them"
            how = f"{item.step.split('; with ')[0]} is the right step from {them}"
        return (
            f"{item.label} = {answer} follows from your {_and(item.used)}: {how}, and the "
            "slip is earlier, so full credit"
        )
    why = f" ({item.reason})" if item.reason else ""
    if hide_answers:
        formula = item.step.split("; with ")[0]
        return f"{item.label} = {answer} is not right: {formula}; work this step again{why}"
    if item.section == "gradient":
        return f"{item.step}: that gives {_range(item)}, not {answer}{why}"
    if "; with " in item.step:
        return f"{item.step} this is {_range(item)}, not {answer}{why}"
    return f"{item.step} is {_range(item)}, not {answer}{why}"


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


def _check_element(ex: Explanation, name: str) -> None:
    """Raise for ``x[3]`` of a vector of 2 (an --expect x=[2, 4, 5] one too long): say the
    shape, not that x[3] is no variable."""
    parsed = parse_element_name(name)
    shape = grouped(ex.point).get(parsed[0]) if parsed is not None else None
    if parsed is None or shape is None:
        return
    index = parsed[1]
    if len(index) != len(shape) or not all(0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise AdexplainError(
            f"--expect {name}: {parsed[0]} is {describe(shape)}, which has no element "
            f"{name}" + suggestion(name, [*ex.gradient, *ex.point]),
            code="bad-expect",
        )


def _expected_quantity(ex: Explanation, name: str) -> Value:
    if name in ex.gradient:
        return ex.gradient[name]
    intermediate = _intermediate(ex, name)
    if intermediate is not None:  # ∂loss/∂h1: the node's adjoint
        return ex.adjoints[intermediate]
    edges = pairs(ex.graph, ex.edges)
    keys = Keys(ex)
    edge = keys.resolve("partials", name).key
    if edge is not None:
        return ex.arithmetic.total([ex.edges[i].value for i in edges[edge].edges])
    node = keys.resolve("values", name).key
    if node is not None:  # as problem files key it (u5, or SPEC's w5)
        return ex.values[keys.known["values"].index(node)]
    for one in ex.graph.nodes:
        if name == one.id:  # as shown, in any notation (v₁)
            return ex.values[one.index]
    _check_element(ex, name)
    shape = grouped(ex.point).get(name)
    if shape is not None:
        first = element_name(name, (0,) * len(shape))
        raise AdexplainError(
            f"--expect {name}: {name} is {describe(shape)}: give all of it, as "
            f"{name}=[…], or one element, as {first}=…",
            code="bad-expect",
        )
    raise AdexplainError(
        f"--expect {name}: not a variable asked for with --wrt, a named intermediate, "
        "a node id or an edge (as w8/w7)" + suggestion(name, [*ex.gradient, *edges]),
        code="bad-expect",
    )
