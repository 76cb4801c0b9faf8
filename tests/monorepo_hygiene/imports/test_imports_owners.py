"""Module ownership lookups, namespace packages included."""

from __future__ import annotations

from monorepo_hygiene.imports.owners import SHARED, ModuleOwners

OWNERS = ModuleOwners(
    {
        "shop": "src/shop",
        "shop.models.user": "src/shop",
        "ns.left.a": "src/ns/left",
        "ns.left.b": "src/ns/left",
        "ns.right": "src/ns/right",
        "__future__": "src",
    }
)


def test_known_modules_have_their_owner() -> None:
    assert OWNERS.owner("shop.models.user") == "src/shop"
    assert OWNERS.owner("json") is None


def test_namespace_package_owned_by_one_build_file_has_that_owner() -> None:
    assert OWNERS.owner("shop.models") == "src/shop"
    assert OWNERS.owner("ns.left") == "src/ns/left"
    assert "ns.left" in OWNERS


def test_namespace_package_owned_by_several_build_files_is_shared() -> None:
    assert OWNERS.owner("ns") is SHARED


def test_longest_known_prefix_owns_a_name() -> None:
    assert OWNERS.longest_known("shop.models.user.User") == ("shop.models.user", "src/shop")
    assert OWNERS.longest_known("ns.other") == ("ns", SHARED)
    assert OWNERS.longest_known("os.path") is None


def test_future_is_never_first_party() -> None:
    assert "__future__" not in OWNERS
