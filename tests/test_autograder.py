"""Gradescope: one valid results.json whatever is uploaded, and the autograder bundle run end
to end, unzipped into Gradescope's documented layout (``source/``, ``submission/``,
``results/``) and started as Gradescope starts it, ``run_autograder`` in a shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .helpers import REPO, run, strict_json

CLASS = REPO / "tests" / "data" / "class"
KEY = CLASS / "assignment.toml"
SUBMISSIONS = CLASS / "submissions"


def gradescope(*files: str | Path, options: tuple[str, ...] = ()) -> dict[str, Any]:
    result = run("check", "--key", str(KEY), *map(str, files), "--format", "gradescope", *options)
    document: dict[str, Any] = strict_json(result.stdout)
    return document


def test_one_upload_is_graded_with_every_entry_a_test_and_the_total_stated() -> None:
    document = gradescope(SUBMISSIONS / "s16.toml")
    assert document["score"] == 24  # tests/test_class.py: Pia's, predicted by hand
    assert sum(test["max_score"] for test in document["tests"]) == 28
    assert "24 of 28 points" in document["output"]
    # The right numbers are hidden by default here: one junk upload must not reveal the key.
    feedback = " ".join(test["output"] for test in document["tests"])
    assert "0.982014" not in feedback and "0.0176627" not in feedback


def test_two_uploads_give_one_results_json_with_score_0_and_what_to_upload(
    tmp_path: Path,
) -> None:
    shutil.copy(SUBMISSIONS / "s01.toml", tmp_path / "draft.toml")
    shutil.copy(SUBMISSIONS / "s01.toml", tmp_path / "final.toml")
    document = gradescope(tmp_path)
    assert document["score"] == 0 and document["tests"] == []
    assert "Upload exactly one .toml file" in document["output"]
    assert "draft.toml" in document["output"] and "final.toml" in document["output"]


def test_an_upload_with_no_toml_file_still_gets_a_results_json(tmp_path: Path) -> None:
    (tmp_path / "answers.pdf").write_bytes(b"%PDF-1.4")
    result = run("check", "--key", str(KEY), str(tmp_path), "--format", "gradescope")
    assert result.exit_code == 2
    document = strict_json(result.stdout)
    assert document["score"] == 0 and "found none" in document["output"]


@pytest.mark.parametrize("visibility", ["visible", "hidden", "after_due_date", "after_published"])
def test_visibility_is_set_on_the_whole_and_on_every_test(visibility: str) -> None:
    document = gradescope(SUBMISSIONS / "s01.toml", options=("--visibility", visibility))
    assert document["visibility"] == visibility
    assert {test["visibility"] for test in document["tests"]} == {visibility}


def test_show_answers_gives_the_right_numbers_back() -> None:
    document = gradescope(SUBMISSIONS / "s16.toml", options=("--show-answers",))
    feedback = " ".join(test["output"] for test in document["tests"])
    assert "this is 0.982014, not 1" in feedback


# --- The bundle, end to end ------------------------------------------------------------


def unpack(tmp_path: Path, *options: str) -> Path:
    """Build the bundle and lay it out as Gradescope does: /autograder/source is the zip."""
    bundle = tmp_path / "autograder.zip"
    result = run("autograder", "--key", str(KEY), "--out", str(bundle), *options)
    assert result.exit_code == 0, result.output
    assert "28 points over 26 entries" in result.stdout
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "assignment.toml"} <= set(names)
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile does not restore the executable bits
            os.chmod(root / "source" / info.filename, info.external_attr >> 16 & 0o777)
    (root / "submission").mkdir()
    return root


def run_autograder(root: Path, python: str = sys.executable) -> dict[str, Any]:
    """run_autograder as Gradescope runs it, from /autograder, with `python3` on the path."""
    bin_dir = root / "bin"
    bin_dir.mkdir(exist_ok=True)
    # A script, not a link: a link to a virtual environment's python leaves the environment
    # behind on Python 3.10.
    wrapper = bin_dir / "python3"
    wrapper.write_text(f'#!/bin/sh\nexec {python} "$@"\n')
    wrapper.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AUTOGRADER_ROOT": str(root),
        "HOME": str(root),
    }
    script = root / "source" / "run_autograder"
    assert os.access(script, os.X_OK)
    subprocess.run([str(script)], cwd=root, env=env, check=True, timeout=120)
    results: dict[str, Any] = strict_json((root / "results" / "results.json").read_text())
    return results


def test_the_bundle_grades_an_upload_in_gradescope_s_layout(tmp_path: Path) -> None:
    root = unpack(tmp_path, "--visibility", "after_due_date")
    shutil.copy(SUBMISSIONS / "s17.toml", root / "submission" / "quin.toml")
    results = run_autograder(root)
    assert results["score"] == 26  # tests/test_class.py: Quin's, predicted by hand
    assert results["visibility"] == "after_due_date"
    assert sum(test["max_score"] for test in results["tests"]) == 28


def test_the_bundle_runs_without_the_installed_package(tmp_path: Path) -> None:
    """The bundle carries its own copy of the tool: with only click, rich and lark importable
    (no adexplain installed), run_autograder still grades."""
    root = unpack(tmp_path)
    shutil.copy(SUBMISSIONS / "s01.toml", root / "submission" / "ada.toml")
    site = tmp_path / "site"
    site.mkdir()
    needed = ["click", "rich", "lark", "markdown_it", "mdurl", "pygments"]
    if sys.version_info < (3, 11):  # what rich and the TOML reader need there
        needed += ["typing_extensions", "tomli"]
    for name in needed:
        source = Path(__import__(name).__file__ or "")
        if source.name == "__init__.py":
            shutil.copytree(source.parent, site / name)
        else:
            shutil.copy(source, site)
    # -S: no site-packages, so the editable install is out of reach; PYTHONPATH still counts.
    isolated = tmp_path / "python3"
    isolated.write_text(
        f'#!/bin/sh\nPYTHONPATH="$PYTHONPATH:{site}" exec {sys.executable} -S "$@"\n'
    )
    isolated.chmod(0o755)
    results = run_autograder(root, str(isolated))
    assert results["score"] == 28


def test_a_grader_that_cannot_run_still_leaves_a_results_json(tmp_path: Path) -> None:
    root = unpack(tmp_path)
    shutil.copy(SUBMISSIONS / "s01.toml", root / "submission" / "ada.toml")
    broken = tmp_path / "no-python"
    broken.write_text("#!/bin/sh\nexit 127\n")
    broken.chmod(0o755)
    results = run_autograder(root, str(broken))
    assert results["score"] == 0 and "could not run" in results["output"]


def python_310() -> str:
    """A Python 3.10 that has the bundle's requirements: the one .ci/run prepares
    (ADEXPLAIN_PYTHON310), else python3.10 on the PATH; skipped where there is none,
    except in CI, where it must be there."""
    found = os.environ.get("ADEXPLAIN_PYTHON310") or shutil.which("python3.10")
    probe = "import click, rich, lark, tomli"
    if found is None or subprocess.run([found, "-c", probe], capture_output=True).returncode:
        if os.environ.get("CI"):
            pytest.fail("no Python 3.10 with click, rich, lark and tomli; .ci/run makes one")
        pytest.skip("no Python 3.10 with click, rich, lark and tomli on this machine")
    return found


def test_the_bundle_runs_on_python_3_10_as_gradescope_s_ubuntu_22_04_has(tmp_path: Path) -> None:
    python = python_310()
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "(3, 10)", version
    root = unpack(tmp_path)
    shutil.copy(SUBMISSIONS / "s16.toml", root / "submission" / "pia.toml")
    assert run_autograder(root, python)["score"] == 24


def test_setup_installs_what_the_package_declares() -> None:
    from autodiff_cli.autograder import requirements, setup_script

    declared = requirements()
    assert any(r.startswith("tomli") and "3.11" in r for r in declared)
    script = setup_script()
    for requirement in declared:
        assert requirement.split(";")[0] in script
    assert "sys.version_info < (3, 10)" in script


def test_the_grading_options_go_into_the_bundle(tmp_path: Path) -> None:
    """Built with --kink-convention, the autograder grades Uma (relu'(0) = 1) as
    tests/test_class.py predicts under that rule: 27."""
    root = unpack(tmp_path, "--kink-convention", "--abs-tol", "0.001", "--show-answers")
    script = (root / "source" / "run_autograder").read_text()
    assert "--kink-convention" in script and "--abs-tol 0.001" in script
    shutil.copy(SUBMISSIONS / "s21.toml", root / "submission" / "uma.toml")
    results = run_autograder(root)
    assert results["score"] == 27
    assert "only the tool's convention" in results["output"]


def test_an_upload_that_cannot_be_graded_exits_2_states_the_total_and_names_files_as_uploaded(
    tmp_path: Path,
) -> None:
    shutil.copy(SUBMISSIONS / "s01.toml", tmp_path / "draft.toml")
    shutil.copy(SUBMISSIONS / "s01.toml", tmp_path / "final.toml")
    two = run("check", "--key", str(KEY), str(tmp_path), "--format", "gradescope")
    assert two.exit_code == 2  # as for no .toml at all: nothing was graded
    document = strict_json(two.stdout)
    assert "found draft.toml, final.toml." in document["output"]
    assert str(tmp_path) not in two.stdout
    assert "The assignment is worth 28 points." in document["output"]
    (tmp_path / "final.toml").unlink()
    (tmp_path / "draft.toml").write_bytes(b"\xff\xfe")
    junk = run("check", "--key", str(KEY), str(tmp_path), "--format", "gradescope")
    assert junk.exit_code == 2
    document = strict_json(junk.stdout)
    assert document["output"].startswith("draft.toml could not be graded:")
    assert str(tmp_path) not in document["output"]
    assert "The assignment is worth 28 points." in document["output"]
    assert document["extra_data"]["max_score"] == 28
