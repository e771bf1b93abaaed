"""Scoping: what a name in the user's text means, and in a learner's words why not.

A name is an input (a variable given a value at the point), a named statement of a
program (``a = x*x``), a named constant (``pi``, whose value the folder knows) or a
mistake; a function name is an entry of the operation table or a mistake. This module
answers those questions and phrases the mistakes: a name used before its statement, a
pasted superscript (``x²``), a function without parentheses, a near miss (``did you
mean 'y'?``), an input given a value but never used, an intermediate never used.

:class:`Scope` is shaped by what it must tell apart. Every named statement is declared
when the scope is made, before any is walked, so a name defined further down is "used
before it is defined" rather than unknown; what changes while the program is walked is
only which statements are defined so far and which of them were used.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from .errors import AdexplainError, clip
from .ops import CONSTANTS, FUNCTIONS, OPS, Op
from .syntax import Call, Expr, Name, Operator, Statement
from .tensor import Tensor, elements_of, grouped

if TYPE_CHECKING:
    from .graph import Arg


def tensor_inputs(inputs: dict[str, int]) -> dict[str, Tensor]:
    """Each vector or matrix input by its name, made of its element inputs' nodes."""
    return {
        name: Tensor(shape, tuple(inputs[element] for element in elements_of(name, shape)))
        for name, shape in grouped(inputs).items()
    }


class Scope:
    """The names of one program: its inputs, its named statements, and their use."""

    __slots__ = (
        "_declared",
        "_defined",
        "_program",
        "_used",
        "input_names",
        "inputs",
        "source",
        "tensors",
    )

    def __init__(
        self, source: str, input_names: Sequence[str], program: Sequence[Statement]
    ) -> None:
        self.source = source
        self._program = program
        self.input_names = tuple(input_names)
        self.inputs: dict[str, int] = {name: i for i, name in enumerate(input_names)}
        """Each input's node index: inputs are numbered first, in the order given."""
        self.tensors: dict[str, Tensor] = tensor_inputs(self.inputs)
        """The vectors and matrices among the inputs (``x`` for ``x[1]``, ``x[2]``…)."""
        self._declared = self._declare(program)
        # The only state that changes as the walk goes on:
        self._defined: dict[str, Arg | Tensor] = {}
        self._used: set[str] = set()

    def _declare(self, program: Iterable[Statement]) -> dict[str, Statement]:
        declared: dict[str, Statement] = {}
        for statement in program:
            if statement.name is None:
                continue
            assert statement.name_span is not None, "a named statement spans its name"
            if statement.name in self.inputs or statement.name in self.tensors:
                raise AdexplainError(
                    f"{statement.name} is an input with a value from --at; "
                    "give this intermediate another name",
                    code="redefined",
                    text=self.source,
                    span=statement.name_span,
                )
            if statement.name in declared:
                line = _line_of(self.source, declared[statement.name].span.start)
                raise AdexplainError(
                    f"{statement.name} is defined twice (first on line {line})",
                    code="redefined",
                    text=self.source,
                    span=statement.name_span,
                )
            declared[statement.name] = statement
        return declared

    def define(self, name: str, meaning: Arg | Tensor) -> None:
        """From now on ``name`` means the statement's result (a node, or a constant)."""
        self._defined[name] = meaning

    def intermediate(self, expr: Name) -> Arg | Tensor | None:
        """What a statement defined earlier made of this name, or None if no statement has it.

        Raises AdexplainError if a statement further down defines it.
        """
        meaning = self._defined.get(expr.name)
        if meaning is not None:
            self._used.add(expr.name)
            return meaning
        if expr.name in self._declared:
            line = _line_of(self.source, self._declared[expr.name].span.start)
            raise AdexplainError(
                f"{expr.name} is used before it is defined (on line {line})",
                code="used-before-defined",
                text=self.source,
                span=expr.span,
            )
        return None

    def unknown(self, expr: Name) -> AdexplainError:
        """The error for a name that is no input, statement or constant."""
        message = _misspelt(expr.name) or _power_t(self.source, expr)
        in_python = None
        if message is None:
            known = [*self.input_names, *self.tensors, *self._declared, *CONSTANTS]
            close = suggestion(expr.name, known)
            missing = [] if close else self._all_missing()
            if len(missing) > 1:
                # Every missing value at once: a run per name is a run too many.
                names = [clip(name) for name in missing]
                listed = ", ".join(map(repr, names[:-1])) + f" and {names[-1]!r}"
                example = ",".join(f"{name}=1" for name in names)
                message = f"no value given for {listed}: add them, as in --at {example}"
                entries = ", ".join(f"{name!r}: 1" for name in names)
                in_python = f"no value given for {listed}: add them, as in at={{{entries}}}"
            else:
                name = clip(expr.name)
                said = f"no value given for {name!r}{close}: add one"
                message = f"{said}, as in --at {name}=1"
                in_python = f"{said}, as in at={{{name!r}: 1}}"
        return AdexplainError(
            message, code="unknown-name", text=self.source, span=expr.span, in_python=in_python
        )

    def _all_missing(self) -> list[str]:
        """Every name of the program that nothing gives a value, in order of first use."""
        known = {*self.inputs, *self.tensors, *self._declared, *CONSTANTS}
        missing: dict[str, None] = {}
        stack: list[Expr] = [statement.expr for statement in reversed(self._program)]
        while stack:
            expr = stack.pop()
            if isinstance(expr, Name):
                if expr.name not in known and _misspelt(expr.name) is None:
                    missing.setdefault(expr.name)
            elif isinstance(expr, (Operator, Call)):
                stack.extend(reversed(expr.args))
        return list(missing)

    def check_inputs_used(self, used: Collection[int]) -> None:
        """Raise if an input given a value is not among the ``used`` node indices."""
        unused = [name for i, name in enumerate(self.input_names) if i not in used]
        if unused:
            names = ", ".join(map(clip, unused))
            verb = "is" if len(unused) == 1 else "are"
            raise AdexplainError(
                f"{names} {verb} given a value but not used in the expression",
                code="unused-input",
            )

    def unused_intermediates(self, output: int) -> Iterator[tuple[str, int]]:
        """Each named node that no later statement uses and that is not the output."""
        for name, meaning in self._defined.items():
            if name in self._used or meaning == output or not isinstance(meaning, int):
                continue
            yield name, meaning


def not_a_constant(expr: Name, source: str) -> AdexplainError:
    """The error for a name in a value (``--at x=y+1``), where only constants may appear."""
    message = _misspelt(expr.name)
    if message is None:
        close = suggestion(expr.name, list(CONSTANTS))
        name = clip(expr.name)
        message = f"a value must be a constant such as 2, -1/3 or pi/2; {name!r} is not{close}"
    return AdexplainError(message, code="unknown-name", text=source, span=expr.span)


def _not_scalar(expr: Operator, source: str) -> AdexplainError:
    """A vector operator where only numbers may be: each value is a number, or an array
    written alone (``x=[1, 2]``), never arithmetic on arrays."""
    what = "an array" if expr.op == "array" else clip(source[expr.span.start : expr.span.end])
    return AdexplainError(
        f"{what} in a value: a value is a number or a constant expression (pi/2), "
        "or an array written alone, as x=[1, 2]",
        code="bad-at",
        text=source,
        span=expr.span,
    )


def _power_t(source: str, expr: Name) -> str | None:
    """``x^T``, as a textbook writes a transpose, is a power here: say how to write one."""
    import re

    before = re.search(r"([^\W\d]\w*|\))\s*(\^|\*\*)\s*\Z", source[: expr.span.start])
    if expr.name != "T" or before is None:
        return None
    base = before.group(1) if before.group(1) != ")" else "(...)"
    return (
        f"{base}^T is {base} to the power T here, and T has no value: "
        f"write a transpose as transpose({base if base != '(...)' else 'x'})"
    )


def _misspelt(name: str) -> str | None:
    """What to write instead, when the slip is clear whatever the names in scope."""
    pasted = {"²": "^2", "³": "^3", "π": "pi"}
    if any(char in name for char in pasted):
        fixed = "".join(pasted.get(char, char) for char in name)
        return f"{clip(name)!r} is not a name adexplain knows: write {clip(fixed)!r}"
    if name in FUNCTIONS:
        return f"{name} is a function: write {name}(...)"
    return None


def operation(expr: Operator | Call, source: str) -> Op:
    """The table entry an operator or a call means; raises for an unknown function or a
    wrong number of arguments."""
    if isinstance(expr, Operator):
        op = OPS.get(expr.op)
        if op is None:  # @, x[i] or [a, b] in a scalar place: a value as 1+[2]
            raise _not_scalar(expr, source)
        return op
    op = FUNCTIONS.get(expr.function)
    if op is None:
        raise AdexplainError(
            f"unknown function {clip(expr.function)!r}" + suggestion(expr.function, FUNCTIONS),
            code="unknown-function",
            text=source,
            span=expr.function_span,
        )
    if len(expr.args) != op.arity:
        wanted = "1 argument" if op.arity == 1 else f"{op.arity} arguments"
        raise AdexplainError(
            f"{expr.function} takes {wanted}, but was given {len(expr.args)}",
            code="arity",
            text=source,
            span=expr.span,
        )
    return op


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'sin'?)`` when a candidate is close to ``name``, else nothing.

    Case is ignored first (SIN, Sin and X are common slips), then spelling.
    """
    import difflib  # only on the way to an error message: not worth its start-up cost

    known = list(candidates)
    from_zero = _counted_from_zero(name, known)
    if from_zero:
        return f" (indices start at 1: did you mean {from_zero!r}?)"
    by_case = [candidate for candidate in known if candidate.lower() == name.lower()]
    close = by_case or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _counted_from_zero(name: str, known: list[str]) -> str | None:
    """``x[0]``, counted from 0 as Python counts: the element meant, ``x[1]``, if there is one."""
    from .tensor import element_name, parse_element_name

    parsed = parse_element_name(name)
    if parsed is None or -1 not in parsed[1]:
        return None
    meant = element_name(parsed[0], [i + 1 for i in parsed[1]])
    return meant if meant in known else None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
