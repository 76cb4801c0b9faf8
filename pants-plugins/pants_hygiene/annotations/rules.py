from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Tuple

from pants.backend.python.target_types import PythonSourceField
from pants.backend.python.util_rules import ancestor_files
from pants.backend.python.util_rules.ancestor_files import AncestorFilesRequest
from pants.base.glob_match_error_behavior import GlobMatchErrorBehavior
from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import PartitionerType
from pants.core.util_rules.source_files import SourceFilesRequest
from pants.engine.addresses import Addresses
from pants.engine.fs import Digest, DigestSubset, MergeDigests, PathGlobs
from pants.engine.internals.graph import OwnersRequest
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionRule
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from monorepo_hygiene.annotations import RULE_DOCS

from ..util.compat import (
    call_rule,
    concurrently,
    determine_source_files,
    digest_subset_to_digest,
    find_ancestor_files,
    find_owners,
    merge_digests,
    resolve_targets,
)
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
    ancestors = await find_ancestor_files(
        AncestorFilesRequest(input_files=request.files, requested=("conftest.py",))
    )
    candidates = ancestors.snapshot.files
    if not candidates:
        return _CheckerInput(request.digest)
    owners = await concurrently(
        find_owners(OwnersRequest((path,), GlobMatchErrorBehavior.ignore)) for path in candidates
    )
    owner_targets = await concurrently(resolve_targets(Addresses(owner)) for owner in owners)
    seen = [
        path
        for path, targets in zip(candidates, owner_targets)
        if any(target.has_field(PythonSourceField) for target in targets)
    ]
    conftests = await digest_subset_to_digest(
        DigestSubset(ancestors.snapshot.digest, PathGlobs(seen))
    )
    return _CheckerInput(await merge_digests(MergeDigests([request.digest, conftests])))


# What the linter and the fixer await for a batch's checker input.
_checker_input = call_rule(checker_input)


@rule(desc="Check return annotations", level=LogLevel.DEBUG)
async def annotations_findings(
    request: AnnotationsLintRequest.Batch[AnnotationsFieldSet, Any],
    subsystem: AnnotationsSubsystem,
) -> HygieneLintFindings:
    sources = await determine_source_files(
        SourceFilesRequest(field_set.source for field_set in request.elements)
    )
    files = sources.snapshot.files
    checked = await _checker_input(_CheckerInputRequest(files, sources.snapshot.digest))
    result = await request_hygiene_check(
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
    findings = await batch_findings(request)
    rendered = await render_lint_findings(HygieneLintResultRequest(findings))
    return rendered.result


@rule(desc="Add safe `-> None` return annotations", level=LogLevel.DEBUG)
async def annotations_fix(
    request: AnnotationsFixRequest.Batch, subsystem: AnnotationsSubsystem
) -> FixResult:
    checked = await _checker_input(
        _CheckerInputRequest(request.snapshot.files, request.snapshot.digest)
    )
    result = await request_hygiene_check(
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
