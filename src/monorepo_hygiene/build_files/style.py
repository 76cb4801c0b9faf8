"""The repo's BUILD file style, read from its BUILD files, and targets rendered in it.

Rendered targets are stable under black (what `pants update-build-files` runs): a call that fits
in 88 columns stays on one line, unless the repo writes its calls the way `pants tailor` does,
one argument per line; a longer call always gets one argument per line, with a trailing comma.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple, Union

from .layout import Kind

_LINE_LENGTH = 88

KwargValue = Union[str, Tuple[str, ...]]


@dataclass(frozen=True)
class BuildStyle:
    quote: str = '"'
    indent: str = "    "
    # Whether the repo spells out `name=` even where the default name would do.
    explicit_names: bool = False
    # (generator alias, name) pairs for names the repo gives that kind of target by convention,
    # such as `python_sources(name="lib")` everywhere.
    conventional_names: Tuple[Tuple[str, str], ...] = ()
    # Whether calls with arguments get one argument per line even when they would fit on one.
    exploded_calls: bool = False

    def conventional_name(self, kind: Kind) -> Optional[str]:
        return dict(self.conventional_names).get(kind.generator_alias)


def detect_build_style(build_file_contents: Mapping[str, str]) -> BuildStyle:
    """The majority style of the given BUILD files; black's defaults when they don't say."""
    quotes: Counter[str] = Counter()
    indents: Counter[str] = Counter()
    named = unnamed = 0
    names_by_alias: Counter[Tuple[str, str]] = Counter()
    named_by_alias: Counter[str] = Counter()
    layouts: Counter[bool] = Counter()
    generator_aliases = {kind.generator_alias for kind in Kind}
    for path in sorted(build_file_contents):
        text = build_file_contents[path]
        quotes.update(_string_quotes(text))
        indent = _smallest_indent(text)
        if indent:
            indents[indent] += 1
        calls = _calls(text)
        layouts.update(call.exploded for call in calls if call.has_arguments)
        for call in calls:
            if call.alias not in generator_aliases:
                continue
            if call.name is None:
                unnamed += 1
            else:
                named += 1
                names_by_alias[(call.alias, call.name)] += 1
                named_by_alias[call.alias] += 1
    conventional = tuple(
        (alias, name)
        for (alias, name), count in sorted(names_by_alias.items())
        if count >= 2 and count * 2 > named_by_alias[alias]
    )
    return BuildStyle(
        quote="'" if quotes["'"] > quotes['"'] else '"',
        indent=_most_common(indents, "    "),
        explicit_names=named > unnamed,
        conventional_names=conventional,
        exploded_calls=layouts[True] > layouts[False],
    )


def render_target(style: BuildStyle, alias: str, kwargs: Sequence[Tuple[str, KwargValue]]) -> str:
    """One target call, newline-terminated."""
    inline = ", ".join(f"{key}={_render_value(style, value)}" for key, value in kwargs)
    one_line = f"{alias}({inline})"
    if not kwargs or (len(one_line) <= _LINE_LENGTH and not style.exploded_calls):
        return one_line + "\n"
    lines = [f"{alias}("]
    for key, value in kwargs:
        argument = f"{style.indent}{key}={_render_value(style, value)},"
        if len(argument) <= _LINE_LENGTH or isinstance(value, str):
            lines.append(argument)
        else:
            lines.append(f"{style.indent}{key}=[")
            lines.extend(f"{style.indent * 2}{_quote(style, item)}," for item in value)
            lines.append(f"{style.indent}],")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _render_value(style: BuildStyle, value: KwargValue) -> str:
    if isinstance(value, str):
        return _quote(style, value)
    return "[" + ", ".join(_quote(style, item) for item in value) + "]"


def _quote(style: BuildStyle, text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(style.quote, "\\" + style.quote)
    return f"{style.quote}{escaped}{style.quote}"


def _string_quotes(text: str) -> Sequence[str]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [token.string.lstrip("rRbBuUfF")[0] for token in tokens if token.type == tokenize.STRING]


def _smallest_indent(text: str) -> str:
    indents = [
        line[: len(line) - len(line.lstrip())]
        for line in text.splitlines()
        if line.strip() and line[0] in " \t"
    ]
    return min(indents, key=len, default="")


@dataclass(frozen=True)
class _Call:
    alias: str
    name: Optional[str]
    has_arguments: bool
    exploded: bool
    line: int


def target_line(text: str, alias: str, name: str) -> int:
    """The line of the call declaring target `name` in a BUILD file's text (1 if not found).

    A call without `name=` declares the directory's default target, so it matches any `name`
    once no call spells that name out.
    """
    calls = [call for call in _calls(text) if call.alias == alias]
    named = [call for call in calls if call.name == name]
    unnamed = [call for call in calls if call.name is None]
    return (named or unnamed or [_Call(alias, name, False, False, 1)])[0].line


def _calls(text: str) -> Sequence[_Call]:
    """The calls of a BUILD file (targets and macros), as written."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = next(
                (
                    kw.value.value
                    for kw in node.keywords
                    if kw.arg == "name"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ),
                None,
            )
            arguments = [*node.args, *(kw.value for kw in node.keywords)]
            first_line = min((argument.lineno for argument in arguments), default=node.lineno)
            calls.append(
                _Call(node.func.id, name, bool(arguments), first_line > node.lineno, node.lineno)
            )
    return calls


def _most_common(counter: Counter[str], default: str) -> str:
    if not counter:
        return default
    # Ties go to the smaller string so that the choice does not depend on dict order.
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
