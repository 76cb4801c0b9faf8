"""`[hygiene-reports]`: how every hygiene check reports, for code review, CI and gradual adoption.

The lint backends hand their findings to one rule here, which subtracts the baseline (if one is
configured), renders what remains (plain text or GitHub Actions annotations) and attaches a SARIF
file as the batch's `LintResult.report`; Pants writes reports under `dist/lint/<tool>/`.
`check-alembic` writes its `sarif_file` under `dist/check-alembic/`.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from pants.base.build_root import BuildRoot
from pants.core.goals.lint import AbstractLintRequest, LintResult
from pants.core.util_rules import distdir
from pants.engine.environment import EnvironmentName
from pants.engine.fs import CreateDigest, FileContent, PathGlobs
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import union
from pants.util.strutil import pluralize

from monorepo_hygiene.findings import Finding
from monorepo_hygiene.reports.baseline import (
    Baseline,
    BaselineError,
    BaselineKey,
    BaselineOutcome,
    apply_baseline,
    finding_keys,
)
from monorepo_hygiene.reports.sarif import render_sarif
from monorepo_hygiene.rule_docs import RuleDoc

from ..util.compat import (
    call_rule,
    call_rule_implicitly,
    call_union,
    concurrently,
    create_digest,
    path_globs_to_digest_contents,
    path_globs_to_paths,
    polymorphic_rule,
)
from .lint import lint_result
from .subsystem import HygieneReportsSubsystem


@union(in_scope_types=[EnvironmentName])
class HygieneLintBatch:
    """The lint batches of the hygiene checks. Each gives its `HygieneLintFindings`, which
    `hygiene-baseline` collects as findings rather than as `LintResult` text."""


@dataclass(frozen=True)
class HygieneLintFindings:
    """A lint batch's findings, the paths it checked, and the docs of its check's rules."""

    batch: AbstractLintRequest.Batch
    findings: Tuple[Finding, ...]
    checked_paths: Tuple[str, ...]
    rule_docs: Tuple[RuleDoc, ...]


@polymorphic_rule
async def hygiene_lint_findings(batch: HygieneLintBatch) -> HygieneLintFindings:
    """Each check's lint batch gives its findings (the union's base rule)."""
    raise NotImplementedError()


# What each check's lint rule and `hygiene-baseline` await for a batch's findings. Dispatched
# on the union even where the check knows its own rule: on Pants 2.17 a lint batch type is itself
# a union (`AbstractLintRequest.Batch`'s), so a `Get` from it would not reach that rule.
batch_findings = call_union(hygiene_lint_findings, HygieneLintBatch)


@dataclass(frozen=True)
class HygieneLintResultRequest:
    """A batch's findings to render (a request of its own: a rule from `HygieneLintFindings`
    would compete with the backends' rules from their batches)."""

    found: HygieneLintFindings


@dataclass(frozen=True)
class HygieneLintResult:
    """The batch's `LintResult`, wrapped: Pants logs every `LintResult` a rule returns, and the
    backend's lint rule returns this one."""

    result: LintResult


@dataclass(frozen=True)
class FindingKeys:
    """The baseline key of each of a batch's findings, in order."""

    keys: Tuple[BaselineKey, ...]


@dataclass(frozen=True)
class LoadedBaseline:
    path: str
    baseline: Baseline


def sarif_file(
    tool_name: str,
    rule_docs: Iterable[RuleDoc],
    findings: Iterable[Finding],
    suppressed: Iterable[Finding] = (),
) -> FileContent:
    sarif = render_sarif(tool_name, tuple(rule_docs), findings, suppressed)
    return FileContent(f"{tool_name}.sarif", content=sarif.encode())


@rule
async def finding_keys_of(request: HygieneLintFindings) -> FindingKeys:
    # Only the files that have findings are read (in Pants' process, from the workspace); a
    # BUILD file yet to be created has no text.
    paths = sorted({finding.path for finding in request.findings})
    contents = await path_globs_to_digest_contents(PathGlobs(paths))
    sources = {file.path: file.content.decode("utf-8", "replace") for file in contents}
    return FindingKeys(tuple(finding_keys(request.findings, sources)))


@dataclass(frozen=True)
class BaselineFile:
    """`[hygiene-reports].baseline` as it is on disk: its bytes, or None if not written yet."""

    path: str
    content: Optional[bytes]


@rule
async def read_baseline_file(
    subsystem: HygieneReportsSubsystem, build_root: BuildRoot
) -> BaselineFile:
    path = subsystem.baseline
    parent = posixpath.dirname(path)
    contents, listing = await concurrently(
        path_globs_to_digest_contents(PathGlobs([path])),
        path_globs_to_paths(PathGlobs([path, *([parent] if parent else [])])),
    )
    if contents:
        return BaselineFile(path, contents[0].content)
    if path in listing.dirs:
        raise ValueError(f"`[hygiene-reports].baseline`: `{path}` is a directory, not a file")
    # What Pants ignores (`dist/`, `[GLOBAL].pants_ignore`, `.gitignore`) it never reads: a
    # baseline there would be empty in every `lint`, whatever `hygiene-baseline` wrote.
    on_disk = os.path.join(build_root.path, path)
    if os.path.lexists(on_disk) or (
        parent and parent not in listing.dirs and os.path.isdir(os.path.dirname(on_disk))
    ):
        raise ValueError(
            f"`[hygiene-reports].baseline`: `{path}` lies where Pants ignores files "
            "(`[GLOBAL].pants_ignore`, `.gitignore`, e.g. `dist/`): choose a path Pants reads"
        )
    # Not written yet: `hygiene-baseline` creates it.
    return BaselineFile(path, None)


@rule
async def load_baseline(file: BaselineFile) -> LoadedBaseline:
    if file.content is None:
        return LoadedBaseline(file.path, Baseline.from_keys([]))
    try:
        baseline = Baseline.parse(file.path, file.content.decode("utf-8"))
    except (BaselineError, UnicodeDecodeError) as e:
        raise ValueError(
            f"`[hygiene-reports].baseline`: {e}; fix it, or write it anew from the current "
            "findings with `pants hygiene-baseline --force ::`"
        ) from None
    return LoadedBaseline(file.path, baseline)


# What the rules below and `hygiene-baseline` await.
keys_of_findings = call_rule(finding_keys_of)
baseline_file = call_rule_implicitly(read_baseline_file)
loaded_baseline = call_rule_implicitly(load_baseline)


@rule
async def hygiene_lint_result(
    result_request: HygieneLintResultRequest, subsystem: HygieneReportsSubsystem
) -> HygieneLintResult:
    request = result_request.found
    outcome = BaselineOutcome(request.findings, baselined=(), stale=())
    notes: List[str] = []
    if subsystem.baseline:
        loaded, keys = await concurrently(loaded_baseline(), keys_of_findings(request))
        outcome = apply_baseline(
            loaded.baseline,
            request.findings,
            keys.keys,
            request.checked_paths,
            codes={doc.code for doc in request.rule_docs},
            former_codes={doc.code: doc.former_codes for doc in request.rule_docs},
        )
        notes = _baseline_notes(loaded.path, outcome)
    result = lint_result(request.batch, outcome.reported, subsystem.output_style)
    if notes:
        result = dataclasses.replace(
            result,
            exit_code=result.exit_code or (1 if outcome.stale else 0),
            stdout=result.stdout + "\n".join(notes) + "\n",
        )
    if not subsystem.sarif:
        return HygieneLintResult(result)
    sarif = sarif_file(
        request.batch.tool_name, request.rule_docs, outcome.reported, outcome.baselined
    )
    report = await create_digest(CreateDigest([sarif]))
    return HygieneLintResult(dataclasses.replace(result, report=report))


# What each check's lint rule awaits to turn its findings into a `LintResult`.
render_lint_findings = call_rule(hygiene_lint_result)


def _baseline_notes(path: str, outcome: BaselineOutcome) -> List[str]:
    notes = []
    if outcome.baselined:
        notes.append(
            f"{pluralize(len(outcome.baselined), 'finding')} accepted by the baseline `{path}` "
            "not shown."
        )
    if outcome.stale:
        notes.append(
            f"Stale entries in the baseline `{path}` (their findings are gone; remove them with "
            "`pants hygiene-baseline ::`):"
        )
        notes += [f"  {key.render()}" + (f" (x{n})" if n > 1 else "") for key, n in outcome.stale]
    return notes


def rules() -> Iterable:
    # `DistDir`, for check-alembic's SARIF file, comes from Pants' distdir rules.
    return [*collect_rules(), *distdir.rules()]
