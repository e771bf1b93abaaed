"""Gradescope's results.json: always one valid document for one submission.

Gradescope runs the autograder once per student, on what they uploaded. One .toml
is graded; anything else (none, or a draft beside a final) gets score 0 and a
message that says what to upload, so the student can fix it and resubmit. Every
entry of the assignment is one test worth its weight, so the tests' maximum adds up
to the assignment's total whatever the student answered.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import visible
from ..homework import Submission, feedback
from .report import Report, against, points


def render_gradescope(report: Report) -> str:
    document = results(report)
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def results(report: Report) -> dict[str, Any]:
    """The results.json document (see Gradescope's "Autograder specifications")."""
    if len(report.submissions) != 1:
        found = ", ".join(_shown(s.path, report) for s in report.submissions) or "none"
        return _not_graded(
            f"Upload exactly one .toml file (your filled-in problem); found {found}.", report
        )
    return _graded(report.submissions[0], report)


def _shown(path: str, report: Report) -> str:
    """A file as the student named it: relative to the submission folder."""
    if report.root and Path(path).is_relative_to(report.root):
        path = str(Path(path).relative_to(report.root))
    return visible(path)


def _not_graded(output: str, report: Report) -> dict[str, Any]:
    """Score 0 with what to do, and the assignment's total, which nothing else states."""
    document: dict[str, Any] = {"score": 0, "output": output, "visibility": report.visibility}
    if report.total is not None:
        document["output"] += f"\nThe assignment is worth {points(report.total)} points."
        document["extra_data"] = {"max_score": report.total}
    return {**document, "tests": []}


def _graded(s: Submission, report: Report) -> dict[str, Any]:
    if s.error is not None:
        error = s.error.render()
        if report.root:  # the message names the file by the autograder's path too
            error = error.replace(str(Path(report.root)) + os.sep, "")
        return _not_graded(f"{_shown(s.path, report)} could not be graded:\n{error}", report)
    lines = [f"{visible(s.student)}: {points(s.score)} of {points(s.max_score)} points.", ""]
    if s.changes:
        lines.append("Your file changes the problem; it was graded as assigned:")
        lines.extend(f"  {visible(change)}" for change in s.changes)
    lines.extend(f"Not graded: {visible(note)}" for note in s.notes)
    lines.extend(f"Not graded: {visible(feedback(stray))}" for stray in s.strays)
    slip = s.first_slip
    if slip is not None:
        lines.append(f"First slip: {feedback(slip, report.hide_answers)}")
    lines += [against(report, short=True), f"Rules: {report.rules.describe()}."]
    return {
        "score": s.score,
        "output": "\n".join(lines),
        "visibility": report.visibility,
        "extra_data": {"max_score": s.max_score, "student": s.student},
        "tests": [
            {
                "name": f"{item.section}: {item.label}",
                "score": item.points,
                "max_score": item.weight,
                "output": feedback(item, report.hide_answers),
                "visibility": report.visibility,
            }
            for item in s.items
        ],
    }
