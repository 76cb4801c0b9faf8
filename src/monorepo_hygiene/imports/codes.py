"""The import rule's finding codes and their documentation, in ruff's shape."""

from __future__ import annotations

from typing import Tuple

from ..rule_docs import RuleDoc

CANNOT_CHECK = "HI100"
ABSOLUTE_WITHIN_BUILD = "HI101"
RELATIVE_IMPORT_ACROSS_BUILD = "HI102"
RELATIVE_IMPORT_BANNED = "HI103"
RELATIVE_IMPORT_BEYOND_TOP_LEVEL = "HI104"
CANNOT_FIX = "HI105"
RELATIVE_IMPORT_IN_FILE_LOADED_BY_PATH = "HI106"

_POLICY_OPTION = (
    "`policy` (per target): `relative-within-build` (the default) wants relative imports for "
    "modules owned by the importing file's own BUILD file, at any depth, and absolute ones for "
    "everything else; `relative-within-build-no-parents` wants them only for such modules in "
    "the importing module's own package and below (`from .x`, `from .sub.x`) and absolute "
    'ones through a parent package, as ruff\'s TID252 `ban-relative-imports = "parents"` '
    "does; `absolute` wants absolute imports only. By default the policy follows the repo's "
    'ruff configuration (see the README\'s "Living with ruff")'
)

RULE_DOCS: Tuple[RuleDoc, ...] = (
    RuleDoc(
        code=CANNOT_CHECK,
        name="file-not-checkable",
        what_it_does="""
            Reports a file the import rule could not read: undecodable bytes, a syntax error, or
            a file the build tool gave no ownership facts for.
            """,
        why_is_this_bad="""
            Its imports go unchecked. The other files of the batch are still checked.
            """,
        example="""
            def broken(:
                pass
            """,
        use_instead="""
            def fixed() -> None:
                pass
            """,
        fix_safety="There is no fix.",
    ),
    RuleDoc(
        code=ABSOLUTE_WITHIN_BUILD,
        name="absolute-import-within-build",
        what_it_does="""
            Checks for absolute imports of modules owned by the same BUILD file as the importing
            module (the subtree one `python_sources` target covers).
            """,
        why_is_this_bad="""
            Within one BUILD file's subtree, relative imports say that the modules belong
            together, and keep working when the subtree is moved or renamed as a whole.
            No other linter can tell, as it doesn't know BUILD files (ruff's TID252 only
            knows packages).
            """,
        example="""
            # src/shop/models/order.py, owned by src/shop/BUILD
            from shop.models.user import User
            """,
        use_instead="""
            from .user import User
            """,
        options=(_POLICY_OPTION,),
        fix_safety="""
            The fix is safe when the module is imported under its package (as Pants,
            `python -m` and PEX entry points do): the relative form resolves to the same
            module. Files loaded by path have no package and can't use relative imports, so
            they are exempt (see HI106).
            `import a.b.c as d` is rewritten to `from <dots>b import c as d` only when `a.b.c`
            is a module and `a.b`'s `__init__` binds no name `c` itself (the `from` form would
            take that, say the stdlib `logging` a package imported, instead of the submodule):
            any binding of `c` anywhere in it, a star import, a module `__getattr__` or
            `globals()`/`setattr` count, as does an `__init__` the checker can't read.
            Plain `import a.b.c` binds `a`, which no relative import does, so it is reported
            without a fix.
            """,
    ),
    RuleDoc(
        code=RELATIVE_IMPORT_ACROSS_BUILD,
        name="relative-import-across-build",
        what_it_does="""
            Checks for relative imports that reach a module owned by another BUILD file (or by
            no single BUILD file, as a namespace package shared by several).
            """,
        why_is_this_bad="""
            A relative import hides that the code crosses into another target's subtree, which
            has its own dependencies and may be moved independently.
            """,
        example="""
            # src/shop/api/views.py, owned by src/shop/api/BUILD
            from ..models import user
            """,
        use_instead="""
            from shop.models import user
            """,
        options=(_POLICY_OPTION,),
        fix_safety="""
            The fix is safe: the absolute form names the module the relative import resolves
            to. A statement importing names owned by several BUILD files becomes absolute.
            """,
    ),
    RuleDoc(
        code=RELATIVE_IMPORT_BANNED,
        name="relative-import-banned",
        what_it_does="""
            Checks for relative imports in targets whose import policy is `absolute` (what
            ruff's TID252 with `ban-relative-imports = "all"` does, with the build tool's
            source roots), and relative imports from parent packages (`from ..x`) under
            `relative-within-build-no-parents` (ruff's `ban-relative-imports = "parents"`).
            """,
        why_is_this_bad="""
            The target's policy asks for absolute imports only, or for relative ones only in
            the module's own package and below: they read the same everywhere and survive
            copying code between packages, and the repo's ruff agrees.
            """,
        example="""
            from .models import User
            """,
        use_instead="""
            from shop.models import User
            """,
        options=(_POLICY_OPTION,),
        fix_safety="""
            The fix is safe: the absolute form names the module the relative import resolves
            to. A parent spelling of a module in the own package (`from ..models.user` in
            `models`) becomes its one-dot form (`from .user`).
            """,
    ),
    RuleDoc(
        code=RELATIVE_IMPORT_BEYOND_TOP_LEVEL,
        name="relative-import-beyond-top-level",
        what_it_does="""
            Checks for relative imports with more dots than the importing module has parent
            packages, and relative imports in top-level modules.
            """,
        why_is_this_bad="""
            Python can't resolve them: importing the module fails with "attempted relative
            import beyond top-level package".
            """,
        example="""
            # src/shop/models/user.py
            from ....shop.config import settings
            """,
        use_instead="""
            from ..config import settings  # or `from shop.config import settings`
            """,
        options=(_POLICY_OPTION,),
        fix_safety="""
            A fix is offered only when exactly one first-party module fits the dotted name
            after the dots, looked up under each package from the importing module's up to the
            source root; it is then spelled as the policy wants. Review it: the statement
            never worked, so the fix guesses what it meant.
            """,
    ),
    RuleDoc(
        code=CANNOT_FIX,
        name="file-not-fixable",
        what_it_does="""
            Reports, when fixing, a file whose import findings could not be fixed because
            libcst can't rewrite it faithfully: it doesn't give the file back byte for byte (it
            drops form feeds that start a line), can't parse it, or finds it too deeply nested.
            """,
        why_is_this_bad="""
            The file keeps its findings; a fix that silently changed other code would be
            worse.
            """,
        example="""
            \fimport shop.models.user as user  # a form feed starts the line
            """,
        use_instead="""
            import shop.models.user as user  # fix by hand, or remove the form feed and rerun
            """,
        fix_safety="There is no fix: it is the report of one that couldn't be made.",
    ),
    RuleDoc(
        code=RELATIVE_IMPORT_IN_FILE_LOADED_BY_PATH,
        name="relative-import-in-file-loaded-by-path",
        what_it_does="""
            Checks for relative imports in files that Python loads by their path rather than
            importing them as part of their package: the files of Alembic script directories
            (`env.py` and the migrations, in `script_location` and `version_locations`, found
            as `check-alembic` finds them), and files whose module name is not made of
            identifiers (`versions/0002_add_stock.py`). In these files, absolute imports are
            wanted under every policy: HI101 never applies to them.
            """,
        why_is_this_bad="""
            A file loaded by path has no parent package, so a relative import in it fails:
            `alembic upgrade` stops with "attempted relative import with no known parent
            package".
            """,
        example="""
            # src/shop/db/migrations/versions/0002_add_stock.py, owned by src/shop/BUILD
            from ...models import Item
            """,
        use_instead="""
            from shop.db.models import Item
            """,
        fix_safety="""
            A fix is offered only when the import, resolved from the file's place under its
            source root, names a first-party module; it is then absolute. The statement never
            worked in a file loaded by path, so review it. Absolute imports in these files are
            never rewritten.
            """,
    ),
)
