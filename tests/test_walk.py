"""The post-order walk that building and constant folding share."""

from __future__ import annotations

import math

from autodiff_cli.parser import parse_expression
from autodiff_cli.syntax import Call, Name, Number, Operator
from autodiff_cli.walk import post_order


def _written(text: str) -> list[str]:
    """The order the walk meets a tree's parts in, each as the source writes it."""
    met: list[str] = []

    def leaf(expr: Number | Name) -> int:
        met.append(text[expr.span.start : expr.span.end])
        return 1

    def apply(expr: Operator | Call, args: tuple[int, ...]) -> int:
        met.append(text[expr.span.start : expr.span.end])
        return 1 + sum(args)

    post_order(parse_expression(text), leaf, leaf, apply)
    return met


def test_arguments_come_before_their_operation_left_to_right() -> None:
    assert _written("max(0, w*x + b) - y") == [
        "0",
        "w",
        "x",
        "w*x",
        "b",
        "w*x + b",
        "max(0, w*x + b)",
        "y",
        "max(0, w*x + b) - y",
    ]


def test_each_operation_is_applied_to_its_own_arguments_in_order() -> None:
    rules = {"pow": lambda a, b: a**b, "sub": lambda a, b: a - b, "div": lambda a, b: a / b}

    def apply(expr: Operator | Call, args: tuple[float, ...]) -> float:
        return rules[expr.function if isinstance(expr, Call) else expr.op](*args)

    tree = parse_expression("pow(2, 3) - 10 / 4")
    assert post_order(tree, lambda n: n.value, lambda n: math.nan, apply) == 8 - 2.5


def test_a_hundred_thousand_nested_calls_do_not_recurse() -> None:
    depth = 100_000
    tree = parse_expression("sin(" * depth + "x" + ")" * depth)
    assert post_order(tree, lambda n: 0, lambda n: 0, lambda e, args: args[0] + 1) == depth
