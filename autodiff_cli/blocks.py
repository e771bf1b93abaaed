"""Backprop by blocks: the scalar graph regrouped by statement, as a course draws a network.

A block is a statement of the program (``h = tanh(W @ x + b)``, a layer) or an input
(``W``): its shape, its value and its adjoint as a vector or matrix (the very numbers of
the node and adjoint tables, regrouped), and, for a statement, its local rule in matrix
form, written from the statement's operations as the builder recorded them:

    δ = h̄ ⊙ (1 - h^2)
    W̄ = δ xᵀ
    x̄ = Wᵀ δ
    b̄ = δ

An elementwise operation's rule comes from its partials in ``ops.py`` (the same formula
trees the edge table prints, applied to whole vectors: tanh's ``1 - tanh(a)^2`` written
with the block's own name, ``1 - h^2``), a vector operation's from its entry in
``vector_ops.py``. A name that several rules feed is accumulated (``W̄ += ...``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal, NamedTuple

from .explain import Explanation
from .formula import ATOM, Apply, Arg, Cases, Compare, Formula, Num, precedence, template
from .numbers import Value
from .ops import FUNCTIONS, OPS, Op, Operand
from .scope import tensor_inputs
from .syntax import Call, Expr, Name, Number, Operator
from .tensor import Shape, Statement, Step, parse_element_name
from .vector_ops import Rule, Term, vector_op

BAR = "\u0304"
"""A combining macron: ``h̄`` is the adjoint of h, as Baydin et al. write it."""


class Block(NamedTuple):
    name: str
    kind: Literal["input", "statement"]
    shape: Shape
    nodes: tuple[int | None, ...]
    """Each element's node (None for a constant element), row by row."""
    values: tuple[Value, ...]
    adjoints: tuple[Value, ...]
    """∂Z/∂ each element: the adjoint table's numbers."""
    source: str
    """The statement as written; empty for an input."""
    rules: tuple[str, ...] = ()
    """The local rule in matrix form, one assignment per line."""


_NUMBERED = re.compile(r"^(.*[^\W\d_])(\d+)$")
"""A name ending in digits after a letter: W1, b12."""


def bar(name: str) -> str:
    """The adjoint's symbol: the bar over the name's last letter, W̄1 as a textbook's W̄₁,
    never over a trailing digit."""
    numbered = _NUMBERED.match(name)
    if numbered is None:
        return name + BAR
    return numbered.group(1) + BAR + numbered.group(2)


def whole_output_name(ex: Explanation) -> str:
    """The output's name as a whole: ``Z`` for a vector output, whose labels are its first
    element's (``∂Z[1]/∂x``), so that a block and its rule say Z̄, not Z[1]̄."""
    parsed = parse_element_name(ex.graph.output_name)
    return ex.graph.output_name if parsed is None else parsed[0]


def blocks(ex: Explanation) -> tuple[Block, ...]:
    """Every statement of a program with vectors, then every input; empty otherwise."""
    graph = ex.graph
    statements = graph.statements
    if not statements:
        return ()
    fed = Counter[str]()
    output = whole_output_name(ex)
    derived = [_rules(graph.source, statement, fed, output) for statement in statements]
    made = [
        _statement_block(ex, statement, rules, fed)
        for statement, rules in zip(statements, derived, strict=True)
    ]
    return (*made, *_input_blocks(ex))


def _statement_block(
    ex: Explanation,
    statement: Statement,
    rules: list[tuple[str, Term]],
    fed: Counter[str],
) -> Block:
    nodes = tuple(e if isinstance(e, int) else None for e in statement.elements)
    values = tuple(ex.values[e] if isinstance(e, int) else e.value for e in statement.elements)
    zero = ex.arithmetic.zero
    adjoints = tuple(ex.adjoints[e] if isinstance(e, int) else zero for e in statement.elements)
    name = statement.name or whole_output_name(ex)
    source = " ".join(ex.graph.source[statement.span.start : statement.span.end].split())
    lines = tuple(_assignment(target, term, fed) for target, term in rules)
    return Block(name, "statement", statement.shape, nodes, values, adjoints, source, lines)


def _input_blocks(ex: Explanation) -> list[Block]:
    graph = ex.graph
    names = {node.name: node.index for node in graph.inputs if node.name is not None}
    whole = tensor_inputs(names)
    members = {element: base for base, tensor in whole.items() for element in tensor.elements}
    found: list[Block] = []
    done: set[str] = set()
    for node in graph.inputs:
        base = members.get(node.index)
        shape: Shape = ()
        if base is None:
            elements: Sequence[int] = (node.index,)
            name = node.name or node.id
        elif base in done:
            continue
        else:
            done.add(base)
            elements = [e for e in whole[base].elements if isinstance(e, int)]
            name, shape = base, whole[base].shape
        found.append(
            Block(
                name,
                "input",
                shape,
                tuple(elements),
                tuple(ex.values[e] for e in elements),
                tuple(ex.adjoints[e] for e in elements),
                "",
            )
        )
    return found


def _assignment(target: str, term: Term, fed: Counter[str]) -> str:
    if target.startswith("δ"):
        return f"{target} = {term.text}"
    joint = "+=" if fed[target] > 1 else "="
    return f"{bar(target)} {joint} {term.text}"


# --- The local rule of one statement -------------------------------------------------


def _rules(
    source: str, statement: Statement, fed: Counter[str], output: str
) -> list[tuple[str, Term]]:
    """(target, expression) per line: a named adjoint δ, or what an operand's adjoint
    receives. ``fed`` counts, over the program, how many rules feed each name."""
    name = statement.name or output  # an unnamed last statement is the output, Z
    root = statement.expr
    out: list[tuple[str, Term]] = []
    adjoint: dict[int, Term] = {id(root): Term(bar(name))}
    if isinstance(root, Name):
        out.append((root.name, Term(bar(name))))
    deltas = 0
    for step in reversed(statement.steps):
        g = adjoint.get(id(step.expr))
        if g is None:
            continue
        operands = step.expr.args
        vector = vector_op(step.expr)
        # A compound adjoint gets a name (δ) where more than one operand, or a rule that
        # uses it twice, would repeat it.
        nodes = sum(not isinstance(arg, Number) for arg in operands)
        if not g.atomic and (vector is not None or nodes > 1):
            deltas += 1
            label = f"δ{deltas}"
            out.append((label, g))
            g = Term(label)
        texts = tuple(_written(source, arg) for arg in operands)
        result = Term(name) if step.expr is root else _written(source, step.expr)
        rule = Rule(g, texts, step.shapes, step.shape, result, step.expr)
        terms = vector.adjoints(rule) if vector is not None else _elementwise(rule, _op(step))
        for arg, term in zip(operands, terms, strict=True):
            if term is None or isinstance(arg, Number):
                continue
            if isinstance(arg, Name):
                out.append((arg.name, term))
            else:
                adjoint[id(arg)] = term
    for target, _ in out:
        if not target.startswith("δ"):
            fed[target] += 1
    return _numbered(out, deltas)


def _numbered(lines: list[tuple[str, Term]], deltas: int) -> list[tuple[str, Term]]:
    """One δ is δ; several are δ₁, δ₂ (in the order the sweep met them)."""
    subscripts = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

    def rename(text: str) -> str:
        for k in range(deltas, 0, -1):
            text = text.replace(f"δ{k}", "δ" if deltas == 1 else f"δ{str(k).translate(subscripts)}")
        return text

    return [(rename(target), Term(rename(term.text), term.atomic)) for target, term in lines]


def _op(step: Step) -> Op:
    expr = step.expr
    return OPS[expr.op] if isinstance(expr, Operator) else FUNCTIONS[expr.function]


def _written(source: str, expr: Expr) -> Term:
    """An operand as the student wrote it: its name, number or source text."""
    if isinstance(expr, Name):
        return Term(expr.name)
    if isinstance(expr, Number):
        return Term(expr.text, not expr.text.startswith("-"))
    text = " ".join(source[expr.span.start : expr.span.end].split())
    atomic = isinstance(expr, Call) or expr.op in ("index", "array") or _parenthesised(text)
    return Term(text, atomic)


def _parenthesised(text: str) -> bool:
    """``(a + b)``, not ``(a) + (b)``: the first parenthesis closes at the end."""
    if not text.startswith("("):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def _elementwise(rule: Rule, op: Op) -> list[Term | None]:
    """ā = ḡ ⊙ ∂f/∂a, with the op's own partial formula over whole vectors."""
    joint = " ⊙ " if rule.shape else " · "
    operands = [
        Operand(term.operand(), _constant(expr))
        for term, expr in zip(rule.operands, rule.expr.args, strict=True)
    ]
    terms: list[Term | None] = []
    for position in range(len(operands)):
        formula = _own_value(op.partial(position).tree(operands), op, len(operands))
        if isinstance(formula, Num) and formula.text == "1":
            terms.append(rule.adjoint)
        elif isinstance(formula, Num) and formula.text == "-1":
            terms.append(Term(f"-{rule.adjoint.operand()}", atomic=False))
        else:
            texts = [operand.text for operand in operands] + [rule.result.operand()]
            factor = template(formula).format(*texts)
            if precedence(formula) < ATOM:
                factor = f"({factor})"
            terms.append(Term(f"{rule.adjoint.operand()}{joint}{factor}", atomic=False))
    return [
        None if term is None else _reduced(term, shape, rule.shape)
        for term, shape in zip(terms, rule.shapes, strict=True)
    ]


def _constant(expr: Expr) -> float | None:
    return expr.value if isinstance(expr, Number) else None


def _own_value(formula: Formula, op: Op, arity: int) -> Formula:
    """The formula with the op applied to its own arguments written as the result
    (placeholder ``arity``): tanh's ``1 - tanh(a)^2`` becomes ``1 - h^2``."""
    own = Apply(op.name, tuple(Arg(i) for i in range(arity)))

    def rewrite(node: Formula) -> Formula:
        if node == own:
            return Arg(arity)
        if isinstance(node, Apply):
            return Apply(node.op, tuple(rewrite(arg) for arg in node.args))
        if isinstance(node, Compare):
            return Compare(node.relation, rewrite(node.left), rewrite(node.right))
        if isinstance(node, Cases):
            tie = None if node.tie is None else (rewrite(node.tie[0]), rewrite(node.tie[1]))
            return Cases(tuple((rewrite(v), rewrite(c)) for v, c in node.cases), tie)
        return node

    return rewrite(formula)


def _reduced(term: Term, shape: Shape, result: Shape) -> Term:
    """An operand broadcast to the result's shape receives the sum over the broadcast axes."""
    if shape == result or not result:
        return term
    if not shape or all(size == 1 for size in shape):
        return Term(f"sum({term.text})")
    return Term(f"sum_rows({term.text})")
