"""Rule documentation in ruff's shape, rendered into `pants help` by the Pants backends."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Iterable, Tuple


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    what_it_does: str
    why_is_this_bad: str
    example: str
    use_instead: str
    fix_safety: str
    options: Tuple[str, ...] = ()
    # The codes this rule's findings had before a rename: a baseline entry naming one of them
    # still matches (`reports.baseline.apply_baseline`), as ruff's rule redirects keep old
    # codes working.
    former_codes: Tuple[str, ...] = ()

    def render(self) -> str:
        sections = [
            f"{self.code} ({self.name})",
            "What it does:\n" + _indent(self.what_it_does),
            "Why is this bad?\n" + _indent(self.why_is_this_bad),
            "Example:\n" + _indent(self.example),
            "Use instead:\n" + _indent(self.use_instead),
        ]
        if self.former_codes:
            sections.append(f"Formerly: {', '.join(self.former_codes)}")
        if self.options:
            sections.append("Options:\n" + _indent("\n".join(f"- {o}" for o in self.options)))
        sections.append("Fix safety:\n" + _indent(self.fix_safety))
        return "\n\n".join(sections)


def render_rule_docs(docs: Iterable[RuleDoc]) -> str:
    return "\n\n\n".join(doc.render() for doc in docs)


def _indent(text: str) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), "    ")
