"""The fix: every fixable, unsuppressed import finding of a file rewritten (on the text, see
`text_fix`, else with libcst, see `rewrite`), and the rewritten file checked again; nothing else
changes.

Which findings are fixable is decided by the check (`check.try_fix` tries the very rewrite), so
`pants lint` and `pants fix` never disagree.
"""

from __future__ import annotations

from typing import Mapping, Optional, Tuple, Union

from . import codes
from .check import Analysis, FileContext, analyse, try_fix
from .errors import FixError
from .facts import FileFacts
from .owners import ModuleOwners


def fix_source(
    path: str,
    content: bytes,
    facts: FileFacts,
    module_owners: Union[ModuleOwners, Mapping[str, str]],
) -> Optional[bytes]:
    """The file's content with every fixable, unsuppressed finding fixed; None if none is (or
    the file can't be rewritten faithfully: `check_files` reports that as `HI105`)."""
    owners = ModuleOwners.of(module_owners)
    return fix_file(path, content, FileContext.of(facts), owners)[0]


def fix_file(
    path: str, content: bytes, context: FileContext, owners: ModuleOwners
) -> Tuple[Optional[bytes], Analysis]:
    """The fixed content (None if unchanged) and the analysis of the result: the findings left
    after fixing (those of the content as given when nothing could be fixed)."""
    new_content, analysis = try_fix(path, content, context, owners)
    if new_content is None:
        return None, analysis
    new_analysis = analyse(path, new_content, context, owners)
    for finding in new_analysis.findings:
        if finding.code == codes.CANNOT_CHECK:
            raise FixError(path, finding.message)
    return new_content, new_analysis
