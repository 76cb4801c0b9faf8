"""Every code the rule can report is documented, in ruff's shape."""

from __future__ import annotations

from monorepo_hygiene.imports import RULE_DOCS, codes
from monorepo_hygiene.rule_docs import render_rule_docs


def test_every_code_is_documented_once_in_order() -> None:
    defined = sorted(
        value
        for name, value in vars(codes).items()
        if name.isupper() and isinstance(value, str) and value.startswith("HI")
    )
    assert [doc.code for doc in RULE_DOCS] == defined
    assert defined == ["HI100", "HI101", "HI102", "HI103", "HI104", "HI105", "HI106"]


def test_docs_render_with_every_section() -> None:
    text = render_rule_docs(RULE_DOCS)
    assert text.count("What it does:") == text.count("Fix safety:") == len(RULE_DOCS)
    assert "HI101 (absolute-import-within-build)" in text
