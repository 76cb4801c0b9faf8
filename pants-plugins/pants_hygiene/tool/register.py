"""`[hygiene-tool]`: the sandboxed, cacheable processes the file checkers (annotations, imports)
run in. Not a backend of its own: the backends of those checks register it."""

from typing import Iterable

from . import interpreter, subsystem
from . import rules as tool_rules


def rules() -> Iterable:
    return [*tool_rules.rules(), *interpreter.rules(), *subsystem.rules()]
