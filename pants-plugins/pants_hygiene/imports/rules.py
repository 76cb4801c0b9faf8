"""`pants lint` / `pants fix` for import style: Pants supplies the ownership facts, the sandboxed
checker reads and rewrites the code."""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, DefaultDict, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from pants.backend.python.dependency_inference.module_mapper import (
    FirstPartyPythonMappingImplMarker,
    FirstPartyPythonTargetsMappingMarker,
    ModuleProvider,
    ModuleProviderType,
    module_from_stripped_path,
)
from pants.backend.python.subsystems.setup import PythonSetup
from pants.backend.python.target_types import PythonResolveField, PythonSourceField
from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import Partition, PartitionerType, Partitions
from pants.core.util_rules.stripped_source_files import StrippedFileNameRequest
from pants.engine.addresses import Addresses
from pants.engine.fs import CreateDigest, Digest, FileContent, MergeDigests, PathGlobs
from pants.engine.internals.graph import OwnersRequest
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionMembership, UnionRule
from pants.util.frozendict import FrozenDict
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from monorepo_hygiene.imports import RULE_DOCS, FileFacts, ImportFacts
from monorepo_hygiene.imports.codes import CANNOT_FIX
from monorepo_hygiene.imports.lookups import looked_up_modules, needed_modules, with_prefixes
from monorepo_hygiene.imports.ruff_policy import resolve_policy, ruff_import_rule
from monorepo_hygiene.ruff_config import (
    CONFIG_FILE_NAMES,
    NeedFile,
    RuffConfig,
    RuffConfigError,
    read_ruff_config,
)

from ..util import alembic_setups
from ..util.alembic_setups import AlembicSetups, AlembicSetupsRequest, find_setups
from ..util.compat import (
    call_rule,
    call_rule_implicitly,
    concurrently,
    all_source_roots,
    create_digest,
    find_owners,
    first_party_module_mapping,
    merge_digests,
    path_globs_to_digest,
    path_globs_to_digest_contents,
    path_globs_to_paths,
    resolve_targets,
    strip_file_name,
)
from ..reports.rules import (
    HygieneLintBatch,
    HygieneLintFindings,
    HygieneLintResultRequest,
    batch_findings,
    render_lint_findings,
)
from ..tool.rules import (
    HygieneCheckRequest,
    HygieneFixRequest,
    fix_result,
    hygiene_tool_pex,
    request_hygiene_check,
    request_hygiene_fix,
)
from ..tool.subsystem import HygieneTool
from .subsystem import ImportsFieldSet, ImportsSubsystem

logger = logging.getLogger(__name__)

# Where the batch's facts are written in the sandbox; no source file can be called that.
FACTS_PATH = "__hygiene_import_facts.json"


class ImportsLintRequest(LintTargetsRequest):
    field_set_type = ImportsFieldSet
    tool_subsystem = ImportsSubsystem
    partitioner_type = PartitionerType.CUSTOM


class ImportsFixRequest(FixTargetsRequest):
    field_set_type = ImportsFieldSet
    tool_subsystem = ImportsSubsystem
    partitioner_type = PartitionerType.CUSTOM


@dataclass(frozen=True)
class ImportFactsMetadata:
    """The ownership facts of one resolve's files: the `monorepo_hygiene.imports.facts` shape.

    Compared and hashed by a fingerprint of the facts: the engine compares every request that
    carries them (each batch, each batch's facts) with the one it memoized, and field by field
    that walked every file's and module's facts each time: ~3 s of a warm one-line edit of
    8,000 files (py-spy on pantsd), for the same answer.
    """

    resolve: str
    file_facts: FrozenDict[str, FileFacts] = field(compare=False)
    module_owners: FrozenDict[str, str] = field(compare=False)
    # package -> its `__init__.py`
    package_inits: FrozenDict[str, str] = field(compare=False)
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        facts = ImportFacts(self.file_facts, self.module_owners, self.package_inits).to_json()
        digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
        object.__setattr__(self, "fingerprint", digest)

    @property
    def description(self) -> str:
        return self.resolve

    def batch_package_inits(self, files: Iterable[str]) -> Dict[str, str]:
        """The `__init__`s a batch's checker reads: those of the packages its files' BUILD files
        own, where a fixed `import a.b.c as d` can point (only a module of the file's own BUILD
        file becomes relative; its package is, but for odd layouts, owned there too)."""
        owners = {self.file_facts[path].owner for path in files}
        return {
            package: path
            for package, path in sorted(self.package_inits.items())
            if self.module_owners.get(package) in owners
        }

    def facts_file(self, files: Iterable[str]) -> FileContent:
        """The facts of one batch: its files' own, and every module's owner.

        All owners, not only those under the batch's top-level packages: a relative import that
        climbs above its source root (`from ..shop import util` in `billing/api.py`) names a
        module of another top-level package, and whether it can be fixed must not depend on
        which other files share the batch.
        """
        facts = ImportFacts(
            files={path: self.file_facts[path] for path in sorted(files)},
            module_owners=self.module_owners,
            package_inits=self.batch_package_inits(files),
        )
        return FileContent(FACTS_PATH, content=json.dumps(facts.to_json(), sort_keys=True).encode())


@dataclass(frozen=True)
class _ImportFactsRequest:
    field_sets: Tuple[ImportsFieldSet, ...]


@dataclass(frozen=True)
class RepoRuffConfig:
    """The repo's ruff configuration; None when `[hygiene-imports].follow_ruff` is off."""

    config: Optional[RuffConfig]


@rule(desc="Read the repo's ruff configuration", level=LogLevel.DEBUG)
async def read_repo_ruff_config(subsystem: ImportsSubsystem) -> RepoRuffConfig:
    if not subsystem.follow_ruff:
        return RepoRuffConfig(None)
    files: Dict[str, Optional[bytes]] = {}
    wanted: List[str] = list(CONFIG_FILE_NAMES)
    # The root files first, then each file the chain `extend`s, as the reader asks for them.
    while True:
        contents = await path_globs_to_digest_contents(PathGlobs(wanted))
        found = {file.path: file.content for file in contents}
        files.update({path: found.get(path) for path in wanted})
        try:
            return RepoRuffConfig(read_ruff_config(files))
        except NeedFile as need:
            wanted = [need.path]
        except RuffConfigError as e:
            raise ValueError(
                f"Cannot read the repo's ruff configuration: {e} (`[hygiene-imports].follow_ruff "
                "= false` stops reading it)"
            ) from None


_repo_ruff_config = call_rule_implicitly(read_repo_ruff_config)


_ModuleProviders = Mapping[str, Mapping[str, Sequence[ModuleProvider]]]


async def _scoped_providers(
    files_by_resolve: Mapping[str, Mapping[str, FileFacts]], python_setup: PythonSetup
) -> _ModuleProviders:
    """The providers, per resolve, of only the modules these files' checks look up, found as
    Pants' module map finds them (a Python target owning the file, module named by the file's
    path under its source root), but by asking for the owners of those files alone."""
    by_path = {path: facts for files in files_by_resolve.values() for path, facts in files.items()}
    contents = await path_globs_to_digest_contents(PathGlobs(sorted(by_path)))
    names = frozenset().union(
        *(
            looked_up_modules(facts.module, facts.is_package, file.content)
            for file, facts in ((file, by_path[file.path]) for file in contents)
        )
    )
    roots = [root.path for root in await all_source_roots()]
    wanted = sorted(with_prefixes(names))
    modules = await _modules_of(
        _root_globs(roots, wanted, ("{}.py", "{}.pyi", "{}/__init__.py", "{}/__init__.pyi"))
    )
    # A name without a file is answered by every module under it.
    namespaces = sorted(set(wanted) - set(modules.values()))
    if namespaces:
        below = _root_globs(roots, namespaces, ("{}/**/*.py", "{}/**/*.pyi"))
        modules.update(await _modules_of(below))
    needed = needed_modules(names, modules.values())
    paths = sorted(path for path, module in modules.items() if module in needed)
    owners = await concurrently(find_owners(OwnersRequest((path,))) for path in paths)
    targets = await resolve_targets(Addresses(sorted({a for found in owners for a in found})))
    by_address = {target.address: target for target in targets}
    providers: DefaultDict[str, DefaultDict[str, List[ModuleProvider]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for path, found in zip(paths, owners):
        provider_type = (
            ModuleProviderType.TYPE_STUB if path.endswith(".pyi") else ModuleProviderType.IMPL
        )
        for address in found:
            target = by_address[address]
            if target.has_field(PythonSourceField):
                resolve = target[PythonResolveField].normalized_value(python_setup)
                provider = ModuleProvider(addr=address, typ=provider_type)
                providers[resolve][modules[path]].append(provider)
    return providers


def _root_globs(roots: Sequence[str], modules: Sequence[str], forms: Sequence[str]) -> PathGlobs:
    """Where each module's files would be under each source root (`.` is the repo's root)."""
    return PathGlobs(
        posixpath.normpath(posixpath.join(root, form.format(module.replace(".", "/"))))
        for root in roots
        for module in modules
        for form in forms
    )


async def _modules_of(path_globs: PathGlobs) -> Dict[str, str]:
    """The module each matched file is, named by its path under its own source root."""
    paths = (await path_globs_to_paths(path_globs)).files
    stripped = await concurrently(strip_file_name(StrippedFileNameRequest(path)) for path in paths)
    return {
        path: module_from_stripped_path(PurePath(name.value))
        for path, name in zip(paths, stripped)
    }


@rule(desc="Gather import ownership facts", level=LogLevel.DEBUG)
async def gather_import_facts(
    request: _ImportFactsRequest,
    subsystem: ImportsSubsystem,
    python_setup: PythonSetup,
    tool: HygieneTool,
    union_membership: UnionMembership,
) -> Partitions[str, ImportFactsMetadata]:
    ruff = await _repo_ruff_config()
    stripped_names = await concurrently(
        strip_file_name(StrippedFileNameRequest(field_set.source.file_path))
        for field_set in request.field_sets
    )
    # Only the histories these files may belong to: nothing else of the repo is looked at.
    alembic_setups = await find_setups(
        AlembicSetupsRequest(
            tuple(sorted(field_set.source.file_path for field_set in request.field_sets))
        )
    )
    files_by_resolve: DefaultDict[str, Dict[str, FileFacts]] = defaultdict(dict)
    # Reported once per run, however many files each one concerns.
    conflicts: Dict[str, None] = {}
    for field_set, stripped in zip(request.field_sets, stripped_names):
        stripped_path = PurePath(stripped.value)
        policy = subsystem.policy_for(field_set)
        if ruff.config is not None:
            ruff_rule = ruff_import_rule(ruff.config, field_set.source.file_path)
            setting = subsystem.explicit_policy_setting(field_set) if ruff_rule else None
            policy, conflict = resolve_policy(policy, setting, ruff_rule)
            if conflict is not None:
                conflicts[conflict.message()] = None
        files_by_resolve[field_set.resolve.normalized_value(python_setup)][
            field_set.source.file_path
        ] = FileFacts(
            module=module_from_stripped_path(stripped_path),
            is_package=stripped_path.stem == "__init__",
            # The owner is the BUILD file's directory, which is the target's spec_path.
            owner=field_set.address.spec_path,
            policy=policy,
            loaded_by_path=_loaded_by_path(field_set.source.file_path, alembic_setups),
        )
    for message in conflicts:
        logger.warning(message)
    # Modules only Pants' whole map knows (generated code: protobuf, thrift, ...) need it.
    only_targets = set(union_membership.get(FirstPartyPythonMappingImplMarker)) == {
        FirstPartyPythonTargetsMappingMarker
    }
    if only_targets and tool.scoped_facts(len(request.field_sets)):
        providers = await _scoped_providers(files_by_resolve, python_setup)
    else:
        providers = (await first_party_module_mapping()).resolves_to_modules_to_providers
    return Partitions(
        Partition(
            tuple(sorted(file_facts)),
            metadata=ImportFactsMetadata(
                resolve=resolve,
                file_facts=FrozenDict(file_facts),
                module_owners=_module_owners(providers.get(resolve, {})),
                package_inits=_package_inits(providers.get(resolve, {})),
            ),
        )
        for resolve, file_facts in sorted(files_by_resolve.items())
    )


def _loaded_by_path(path: str, alembic_setups: AlembicSetups) -> Optional[str]:
    """Why Python loads the file by path, if it does: Alembic runs `env.py` and every migration
    of its version locations by path, with no parent package."""
    for history in alembic_setups.histories:
        if history.loads_by_path(path):
            # Named by its config, or by its script directory when no config is in the repo.
            source = (*history.config_paths, history.script_dir)[0]
            return f"Alembic loads it by path (`{source}`)"
    return None


def _module_owners(modules: Mapping[str, Sequence[ModuleProvider]]) -> FrozenDict[str, str]:
    # A module with several providers (a `.py` and its `.pyi`, or two targets owning one file)
    # takes the owner that sorts first, so the choice is stable.
    return FrozenDict(
        {
            module: min(provider.addr.spec_path for provider in providers)
            for module, providers in modules.items()
        }
    )


def _package_inits(modules: Mapping[str, Sequence[ModuleProvider]]) -> FrozenDict[str, str]:
    """Every first-party package's `__init__.py` that a target of its own owns (a file target:
    its address names the file). A package left out gets no `import a.b.c as d` fixed into it."""
    package_inits: Dict[str, str] = {}
    for module, providers in modules.items():
        paths = sorted(
            provider.addr.filename
            for provider in providers
            if provider.typ == ModuleProviderType.IMPL
            and provider.addr.is_file_target
            and PurePath(provider.addr.filename).name == "__init__.py"
        )
        if paths:
            package_inits[module] = paths[0]
    return FrozenDict(package_inits)


_import_facts = call_rule(gather_import_facts)


@dataclass(frozen=True)
class _BatchFactsRequest:
    metadata: ImportFactsMetadata
    files: Tuple[str, ...]


@dataclass(frozen=True)
class _BatchFacts:
    # Holds FACTS_PATH and the package `__init__`s the facts name, but for the batch's own.
    digest: Digest


@rule(desc="Write a batch's import facts", level=LogLevel.DEBUG)
async def batch_facts(request: _BatchFactsRequest) -> _BatchFacts:
    """A rule, so the facts file (1 MB for 8,000 modules) is written once per batch and Pants
    keeps it: `pants lint` re-runs its fixers' rules on every run (their results render output),
    and they await this."""
    # A package `__init__` of the batch itself comes with the batch's files: in `pants fix` as
    # the fixer before this one left it, which a second copy read from disk would contradict.
    package_inits = set(request.metadata.batch_package_inits(request.files).values())
    facts, inits = await concurrently(
        create_digest(CreateDigest([request.metadata.facts_file(request.files)])),
        path_globs_to_digest(PathGlobs(sorted(package_inits - set(request.files)))),
    )
    return _BatchFacts(await merge_digests(MergeDigests([facts, inits])))


_batch_facts = call_rule(batch_facts)


async def _partition(
    field_sets: Tuple[ImportsFieldSet, ...], subsystem: ImportsSubsystem
) -> Partitions[str, ImportFactsMetadata]:
    if subsystem.skip:
        return Partitions()
    # The checkers' PEX is built alongside the facts, which take Pants' process a while.
    partitions, _ = await concurrently(
        _import_facts(_ImportFactsRequest(field_sets)), hygiene_tool_pex()
    )
    return partitions


@rule
async def partition_imports_lint(
    request: ImportsLintRequest.PartitionRequest[ImportsFieldSet], subsystem: ImportsSubsystem
) -> Partitions[str, ImportFactsMetadata]:
    return await _partition(request.field_sets, subsystem)


@rule
async def partition_imports_fix(
    request: ImportsFixRequest.PartitionRequest[ImportsFieldSet], subsystem: ImportsSubsystem
) -> Partitions[str, ImportFactsMetadata]:
    return await _partition(request.field_sets, subsystem)


def _check_description(files: Tuple[str, ...]) -> str:
    return f"Check import style in {pluralize(len(files), 'file')}"


@rule(desc="Check import style", level=LogLevel.DEBUG)
async def imports_findings(
    request: ImportsLintRequest.Batch[str, ImportFactsMetadata],
) -> HygieneLintFindings:
    files = tuple(sorted(request.elements))
    sources, facts = await concurrently(
        path_globs_to_digest(PathGlobs(request.elements)),
        _batch_facts(_BatchFactsRequest(request.partition_metadata, files)),
    )
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="imports",
            argv=(f"--facts={FACTS_PATH}",),
            files=files,
            input_digest=await merge_digests(MergeDigests([sources, facts.digest])),
            description=_check_description(request.elements),
            # The fixer's request (below) for the same batch is this very process.
        ),
    )
    return HygieneLintFindings(request, tuple(result.findings), request.elements, RULE_DOCS)


@rule
async def imports_lint(request: ImportsLintRequest.Batch) -> LintResult:
    findings = await batch_findings(request)
    rendered = await render_lint_findings(HygieneLintResultRequest(findings))
    return rendered.result


@rule(desc="Fix import style", level=LogLevel.DEBUG)
async def imports_fix(request: ImportsFixRequest.Batch[str, Any]) -> FixResult:
    facts = await _batch_facts(
        _BatchFactsRequest(request.partition_metadata, tuple(sorted(request.files)))
    )
    result = await request_hygiene_fix(
        HygieneFixRequest(
            checker="imports",
            argv=(f"--facts={FACTS_PATH}",),
            snapshot=request.snapshot,
            extra_input=facts.digest,
            check_description=_check_description(request.files),
            cannot_fix_code=CANNOT_FIX,
        ),
    )
    return fix_result(request, result)


def rules() -> Iterable:
    return [
        *collect_rules(),
        *alembic_setups.rules(),
        *ImportsLintRequest.rules(),
        *ImportsFixRequest.rules(),
        UnionRule(HygieneLintBatch, ImportsLintRequest.Batch),
    ]
