"""The class as a spreadsheet (``check --format csv``), for a learning management system.

One row per submission: name, file, score, max, percent, then one column per entry
of the assignment (the points it earned), and remarks last (a duplicate name, a
changed problem, a file that could not be graded). Columns are the same for every
row, so the file imports as one table. A file that could not be graded has the
assignment's max, and its score and percent blank: an LMS takes a 0 for a grade given.
"""

from __future__ import annotations

import csv
import io

from ..homework import Submission
from .report import Report, duplicates, remarks


def render_csv(report: Report) -> str:
    several = len({s.expr for s in report.submissions if s.error is None}) > 1
    entries = _entries(report.submissions, several)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "file", "score", "max", "percent", *entries, "remarks"])
    repeated = duplicates(report.submissions)
    for s in report.submissions:
        earned = {_column(s, item.section, item.key, several): item.points for item in s.items}
        if s.error is not None:
            # Blank, not 0: an LMS records a 0 as a grade, and this file was never graded.
            maximum = s.max_score if report.key else ""
            cells = [s.student, s.path, "", maximum, "", *[""] * len(entries)]
        else:
            percent = f"{s.percent:.1f}"
            cells = [s.student, s.path, s.score, s.max_score, percent]
            cells += [earned.get(entry, "") for entry in entries]
        writer.writerow([*cells, "; ".join(remarks(s, repeated))])
    return out.getvalue()


def _column(s: Submission, section: str, key: str, several: bool) -> str:
    """``values:w5``; with files of different problems, ``values:w5 (x*x + x)``."""
    return f"{section}:{key} ({s.expr})" if several else f"{section}:{key}"


def _entries(submissions: tuple[Submission, ...], several: bool) -> list[str]:
    """Every graded entry, in the order the submissions first have them."""
    columns: dict[str, None] = {}
    for s in submissions:
        for item in s.items:
            columns.setdefault(_column(s, item.section, item.key, several), None)
    return list(columns)
