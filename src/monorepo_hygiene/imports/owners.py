"""Which BUILD file owns a first-party module, answered by dict lookups on name prefixes.

Built once per batch from the adapter's module mapping. Namespace packages (directories without
`__init__`) are usually absent from that mapping, yet imports name them (`from ns import pkg`), so
every prefix of a known module is known too: owned by the single owner of everything under it,
or by `SHARED` when several BUILD files own parts of it.
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Tuple, Union


class _Shared:
    """A namespace package whose contents several BUILD files own: no single owner."""

    def __repr__(self) -> str:
        return "SHARED"


SHARED = _Shared()

Owner = Union[str, _Shared]


class ModuleOwners:
    def __init__(self, module_owners: Mapping[str, str]) -> None:
        subtree_owners: Dict[str, Owner] = {}
        for module, owner in module_owners.items():
            prefix = module
            while "." in prefix:
                prefix = prefix.rpartition(".")[0]
                current = subtree_owners.get(prefix)
                # An equal or SHARED prefix has already been merged into all of its own prefixes.
                if current == owner or current is SHARED:
                    break
                subtree_owners[prefix] = owner if current is None else SHARED
        subtree_owners.update(module_owners)
        subtree_owners.pop("__future__", None)  # A compiler directive, never first-party.
        self._owners = subtree_owners
        self._with_file = frozenset(module_owners)

    @classmethod
    def of(cls, module_owners: Union[ModuleOwners, Mapping[str, str]]) -> ModuleOwners:
        """The index itself, or one built from a plain mapping of module names to owners."""
        return module_owners if isinstance(module_owners, ModuleOwners) else cls(module_owners)

    def __contains__(self, module: str) -> bool:
        """Whether `module` is a first-party module or (namespace) package."""
        return module in self._owners

    def has_file(self, module: str) -> bool:
        """Whether `module` has a file of its own (a package: an `__init__`), not a namespace."""
        return module in self._with_file

    def owner(self, module: str) -> Optional[Owner]:
        """The owner of exactly `module`; None for third-party and standard library modules."""
        return self._owners.get(module)

    def longest_known(self, module: str) -> Optional[Tuple[str, Owner]]:
        """The longest known prefix of a dotted name with its owner (the module that holds it)."""
        owners = self._owners
        while True:
            owner = owners.get(module)
            if owner is not None:
                return module, owner
            if "." not in module:
                return None
            module = module.rpartition(".")[0]
