"""Documentation is tested: what the code names, the docs name (after Datasette)."""

import re
from pathlib import Path

from jisr.accounts.policy import PERMISSIONS
from jisr.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[3]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")) + (
    ROOT / "README.md").read_text(encoding="utf-8")
SOURCES = [p for p in (ROOT / "jisr").rglob("*.py") if "tests" not in p.parts]


def test_every_environment_variable_is_documented():
    pattern = re.compile(r'(?:env_\w+\(\s*|environ(?:\.get)?\(\s*|environ\[)"((?:JISR_|DATABASE)'
                         r'[A-Z_]*)"')
    names = {m for p in SOURCES for m in pattern.findall(p.read_text(encoding="utf-8"))}
    assert {"JISR_SECRET_KEY", "DATABASE_URL", "JISR_BIND"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in DOCS)
    assert not missing, f"document these environment variables in docs/: {missing}"


def test_every_command_is_documented():
    commands = {p.stem.replace("_", "-") for p in (ROOT / "jisr").glob(
        "*/management/commands/*.py") if p.stem != "__init__"}
    missing = sorted(c for c in commands if f"jisr {c}" not in DOCS)
    assert not missing, f"document these commands in docs/operations.md: {missing}"


def test_every_permission_and_role_is_documented():
    missing = [p for p in PERMISSIONS if f"`{p}`" not in DOCS]
    missing += [r.value for r in Role if f"`{r.value}`" not in DOCS]
    assert not missing, f"document in docs/access.md: {missing}"


def test_the_readme_holds_the_two_set_up_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
