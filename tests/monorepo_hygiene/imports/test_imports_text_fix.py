"""The rewrite made on the text (`text_fix`) against the libcst rewrite (`rewrite`) as the oracle:
byte for byte the same file, or no text edit at all (libcst then makes it)."""

from __future__ import annotations

from typing import Dict, List, Tuple

import pytest

from monorepo_hygiene.imports import ABSOLUTE, FileFacts, ModuleOwners
from monorepo_hygiene.imports.check import FileContext, analyse
from monorepo_hygiene.imports.package_inits import PackageInits
from monorepo_hygiene.imports.statements import Rewrite
from monorepo_hygiene.imports.rewrite import apply_rewrites
from monorepo_hygiene.imports.statements import ImportStatement
from monorepo_hygiene.imports.text_fix import rewrite_imports

OWNERS = ModuleOwners(
    {
        "shop": "src/shop",
        "shop.config": "src/shop",
        "shop.models": "src/shop",
        "shop.models.user": "src/shop",
        "shop.api": "src/shop/api",
        "billing": "src/billing",
    }
)
ORDER = FileFacts("shop.models.order", is_package=False, owner="src/shop")
ORDER_ABSOLUTE = FileFacts("shop.models.order", is_package=False, owner="src/shop", policy=ABSOLUTE)
PATH = "src/shop/models/order.py"
# `shop.models`' `__init__`, empty: `import shop.models.user as u` has a `from` form.
EMPTY_INITS = PackageInits({"shop.models": "src/shop/models/__init__.py"}, lambda path: b"")

SOURCES = [
    "from shop.models.user import User\n",
    "from shop.config import (\n    a,  # why\n    b,\n)\n",
    "from  shop . config  import x\n",
    "from\tshop.config\timport x\n",
    "x = 1; from shop.config import y; from shop.models import user as u\n",
    "import shop.models.user as u\n",
    "import  shop . models . user   as  u  # kept\n",
    "def f():\n    if True:\n        from shop.config import x\n    return x\n",
    "from ..api import views\nfrom .. import config\nfrom ...billing import pay\n",
    "s = 'naïve ünïcode'; from shop.config import x\n",
    "from shop.config import x\r\nfrom shop.models import user\r\n",
    "from shop.config import x\rfrom shop.models import user\r",
    "\x0cfrom shop.config import x\n",
    "try:\n    from shop.config import x\nexcept ImportError:\n    x = None\n",
]
# Relative forms, made absolute under the `absolute` policy.
RELATIVE_SOURCES = [
    "from .user import User\n",
    "from.user import User\n",
    "from .import user\n",
    "from . import user, config\n",
    "from ..config import (x)\n",
    "from .  user  import User\n",
]


def _rewrites(
    source: bytes, facts: FileFacts
) -> Tuple[List[ImportStatement], Dict[int, Rewrite]]:
    analysis = analyse(PATH, source, FileContext.of(facts, EMPTY_INITS), OWNERS)
    assert analysis.rewrites, "each case must have something to fix"
    return analysis.statements, dict(analysis.rewrites)


@pytest.mark.parametrize(
    "source, facts",
    [(s, ORDER) for s in SOURCES] + [(s, ORDER_ABSOLUTE) for s in RELATIVE_SOURCES],
)
def test_the_text_edit_is_the_libcst_rewrite(source: str, facts: FileFacts) -> None:
    content = source.encode()
    statements, rewrites = _rewrites(content, facts)
    text_edit = rewrite_imports(content, statements, rewrites)
    assert text_edit is not None
    if not content.startswith(b"\x0c") and not content.endswith(b"\r"):
        # libcst can't give those two back unchanged; the text edit can.
        assert text_edit == apply_rewrites(content, statements, rewrites)
    assert text_edit != content


@pytest.mark.parametrize(
    "source",
    [
        # The `from` part continued over two lines.
        "from shop.config \\\n    import x\n",
        "from shop.\\\nconfig import x\n",
        # Another encoding than UTF-8: libcst keeps it.
        "# -*- coding: latin-1 -*-\nfrom shop.config import x\n",
    ],
)
def test_no_text_edit_where_it_cannot_be_shown_right(source: str) -> None:
    content = source.encode("latin-1")
    statements, rewrites = _rewrites(content, ORDER)
    assert rewrite_imports(content, statements, rewrites) is None
    # libcst still makes it.
    assert apply_rewrites(content, statements, rewrites) != content
