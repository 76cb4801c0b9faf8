"""`python -m monorepo_hygiene <checker> [ARGS] FILE...`: the entry point of the checkers' PEX.

Each checker is a `python -m monorepo_hygiene.<checker>` program; one PEX serves them all, so the
Pants backends share one sandboxed environment.
"""

from __future__ import annotations

import runpy
import sys

CHECKERS = ("annotations", "imports")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKERS:
        sys.exit(f"usage: python -m monorepo_hygiene {{{','.join(CHECKERS)}}} [ARGS] FILE...")
    checker = sys.argv.pop(1)
    sys.argv[0] = f"monorepo_hygiene.{checker}"
    runpy.run_module(f"monorepo_hygiene.{checker}", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
