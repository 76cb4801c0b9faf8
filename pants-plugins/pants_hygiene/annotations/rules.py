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
from pants.engine.fs import Digest, DigestSubset, MergeDigests, PathGlobs
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
class _CheckerInputRequest:
    files: Tuple[str, ...]
    digest: Digest  # The batch's files.


@dataclass(frozen=True)
class _CheckerInput:
    """The batch's files and, when HA103 is selected, the conftest.py files above them that a
    target owns, as pytest under Pants sees them (`infer_python_conftest_dependencies`)."""

    digest: Digest


@rule(desc="Find the conftest.py files tests see", level=LogLevel.DEBUG)
async def checker_input(
    request: _CheckerInputRequest, subsystem: AnnotationsSubsystem
) -> _CheckerInput:
    if not subsystem.checks_fixtures:
        return _CheckerInput(request.digest)
    # The batch's own conftests are left out: they are in its digest, maybe already fixed.
    ancestors = await Get(
        AncestorFiles, AncestorFilesRequest(input_files=request.files, requested=("conftest.py",))
    )
    candidates = ancestors.snapshot.files
    if not candidates:
        return _CheckerInput(request.digest)
    owners = await MultiGet(
        Get(Owners, OwnersRequest((path,), GlobMatchErrorBehavior.ignore)) for path in candidates
    )
    owner_targets = await MultiGet(Get(Targets, Addresses(owner)) for owner in owners)
    seen = [
        path
        for path, targets in zip(candidates, owner_targets)
        if any(target.has_field(PythonSourceField) for target in targets)
    ]
    conftests = await Get(Digest, DigestSubset(ancestors.snapshot.digest, PathGlobs(seen)))
    return _CheckerInput(await Get(Digest, MergeDigests([request.digest, conftests])))


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[AnnotationsFieldSet, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    sources = await Get(
        SourceFiles, SourceFilesRequest(field_set.source for field_set in request.elements)
    )
    files = sources.snapshot.files
    checked = await Get(_CheckerInput, _CheckerInputRequest(files, sources.snapshot.digest))
    result = await Get(
        HygieneCheckResult,
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=files,
            input_digest=checked.digest,
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
    checked = await Get(
        _CheckerInput, _CheckerInputRequest(request.snapshot.files, request.snapshot.digest)
    )
    result = await Get(
        HygieneCheckResult,
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=request.snapshot.files,
            input_digest=checked.digest,
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
