"""Hypothesis strategies for expressions and programs, drawn from the table of operations.

Every op is written as a user writes it: a function by each name it is called by
(``ops.FUNCTIONS``, so ``ln`` as well as ``log``), an operator by each spelling the
grammar gives it (``^`` and ``**``). The SymPy side of an op is its ``sympy`` entry,
with the arguments' SymPy objects put in; it is built beside the text, never parsed
from our text. Adding an op with its ``sympy`` entry adds it here, with no list edited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import sympy
from hypothesis import strategies as st
from lark.lexer import PatternStr

from autodiff_cli import parser
from autodiff_cli.ops import FUNCTIONS, OPERATORS, OPS, Op

NAMES = ("x", "y", "z")
SYMBOLS = {name: sympy.Symbol(name, real=True) for name in NAMES}


def sympy_of(op: Op, args: Sequence[sympy.Expr]) -> sympy.Expr:
    """The op's ``sympy`` definition applied to these arguments (any number, for a variadic
    op such as a layer's sum)."""
    placeholders = [f"_arg{i}" for i in range(len(args))]
    local = dict(zip(placeholders, args, strict=True))
    definition = op.sympy_text(len(args))
    result: sympy.Expr = sympy.parse_expr(definition.format(*placeholders), local_dict=local)
    return result


def operator_spellings() -> dict[str, tuple[str, ...]]:
    """Each operator of ``ops.OPERATORS`` to the spellings the grammar's rule for it accepts."""
    grammar = parser._lark()
    patterns = {terminal.name: terminal.pattern for terminal in grammar.terminals}
    spellings: dict[str, tuple[str, ...]] = {}
    for rule in grammar.rules:
        if rule.alias not in OPERATORS:
            continue
        (terminal,) = [symbol.name for symbol in rule.expansion if symbol.is_term]
        spellings[rule.alias] = _literals(patterns[terminal])
    return spellings


def _literals(pattern: object) -> tuple[str, ...]:
    if isinstance(pattern, PatternStr):
        return (pattern.value,)
    # Lark joins a terminal of literals ("^" | "**") into one regular expression.
    body = pattern.value  # type: ignore[attr-defined]
    alternatives = body.removeprefix("(?:").removesuffix(")").split("|")
    literals = tuple(re.sub(r"\\(.)", r"\1", alternative) for alternative in alternatives)
    assert all(re.fullmatch(body, literal) for literal in literals), (body, literals)
    return literals


@dataclass(frozen=True)
class Form:
    """One way to write an op: called by a name, or an operator's spelling."""

    op: Op
    spelling: str
    kind: Literal["call", "prefix", "infix"]

    def text(self, args: Sequence[str]) -> str:
        if self.kind == "call":
            return f"{self.spelling}({', '.join(args)})"
        grouped = [f"({arg})" for arg in args]
        if self.kind == "prefix":
            return f"{self.spelling}{grouped[0]}"
        return f" {self.spelling} ".join(grouped)


SPELLINGS = operator_spellings()
CALLS = tuple(Form(op, name, "call") for name, op in sorted(FUNCTIONS.items()))
WRITTEN = tuple(
    Form(OPS[name], spelling, "infix" if OPS[name].arity == 2 else "prefix")
    for name, spellings in sorted(SPELLINGS.items())
    for spelling in spellings
)


@dataclass(frozen=True)
class Leaf:
    text: str
    symbolic: sympy.Expr


@dataclass(frozen=True)
class Apply:
    form: Form
    args: tuple[Leaf | Apply, ...]


Tree = Leaf | Apply


def to_text(tree: Tree) -> str:
    if isinstance(tree, Leaf):
        return tree.text
    return tree.form.text([to_text(arg) for arg in tree.args])


def to_sympy(tree: Tree) -> sympy.Expr:
    """May raise ValueError or TypeError where SymPy refuses (Max of a complex number)."""
    if isinstance(tree, Leaf):
        return tree.symbolic
    return sympy_of(tree.form.op, [to_sympy(arg) for arg in tree.args])


variables = st.sampled_from(NAMES).map(lambda name: Leaf(name, SYMBOLS[name]))
leaves = st.one_of(
    # Variables three times as likely as constants, so most expressions have some.
    variables,
    variables,
    variables,
    st.integers(0, 5).map(lambda k: Leaf(str(k), sympy.Integer(k))),
    st.sampled_from([Leaf("0.5", sympy.Rational(1, 2)), Leaf("pi", sympy.pi), Leaf("e", sympy.E)]),
)


def _applied(form: Form, children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    arguments = st.tuples(*[children] * form.op.arity)
    return arguments.map(lambda args: Apply(form, args))


def _extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    # Operators as often as functions, though there are fewer of them.
    return st.one_of(
        st.sampled_from(CALLS).flatmap(lambda form: _applied(form, children)),
        st.sampled_from(WRITTEN).flatmap(lambda form: _applied(form, children)),
    )


expressions: st.SearchStrategy[Tree] = st.recursive(leaves, _extend, max_leaves=8)


SMOOTH = ("sin", "cos", "exp", "tanh")
"""Functions defined and differentiable everywhere, for generated programs: their
point must pass the finite-difference check, which a kink or a domain would refuse."""

PROGRAM_NAMES = ("x", "y")


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, sympy.Expr]:
    """Statements each combining two earlier values (inputs or intermediates) with one op.

    Earlier intermediates are reused at random, so nodes are shared and paths multiply.
    The SymPy expression is the program inlined, built alongside, never parsed from our text.
    """
    available: list[tuple[str, sympy.Expr]] = [(n, SYMBOLS[n]) for n in PROGRAM_NAMES]
    lines = []
    for i in range(draw(st.integers(1, 6))):
        (left, l_sym), (right, r_sym) = draw(
            st.lists(st.sampled_from(available), min_size=2, max_size=2)
        )
        kind = draw(st.sampled_from(["add", "sub", "mul", "fn"]))
        if kind == "fn":
            name = draw(st.sampled_from(SMOOTH))
            text = f"{name}({left}) * {right}"
            symbolic = sympy_of(OPS["mul"], [sympy_of(FUNCTIONS[name], [l_sym]), r_sym])
        else:
            text = f"{left} {SPELLINGS[kind][0]} {right}"
            symbolic = sympy_of(OPS[kind], [l_sym, r_sym])
        lines.append(f"t{i} = {text}")
        available.append((f"t{i}", symbolic))
    last_name, last_symbolic = available[-1]
    return "\n".join([*lines, last_name]), last_symbolic
