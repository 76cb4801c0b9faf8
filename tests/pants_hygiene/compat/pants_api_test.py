"""Every checked release, read from its source (tools/pants_api.py): every `pants.*` name the
adapters import or call on that release exists there, every call-by-name call matches the rule's
parameters, and every Pants class the adapters construct takes the arguments as they pass them
(keywords past the first argument, so a field a release inserts or moves can't silently take
our value, as `OwnersRequest`'s `sources_blocks` did in 2.23)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from tools.pants_api import (
    REFERENCE_TAG,
    PantsCall,
    PantsImport,
    collect_usage,
    data_tags,
    load_data,
    modules_used,
    tag_key,
)

DATA: Dict[str, Any] = load_data()
TAGS = data_tags(DATA)
REGENERATE = "rerun `python3 tools/pants_api.py --pants-git-dir <pants clone>`"
# `Get(Output, Input, value)` is the engine's own request syntax (a native class), used only on
# the releases before 2.23.
ENGINE_SYNTAX = {("pants.engine.rules", "Get")}


def _module_api(tag: str, module: str) -> Optional[Dict[str, Any]]:
    api: Optional[Dict[str, Any]] = DATA["tags"][tag].get(module)
    return api


def missing_imports(tag: str, imports: List[PantsImport]) -> List[str]:
    problems = []
    for item in imports:
        where = f"{item.path}:{item.line}"
        if item.module not in DATA["tags"][tag]:
            problems.append(f"{where}: `{item.module}` is not in the extracted data; {REGENERATE}")
            continue
        api = _module_api(tag, item.module)
        if api is None:
            problems.append(f"{where}: module `{item.module}` does not exist in {tag}")
        elif item.name is not None and item.name not in api["names"]:
            if _module_api(tag, f"{item.module}.{item.name}") is None:
                problems.append(f"{where}: `{item.module}` has no `{item.name}` in {tag}")
    return problems


def rule_call_problems(tag: str, calls: List[PantsCall]) -> List[str]:
    problems = []
    for call in calls:
        api = _module_api(tag, call.module)
        rule = api["rules"].get(call.name) if api else None
        if rule is None:
            continue
        where = f"{call.path}:{call.line}: `{call.module}.{call.name}`"
        params = rule["params"]
        if len(call.positional) > len(params):
            problems.append(f"{where} takes {len(params)} arguments in {tag}")
            continue
        if len(call.positional) < len(params) and not call.implicitly:
            missing = ", ".join(name for name, _ in params[len(call.positional) :])
            problems.append(f"{where} needs `**implicitly()` for `{missing}` in {tag}")
        for index, (arg_type, arg_param) in enumerate(zip(call.positional, call.positional_params)):
            name, annotation = params[index]
            if arg_type is not None and arg_type != annotation:
                problems.append(
                    f"{where}: argument {index + 1} is a `{arg_type}`, the rule's `{name}` "
                    f"a `{annotation}` in {tag}"
                )
            if arg_param is not None and arg_param != name:
                problems.append(
                    f"{where}: argument {index + 1} is our `{arg_param}`, the rule calls it "
                    f"`{name}` in {tag}"
                )
    return problems


def _constructed(tag: str, call: PantsCall) -> Optional[Dict[str, Any]]:
    api = _module_api(tag, call.module)
    found: Optional[Dict[str, Any]] = api["classes"].get(call.name) if api else None
    return found


def construction_problems(tag: str, calls: List[PantsCall]) -> List[str]:
    """Pants classes constructed with arguments the release would bind otherwise, or not take."""
    problems = []
    for call in calls:
        if not call.name[:1].isupper() or (call.module, call.name) in ENGINE_SYNTAX:
            continue
        where = f"{call.path}:{call.line}: `{call.module}.{call.name}`"
        constructed, reference = _constructed(tag, call), _constructed(REFERENCE_TAG, call)
        if constructed is None or reference is None:
            problems.append(f"{where} is not in the extracted data; {REGENERATE}")
            continue
        params, reference_params = constructed["params"], reference["params"]
        if params is None or reference_params is None:
            if len(call.positional) > 1 or call.keywords:
                problems.append(f"{where}: what it takes can't be read from {tag}'s source")
            continue
        by_position = [p for p in params if p[1] in {"positional", "var"}]
        reference_by_position = [p for p in reference_params if p[1] in {"positional", "var"}]
        # A native class's keyword names are its Rust constructor's, which the `.pyi` only
        # mirrors, so it is passed positionally; its positions must then mean the same.
        native = any(
            (_constructed(other, call) or {}).get("native") for other in TAGS
        )
        for index in range(len(call.positional)):
            meant = reference_by_position[min(index, len(reference_by_position) - 1)]
            if index > 0 and not native and meant[1] != "var":
                problems.append(f"{where}: pass `{meant[0]}` by keyword (argument {index + 1})")
            bound = by_position[min(index, len(by_position) - 1)] if by_position else None
            if bound is None or (index >= len(by_position) and bound[1] != "var"):
                problems.append(f"{where} takes {len(by_position)} positional arguments in {tag}")
            elif bound[0] != meant[0]:
                problems.append(
                    f"{where}: argument {index + 1} is `{meant[0]}` in {REFERENCE_TAG}, "
                    f"`{bound[0]}` in {tag}"
                )
        names = {p[0] for p in params if p[1] in {"positional", "keyword"}}
        takes_any_keyword = any(p[1] == "var-keyword" for p in params)
        problems.extend(
            f"{where} has no `{keyword}` in {tag}"
            for keyword in call.keywords
            if keyword not in names and not takes_any_keyword
        )
        given = {p[0] for p in by_position[: len(call.positional)]} | set(call.keywords)
        problems.extend(
            f"{where} needs `{name}` in {tag}"
            for name, _, has_default in params
            if not has_default and name not in given
        )
    return problems


USAGE = {tag: collect_usage(tag) for tag in TAGS}


def test_the_data_holds_each_checked_release() -> None:
    # The newest patch of every minor release from 2.18 on, 2.32.0, and the 2.17.1 we run.
    assert TAGS[0] == REFERENCE_TAG and "release_2.32.0" in TAGS
    minors = {tag_key(tag)[:2] for tag in TAGS}
    assert {(2, minor) for minor in range(18, 34)} <= minors
    for tag in TAGS:
        imports, _ = USAGE[tag]
        assert modules_used(imports) <= set(DATA["tags"][tag]), REGENERATE


def test_the_collector_sees_the_call_by_name_side() -> None:
    imported = {(item.module, item.name) for item in USAGE["release_2.32.1"][0]}
    # compat's call-by-name branch is read, its `Get` branch and the LockfileRules guard are not.
    assert ("pants.engine.rules", "implicitly") in imported
    assert ("pants.engine.rules", "Get") not in imported
    assert ("pants.backend.python.subsystems.python_tool_base", "LockfileRules") not in imported
    # Unions are dispatched by lint's polymorphic rules from 2.28 (called through `call_union`,
    # which rule_visitor_test.py checks) ...
    assert ("pants.core.goals.lint", "partition_targets") in imported
    called = {(call.module, call.name) for call in USAGE["release_2.32.1"][1]}
    # Adapters reach the intrinsics through compat's re-exports.
    assert ("pants.engine.intrinsics", "create_digest") in called
    assert ("pants.engine.intrinsics", "execute_process") in called
    assert ("pants.backend.python.util_rules.pex", "create_venv_pex") in called
    # ... and by `Get` before.
    imported_2_27 = {(item.module, item.name) for item in USAGE["release_2.27.1"][0]}
    assert ("pants.engine.rules", "Get") in imported_2_27
    assert ("pants.core.goals.lint", "partition_targets") not in imported_2_27


@pytest.mark.parametrize("tag", TAGS)
def test_every_pants_name_the_adapters_import_exists(tag: str) -> None:
    assert missing_imports(tag, USAGE[tag][0]) == []


@pytest.mark.parametrize("tag", TAGS)
def test_every_call_by_name_matches_the_rule_signature(tag: str) -> None:
    assert rule_call_problems(tag, USAGE[tag][1]) == []


@pytest.mark.parametrize("tag", TAGS)
def test_every_pants_class_takes_the_arguments_as_the_adapters_pass_them(tag: str) -> None:
    assert construction_problems(tag, USAGE[tag][1]) == []


def test_a_field_a_release_inserts_before_a_positional_argument_is_reported(
    tmp_path: Path,
) -> None:
    package = _write_adapters(
        tmp_path,
        {
            "rules.py": """
                from pants.base.glob_match_error_behavior import GlobMatchErrorBehavior
                from pants.engine.internals.graph import OwnersRequest

                def positional(path: str) -> OwnersRequest:
                    return OwnersRequest((path,), GlobMatchErrorBehavior.ignore)

                def by_keyword(path: str) -> OwnersRequest:
                    return OwnersRequest(
                        (path,), owners_not_found_behavior=GlobMatchErrorBehavior.ignore
                    )

                def misspelt(path: str) -> OwnersRequest:
                    return OwnersRequest((path,), owners_not_found=GlobMatchErrorBehavior.ignore)
                """,
        },
    )
    _, calls = collect_usage("release_2.32.1", package)
    owners = f"{package}/rules.py:6: `pants.engine.internals.graph.OwnersRequest`"
    misspelt = f"{package}/rules.py:14: `pants.engine.internals.graph.OwnersRequest`"
    assert construction_problems("release_2.32.1", calls) == [
        f"{owners}: pass `owners_not_found_behavior` by keyword (argument 2)",
        f"{owners}: argument 2 is `owners_not_found_behavior` in release_2.17.1, "
        "`sources_blocks` in release_2.32.1",
        f"{misspelt} has no `owners_not_found` in release_2.32.1",
    ]


def _write_adapters(root: Path, files: Dict[str, str]) -> Path:
    package = root / "pants_hygiene"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return package


def test_a_get_import_outside_the_old_branch_is_reported(tmp_path: Path) -> None:
    package = _write_adapters(
        tmp_path,
        {
            "compat.py": """
                CALL_BY_NAME = True
                if CALL_BY_NAME:
                    from pants.engine.rules import implicitly
                else:
                    from pants.engine.rules import Get
                """,
            "rules.py": "from pants.engine.rules import Get, collect_rules\n",
        },
    )
    imports, _ = collect_usage("release_2.32.1", package)
    assert missing_imports("release_2.32.1", imports) == [
        f"{package}/rules.py:1: `pants.engine.rules` has no `Get` in release_2.32.1"
    ]
    # Get still existed, deprecated, in 2.27.
    assert missing_imports("release_2.27.1", collect_usage("release_2.27.1", package)[0]) == []


def test_a_call_by_name_with_a_wrong_argument_is_reported(tmp_path: Path) -> None:
    package = _write_adapters(
        tmp_path,
        {
            "compat.py": """
                from pants.engine.intrinsics import create_digest, execute_process
                from pants.engine.fs import PathGlobs
                from pants.engine.process import Process

                async def run(proc: Process) -> None:
                    await execute_process(proc)

                async def digest() -> None:
                    await create_digest(PathGlobs(["*"]))
                """,
        },
    )
    _, calls = collect_usage("release_2.32.1", package)
    assert rule_call_problems("release_2.32.1", calls) == [
        f"{package}/compat.py:7: `pants.engine.intrinsics.execute_process` needs `**implicitly()` "
        "for `process_execution_environment` in release_2.32.1",
        f"{package}/compat.py:7: `pants.engine.intrinsics.execute_process`: argument 1 is our "
        "`proc`, the rule calls it `process` in release_2.32.1",
        f"{package}/compat.py:10: `pants.engine.intrinsics.create_digest`: argument 1 is a "
        "`PathGlobs`, the rule's `create_digest` a `CreateDigest` in release_2.32.1",
    ]
