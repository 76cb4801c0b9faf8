"""`pants lint` / `pants fix` for BUILD-file coverage.

Pants knows every target, what it owns and which globs matched; the core (in-process: it needs
only the standard library) decides what is missing and writes the BUILD files. It is a file-based
linter because the files it cares most about, the unowned ones, are not in any target.

`pants fix` in Pants 2.17 asserts that a fixer's output holds exactly the files of its batch
(`fix_batch` in pants/core/goals/fix.py). The fixer's partitions therefore list the BUILD files
to write, not the Python files, so writing new files stays within that contract.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass, replace
from typing import Dict, Iterable, Optional, Tuple

from pants.base.glob_match_error_behavior import GlobMatchErrorBehavior
from pants.base.specs import DirGlobSpec, RawSpecsWithoutFileOwners, RecursiveGlobSpec
from pants.core.goals.fix import FixFilesRequest, FixResult
from pants.core.goals.lint import LintFilesRequest, LintResult
from pants.core.util_rules.partitions import PartitionerType, Partitions
from pants.engine.fs import CreateDigest, DigestContents, FileContent, PathGlobs
from pants.engine.internals.build_files import BuildFileOptions as PantsBuildFileOptions
from pants.engine.rules import collect_rules, rule
from pants.engine.target import SourcesField, SourcesPathsRequest
from pants.engine.unions import UnionRule
from pants.source.source_root import AllSourceRoots
from pants.util.logging import LogLevel

from monorepo_hygiene.build_files import (
    RULE_DOCS,
    BuildFileEdit,
    GlobFacts,
    RepoFacts,
    SubjectFinding,
    check_build_file_subjects,
    plan_build_files,
)
from monorepo_hygiene.build_files.gather import WrittenTarget, repo_facts
from monorepo_hygiene.build_files.layout import render_dir, subject_covers
from monorepo_hygiene.build_files.scope import ancestor_directories, package_subtrees

from ..tool.subsystem import HygieneTool
from ..util.compat import (
    call_rule,
    concurrently,
    create_digest,
    digest_to_snapshot,
    find_all_unexpanded_targets,
    find_unexpanded_targets,
    path_globs_to_digest_contents,
    path_globs_to_paths,
    resolve_source_paths,
)
from ..reports.rules import (
    HygieneLintBatch,
    HygieneLintFindings,
    HygieneLintResultRequest,
    batch_findings,
    render_lint_findings,
)
from .subsystem import BuildFilesSubsystem


class BuildFilesLintRequest(LintFilesRequest):
    tool_subsystem = BuildFilesSubsystem
    partitioner_type = PartitionerType.CUSTOM


class BuildFilesFixRequest(FixFilesRequest):
    tool_subsystem = BuildFilesSubsystem
    partitioner_type = PartitionerType.CUSTOM


@dataclass(frozen=True)
class _BuildFileFindings:
    findings: Tuple[SubjectFinding, ...]


@dataclass(frozen=True)
class _BuildFilePlan:
    edits: Tuple[BuildFileEdit, ...]


@dataclass(frozen=True)
class _FactsFor:
    """The facts a lint (or, `for_fix`, a fix) of `files` needs; without files, the whole
    repo's, which cost less than a few lookups per file once the files are many. `with_style`
    adds every BUILD file's text, for the fix to write in the repo's style."""

    files: Tuple[str, ...] = ()
    for_fix: bool = False
    with_style: bool = False

    @classmethod
    def of(cls, files: Tuple[str, ...], tool: HygieneTool, *, for_fix: bool) -> _FactsFor:
        return cls(files, for_fix) if tool.scoped_facts(len(files)) else cls()


@dataclass(frozen=True)
class _LintScope:
    """Every file of the lint partition, which Pants may split into several batches, and the
    facts they are checked with."""

    files: Tuple[str, ...]
    facts: _FactsFor

    @property
    def description(self) -> None:
        return None

    def reporting_file(self, found: SubjectFinding) -> Optional[str]:
        """The one file whose batch reports a finding: the first in-scope file it is about, or
        the file it points at (a BUILD file, when only that changed)."""
        return min(
            (path for path in self.files if found.is_reported_by(path)),
            default=None,
        )


def _is_relevant(path: str, build_patterns: Tuple[str, ...]) -> bool:
    name = posixpath.basename(path)
    return path.endswith((".py", ".pyi")) or any(
        fnmatch.fnmatchcase(name, pattern) for pattern in build_patterns
    )


@dataclass(frozen=True)
class _FactsScope:
    """Whose facts to gather: the whole repo's (`directories` None), or those of `directories`
    and of every directory below `subtrees` (scope.py), with every BUILD file's text besides
    when `all_build_texts` (the fix writes in the repo's style)."""

    directories: Optional[Tuple[str, ...]] = None
    subtrees: Tuple[str, ...] = ()
    all_build_texts: bool = False

    def globs(self, patterns: Iterable[str]) -> Tuple[str, ...]:
        """`patterns` (of file names) in every directory in scope."""
        if self.directories is None:
            return tuple(f"**/{pattern}" for pattern in patterns)
        return tuple(
            glob
            for pattern in patterns
            for glob in (
                *(posixpath.join(directory, pattern) for directory in self.directories),
                *(posixpath.join(root, "**", pattern) for root in self.subtrees),
            )
        )

    def target_specs(self) -> RawSpecsWithoutFileOwners:
        """The targets declared in the directories in scope (and those generated there)."""
        return RawSpecsWithoutFileOwners(
            dir_globs=tuple(DirGlobSpec(directory) for directory in self.directories or ()),
            recursive_globs=tuple(RecursiveGlobSpec(root) for root in self.subtrees),
            description_of_origin="the BUILD file lint's directories",
            unmatched_glob_behavior=GlobMatchErrorBehavior.ignore,
        )


_WHOLE_REPO = _FactsScope()
_PYTHON_FILES = ("*.py", "*.pyi")


@rule(desc="Gather BUILD file facts", level=LogLevel.DEBUG)
async def gather_build_file_facts(
    scope: _FactsScope, pants_build_options: PantsBuildFileOptions, all_source_roots: AllSourceRoots
) -> RepoFacts:
    ignores = tuple(f"!{ignore}" for ignore in pants_build_options.ignores)
    build_globs = PathGlobs([*scope.globs(pants_build_options.patterns), *ignores])
    all_build_globs = PathGlobs([*_WHOLE_REPO.globs(pants_build_options.patterns), *ignores])
    python_paths, build_contents, init_contents, all_build_contents, targets = await concurrently(
        path_globs_to_paths(PathGlobs(scope.globs(_PYTHON_FILES))),
        path_globs_to_digest_contents(build_globs),
        path_globs_to_digest_contents(PathGlobs(scope.globs(["__init__.py"]))),
        path_globs_to_digest_contents(all_build_globs if scope.all_build_texts else PathGlobs([])),
        (
            find_all_unexpanded_targets()
            if scope.directories is None
            else find_unexpanded_targets(scope.target_specs())
        ),
    )
    # The targets as written in BUILD files: generated per-file targets would count twice.
    source_targets = [
        target
        for target in targets
        if target.has_field(SourcesField) and not target.address.is_generated_target
    ]
    owned_paths = await concurrently(
        resolve_source_paths(SourcesPathsRequest(target[SourcesField]))
        for target in source_targets
    )
    # Only globs written in a BUILD file can be stale: a default glob matching nothing is fine.
    written_globs = [
        (target, pattern)
        for target in source_targets
        for pattern in _written_patterns(target[SourcesField])
    ]
    glob_matches = await concurrently(
        path_globs_to_paths(PathGlobs([posixpath.join(target.address.spec_path, pattern)]))
        for target, pattern in written_globs
    )
    matched = {
        (target.address, pattern): bool(paths.files)
        for (target, pattern), paths in zip(written_globs, glob_matches)
    }
    written_targets = [
        WrittenTarget(
            directory=target.address.spec_path,
            address=target.address.spec,
            alias=target.alias,
            name=target.address.target_name,
            owned_files=owned.files,
            globs=tuple(
                GlobFacts(pattern, matched[(target.address, pattern)])
                for pattern in _written_patterns(target[SourcesField])
            ),
        )
        for target, owned in zip(source_targets, owned_paths)
    ]
    return repo_facts(
        python_files=python_paths.files,
        build_file_texts=_texts(build_contents),
        targets=written_targets,
        source_roots=(root.path for root in all_source_roots),
        init_files={file.path: file.content for file in init_contents},
        style_build_file_texts=_texts(all_build_contents),
    )


def _texts(contents: DigestContents) -> Dict[str, str]:
    return {file.path: file.content.decode("utf-8", errors="replace") for file in contents}


def _written_patterns(field: SourcesField) -> Tuple[str, ...]:
    value = field.value
    # A field left out holds its type's default globs, which may rightly match nothing.
    if value is None or value == type(field).default:
        return ()
    patterns = (value,) if isinstance(value, str) else tuple(value)
    return tuple(pattern for pattern in patterns if not pattern.startswith("!"))


_gather_facts = call_rule(gather_build_file_facts)


@rule(desc="Gather BUILD file facts", level=LogLevel.DEBUG)
async def gather_facts_for(
    request: _FactsFor, subsystem: BuildFilesSubsystem, pants_build_options: PantsBuildFileOptions
) -> RepoFacts:
    if not request.files:
        return await _gather_facts(_WHOLE_REPO)
    # Two steps (scope.py): the ancestors' facts say which package subtrees are needed too.
    ancestors = ancestor_directories(request.files)
    first, python_paths = await concurrently(
        _gather_facts(_FactsScope(ancestors, (), request.with_style)),
        path_globs_to_paths(PathGlobs(_WHOLE_REPO.globs(_PYTHON_FILES))),
    )
    options = subsystem.build_file_options(pants_build_options.patterns[0])
    subtrees = package_subtrees(
        first, options, request.files, python_paths.files, for_fix=request.for_fix
    )
    if not subtrees:
        return first
    return await _gather_facts(_FactsScope(ancestors, subtrees, request.with_style))


_facts_for = call_rule(gather_facts_for)


@rule(desc="Check BUILD file coverage", level=LogLevel.DEBUG)
async def check_build_files_for(
    request: _FactsFor, subsystem: BuildFilesSubsystem, pants_build_options: PantsBuildFileOptions
) -> _BuildFileFindings:
    repo = await _facts_for(request)
    options = subsystem.build_file_options(pants_build_options.patterns[0])
    return _BuildFileFindings(check_build_file_subjects(repo, options))


@rule(desc="Plan missing BUILD files", level=LogLevel.DEBUG)
async def plan_build_files_for(
    request: _FactsFor, subsystem: BuildFilesSubsystem, pants_build_options: PantsBuildFileOptions
) -> _BuildFilePlan:
    repo = await _facts_for(request)
    options = subsystem.build_file_options(pants_build_options.patterns[0])
    edits = plan_build_files(repo, options)
    # Which BUILD files to write doesn't depend on the style, so only a plan with edits reads
    # every BUILD file (a lint's check of the fixer on a clean repo reads none).
    if edits and request.files and not request.with_style:
        repo = await _facts_for(replace(request, with_style=True))
        edits = plan_build_files(repo, options)
    return _BuildFilePlan(edits)


@rule
async def partition_build_files_lint(
    request: BuildFilesLintRequest.PartitionRequest,
    subsystem: BuildFilesSubsystem,
    pants_build_options: PantsBuildFileOptions,
    tool: HygieneTool,
) -> Partitions[str, _LintScope]:
    if subsystem.skip:
        return Partitions()
    files = tuple(
        sorted(path for path in request.files if _is_relevant(path, pants_build_options.patterns))
    )
    facts = _FactsFor.of(files, tool, for_fix=False)
    return Partitions.single_partition(files, metadata=_LintScope(files, facts))


# What the linter and the fixer await; on Pants 2.17 `Get(_BuildFileFindings, _FactsFor, ...)`
# and `Get(_BuildFilePlan, _FactsFor, ...)`.
_findings_for = call_rule(check_build_files_for)
_plan_for = call_rule(plan_build_files_for)


@rule(desc="Check BUILD file coverage", level=LogLevel.DEBUG)
async def build_files_findings(
    request: BuildFilesLintRequest.Batch[str, _LintScope],
) -> HygieneLintFindings:
    found = await _findings_for(request.partition_metadata.facts)
    in_batch = set(request.elements)
    findings = tuple(
        subject_finding.finding
        for subject_finding in found.findings
        if request.partition_metadata.reporting_file(subject_finding) in in_batch
    )
    return HygieneLintFindings(request, tuple(findings), request.elements, RULE_DOCS)


@rule
async def build_files_lint(request: BuildFilesLintRequest.Batch) -> LintResult:
    findings = await batch_findings(request)
    rendered = await render_lint_findings(HygieneLintResultRequest(findings))
    return rendered.result


@dataclass(frozen=True)
class _FixScope:
    """What the fix's partitioner planned with, for its batch to plan the same."""

    facts: _FactsFor

    @property
    def description(self) -> None:
        return None


@rule
async def partition_build_files_fix(
    request: BuildFilesFixRequest.PartitionRequest,
    subsystem: BuildFilesSubsystem,
    tool: HygieneTool,
) -> Partitions[str, _FixScope]:
    if subsystem.skip:
        return Partitions()
    facts = _FactsFor.of(tuple(sorted(request.files)), tool, for_fix=True)
    plan = await _plan_for(facts)
    in_scope = [
        edit.path
        for edit in plan.edits
        if any(
            subject_covers(render_dir(posixpath.dirname(edit.path)), path) for path in request.files
        )
    ]
    if not in_scope:
        return Partitions()
    return Partitions.single_partition(sorted(in_scope), metadata=_FixScope(facts))


@rule(desc="Write missing BUILD files", level=LogLevel.DEBUG)
async def build_files_fix(request: BuildFilesFixRequest.Batch[str, _FixScope]) -> FixResult:
    plan = await _plan_for(request.partition_metadata.facts)
    batch_files = set(request.files)
    output = await digest_to_snapshot(
        await create_digest(
            CreateDigest(
                FileContent(edit.path, content=edit.content.encode())
                for edit in plan.edits
                if edit.path in batch_files
            )
        )
    )
    return FixResult(
        input=request.snapshot,
        output=output,
        stdout="".join(
            f"{'Created' if edit.created else 'Updated'} {edit.path}\n"
            for edit in plan.edits
            if edit.path in batch_files
        ),
        stderr="",
        tool_name=request.tool_name,
    )


def rules() -> Iterable:
    return [
        *collect_rules(),
        *BuildFilesLintRequest.rules(),
        *BuildFilesFixRequest.rules(),
        UnionRule(HygieneLintBatch, BuildFilesLintRequest.Batch),
    ]
