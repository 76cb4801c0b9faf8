"""`pants lint` / `pants fix` for import style: Pants supplies the ownership facts, the sandboxed
checker reads and rewrites the code."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, DefaultDict, Dict, Iterable, Tuple

from pants.backend.python.dependency_inference.module_mapper import (
    FirstPartyPythonModuleMapping,
    module_from_stripped_path,
)
from pants.backend.python.subsystems.setup import PythonSetup
from pants.core.goals.fix import FixResult, FixTargetsRequest
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import Partition, PartitionerType, Partitions
from pants.core.util_rules.stripped_source_files import StrippedFileNameRequest
from pants.engine.fs import CreateDigest, FileContent, MergeDigests, PathGlobs
from pants.engine.rules import collect_rules, rule
from pants.util.frozendict import FrozenDict
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize

from ..util.compat import (
    call_rule,
    concurrently,
    create_digest,
    merge_digests,
    path_globs_to_digest,
    strip_file_name,
)
from ..util.lint import fix_result, lint_result
from ..util.tool import HygieneCheckRequest, request_hygiene_check
from .subsystem import ImportsFieldSet, ImportsSubsystem

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
    """The ownership facts of one resolve's files: the `monorepo_hygiene.imports.facts` shape."""

    resolve: str
    # path -> (module, is_package, owner, policy)
    file_facts: FrozenDict[str, Tuple[str, bool, str, str]]
    module_owners: FrozenDict[str, str]

    @property
    def description(self) -> str:
        return self.resolve

    def facts_file(self, files: Iterable[str]) -> FileContent:
        """The facts of one batch, trimmed to what its files can reach.

        Only modules under the batch's top-level packages can be reached by a relative import
        or be owned by the same BUILD file; leaving the rest out keeps a batch's process (and
        so its cache key) unchanged when unrelated packages gain modules.
        """
        batch_facts = {path: self.file_facts[path] for path in files}
        top_levels = {module.split(".")[0] for module, _, _, _ in batch_facts.values()}
        document = {
            "files": {
                path: {"module": module, "is_package": is_package, "owner": owner, "policy": policy}
                for path, (module, is_package, owner, policy) in sorted(batch_facts.items())
            },
            "module_owners": {
                module: owner
                for module, owner in sorted(self.module_owners.items())
                if module.split(".")[0] in top_levels
            },
        }
        return FileContent(FACTS_PATH, json.dumps(document, sort_keys=True).encode())


@dataclass(frozen=True)
class _ImportFactsRequest:
    field_sets: Tuple[ImportsFieldSet, ...]


@rule(desc="Gather import ownership facts", level=LogLevel.DEBUG)
async def gather_import_facts(
    request: _ImportFactsRequest,
    subsystem: ImportsSubsystem,
    python_setup: PythonSetup,
    module_mapping: FirstPartyPythonModuleMapping,
) -> Partitions[str, ImportFactsMetadata]:
    if subsystem.skip:
        return Partitions()
    stripped_names = await concurrently(
        strip_file_name(StrippedFileNameRequest(field_set.source.file_path))
        for field_set in request.field_sets
    )
    files_by_resolve: DefaultDict[str, Dict[str, Tuple[str, bool, str, str]]] = defaultdict(dict)
    for field_set, stripped in zip(request.field_sets, stripped_names):
        stripped_path = PurePath(stripped.value)
        files_by_resolve[field_set.resolve.normalized_value(python_setup)][
            field_set.source.file_path
        ] = (
            module_from_stripped_path(stripped_path),
            stripped_path.stem == "__init__",
            # The owner is the BUILD file's directory, which is the target's spec_path.
            field_set.address.spec_path,
            subsystem.policy_for(field_set),
        )
    return Partitions(
        Partition(
            tuple(sorted(file_facts)),
            ImportFactsMetadata(
                resolve=resolve,
                file_facts=FrozenDict(file_facts),
                module_owners=_module_owners(module_mapping, resolve),
            ),
        )
        for resolve, file_facts in sorted(files_by_resolve.items())
    )


_import_facts = call_rule(gather_import_facts)


def _module_owners(mapping: FirstPartyPythonModuleMapping, resolve: str) -> FrozenDict[str, str]:
    modules = mapping.resolves_to_modules_to_providers.get(resolve, FrozenDict())
    # A module with several providers (a `.py` and its `.pyi`, or two targets owning one file)
    # takes the owner that sorts first, so the choice is stable.
    return FrozenDict(
        {
            module: min(provider.addr.spec_path for provider in providers)
            for module, providers in modules.items()
        }
    )


@rule
async def partition_imports_lint(
    request: ImportsLintRequest.PartitionRequest[ImportsFieldSet],
) -> Partitions[str, ImportFactsMetadata]:
    return await _import_facts(_ImportFactsRequest(request.field_sets))


@rule
async def partition_imports_fix(
    request: ImportsFixRequest.PartitionRequest[ImportsFieldSet],
) -> Partitions[str, ImportFactsMetadata]:
    return await _import_facts(_ImportFactsRequest(request.field_sets))


@rule(desc="Check import style", level=LogLevel.DEBUG)
async def imports_lint(request: ImportsLintRequest.Batch[str, ImportFactsMetadata]) -> LintResult:
    sources, facts = await concurrently(
        path_globs_to_digest(PathGlobs(request.elements)),
        create_digest(CreateDigest([request.partition_metadata.facts_file(request.elements)])),
    )
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="imports",
            argv=(f"--facts={FACTS_PATH}",),
            files=request.elements,
            input_digest=await merge_digests(MergeDigests([sources, facts])),
            description=f"Check import style in {pluralize(len(request.elements), 'file')}",
        ),
    )
    return lint_result(request, result.findings)


@rule(desc="Fix import style", level=LogLevel.DEBUG)
async def imports_fix(request: ImportsFixRequest.Batch[str, Any]) -> FixResult:
    metadata: ImportFactsMetadata = request.partition_metadata
    facts = await create_digest(CreateDigest([metadata.facts_file(request.files)]))
    result = await request_hygiene_check(
        HygieneCheckRequest(
            checker="imports",
            argv=(f"--facts={FACTS_PATH}",),
            files=request.files,
            input_digest=await merge_digests(MergeDigests([request.snapshot.digest, facts])),
            description=f"Fix import style in {pluralize(len(request.files), 'file')}",
            fix=True,
        ),
    )
    return fix_result(request, result)


def rules() -> Iterable:
    return [*collect_rules(), *ImportsLintRequest.rules(), *ImportsFixRequest.rules()]
