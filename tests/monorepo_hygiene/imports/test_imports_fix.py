"""The fixer on before/after sources, one behaviour per test (libcst's CodemodTest pattern)."""

from __future__ import annotations

import ast
from textwrap import dedent
from typing import List

import pytest

from monorepo_hygiene.findings import Severity
from monorepo_hygiene.imports import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
    FileFacts,
    ImportFacts,
    ModuleOwners,
    check_files,
    check_source,
    fix_source,
)
from monorepo_hygiene.imports.errors import StatementMismatch
from monorepo_hygiene.imports.rewrite import apply_rewrites
from monorepo_hygiene.imports.ast_statements import statements_from_ast
from monorepo_hygiene.imports.package_inits import PackageInits
from monorepo_hygiene.imports.statements import Rewrite

# src/shop/BUILD owns the `shop` package except `shop.api`, which has its own BUILD file;
# src/BUILD owns two top-level packages at once.
OWNERS_MAPPING = {
    "shop": "src/shop",
    "shop.config": "src/shop",
    "shop.models": "src/shop",
    "shop.models.user": "src/shop",
    "shop.models.order": "src/shop",
    "shop.api": "src/shop/api",
    "shop.api.views": "src/shop/api",
    "billing": "src/billing",
    "billing.invoice": "src/billing",
    "tools_a": "src",
    "tools_b": "src",
}
OWNERS = ModuleOwners(OWNERS_MAPPING)
ORDER = FileFacts("shop.models.order", is_package=False, owner="src/shop")
ORDER_ABSOLUTE = FileFacts("shop.models.order", is_package=False, owner="src/shop", policy=ABSOLUTE)
MODELS_INIT = FileFacts("shop.models", is_package=True, owner="src/shop")
TOOLS_A = FileFacts("tools_a", is_package=False, owner="src")
PATH = "src/shop/models/order.py"
SHOP_MODELS_INIT = "src/shop/models/__init__.py"


def package_inits(**sources: str) -> PackageInits:
    """The packages' `__init__`s, empty except those given (by file name, `/` as `_`)."""
    paths = {
        package: f"src/{package.replace('.', '/')}/__init__.py"
        for package, owner in OWNERS_MAPPING.items()
        if package in ("shop", "shop.models", "shop.api", "billing")
    }
    contents = {path: sources.get(path.replace("/", "_"), "").encode() for path in paths.values()}
    return PackageInits(paths, contents.__getitem__)


def fixed(before: str, facts: FileFacts = ORDER, inits: str = "") -> str:
    source = dedent(before)
    models_init = {"src_shop_models___init__.py": inits}
    result = fix_source(PATH, source.encode(), facts, OWNERS, package_inits(**models_init))
    return source if result is None else result.decode()


def rendered(source: str, facts: FileFacts = ORDER, inits: str = "") -> List[str]:
    models_init = {"src_shop_models___init__.py": inits}
    return [
        f.render()
        for f in check_source(
            PATH, dedent(source).encode(), facts, OWNERS, package_inits(**models_init)
        )
    ]


def test_absolute_import_within_the_build_file_becomes_relative() -> None:
    assert fixed("from shop.models.user import User\n") == "from .user import User\n"


def test_relative_import_climbs_to_the_common_package() -> None:
    assert fixed("from shop.config import settings\n") == "from ..config import settings\n"


def test_importing_a_sibling_module_from_the_package() -> None:
    assert fixed("from shop.models import user\n") == "from . import user\n"


def test_init_counts_as_its_package() -> None:
    before = "from shop.models.user import User\nfrom shop import config\n"
    assert fixed(before, MODELS_INIT) == "from .user import User\nfrom .. import config\n"


def test_relative_import_into_another_build_file_becomes_absolute() -> None:
    assert fixed("from ..api import views\n") == "from shop.api import views\n"


def test_names_owned_by_several_build_files_make_the_statement_absolute() -> None:
    assert fixed("from .. import config, api\n") == "from shop import config, api\n"


def test_same_build_file_but_other_top_level_package_stays_absolute() -> None:
    # Relative imports can't leave the top-level package, whoever owns both.
    source = "from tools_b import helper\n"
    assert check_source("src/tools_a.py", source.encode(), TOOLS_A, OWNERS) == ()


def test_third_party_stdlib_future_and_other_packages_are_left_alone() -> None:
    source = """\
        from __future__ import annotations
        import os.path
        from collections import abc
        import libcst as cst
        from billing.invoice import Invoice
        from shop.api import views
        """
    assert rendered(source) == []


def test_import_as_of_a_module_becomes_a_from_import() -> None:
    assert (
        fixed("import shop.models.user as user_module\n") == "from . import user as user_module\n"
    )


@pytest.mark.parametrize(
    "init",
    [
        "import user\n",
        "import user.sub\n",
        "from os import path as user\n",
        "user = 1\n",
        "if True:\n    user: int = 1\n",
        "def user(): pass\n",
        "class user: pass\n",
        "for user in []: pass\n",
        "with open(__file__) as user: pass\n",
        "def f():\n    global user\n    user = 1\n",
        "try:\n    pass\nexcept Exception as user:\n    pass\n",
        "[user := 1]\n",
        "del user\n",
        "from os.path import *\n",
        "def __getattr__(name): return name\n",
        "globals()['us' + 'er'] = 1\n",
        "import sys\nsetattr(sys.modules[__name__], 'user', 1)\n",
        "type T = (\n",  # Not Python: nothing is proven.
    ],
)
def test_import_as_is_not_rewritten_when_the_package_may_bind_the_name(init: str) -> None:
    # `from . import user` would take `shop.models`' own `user`, not the submodule.
    source = "import shop.models.user as user_module\n"
    assert fixed(source, inits=init) == source
    [finding] = rendered(source, inits=init)
    assert "; not fixable: `src/shop/models/__init__.py` " in finding
    assert not finding.endswith("[*]")


def test_import_as_is_rewritten_when_the_package_binds_other_names() -> None:
    init = "import logging\nfrom . import order\nUSER = 1\ndef f(users): return users\n"
    assert fixed("import shop.models.user as u\n", inits=init) == "from . import user as u\n"


def test_import_as_is_not_rewritten_without_the_packages_init() -> None:
    source = "import shop.models.user as user_module\n"
    assert fix_source(PATH, source.encode(), ORDER, OWNERS) is None
    [finding] = check_source(PATH, source.encode(), ORDER, OWNERS)
    assert finding.message.endswith(
        "not fixable: the `__init__` of `shop.models` was not given to the checker"
    )


def test_import_as_from_a_namespace_package_is_rewritten() -> None:
    # No `__init__`, no code that could bind anything.
    owners = {"ns.mod": "src/ns", "ns.other": "src/ns"}
    facts = FileFacts("ns.other", is_package=False, owner="src/ns")
    fixed_source = fix_source("src/ns/other.py", b"import ns.mod as m\n", facts, owners)
    assert fixed_source == b"from . import mod as m\n"


def test_plain_import_is_reported_but_not_rewritten() -> None:
    # `import shop.models.user` binds `shop`, which no relative import can do.
    source = "import shop.models.user\n"
    assert fixed(source) == source
    assert rendered(source) == [
        (
            f"{PATH}:1:1: HI101 Use a relative import for `shop.models.user`, owned by the same "
            "BUILD file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any depth)"
        )
    ]


def test_import_as_with_several_names_is_reported_but_not_rewritten() -> None:
    source = "import shop.models.user as u, os\n"
    assert fixed(source) == source
    assert [line.endswith("[*]") for line in rendered(source)] == [False]


def test_import_as_of_an_unknown_module_is_not_rewritten() -> None:
    # Maybe an attribute of `shop.models`, where `from . import missing` would mean something else.
    source = "import shop.models.missing as m\n"
    assert fixed(source) == source


def test_top_level_package_import_has_no_relative_form() -> None:
    assert rendered("import shop\nimport shop as s\n") == []


def test_star_imports_convert_both_ways() -> None:
    assert fixed("from shop.models.user import *\n") == "from .user import *\n"
    assert fixed("from .user import *\n", ORDER_ABSOLUTE) == "from shop.models.user import *\n"


def test_absolute_policy_rewrites_every_relative_import() -> None:
    before = "from . import user\nfrom ..config import settings\n"
    after = "from shop.models import user\nfrom shop.config import settings\n"
    assert fixed(before, ORDER_ABSOLUTE) == after


def test_comments_and_formatting_survive() -> None:
    before = """\
        import os  # first
        from shop.config import (  # settings
            DEBUG,  # why
            TIMEOUT as timeout,
        )
        x = 1; from shop.models.user import User; y = 2  # trailing
        """
    after = """\
        import os  # first
        from ..config import (  # settings
            DEBUG,  # why
            TIMEOUT as timeout,
        )
        x = 1; from .user import User; y = 2  # trailing
        """
    assert fixed(before) == dedent(after)


def test_unusual_spacing_gets_the_spaces_an_absolute_import_needs() -> None:
    before = "from.user import a\nfrom .import user\nfrom . . config import b\n"
    after = (
        "from shop.models.user import a\nfrom shop.models import user\nfrom shop.config import b\n"
    )
    assert fixed(before, ORDER_ABSOLUTE) == after


def test_imports_at_any_depth_are_fixed() -> None:
    before = """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from shop.models.user import User
        try:
            from shop.config import fast
        except ImportError:
            from shop.config import slow as fast
        else:
            pass
        finally:
            pass
        class Order:
            def load(self) -> None:
                from shop.models import user
        for _ in ():
            pass
        else:
            with open("f"):
                from shop.models import order
        """
    after = """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .user import User
        try:
            from ..config import fast
        except ImportError:
            from ..config import slow as fast
        else:
            pass
        finally:
            pass
        class Order:
            def load(self) -> None:
                from . import user
        for _ in ():
            pass
        else:
            with open("f"):
                from . import order
        """
    assert fixed(before) == dedent(after)


def test_match_statement_blocks_are_walked() -> None:
    # Syntax of 3.10: on 3.9 the file is read through libcst instead of `ast`.
    before = """\
        match command:
            case "load":
                from shop.models.user import load
            case _:
                from shop.config import default as load
        """
    after = """\
        match command:
            case "load":
                from .user import load
            case _:
                from ..config import default as load
        """
    assert fixed(before) == dedent(after)


def test_newer_syntax_than_the_interpreter_is_checked_and_fixed() -> None:
    # PEP 695 (3.12): read by libcst on older interpreters, by `ast` on newer ones.
    before = "type UserId = int\nx = 'é'; from shop.models.user import User\n"
    assert rendered(before) == [
        (
            f"{PATH}:2:10: HI101 Use a relative import for `shop.models.user`, owned by the same "
            "BUILD file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any "
            "depth) [*]"
        )
    ]
    assert fixed(before) == "type UserId = int\nx = 'é'; from .user import User\n"


def test_climbing_above_the_top_level_package_is_fixed_when_unambiguous() -> None:
    assert fixed("from ....shop.config import settings\n") == "from ..config import settings\n"
    assert fixed("from ....billing import invoice\n") == "from billing import invoice\n"


def test_climbing_import_is_not_fixed_when_ambiguous_or_unknown() -> None:
    # `....user` could mean the top-level `user` or `shop.models.user`; `....` alone names nothing.
    owners = ModuleOwners({**OWNERS_MAPPING, "user": "src/user"})
    for source in (
        "from .... import user\n",
        "from ....nowhere import x\n",
        "from ....user import x\n",
    ):
        assert fix_source(PATH, source.encode(), ORDER, owners) is None
    assert rendered("from ....nowhere import x\n") == [
        f"{PATH}:1:1: HI104 Relative import `....nowhere` climbs above the top-level package `shop`"
    ]


def test_relative_import_in_a_top_level_module() -> None:
    source = b"from .shop import config\n"
    (finding,) = check_source("src/tools_a.py", source, TOOLS_A, OWNERS)
    assert finding.render() == (
        "src/tools_a.py:1:1: HI104 Relative import `.shop` has no parent package to start "
        "from; did you mean `shop`? [*]"
    )
    assert fix_source("src/tools_a.py", source, TOOLS_A, OWNERS) == b"from shop import config\n"


def test_noqa_with_the_code_suppresses_finding_and_fix() -> None:
    for source in (
        "from shop.config import x  # noqa: HI101\n",
        "from shop.config import x  # noqa\n",
        "from shop.config import (\n    x,  # noqa: HI101\n)\n",
    ):
        assert rendered(source) == []
        assert fixed(source) == source


def test_noqa_with_another_code_suppresses_nothing() -> None:
    assert (
        fixed("from shop.config import x  # noqa: E501\n")
        == "from ..config import x  # noqa: E501\n"
    )


def test_fixing_twice_is_a_no_op() -> None:
    once = fixed("from shop.config import x\nfrom ..api import views\n")
    assert fix_source(PATH, once.encode(), ORDER, OWNERS) is None


def test_syntax_error_is_a_finding_and_nothing_to_fix() -> None:
    source = b"from shop.config import x\ndef broken(:\n"
    (finding,) = check_source(PATH, source, ORDER, OWNERS)
    assert (finding.line, finding.code, finding.fixable) == (2, "HI100", False)
    assert finding.message.startswith("Cannot check file: syntax error: ")
    assert fix_source(PATH, source, ORDER, OWNERS) is None


def test_file_encoding_and_line_endings_are_kept() -> None:
    before = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\nfrom shop.config import x\r\n".encode(
        "latin-1"
    )
    after = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\nfrom ..config import x\r\n".encode("latin-1")
    assert fix_source(PATH, before, ORDER, OWNERS) == after


def test_plain_mapping_of_owners_is_accepted() -> None:
    assert fix_source(PATH, b"from shop.config import x\n", ORDER, OWNERS_MAPPING) == (
        b"from ..config import x\n"
    )


def test_rewriter_refuses_statements_that_do_not_match_the_checked_ones() -> None:
    (statement,) = statements_from_ast(ast.parse("from shop.config import x\n"))
    with pytest.raises(StatementMismatch) as error:
        apply_rewrites(b"import os\n", [statement], {0: Rewrite(2, "config")})
    assert error.value.ordinal == 0


# A form feed starting a line, which libcst drops, and a `from` part continued over two lines,
# which the text edit leaves to libcst.
NOT_REPRODUCED = b"\x0cfrom shop.config \\\n    import x\n"


def test_a_file_libcst_cannot_reproduce_is_fixed_on_the_text() -> None:
    assert fix_source(PATH, b"\x0cfrom shop.config import x\n", ORDER, OWNERS) == (
        b"\x0cfrom ..config import x\n"
    )


def test_file_libcst_cannot_reproduce_is_reported_and_left_alone() -> None:
    source = NOT_REPRODUCED
    assert fix_source(PATH, source, ORDER, OWNERS) is None
    facts = ImportFacts({PATH: ORDER}, OWNERS_MAPPING)
    result = check_files({PATH: source}, facts, fix=True)
    assert result.fixed == {}
    assert [(f.line, f.col, f.code) for f in result.findings] == [(1, 1, "HI105"), (1, 2, "HI101")]
    assert result.findings[0].severity == Severity.WARNING
    assert result.findings[0].message == (
        "Cannot fix file: libcst doesn't reproduce it exactly (a form feed starting a line?)"
    )


def test_rewriter_refuses_a_file_with_fewer_statements_than_checked() -> None:
    statements = statements_from_ast(ast.parse("import os\nfrom shop.config import x\n"))
    with pytest.raises(StatementMismatch) as error:
        apply_rewrites(b"import os\n", statements, {1: Rewrite(2, "config")})
    assert error.value.ordinal == 1


def test_checking_a_file_libcst_cannot_rewrite_promises_no_fix() -> None:
    # `pants lint` shows what `pants fix` will do: HI105 and no `[*]`, even when no other file
    # of the batch changes.
    source = NOT_REPRODUCED
    facts = ImportFacts({PATH: ORDER}, OWNERS_MAPPING)
    for fix in (False, True):
        result = check_files({PATH: source}, facts, fix=fix)
        assert result.fixed == {}
        assert [(f.code, f.fixable) for f in result.findings] == [
            ("HI105", False),
            ("HI101", False),
        ]
    assert [f.code for f in check_source(PATH, source, ORDER, OWNERS)] == ["HI105", "HI101"]


def test_a_relative_import_in_an_alembic_migration_becomes_absolute() -> None:
    facts = FileFacts("shop.models.env", False, "src/shop", loaded_by_path="Alembic loads it")
    before = "from shop.models.user import User\nfrom .order import Order\nfrom . import user\n"
    assert fixed(before, facts) == (
        "from shop.models.user import User\nfrom shop.models.order import Order\n"
        "from shop.models import user\n"
    )


NO_PARENTS = FileFacts("shop.models.order", False, "src/shop", RELATIVE_WITHIN_BUILD_NO_PARENTS)


def test_no_parents_fixes_both_ways() -> None:
    before = (
        "from ..config import settings\n"
        "from shop.models.user import User\n"
        "from ..models import user\n"
        "from shop import config\n"
    )
    after = (
        "from shop.config import settings\n"
        "from .user import User\n"
        "from . import user\n"
        "from shop import config\n"
    )
    assert fixed(before, NO_PARENTS) == after
    assert fixed(after, NO_PARENTS) == after
    # Converting back to any depth is one more fix.
    assert fixed(after) == (
        "from ..config import settings\nfrom .user import User\nfrom . import user\n"
        "from .. import config\n"
    )
