"""The one place that knows how a rule asks the engine for something, on every supported Pants.

Pants 2.17-2.22 resolve requests with `Get(Output, Input, value)` and `MultiGet`; 2.23 added the
stable call-by-name intrinsics (`pants.engine.intrinsics.create_digest`, ...) and 2.32 removed
`Get`/`MultiGet`. Every adapter awaits the helpers below: from 2.23 on the Pants rules
themselves, or coroutines calling them by name with `**implicitly()`; before, functions returning
the equivalent `Get`. So no rule body changes per version.

Both rule parsers find what a rule awaits by following these helpers: 2.17's `rule_visitor.py`
follows a called function whose return annotation is an `Awaitable` (hence the bare `-> Get`:
a parameterized `Get[Digest]` is not a class there, so it would not be followed) and reads the
`Get` inside (`call_rule`'s helpers name their types through their closure, which it reads too);
2.23+'s follows coroutine "rule helpers" and records each direct call of a `@rule`. The old-side
helpers return the `Get` itself rather than being coroutines, because 2.17's `MultiGet` accepts
only `Get`s.

A request whose type is a union member (a lint batch, a lint partition request) is dispatched by
the engine: with `Get(Output, UnionBase, member)` up to 2.27, and from 2.28, where polymorphic
rules arrived (and `Get` is on its way out), by calling the union's polymorphic base rule by name.
`call_union` hides which; `polymorphic_rule` declares such a base rule for our own unions. Lint's
own partition unions got their base rules a release later, in 2.29.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Coroutine, TypeVar, get_origin, get_type_hints

from pants.backend.python.dependency_inference.module_mapper import FirstPartyPythonModuleMapping
from pants.backend.python.util_rules.ancestor_files import AncestorFiles, AncestorFilesRequest
from pants.backend.python.util_rules.interpreter_constraints import InterpreterConstraints
from pants.backend.python.util_rules.pex import (
    PexRequest,
    PythonExecutable,
    VenvPex,
    VenvPexProcess,
)
from pants.base.specs import RawSpecsWithoutFileOwners
from pants.core.goals.lint import LintFilesRequest, LintTargetsRequest
from pants.core.util_rules.partitions import Partitions
from pants.core.util_rules.source_files import SourceFiles, SourceFilesRequest
from pants.core.util_rules.stripped_source_files import StrippedFileName, StrippedFileNameRequest
from pants.engine.addresses import Addresses
from pants.engine.fs import (
    CreateDigest,
    Digest,
    DigestContents,
    DigestSubset,
    MergeDigests,
    PathGlobs,
    Paths,
    RemovePrefix,
    Snapshot,
)
from pants.engine.internals.graph import Owners, OwnersRequest
from pants.engine.process import FallibleProcessResult, Process
from pants.engine.rules import rule
from pants.engine.target import (
    AllUnexpandedTargets,
    SourcesPaths,
    SourcesPathsRequest,
    Targets,
    UnexpandedTargets,
)
from pants.source.source_root import AllSourceRoots
from pants.version import PANTS_SEMVER, Version

_Out = TypeVar("_Out")

# The first release with all the stable intrinsic names (2.23's dev releases lack some); `Get`
# still works there, but is deprecated from 2.30 and gone in 2.32.
CALL_BY_NAME = PANTS_SEMVER >= Version("2.23.0a0")
# The first release with `@rule(polymorphic=True)`; 2.32 dispatches a union no other way.
POLYMORPHIC_RULES = PANTS_SEMVER >= Version("2.28.0a0")
# The first release whose lint partitioners are polymorphic rules (`partition_files`, ...).
LINT_PARTITION_RULES = PANTS_SEMVER >= Version("2.29.0a0")


def _output_type(rule_func: Callable[..., Any]) -> type:
    # `Partitions[str, Metadata]` is requested as `Partitions`, as `Get` needs a class.
    output = get_type_hints(rule_func)["return"]
    return get_origin(output) or output


if CALL_BY_NAME:
    from pants.backend.python.dependency_inference import module_mapper as _module_mapper
    from pants.backend.python.util_rules import pex as _pex
    from pants.backend.python.util_rules.ancestor_files import find_ancestor_files
    from pants.core.util_rules.source_files import determine_source_files
    from pants.core.util_rules.stripped_source_files import strip_file_name
    from pants.engine import intrinsics as _intrinsics
    from pants.engine.internals import graph as _graph
    from pants.engine.internals.graph import find_all_unexpanded_targets
    from pants.engine.intrinsics import (
        create_digest,
        digest_subset_to_digest,
        digest_to_snapshot,
        get_digest_contents,
        merge_digests,
        path_globs_to_digest,
        path_globs_to_paths,
        remove_prefix,
    )
    from pants.engine.rules import concurrently, implicitly
    from pants.source import source_root as _source_root

    async def path_globs_to_digest_contents(path_globs: PathGlobs) -> DigestContents:
        return await get_digest_contents(**implicitly({path_globs: PathGlobs}))

    async def execute_process(process: Process) -> FallibleProcessResult:
        return await _intrinsics.execute_process(process, **implicitly())

    async def resolve_source_paths(request: SourcesPathsRequest) -> SourcesPaths:
        return await _graph.resolve_source_paths(request, **implicitly())

    async def create_venv_pex(pex_request: PexRequest) -> VenvPex:
        return await _pex.create_venv_pex(**implicitly({pex_request: PexRequest}))

    async def setup_venv_pex_process(request: VenvPexProcess) -> Process:
        return await _pex.setup_venv_pex_process(request, **implicitly())

    async def find_interpreter(interpreter_constraints: InterpreterConstraints) -> PythonExecutable:
        return await _pex.find_interpreter(interpreter_constraints, **implicitly())

    async def find_owners(owners_request: OwnersRequest) -> Owners:
        return await _graph.find_owners(owners_request, **implicitly())

    async def first_party_module_mapping() -> FirstPartyPythonModuleMapping:
        return await _module_mapper.merge_first_party_module_mappings(**implicitly())

    async def all_source_roots() -> AllSourceRoots:
        return await _source_root.all_roots(**implicitly())

    async def resolve_targets(addresses: Addresses) -> Targets:
        return await _graph.resolve_targets(**implicitly({addresses: Addresses}))

    async def find_unexpanded_targets(specs: RawSpecsWithoutFileOwners) -> UnexpandedTargets:
        # As Pants' own `find_all_unexpanded_targets` asks for the whole repo's.
        return await _graph.resolve_unexpanded_targets(
            **implicitly({specs: RawSpecsWithoutFileOwners})
        )

    def call_rule(
        rule_func: Callable[..., Coroutine[Any, Any, _Out]]
    ) -> Callable[[Any], Awaitable[_Out]]:
        """A helper that calls `rule_func` with its first parameter given; the rest come from
        the rule graph."""

        async def call_with_request(request: Any) -> Any:
            return await rule_func(request, **implicitly())

        return call_with_request

    def call_rule_implicitly(
        rule_func: Callable[..., Coroutine[Any, Any, _Out]]
    ) -> Callable[[], Awaitable[_Out]]:
        """A helper that calls `rule_func` with every parameter from the rule graph."""

        async def call_implicitly() -> Any:
            return await rule_func(**implicitly())

        return call_implicitly

else:
    # `Get` itself is imported below, with the union helpers that use it up to 2.27.
    from pants.engine.rules import MultiGet

    concurrently = MultiGet

    def create_digest(create_digest: CreateDigest) -> Get:
        return Get(Digest, CreateDigest, create_digest)

    def path_globs_to_digest(path_globs: PathGlobs) -> Get:
        return Get(Digest, PathGlobs, path_globs)

    def path_globs_to_paths(path_globs: PathGlobs) -> Get:
        return Get(Paths, PathGlobs, path_globs)

    def path_globs_to_digest_contents(path_globs: PathGlobs) -> Get:
        return Get(DigestContents, PathGlobs, path_globs)

    def digest_to_snapshot(digest: Digest) -> Get:
        return Get(Snapshot, Digest, digest)

    def merge_digests(merge_digests: MergeDigests) -> Get:
        return Get(Digest, MergeDigests, merge_digests)

    def digest_subset_to_digest(digest_subset: DigestSubset) -> Get:
        return Get(Digest, DigestSubset, digest_subset)

    def remove_prefix(remove_prefix: RemovePrefix) -> Get:
        return Get(Digest, RemovePrefix, remove_prefix)

    def find_ancestor_files(request: AncestorFilesRequest) -> Get:
        return Get(AncestorFiles, AncestorFilesRequest, request)

    def find_interpreter(interpreter_constraints: InterpreterConstraints) -> Get:
        return Get(PythonExecutable, InterpreterConstraints, interpreter_constraints)

    def find_owners(owners_request: OwnersRequest) -> Get:
        return Get(Owners, OwnersRequest, owners_request)

    def first_party_module_mapping() -> Get:
        return Get(FirstPartyPythonModuleMapping)

    def all_source_roots() -> Get:
        return Get(AllSourceRoots)

    def resolve_targets(addresses: Addresses) -> Get:
        return Get(Targets, Addresses, addresses)

    def execute_process(process: Process) -> Get:
        return Get(FallibleProcessResult, Process, process)

    def determine_source_files(request: SourceFilesRequest) -> Get:
        return Get(SourceFiles, SourceFilesRequest, request)

    def strip_file_name(request: StrippedFileNameRequest) -> Get:
        return Get(StrippedFileName, StrippedFileNameRequest, request)

    def find_all_unexpanded_targets() -> Get:
        return Get(AllUnexpandedTargets)

    def find_unexpanded_targets(specs: RawSpecsWithoutFileOwners) -> Get:
        return Get(UnexpandedTargets, RawSpecsWithoutFileOwners, specs)

    def resolve_source_paths(request: SourcesPathsRequest) -> Get:
        return Get(SourcesPaths, SourcesPathsRequest, request)

    def create_venv_pex(pex_request: PexRequest) -> Get:
        return Get(VenvPex, PexRequest, pex_request)

    def setup_venv_pex_process(request: VenvPexProcess) -> Get:
        return Get(Process, VenvPexProcess, request)

    def call_rule(
        rule_func: Callable[..., Coroutine[Any, Any, _Out]]
    ) -> Callable[[Any], Awaitable[_Out]]:
        """A helper that calls `rule_func` with its first parameter given; the rest come from
        the rule graph."""
        output_type = _output_type(rule_func)
        input_type = next(iter(get_type_hints(rule_func).values()))

        def call_with_request(request: Any) -> Get:
            return Get(output_type, input_type, request)

        return call_with_request

    def call_rule_implicitly(
        rule_func: Callable[..., Coroutine[Any, Any, _Out]]
    ) -> Callable[[], Awaitable[_Out]]:
        """A helper that calls `rule_func` with every parameter from the rule graph."""
        output_type = _output_type(rule_func)

        def call_implicitly() -> Get:
            return Get(output_type)

        return call_implicitly


# Lint's partition unions became polymorphic rules in 2.29; 2.28 still dispatches them with `Get`.
if LINT_PARTITION_RULES:
    from pants.core.goals.lint import partition_files, partition_targets
else:
    from pants.engine.rules import Get

    def call_union_by_get(
        base_rule: Callable[..., Coroutine[Any, Any, _Out]], union_base: type
    ) -> Callable[[Any], Awaitable[_Out]]:
        """A helper that runs the member's implementation of `base_rule` on a union member."""
        output_type = _output_type(base_rule)

        def call_member(member: Any) -> Get:
            return Get(output_type, union_base, member)

        return call_member

    # Stand-ins naming the output of lint's partition unions, which 2.29 made rules.
    async def partition_targets(req: LintTargetsRequest.PartitionRequest) -> Partitions:
        raise NotImplementedError()

    async def partition_files(req: LintFilesRequest.PartitionRequest) -> Partitions:
        raise NotImplementedError()


if POLYMORPHIC_RULES:

    def polymorphic_rule(base_rule: Callable[..., Coroutine[Any, Any, _Out]]) -> Any:
        """Declares the rule a union's members implement (same output, member type as input)."""
        return rule(polymorphic=True)(base_rule)

    def call_union(
        base_rule: Callable[..., Coroutine[Any, Any, _Out]], union_base: type
    ) -> Callable[[Any], Awaitable[_Out]]:
        """A helper that runs the member's implementation of `base_rule` on a union member."""

        async def call_member(member: Any) -> Any:
            return await base_rule(**implicitly({member: union_base}))

        return call_member

else:

    def polymorphic_rule(base_rule: Callable[..., Coroutine[Any, Any, _Out]]) -> Any:
        """Before 2.28 the base is no rule: `Get` dispatches on the union type itself."""
        return base_rule

    call_union = call_union_by_get


if LINT_PARTITION_RULES:
    lint_target_partitions = call_union(partition_targets, LintTargetsRequest.PartitionRequest)
    lint_file_partitions = call_union(partition_files, LintFilesRequest.PartitionRequest)
else:
    lint_target_partitions = call_union_by_get(
        partition_targets, LintTargetsRequest.PartitionRequest
    )
    lint_file_partitions = call_union_by_get(partition_files, LintFilesRequest.PartitionRequest)
