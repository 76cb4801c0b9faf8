"""The rule: given one import statement and who owns what, is it in the wanted form? And a
file's verdicts (`analyse`), which `fix` turns into findings, fixable (`[*]`) exactly when the
fix can be made.

Detection parses with the stdlib `ast` and walks statement blocks only, so checking a file costs
little more than parsing it. The rewrite of a file with a fixable finding is tried (`fix`), so
that `[*]` tells the truth: on the text (`text_fix`), checked against `ast`; libcst is loaded and
run only when that edit can't be shown right, or for syntax newer than the running interpreter.

Judging is pure functions over dotted names. Every fix is computed here as a target form
(`Rewrite`), and the wanted form of a module is decided by one function
(`_relative_form_if_wanted`) whichever form the statement is in now, which is what makes fixing
twice a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Tuple

from .. import file_checker
from ..findings import Finding
from ..noqa import is_suppressed
from ..source import NewerSyntax, SourceError, decode_source, parse_module
from . import codes
from .ast_statements import statements_from_ast
from .facts import ABSOLUTE, RELATIVE_WITHIN_BUILD_NO_PARENTS, FileFacts
from .owners import ModuleOwners, Owner
from .package_inits import PackageInits
from .statements import ImportedNames, ImportStatement, Rewrite, source_lines

# A referenced first-party module and its owner, or a name nobody owns and None.
_Reference = Tuple[str, Optional[Owner]]


class Verdict(NamedTuple):
    code: str
    message: str
    rewrite: Optional[Rewrite]


@dataclass(frozen=True)
class FileContext:
    """What the rule needs to know about the importing file, computed once per file."""

    # The package relative imports start from: the module itself for `__init__`, else its parent.
    package_parts: Tuple[str, ...]
    owner: str
    policy: str
    relative_wanted: bool
    # Relative imports only in the module's own package and below (one dot), like ruff's
    # TID252 `ban-relative-imports = "parents"`.
    parents_banned: bool
    # Why Python loads the file by path, with no parent package; None if it is imported.
    loaded_by_path: Optional[str] = None
    # The packages' `__init__`s, shared by the batch; none known: every package may bind names.
    package_inits: PackageInits = field(
        default_factory=lambda: PackageInits({}), compare=False, repr=False
    )

    @classmethod
    def of(cls, facts: FileFacts, package_inits: Optional[PackageInits] = None) -> FileContext:
        parts = tuple(facts.module.split("."))
        loaded_by_path = facts.loaded_by_path
        if loaded_by_path is None and not all(part.isidentifier() for part in parts):
            # No import statement can name it: whatever runs it loads it by path.
            loaded_by_path = f"`{facts.module}` is no valid module name"
        return cls(
            package_parts=parts if facts.is_package else parts[:-1],
            owner=facts.owner,
            policy=facts.policy,
            relative_wanted=facts.policy != ABSOLUTE,
            parents_banned=facts.policy == RELATIVE_WITHIN_BUILD_NO_PARENTS,
            loaded_by_path=loaded_by_path,
            package_inits=PackageInits({}) if package_inits is None else package_inits,
        )


def judge(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Optional[Verdict]:
    """The finding an import statement deserves, with its fix when one is safe; None if fine."""
    if context.loaded_by_path is not None:
        # Absolute imports are right there under every policy: a relative one can't work.
        return _judge_loaded_by_path(statement, context, owners) if statement.level else None
    if statement.level:
        return _judge_relative(statement, context, owners)
    if not context.relative_wanted:
        return None
    if statement.is_from:
        return _judge_absolute_from(statement, context, owners)
    return _judge_plain_import(statement, context, owners)


def _relative_form(package_parts: Tuple[str, ...], module: str) -> Optional[Rewrite]:
    """How `from <module> import ...` is spelled relatively from a package, if it can be.

    Relative imports can't leave the top-level package, so a module of another top-level
    package (or any module, from a top-level module) has no relative form.
    """
    parts = module.split(".")
    if not package_parts or parts[0] != package_parts[0]:
        return None
    common = 0
    for package_part, part in zip(package_parts, parts):
        if package_part != part:
            break
        common += 1
    return Rewrite(len(package_parts) - common + 1, ".".join(parts[common:]))


def _judge_absolute_from(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Optional[Verdict]:
    rewrite = _relative_form_if_wanted(statement.module, statement.names, context, owners)
    if rewrite is None:
        return None
    module = _references(statement.module, statement.names, owners)[0][0]
    return Verdict(codes.ABSOLUTE_WITHIN_BUILD, _same_build_message(module, context), rewrite)


def _judge_plain_import(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Optional[Verdict]:
    assert statement.names is not None  # `import *` isn't Python.
    for name, asname in statement.names:
        parent, _, last = name.rpartition(".")
        if not parent:
            continue  # A top-level package can't be imported relatively.
        rewrite = _relative_form_if_wanted(parent, ((last, asname),), context, owners)
        if rewrite is not None:
            # `import a.b.c` binds `a`, which no `from` form does: reported, never rewritten.
            # `import a.b.c as d` is `from a.b import c as d` when `a.b.c` is a module (else
            # the `from` form could bind an attribute `c` of `a.b`) and `a.b` binds no `c`
            # itself (the `from` form would take that); statements with several names would
            # have to be split.
            convertible = asname is not None and len(statement.names) == 1 and name in owners
            module = _references(parent, ((last, asname),), owners)[0][0]
            message = _same_build_message(module, context)
            if convertible:
                binds = context.package_inits.binding_reason(parent, last, owners.has_file(parent))
                if binds is not None:
                    message += f"; not fixable: {binds}"
                    convertible = False
            return Verdict(
                codes.ABSOLUTE_WITHIN_BUILD, message, rewrite if convertible else None
            )
    return None


def _judge_relative(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Optional[Verdict]:
    package_parts = context.package_parts
    if statement.level > len(package_parts):
        return _judge_beyond_top_level(statement, context, owners)
    base = ".".join(package_parts[: len(package_parts) - statement.level + 1])
    module = f"{base}.{statement.module}" if statement.module else base
    wanted = _relative_form_if_wanted(module, statement.names, context, owners)
    references = _references(module, statement.names, owners)
    if wanted is not None:
        if statement.level == 1 or not context.parents_banned:
            return None
        # The same module without climbing: `from ..models.user` is `from .user` in `models`.
        return Verdict(
            codes.RELATIVE_IMPORT_BANNED,
            f"Use `{'.' * wanted.level}{wanted.module}` for `{references[0][0]}`: "
            + _NO_PARENTS_REASON,
            wanted,
        )
    if not context.relative_wanted:
        return Verdict(
            codes.RELATIVE_IMPORT_BANNED,
            f"Use an absolute import for `{references[0][0]}` (policy `absolute`)",
            Rewrite(0, module),
        )
    elsewhere = [(name, owner) for name, owner in references if owner != context.owner]
    if not elsewhere:
        # Everything is this BUILD file's, but reached through a parent package.
        return Verdict(
            codes.RELATIVE_IMPORT_BANNED,
            f"Use an absolute import for `{references[0][0]}`: {_NO_PARENTS_REASON}",
            Rewrite(0, module),
        )
    name, owner = elsewhere[0]
    if isinstance(owner, str):
        reason = f"owned by another BUILD file (`{_build_file(owner)}`)"
    else:
        reason = f"not owned by this BUILD file (`{_build_file(context.owner)}`)"
    return Verdict(
        codes.RELATIVE_IMPORT_ACROSS_BUILD,
        f"Use an absolute import for `{name}`, {reason}",
        Rewrite(0, module),
    )


def _judge_loaded_by_path(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Verdict:
    """A relative import in a file loaded by path, which has no parent package to start from.

    The fix names the first-party module the import would reach if the file were imported as
    part of its package (where its author evidently thought it was), and only a known one.
    """
    package_parts = context.package_parts
    intended: Optional[str] = None
    if statement.level <= len(package_parts):
        base_parts = package_parts[: len(package_parts) - statement.level + 1]
        module = ".".join((*base_parts, statement.module) if statement.module else base_parts)
        if all(part.isidentifier() for part in base_parts) and module in owners:
            intended = module
    return Verdict(
        codes.RELATIVE_IMPORT_IN_FILE_LOADED_BY_PATH,
        f"Relative import `{statement.spelled_module}` fails in a file loaded by path "
        f"({context.loaded_by_path}): use "
        + (f"`{intended}`" if intended else "an absolute import"),
        None if intended is None else Rewrite(0, intended),
    )


def _judge_beyond_top_level(
    statement: ImportStatement, context: FileContext, owners: ModuleOwners
) -> Verdict:
    package_parts = context.package_parts
    problem = f"Relative import `{statement.spelled_module}` " + (
        f"climbs above the top-level package `{package_parts[0]}`"
        if package_parts
        else "has no parent package to start from"
    )
    intended = _intended_module(statement, package_parts, owners)
    if intended is None:
        return Verdict(codes.RELATIVE_IMPORT_BEYOND_TOP_LEVEL, problem, None)
    rewrite = _relative_form_if_wanted(intended, statement.names, context, owners)
    rewrite = rewrite or Rewrite(0, intended)
    return Verdict(
        codes.RELATIVE_IMPORT_BEYOND_TOP_LEVEL, f"{problem}; did you mean `{intended}`?", rewrite
    )


def _intended_module(
    statement: ImportStatement, package_parts: Tuple[str, ...], owners: ModuleOwners
) -> Optional[str]:
    """The one first-party module the climbing import can mean, if there is exactly one.

    Too many dots mean the author lost count: the candidates are the named module under each
    package on the way up from the file to the source root (where it is an absolute name).
    """
    if not statement.module:
        return None
    candidates = [
        ".".join((*package_parts[:depth], statement.module))
        for depth in range(len(package_parts), -1, -1)
    ]
    known = [candidate for candidate in candidates if candidate in owners]
    return known[0] if len(known) == 1 else None


def _references(module: str, names: ImportedNames, owners: ModuleOwners) -> List[_Reference]:
    """The modules `from <module> import <names>` refers to, one per name.

    A name is a submodule when the mapping knows `<module>.<name>`; otherwise it is an attribute
    of the longest known prefix of `<module>`, which owns it.
    """
    holder = owners.longest_known(module) or (module, None)
    if names is None:
        return [holder]
    references: List[_Reference] = []
    for name, _ in names:
        submodule = f"{module}.{name}"
        owner = owners.owner(submodule)
        references.append(holder if owner is None else (submodule, owner))
    return references


def _relative_form_if_wanted(
    module: str, names: ImportedNames, context: FileContext, owners: ModuleOwners
) -> Optional[Rewrite]:
    """The relative form of `from <module> import <names>` when the policy wants one, else None.

    Relative is wanted only when a relative form exists at all (checked first: it is cheap and
    rules out every import of another top-level package), has one dot if the policy bans
    relative imports from parent packages, and everything the statement refers to is owned by
    the importing file's own BUILD file.
    """
    if not context.relative_wanted:
        return None
    rewrite = _relative_form(context.package_parts, module)
    if rewrite is None or (context.parents_banned and rewrite.level > 1):
        return None
    if any(owner != context.owner for _, owner in _references(module, names, owners)):
        return None
    return rewrite


_NO_PARENTS_REASON = (
    f"no relative imports from parent packages (policy `{RELATIVE_WITHIN_BUILD_NO_PARENTS}`, "
    "ruff's TID252 `parents`)"
)


def _same_build_message(module: str, context: FileContext) -> str:
    """HI101's message, naming the depth the policy allows relative imports at."""
    if context.parents_banned:
        where = " and in this module's package"
        depth = "relative only in the own package and below"
    else:
        where, depth = "", "relative at any depth"
    return (
        f"Use a relative import for `{module}`, owned by the same BUILD file "
        f"(`{_build_file(context.owner)}`){where} (policy `{context.policy}`: {depth})"
    )


def _build_file(owner: str) -> str:
    return f"{owner}/BUILD" if owner else "BUILD"


@dataclass(frozen=True)
class Analysis:
    findings: Tuple[Finding, ...]
    statements: List[ImportStatement]
    # Fixes of unsuppressed findings, by position in `statements`.
    rewrites: Dict[int, Rewrite]
    # Read with libcst: syntax newer than the running interpreter's `ast`.
    newer_syntax: bool = False


def analyse(path: str, content: bytes, context: FileContext, owners: ModuleOwners) -> Analysis:
    """The findings of one file as judged, before any rewrite is tried."""
    try:
        parsed = parse_module(path, content)
    except SourceError as e:
        return Analysis((cannot_check(path, e.line, e.col, e.reason),), [], {})
    if isinstance(parsed, NewerSyntax):
        from .cst_statements import statements_from_cst  # libcst: only if needed.

        statements = statements_from_cst(parsed.text, parsed.module)
    else:
        statements = statements_from_ast(parsed)
    judged = []
    for ordinal, statement in enumerate(statements):
        verdict = judge(statement, context, owners)
        if verdict is not None:
            judged.append((ordinal, statement, verdict))
    newer_syntax = isinstance(parsed, NewerSyntax)
    if not judged:
        return Analysis((), statements, {}, newer_syntax)
    # Decoding again is cheaper than keeping every file's text for the rare file with findings.
    lines = source_lines(
        parsed.text if isinstance(parsed, NewerSyntax) else decode_source(path, content),
        max(statement.end_line for _, statement, _ in judged),
    )
    findings: List[Finding] = []
    rewrites: Dict[int, Rewrite] = {}
    for ordinal, statement, verdict in judged:
        if is_suppressed(verdict.code, lines[statement.line - 1 : statement.end_line]):
            continue
        first_line = lines[statement.line - 1]
        col = len(first_line.encode("utf-8")[: statement.col].decode("utf-8")) + 1
        findings.append(
            Finding(
                path,
                statement.line,
                col,
                verdict.code,
                verdict.message,
                fixable=verdict.rewrite is not None,
            )
        )
        if verdict.rewrite is not None:
            rewrites[ordinal] = verdict.rewrite
    return Analysis(tuple(findings), statements, rewrites, newer_syntax)


def cannot_check(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI100` finding of a file that can't be checked."""
    return file_checker.cannot_check(codes.CANNOT_CHECK, path, line, col, reason)
