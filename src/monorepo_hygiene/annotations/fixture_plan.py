"""HA103's plan for one file: for each parameter naming a fixture, the annotation its fix
writes and the imports it adds, or why it gets none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Set, Tuple

from .fixture_scope import FixtureScope
from .fixture_types import missing_imports
from .fixtures import FixtureModule, ImportNeed


@dataclass(frozen=True)
class FixtureAnnotation:
    """What HA103 says about one parameter: the annotation its fix writes, or why none."""

    text: Optional[str]
    imports: Tuple[ImportNeed, ...] = ()  # Those the file still lacks.
    reason: Optional[str] = None


def plan_fixture_annotations(
    module: FixtureModule, conftests: Sequence[Tuple[str, Optional[FixtureModule]]]
) -> Dict[Tuple[int, str], FixtureAnnotation]:
    """For each parameter naming a fixture, by (line of its `def`, name): its annotation.

    An annotation is only planned when every name it uses means, in this file, what it means
    where the fixture is defined: imported the same way, or not bound at all yet (the import is
    then added). Two parameters needing the same name imported differently both get none.
    """
    parameters = FixtureScope(module, conftests).parameters()
    owners = {node.lineno: owner for owner, node in module.functions}
    planned: Dict[Tuple[int, str], FixtureAnnotation] = {}
    additions: Dict[str, Set[ImportNeed]] = {}
    for parameter in parameters:
        key = (parameter.line, parameter.name)
        fixture_type = parameter.resolution.fixture_type
        if fixture_type is None:
            planned[key] = FixtureAnnotation(None, reason=parameter.resolution.reason)
            continue
        owner = owners.get(parameter.line)
        missing, conflict = missing_imports(module, owner, parameter.line, fixture_type)
        if conflict and fixture_type.fallback is not None:
            fixture_type = fixture_type.fallback
            missing, conflict = missing_imports(module, owner, parameter.line, fixture_type)
        if conflict:
            planned[key] = FixtureAnnotation(None, reason=conflict)
            continue
        planned[key] = FixtureAnnotation(fixture_type.text, missing)
        for need in missing:
            additions.setdefault(need.binds, set()).add(need)
    # A name two annotations would import differently: neither is written.
    clashing = {name for name, needs in additions.items() if len(needs) > 1}
    for key, annotation in planned.items():
        clash = sorted(need.binds for need in annotation.imports if need.binds in clashing)
        if clash:
            reason = f"`{clash[0]}` would be imported from two places"
            planned[key] = FixtureAnnotation(None, reason=reason)
    return planned
