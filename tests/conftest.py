"""Shared test settings: the golden-file switch and Hypothesis profiles.

What test modules share besides (paths, running the tool) is in tests/helpers.py, and
the expression generators are in tests/strategies.py.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# "ci" keeps the suite fast and deterministic; "long" is for a deeper local run:
#   HYPOTHESIS_PROFILE=long pytest
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _no_inherited_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tool draws in COLUMNS when it is set: a test sets it itself, or the shell that ran
    pytest would choose the width of every golden file."""
    monkeypatch.delenv("COLUMNS", raising=False)
