"""Running the core's command lines in a subprocess that sees the same code as the test."""

from __future__ import annotations

import os
import sys
from typing import Dict


def subprocess_env() -> Dict[str, str]:
    """The environment with this process's import path, made absolute: under `pants test` the
    sources sit on relative entries, which a subprocess started in another directory would miss."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(map(os.path.abspath, sys.path))}
