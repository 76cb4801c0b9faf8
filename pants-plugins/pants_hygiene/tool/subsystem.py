"""The sandboxed environment the file checkers run in: libcst plus the core library.

The checkers parse code, they never import it, so they don't need the user's interpreter or
requirements: they run in a PEX of their own, on the newest CPython the tool's interpreter
constraints allow and the machine has (or the one `interpreter_version` pins). The newest `ast`
reads all the syntax in a repo, so libcst (10-18x slower per file) only writes fixes; on an
older interpreter it also has to read every file with newer syntax. Running them as processes
(not in Pants' own 3.9 process) makes every batch cacheable, locally and remotely, and parallel.
"""

from __future__ import annotations

from typing import Any, Iterable

from pants.backend.python.subsystems.python_tool_base import PythonToolRequirementsBase
from pants.engine.unions import UnionRule
from pants.option.option_types import BoolOption, IntOption, StrOption
from pants.util.strutil import softwrap
from pants.version import PANTS_SEMVER, Version

from ..util.options import InvalidOptionValue

try:
    # Pants 2.17 only: 2.18 removed it and gives every tool the rules `SIMPLE` stood for.
    from pants.backend.python.subsystems.python_tool_base import LockfileRules
except ImportError:
    LockfileRules = None
try:
    # From 2.21: a tool whose resolve `pants export` can write.
    from pants.core.goals.resolves import ExportableTool
except ImportError:
    ExportableTool = None

# The named cache (`append_only_caches`) the checkers keep their results in.
RESULT_CACHE_NAME = "hygiene_results"

# The default lockfile this Pants reads (both made by tools/tool_lockfile.py, with the same pins)
# and the newest CPython its pip installs on. Pants 2.17-2.22 ship Pex 2.1.137-2.3.1, which know
# no pip newer than 23.1.2, and that pip refuses CPython 3.12+; Pants 2.23+ ship Pex 2.16.2+,
# which install the lock with pip 24.2 on CPython 3.9-3.13.
if PANTS_SEMVER >= Version("2.23.0a0"):
    DEFAULT_LOCKFILE, DEFAULT_LOCKFILE_NEWEST_CPYTHON = "hygiene_tool.lock", "3.13"
else:
    DEFAULT_LOCKFILE, DEFAULT_LOCKFILE_NEWEST_CPYTHON = "hygiene_tool_pip23.lock", "3.11"


class HygieneTool(PythonToolRequirementsBase):
    options_scope = "hygiene-tool"
    name = "hygiene-tool"
    help = softwrap(
        """
        The Python environment the hygiene file checkers run in, separate from your code's:
        libcst and the checkers themselves, on any interpreter the constraints allow.
        """
    )
    default_version = "libcst>=1.1,<2"
    # From 2.22 Pants reads the first of these when it registers `install_from_resolve`.
    default_requirements = [default_version]
    register_interpreter_constraints = True
    default_interpreter_constraints = ["CPython>=3.9,<3.14"]
    default_lockfile_resource = ("pants_hygiene.tool", DEFAULT_LOCKFILE)
    if LockfileRules is not None:
        lockfile_rules_type = LockfileRules.SIMPLE

    interpreter_version = StrOption(
        default=None,
        help=softwrap(
            """
            The CPython version to run the checkers on, as `major.minor` (e.g. `3.11`); it must
            be one that `interpreter_constraints` allow. By default the checkers run on the
            newest allowed version found on the machine that `[pex-cli].version` can run on
            (3.11 with Pants 2.17's Pex 2.1.137; 3.12 needs Pex 2.1.139, 3.13 Pex 2.5.0) and,
            unless `install_from_resolve` is set, the default lockfile's pip installs on (3.11
            on Pants 2.17-2.22, whose Pex knows no pip newer than 23.1.2; 3.13 from 2.23): its
            `ast` reads the newest syntax, so the slower libcst parser is only used to write
            fixes. Pin one when the default can't build the PEX, e.g. with a `[python].pip_version`
            too old for the newest interpreter.
            """
        ),
        advanced=True,
    )

    result_cache = BoolOption(
        default=True,
        help=softwrap(
            f"""
            Keep each file's check results in the named cache `{RESULT_CACHE_NAME}` (under
            `[GLOBAL].named_caches_dir`) and reuse them while the file, the checkers, their
            options and the facts they read are unchanged. Pants re-runs a whole batch when one
            of its files changes; with this, the checkers re-check only that file. Results
            unused for 14 days are dropped. Fixing always starts from the files.
            """
        ),
        advanced=True,
    )

    scoped_facts_max_files = IntOption(
        default=200,
        help=softwrap(
            """
            When a lint or fix covers at most this many files (a CI run with `--changed-since`,
            an editor linting one file), the checks ask Pants only about what those files need:
            the owners of the modules they import, the BUILD files of their directories and
            ancestors. Beyond it they read the whole repo's targets once, which then costs less
            than a lookup per file. Either way the findings are the same; `0` always reads the
            whole repo.
            """
        ),
        advanced=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.scoped_facts_max_files < 0:
            raise InvalidOptionValue(
                self.options_scope,
                "scoped_facts_max_files",
                f"`{self.scoped_facts_max_files}` is negative",
                "a number of files, or `0` to always read the whole repo",
            )

    def scoped_facts(self, file_count: int) -> bool:
        """Whether facts about only `file_count` files are cheaper than the whole repo's."""
        return 0 < file_count <= self.scoped_facts_max_files


def rules() -> Iterable:
    # `pants export --resolve=hygiene-tool` (2.21+) writes the checkers' environment as a venv.
    exportable = [UnionRule(ExportableTool, HygieneTool)] if ExportableTool is not None else []
    return [*HygieneTool.rules(), *exportable]
