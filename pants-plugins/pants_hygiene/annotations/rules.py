from __future__ import annotations

from typing import Any, Iterable, Tuple

from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import Partitions, PartitionerType
from pants.engine.fs import EMPTY_DIGEST, Digest, PathGlobs
from pants.engine.rules import Get, collect_rules, rule
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
from ..util.tool import HygieneCheckRequest, HygieneCheckResult, HygieneFixRequest
from .subsystem import AnnotationsFieldSet, AnnotationsSubsystem


class AnnotationsLintRequest(LintTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.CUSTOM


class AnnotationsFixRequest(FixTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.CUSTOM


def _partition(
    field_sets: Tuple[AnnotationsFieldSet, ...], subsystem: AnnotationsSubsystem
) -> Partitions[str, Any]:
    """One partition of file paths, for the linter and the fixer alike: `pants lint` then cuts
    both into the same batches, so the fixer's check of a batch is the linter's process."""
    if subsystem.skip:
        return Partitions()
    return Partitions.single_partition(sorted(fs.source.file_path for fs in field_sets))


@rule
async def partition_annotations_lint(
    request: AnnotationsLintRequest.PartitionRequest[AnnotationsFieldSet],
    subsystem: AnnotationsSubsystem,
) -> Partitions[str, Any]:
    return _partition(request.field_sets, subsystem)


@rule
async def partition_annotations_fix(
    request: AnnotationsFixRequest.PartitionRequest[AnnotationsFieldSet],
    subsystem: AnnotationsSubsystem,
) -> Partitions[str, Any]:
    return _partition(request.field_sets, subsystem)


def _check_description(files: Tuple[str, ...]) -> str:
    return f"Check return annotations in {pluralize(len(files), 'file')}"


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[str, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    result = await Get(
        HygieneCheckResult,
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=tuple(sorted(request.elements)),
            input_digest=await Get(Digest, PathGlobs(request.elements)),
            description=_check_description(request.elements),
        ),
    )
    return HygieneLintFindings(request, tuple(result.findings), request.elements, RULE_DOCS)


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
        HygieneFixRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            snapshot=request.snapshot,
            extra_input=EMPTY_DIGEST,
            check_description=_check_description(request.files),
            fix_description=f"Add `-> None` in {pluralize(len(request.files), 'file')}",
        ),
    )
    return fix_result(request, result)


def rules() -> Iterable:
    return [
        *collect_rules(),
        *AnnotationsLintRequest.rules(),
        *AnnotationsFixRequest.rules(),
        UnionRule(HygieneLintBatch, AnnotationsLintRequest.Batch),
    ]
