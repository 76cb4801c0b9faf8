"""The import policy that agrees with the repo's ruff: where ruff's TID252 is on for a file, the
suite never asks for an import it reports.

With `ban-relative-imports = "parents"` the policy `relative-within-build` (any depth) becomes
`relative-within-build-no-parents`; with `all`, every relative policy becomes `absolute`. A
policy the user set explicitly is kept, but the contradiction is returned, to be reported
naming both settings: never obeyed silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from ..ruff_config import RuffConfig, Setting
from .facts import ABSOLUTE, RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS

TID252 = "TID252"


@dataclass(frozen=True)
class RuffImportRule:
    """Ruff's TID252 as the repo's configuration applies it to a file."""

    ban: str  # `parents` or `all`
    selected_by: Optional[Setting]
    ban_setting: Setting

    def describe(self) -> str:
        selected = self.selected_by.describe() if self.selected_by else "ruff's defaults"
        return (
            f'ruff\'s TID252 with `ban-relative-imports = "{self.ban}"` (TID252 selected by '
            f"{selected}; {self.ban_setting.describe()})"
        )

    def accepts(self, policy: str) -> bool:
        """Whether every import `policy` asks for passes this rule."""
        if policy == ABSOLUTE:
            return True
        return policy == RELATIVE_WITHIN_BUILD_NO_PARENTS and self.ban == "parents"

    @property
    def policy(self) -> str:
        """The policy of the suite that asks for what this rule asks for."""
        return RELATIVE_WITHIN_BUILD_NO_PARENTS if self.ban == "parents" else ABSOLUTE


def ruff_import_rule(config: RuffConfig, path: str) -> Optional[RuffImportRule]:
    """TID252 on `path` (build-root-relative), or None where the repo's ruff doesn't run it."""
    state = config.rule(TID252, path)
    if not state.enabled:
        return None
    ban = config.ban_relative_imports
    return RuffImportRule(ban.value, state.decided_by, ban)


@dataclass(frozen=True)
class PolicyConflict:
    """An explicit setting of the suite asking for imports the repo's ruff reports."""

    setting: str  # e.g. `[hygiene-imports].policy = "relative-within-build"` (pants.toml)
    policy: str
    rule: RuffImportRule

    def message(self) -> str:
        wants = (
            "relative imports from parent packages (`from ..x`)"
            if self.policy == RELATIVE_WITHIN_BUILD and self.rule.ban == "parents"
            else "relative imports"
        )
        return (
            f"{self.setting} asks for {wants}, which {self.rule.describe()} reports. The "
            f"explicit setting is obeyed, so `pants fix` writes imports ruff rejects: set "
            f'`"{self.rule.policy}"` (or remove the setting, to follow ruff), or change ruff\'s.'
        )


def resolve_policy(
    policy: str, explicit_setting: Optional[str], rule: Optional[RuffImportRule]
) -> Tuple[str, Optional[PolicyConflict]]:
    """The policy a file gets, and the conflict to report when an explicit one contradicts
    ruff. `explicit_setting` names where the user set `policy`, None if it is the default."""
    if rule is None or rule.accepts(policy):
        return policy, None
    if explicit_setting is not None:
        return policy, PolicyConflict(explicit_setting, policy, rule)
    return rule.policy, None
