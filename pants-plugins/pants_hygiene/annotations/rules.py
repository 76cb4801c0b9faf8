from __future__ import annotations

from typing import Any, Iterable

from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import PartitionerType
from pants.core.util_rules.source_files import SourceFilesRequest
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionRule
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from monorepo_hygiene.annotations import RULE_DOCS

from ..util.compat import determine_source_files
from ..util.lint import fix_result
from ..util.reports import (
    HygieneLintBatch,
    HygieneLintFindings,
    HygieneLintResultRequest,
    batch_findings,
    render_lint_findings,
)
from ..util.tool import HygieneCheckRequest, request_hygiene_check
from .subsystem import AnnotationsFieldSet, AnnotationsSubsystem


class AnnotationsLintRequest(LintTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION


class AnnotationsFixRequest(FixTargetsRequest):
    field_set_type = AnnotationsFieldSet
    tool_subsystem = AnnotationsSubsystem
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[AnnotationsFieldSet, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    sources = await determine_source_files(
        SourceFilesRequest(field_set.source for field_set in request.elements)
    )
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=sources.snapshot.files,
            input_digest=sources.snapshot.digest,
            description=f"Check return annotations in {pluralize(len(sources.files), 'file')}",
        ),
    )
    return HygieneLintFindings(request, tuple(result.findings), sources.snapshot.files, RULE_DOCS)


@rule
async def annotations_lint(request: AnnotationsLintRequest.Batch) -> LintResult:
    findings = await batch_findings(request)
    rendered = await render_lint_findings(HygieneLintResultRequest(findings))
    return rendered.result


@rule(desc="Add safe `-> None` return annotations", level=LogLevel.DEBUG)
async def annotations_fix(
    request: AnnotationsFixRequest.Batch, subsystem: AnnotationsSubsystem
) -> FixResult:
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="annotations",
            argv=subsystem.checker_args(),
            files=request.snapshot.files,
            input_digest=request.snapshot.digest,
            description=f"Add `-> None` in {pluralize(len(request.snapshot.files), 'file')}",
            fix=True,
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
