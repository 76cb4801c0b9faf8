"""The settings that make Pants 2.17 work on machines without GitHub, for tests that run Pants.

`./pants` exports PANTS_PEX_CLI_URL_TEMPLATE (its locally built pex) and PANTS_CA_CERTS_PATH,
and `[test].extra_env_vars` passes them through to the tests.
"""

from __future__ import annotations

import os
from typing import Tuple

PEX_KNOWN_VERSION = (
    "v2.1.137|linux_x86_64|e5777b50dadb5ac011f976d432cd7e48a0eb5d135a291c952e10aef0c4ccc782|3563509"
)

# What RuleRunner's processes need from the environment: interpreters and the caches.
RULE_RUNNER_ENV_INHERIT = frozenset({"PATH", "PYENV_ROOT", "HOME"})


def rule_runner_args() -> Tuple[str, ...]:
    """Global flags for RuleRunner, which reads no PANTS_* variables itself."""
    try:
        pex_url = os.environ["PANTS_PEX_CLI_URL_TEMPLATE"]
        ca_certs = os.environ["PANTS_CA_CERTS_PATH"]
    except KeyError as e:
        raise RuntimeError(
            f"{e.args[0]} is unset: run the tests with `./pants test`, which sets it."
        ) from None
    return (
        "--pex-cli-version=v2.1.137",
        f"--pex-cli-known-versions=['{PEX_KNOWN_VERSION}']",
        f"--pex-cli-url-template={pex_url}",
        f"--ca-certs-path={ca_certs}",
        "--subprocess-environment-env-vars=['PIP_CONFIG_FILE=/dev/null']",
        "--python-bootstrap-search-path=['<PYENV>', '<PATH>']",
    )


# For end-to-end runs of ./pants in temp repos.
PANTS_TOML = f"""\
[GLOBAL]
pants_version = "2.17.1"
ignore_warnings = ["DEPRECATED: Running Pants in an external Python interpreter"]
pythonpath = {{pythonpath}}
plugins = {{plugins}}
backend_packages = {{backends}}
pantsd = false

[source]
root_patterns = {{source_roots}}

[subprocess-environment]
env_vars = ["PIP_CONFIG_FILE=/dev/null"]

[pex-cli]
version = "v2.1.137"
known_versions = ["{PEX_KNOWN_VERSION}"]

[python]
interpreter_constraints = ["CPython>=3.9,<3.14"]
interpreter_versions_universe = ["3.9", "3.10", "3.11", "3.12", "3.13"]

[python-bootstrap]
search_path = ["<PYENV>", "<PATH>"]
"""
