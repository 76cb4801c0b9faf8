"""Whether `-> None` is certainly a function's return type: the rule behind HA101's fix.

Written once over the front ends' facts (`functions.FunctionView`, `ClassView`), so the `ast`
and libcst paths, and therefore `pants lint`'s `[*]` and `pants fix`, agree by construction.
"Certainly" means no type checker can disagree with the annotation, in this file or later:

- the body: no `return <value>`, no `yield`, not a stub (`...`/`pass`/docstring/`return None`
  only: a default hook, which subclasses in other files may override with any type), and some
  path ends normally or at a bare `return` (a body that always raises or exits is `NoReturn`);
- the signature around it: not an `@overload`-ed name (the overloads say the types), not
  `@abstractmethod` (overriders decide), not a dunder whose type the data model fixes
  (`__str__` returns `str`, `__bool__` a `bool`, ...), not one of several `def`s of one name
  in one scope (conditional variants must keep identical signatures: annotating one of them
  is a mypy error when another returns a value, or is `async`);
- the classes around it: every class whose method resolution order can meet this method
  (its own bases up to `object`, its subclasses in the file and theirs) is a class of this
  file or a vetted stdlib class, and none of them binds the name other than as a plain `def`
  that is, or by this same rule will be, `-> None`. A stdlib class (`abc.ABC`, `Exception`,
  `enum.Enum`, `threading.Thread`, ... : `stdlib_bases.STDLIB_BASES`) counts only when the
  file names it through an import directly in its module body, of a name bound nowhere else
  in the file (or a builtin the file doesn't bind), and it binds the name when typeshed
  declares it on the class or a stub ancestor in any Python version's branch: a table
  generated from typeshed and checked in, so the decision doesn't depend on the interpreter
  the checker runs on. `object`'s own stub declares dunders only, and those of `NONE_DUNDERS`
  as `-> None`. Any other base (`Protocol`, a third-party or conditional import) may declare
  any type. Subclasses in other files can't be seen: that is the one limit.

Each "not provable" has a stable reason, for tests and for counting what is left to humans.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from .functions import BodyFacts, ClassView, Flow, FunctionView, ModuleView, NameBindings
from .stdlib_bases import STDLIB_BASES

STUB = "stub"
GENERATOR = "generator"
RETURNS_VALUE = "returns a value"
NEVER_RETURNS = "never returns"
OVERLOADED = "overloaded"
ABSTRACT = "abstract"
DUNDER = "dunder with a fixed return type"
OVERRIDE = "override not provable"
REDEFINED = "defined more than once in its scope"

# Dunders whose value the data model ignores or wants to be None, and `__call__`/`__enter__`,
# whose type is free. Every other dunder has a type fixed by the data model (`__str__` -> str,
# `__len__` -> int, `__iter__` -> an iterator, ...); a body returning None there is a bug.
NONE_DUNDERS: FrozenSet[str] = frozenset(
    {
        "__init__",
        "__init_subclass__",
        "__post_init__",
        "__del__",
        "__setattr__",
        "__delattr__",
        "__setitem__",
        "__delitem__",
        "__set__",
        "__delete__",
        "__set_name__",
        "__exit__",
        "__aexit__",
        "__enter__",
        "__aenter__",
        "__call__",
    }
)
# Type checkers require these to return None and never compare them with a base's.
ALWAYS_NONE_METHODS: FrozenSet[str] = frozenset({"__init__", "__init_subclass__"})
ABSTRACT_DECORATORS: FrozenSet[str] = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"}
)
# Called as a statement, these never return (typeshed declares them `NoReturn`).
NO_RETURN_CALLS: FrozenSet[str] = frozenset(
    {
        "exit",
        "quit",
        "sys.exit",
        "os._exit",
        "os.abort",
        *(f"os.{name}" for name in ("execl", "execle", "execlp", "execlpe", "execv", "execve")),
        *(f"os.{name}" for name in ("execvp", "execvpe")),
        "pytest.fail",
        "pytest.skip",
        "pytest.exit",
        "pytest.xfail",
        "assert_never",
        "typing.assert_never",
        "typing_extensions.assert_never",
    }
)
NO_RETURN_ANNOTATIONS: FrozenSet[str] = frozenset({"NoReturn", "Never"})
OBJECT_BASES: FrozenSet[str] = frozenset({"object", "builtins.object"})


def _last(dotted: str) -> str:
    return dotted.rpartition(".")[2]


PROPERTY_ACCESSORS = (".setter", ".deleter", ".getter")


def _is_property_accessor(function: FunctionView) -> bool:
    return any(
        name is not None and (name == "property" or name.endswith(PROPERTY_ACCESSORS))
        for name in function.decorator_names()
    )


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


class NoneReturnJudge:
    """Decides, for the functions of one file, whether `-> None` is provable."""

    def __init__(self, module: ModuleView) -> None:
        self._module = module
        # What the file as a whole says, worked out on first need: most files have no finding.
        self._bindings: Optional[NameBindings] = None
        self._overloaded: Optional[Set[Tuple[int, str]]] = None
        self._redefined: Optional[Set[Tuple[int, str]]] = None
        self._no_return_names: Optional[Tuple[FrozenSet[str], FrozenSet[str]]] = None
        self._methods: Optional[Dict[Tuple[ClassView, str], List[FunctionView]]] = None
        self._facts: Dict[FunctionView, BodyFacts] = {}
        self._own_reasons: Dict[FunctionView, Optional[str]] = {}

    def reason(self, function: FunctionView) -> Optional[str]:
        """Why `-> None` is not provable for this unannotated function; None when it is."""
        own = self._own_reason(function)
        if own is not None or function.owner is None or function.name in ALWAYS_NONE_METHODS:
            return own
        return None if self._override_is_provable(function.owner, function) else OVERRIDE

    # --- The function by itself ---------------------------------------------------------

    def _own_reason(self, function: FunctionView) -> Optional[str]:
        if function not in self._own_reasons:
            self._own_reasons[function] = self._compute_own_reason(function)
        return self._own_reasons[function]

    def _body_facts(self, function: FunctionView) -> BodyFacts:
        if function not in self._facts:
            self._facts[function] = function.body_facts()
        return self._facts[function]

    def _compute_own_reason(self, function: FunctionView) -> Optional[str]:
        facts = self._body_facts(function)
        if facts.placeholder_only:
            return STUB
        if facts.yields:
            return GENERATOR
        if facts.returns_value:
            return RETURNS_VALUE
        if self._never_returns(facts.flow):
            return NEVER_RETURNS
        if self._overloaded is None:
            self._overloaded = {
                (other.scope, other.name)
                for other in self._module.functions
                if any(name and _last(name) == "overload" for name in other.decorator_names())
            }
        if (function.scope, function.name) in self._overloaded:
            return OVERLOADED
        if (function.scope, function.name) in self._redefined_names():
            return REDEFINED
        if any(name and _last(name) in ABSTRACT_DECORATORS for name in function.decorator_names()):
            return ABSTRACT
        if _is_dunder(function.name) and function.name not in NONE_DUNDERS:
            return DUNDER
        return None

    def _find_no_return_names(self) -> Tuple[FrozenSet[str], FrozenSet[str]]:
        """Functions of this file that never return, beyond `NO_RETURN_CALLS`.

        Declared ones (`-> NoReturn`/`-> Never`, methods too) match a call by their last name
        (`self.fail(...)`); unannotated module-level functions whose bodies never return
        (found until nothing changes: one may call another) match a plain-name call only.
        """
        declared = frozenset(
            function.name
            for function in self._module.functions
            if _last(function.return_annotation_name() or "") in NO_RETURN_ANNOTATIONS
        )
        candidates = [
            function
            for function in self._module.functions
            if function.module_level and not function.has_return_annotation
        ]
        inferred: Set[str] = set()
        while True:
            # `_flow` reads the names found so far.
            self._no_return_names = (declared, frozenset(inferred))
            found = {
                function.name
                for function in candidates
                if function.name not in inferred
                and self._never_returns(self._body_facts(function).flow)
            }
            if not found:
                return self._no_return_names
            inferred |= found

    def _never_returns(self, body: Tuple[Flow, ...]) -> bool:
        if self._no_return_names is None:
            self._no_return_names = self._find_no_return_names()
        falls_through, returns, _ = self._flow(body)
        return not falls_through and not returns

    def _flow(self, block: Iterable[Flow]) -> Tuple[bool, bool, bool]:
        """(may fall off its end, may reach a `return`, may `break`), over reachable code."""
        returns = breaks = False
        for statement in block:
            falls, statement_returns, statement_breaks = self._statement_flow(statement)
            returns = returns or statement_returns
            breaks = breaks or statement_breaks
            if not falls:
                return False, returns, breaks
        return True, returns, breaks

    def _statement_flow(self, statement: Flow) -> Tuple[bool, bool, bool]:
        kind = statement.kind
        if kind in ("raise", "assert_false", "continue"):
            return False, False, False
        if kind == "return":
            return False, True, False
        if kind == "break":
            return False, False, True
        if kind == "call":
            return not self._call_never_returns(statement.call or ""), False, False
        flows = [self._flow(block) for block in statement.blocks]
        if kind in ("if", "with", "match"):
            # A `with` may swallow the exception and a `match` may match no case: counting
            # them as ending means fewer fixes, never a wrong one.
            return (
                any(flow[0] for flow in flows),
                any(flow[1] for flow in flows),
                any(flow[2] for flow in flows),
            )
        if kind == "loop":
            (body_falls, body_returns, body_breaks), (else_falls, else_returns, else_breaks) = flows
            ends_normally = not statement.infinite and else_falls
            return ends_normally or body_breaks, body_returns or else_returns, else_breaks
        if kind == "try":
            body, orelse, final, *handlers = flows
            falls = (body[0] and orelse[0]) or any(handler[0] for handler in handlers)
            returns = body[1] or (body[0] and orelse[1]) or any(h[1] for h in handlers)
            breaks = body[2] or (body[0] and orelse[2]) or any(h[2] for h in handlers)
            final_falls, final_returns, final_breaks = final
            return (
                final_falls and falls,
                final_returns or (final_falls and returns),
                final_breaks or (final_falls and breaks),
            )
        return True, False, False

    def _call_never_returns(self, call: str) -> bool:
        assert self._no_return_names is not None  # Set by `_never_returns`.
        declared, inferred = self._no_return_names
        return call in NO_RETURN_CALLS or _last(call) in declared or call in inferred

    def _redefined_names(self) -> Set[Tuple[int, str]]:
        """(scope, name) of the names several `def`s bind in one scope, property accessors
        (`@x.setter`, ...) aside: they are one property, not variants of one function."""
        if self._redefined is None:
            seen: Set[Tuple[int, str]] = set()
            self._redefined = set()
            for other in self._module.functions:
                if _is_property_accessor(other):
                    continue
                key = (other.scope, other.name)
                (self._redefined if key in seen else seen).add(key)
        return self._redefined

    # --- The classes around it ------------------------------------------------------------

    def _override_is_provable(self, owner: ClassView, function: FunctionView) -> bool:
        related = self._related_classes(owner)
        if related is None:
            return False
        classes, stdlib_bases = related
        if any(function.name in STDLIB_BASES[base] for base in stdlib_bases):
            return False
        for cls in classes:
            if cls is owner:
                continue
            if function.name in cls.other_bindings:
                return False
            for other in self._class_methods().get((cls, function.name), ()):
                if not self._agrees_with_none(other):
                    return False
        return True

    def _class_methods(self) -> Dict[Tuple[ClassView, str], List[FunctionView]]:
        if self._methods is None:
            self._methods = {}
            for function in self._module.functions:
                if function.owner is not None:
                    key = (function.owner, function.name)
                    self._methods.setdefault(key, []).append(function)
        return self._methods

    def _agrees_with_none(self, other: FunctionView) -> bool:
        """A plain `def` that is `-> None`, or will be by the body rule."""
        if other.decorator_names():
            return False
        if other.has_return_annotation:
            return other.return_annotation_name() == "None"
        return self._own_reason(other) is None

    def _related_classes(self, owner: ClassView) -> Optional[Tuple[Set[ClassView], Set[str]]]:
        """Every class in the method resolution order of `owner` or of a subclass of it in
        this file, and the vetted stdlib bases among them (`STDLIB_BASES` keys); None when one
        of them has a base that is neither a class of this file nor such a stdlib class."""
        subclasses = {owner}
        changed = True
        while changed:
            changed = False
            names = {cls.name for cls in subclasses}
            for cls in self._module.classes:
                if cls in subclasses:
                    continue
                # A base spelled like one of them that isn't provably it (a nested class, a
                # rebound name, `module.Name`) may still be it.
                named = [base for base in cls.bases if base and _last(base) in names]
                if any(self._resolve(base) not in subclasses for base in named):
                    return None
                if named:
                    subclasses.add(cls)
                    changed = True
        related: Set[ClassView] = set()
        stdlib_bases: Set[str] = set()
        for cls in subclasses:
            ancestors = self._ancestors(cls, stdlib_bases)
            if ancestors is None:
                return None
            related |= ancestors
        return related, stdlib_bases

    def _ancestors(self, cls: ClassView, stdlib_bases: Set[str]) -> Optional[Set[ClassView]]:
        """`cls` and its bases, transitively; None if one of them is neither a class of this
        file nor a vetted stdlib class (those are added to `stdlib_bases`)."""
        found: Set[ClassView] = set()
        pending = [cls]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.add(current)
            for base in current.bases:
                if base in OBJECT_BASES and not self._is_rebound(base.partition(".")[0]):
                    continue
                stdlib = self._stdlib_base(base)
                if stdlib is not None:
                    stdlib_bases.add(stdlib)
                    continue
                resolved = self._resolve(base)
                if resolved is None:
                    return None
                pending.append(resolved)
        return found

    def _stdlib_base(self, base: Optional[str]) -> Optional[str]:
        """The `STDLIB_BASES` key a base names through the file's own bindings: an import
        directly in the module's body (`import abc` / `from abc import ABC as Base` /
        `import collections.abc as cabc`) of a name bound nowhere else in the file, or a
        builtin the file doesn't bind at all. None for anything else."""
        if base is None:
            return None
        bindings = self._name_bindings()
        if bindings.star_import:
            return None
        head, dot, rest = base.partition(".")
        if bindings.counts[head] == 0:
            qualified = f"builtins.{base}"
        elif bindings.counts[head] == 1 and head in bindings.module_imports:
            qualified = bindings.module_imports[head] + dot + rest
        else:
            return None
        return qualified if qualified in STDLIB_BASES else None

    def _resolve(self, base: Optional[str]) -> Optional[ClassView]:
        """The module-level class a base names, when that name is bound by it alone."""
        if base is None or "." in base:
            return None
        candidates = [cls for cls in self._module.classes if cls.name == base]
        if not candidates:
            return None
        bindings = self._name_bindings()
        if bindings.star_import or bindings.counts[base] != 1 or not candidates[0].module_level:
            return None
        return candidates[0]

    def _is_rebound(self, name: str) -> bool:
        # `object` and `builtins` are only what they seem when the file doesn't bind them.
        return self._name_bindings().star_import or self._name_bindings().counts[name] > 0

    def _name_bindings(self) -> NameBindings:
        if self._bindings is None:
            self._bindings = self._module.name_bindings()
        return self._bindings
