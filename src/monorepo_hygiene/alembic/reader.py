"""Read Alembic migration files statically: bytes in, revision metadata out.

Alembic imports every migration module to learn its `revision`, `down_revision`, `branch_labels`
and `depends_on`. Importing runs arbitrary code and pulls in the application's models, so here the
module-level assignments are read with `ast` instead, and a value that only exists at runtime
(a call, an f-string, a name) is reported rather than guessed.

Only the module's head is parsed when it can be: the statements before the first top-level
`def`/`class`, provided no metadata name appears after it. The `upgrade()`/`downgrade()` bodies
are most of a file and irrelevant to the history, and skipping them makes reading about twice as
fast. The price: a syntax error inside those bodies is left to the linters (ruff, flake8), which
report it anyway; a syntax error in the head is reported here.
"""

from __future__ import annotations

import ast
import io
import posixpath
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple, Union

from ..source import NewerSyntax, SourceError, decode_source, parse_module
from .errors import MigrationReadError
from .wording import shortened

# Alembic's own file filter (`alembic.script.base._only_source_rev_file`): editor lock files
# (`.#name.py`) and anything named `__init__*` are not migrations.
_MIGRATION_FILE_RE = re.compile(r"(?!\.#|__init__).*\.py$")
# Alembic 0.1 files carry no `revision` variable; alembic takes the id from such a file name.
_LEGACY_FILE_RE = re.compile(r"([a-f0-9]+)\.py$")
_DOCSTRING_FIELD_RE = re.compile(
    r"^[ \t]*(Revision ID|Revises|Create Date):[ \t]*(.*?)[ \t\r]*$", re.MULTILINE
)
# Where a module's head ends. In column 0 these can only start a statement, or sit inside a
# string or an open bracket, in which case the head fails to parse and the whole file is parsed.
_FIRST_TOP_LEVEL_DEFINITION_RE = re.compile(r"^(?:def|async|class|@)\b", re.MULTILINE)

_REVISION = "revision"
_DOWN_REVISION = "down_revision"
_BRANCH_LABELS = "branch_labels"
_DEPENDS_ON = "depends_on"
_METADATA_NAMES = (_REVISION, _DOWN_REVISION, _BRANCH_LABELS, _DEPENDS_ON)


@dataclass(frozen=True)
class Migration:
    """One migration file's revision metadata, with the lines it was read from (1-based)."""

    path: str
    revision: str
    revision_line: int
    # () for a base; several for a merge migration.
    down_revisions: Tuple[str, ...]
    down_revision_line: int
    branch_labels: Tuple[str, ...] = ()
    branch_labels_line: Optional[int] = None
    depends_on: Tuple[str, ...] = ()
    depends_on_line: Optional[int] = None
    docstring_revision_id: Optional[str] = None
    docstring_revision_id_line: Optional[int] = None
    # None when the docstring has no `Revises:` line; () when it is empty (a base).
    docstring_revises: Optional[Tuple[str, ...]] = None
    docstring_revises_line: Optional[int] = None
    # The docstring's first line, which `alembic revision -m` fills with the message.
    message: Optional[str] = None

    @property
    def file_name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def is_base(self) -> bool:
        return not self.down_revisions

    @property
    def is_merge(self) -> bool:
        return len(self.down_revisions) > 1


@dataclass(frozen=True)
class History:
    """Every migration file of one versions directory: those read, and why the others weren't."""

    migrations: Tuple[Migration, ...]
    errors: Tuple[MigrationReadError, ...]


def is_migration_file(path: str) -> bool:
    """Whether alembic would load the file at `path` as a migration."""
    return _MIGRATION_FILE_RE.match(posixpath.basename(path)) is not None


def read_history(files: Mapping[str, bytes], whole_files: bool = True) -> History:
    """Read every migration among `files` (path -> content); one bad file spoils no other.

    The metadata comes from each file's head, up to its first top-level `def`/`class`; the rest
    is compiled (not parsed into an `ast`) to find syntax errors, unless `whole_files=False`
    (about 2x faster): then a syntax error further down goes unreported.
    """
    migrations: List[Migration] = []
    errors: List[MigrationReadError] = []
    for path in sorted(files):
        if not is_migration_file(path):
            continue
        try:
            migrations.append(read_migration(path, files[path], whole_file=whole_files))
        except MigrationReadError as e:
            errors.append(e)
    return History(tuple(migrations), tuple(errors))


def read_migration(path: str, content: bytes, whole_file: bool = True) -> Migration:
    """Read one migration file's metadata without importing it.

    Raises MigrationReadError naming the line when the file can't be decoded or parsed, lacks
    `revision` or `down_revision`, or computes one of the metadata values at runtime.
    """
    module = _parse_head(path, content, whole_file)
    values = _module_level_values(path, module)
    _refuse_global_rebinding(path, module)
    docstring = _read_docstring(module)

    if _REVISION in values:
        revision_line, revision_value = values[_REVISION]
        if not isinstance(revision_value, str):
            raise MigrationReadError(path, revision_line, "`revision` must be a string")
        revision = revision_value
    else:
        legacy = _LEGACY_FILE_RE.match(posixpath.basename(path))
        if legacy is None:
            raise MigrationReadError(path, 1, "missing `revision`")
        revision_line, revision = 1, legacy.group(1)
    if _DOWN_REVISION not in values:
        raise MigrationReadError(path, 1, "missing `down_revision`")
    down_revision_line, down_revision_value = values[_DOWN_REVISION]
    branch_labels_line, branch_labels_value = values.get(_BRANCH_LABELS, (None, None))
    depends_on_line, depends_on_value = values.get(_DEPENDS_ON, (None, None))

    return Migration(
        path=path,
        revision=revision,
        revision_line=revision_line,
        down_revisions=_as_ids(down_revision_value),
        down_revision_line=down_revision_line,
        branch_labels=_as_ids(branch_labels_value),
        branch_labels_line=branch_labels_line,
        depends_on=_as_ids(depends_on_value),
        depends_on_line=depends_on_line,
        docstring_revision_id=docstring.revision_id,
        docstring_revision_id_line=docstring.revision_id_line,
        docstring_revises=docstring.revises,
        docstring_revises_line=docstring.revises_line,
        message=docstring.message,
    )


def _parse_head(path: str, content: bytes, whole_file: bool) -> ast.Module:
    """The module's statements up to its first top-level definition, or all of them; with
    `whole_file`, the rest must compile too."""
    try:
        text = decode_source(path, content)
    except SourceError:
        return parse_migration(path, content)  # Which accepts what CPython accepts, or says why.
    head_end = _FIRST_TOP_LEVEL_DEFINITION_RE.search(text)
    # Plain substring tests ("revision" covers "down_revision"): fast, and a false alarm only
    # costs the full parse.
    if head_end is not None and not any(
        text.find(name, head_end.start()) != -1
        for name in ("revision", "branch_labels", "depends_on")
    ):
        try:
            head = ast.parse(text[: head_end.start()], filename=path)
        except (SyntaxError, ValueError):
            pass  # Cut inside a string or brackets, or a real error: the whole file tells.
        else:
            if whole_file:
                _check_compiles(path, content, text)
            return head
    return parse_migration(path, content)


def _check_compiles(path: str, content: bytes, text: str) -> None:
    """Raise MigrationReadError when the whole file doesn't compile, as alembic's import would.

    Compiling to bytecode is about twice as fast as building the `ast` of the bodies, which the
    metadata doesn't need, and it also catches what only the compiler rejects (`return` outside
    a function, ...), which the import would fail on too.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings (`"\d"`) are the linters' business.
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        parse_migration(path, content)  # Raises with the parser's message, or names newer syntax.
        line = e.lineno if isinstance(e, SyntaxError) and e.lineno else 1
        reason = e.msg if isinstance(e, SyntaxError) else str(e)
        raise MigrationReadError(path, line, f"syntax error: {reason}") from None


def parse_migration(path: str, content: bytes) -> ast.Module:
    """The whole migration file's `ast`, or a MigrationReadError naming the line and why."""
    try:
        module = parse_module(path, content)
    except SourceError as e:
        raise MigrationReadError(path, e.line, e.reason) from None
    if isinstance(module, NewerSyntax):
        raise MigrationReadError(
            path, 1, "uses syntax newer than the Python running the check; run it on a newer one"
        )
    return module


def decode_migration(path: str, content: bytes) -> Tuple[str, str]:
    """(text, encoding) of a migration file that CPython accepts; bytes that aren't valid in its
    encoding but that CPython accepts anyway (in a comment) are kept as surrogates, so
    `text.encode(encoding, "surrogateescape")` gives `content` back. Raises MigrationReadError."""
    try:
        # Accepts what CPython accepts, naming the line of what it doesn't; it reads a byte
        # CPython lets pass as U+FFFD, which would not encode back to the file.
        decode_source(path, content)
    except SourceError as e:
        raise MigrationReadError(path, e.line, e.reason) from None
    encoding = _detected_encoding(content)
    return content.decode(encoding, "surrogateescape"), encoding


def _detected_encoding(content: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(content).readline)[0]
    except SyntaxError:  # decode_source accepted the file, so this is only a stray byte.
        return "utf-8"


# A metadata value as written: a string, None, or a tuple of strings (lists are made tuples).
_Value = Union[None, str, Tuple[str, ...]]


def _module_level_values(path: str, module: ast.Module) -> Dict[str, Tuple[int, _Value]]:
    """The last module-level binding of each metadata name, as alembic's import would see it."""
    values: Dict[str, Tuple[int, _Value]] = {}
    for statement in module.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        elif isinstance(statement, ast.AugAssign):
            # `x += ...` builds on a runtime value, so it is never a literal.
            targets, value = [statement.target], None
        else:
            continue
        for target in targets:
            for name in _bound_metadata_names(target):
                if not isinstance(target, ast.Name):
                    raise MigrationReadError(
                        path,
                        statement.lineno,
                        f"`{name}` is assigned by unpacking; assign it alone",
                    )
                values[name] = (statement.lineno, _literal(path, name, value, statement))
    return values


def _refuse_global_rebinding(path: str, module: ast.Module) -> None:
    """A function that declares a metadata name `global` may rebind it when called, at import
    or later: the module-level value read here may not be the one alembic gets (the head is only
    cut short when no metadata name appears after it, so a `global` is always seen)."""
    for node in ast.walk(module):
        if isinstance(node, ast.Global):
            for name in node.names:
                if name in _METADATA_NAMES:
                    raise MigrationReadError(
                        path,
                        node.lineno,
                        f"`{name}` is declared `global` in a function, which may rebind it at "
                        "import; assign it once, at module level",
                    )


def _bound_metadata_names(target: ast.expr) -> List[str]:
    if isinstance(target, ast.Name):
        return [target.id] if target.id in _METADATA_NAMES else []
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _bound_metadata_names(element)]
    if isinstance(target, ast.Starred):
        return _bound_metadata_names(target.value)
    return []  # `x.revision = ...` or `x[revision] = ...` binds no module name.


def _literal(path: str, name: str, value: Optional[ast.expr], statement: ast.stmt) -> _Value:
    if value is not None:
        try:
            literal = ast.literal_eval(value)
        except (ValueError, TypeError):  # Not a literal, or e.g. an unhashable set member.
            pass
        else:
            if literal is None or isinstance(literal, str):
                return literal
            if isinstance(literal, (tuple, list)) and all(isinstance(i, str) for i in literal):
                return tuple(literal)
    raise MigrationReadError(
        path,
        statement.lineno,
        f"`{name}` is computed at runtime (`{shortened(ast.unparse(statement))}`); "
        "write a string, a tuple of strings or `None`",
    )


def _as_ids(value: _Value) -> Tuple[str, ...]:
    """Alembic's `util.to_tuple`: None -> (), a string -> one id, a sequence -> its ids."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return value


def _docstring_ids(text: str) -> Tuple[str, ...]:
    """The ids of a `Revises:` line. Alembic's template writes `a, b`; older ones (and hand
    edits, as in Apache Superset's history) wrote the value's repr: `('a', 'b')`, `'a'`, `None`."""
    parts = (part.strip(" \t'\"") for part in text.strip().strip("()[]").split(","))
    return tuple(part for part in parts if part and part != "None")


@dataclass(frozen=True)
class _Docstring:
    message: Optional[str] = None
    revision_id: Optional[str] = None
    revision_id_line: Optional[int] = None
    revises: Optional[Tuple[str, ...]] = None
    revises_line: Optional[int] = None


def _read_docstring(module: ast.Module) -> _Docstring:
    """The fields alembic's `script.py.mako` template writes into the module docstring."""
    if not module.body:
        return _Docstring()
    first = module.body[0]
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return _Docstring()
    docstring = first.value.value
    fields: Dict[str, Tuple[int, str]] = {}
    preamble_end = len(docstring)
    for field in _DOCSTRING_FIELD_RE.finditer(docstring):
        preamble_end = min(preamble_end, field.start())
        line = first.lineno + docstring.count("\n", 0, field.start())
        fields.setdefault(field.group(1), (line, field.group(2)))
    preamble_lines = (line.strip() for line in docstring[:preamble_end].split("\n"))
    message = next((line for line in preamble_lines if line), None)
    revision_id_line, revision_id = fields.get("Revision ID", (None, None))
    revises_line, revises_text = fields.get("Revises", (None, None))
    revises = None if revises_text is None else _docstring_ids(revises_text)
    return _Docstring(
        message=message,
        revision_id=revision_id or None,
        revision_id_line=revision_id_line,
        revises=revises,
        revises_line=revises_line,
    )
