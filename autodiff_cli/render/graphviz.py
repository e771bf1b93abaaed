"""Graphviz, run when it is installed: the graph as SVG (for notebooks) and its layout as
coordinates (for the step-through page), from the DOT the ``dot`` format writes.

Nothing here lays out a graph: Graphviz does, and where it is missing every function
answers None and the caller falls back (the page lays out with its packaged dagre).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from typing import NamedTuple

MAX_NODES = 400
"""Larger graphs are not drawn: dot takes minutes on thousands of nodes, and nobody reads a
picture of them (the tables still show every node)."""

TIMEOUT = 30
"""Seconds dot may take before the picture is given up."""

POINTS_PER_INCH = 72.0


def dot_program() -> str | None:
    """Where ``dot`` is, or None."""
    return shutil.which("dot")


def run_dot(source: str, output_format: str) -> str | None:
    """dot's output for ``source`` in ``output_format`` (``svg``, ``plain``); None when dot is
    missing, fails or takes too long."""
    program = dot_program()
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, f"-T{output_format}"],
            input=source,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def svg(source: str) -> str | None:
    """The picture as an SVG element (without the XML prolog, so it can sit inside HTML)."""
    drawn = run_dot(source, "svg")
    if drawn is None:
        return None
    start = drawn.find("<svg")
    return drawn[start:] if start >= 0 else None


class Box(NamedTuple):
    """A node's centre and size, in points, y growing downward (as in SVG)."""

    name: str
    x: float
    y: float
    width: float
    height: float


class Curve(NamedTuple):
    """An edge as a cubic B-spline (Graphviz's control points), and where its label sits."""

    tail: str
    head: str
    points: tuple[tuple[float, float], ...]
    label: tuple[float, float] | None


class Layout(NamedTuple):
    width: float
    height: float
    boxes: tuple[Box, ...]
    curves: tuple[Curve, ...]


def layout(source: str) -> Layout | None:
    """Graphviz's layout of ``source`` read from its ``-Tplain`` output: boxes and curves in
    points, flipped so that y grows downward. Edges are listed in the order dot gives them;
    each keeps its tail and head names."""
    plain = run_dot(source, "plain")
    return None if plain is None else read_plain(plain)


def read_plain(plain: str) -> Layout:
    """Parse Graphviz's ``plain`` format (graph, node, edge and stop lines; inches)."""
    width = height = 0.0
    boxes: list[Box] = []
    curves: list[Curve] = []
    for line in plain.splitlines():
        words = shlex.split(line)
        if not words:
            continue
        if words[0] == "graph":
            width, height = float(words[2]), float(words[3])
        elif words[0] == "node":
            x, y, w, h = (float(word) for word in words[2:6])
            boxes.append(
                Box(words[1], *_point(x, y, height), w * POINTS_PER_INCH, h * POINTS_PER_INCH)
            )
        elif words[0] == "edge":
            count = int(words[3])
            numbers = [float(word) for word in words[4 : 4 + 2 * count]]
            pairs = zip(numbers[0::2], numbers[1::2], strict=True)
            points = tuple(_point(x, y, height) for x, y in pairs)
            rest = words[4 + 2 * count :]
            # With a label: label, x, y, style, colour; without: style, colour.
            label = _point(float(rest[1]), float(rest[2]), height) if len(rest) >= 5 else None
            curves.append(Curve(words[1], words[2], points, label))
    return Layout(width * POINTS_PER_INCH, height * POINTS_PER_INCH, tuple(boxes), tuple(curves))


def _point(x: float, y: float, height: float) -> tuple[float, float]:
    return (round(x * POINTS_PER_INCH, 2), round((height - y) * POINTS_PER_INCH, 2))
