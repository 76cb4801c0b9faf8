"""Command line of the import rule: see `monorepo_hygiene.imports.cli`."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
