"""The Alembic setups that may hold given files, for every adapter that needs them: the alembic
goals (`check-alembic`, `rebase-alembic`) and the imports check (Alembic loads its files by
path). The core (`monorepo_hygiene.alembic.discovery`) decides; this only lists and reads what
it names, from the given files' directories and those above them.

Which files are configs is `[check-alembic]`'s to say (`config_files`, `config_section`); the
alembic adapter answers `AlembicDiscoveryOptionsRequest` with them, so no other adapter imports
it. With the alembic backend off, the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Tuple

from pants.engine.collection import Collection
from pants.engine.fs import PathGlobs
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionMembership, union
from pants.source.source_root import AllSourceRoots
from pants.util.logging import LogLevel

from monorepo_hygiene.alembic.discovery import (
    AlembicHistory,
    DiscoveryOptions,
    discovery_globs,
    is_config_candidate,
    locate_histories,
    needs_source_roots,
    read_configs,
    script_dir_candidates,
)
from monorepo_hygiene.alembic.errors import AlembicConfigError

from .compat import (
    call_rule,
    call_union,
    concurrently,
    path_globs_to_digest_contents,
    path_globs_to_paths,
    polymorphic_rule,
)


class AllAlembicHistories(Collection[AlembicHistory]):
    pass


@dataclass(frozen=True)
class AlembicSetupsRequest:
    """The Alembic setups that may hold `paths` (repo-relative files)."""

    paths: Tuple[str, ...]


@dataclass(frozen=True)
class AlembicSetups:
    """The Alembic histories found from some files' directories and those above them, however
    they were found, each once, their migrations not listed (`migration_paths` is empty); and
    the config files there that don't lead to one. Other capabilities use it to know which files
    Alembic loads by path (`script_dir`, `versions_dirs`)."""

    histories: AllAlembicHistories
    config_errors: Tuple[AlembicConfigError, ...]


@union
class AlembicDiscoveryOptionsRequest:
    """Answered by the adapter whose options say which files are Alembic configs."""


@dataclass(frozen=True)
class AlembicDiscoveryOptions:
    options: DiscoveryOptions


@polymorphic_rule
async def alembic_discovery_options(
    request: AlembicDiscoveryOptionsRequest,
) -> AlembicDiscoveryOptions:
    """The member's discovery options (the union's base rule)."""
    raise NotImplementedError()


_configured_options = call_union(alembic_discovery_options, AlembicDiscoveryOptionsRequest)


@dataclass(frozen=True)
class _SourceRootsRequest:
    pass


@dataclass(frozen=True)
class _SourceRootPaths:
    paths: Tuple[str, ...]


@rule(desc="List the source roots", level=LogLevel.DEBUG)
async def source_root_paths(
    request: _SourceRootsRequest, all_source_roots: AllSourceRoots
) -> _SourceRootPaths:
    return _SourceRootPaths(tuple(root.path for root in all_source_roots))


_source_root_paths = call_rule(source_root_paths)


@rule(desc="Find Alembic configurations")
async def find_alembic_setups(
    request: AlembicSetupsRequest, union_membership: UnionMembership
) -> AlembicSetups:
    # One member at most: the alembic backend's. Without it, the defaults.
    members = tuple(union_membership.get(AlembicDiscoveryOptionsRequest))
    options = (await _configured_options(members[0]())).options if members else DiscoveryOptions()
    listing = await path_globs_to_paths(PathGlobs(discovery_globs(request.paths, options)))
    config_contents = await path_globs_to_digest_contents(
        PathGlobs(path for path in listing.files if is_config_candidate(path, options))
    )
    texts: Dict[str, str] = {
        file.path: file.content.decode("utf-8", errors="replace") for file in config_contents
    }
    configs, config_errors = read_configs(texts, options)
    # Listing every source root globs the whole repo: only a location in the package form
    # needs them.
    source_roots: Tuple[str, ...] = ()
    if needs_source_roots(configs):
        source_roots = (await _source_root_paths(_SourceRootsRequest())).paths
    candidates = script_dir_candidates(configs, source_roots)
    candidate_listings = await concurrently(
        path_globs_to_paths(PathGlobs([f"{candidate}/*"])) for candidate in candidates
    )
    histories, location_errors = locate_histories(
        configs,
        source_roots,
        {
            candidate
            for candidate, candidate_listing in zip(candidates, candidate_listings)
            if candidate_listing.files or candidate_listing.dirs
        },
        listing.files,
        listing.dirs,
    )
    return AlembicSetups(AllAlembicHistories(histories), (*config_errors, *location_errors))


find_setups = call_rule(find_alembic_setups)


def rules() -> Iterable:
    return collect_rules()
