"""Worksheets: the generated problems with blank tables to fill in (or, for the key, filled).

Markdown for the web and for printing from an editor; LaTeX for a handout, each a
function ``(problems, key=False) -> str`` that ``render.WORKSHEETS`` names for
``quiz --worksheet``. The node column gives each node's expression, so every student
numbers the graph the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import labels as label
from ..answers import sum_notes
from ..numbers import format_number
from ..quiz import RULES_NOTE, QuizProblem
from .tex import latex_text

BLANK = "____"


def markdown(problems: Sequence[QuizProblem], key: bool = False) -> str:
    title = "Answer key" if key else "Worksheet"
    out = [f"# Automatic differentiation: {title.lower()}", ""]
    if not key:
        out += [
            "For each problem: the value of every node, the partial on every edge, and the "
            "gradient.",
            "",
            RULES_NOTE,
            "",
        ]
    if problems and problems[0].generated:
        out += [f"*{problems[0].generated}*", ""]
    for problem in problems:
        out += [
            f"## Problem {problem.number}",
            "",
            "```",
            problem.expr,
            "```",
            "",
            f"at {_point(problem)}",
            "",
        ]
        for heading, rows in _tables(problem, key):
            out += [f"| {heading[0]} | {heading[1]} |", "| --- | ---: |"]
            out += [f"| {left} | {right} |" for left, right in rows] + [""]
    return "\n".join(out).rstrip() + "\n"


def latex(problems: Sequence[QuizProblem], key: bool = False) -> str:
    title = "Answer key" if key else "Worksheet"
    out = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{amsmath,amssymb,longtable}",
        r"\setlength{\parindent}{0pt}",
        r"\begin{document}",
        rf"\section*{{Automatic differentiation: {title.lower()}}}",
    ]
    if not key:
        out.append(
            "For each problem: the value of every node, the partial on every edge, "
            "and the gradient."
        )
        out += ["", latex_text(RULES_NOTE)]
    if problems and problems[0].generated:
        # -{} keeps TeX from joining -- into a dash, so the command can be pasted back.
        command = latex_text(problems[0].generated).replace("-", "-{}")
        out += ["", rf"\texttt{{{command}}}"]
    for problem in problems:
        out += [
            rf"\subsection*{{Problem {problem.number}}}",
            r"\begin{verbatim}",
            problem.expr,
            r"\end{verbatim}",
            f"at {latex_text(_point(problem))}",
            "",
        ]
        for heading, rows in _tables(problem, key):
            out += [
                r"\begin{longtable}{lr}",
                r"\hline",
                rf"\textbf{{{latex_text(heading[0])}}} & \textbf{{{latex_text(heading[1])}}} \\",
                r"\hline",
            ]
            blank = r"\rule{3cm}{0.4pt}"
            out += [
                f"{latex_text(left)} & {blank if right == BLANK else latex_text(right)}"
                + r" \\[6pt]"
                for left, right in rows
            ]
            out += [r"\hline", r"\end{longtable}"]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _partial_row(key: str, note: str) -> str:
    """``∂w3/∂w2``, and for a pair of several edges what its one entry is."""
    return label.partial(*key.split("/")) + (f" ({note})" if note else "")


def _point(problem: QuizProblem) -> str:
    return ", ".join(f"{name} = {value}" for name, value in problem.at)


def _tables(problem: QuizProblem, key: bool) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    graph = problem.explanation.graph
    answers = problem.answers()
    show: Callable[[object], str] = (
        (lambda value: format_number(value)) if key else (lambda value: BLANK)  # type: ignore[arg-type]
    )
    inputs = [
        # The explanation's point: a --layer problem's W is given element by element.
        (f"{node.id} = {node.name}", format_number(problem.explanation.point[node.name or ""]))
        for node in graph.inputs
    ]
    values = [
        (f"{node.id} = {node.formula}", show(answers["values"][node.id]))
        for node in graph.nodes[graph.input_count :]
    ]
    notes = sum_notes(problem.explanation)
    partials = [
        (_partial_row(key_text, notes.get(key_text, "")), show(value))
        for key_text, value in answers["partials"].items()
    ]
    gradient = [(label.gradient(name), show(value)) for name, value in answers["gradient"].items()]
    return [
        (("node", "value"), inputs + values),
        (("partial", "value"), partials),
        (("gradient", "value"), gradient),
    ]
