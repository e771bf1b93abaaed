"""One walk over a syntax tree: post-order, left to right, with an explicit stack.

Building the graph and evaluating a constant (``--at x=pi/2``) visit a tree in the
same order and differ only in what they make of a number, of a name and of an
operation whose arguments are done; so the walk is written once and takes those three
steps as functions.

NOTE: the stack is a list, not Python's: 100 000 nested parentheses or ``sin(`` must
not reach the recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from .syntax import Call, Expr, Name, Number, Operator

Result = TypeVar("Result")

_Visit = tuple[Expr, Literal[False]] | tuple[Operator | Call, Literal[True]]


def post_order(
    tree: Expr,
    number: Callable[[Number], Result],
    name: Callable[[Name], Result],
    apply: Callable[[Operator | Call, tuple[Result, ...]], Result],
) -> Result:
    """What ``apply`` makes of the root, each operation's arguments made before it."""
    results: list[Result] = []
    # An operation is on the stack twice: to visit its arguments, then, once they are
    # done (True), to apply it to their results.
    stack: list[_Visit] = [(tree, False)]
    while stack:
        entry = stack.pop()
        if entry[1]:
            operation = entry[0]
            count = len(operation.args)
            args = tuple(results[len(results) - count :])
            del results[len(results) - count :]
            results.append(apply(operation, args))
            continue
        expr = entry[0]
        if isinstance(expr, Name):
            results.append(name(expr))
        elif isinstance(expr, Number):
            results.append(number(expr))
        else:
            stack.append((expr, True))
            for arg in reversed(expr.args):  # a loop: cheaper than a comprehension for 1 or 2
                stack.append((arg, False))
    (root,) = results
    return root
