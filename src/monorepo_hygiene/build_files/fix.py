"""The BUILD files (or targets appended to existing ones) that make every Python file owned.

Unowned files are grouped by their home (layout.py): the package root under `subtree`, their own
directory otherwise. Each home gets one target per kind of file it holds, like `pants tailor`:
`python_sources` for modules, `python_tests` for test modules, `python_test_utils` for
`conftest.py` and test stubs. A package root's targets own the subtree through `**/` globs.
Pants' own defaults are used where they take exactly the right files. Written globs each match a
file (Pants warns about those that don't), and a `python_sources` excludes every pattern of the
kinds planned beside it, so that test modules added later don't land in it. A target never takes
a file that another target owns or that belongs to another kind or home: such files get `!`
excludes, a whole directory where possible.

An existing BUILD file only gets targets of kinds it lacks, appended after its text. When it
already has that kind of target, the files belong in that target's `sources`, which the fix
does not touch: those files stay unowned and their finding is not fixable.
"""

from __future__ import annotations

import itertools
import posixpath
from collections import defaultdict
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from .facts import GlobFacts, RepoFacts, TargetFacts
from .options import DEFAULT_OPTIONS, BuildFileOptions
from .globs import escape_glob, glob_matches, owned_by_sources
from .layout import PANTS_DEFAULT_SOURCES, Kind, Layout
from .style import (
    BuildStyle,
    KwargValue,
    detect_build_style,
    render_target,
)


@dataclass(frozen=True)
class BuildFileEdit:
    """The whole new text of a BUILD file; `created` when the file does not exist yet."""

    path: str
    content: str
    created: bool


@dataclass(frozen=True)
class PlannedTarget:
    build_file: str
    alias: str
    name: str
    write_name: bool
    # None: the alias's default `sources`.
    sources: Optional[Tuple[str, ...]]
    owned_files: Tuple[str, ...]

    @property
    def kwargs(self) -> Tuple[Tuple[str, KwargValue], ...]:
        name = (("name", self.name),) if self.write_name else ()
        sources = (("sources", self.sources),) if self.sources is not None else ()
        return (*name, *sources)

    def to_facts(self) -> TargetFacts:
        directory = posixpath.dirname(self.build_file)
        owned = [_relative(path, directory) for path in self.owned_files]
        return TargetFacts(
            address=f"{directory}:{self.name}" if directory else f"//:{self.name}",
            alias=self.alias,
            build_file=self.build_file,
            owned_files=self.owned_files,
            globs=tuple(
                GlobFacts(pattern, any(glob_matches(pattern, path) for path in owned))
                for pattern in self.sources or ()
                if not pattern.startswith("!")
            ),
        )


def plan_build_files(
    repo: RepoFacts, options: BuildFileOptions = DEFAULT_OPTIONS
) -> Tuple[BuildFileEdit, ...]:
    """The BUILD file texts to write, sorted by path; empty when nothing is fixable."""
    style = detect_build_style(repo.build_file_contents)
    return _edits(repo, style, plan_targets(Layout(repo, options), style))


def simulate_plan(repo: RepoFacts, options: BuildFileOptions = DEFAULT_OPTIONS) -> RepoFacts:
    """The facts Pants would report once `plan_build_files`' edits are written."""
    style = detect_build_style(repo.build_file_contents)
    planned = plan_targets(Layout(repo, options), style)
    contents = {edit.path: edit.content for edit in _edits(repo, style, planned)}
    return replace(
        repo,
        build_files=tuple(sorted({*repo.build_files, *contents})),
        targets=(*repo.targets, *(target.to_facts() for target in planned)),
        build_file_contents={**repo.build_file_contents, **contents},
    )


def _edits(
    repo: RepoFacts, style: BuildStyle, planned: Sequence[PlannedTarget]
) -> Tuple[BuildFileEdit, ...]:
    by_build_file: Dict[str, List[PlannedTarget]] = defaultdict(list)
    for target in planned:
        by_build_file[target.build_file].append(target)
    edits = []
    for path in sorted(by_build_file):
        stanzas = "\n".join(render_target(style, t.alias, t.kwargs) for t in by_build_file[path])
        existing = repo.build_file_contents.get(path)
        if existing is None:
            edits.append(BuildFileEdit(path, stanzas, created=True))
        else:
            body = existing.rstrip("\n")
            content = f"{body}\n\n{stanzas}" if body.strip() else stanzas
            edits.append(BuildFileEdit(path, content, created=False))
    return tuple(edits)


def plan_targets(layout: Layout, style: BuildStyle) -> Tuple[PlannedTarget, ...]:
    unowned_by_home: Dict[str, List[str]] = defaultdict(list)
    for path in layout.unowned_files():
        unowned_by_home[layout.home(posixpath.dirname(path))].append(path)
    return tuple(
        target
        for home in sorted(unowned_by_home)
        for target in _plan_home(layout, style, home, unowned_by_home[home])
    )


def _plan_home(
    layout: Layout, style: BuildStyle, home: str, unowned: Sequence[str]
) -> List[PlannedTarget]:
    wanted: Dict[Kind, List[str]] = defaultdict(list)
    for path in unowned:
        if path not in layout.ignored:
            wanted[layout.kind(path)].append(path)
    build_file = layout.build_file_for(home)
    if layout.build_files_in(home) and build_file not in layout.repo.build_file_contents:
        return []
    present_aliases = {target.alias for target in layout.targets_in(home)}
    kinds = [k for k in Kind if wanted[k] and k.generator_alias not in present_aliases]
    recursive = layout.is_package_root(home)
    below_home = layout.files_below(home)
    # Ignored files (empty `__init__.py`) may be owned, but need not be.
    optional = frozenset(path for path in unowned if path in layout.ignored)
    includes = {kind: _includes(layout, kind, wanted[kind]) for kind in kinds}
    names = _names(layout, style, home, kinds)
    planned = []
    for kind in kinds:
        keep = frozenset(wanted[kind]) | optional
        sources = _sources(layout, kind, includes, keep, home, below_home, recursive)
        owned = owned_by_sources(
            sources if sources is not None else PANTS_DEFAULT_SOURCES[kind], home, below_home
        )
        name, write_name = names[kind]
        planned.append(
            PlannedTarget(build_file, kind.generator_alias, name, write_name, sources, owned)
        )
    return planned


def _sources(
    layout: Layout,
    kind: Kind,
    includes: Dict[Kind, Tuple[str, ...]],
    keep: FrozenSet[str],
    home: str,
    below_home: Sequence[str],
    recursive: bool,
) -> Optional[Tuple[str, ...]]:
    """The `sources` that own every wanted file of `kind` and nothing outside `keep`."""
    wanted = keep - layout.ignored
    if not recursive:
        owned = set(owned_by_sources(PANTS_DEFAULT_SOURCES[kind], home, below_home))
        if wanted <= owned <= keep:
            return None
    prefix = "**/" if recursive else ""
    sources = [prefix + pattern for pattern in includes[kind]]
    matched = owned_by_sources(sources, home, below_home)
    relative_keep = [_relative(path, home) for path in keep]
    extensions = {_extension(pattern) for pattern in includes[kind]}
    for other in Kind:
        if other == kind:
            continue
        for pattern in _kind_patterns(layout, other):
            # The catch-all `python_sources` leaves out the whole of each kind planned beside
            # it, so that such files added later don't land in it; otherwise only the files of
            # that kind it would take now are left out.
            whole = kind == Kind.SOURCES and other in includes and _extension(pattern) in extensions
            if not whole and not any(
                fnmatchcase(posixpath.basename(path), pattern) for path in matched
            ):
                continue
            exclude = prefix + pattern
            if f"!{exclude}" not in sources and not any(
                glob_matches(exclude, path) for path in relative_keep
            ):
                sources.append(f"!{exclude}")
    foreign = sorted(set(owned_by_sources(sources, home, below_home)) - keep)
    sources.extend(_foreign_excludes(foreign, relative_keep, home))
    return tuple(sources)


def _foreign_excludes(foreign: Sequence[str], relative_keep: Sequence[str], home: str) -> List[str]:
    """Excludes for files the target must not own: their topmost directory holding none it keeps."""
    kept_dirs: Set[str] = set()
    for path in relative_keep:
        parts = path.split("/")[:-1]
        kept_dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    excludes: List[str] = []
    for path in foreign:
        parts = _relative(path, home).split("/")
        exclude = "!" + "/".join(escape_glob(part) for part in parts)
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth])
            if directory not in kept_dirs:
                exclude = f"!{escape_glob(directory)}/**"
                break
        if exclude not in excludes:
            excludes.append(exclude)
    return excludes


def _kind_patterns(layout: Layout, kind: Kind) -> Tuple[str, ...]:
    """Basename patterns covering every file of `kind` (layout.Layout.kind's classification)."""
    if kind == Kind.SOURCES:
        return ("*.py", "*.pyi")
    if kind == Kind.TESTS:
        return layout.options.test_file_globs
    return ("conftest.py", "conftest.pyi", *layout.test_stub_globs)


def _includes(layout: Layout, kind: Kind, wanted: Sequence[str]) -> Tuple[str, ...]:
    """The kind's patterns matching a wanted file: Pants warns about written globs matching none."""
    return tuple(
        pattern
        for pattern in _kind_patterns(layout, kind)
        if any(fnmatchcase(posixpath.basename(path), pattern) for path in wanted)
    )


def _extension(pattern: str) -> str:
    return pattern.rsplit(".", 1)[-1]


def _names(
    layout: Layout, style: BuildStyle, home: str, kinds: Sequence[Kind]
) -> Dict[Kind, Tuple[str, bool]]:
    """(name, whether to write `name=`) per kind, unique in the BUILD file.

    The repo's conventional name for the kind if it has one; else, in a new BUILD file of a repo
    that doesn't spell names out, the first target takes the directory's default name (a lone
    `python_tests()`); else tailor's names.
    """
    default_name = posixpath.basename(home)
    taken = {target.name for target in layout.targets_in(home)}
    tailor_names = {
        Kind.SOURCES: (default_name, "lib"),
        Kind.TESTS: ("tests",),
        Kind.TEST_UTILS: ("test_utils",),
    }
    takes_default = not style.explicit_names and not layout.build_files_in(home)
    names = {}
    for index, kind in enumerate(kinds):
        first_default = (default_name,) if takes_default and index == 0 else ()
        preferred = (style.conventional_name(kind), *first_default, *tailor_names[kind])
        candidates = [name for name in preferred if name]
        numbered = (f"{candidates[-1]}{suffix}" for suffix in itertools.count(2))
        name = next(c for c in itertools.chain(candidates, numbered) if c not in taken)
        taken.add(name)
        names[kind] = (name, style.explicit_names or name != default_name)
    return names


def _relative(path: str, directory: str) -> str:
    return path[len(directory) + 1 :] if directory else path
