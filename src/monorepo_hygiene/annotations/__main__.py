"""Command line of the annotation rule: see `monorepo_hygiene.annotations.cli`."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
