"""What the checker reports: codes, messages, positions, and which findings are fixable."""

from __future__ import annotations

from typing import List

from monorepo_hygiene.imports import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
    FileFacts,
    ModuleOwners,
    check_source,
)

OWNERS = ModuleOwners(
    {
        "shop.models.user": "src/shop",
        "shop.models.order": "src/shop",
        "shop.api.views": "src/shop/api",
        # A namespace package (`ns`, no `__init__`) whose modules two BUILD files own.
        "ns.left": "src/ns/left",
        "ns.right": "src/ns/right",
    }
)
PATH = "src/shop/models/order.py"


def rendered(source: str, facts: FileFacts) -> List[str]:
    return [f.render() for f in check_source(PATH, source.encode(), facts, OWNERS)]


def test_relative_import_of_another_build_files_module() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop")
    assert rendered("from ..api import views\n", facts) == [
        (
            f"{PATH}:1:1: HI102 Use an absolute import for `shop.api.views`, "
            "owned by another BUILD file (`src/shop/api/BUILD`) [*]"
        )
    ]


def test_relative_import_of_a_module_no_single_build_file_owns() -> None:
    facts = FileFacts("ns.left.main", False, "src/ns/left")
    assert rendered("from .. import right\nfrom .. import other\n", facts) == [
        (
            f"{PATH}:1:1: HI102 Use an absolute import for `ns.right`, "
            "owned by another BUILD file (`src/ns/right/BUILD`) [*]"
        ),
        (
            f"{PATH}:2:1: HI102 Use an absolute import for `ns`, "
            "not owned by this BUILD file (`src/ns/left/BUILD`) [*]"
        ),
    ]


def test_relative_import_under_the_absolute_policy() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop", policy=ABSOLUTE)
    assert rendered("def f() -> None:\n    from . import user\n", facts) == [
        f"{PATH}:2:5: HI103 Use an absolute import for `shop.models.user` (policy `absolute`) [*]"
    ]


def test_absolute_imports_are_fine_under_the_absolute_policy() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop", policy=ABSOLUTE)
    assert rendered("from shop.models import user\nimport shop.models.user\n", facts) == []


def test_relative_imports_within_the_build_file_are_fine() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop")
    assert (
        rendered("from . import user\nfrom .user import User\nfrom .. import models\n", facts) == []
    )


def test_root_build_file_is_named_plainly() -> None:
    owners = ModuleOwners({"tool.cli": "", "tool.main": ""})
    facts = FileFacts("tool.main", False, "")
    findings = check_source("tool/main.py", b"from tool.cli import run\n", facts, owners)
    assert [f.message for f in findings] == [
        "Use a relative import for `tool.cli`, owned by the same BUILD file (`BUILD`) "
        "(policy `relative-within-build`: relative at any depth)"
    ]


def test_one_finding_per_statement_in_source_order() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop")
    source = (
        "if x:\n"
        "    from shop.models import user\n"
        "from ..api import views\n"
        "from shop.models import user, order\n"
    )
    assert [(f.line, f.code) for f in check_source(PATH, source.encode(), facts, OWNERS)] == [
        (2, "HI101"),
        (3, "HI102"),
        (4, "HI101"),
    ]


# --- Files loaded by path (Alembic script directories, module names that aren't identifiers) ---

ALEMBIC = "Alembic loads it by path (`alembic.ini`)"


def test_absolute_imports_in_a_file_loaded_by_path_are_fine_under_every_policy() -> None:
    source = "from shop.models.user import User\nimport shop.models.order as order\n"
    for policy in ("relative-within-build", ABSOLUTE):
        facts = FileFacts("shop.models.env", False, "src/shop", policy, loaded_by_path=ALEMBIC)
        assert rendered(source, facts) == []


def test_a_module_name_that_is_no_identifier_is_loaded_by_path() -> None:
    facts = FileFacts("shop.models.0002_add_stock", False, "src/shop")
    assert rendered("from shop.models.user import User\n", facts) == []
    assert rendered("from .user import User\n", facts) == [
        f"{PATH}:1:1: HI106 Relative import `.user` fails in a file loaded by path "
        "(`shop.models.0002_add_stock` is no valid module name): use `shop.models.user` [*]"
    ]


def test_a_relative_import_in_a_file_loaded_by_path_is_fixed_only_to_a_known_module() -> None:
    facts = FileFacts("shop.models.env", False, "src/shop", loaded_by_path=ALEMBIC)
    assert rendered("from . import user\nfrom .missing import x\nfrom .... import y\n", facts) == [
        f"{PATH}:1:1: HI106 Relative import `.` fails in a file loaded by path ({ALEMBIC}): "
        "use `shop.models` [*]",
        f"{PATH}:2:1: HI106 Relative import `.missing` fails in a file loaded by path "
        f"({ALEMBIC}): use an absolute import",
        f"{PATH}:3:1: HI106 Relative import `....` fails in a file loaded by path ({ALEMBIC}): "
        "use an absolute import",
    ]


def test_a_directory_that_is_no_identifier_gives_no_fix() -> None:
    owners = ModuleOwners({"shop.my-migrations.helpers": "src/shop"})
    facts = FileFacts("shop.my-migrations.env", False, "src/shop")
    findings = check_source(PATH, b"from .helpers import h\n", facts, owners)
    assert [(f.code, f.fixable) for f in findings] == [("HI106", False)]


# --- `relative-within-build-no-parents`: ruff's TID252 `ban-relative-imports = "parents"` ---

NO_PARENTS = FileFacts("shop.models.order", False, "src/shop", RELATIVE_WITHIN_BUILD_NO_PARENTS)
DEPTH_OWNERS = ModuleOwners(
    {
        "shop.config": "src/shop",
        "shop.models.user": "src/shop",
        "shop.models.order": "src/shop",
        "shop.models.sub.item": "src/shop",
    }
)


def no_parents(source: str, facts: FileFacts = NO_PARENTS) -> List[str]:
    return [f.render() for f in check_source(PATH, source.encode(), facts, DEPTH_OWNERS)]


def test_no_parents_wants_relative_imports_in_the_own_package_and_below() -> None:
    assert no_parents("from shop.models.user import User\nimport shop.models.sub.item as i\n") == [
        f"{PATH}:1:1: HI101 Use a relative import for `shop.models.user`, owned by the same "
        "BUILD file (`src/shop/BUILD`) and in this module's package (policy "
        "`relative-within-build-no-parents`: relative only in the own package and below) [*]",
        f"{PATH}:2:1: HI101 Use a relative import for `shop.models.sub.item`, owned by the same "
        "BUILD file (`src/shop/BUILD`) and in this module's package (policy "
        "`relative-within-build-no-parents`: relative only in the own package and below) [*]",
    ]
    assert no_parents("from .user import User\nfrom .sub import item\nfrom . import user\n") == []


def test_no_parents_wants_absolute_imports_through_a_parent_package() -> None:
    assert no_parents("from shop.config import settings\nfrom shop import config\n") == []
    assert no_parents("from ..config import settings\n") == [
        f"{PATH}:1:1: HI103 Use an absolute import for `shop.config`: no relative imports from "
        "parent packages (policy `relative-within-build-no-parents`, ruff's TID252 `parents`) [*]"
    ]


def test_no_parents_shortens_a_parent_spelling_of_the_own_package() -> None:
    # `from ..models.user` climbs out and back in: ruff's TID252 `parents` bans the two dots.
    assert no_parents("from ..models.user import User\n") == [
        f"{PATH}:1:1: HI103 Use `.user` for `shop.models.user`: no relative imports from "
        "parent packages (policy `relative-within-build-no-parents`, ruff's TID252 `parents`) [*]"
    ]


def test_the_any_depth_policy_names_its_depth() -> None:
    facts = FileFacts("shop.models.order", False, "src/shop")
    assert no_parents("from shop.config import settings\n", facts) == [
        f"{PATH}:1:1: HI101 Use a relative import for `shop.config`, owned by the same BUILD "
        "file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any depth) [*]"
    ]
