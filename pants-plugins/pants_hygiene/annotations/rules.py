from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Tuple

from pants.backend.python.target_types import PythonSourceField
from pants.backend.python.util_rules import ancestor_files
from pants.backend.python.util_rules.ancestor_files import AncestorFiles, AncestorFilesRequest
from pants.base.glob_match_error_behavior import GlobMatchErrorBehavior
from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import PartitionerType
from pants.core.util_rules.source_files import SourceFiles, SourceFilesRequest
from pants.engine.addresses import Addresses
from pants.engine.fs import EMPTY_DIGEST, Digest, DigestSubset, MergeDigests, PathGlobs
from pants.engine.internals.graph import Owners, OwnersRequest
from pants.engine.rules import Get, MultiGet, collect_rules, rule
from pants.engine.target import Targets
from pants.engine.unions import UnionRule
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from monorepo_hygiene.annotations import RULE_DOCS

from ..util.lint import fix_result
from ..util.reports import (
    HygieneLintBatch,
    HygieneLintFindings,
    HygieneLintResult,
    HygieneLintResultRequest,
)
from ..util.tool import HygieneCheckRequest, HygieneCheckResult
from .subsystem import AnnotationsFieldSet, AnnotationsSubsystem


class AnnotationsLintRequest(LintTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION


class AnnotationsFixRequest(FixTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION


@dataclass(frozen=True)
class _ConftestsRequest:
    files: Tuple[str, ...]


@dataclass(frozen=True)
class _Conftests:
    """The conftest.py files above a batch's files that a target owns, as pytest under Pants
    sees them (`infer_python_conftest_dependencies`), the batch's own files left out."""

    digest: Digest


@rule(desc="Find the conftest.py files tests see", level=LogLevel.DEBUG)
async def conftests_seen(request: _ConftestsRequest) -> _Conftests:
    ancestors = await Get(
        AncestorFiles, AncestorFilesRequest(input_files=request.files, requested=("conftest.py",))
    )
    candidates = ancestors.snapshot.files
    owners = await MultiGet(
        Get(Owners, OwnersRequest((path,), GlobMatchErrorBehavior.ignore)) for path in candidates
    )
    owner_targets = await MultiGet(Get(Targets, Addresses(owner)) for owner in owners)
    seen = [
        path
        for path, targets in zip(candidates, owner_targets)
        if any(target.has_field(PythonSourceField) for target in targets)
    ]
    if len(seen) == len(candidates):
        return _Conftests(ancestors.snapshot.digest)
    return _Conftests(await Get(Digest, DigestSubset(ancestors.snapshot.digest, PathGlobs(seen))))


async def _checker_input(
    subsystem: AnnotationsSubsystem, files: Tuple[str, ...], digest: Digest
) -> Digest:
    """The batch's files, and the conftests they see when HA103 needs them."""
    if not subsystem.checks_fixtures:
        return digest
    conftests = await Get(_Conftests, _ConftestsRequest(files))
    if conftests.digest == EMPTY_DIGEST:
        return digest
    return await Get(Digest, MergeDigests([digest, conftests.digest]))


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[AnnotationsFieldSet, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    sources = await Get(
        SourceFiles, SourceFilesRequest(field_set.source for field_set in request.elements)
    )
    files = sources.snapshot.files
    result = await Get(
        HygieneCheckResult,
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=files,
            input_digest=await _checker_input(subsystem, files, sources.snapshot.digest),
            description=f"Check return annotations in {pluralize(len(sources.files), 'file')}",
        ),
    )
    return HygieneLintFindings(request, tuple(result.findings), sources.snapshot.files, RULE_DOCS)


@rule
async def annotations_lint(request: AnnotationsLintRequest.Batch) -> LintResult:
    findings = await Get(HygieneLintFindings, HygieneLintBatch, request)
    rendered = await Get(HygieneLintResult, HygieneLintResultRequest(findings))
    return rendered.result


@rule(desc="Add safe `-> None` return annotations", level=LogLevel.DEBUG)
async def annotations_fix(
    request: AnnotationsFixRequest.Batch, subsystem: AnnotationsSubsystem
) -> FixResult:
    result = await Get(
        HygieneCheckResult,
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=request.snapshot.files,
            input_digest=await _checker_input(
                subsystem, request.snapshot.files, request.snapshot.digest
            ),
            description=f"Add `-> None` in {pluralize(len(request.snapshot.files), 'file')}",
            fix=True,
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
