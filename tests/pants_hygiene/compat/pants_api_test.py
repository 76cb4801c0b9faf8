"""The newer side, checked statically: every `pants.*` name the adapters import or call when
running on Pants 2.23+ exists in the API extracted from the Pants source of each checked
release (tools/pants_api.py), and every call-by-name call matches the rule's parameters."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from tools.pants_api import TAGS, PantsCall, PantsImport, collect_usage, modules_used

DATA = json.loads(Path("tests/pants_hygiene/compat/pants_api.json").read_text())
REGENERATE = "rerun `python3 tools/pants_api.py --pants-git-dir <pants clone>`"


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


USAGE = {tag: collect_usage(tag) for tag in TAGS}


def test_the_data_holds_each_checked_release() -> None:
    assert sorted(DATA["tags"]) == sorted(TAGS)
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
    imported_2_27 = {(item.module, item.name) for item in USAGE["release_2.27.0"][0]}
    assert ("pants.engine.rules", "Get") in imported_2_27
    assert ("pants.core.goals.lint", "partition_targets") not in imported_2_27


@pytest.mark.parametrize("tag", TAGS)
def test_every_pants_name_the_adapters_import_exists(tag: str) -> None:
    assert missing_imports(tag, USAGE[tag][0]) == []


@pytest.mark.parametrize("tag", TAGS)
def test_every_call_by_name_matches_the_rule_signature(tag: str) -> None:
    assert rule_call_problems(tag, USAGE[tag][1]) == []


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
    assert missing_imports("release_2.27.0", collect_usage("release_2.27.0", package)[0]) == []


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
