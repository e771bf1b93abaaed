"""Practice problems: generated from a seed, checked to be pleasant by hand, with answer keys.

The same seed gives the same problems on any machine: Python's ``random.Random``
with an integer seed is specified to produce the same sequence everywhere.

A generated problem is kept only if the tool itself finds it pleasant: no domain
error, no kink unless one was asked for, and (when only + - * / and powers are
used) every value and partial a small integer or a simple fraction, computed in
exact mode.

The problems are printed (:func:`printed`), written to a folder with their answer
keys and worksheets (:func:`write`), or practised in a terminal (:func:`practice`).
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from . import labels
from .answers import answer_hint, answer_sheet, pairs, read_answer, sum_notes
from .arithmetic import EXACT
from .errors import AdexplainError
from .explain import Explanation, explain
from .homework import Rules, Tolerance, assignment_of
from .numbers import Value, format_number
from .point import PointValue
from .problem import KEY_SUFFIX, Problem
from .render import WORKSHEETS

RATIONAL_OPS = ("add", "sub", "mul")
TEXT = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
FUNCTIONS_ALLOWED = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "max", "abs")
VARIABLES = ("x", "y", "z")
LARGEST = 200
"""A pleasant number: |numerator| and denominator at most this (and denominators at most 12)."""
ATTEMPTS = 500


KINK_OPERATIONS = 3
"""What --kink adds to a problem: ``+ relu(x - 2)`` is a subtraction, a relu and a sum."""


@dataclass(frozen=True, slots=True)
class Options:
    operations: int = 4
    """Operations in each problem, everything counted: functions, and the kink's three."""
    functions: tuple[str, ...] = ()
    shared_variable: bool = False
    kink: bool = False
    division: bool = False
    program: bool = False
    layer: bool = False
    """A small dense layer with vectors and a matrix (``LAYER``) instead of an expression."""

    def arguments(self) -> list[str]:
        """The ``quiz`` options that ask for these, as a command line would give them."""
        words = [] if self.layer else ["--ops", str(self.operations)]
        if self.functions:
            words += ["--functions", ",".join(self.functions)]
        flags = {
            "--shared-variable": self.shared_variable,
            "--kink": self.kink,
            "--division": self.division,
            "--program": self.program,
            "--layer": self.layer,
        }
        return words + [flag for flag, given in flags.items() if given]


def command(seed: int, count: int, options: Options) -> str:
    """The command that regenerates a set, written into every file of it: a stale
    worksheet beside new keys shows a different line."""
    from . import __version__

    words = ["quiz", "--seed", str(seed), "--count", str(count), *options.arguments()]
    return f"adexplain {__version__}: {' '.join(words)}"


RULES_NOTE = (
    "Answers are right to 3 significant digits; fractions may be written as fractions "
    '("1/3"). At a kink (relu at 0, a tie of max or min, abs at 0) any value between the '
    "one-sided slopes is right."
)
"""What the checker accepts by default, stated on every blank problem and worksheet."""


@dataclass(frozen=True, slots=True)
class QuizProblem:
    number: int
    expr: str
    at: tuple[tuple[str, PointValue], ...]
    """Each variable's value: an integer, or a list (of rows) for ``--layer``."""
    explanation: Explanation
    generated: str = ""
    """The command that made the set this problem is in (see :func:`command`)."""

    def toml(self, with_answers: bool = False, title: str = "") -> str:
        """The problem file (blank), or its answer key."""
        at = ", ".join(f"{name} = {value}" for name, value in self.at)
        expr = json.dumps(self.expr, ensure_ascii=False)  # a JSON string is a TOML string
        lines = [] if with_answers else ['student = ""    # your name, for the gradebook']
        lines.append(f"title = {json.dumps(title or f'Problem {self.number}')}")
        if self.generated:
            lines.append(f"generated = {json.dumps(self.generated)}")
        if not with_answers:
            lines += [f"# {line}" for line in textwrap.wrap(RULES_NOTE, 86)]
        if "\n" in self.expr:
            lines.append(f'expr = """\n{self.expr}\n"""')
        else:
            lines.append(f"expr = {expr}")
        lines += [f"at = {{ {at} }}", 'wrt = "all"', ""]
        notes = sum_notes(self.explanation)
        for section, entries in self.answers().items():
            lines.append(f"[{section}]")
            for key, value in entries.items():
                if section == "partials" and key in notes:  # w2 * w2: a student may write one
                    label = labels.partial(*key.split("/"))
                    lines.append(f"# {label} is {notes[key]}: one entry, not one per edge")
                # The blank problem lists what to fill in, as comments to uncomment.
                answer = _toml_value(value) if with_answers else ""
                lines.append(f"{'' if with_answers else '# '}{json.dumps(key)} = {answer}")
            lines.append("")
        return "\n".join(lines)

    def answers(self) -> dict[str, dict[str, Value]]:
        """Every entry a student fills in, keyed as problem files key them (w numbering)."""
        return answer_sheet(self.explanation)


def printed(problems: Sequence[QuizProblem], worksheet: str | None = None) -> str:
    """The worksheet in that format (see render.WORKSHEETS), or else the problem files."""
    if worksheet is not None:
        render: Callable[..., str] = WORKSHEETS[worksheet].load()
        return render(problems)
    return "\n".join(problem.toml() for problem in problems)


def write(
    problems: Sequence[QuizProblem],
    folder: str,
    worksheet: str | None = None,
    force: bool = False,
) -> None:
    """Each problem (blank) and its key as problem files, and the worksheet and its key.

    A folder that already holds files is refused unless ``force``: a new set written over
    an old one would leave an old worksheet beside new keys.
    """
    out = Path(folder)
    if not force and out.is_dir() and any(out.iterdir()):
        raise AdexplainError(
            f"{folder} already holds files; choose an empty folder, or give --force to "
            "write over them",
            code="usage",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        for problem in problems:
            stem = f"problem-{problem.number:02d}"
            (out / f"{stem}.toml").write_text(problem.toml())
            (out / f"{stem}{KEY_SUFFIX}").write_text(problem.toml(with_answers=True))
        if worksheet is not None:
            sheet = WORKSHEETS[worksheet]
            render: Callable[..., str] = sheet.load()
            (out / f"worksheet.{sheet.suffix}").write_text(render(problems))
            (out / f"worksheet-key.{sheet.suffix}").write_text(render(problems, key=True))
    except OSError as err:
        raise AdexplainError(f"cannot write to {folder}: {err.strerror}", code="file") from None


def _toml_value(value: Value) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else json.dumps(str(value))
    return repr(float(value))


LAYER = "h = relu(W @ x + b)\ny = v @ h\nloss = (y - t)^2"
"""``quiz --layer``: a 2-2-1 network with a relu layer and a squared loss, as a course
draws one; every weight, input and target a small integer."""


def _layer_candidate(rng: random.Random, options: Options) -> tuple[str, dict[str, PointValue]]:
    small = [-2, -1, 1, 2]
    point: dict[str, PointValue] = {
        "W": [[rng.choice(small) for _ in range(2)] for _ in range(2)],
        "x": [rng.choice([-1, 1, 2]) for _ in range(2)],
        "b": [rng.choice([-1, 0, 1]) for _ in range(2)],
        "v": [rng.choice(small) for _ in range(2)],
        "t": rng.choice([-1, 0, 1, 2]),
    }
    return LAYER, point


def generate(seed: int, count: int, options: Options, ops_given: bool = True) -> list[QuizProblem]:
    """``count`` problems from ``seed``; raises AdexplainError if the options allow none.
    ``ops_given``: the user typed ``--ops`` (else the message says it is the default)."""
    fewest = _fewest_operations(options)
    if not options.layer and options.operations < fewest:
        ops = (
            f"--ops {options.operations} is"
            if ops_given
            else f"--ops is {options.operations} by default, which is"
        )
        raise AdexplainError(
            f"{ops} too few operations for what is asked: these options need at "
            f"least {fewest} (each function also needs a sum to join it in, and a kink "
            f"takes {KINK_OPERATIONS}); give --ops {fewest} or more",
            code="usage",
        )
    for name in options.functions:
        if name not in FUNCTIONS_ALLOWED:
            raise AdexplainError(
                f"quiz problems can use {', '.join(FUNCTIONS_ALLOWED)}; not {name!r}",
                code="usage",
            )
    rng = random.Random(seed)
    problems = []
    generated = command(seed, count, options)
    for number in range(1, count + 1):
        for _ in range(ATTEMPTS):
            expr, point = (
                _layer_candidate(rng, options) if options.layer else _candidate(rng, options)
            )
            problem = _accept(number, expr, dict(point), options)
            if problem is not None:
                problems.append(dataclasses.replace(problem, generated=generated))
                break
        else:
            raise AdexplainError(
                f"found no pleasant problem with these options in {ATTEMPTS} tries; "
                "allow more operations or fewer constraints",
                code="usage",
            )
    return problems


def _free_operations(options: Options) -> int:
    """The operations drawn at random, once the fixed costs are paid.

    Each function (a unary op) leaves one more operand in the pool, and so one more sum
    joining the pool at the end; so does the named intermediate used twice. The kink adds
    KINK_OPERATIONS of its own. What remains is drawn, so the total is ``--ops``.
    """
    fixed = len(options.functions) + options.program + KINK_OPERATIONS * options.kink
    return options.operations - fixed


def _fewest_operations(options: Options) -> int:
    """The least --ops these options can be met with."""
    fixed = options.operations - _free_operations(options)
    drawn = max(len(options.functions) + options.division, 3 if options.program else 1)
    return fixed + drawn


def _candidate(rng: random.Random, options: Options) -> tuple[str, dict[str, int]]:
    names = list(VARIABLES[: 2 if options.operations < 4 else 3])
    point = {name: rng.choice([-3, -2, -1, 1, 2, 3, 4]) for name in names}
    drawn = _free_operations(options)
    pool: list[str] = [rng.choice(names) for _ in range(drawn + 1)]
    if options.shared_variable:
        pool[-1] = pool[0]  # the same variable twice, so it is reached along two paths
    kinds = [rng.choice(RATIONAL_OPS) for _ in range(drawn)]
    requested = [*options.functions, *(["div"] if options.division else [])]
    kinds[: len(requested)] = requested[: len(kinds)]
    rng.shuffle(kinds)
    statements: list[str] = []
    for index, kind in enumerate(kinds):
        if kind in TEXT:
            right = pool.pop(rng.randrange(len(pool)))
            left = pool.pop(rng.randrange(len(pool)))
            if left == right and kind in ("sub", "div"):
                kind = "mul"  # x - x and x / x teach nothing
            text = f"{_group(left)} {TEXT[kind]} {_group(right)}"
        elif kind == "max":
            text = f"max(0, {pool.pop(rng.randrange(len(pool)))})"
        else:
            text = f"{kind}({pool.pop(rng.randrange(len(pool)))})"
        if options.program and index == len(kinds) // 2 and len(kinds) > 2:
            statements.append(f"a = {text}")
            pool += ["a", "a"]  # a named intermediate, used twice later
        else:
            pool.append(text)
    while len(pool) > 1:
        right, left = pool.pop(), pool.pop()
        pool.append(f"{_group(left)} + {_group(right)}")
    body = pool[0]
    if options.kink:
        # A kink exactly at the point: relu of something that is 0 there.
        name, value = names[0], point[names[0]]
        shifted = f"{name} - {value}" if value > 0 else f"{name} + {-value}"
        body = f"{_group(body)} + relu({shifted})"
    expr = "\n".join([*statements, body]) if statements else body
    used = {name: value for name, value in point.items() if _mentions(expr, name)}
    return expr, used


def _group(text: str) -> str:
    if text.isidentifier() or (text.endswith(")") and text.split("(")[0].isidentifier()):
        return text
    return f"({text})"


def _mentions(expr: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", expr) is not None


def _accept(
    number: int, expr: str, point: dict[str, PointValue], options: Options
) -> QuizProblem | None:
    if not point or (options.division and "/" not in expr):
        return None
    try:
        ex = explain(expr, point, exact=True, max_paths=0)
    except AdexplainError:
        return None  # a domain error, a division by zero: not a problem for a worksheet
    kinks = [d for d in ex.diagnostics if d.code == "nondifferentiable"]
    if bool(kinks) != options.kink or any(d.code == "overflow" for d in ex.diagnostics):
        return None
    rational = not options.functions or set(options.functions) <= {"relu", "max", "abs"}
    if rational and not all(_pleasant(v) for v in _numbers(ex)):
        return None
    return QuizProblem(number, expr, tuple(point.items()), ex)


def _numbers(ex: Explanation) -> Sequence[Value]:
    return [*ex.values, *(edge.value for edge in ex.edges), *ex.adjoints]


def _pleasant(value: Value) -> bool:
    if not isinstance(value, Fraction):
        return False
    return abs(value.numerator) <= LARGEST and value.denominator <= 12


Ask = Callable[[str], "str | None"]
Say = Callable[[str], None]


def practice(problems: Sequence[QuizProblem], ask: Ask, say: Say, tolerance: Tolerance) -> None:
    """A practice session: each problem in turn until the input ends, then the total."""
    right = asked = 0
    for problem in problems:
        got, of, ended = practice_one(problem, ask, say, tolerance)
        right, asked = right + got, asked + of
        if ended:
            break
    if len(problems) > 1:
        say(f"Total: {right} of {asked}")


def practice_one(
    problem: QuizProblem, ask: Ask, say: Say, tolerance: Tolerance
) -> tuple[int, int, bool]:
    """Ask for each node value, each partial and the gradient in turn; say right or wrong, with
    the step in words; return (right, asked, whether the input ended). ``ask`` returns None
    at the end of input."""
    ex = problem.explanation
    graph = ex.graph
    point = ", ".join(f"{name} = {value}" for name, value in problem.at)
    say(f"Problem {problem.number}: {' '.join(problem.expr.split())}   at {point}")
    say("The graph: " + "; ".join(f"{n.id} = {n.formula}" for n in graph.nodes))
    say("Answer with a number or a fraction (1/3); an empty answer skips.\n")
    right = asked = 0
    ended = False
    # The checker's entries say what is right: at a kink, every value of the interval.
    blank = Problem(problem.expr, 1, problem.at, "all", {})
    entries = assignment_of(blank, ex, "quiz", Rules(tolerance)).entries
    for (label, _, step), entry in zip(_questions(ex), entries, strict=True):
        try:
            typed = _read_number(label, ask, say, [name for name, _ in problem.at])
        except EOFError:
            say("  (end of input)")
            ended = True
            break
        asked += 1
        truth = format_number(entry.truth)
        if entry.low != entry.high:
            truth = f"any value in [{format_number(entry.low)}, {format_number(entry.high)}]"
        if typed is None:
            say(f"  skipped: {step} this is {truth}")
            continue
        answer, text = typed
        if tolerance.accepts_range(answer, entry.low, entry.high):
            right += 1
            say("  ✓ right")
        else:
            say(f"  ✗ {step} this is {truth}, not {text}")  # as typed: 7,5 stays 7,5
    say(f"\nScore: {right} of {asked}")
    return right, asked, ended


def _questions(ex: Explanation) -> list[tuple[str, Value, str]]:
    """(what to ask, the right value, the step in words up to "this is")."""
    graph = ex.graph

    def given(node_index: int) -> str:
        node = graph.nodes[node_index]
        used = dict.fromkeys(a for a in node.args if isinstance(a, int))
        return " and ".join(f"{graph.id(a)} = {format_number(ex.values[a])}" for a in used)

    questions = []
    for node in graph.nodes[graph.input_count :]:
        step = f"{node.id} = {node.formula}; with {given(node.index)}"
        questions.append((f"{node.id} = {node.formula}", ex.values[node.index], step))
    sheet = answer_sheet(ex)["partials"]
    for key, pair in pairs(graph, ex.edges).items():
        label = labels.edge(graph, pair.target, pair.source)
        formulas = " + ".join(ex.edges[i].formula for i in pair.edges)
        step = f"{label} = {formulas}; with {given(pair.target)}"
        questions.append((label, sheet[key], step))
    for chain in ex.chains:
        label = labels.gradient(chain.variable, graph.output_name)
        variable = graph.id(chain.node)
        step = (
            f"{label} sums the products of partials along the paths from {graph.output_name} "
            f"to {variable}:"
        )
        questions.append((label, chain.gradient, step))
    return questions


def _read_number(
    label: str, ask: Ask, say: Say, variables: Sequence[str] = ()
) -> tuple[Value, str] | None:
    """The student's number and what they typed; None when they skip; EOFError when the
    input has ended."""
    while True:
        text = ask(f"{label} = ? ")
        if text is None:
            raise EOFError
        if not text.strip():
            return None
        try:
            return read_answer(label, text.strip(), EXACT), text.strip()
        except AdexplainError as err:
            hint = answer_hint(text, variables) or f"not a number: {err.message}"
            say(f"  {hint}; try again")
