"""The README's quick start and CI run the same test command."""

from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in readme.splitlines() if "pytest" in line and "pip" in line)
    assert command.strip() in ci


def test_readme_quick_start_installs_and_runs_the_demo():
    readme = (ROOT / "README.md").read_text()
    assert "pip install -q -e . && .venv/bin/reviewkit demo" in readme
