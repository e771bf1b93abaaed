"""The table of operations: what each one computes and what its local partials are.

This is the formula sheet of the tool, and the only place that knows about any
particular operation. Each entry declares:

- how to compute its value;
- one partial per argument, both as a number and as a formula to print, side by
  side so a reader can check one against the other;
- where it is not defined (its domain), and where it is defined but not
  differentiable (a kink), with the convention used there and, for a grader, the
  subdifferential: every value a partial may rightly be given there.

Every pass and renderer loops over this table; none of them has an
``if op == "sin"`` branch. Adding an operation is adding one entry.

Partials receive ``(args, value)``: the argument values and the node's own value,
so ``exp``, ``tanh`` or ``sigmoid`` can reuse what the forward pass computed.

Each value and partial declares whether it is ``rational`` at its arguments
(``a + b`` always, ``a^b`` for an integer b, ``exp`` never); with --exact, the
arithmetic (``arithmetic.py``) keeps exactly only what is declared so. A rational
function is written with Python's operators, so fractions in give a fraction out.

At a kink the partial returns the value PyTorch uses, so a learner who checks
against PyTorch sees the same numbers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from .arithmetic import MAX_EXACT_BITS, TooLargeForExact, exact_size, ieee
from .formula import (
    ATOM,
    POWER,
    PREFIX,
    PRODUCT,
    SUM,
    Apply,
    Arg,
    Formula,
    Num,
    Written,
    a,
    apply,
    b,
    call,
    cases,
    equals,
    lift,
    node_template,
    template,
)
from .numbers import is_finite, is_nan


class Operand(NamedTuple):
    """An argument as a formula sees it: a node id or a constant's text, and a constant's value."""

    text: str
    constant: Real | None = None


FormulaFn = Callable[[Sequence[Operand]], Formula]
Real = float | int | Fraction
"""Values are floats; with --exact, rationals are Fractions (and small constants ints)."""
PartialFn = Callable[[Sequence[Real], Real], Real]
CheckFn = Callable[[Sequence[Real]], "str | None"]
RangeFn = Callable[[Sequence[Real]], "tuple[Real, Real] | None"]
RationalFn = Callable[[Sequence[Real]], bool]


HALF = Fraction(1, 2)
"""What max and min give each argument at a tie, as PyTorch does."""


def _never(args: Sequence[Real]) -> None:
    return None


def _no_range(args: Sequence[Real]) -> None:
    return None


def _always(args: Sequence[Real]) -> bool:
    return True


def _irrational(args: Sequence[Real]) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Partial:
    """∂(op)/∂(argument): ``formula`` is a tree over the arguments ``a``, ``b`` (or a function
    of the operands, for formulas that simplify when an argument is a constant); ``compute``
    computes it from ``(args, value)``."""

    formula: Formula | int | FormulaFn
    compute: PartialFn
    kink: CheckFn = _never
    """Why this partial does not exist at these arguments, naming the value used; or None."""
    kink_is_tie: bool = False
    """The kink is where the arguments are equal (max, min): when they are one node
    (``max(x, x)``, which is x) they are always equal, and there is no kink."""
    subdifferential: RangeFn = _no_range
    """At a kink of a convex or concave piece (relu, abs, a tie of max or min), the interval
    [low, high] of slopes that are all right there; None where the partial has one value
    (or none: an infinite slope has no interval to choose from)."""
    rational: RationalFn = _irrational
    """Whether the partial is a rational function of exact arguments there (``1/b`` is,
    ``cos(a)`` is not): with --exact, only then is it kept as a fraction."""
    flat: Callable[..., Real] = field(init=False, repr=False, compare=False)
    """``compute`` over ``(*args, value)``, the shape :func:`~.arithmetic.ieee` calls."""

    def __post_init__(self) -> None:
        compute = self.compute
        object.__setattr__(self, "flat", lambda *xs: compute(xs[:-1], xs[-1]))
        if isinstance(self.formula, int):
            object.__setattr__(self, "formula", lift(self.formula))

    def evaluate(self, args: Sequence[Real], value: Real) -> Real:
        """The partial's value, with IEEE 754's inf and nan where Python raises."""
        return ieee(self.flat, (*args, value))

    def tree(self, operands: Sequence[Operand]) -> Formula:
        """The formula over the arguments; it may depend on a constant operand's value."""
        formula = self.formula
        return formula if isinstance(formula, Formula) else formula(operands)  # type: ignore[operator]

    def text(self, operands: Sequence[Operand]) -> str:
        return template(self.tree(operands)).format(*[operand.text for operand in operands])


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    arity: int
    compute: Callable[..., Real]
    partials: tuple[Partial, ...]
    written: Written
    """How the op is written: symbol or name, precedence, TeX."""
    undefined: CheckFn = _never
    """Why the op has no value at these arguments (outside its domain), or None."""
    rational: RationalFn = _irrational
    """Whether the value is a rational function of exact arguments there (``a + b`` always,
    ``a^b`` for an integer ``b``, ``exp(a)`` never): with --exact, only then is it exact."""
    zero_absorbs: tuple[int, ...] = ()
    """Argument positions where an exact 0 makes the value an exact 0, whatever the other
    (finite) arguments are: both for ``a * b``, the dividend for ``a / b``."""
    sympy: str = ""
    """The op's definition in SymPy's syntax over ``{0}``, ``{1}``, for the test oracle only:
    the oracle differentiates this text itself, so it shares nothing with ``partials``.
    For a variadic op, its definition at ``arity`` arguments."""
    variadic: Callable[[int], Partial] | None = None
    """For an op of any number of arguments (a sum of n terms is one node with n edges):
    the partial by argument ``i``. ``arity`` and ``partials`` are then those of two
    arguments, the case the registry's tests check; the graph may hold any number."""
    sympy_variadic: Callable[[int], str] | None = None
    """A variadic op's SymPy definition over ``{0}`` … ``{n-1}``, for n arguments."""

    def partial(self, position: int) -> Partial:
        """∂(op)/∂(argument ``position``)."""
        if self.variadic is not None:
            return self.variadic(position)
        return self.partials[position]

    def sympy_text(self, count: int) -> str:
        """The SymPy definition for ``count`` arguments (the oracle's, see ``sympy``)."""
        if self.sympy_variadic is not None:
            return self.sympy_variadic(count)
        return self.sympy

    def evaluate(self, args: Sequence[Real]) -> Real:
        """The value at ``args`` (inside the domain), with IEEE 754's inf and nan where
        Python raises."""
        return ieee(self.compute, args)

    display: str = field(init=False, repr=False, compare=False)
    """How a node of this op is written, as a template over ``{0}``, ``{1}``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "display", node_template(self.name, self.written, self.arity))

    @property
    def tree(self) -> Formula:
        """The op applied to its arguments, as a formula: a node's expression."""
        return Apply(self.name, tuple(Arg(i) for i in range(self.arity)))

    def formula(self, operands: Sequence[Operand]) -> str:
        display = self.display
        if self.variadic is not None and len(operands) != self.arity:
            tree = Apply(self.name, tuple(Arg(i) for i in range(len(operands))))
            display = template(tree, "node")
        return display.format(*[operand.text for operand in operands])


# --- Helpers that follow IEEE 754 where Python raises instead ---------------


def _divide(a: Real, b: Real) -> Real:
    """a / b, giving ±inf or nan for b = 0 as IEEE 754 does (Python raises); also when a
    float meets an exact intermediate too small for a float (w1 * w1 at w1 = 10^-300)."""
    if b != 0:
        try:
            return a / b
        except ZeroDivisionError:
            pass
    if a == 0 or is_nan(a):
        return math.nan
    return math.inf if _sign_bit(a) == _sign_bit(b) else -math.inf


def _sign_bit(x: Real) -> float:
    """1.0 or -1.0; for a float, its sign bit, so -0.0 counts as negative."""
    if isinstance(x, float):
        return math.copysign(1.0, x)
    return 1.0 if x >= 0 else -1.0


def _is_integer(x: Real) -> bool:
    return is_finite(x) and x == math.floor(x)


def _power(a: Real, b: Real) -> Real:
    """a ** b for real a, b inside pow's domain, or where only the derivative is asked for.

    Exactly, with fractions, when both are rational and b is an integer; the size
    is checked first, since (1/3)^1000000 would take the machine's memory.
    """
    if a == 0 and b < 0:
        return math.inf
    if isinstance(a, int | Fraction) and isinstance(b, int | Fraction) and _is_integer(b):
        base = Fraction(a)
        if exact_size(base) * abs(int(b)) > MAX_EXACT_BITS:
            raise TooLargeForExact
        return base ** int(b)
    try:
        return math.pow(a, b)
    except OverflowError:
        odd_integer = _is_integer(b) and int(b) % 2 == 1
        return -math.inf if a < 0 and odd_integer else math.inf
    except ValueError:
        return math.nan


def _sigmoid(a: Real) -> Real:
    # Two forms, so that exp never overflows for large |a|.
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    z = math.exp(a)
    return z / (1.0 + z)


def _sech_squared(a: Real) -> float:
    """1 - tanh(a)^2 without the cancellation that formula suffers once tanh(a) rounds to 1
    (it gives 2.2e-16 at a = 19, where the truth is 1.26e-16, and 0 from a = 20 on)."""
    small = math.exp(-2.0 * abs(float(a)))
    return 4.0 * small / (1.0 + small) ** 2


def _sigmoid_slope(a: Real) -> float:
    """sigmoid(a) * (1 - sigmoid(a)) as e^-|a| / (1 + e^-|a|)^2: the product form loses every
    digit once sigmoid(a) rounds to 1 (a > 37), and this one is good to a few units in the last
    place everywhere."""
    small = math.exp(-abs(float(a)))
    return small / (1.0 + small) ** 2


def _softplus(a: float) -> float:
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _sinh(a: Real) -> Real:
    try:
        return math.sinh(a)
    except OverflowError:
        return math.copysign(math.inf, a)


def _cosh(a: Real) -> Real:
    try:
        return math.cosh(a)
    except OverflowError:
        return math.inf


def _step(a: Real, b: Real) -> Real:
    """∂max(a, b)/∂a: 1 where a wins, 0 where b wins, 1/2 at a tie (PyTorch splits the gradient)."""
    if a > b:
        return 1
    if a < b:
        return 0
    return Fraction(1, 2)


def _sign(a: Real) -> Real:
    """∂|a|/∂a, with 0 at a = 0 as in PyTorch (torch.sign(0) = 0)."""
    if a > 0:
        return 1
    if a < 0:
        return -1
    return 0


# --- Formulas that simplify when an argument is a constant ------------------


def _power_base_formula(operands: Sequence[Operand]) -> Formula:
    """∂(a^b)/∂a = b * a^(b - 1), written out as a student would when b is a number."""
    n = operands[1].constant
    if n is None:
        return b * a ** (b - 1)
    if n in (0, 1):
        return Num(int(n))
    if n == 2:
        return 2 * a
    return b * a ** Num(n - 1)


def _power_base_partial(args: Sequence[Real], value: Real) -> Real:
    a, b = args
    if b == 0:
        return 0  # PyTorch masks this term to 0, even at a = 0
    return b * _power(a, b - 1)


def _power_exponent_partial(args: Sequence[Real], value: Real) -> Real:
    a, _ = args
    if a == 0:
        return 0  # PyTorch's convention: 0^b * log(0) is taken as 0
    if a < 0:
        return math.nan
    return value * math.log(a)


# --- Domains and kinks -------------------------------------------------------


def _at(point: int) -> RationalFn:
    """Rational only at ``point``, where the float formula is exact: sin(0) = 0, exp(0) = 1."""

    def check(args: Sequence[Real]) -> bool:
        return args[0] == point

    return check


def _integer_exponent(args: Sequence[Real]) -> bool:
    return _is_integer(args[1])


def _zero_base(args: Sequence[Real]) -> bool:
    """a^b · log(a) is irrational, but for a = 0 it is taken as exactly 0."""
    return args[0] == 0


def _power_undefined(args: Sequence[Real]) -> str | None:
    a, b = args
    if a < 0 and not _is_integer(b):
        return "a negative number to a non-integer power is not a real number"
    if a == 0 and b < 0:
        return "0 to a negative power is a division by zero"
    return None


_ZERO_TO_THE_ZERO = "0^0 is taken as 1 and its partials as 0, as in PyTorch"


def _power_base_kink(args: Sequence[Real]) -> str | None:
    a, b = args
    if a == 0 and b == 0:
        return _ZERO_TO_THE_ZERO
    if a == 0 and 0 < b < 1:
        return (
            "a^b with 0 < b < 1 has an infinite slope at a = 0; the partial is inf, as in PyTorch"
        )
    return None


def _power_exponent_kink(args: Sequence[Real]) -> str | None:
    a, b = args
    if a == 0 and b == 0:
        return _ZERO_TO_THE_ZERO
    if a < 0:
        return (
            "a^b with a < 0 is defined only for integer b, so it has no derivative "
            "by the exponent; that partial is nan, as in PyTorch"
        )
    return None


def _positive_only(name: str) -> CheckFn:
    def check(args: Sequence[Real]) -> str | None:
        return None if args[0] > 0 else f"{name} is defined only for arguments > 0"

    return check


def _unit_interval_only(name: str) -> CheckFn:
    def check(args: Sequence[Real]) -> str | None:
        return None if -1 <= args[0] <= 1 else f"{name} is defined only for arguments in [-1, 1]"

    return check


def _kink_at_zero(name: str, convention: str) -> CheckFn:
    def check(args: Sequence[Real]) -> str | None:
        return f"{name} is not differentiable at 0; {convention}" if args[0] == 0 else None

    return check


def _between_at_zero(low: int, high: int) -> RangeFn:
    """relu and abs at 0: every slope between the left and the right one."""

    def interval(args: Sequence[Real]) -> tuple[Real, Real] | None:
        return (low, high) if args[0] == 0 else None

    return interval


def _tie_interval(args: Sequence[Real]) -> tuple[Real, Real] | None:
    """max and min at a tie: each argument's share of the slope is anything in [0, 1]."""
    return (0, 1) if args[0] == args[1] else None


def _infinite_slope_at_unit(name: str) -> CheckFn:
    def check(args: Sequence[Real]) -> str | None:
        if abs(args[0]) == 1:
            return f"{name} has an infinite slope at ±1; the partial is infinite, as in PyTorch"
        return None

    return check


def _tie(name: str) -> CheckFn:
    def check(args: Sequence[Real]) -> str | None:
        if args[0] == args[1]:
            return (
                f"{name}(a, b) is not differentiable where a = b; each argument's partial "
                f"is 1/2, as PyTorch splits the gradient between ties"
            )
        return None

    return check


def _divisor_nonzero(args: Sequence[Real]) -> str | None:
    return "division by zero" if args[1] == 0 else None


def _sqrt_undefined(args: Sequence[Real]) -> str | None:
    return None if args[0] >= 0 else "sqrt is defined only for arguments >= 0"


def _sqrt_kink(args: Sequence[Real]) -> str | None:
    if args[0] == 0:
        return "sqrt has an infinite slope at 0; the partial is inf, as in PyTorch"
    return None


# --- The table ---------------------------------------------------------------

_LN2, _LN10 = math.log(2), math.log(10)

_ONE = Partial(1, lambda args, value: 1, rational=_always)

_TABLE = (
    # Operators written with a symbol.
    Op(
        "add",
        2,
        lambda a, b: a + b,
        (_ONE, _ONE),
        Written("infix", "+", SUM, "{0} + {1}"),
        rational=_always,
        sympy="({0}) + ({1})",
    ),
    Op(
        "sub",
        2,
        lambda a, b: a - b,
        (_ONE, Partial(-1, lambda args, value: -1, rational=_always)),
        Written("infix", "-", SUM, "{0} - {1}"),
        rational=_always,
        sympy="({0}) - ({1})",
    ),
    Op(
        "mul",
        2,
        lambda a, b: a * b,
        (
            Partial(b, lambda args, value: args[1], rational=_always),
            Partial(a, lambda args, value: args[0], rational=_always),
        ),
        Written("infix", "*", PRODUCT, r"{0} \cdot {1}"),
        rational=_always,
        zero_absorbs=(0, 1),
        sympy="({0}) * ({1})",
    ),
    Op(
        "div",
        2,
        _divide,
        (
            Partial(1 / b, lambda args, value: 1 / args[1], rational=_always),
            Partial(
                -a / b**2,
                lambda args, value: _divide(-args[0], args[1] * args[1]),
                rational=_always,
            ),
        ),
        Written("infix", "/", PRODUCT, r"\frac{{{0}}}{{{1}}}", tex_binds=ATOM),
        undefined=_divisor_nonzero,
        rational=_always,
        zero_absorbs=(0,),
        sympy="({0}) / ({1})",
    ),
    Op(
        "neg",
        1,
        lambda a: -a,
        (Partial(-1, lambda args, value: -1, rational=_always),),
        Written("prefix", "-", PREFIX, "-{0}"),
        rational=_always,
        sympy="-({0})",
    ),
    Op(
        "pow",
        2,
        _power,
        (
            Partial(
                _power_base_formula,
                _power_base_partial,
                kink=_power_base_kink,
                rational=_integer_exponent,
            ),
            Partial(
                a**b * apply("log", a),
                _power_exponent_partial,
                kink=_power_exponent_kink,
                rational=_zero_base,
            ),
        ),
        Written("infix", "^", POWER, "{0}^{{{1}}}", right_associative=True),
        undefined=_power_undefined,
        rational=_integer_exponent,
        sympy="Pow({0}, {1})",
    ),
    # Functions written by name.
    Op(
        "exp",
        1,
        math.exp,
        (Partial(apply("exp", a), lambda args, value: value, rational=_at(0)),),
        call("exp", r"\exp"),
        rational=_at(0),
        sympy="exp({0})",
    ),
    Op(
        "log",
        1,
        math.log,
        (Partial(1 / a, lambda args, value: 1 / args[0], rational=_always),),
        call("log", r"\log"),
        undefined=_positive_only("log"),
        rational=_at(1),
        sympy="log({0})",
    ),
    Op(
        "log2",
        1,
        math.log2,
        (Partial(1 / (a * apply("log", 2)), lambda args, value: 1 / (args[0] * _LN2)),),
        call("log2", r"\log_2"),
        undefined=_positive_only("log2"),
        sympy="log({0}, 2)",
    ),
    Op(
        "log10",
        1,
        math.log10,
        (Partial(1 / (a * apply("log", 10)), lambda args, value: 1 / (args[0] * _LN10)),),
        call("log10", r"\log_{{10}}"),
        undefined=_positive_only("log10"),
        sympy="log({0}, 10)",
    ),
    Op(
        "sqrt",
        1,
        math.sqrt,
        (
            Partial(
                1 / (2 * apply("sqrt", a)),
                lambda args, value: _divide(1.0, 2.0 * value),
                kink=_sqrt_kink,
            ),
        ),
        Written("call", "sqrt", ATOM, r"\sqrt{{{0}}}"),
        undefined=_sqrt_undefined,
        sympy="sqrt({0})",
    ),
    Op(
        "sin",
        1,
        math.sin,
        (Partial(apply("cos", a), lambda args, value: math.cos(args[0]), rational=_at(0)),),
        call("sin", r"\sin"),
        rational=_at(0),
        sympy="sin({0})",
    ),
    Op(
        "cos",
        1,
        math.cos,
        (Partial(-apply("sin", a), lambda args, value: -math.sin(args[0]), rational=_at(0)),),
        call("cos", r"\cos"),
        rational=_at(0),
        sympy="cos({0})",
    ),
    Op(
        "tan",
        1,
        math.tan,
        (
            Partial(
                1 / apply("cos", a) ** 2,
                lambda args, value: _divide(1.0, math.cos(args[0]) * math.cos(args[0])),
                rational=_at(0),
            ),
        ),
        call("tan", r"\tan"),
        rational=_at(0),
        sympy="tan({0})",
    ),
    Op(
        "tanh",
        1,
        math.tanh,
        (
            Partial(
                1 - apply("tanh", a) ** 2,
                lambda args, value: _sech_squared(args[0]),
                rational=_at(0),
            ),
        ),
        call("tanh", r"\tanh"),
        rational=_at(0),
        sympy="tanh({0})",
    ),
    Op(
        "sigmoid",
        1,
        _sigmoid,
        (
            Partial(
                apply("sigmoid", a) * (1 - apply("sigmoid", a)),
                lambda args, value: _sigmoid_slope(args[0]),
            ),
        ),
        call("sigmoid", r"\sigma"),
        sympy="1/(1 + exp(-({0})))",
    ),
    Op(
        "softplus",
        1,
        _softplus,
        (Partial(apply("sigmoid", a), lambda args, value: _sigmoid(args[0])),),
        call("softplus"),
        sympy="log(1 + exp({0}))",
    ),
    Op(
        "relu",
        1,
        lambda a: a if a > 0 else type(a)(0),
        (
            Partial(
                cases((1, a > 0), (0, a < 0), tie=(0, equals(a, 0))),
                lambda args, value: 1 if args[0] > 0 else 0,
                kink=_kink_at_zero("relu", "its partial is taken as 0, as in PyTorch"),
                subdifferential=_between_at_zero(0, 1),
                rational=_always,
            ),
        ),
        call("relu"),
        rational=_always,
        sympy="Max(0, {0})",
    ),
    Op(
        "abs",
        1,
        abs,
        (
            Partial(
                cases((1, a > 0), (-1, a < 0), tie=(0, equals(a, 0))),
                lambda args, value: _sign(args[0]),
                kink=_kink_at_zero("abs", "its partial is taken as 0, as in PyTorch"),
                subdifferential=_between_at_zero(-1, 1),
                rational=_always,
            ),
        ),
        Written("call", "abs", ATOM, r"\left|{0}\right|"),
        rational=_always,
        sympy="Abs({0})",
    ),
    Op(
        "max",
        2,
        max,
        (
            Partial(
                cases((1, a > b), (0, a < b), tie=(HALF, equals(a, b))),
                lambda args, value: _step(args[0], args[1]),
                kink=_tie("max"),
                kink_is_tie=True,
                subdifferential=_tie_interval,
                rational=_always,
            ),
            Partial(
                cases((1, b > a), (0, b < a), tie=(HALF, equals(b, a))),
                lambda args, value: _step(args[1], args[0]),
                kink=_tie("max"),
                kink_is_tie=True,
                subdifferential=_tie_interval,
                rational=_always,
            ),
        ),
        call("max", r"\max", arity=2),
        rational=_always,
        sympy="Max({0}, {1})",
    ),
    Op(
        "min",
        2,
        min,
        (
            Partial(
                cases((1, a < b), (0, a > b), tie=(HALF, equals(a, b))),
                lambda args, value: _step(args[1], args[0]),
                kink=_tie("min"),
                kink_is_tie=True,
                subdifferential=_tie_interval,
                rational=_always,
            ),
            Partial(
                cases((1, b < a), (0, b > a), tie=(HALF, equals(b, a))),
                lambda args, value: _step(args[0], args[1]),
                kink=_tie("min"),
                kink_is_tie=True,
                subdifferential=_tie_interval,
                rational=_always,
            ),
        ),
        call("min", r"\min", arity=2),
        rational=_always,
        sympy="Min({0}, {1})",
    ),
    Op(
        "asin",
        1,
        math.asin,
        (
            Partial(
                1 / apply("sqrt", 1 - a**2),
                lambda args, value: _divide(1.0, math.sqrt(1 - args[0] * args[0])),
                kink=_infinite_slope_at_unit("asin"),
                rational=_at(0),
            ),
        ),
        call("asin", r"\arcsin"),
        undefined=_unit_interval_only("asin"),
        rational=_at(0),
        sympy="asin({0})",
    ),
    Op(
        "acos",
        1,
        math.acos,
        (
            Partial(
                -1 / apply("sqrt", 1 - a**2),
                lambda args, value: _divide(-1.0, math.sqrt(1 - args[0] * args[0])),
                kink=_infinite_slope_at_unit("acos"),
            ),
        ),
        call("acos", r"\arccos"),
        undefined=_unit_interval_only("acos"),
        sympy="acos({0})",
    ),
    Op(
        "atan",
        1,
        math.atan,
        (
            Partial(
                1 / (1 + a**2),
                lambda args, value: 1 / (1 + args[0] * args[0]),
                rational=_always,
            ),
        ),
        call("atan", r"\arctan"),
        rational=_at(0),
        sympy="atan({0})",
    ),
    Op(
        "sinh",
        1,
        _sinh,
        (Partial(apply("cosh", a), lambda args, value: _cosh(args[0]), rational=_at(0)),),
        call("sinh", r"\sinh"),
        rational=_at(0),
        sympy="sinh({0})",
    ),
    Op(
        "cosh",
        1,
        _cosh,
        (Partial(apply("sinh", a), lambda args, value: _sinh(args[0]), rational=_at(0)),),
        call("cosh", r"\cosh"),
        rational=_at(0),
        sympy="cosh({0})",
    ),
)


# --- Operations of any number of arguments -----------------------------------
# A vector's sum, mean and log-sum-exp are each one node with an edge per element, so a
# layer's paths stay short (``vector_ops.py`` makes them). A user may call them on
# scalars too: ``sum(a, b, c)``.


def _mean_partial(args: Sequence[Real], value: Real) -> Real:
    return Fraction(1, len(args))


def _logsumexp(*args: Real) -> Real:
    """log(e^a1 + … + e^an), with the largest term taken out first, so it never overflows."""
    top = max(args)
    if math.isinf(top):
        return float(top)
    return top + math.log(math.fsum(math.exp(arg - top) for arg in args))


_SUM_PARTIAL = _ONE


def _sum_partial(position: int) -> Partial:
    return _SUM_PARTIAL


_MEAN_PARTIAL = Partial(
    lambda operands: Num(Fraction(1, len(operands))), _mean_partial, rational=_always
)


def _mean_partial_at(position: int) -> Partial:
    return _MEAN_PARTIAL


@functools.cache
def _logsumexp_partial(position: int) -> Partial:
    """∂ logsumexp/∂aᵢ = e^(aᵢ - logsumexp(a)): the softmax of the i-th argument."""

    def formula(operands: Sequence[Operand]) -> Formula:
        everything = Apply("logsumexp", tuple(Arg(i) for i in range(len(operands))))
        return apply("exp", Arg(position) - everything)

    def compute(args: Sequence[Real], value: Real) -> Real:
        return math.exp(args[position] - value)

    return Partial(formula, compute)


def _joined(count: int, each: str = "({})") -> str:
    return " + ".join(each.format(f"{{{i}}}") for i in range(count))


_VARIADIC = (
    Op(
        "sum",
        2,
        lambda *args: sum(args[1:], args[0]),
        (_SUM_PARTIAL, _SUM_PARTIAL),
        Written("infix", "+", SUM, "{0} + {1}", variadic=True),
        rational=_always,
        sympy="({0}) + ({1})",
        variadic=_sum_partial,
        sympy_variadic=_joined,
    ),
    Op(
        "mean",
        2,
        lambda *args: sum(args[1:], args[0]) / len(args),
        (_MEAN_PARTIAL, _MEAN_PARTIAL),
        call("mean", variadic=True),
        rational=_always,
        sympy="(({0}) + ({1}))/2",
        variadic=_mean_partial_at,
        sympy_variadic=lambda count: f"({_joined(count)})/{count}",
    ),
    Op(
        "logsumexp",
        2,
        _logsumexp,
        (_logsumexp_partial(0), _logsumexp_partial(1)),
        call("logsumexp", variadic=True),
        sympy="log(exp({0}) + exp({1}))",
        variadic=_logsumexp_partial,
        sympy_variadic=lambda count: f"log({_joined(count, 'exp({})')})",
    ),
)

OPS: dict[str, Op] = {op.name: op for op in (*_TABLE, *_VARIADIC)}
"""Every operation, by its canonical name."""

OPERATORS = frozenset({"add", "sub", "mul", "div", "neg", "pow"})
"""Operations written with a symbol; their names are not callable as functions (``add(x, y)``)."""

FUNCTIONS: dict[str, Op] = {
    **{name: op for name, op in OPS.items() if name not in OPERATORS},
    "pow": OPS["pow"],
    "ln": OPS["log"],
}
"""Every name a user may call, including aliases (``ln`` is ``log``)."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""Named constants, unless the user gives a variable of that name a value."""
