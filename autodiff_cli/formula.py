"""Formulas as trees, printed as text and as TeX by printers that read precedence from a table.

The op table writes each partial as a tree (``1 / (2 * sqrt(a))`` builds one, through
the operators defined here), over argument placeholders ``a`` and ``b``. A printer
turns a tree into a *template* once, with ``{0}`` and ``{1}`` where the arguments go;
each node or edge then fills in its operands with ``str.format``. That keeps a
200 000-edge graph as fast as hand-written templates, and keeps parentheses a
question of precedence, never of guessing at a string.

Operands are atoms where they are filled in: a node id (``w3``) is one, and a
constant that is not is wrapped in parentheses by ``graph.constant_operand``.

NOTE: two layouts, one printer. A node's expression is one operation, spaced like
the source (``w5 / w4``); a partial is a formula, written as a formula sheet writes
one, with a quotient tight (``-w1/w2^2``, ``1/(2*sqrt(w1))``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

from .numbers import constant_text

# --- Precedence: higher binds tighter ----------------------------------------

COMPARISON = 5
SUM = 10
PRODUCT = 20
PREFIX = 30
POWER = 40
ATOM = 100


class Written(NamedTuple):
    """How an operation is written: infix with a symbol, prefix, or a call by name.

    ``tex`` is a template over ``{0}``, ``{1}`` with TeX's braces doubled.
    """

    form: Literal["infix", "prefix", "call"]
    symbol: str
    precedence: int
    tex: str
    right_associative: bool = False
    tex_binds: int | None = None
    """Precedence of the TeX form where it differs: ``\\frac`` is set apart by itself."""
    variadic: bool = False
    """Takes any number of arguments: an infix op is written ``a + b + c`` (folded left), a
    call ``mean(a, b, c)``, whose TeX template then holds the joined arguments as ``{0}``."""


def call(
    name: str, tex_name: str | None = None, arity: int = 1, *, variadic: bool = False
) -> Written:
    """A function written by name: ``sin(w1)``; in TeX ``\\sin\\left(w_{1}\\right)``."""
    head = tex_name if tex_name is not None else rf"\operatorname{{{{{name}}}}}"
    inside = "{0}" if variadic else ", ".join(f"{{{i}}}" for i in range(arity))
    return Written("call", name, ATOM, rf"{head}\left({inside}\right)", variadic=variadic)


# --- Trees -------------------------------------------------------------------


class Formula:
    """A node of a formula tree; Python's operators build trees, so the table reads as math.

    NOTE: plain classes with slots rather than dataclasses: the module is imported at every
    start of the command, and six dataclasses cost it 3 ms. A node is immutable by
    convention, and compares and hashes by its class and fields (the printers cache by it).
    """

    __slots__ = ()

    def _key(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"

    def __add__(self, other: Formula | int) -> Formula:
        return Apply("add", (self, lift(other)))

    def __radd__(self, other: int) -> Formula:
        return Apply("add", (lift(other), self))

    def __sub__(self, other: Formula | int) -> Formula:
        return Apply("sub", (self, lift(other)))

    def __rsub__(self, other: int) -> Formula:
        return Apply("sub", (lift(other), self))

    def __mul__(self, other: Formula | int) -> Formula:
        return Apply("mul", (self, lift(other)))

    def __rmul__(self, other: int) -> Formula:
        return Apply("mul", (lift(other), self))

    def __truediv__(self, other: Formula | int) -> Formula:
        return Apply("div", (self, lift(other)))

    def __rtruediv__(self, other: int) -> Formula:
        return Apply("div", (lift(other), self))

    def __pow__(self, other: Formula | int) -> Formula:
        return Apply("pow", (self, lift(other)))

    def __neg__(self) -> Formula:
        return Apply("neg", (self,))

    def __gt__(self, other: Formula | int) -> Formula:
        return Compare(">", self, lift(other))

    def __lt__(self, other: Formula | int) -> Formula:
        return Compare("<", self, lift(other))


class Arg(Formula):
    """The op's argument at ``position``: the placeholder an operand fills."""

    __slots__ = ("position",)

    def __init__(self, position: int) -> None:
        self.position = position

    def _key(self) -> tuple[object, ...]:
        return (self.position,)


class Num(Formula):
    """A number inside a formula: ``2``, ``-1``, ``3/2`` (exact), ``1.5``.

    Compared by its printed text: the fraction 3/2 and the float 1.5 are equal numbers,
    but are written differently.
    """

    __slots__ = ("text", "value")

    def __init__(self, value: int | float | Fraction) -> None:
        self.value = value
        self.text = constant_text(value)

    def _key(self) -> tuple[object, ...]:
        return (self.text,)


class Apply(Formula):
    """An operation of the op table applied to formulas."""

    __slots__ = ("args", "op")

    def __init__(self, op: str, args: tuple[Formula, ...]) -> None:
        self.op = op
        self.args = args

    def _key(self) -> tuple[object, ...]:
        return (self.op, self.args)


class Compare(Formula):
    __slots__ = ("left", "relation", "right")

    def __init__(self, relation: Literal[">", "<", "="], left: Formula, right: Formula) -> None:
        self.relation = relation
        self.left = left
        self.right = right

    def _key(self) -> tuple[object, ...]:
        return (self.relation, self.left, self.right)


class Cases(Formula):
    """A piecewise value: ``(1 if a > 0, 0 if a < 0, 0 if a = 0 by convention)``, as
    (value, condition) pairs, and the value at the kink, where no derivative exists and
    a convention gives one (the value the partial computes there, so the formula never
    disagrees with the number beside it)."""

    __slots__ = ("cases", "tie")

    def __init__(
        self, cases: tuple[tuple[Formula, Formula], ...], tie: tuple[Formula, Formula] | None
    ) -> None:
        self.cases = cases
        self.tie = tie

    def _key(self) -> tuple[object, ...]:
        return (self.cases, self.tie)


def lift(x: Formula | int | float | Fraction) -> Formula:
    return x if isinstance(x, Formula) else Num(x)


def apply(op: str, *args: Formula | int) -> Formula:
    """A function of the table applied to arguments: ``apply("cos", a)``."""
    return Apply(op, tuple(lift(arg) for arg in args))


def cases(
    *pairs: tuple[Formula | int, Formula],
    tie: tuple[Formula | int | Fraction, Formula] | None = None,
) -> Formula:
    """A piecewise formula; ``tie`` is the convention's value at the kink and where it is."""
    at_tie = None if tie is None else (lift(tie[0]), tie[1])
    return Cases(tuple((lift(value), condition) for value, condition in pairs), at_tie)


def equals(left: Formula | int, right: Formula | int) -> Formula:
    """The condition ``left = right`` (a tie, where a kink is)."""
    return Compare("=", lift(left), lift(right))


a, b = Arg(0), Arg(1)
"""The placeholders the op table writes its partials over."""


# --- Printing ----------------------------------------------------------------

Layout = Literal["node", "partial"]


def number_precedence(value: int | float | Fraction) -> int:
    """A negative number reads as a prefix minus, a fraction ``3/2`` as a quotient."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return PRODUCT  # -1/3 too: as an operand it is a quotient first
    if value < 0:
        return PREFIX
    return ATOM


class _Printer:
    """Prints a tree, reading each op's precedence and symbol from the table.

    Text is printed once per tree as a template, with ``{0}``, ``{1}`` for the operands;
    TeX (for documents only) is printed with the operands' TeX in place.
    """

    def __init__(
        self,
        layout: Layout,
        tex_operands: Sequence[str] | None = None,
        own: tuple[str, Written] | None = None,
    ) -> None:
        self.layout = layout
        self.tex_operands = tex_operands
        self.own = own
        """An op being defined, not yet in the table: its own node template is printed first."""

    def print(self, formula: Formula, tight: bool = False) -> tuple[str, int]:
        """The text and its precedence; ``tight`` is set inside a tight quotient."""
        if isinstance(formula, Arg):
            if self.tex_operands is not None:
                return self.tex_operands[formula.position], ATOM
            return f"{{{formula.position}}}", ATOM
        if isinstance(formula, Num):
            return self._number(formula.text), number_precedence(formula.value)
        if isinstance(formula, Compare):
            left, _ = self.print(formula.left)
            right, _ = self.print(formula.right)
            return f"{left} {formula.relation} {right}", COMPARISON
        if isinstance(formula, Cases):
            return self._cases(formula), ATOM
        assert isinstance(formula, Apply)
        if self.tex_operands is not None:
            return self._apply_tex(formula)
        return self._apply(formula, tight)

    def _number(self, text: str) -> str:
        if self.tex_operands is not None and "/" in text:
            numerator, denominator = text.split("/")
            return rf"\frac{{{numerator}}}{{{denominator}}}"
        return text

    def _written(self, op: str) -> Written:
        if self.own is not None and self.own[0] == op:
            return self.own[1]
        from .ops import OPS  # the table imports this module to write its formulas

        return OPS[op].written

    def _apply(self, formula: Apply, tight: bool) -> tuple[str, int]:
        written = self._written(formula.op)
        if written.form == "infix" and len(formula.args) > 2:
            return self._chain(formula, written, tight), written.precedence
        if written.form == "call":
            inside = ", ".join(self.print(arg)[0] for arg in formula.args)
            return f"{written.symbol}({inside})", ATOM
        if written.form == "prefix":
            (operand,) = formula.args
            return written.symbol + self._operand(operand, written.precedence, tight), PREFIX
        left, right = formula.args
        quotient = formula.op == "div" and self.layout == "partial"
        inner_tight = tight or quotient
        left_floor = written.precedence + (1 if written.right_associative else 0)
        right_floor = written.precedence + (0 if written.right_associative else 1)
        left_text = self._operand(left, left_floor, inner_tight)
        right_text = self._operand(right, right_floor, inner_tight)
        spaced = written.symbol in "+-" or (written.symbol in "*/" and not inner_tight)
        joint = f" {written.symbol} " if spaced else written.symbol
        return left_text + joint + right_text, written.precedence

    def _chain(self, formula: Apply, written: Written, tight: bool) -> str:
        """``a + b + c + d``: a variadic infix op, read as left-associative, so only the
        operands after the first need to bind tighter than it. A loop, not a fold into
        nested pairs: a layer's sum has thousands of terms, too deep to recurse into."""
        floor = written.precedence
        parts = [self._operand(formula.args[0], floor, tight)]
        parts.extend(self._operand(arg, floor + 1, tight) for arg in formula.args[1:])
        joint = f" {written.symbol} " if written.symbol in "+-" else written.symbol
        return joint.join(parts)

    def _operand(self, formula: Formula, floor: int, tight: bool) -> str:
        text, precedence = self.print(formula, tight)
        return text if precedence >= floor else f"({text})"

    def _apply_tex(self, formula: Apply) -> tuple[str, int]:
        written = self._written(formula.op)
        if written.form == "infix" and len(formula.args) > 2:
            return self._chain(formula, written, False), written.precedence
        parts = []
        for position, arg in enumerate(formula.args):
            text, precedence = self.print(arg)
            needs = _tex_needs_parentheses(formula.op, written, position, precedence)
            parts.append(rf"\left({text}\right)" if needs else text)
        binds = written.precedence if written.tex_binds is None else written.tex_binds
        if written.variadic and written.form == "call":
            return written.tex.format(", ".join(parts)), binds
        return written.tex.format(*parts), binds

    def _cases(self, formula: Cases) -> str:
        if self.tex_operands is not None:
            rows = [
                rf"{self.print(value)[0]} & \text{{if }} {self.print(condition)[0]}"
                for value, condition in formula.cases
            ]
            if formula.tie is not None:
                value, condition = (self.print(part)[0] for part in formula.tie)
                rows.append(rf"{value} & \text{{if }} {condition} \text{{ (by convention)}}")
            return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"
        rows = [f"{self.print(v)[0]} if {self.print(c)[0]}" for v, c in formula.cases]
        if formula.tie is not None:
            value, condition = (self.print(part)[0] for part in formula.tie)
            rows.append(f"{value} if {condition} by convention")
        return "(" + ", ".join(rows) + ")"


def _tex_needs_parentheses(op: str, written: Written, position: int, precedence: int) -> bool:
    """A fraction's parts, an exponent and a call's arguments are delimited by TeX itself."""
    if written.form == "call" or op == "div":
        return False
    if op == "pow":
        return position == 0 and precedence < ATOM
    floor = written.precedence + (1 if position == 1 else 0)
    return precedence < floor


@functools.lru_cache(maxsize=4096)
def _printed(formula: Formula, layout: Layout) -> tuple[str, int]:
    return _Printer(layout).print(formula)


def template(formula: Formula, layout: Layout = "partial") -> str:
    """The formula as a ``str.format`` template over its operands' texts (``{0}``, ``{1}``).

    Cached: the table's few dozen formulas are printed once, not once per edge.
    """
    return _printed(formula, layout)[0]


def precedence(formula: Formula) -> int:
    """How tightly the written formula binds: a product's factor needs parentheses below
    ATOM (``(-1) · w3``, ``(1/w2) · 2``)."""
    return _printed(formula, "partial")[1]


def factor(text: str, binds: int) -> str:
    """A factor of a product written with ``·``: in parentheses unless it is an atom."""
    return text if binds >= ATOM else f"({text})"


def node_template(op: str, written: Written, arity: int) -> str:
    """How a node of an op is written, ``{0} * {1}``, while the op is being defined."""
    tree = Apply(op, tuple(Arg(i) for i in range(arity)))
    return _Printer("node", own=(op, written)).print(tree)[0]


def text(formula: Formula, operands: Sequence[str], layout: Layout = "partial") -> str:
    """The formula written out with its operands (node ids, or constants as written)."""
    return template(formula, layout).format(*operands)


def tex(formula: Formula, operands: Sequence[str], layout: Layout = "partial") -> str:
    """The formula in TeX math, with its operands already in TeX."""
    return _Printer(layout, operands).print(formula)[0]


def tex_factor(formula: Formula, operands: Sequence[str]) -> str:
    """The formula in TeX as a factor of a product: in parentheses unless it is an atom
    there (a fraction, a root and a piecewise value are)."""
    typeset, binds = _Printer("partial", operands).print(formula)
    return typeset if binds >= ATOM else rf"\left({typeset}\right)"
