"""`pants rebase-alembic`: put a branch's migrations back on top of the base branch's head.

A feature branch adds migrations; meanwhile the base branch gains its own; after merging the base
branch in, the history has two heads. This does by the book what people do by hand:

1. Work out the two sides. The base branch's revisions ("theirs": every revision in the tree of
   `--base-ref` or of the merge-base) may already be applied to databases and are never
   rewritten. The other heads are "ours"; each moves with its whole chain (the revisions only it
   has), the bottom of which gets the base head as its `down_revision`. Several chains of ours
   are stacked one after the other, oldest first by the commit that added them.
   `--onto` / `--revisions` name the base head and the tops explicitly instead.
2. Compare the schema operations of what moves with what it was written without, and refuse on
   an overlap (unless `--force`).
3. Rewrite only `down_revision` values and docstring `Revises:` lines, all files or none: files
   are replaced one by one, the history is read back and must have one head and the same
   revisions, and every file is restored on any failure.

`--strategy=merge` writes an empty merge migration instead. `plan_rebase` and `choose_targets`
are pure; `run_rebase` does the IO (git, files) around them.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import os
import posixpath
import shutil
import uuid
from dataclasses import dataclass
from typing import (
    AbstractSet,
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from .errors import AlembicHygieneError, UnknownRevisionError
from .git_history import (
    DEFAULT_BASE_REFS,
    ORIGIN_HEAD,
    GitError,
    GitRepo,
    NoBaseRefError,
    blob_id,
)
from .graph import RevisionGraph
from .merge_migration import (
    DEFAULT_FILE_TEMPLATE,
    ScriptTemplate,
    TemplateError,
    merge_message,
    new_revision_id,
    render_merge_migration,
)
from .operations import (
    Effect,
    Overlap,
    SchemaOperation,
    find_overlaps,
    upgrade_operations,
)
from .reader import History, is_migration_file, read_history
from .rewrite import rewrite_down_revision

REBASE = "rebase"
MERGE = "merge"
STRATEGIES = (REBASE, MERGE)


@dataclass(frozen=True)
class RebaseRequest:
    """One history to make linear. Paths are relative to `repo_root` (a directory in a git work
    tree); `versions_dirs` are the history's version locations."""

    repo_root: str
    versions_dirs: Tuple[str, ...]
    # The base branch; None: every one of `origin/HEAD`'s target, `origin/main`,
    # `origin/master`, `main`, `master` that exists.
    base_ref: Optional[str] = None
    # The base head to move onto, and the tops of the chains to move (explicit mode).
    onto: Optional[str] = None
    revisions: Tuple[str, ...] = ()
    # Print the diff and exit 1 if anything would change; write nothing.
    check: bool = False
    # Rebase even when both sides change the same table, column or index.
    force: bool = False
    allow_dirty: bool = False
    strategy: str = REBASE
    # alembic's `recursive_version_locations`.
    recursive: bool = False
    # Where `script.py.mako` lives; None: the parent of the first versions dir.
    script_dir: Optional[str] = None
    # alembic's `file_template`, for the merge migration's file name.
    file_template: str = DEFAULT_FILE_TEMPLATE
    # The command `--check` output tells people to run.
    fix_command: str = "pants rebase-alembic ::"
    # The history's migration files as discovery listed them (`check-alembic` reads the same);
    # () to list `versions_dirs` here.
    migration_paths: Tuple[str, ...] = ()

    @property
    def history_name(self) -> str:
        return ", ".join(self.versions_dirs)


@dataclass(frozen=True)
class RebaseOutcome:
    exit_code: int
    output: str
    changed_paths: Tuple[str, ...] = ()


class RebaseRefusedError(AlembicHygieneError):
    """The history can't be made linear safely as asked; nothing was written."""


class ProtectedRevisionError(RebaseRefusedError):
    def __init__(self, revision: str, path: str, line: int, base: str) -> None:
        self.revision = revision
        self.path = path
        self.line = line
        self.base = base
        super().__init__(
            f"`{revision}` ({path}:{line}) is on {base} and may already be applied to "
            "databases; it is never rewritten"
        )


class BaseHeadsError(RebaseRefusedError):
    def __init__(self, heads: Sequence[str]) -> None:
        self.heads = tuple(heads)
        super().__init__(
            f"the base branch's own revisions have several heads ({_ids(self.heads)}); joining "
            "them would rewrite applied revisions: use `--strategy=merge`"
        )


class AmbiguousSidesError(RebaseRefusedError):
    """Every head's chain is new to every base candidate: no side is known to be the base's."""

    def __init__(
        self,
        graph: RevisionGraph,
        heads: Sequence[str],
        candidates: Sequence[str],
        looked_for: Sequence[str],
    ) -> None:
        self.heads = tuple(heads)
        self.candidates = tuple(candidates)
        if candidates:
            where = f"new to every base candidate ({_refs(candidates)})"
        else:
            where = f"on no base branch (none of {_refs(looked_for)} exists)"
        chains = "".join(
            f"\n  head `{chain.head}`: {_chain_text(chain.revisions, graph)}"
            for chain in (graph.own_chain(head, [h for h in heads if h != head]) for head in heads)
        )
        super().__init__(
            f"can't tell which side is yours: every head's chain is {where}, and no merge "
            f"commit of this branch brought one in:{chains}\n"
            "Pass `--base-ref=<branch that has the other side>`, or `--onto=<head to keep>` "
            "(with `--revisions=<top to move>`)"
        )


def _chain_text(revisions: Sequence[str], graph: RevisionGraph, keep: int = 2) -> str:
    """`a` (a.py) -> `b` (b.py), bottom first; a long chain shows its ends."""
    shown = [f"`{r}` ({graph.migration(r).file_name})" for r in revisions]
    if len(shown) > 2 * keep + 1:
        shown = [*shown[:keep], f"... {len(shown) - 2 * keep} more", *shown[-keep:]]
    return " -> ".join(shown)


def _refs(refs: Sequence[str]) -> str:
    return ", ".join(f"`{ref}`" for ref in refs)


@dataclass(frozen=True)
class _BaseSide:
    """What git says is the base branch's: revisions never to rewrite, and where they are."""

    protected: FrozenSet[str] = frozenset()
    # The base candidates that exist (or `--base-ref`), and what was looked for.
    candidates: Tuple[str, ...] = ()
    # Merge commits on HEAD's first-parent line whose other parents count as the base's.
    merges: Tuple[str, ...] = ()
    looked_for: Tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"`{ref}`" for ref in self.candidates]
        if self.merges:
            parts.append("what " + ", ".join(f"`{m[:10]}`" for m in self.merges) + " merged in")
        return ", ".join(parts)


class ConflictError(RebaseRefusedError):
    def __init__(self, overlaps: Sequence[Overlap]) -> None:
        self.overlaps = tuple(overlaps)
        lines = "".join(f"\n  - {overlap.render()}" for overlap in self.overlaps)
        super().__init__(
            "both sides change the same schema objects (`--force` goes ahead anyway):" + lines
        )


class VerificationError(AlembicHygieneError):
    """The history read back after writing isn't what the plan promised."""


class RestoreError(AlembicHygieneError):
    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(
            f"could not restore {', '.join(self.paths)}; check them with `git diff` and "
            "`git checkout` them"
        )


# --- Planning (pure) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainMove:
    """A head's own chain put on top of `onto`."""

    head: str
    onto: str
    # Bottom first, `head` last.
    revisions: Tuple[str, ...]
    # Revisions that end up below the chain although it was written without them: what its
    # schema operations are compared with.
    unseen: Tuple[str, ...]


@dataclass(frozen=True)
class DownRevisionChange:
    revision: str
    path: str
    line: int
    old: Tuple[str, ...]
    new: Tuple[str, ...]

    def describe(self) -> str:
        return f"`down_revision` of `{self.revision}`: {_ids(self.old)} -> {_ids(self.new)}"


@dataclass(frozen=True)
class RebasePlan:
    moves: Tuple[ChainMove, ...]
    changes: Tuple[DownRevisionChange, ...]
    heads_after: Tuple[str, ...]


def choose_targets(
    graph: RevisionGraph, theirs: AbstractSet[str], added_order: Mapping[str, int]
) -> Tuple[Optional[str], Tuple[str, ...]]:
    """(onto, tops) when git decides: the head of the base branch's revisions (`theirs`), and
    every other head, oldest chain first (by `added_order`, revision -> commit position)."""
    present = {revision for revision in graph.revisions if revision in theirs}
    their_heads = sorted(
        revision
        for revision in present
        if not any(child in present for child in graph.children(revision))
    )
    if len(their_heads) > 1:
        raise BaseHeadsError(their_heads)
    onto = their_heads[0] if their_heads else None
    base = [onto] if onto is not None else []
    unknown = len(added_order) + 1

    def age(head: str) -> Tuple[int, str]:
        chain = graph.own_chain(head, base).revisions
        return min(added_order.get(revision, unknown) for revision in chain), head

    tops = sorted((head for head in graph.heads if head not in present), key=age)
    return onto, tuple(tops)


def stack_chains(
    graph: RevisionGraph, onto: Optional[str], tops: Sequence[str]
) -> Tuple[ChainMove, ...]:
    """Each top's own chain, stacked on `onto` and on the chains before it.

    Without `onto`, the first top's chain stays where it is and the others go on top of it. A top
    already below the stack moves nothing.
    """
    for revision in (*([onto] if onto is not None else []), *tops):
        if revision not in graph:
            raise UnknownRevisionError(revision)
    placed: List[str] = []
    stack: Set[str] = set()
    if onto is not None:
        placed.append(onto)
        stack |= graph.ancestors(onto) | {onto}
    moves: List[ChainMove] = []
    for top in tops:
        if top in stack:
            continue
        chain = graph.own_chain(top, placed)
        if placed:
            seen: Set[str] = set()
            for fork_point in chain.fork_points:
                seen |= graph.ancestors(fork_point) | {fork_point}
            unseen = tuple(sorted(stack - seen))
            moves.append(ChainMove(top, placed[-1], chain.revisions, unseen))
        stack |= set(chain.revisions)
        placed.append(top)
    return tuple(moves)


def plan_rebase(
    graph: RevisionGraph,
    tops: Sequence[str],
    onto: Optional[str],
    protected: AbstractSet[str],
    protected_by: str = "the base branch",
) -> RebasePlan:
    """The `down_revision` changes that stack each top's chain on `onto` (see `stack_chains`).

    In each chain, a revision whose `down_revision` leaves the chain (or that is a base) gets
    the chain's new parent in place of the outside ids, unless it already reaches the new parent
    through a parent inside the chain (a merge migration of ours and theirs keeps only ours).
    Raises ProtectedRevisionError when a chain holds a `protected` revision.
    """
    moves = stack_chains(graph, onto, tops)
    new_down: Dict[str, Tuple[str, ...]] = {
        revision: graph.migration(revision).down_revisions for revision in graph.revisions
    }
    changes: List[DownRevisionChange] = []
    for move in moves:
        members = set(move.revisions)
        for revision in move.revisions:
            if revision in protected:
                migration = graph.migration(revision)
                raise ProtectedRevisionError(
                    revision, migration.path, migration.revision_line, protected_by
                )
        reaching: Set[str] = set()
        for revision in move.revisions:
            old = new_down[revision]
            inside = [parent for parent in old if parent in members]
            if any(parent in reaching for parent in inside):
                new = tuple(inside)
            elif len(inside) < len(old) or not old:
                # The new parent takes the place of the first outside one.
                first = next((i for i, parent in enumerate(old) if parent not in members), 0)
                new = (*old[:first], move.onto, *(p for p in old[first:] if p in members))
            else:
                continue
            reaching.add(revision)
            if new != old:
                new_down[revision] = new
                migration = graph.migration(revision)
                changes.append(
                    DownRevisionChange(
                        revision, migration.path, migration.down_revision_line, old, new
                    )
                )
    after = RevisionGraph.from_migrations(
        dataclasses.replace(graph.migration(revision), down_revisions=new_down[revision])
        for revision in graph.revisions
    )
    return RebasePlan(moves, tuple(changes), after.heads)


def find_conflicts(
    moves: Sequence[ChainMove], operations: Callable[[str], Sequence[SchemaOperation]]
) -> Tuple[Tuple[Overlap, ...], Tuple[SchemaOperation, ...]]:
    """(overlaps, operations that couldn't be compared) between each chain and what it didn't
    see; `operations` gives a revision's upgrade operations."""
    overlaps: Dict[Tuple[str, str], Overlap] = {}
    unknown: Dict[SchemaOperation, None] = {}
    for move in moves:
        theirs = [op for revision in move.unseen for op in operations(revision)]
        ours = [op for revision in move.revisions for op in operations(revision)]
        for overlap in find_overlaps(theirs, ours):
            overlaps.setdefault((overlap.subject, overlap.reason), overlap)
        for op in (*theirs, *ours):
            if op.effect is Effect.UNKNOWN:
                unknown[op] = None
    return tuple(overlaps.values()), tuple(unknown)


# --- Running (IO) -------------------------------------------------------------------------------


def run_rebase(request: RebaseRequest) -> RebaseOutcome:
    """Make the request's history linear (or say what would change, with `check`)."""
    if request.strategy not in STRATEGIES:
        return _refused(request, f"unknown strategy `{request.strategy}` (use one of {STRATEGIES})")
    try:
        return _Rebase(request).run()
    except (AlembicHygieneError, OSError) as e:
        return _refused(request, str(e))


def _refused(request: RebaseRequest, reason: str) -> RebaseOutcome:
    return RebaseOutcome(1, f"Can't rebase `{request.history_name}`: {reason}")


class _Rebase:
    def __init__(self, request: RebaseRequest) -> None:
        self.request = request
        self.root = request.repo_root
        self.dirs = tuple(posixpath.normpath(d) for d in request.versions_dirs)
        self.notes: List[str] = []

    def run(self) -> RebaseOutcome:
        files = self._read_files()
        history = read_history(files)
        graph = _valid_graph(history)
        if len(graph.heads) <= 1:
            state = f"one head (`{graph.heads[0]}`)" if graph.heads else "no migrations"
            return RebaseOutcome(
                0, f"`{self.request.history_name}` has {state}: nothing to rebase."
            )

        git = self._git()
        onto, tops, protected, base = self._targets(git, graph, files)
        if self.request.strategy == MERGE:
            return self._merge(git, graph, files, onto, tops)

        plan = plan_rebase(graph, tops, onto, protected, base or "the base branch")
        if len(plan.heads_after) != 1:
            raise RebaseRefusedError(
                f"after moving, it would still have heads {_ids(plan.heads_after)}; name every "
                "top with `--revisions`"
            )
        self._check_conflicts(plan.moves, graph, files)
        contents = {
            change.path: rewrite_down_revision(change.path, files[change.path], change.new)
            for change in plan.changes
        }
        moved = "; ".join(f"{_ids(move.revisions)} onto `{move.onto}`" for move in plan.moves)
        if base:
            moved += f" (base: {base})"
        expected = frozenset(graph.revisions)
        _verify(read_history({**files, **contents}), expected)
        return self._apply(
            git,
            graph,
            originals={path: files[path] for path in contents},
            contents=contents,
            action=(f"move {moved}", f"moved {moved}"),
            describe={change.path: change.describe() for change in plan.changes},
            expected=expected,
        )

    # --- Steps ---

    def _read_files(self, written: Sequence[str] = ()) -> Dict[str, bytes]:
        """The history's files; `written` adds those this run created (a merge migration)."""
        if not self.request.migration_paths:
            return read_versions(self.root, self.dirs, self.request.recursive)
        files: Dict[str, bytes] = {}
        for path in dict.fromkeys((*self.request.migration_paths, *written)):
            if is_migration_file(path):
                with open(os.path.join(self.root, path), "rb") as f:
                    files[path] = f.read()
        return files

    def _git(self) -> Optional[GitRepo]:
        try:
            return GitRepo(self.root)
        except GitError:
            if self.request.onto is None and not self.request.revisions:
                raise
            self.notes.append(
                f"{self.root} is not in a git work tree: base branch revisions and uncommitted "
                "changes are not checked."
            )
            return None

    def _targets(
        self, git: Optional[GitRepo], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Tuple[Optional[str], Tuple[str, ...], FrozenSet[str], str]:
        """(onto, tops, protected revisions, what protects them)."""
        explicit = self.request.onto is not None or bool(self.request.revisions)
        base = self._base_revisions(git, graph, files, explicit)
        added = self._added_order(git, graph)
        if not explicit:
            onto, tops = choose_targets(graph, base.protected, added)
            if onto not in graph.heads:
                # No head is the base's: every chain is new, and which to move is a guess.
                raise AmbiguousSidesError(graph, tops, base.candidates, base.looked_for)
        else:
            onto, tops = self.request.onto, tuple(self.request.revisions)
            if onto is None:
                onto = self._default_onto(graph, base.protected, tops)
            if not tops:
                excluded = graph.ancestors(onto) | {onto}
                _, tops = choose_targets(graph, excluded, added)
        return onto, tops, base.protected, base.describe()

    def _base_revisions(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        files: Mapping[str, bytes],
        explicit: bool,
    ) -> "_BaseSide":
        """The revisions that are never rewritten: those of every base candidate's tree (and of
        its merge-base with HEAD), and those of every side HEAD's first-parent line merged in.
        A revision counts when a work-tree file at the same path is there, or a file there
        declares it."""
        if git is None:
            return _BaseSide()
        if self.request.base_ref is not None:
            git.commit(self.request.base_ref)  # A clear error when it names nothing.
            candidates: Tuple[str, ...] = (self.request.base_ref,)
        else:
            candidates = git.base_candidates()
        looked_for = (ORIGIN_HEAD, *DEFAULT_BASE_REFS)
        if not candidates and explicit:
            self.notes.append(
                f"{NoBaseRefError(looked_for)}: base branch revisions are not checked."
            )
        refs: List[str] = list(candidates)
        if git.ref_exists("HEAD"):
            for candidate in candidates:
                try:
                    refs.append(git.merge_base(candidate))
                except GitError:
                    pass  # Unrelated histories: the candidate's own tree is all there is.
        protected: Set[str] = set()
        for ref in dict.fromkeys(refs):
            protected |= self._revisions_at(git, ref, graph, files)
        # Where HEAD merged the other side in, the merge decides: its first parent is ours.
        merges: List[str] = []
        for merge, parent in git.merged_in_parents(candidates):
            theirs = self._revisions_at(git, parent, graph, files) - protected
            if theirs:
                protected |= theirs
                merges.append(merge)
        return _BaseSide(
            frozenset(protected),
            candidates,
            tuple(dict.fromkeys(merges)),
            looked_for if self.request.base_ref is None else candidates,
        )

    def _revisions_at(
        self, git: GitRepo, ref: str, graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Set[str]:
        base_ids = git.blob_ids_at(ref, self.dirs, self.request.recursive)
        found = {r for r in graph.revisions if graph.migration(r).path in base_ids}
        # Only files the work tree doesn't have as they are need reading.
        unknown = {
            path: object_id
            for path, object_id in base_ids.items()
            if path not in files or blob_id(files[path]) != object_id
        }
        contents = git.read_blobs(list(unknown.values()))
        found |= {m.revision for m in read_history(dict(zip(unknown, contents))).migrations}
        return found

    def _added_order(self, git: Optional[GitRepo], graph: RevisionGraph) -> Dict[str, int]:
        if git is None:
            return {}
        by_path = git.added_order("HEAD", self.dirs) if git.ref_exists("HEAD") else {}
        return {
            revision: by_path[graph.migration(revision).path]
            for revision in graph.revisions
            if graph.migration(revision).path in by_path
        }

    def _default_onto(
        self, graph: RevisionGraph, protected: AbstractSet[str], tops: Sequence[str]
    ) -> str:
        if protected:
            onto, _ = choose_targets(graph, protected, {})
            if onto is not None:
                return onto
        others = [head for head in graph.heads if head not in tops]
        if len(others) != 1:
            # Anything else is a guess: with three heads, which one is the base's?
            raise RebaseRefusedError("can't tell which head to rebase onto; pass `--onto`")
        return others[0]

    def _check_conflicts(
        self, moves: Sequence[ChainMove], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> None:
        read: Dict[str, Tuple[SchemaOperation, ...]] = {}

        def operations(revision: str) -> Tuple[SchemaOperation, ...]:
            if revision not in read:
                path = graph.migration(revision).path
                read[revision] = upgrade_operations(revision, path, files[path])
            return read[revision]

        overlaps, unknown = find_conflicts(moves, operations)
        if unknown:
            self.notes.append(
                "Not compared (raw SQL or operations this doesn't read): "
                + "; ".join(op.location() for op in unknown)
            )
        if overlaps and not self.request.force:
            raise ConflictError(overlaps)
        for overlap in overlaps:
            self.notes.append(f"Overlap (going ahead with `--force`): {overlap.render()}")

    def _merge(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        files: Mapping[str, bytes],
        onto: Optional[str],
        tops: Sequence[str],
    ) -> RebaseOutcome:
        self._check_conflicts(stack_chains(graph, onto, tops), graph, files)
        # Every head is merged (alembic's `merge heads`), the named or base one first.
        named = [head for head in (onto, *tops) if head in graph.heads]
        heads = tuple(dict.fromkeys((*named, *graph.heads)))
        revision = new_revision_id()
        template = self._script_template()
        migration = render_merge_migration(
            heads,
            revision,
            merge_message(heads),
            datetime.datetime.now(),
            template,
            self.request.file_template,
        )
        if template is not None and migration.engine == "built-in":
            self.notes.append(f"Rendered {template.path} with the built-in renderer (no mako).")
        path = posixpath.join(
            posixpath.dirname(graph.migration(heads[0]).path), migration.file_name
        )
        if path in files:
            raise RebaseRefusedError(f"{path} already exists")
        expected = frozenset((*graph.revisions, revision))
        _verify(read_history({**files, path: migration.content}), expected)
        merged = f"{_ids(heads)} with a merge migration"
        return self._apply(
            git,
            graph,
            originals={path: None},
            contents={path: migration.content},
            action=(f"merge {merged}", f"merged {merged}"),
            describe={path: f"merge migration `{revision}` of {_ids(heads)}"},
            expected=expected,
        )

    def _script_template(self) -> Optional[ScriptTemplate]:
        script_dir = self.request.script_dir or posixpath.dirname(self.dirs[0])
        path = posixpath.join(script_dir, "script.py.mako")
        try:
            with open(os.path.join(self.root, path), "rb") as f:
                return ScriptTemplate(path, f.read().decode("utf-8"))
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as e:
            raise TemplateError(path, 1, f"not UTF-8 ({e.reason})") from None

    def _apply(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        originals: Mapping[str, Optional[bytes]],
        contents: Mapping[str, bytes],
        action: Tuple[str, str],
        describe: Mapping[str, str],
        expected: FrozenSet[str],
    ) -> RebaseOutcome:
        """Print (`check`) or write the new contents; `action` says what they do, as
        (would-form, done-form)."""
        check = self.request.check
        heads = f"`{self.request.history_name}` has heads {_ids(graph.heads)}"
        lines = [*self.notes, f"{heads}: {action[0] if check else action[1]}."]
        for path in sorted(contents):
            verb = "create" if originals[path] is None else "update"
            verb = f"Would {verb}" if check else f"{verb.capitalize()}d"
            lines.append(f"{verb} {path}: {describe[path]}")
        if self.request.check:
            lines.append("")
            lines.extend(_diff(path, originals[path], contents[path]) for path in sorted(contents))
            lines.append(f"To fix, run `{self.request.fix_command}`.")
            return RebaseOutcome(1, "\n".join(lines))
        if git is not None and not self.request.allow_dirty:
            # Only migrations matter: untracked caches or notes next to them change nothing.
            dirty = [path for path in git.dirty_paths(self.dirs) if is_migration_file(path)]
            if dirty:
                raise RebaseRefusedError(
                    "uncommitted changes in "
                    + ", ".join(dirty)
                    + "; commit or stash them, or pass `--allow-dirty`"
                )

        def verify() -> None:
            _verify(read_history(self._read_files(written=tuple(contents))), expected)

        write_atomically(self.root, originals, contents, verify)
        return RebaseOutcome(0, "\n".join(lines), tuple(sorted(contents)))


def _valid_graph(history: History) -> RevisionGraph:
    if history.errors:
        raise RebaseRefusedError(
            "these migrations can't be read:" + "".join(f"\n  {e}" for e in history.errors)
        )
    graph = RevisionGraph.from_migrations(history.migrations)
    problems = [
        f"{graph.migration(revision).path}:{graph.migration(revision).down_revision_line}: "
        f"`down_revision` names `{missing}`, which isn't in the history"
        for revision, missing in graph.missing_down_revisions()
    ]
    problems.extend(
        "cycle: "
        + " -> ".join(
            f"`{r}` ({graph.migration(r).path}:{graph.migration(r).down_revision_line})"
            for r in cycle
        )
        for cycle in graph.cycles()
    )
    if problems:
        raise RebaseRefusedError(
            "fix the history first (`pants check-alembic`):" + "".join(f"\n  {p}" for p in problems)
        )
    return graph


def _verify(history: History, expected: AbstractSet[str]) -> None:
    if history.errors:
        raise VerificationError(f"the rewritten history can't be read: {history.errors[0]}")
    graph = RevisionGraph.from_migrations(history.migrations)
    if set(graph.revisions) != set(expected) or len(history.migrations) != len(expected):
        raise VerificationError("the rewritten history doesn't have the same revisions")
    if len(graph.heads) != 1 or graph.cycles() or graph.missing_down_revisions():
        raise VerificationError(
            f"the rewritten history has heads {_ids(graph.heads)} (expected one, no cycles)"
        )


def read_versions(
    root: str, versions_dirs: Sequence[str], recursive: bool = False
) -> Dict[str, bytes]:
    """The migration files of `versions_dirs` (repo-relative path -> content); missing dirs are
    empty."""
    files: Dict[str, bytes] = {}
    for directory in versions_dirs:
        top = os.path.join(root, directory)
        for current, subdirs, names in os.walk(top):
            if not recursive:
                subdirs.clear()
            subdirs[:] = [d for d in subdirs if d != "__pycache__"]
            relative = posixpath.normpath(
                posixpath.join(directory, os.path.relpath(current, top).replace(os.sep, "/"))
            )
            for name in names:
                path = posixpath.join(relative, name)
                if is_migration_file(path):
                    with open(os.path.join(current, name), "rb") as f:
                        files[path] = f.read()
    return files


def write_atomically(
    root: str,
    originals: Mapping[str, Optional[bytes]],
    contents: Mapping[str, bytes],
    verify: Callable[[], None],
) -> None:
    """Write every file of `contents` (path -> bytes; `originals[path]` None for a new file),
    then `verify()`; on any failure put every file back as it was and re-raise.

    Each file is staged next to its target and moved over it with `os.replace`, so a file is
    never half-written; the originals stay in memory for the way back.
    """
    staged: Dict[str, str] = {}
    replaced: List[str] = []
    try:
        for path, content in contents.items():
            staged[path] = _stage(os.path.join(root, path), content, originals[path] is None)
        for path, temporary in staged.items():
            os.replace(temporary, os.path.join(root, path))
            replaced.append(path)
        verify()
    except BaseException as error:
        for path, temporary in staged.items():
            if path not in replaced and os.path.exists(temporary):
                os.remove(temporary)
        unrestored = _restore(root, originals, replaced)
        if unrestored:
            raise RestoreError(unrestored) from error
        raise


def _stage(target: str, content: bytes, new: bool) -> str:
    """Write `content` next to `target`, under a name alembic ignores; returns that path."""
    directory, name = os.path.split(target)
    temporary = os.path.join(directory, f".{name}.{uuid.uuid4().hex[:8]}.rebase-alembic.tmp")
    # Created like any new file (0o666 less the umask); a rewrite then takes the old file's mode.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as f:
            f.write(content)
        if not new:
            shutil.copymode(target, temporary)
    except BaseException:
        os.remove(temporary)
        raise
    return temporary


def _restore(
    root: str, originals: Mapping[str, Optional[bytes]], replaced: Sequence[str]
) -> List[str]:
    unrestored = []
    for path in reversed(replaced):
        full = os.path.join(root, path)
        original = originals[path]
        try:
            if original is None:
                os.remove(full)
            else:
                # Staged and moved like the rewrite itself: opening the file for writing would
                # fail on a read-only (0444) one, which the rewrite could replace.
                os.replace(_stage(full, original, new=False), full)
        except OSError:
            unrestored.append(path)
    return unrestored


def _diff(path: str, old: Optional[bytes], new: bytes) -> str:
    old_lines = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new_lines = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(
        old_lines, new_lines, "/dev/null" if old is None else f"a/{path}", f"b/{path}"
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


def _ids(revisions: Sequence[str]) -> str:
    return ", ".join(f"`{r}`" for r in revisions) if revisions else "None"
