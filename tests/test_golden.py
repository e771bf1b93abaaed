"""Rendered output of every sample in every format, compared with reviewed golden files.

Regenerate with ``pytest tests/test_golden.py --update-golden`` and review the
diff as you would review code.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from autodiff_cli.cli import main
from autodiff_cli.render import RENDERERS

from .conftest import GOLDEN, SAMPLES

EXTENSIONS = {"json": "json", "plain": "txt", "rich": "rich.txt"}


def test_every_format_has_an_extension() -> None:
    assert set(EXTENSIONS) == set(RENDERERS)


def test_there_are_enough_samples() -> None:
    assert len(SAMPLES) >= 6


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_golden(sample, format_name, update_golden) -> None:
    result = CliRunner().invoke(
        main, ["--file", str(sample), "--format", format_name], env={"NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{sample.stem}.{EXTENSIONS[format_name]}"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run pytest --update-golden"
    assert result.stdout == golden.read_text(encoding="utf-8")
