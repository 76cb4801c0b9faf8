from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Tuple

from pants.backend.python.target_types import PythonSourceField
from pants.backend.python.util_rules import ancestor_files
from pants.backend.python.util_rules.ancestor_files import AncestorFilesRequest
from pants.base.glob_match_error_behavior import GlobMatchErrorBehavior
from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import PartitionerType, Partitions
from pants.engine.addresses import Addresses
from pants.engine.fs import EMPTY_DIGEST, Digest, DigestSubset, MergeDigests, PathGlobs
from pants.engine.internals.graph import OwnersRequest
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionRule
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from monorepo_hygiene.annotations import CANNOT_FIX_FILE, RULE_DOCS

from ..util.compat import (
    call_rule,
    concurrently,
    digest_subset_to_digest,
    find_ancestor_files,
    find_owners,
    merge_digests,
    path_globs_to_digest,
    resolve_targets,
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
from .subsystem import AnnotationsFieldSet, AnnotationsSubsystem


class AnnotationsLintRequest(LintTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.CUSTOM


class AnnotationsFixRequest(FixTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.CUSTOM


async def _partition(
    field_sets: Tuple[AnnotationsFieldSet, ...], subsystem: AnnotationsSubsystem
) -> Partitions[str, Any]:
    """One partition of file paths, for the linter and the fixer alike: `pants lint` then cuts
    both into the same batches, so the fixer's check of a batch is the linter's process."""
    if subsystem.skip:
        return Partitions()
    # The checkers' PEX starts building now, while Pants still gathers other linters' facts.
    await hygiene_tool_pex()
    return Partitions.single_partition(sorted(fs.source.file_path for fs in field_sets))


@rule
async def partition_annotations_lint(
    request: AnnotationsLintRequest.PartitionRequest[AnnotationsFieldSet],
    subsystem: AnnotationsSubsystem,
) -> Partitions[str, Any]:
    return await _partition(request.field_sets, subsystem)


@rule
async def partition_annotations_fix(
    request: AnnotationsFixRequest.PartitionRequest[AnnotationsFieldSet],
    subsystem: AnnotationsSubsystem,
) -> Partitions[str, Any]:
    return await _partition(request.field_sets, subsystem)


def _check_description(files: Tuple[str, ...]) -> str:
    return f"Check return annotations in {pluralize(len(files), 'file')}"


@dataclass(frozen=True)
class _ConftestsRequest:
    files: Tuple[str, ...]  # The batch's files.


@dataclass(frozen=True)
class _Conftests:
    """When HA103 is selected, the conftest.py files above a batch's files that a target owns,
    as pytest under Pants sees them (`infer_python_conftest_dependencies`)."""

    digest: Digest


@rule(desc="Find the conftest.py files tests see", level=LogLevel.DEBUG)
async def conftests_seen(request: _ConftestsRequest, subsystem: AnnotationsSubsystem) -> _Conftests:
    if not subsystem.checks_fixtures:
        return _Conftests(EMPTY_DIGEST)
    # The batch's own conftests are left out: they are in its digest, maybe already fixed.
    ancestors = await find_ancestor_files(
        AncestorFilesRequest(input_files=request.files, requested=("conftest.py",))
    )
    candidates = ancestors.snapshot.files
    if not candidates:
        return _Conftests(EMPTY_DIGEST)
    owners = await concurrently(
        find_owners(OwnersRequest((path,), owners_not_found_behavior=GlobMatchErrorBehavior.ignore))
        for path in candidates
    )
    owner_targets = await concurrently(resolve_targets(Addresses(owner)) for owner in owners)
    seen = [
        path
        for path, targets in zip(candidates, owner_targets)
        if any(target.has_field(PythonSourceField) for target in targets)
    ]
    return _Conftests(
        await digest_subset_to_digest(
            DigestSubset(ancestors.snapshot.digest, globs=PathGlobs(seen))
        )
    )


# What the linter and the fixer await for the conftests of a batch.
_conftests_seen = call_rule(conftests_seen)


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[str, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    sources, conftests = await concurrently(
        path_globs_to_digest(PathGlobs(request.elements)),
        _conftests_seen(_ConftestsRequest(request.elements)),
    )
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=tuple(sorted(request.elements)),
            # The fixer's check of the batch (`HygieneFixRequest`) is this very process.
            input_digest=await merge_digests(MergeDigests([sources, conftests.digest])),
            description=_check_description(request.elements),
        ),
    )
    return HygieneLintFindings(request, tuple(result.findings), request.elements, RULE_DOCS)


@rule
async def annotations_lint(request: AnnotationsLintRequest.Batch) -> LintResult:
    findings = await batch_findings(request)
    rendered = await render_lint_findings(HygieneLintResultRequest(findings))
    return rendered.result


@rule(desc="Add safe `-> None` return annotations", level=LogLevel.DEBUG)
async def annotations_fix(
    request: AnnotationsFixRequest.Batch, subsystem: AnnotationsSubsystem
) -> FixResult:
    conftests = await _conftests_seen(_ConftestsRequest(request.files))
    result = await request_hygiene_fix(
        HygieneFixRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            snapshot=request.snapshot,
            extra_input=conftests.digest,
            check_description=_check_description(request.files),
            cannot_fix_code=CANNOT_FIX_FILE,
        ),
    )
    return fix_result(request, result)


def rules() -> Iterable:
    return [
        *collect_rules(),
        *ancestor_files.rules(),
        *AnnotationsLintRequest.rules(),
        *AnnotationsFixRequest.rules(),
        UnionRule(HygieneLintBatch, AnnotationsLintRequest.Batch),
    ]
