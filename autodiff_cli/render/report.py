"""Homework reports, one function per format: text for people, json for scripts, and
Gradescope's results.json. ``render.REPORTS`` names them for the command line.

A report covers one or many submissions. With many it ends in a gradebook (one
row per student) and an item table (how the class did on each entry).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import error_document, visible
from ..homework import ItemResult, Submission, Tolerance, Verdict, feedback
from ..numbers import json_number
from .formats.plain import table_lines
from .view import TableView

MARKS = {Verdict.RIGHT: "✓", Verdict.FOLLOWS: "~", Verdict.WRONG: "✗"}


@dataclass(frozen=True, slots=True)
class Report:
    submissions: tuple[Submission, ...]
    tolerance: Tolerance
    hide_answers: bool = False


def render_text(report: Report) -> str:
    blocks = [_submission_lines(s, report.hide_answers) for s in report.submissions]
    if len(report.submissions) > 1:
        blocks.append(table_lines(gradebook(report)))
        blocks.append(table_lines(item_table(report)))
    blocks.append(
        [
            f"Tolerance: {report.tolerance.describe()}. ✓ right, ~ follows from an earlier "
            "slip (full credit), ✗ wrong."
        ]
    )
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _submission_lines(submission: Submission, hide_answers: bool) -> list[str]:
    heading = f"{visible(submission.student)} ({visible(submission.path)})"
    if submission.error is not None:
        return [f"{heading}: could not be graded", *_indent(submission.error.render())]
    lines = [f"{heading}: {submission.score} of {submission.max_score} points"]
    lines.extend(f"  {MARKS[i.verdict]} {feedback(i, hide_answers)}" for i in submission.items)
    slip = submission.first_slip
    if slip is not None:
        lines.append(f"  First slip: {feedback(slip, hide_answers)}")
    elif submission.items:
        lines.append("  No slips: every answer is right or follows from your own answers.")
    else:
        lines.append("  No answers to check.")
    return lines


def _indent(text: str) -> list[str]:
    return [f"  {line}" for line in text.splitlines()]


def gradebook(report: Report) -> TableView:
    rows = []
    for s in report.submissions:
        counts = Counter(item.verdict for item in s.items)
        if s.error is not None:
            graded = f"{visible(s.path)} (not graded: {s.error.code})"
            rows.append((visible(s.student), "—", "—", "—", "—", graded))
            continue
        rows.append(
            (
                visible(s.student),
                f"{s.score}/{s.max_score}",
                str(counts[Verdict.RIGHT]),
                str(counts[Verdict.FOLLOWS]),
                str(counts[Verdict.WRONG]),
                visible(s.path),
            )
        )
    return TableView(
        title=f"Gradebook: {len(report.submissions)} submissions",
        headers=("student", "points", "right", "follows", "wrong", "file"),
        rows=tuple(rows),
        numeric=(False, True, True, True, True, False),
    )


def item_table(report: Report) -> TableView:
    tally = class_tally(report.submissions)
    rows = tuple(
        (label, str(sum(c.values())), str(c["right"]), str(c["follows"]), str(c["wrong"]))
        for label, c in tally.items()
    )
    return TableView(
        title="Items: how the class did on each entry",
        headers=("item", "answered", "right", "follows", "wrong"),
        rows=rows,
        numeric=(False, True, True, True, True),
    )


def class_tally(submissions: Sequence[Submission]) -> dict[str, Counter[str]]:
    """Verdicts per entry; when the files hold different problems, entries are per problem."""
    problems = {s.expr for s in submissions if s.error is None}
    tally: dict[str, Counter[str]] = {}
    for submission in submissions:
        for item in submission.items:
            label = item.label if len(problems) == 1 else f"{item.label} in {submission.expr}"
            tally.setdefault(label, Counter())[item.verdict.value] += 1
    return tally


def render_json(report: Report) -> str:
    document = {
        "schema": "adexplain-check/1",
        "tolerance": report.tolerance.describe(),
        "submissions": [_submission_json(s, report.hide_answers) for s in report.submissions],
        "items": {label: dict(counts) for label, counts in class_tally(report.submissions).items()},
        "graded": sum(1 for s in report.submissions if s.error is None),
        "not_graded": sum(1 for s in report.submissions if s.error is not None),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _submission_json(s: Submission, hide_answers: bool) -> dict[str, Any]:
    error = None if s.error is None else json.loads(error_document(s.error))["error"]
    slip = s.first_slip
    return {
        "file": s.path,
        "student": s.student,
        "score": s.score,
        "max_score": s.max_score,
        "error": error,
        "first_slip": None if slip is None else feedback(slip, hide_answers),
        "items": [_item_json(item, hide_answers) for item in s.items],
    }


def _item_json(item: ItemResult, hide_answers: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "section": item.section,
        "key": item.key,
        "answer": json_number(item.answer),
        "verdict": item.verdict.value,
        "feedback": feedback(item, hide_answers),
    }
    if not hide_answers:
        shown["expected"] = json_number(item.truth)
    return shown


def render_gradescope(report: Report) -> str:
    """Gradescope's results.json for one submission; for several, one per file, keyed by path."""
    results = {s.path: _gradescope(s, report.hide_answers) for s in report.submissions}
    document = next(iter(results.values())) if len(results) == 1 else results
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _gradescope(s: Submission, hide_answers: bool) -> dict[str, Any]:
    if s.error is not None:
        return {"score": 0, "output": s.error.render(), "tests": []}
    slip = s.first_slip
    summary = "No slips." if slip is None else f"First slip: {feedback(slip, hide_answers)}"
    return {
        "score": s.score,
        "output": summary,
        "tests": [
            {
                "name": f"{item.section}: {item.label}",
                "score": item.verdict.credit,
                "max_score": 1,
                "output": feedback(item, hide_answers),
                "visibility": "visible",
            }
            for item in s.items
        ],
    }
