"""The Alembic histories the specs touch, for `check-alembic` and `rebase-alembic`: the setups
that may hold the specs' files (`util/alembic_setups.py`, which the imports check shares), their
migrations listed. And the answer to which files are Alembic configs: `[check-alembic]`'s.

Before a history's migrations are listed, its directories are searched for symlinks that resolve
to themselves with the OS: Pants 2.17's glob expansion dies (SIGSEGV, no message) on one anywhere
a wildcard reaches; one is an error of that history alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable, List, Tuple

from pants.base.build_root import BuildRoot
from pants.engine.fs import PathGlobs, SpecsPaths
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionRule

from monorepo_hygiene.alembic.discovery import AlembicHistory, DiscoveryOptions, symlink_loops
from monorepo_hygiene.alembic.errors import AlembicConfigError

from ..util import alembic_setups
from ..util.alembic_setups import (
    AlembicDiscoveryOptions,
    AlembicDiscoveryOptionsRequest,
    AlembicSetupsRequest,
    find_setups,
)
from ..util.compat import call_rule, concurrently, path_globs_to_paths
from .subsystem import CheckAlembicSubsystem


@dataclass(frozen=True)
class AlembicHistories:
    """The histories the specs touch, and the config files that don't lead to a history."""

    histories: Tuple[AlembicHistory, ...]
    config_errors: Tuple[AlembicConfigError, ...]


@dataclass(frozen=True)
class CheckAlembicDiscoveryOptions:
    """`[check-alembic]` says which files are Alembic configs."""


@rule
async def check_alembic_discovery_options(
    request: CheckAlembicDiscoveryOptions, subsystem: CheckAlembicSubsystem
) -> AlembicDiscoveryOptions:
    return AlembicDiscoveryOptions(
        DiscoveryOptions(tuple(subsystem.config_files), subsystem.config_section)
    )


@rule(desc="Find the Alembic histories in the specs")
async def find_alembic_histories(
    specs_paths: SpecsPaths, build_root: BuildRoot
) -> AlembicHistories:
    setups = await find_setups(AlembicSetupsRequest(tuple(specs_paths.files)))
    in_specs = [
        history
        for history in setups.histories
        if any(history.contains(path) for path in specs_paths.files)
    ]
    listable: List[AlembicHistory] = []
    loop_errors: List[AlembicConfigError] = []
    for history in in_specs:
        loops = [
            link
            for directory in (history.script_dir, *history.versions_dirs)
            for link in symlink_loops(build_root.path, directory, history.recursive)
        ]
        if loops:
            loop_errors.extend(
                AlembicConfigError(
                    link,
                    None,
                    f"symlink loop: `{link}` resolves to itself, so the history "
                    f"`{history.name}` can't be listed; remove or fix the link",
                )
                for link in dict.fromkeys(loops)
            )
        else:
            listable.append(history)
    # A listing of each looping directory that matches no file: whichever way it changes (the
    # link removed, say), this rule runs again.
    listings = await concurrently(
        path_globs_to_paths(
            PathGlobs(
                history.migration_globs
                if history in listable
                else [f"{directory}/*.hygiene-never-matches" for directory in history.versions_dirs]
            )
        )
        for history in in_specs
    )
    return AlembicHistories(
        histories=tuple(
            dataclasses.replace(history, migration_paths=tuple(sorted(listing.files)))
            for history, listing in zip(in_specs, listings)
            if history in listable
        ),
        config_errors=(
            *(error for error in setups.config_errors if error.path in specs_paths.files),
            *loop_errors,
        ),
    )


# What the goals await; on Pants 2.17 a `Get(AlembicHistories, SpecsPaths, ...)`.
find_histories_in_specs = call_rule(find_alembic_histories)


def rules() -> Iterable:
    return [
        *collect_rules(),
        *alembic_setups.rules(),
        UnionRule(AlembicDiscoveryOptionsRequest, CheckAlembicDiscoveryOptions),
    ]
