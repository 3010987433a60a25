"""Documentation is tested: every option and reason code of the engine is in the docs."""

from __future__ import annotations

from pathlib import Path

from jisr.matching.cli import build_parser
from jisr.matching.score import _FIELD_REASONS, _FLAG_REASONS, CAPS

DOC = (Path(__file__).resolve().parents[3] / "docs" / "matching.md").read_text(encoding="utf-8")


def test_every_dedup_option_is_documented() -> None:
    options = {
        opt
        for action in build_parser()._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    }
    assert options
    missing = sorted(o for o in options if f"`{o}" not in DOC)
    assert not missing


def test_every_reason_code_and_rule_is_documented() -> None:
    codes = {code for levels in _FIELD_REASONS.values() for code, _ in levels.values()}
    codes |= {code for code, _ in _FLAG_REASONS.values()}
    codes |= {"names_equal", "first_name_transliterated", "last_name_lookalike"}
    missing = sorted(c for c in codes | set(CAPS) if c not in DOC)
    assert not missing
