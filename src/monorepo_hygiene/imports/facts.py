"""The ownership facts the import rule needs, gathered by the build tool and passed in as JSON.

The checker never looks at BUILD files itself: the Pants adapter knows which target owns each
file and each first-party module, and writes them down in this shape (`FACTS.json`):

    {
      "files": {
        "src/shop/models/user.py": {
          "module": "shop.models.user",
          "is_package": false,
          "owner": "src/shop",
          "policy": "relative-within-build"
        },
        "src/shop/db/migrations/env.py": {
          "module": "shop.db.migrations.env",
          "is_package": false,
          "owner": "src/shop",
          "policy": "relative-within-build",
          "loaded_by_path": "Alembic loads it by path (script directory of `alembic.ini`)"
        }
      },
      "module_owners": {
        "shop": "src/shop", "shop.models": "src/shop", "shop.models.user": "src/shop"
      },
      "package_inits": {
        "shop": "src/shop/__init__.py", "shop.models": "src/shop/models/__init__.py"
      }
    }

- `files`: every file to check, keyed by the path given on the command line. `module` is its
  dotted name under its source root; `is_package` is true for `__init__.py` / `__init__.pyi`
  (whose module *is* the package); `owner` is the directory of the BUILD file declaring the
  target that owns it (`""` for the repo root); `policy` is `relative-within-build` (relative
  at any depth inside the subtree), `relative-within-build-no-parents` (relative only in the
  module's own package and below, like ruff's TID252 `parents`) or `absolute` (per target).
  `loaded_by_path` (optional) says why the file is loaded by its path
  rather than imported as part of its package (an Alembic script directory, say): relative
  imports fail there, so absolute ones are wanted under every policy. The checker also treats
  every file whose module name is not made of identifiers (`0002_add_stock.py`) that way.
- `module_owners`: every first-party module of the repo (packages with an `__init__` included;
  namespace packages may be left out, they are inferred from their contents) mapped to the
  owner of the target that owns it. A module not in here is third-party or standard library.
- `package_inits` (optional): packages mapped to their `__init__` file, handed to the checker
  with the files (at least those of the packages the batch's owners own): `import a.b.c as d`
  becomes `from a.b import c as d` only when `a.b`'s `__init__` is here and binds no `c`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

from .errors import FactsError
from .owners import ModuleOwners

RELATIVE_WITHIN_BUILD = "relative-within-build"
# Relative only for modules of the importing module's own package and below (`from .x`,
# `from .sub.x`), absolute once a parent package is needed: named after ruff's TID252
# `ban-relative-imports = "parents"` ("ban relative imports from parent modules").
RELATIVE_WITHIN_BUILD_NO_PARENTS = "relative-within-build-no-parents"
ABSOLUTE = "absolute"
POLICIES = (RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS, ABSOLUTE)


@dataclass(frozen=True)
class FileFacts:
    module: str
    is_package: bool
    owner: str
    policy: str = RELATIVE_WITHIN_BUILD
    # Why the file is loaded by path, without a parent package; None if it is imported.
    loaded_by_path: Optional[str] = None

    def __post_init__(self) -> None:
        _check_policy(self.module, self.policy)

    def to_json(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "module": self.module,
            "is_package": self.is_package,
            "owner": self.owner,
            "policy": self.policy,
        }
        if self.loaded_by_path is not None:
            data["loaded_by_path"] = self.loaded_by_path
        return data

    @classmethod
    def from_json(cls, where: str, data: Any) -> FileFacts:
        if not isinstance(data, dict):
            raise FactsError(where, "expected an object")
        try:
            module, is_package, owner = data["module"], data["is_package"], data["owner"]
        except KeyError as e:
            raise FactsError(where, f"missing key `{e.args[0]}`") from None
        policy = data.get("policy", RELATIVE_WITHIN_BUILD)
        loaded_by_path = data.get("loaded_by_path")
        if not isinstance(module, str) or not module:
            raise FactsError(where, "`module` must be a non-empty dotted name")
        if not isinstance(is_package, bool):
            raise FactsError(where, "`is_package` must be a boolean")
        if not isinstance(owner, str) or not isinstance(policy, str):
            raise FactsError(where, "`owner` and `policy` must be strings")
        if loaded_by_path is not None and not isinstance(loaded_by_path, str):
            raise FactsError(where, "`loaded_by_path` must be a string (the reason) or absent")
        _check_policy(where, policy)
        return cls(
            module=module,
            is_package=is_package,
            owner=owner,
            policy=policy,
            loaded_by_path=loaded_by_path,
        )


@dataclass(frozen=True)
class ImportFacts:
    files: Mapping[str, FileFacts]
    module_owners: Mapping[str, str]
    # Package -> its `__init__` file, as handed to the checker.
    package_inits: Mapping[str, str] = field(default_factory=dict)
    # Built once per batch: every check of every file looks owners up in it.
    owners: ModuleOwners = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "owners", ModuleOwners(self.module_owners))

    def to_json(self) -> Dict[str, Any]:
        return {
            "files": {path: facts.to_json() for path, facts in self.files.items()},
            "module_owners": dict(self.module_owners),
            "package_inits": dict(self.package_inits),
        }

    @classmethod
    def from_json(cls, data: Any) -> ImportFacts:
        if not isinstance(data, dict):
            raise FactsError("$", "expected an object with `files` and `module_owners`")
        files, module_owners = data.get("files"), data.get("module_owners")
        if not isinstance(files, dict):
            raise FactsError("files", "expected an object mapping paths to file facts")
        if not isinstance(module_owners, dict) or not all(
            isinstance(owner, str) for owner in module_owners.values()
        ):
            raise FactsError("module_owners", "expected an object mapping module names to owners")
        package_inits = data.get("package_inits", {})
        if not isinstance(package_inits, dict) or not all(
            isinstance(path, str) for path in package_inits.values()
        ):
            raise FactsError("package_inits", "expected an object mapping packages to files")
        return cls(
            files={
                path: FileFacts.from_json(f"files.{path}", facts) for path, facts in files.items()
            },
            module_owners=module_owners,
            package_inits=package_inits,
        )


def _check_policy(where: str, policy: str) -> None:
    if policy not in POLICIES:
        raise FactsError(
            where, f"unknown policy `{policy}` (expected one of {', '.join(POLICIES)})"
        )
