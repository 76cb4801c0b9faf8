"""Render a history's `script.py.mako` as alembic does, with or without mako.

Alembic renders it with mako. The Pants process has neither alembic nor mako, so there are two
engines:
- mako itself, when it is importable (exactly alembic's `util.template_to_file`);
- otherwise a built-in renderer of the mako subset that alembic's own templates use: text and
  `${expression | filters}` substitutions, where an expression is a name, a string, `repr(...)` /
  `str(...)`, a call of a filter such as `comma`, `x if y else z` or `and`/`or`. A template with
  control lines (`%`), `##` comments or `<% %>` blocks is refused with a message saying so,
  rather than rendered differently from alembic.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Tuple

from .errors import TemplateError

_UNSUPPORTED_LINE_RE = re.compile(r"^[ \t]*(%|##)", re.MULTILINE)
_ESCAPED_NEWLINE_RE = re.compile(r"\\\r?\n")


@dataclass(frozen=True)
class ScriptTemplate:
    """A history's `script.py.mako`: its path (for messages) and text."""

    path: str
    text: str

def render_script_template(
    template: ScriptTemplate, context: Mapping[str, Any], allow_mako: bool = True
) -> Tuple[str, str]:
    """(text, engine): the template rendered by mako where it is installed (and allowed), else by
    the built-in renderer ("mako", "built-in"). Raises TemplateError naming the line."""
    if allow_mako and _mako_available():
        return _render_with_mako(template, context), "mako"
    return render_template(template.path, template.text, context), "built-in"


# mako is optional: Pants' own process (the plugins' resolve) has none, so no dependency on it is
# inferred; where it is installed (with alembic, which requires it), it renders the template.
def _mako_available() -> bool:
    try:
        import mako.template  # noqa: F401  # pants: no-infer-dep
    except ImportError:
        return False
    return True


def _render_with_mako(template: ScriptTemplate, context: Mapping[str, Any]) -> str:
    from mako import exceptions  # pants: no-infer-dep
    from mako.template import Template  # pants: no-infer-dep

    try:
        return str(Template(text=template.text).render_unicode(**context))
    except Exception as e:  # mako raises whatever the template's Python code raises.
        line = getattr(e, "lineno", None) or 1
        reason = f"rendering failed: {type(e).__name__}: {e}"
        if not isinstance(e, exceptions.MakoException):
            reason += " (`alembic merge` may define variables this doesn't, e.g. `config`)"
        raise TemplateError(template.path, line, reason) from None


# --- The built-in renderer ---------------------------------------------------------------------


class _Undefined:
    """mako's UNDEFINED: false in tests, an error when written."""

    def __bool__(self) -> bool:
        return False


_UNDEFINED = _Undefined()
_BUILTINS: Dict[str, Callable[[Any], Any]] = {"repr": repr, "str": str}
_FILTERS: Dict[str, Callable[[str], str]] = {"str": str, "unicode": str, "trim": str.strip}


def render_template(path: str, template: str, context: Mapping[str, Any]) -> str:
    """Render `template` (mako syntax, the subset described in this module's docstring)."""
    unsupported = _UNSUPPORTED_LINE_RE.search(template) or re.search(r"</?%", template)
    if unsupported is not None:
        raise TemplateError(
            path,
            _line_of(template, unsupported.start()),
            "uses mako control lines, comments or blocks, which need mako: install it "
            "(`pip install mako`) where this runs, or render the merge with `alembic merge`",
        )
    output: List[str] = []
    position = 0
    while True:
        start = template.find("${", position)
        text_end = len(template) if start < 0 else start
        output.append(_ESCAPED_NEWLINE_RE.sub("", template[position:text_end]))
        if start < 0:
            return "".join(output)
        code, filters, position = _split_expression(path, template, start)
        line = _line_of(template, start)
        output.append(_render_expression(path, line, code, filters, context))


def _split_expression(path: str, template: str, start: int) -> Tuple[str, Tuple[str, ...], int]:
    """(code, filters, end) of the `${code | filters}` at `start`, like mako's lexer: a `|` or
    `}` inside brackets or a string literal doesn't end the code."""
    depth, quote, index = 0, "", start + 2
    while index < len(template):
        char = template[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif char in "|}":
            code = template[start + 2 : index].replace("\r\n", "\n")
            if char == "}":
                return code, (), index + 1
            close = template.find("}", index)
            if close < 0:
                break
            filters = tuple(f.strip() for f in template[index + 1 : close].split(",") if f.strip())
            return code, filters, close + 1
        index += 1
    raise TemplateError(path, _line_of(template, start), "unclosed `${`")


def _render_expression(
    path: str, line: int, code: str, filters: Tuple[str, ...], context: Mapping[str, Any]
) -> str:
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError as e:
        raise TemplateError(path, line, f"`${{{code}}}` is not an expression: {e.msg}") from None
    value = _evaluate(path, line, tree.body, context)
    chain = filters if "n" in filters else ("str", *filters)
    for name in chain:
        if name == "n":
            continue
        if name in _FILTERS:
            value = _FILTERS[name](_written(path, line, value))
        elif callable(context.get(name)):
            value = context[name](value)
        else:
            raise TemplateError(path, line, f"unknown filter `{name}`; install mako to use it")
    return _written(path, line, value)


def _written(path: str, line: int, value: Any) -> str:
    if isinstance(value, _Undefined):
        raise TemplateError(path, line, "writes a variable `alembic merge` doesn't define")
    return str(value)


def _evaluate(path: str, line: int, node: ast.expr, context: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return context.get(node.id, _UNDEFINED)
    if isinstance(node, ast.IfExp):
        test = _evaluate(path, line, node.test, context)
        return _evaluate(path, line, node.body if test else node.orelse, context)
    if isinstance(node, ast.BoolOp):
        value: Any = None
        for operand in node.values:
            value = _evaluate(path, line, operand, context)
            if bool(value) == isinstance(node.op, ast.Or):
                return value
        return value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and len(node.args) == 1
        and not node.keywords
    ):
        name = node.func.id
        function = _BUILTINS.get(name) or context.get(name)
        if callable(function):
            argument = _evaluate(path, line, node.args[0], context)
            if isinstance(argument, _Undefined):
                raise TemplateError(path, line, f"`{name}(...)` of an undefined variable")
            return function(argument)
    raise TemplateError(
        path,
        line,
        f"`{ast.unparse(node)}` needs mako to render; install it (`pip install mako`) where "
        "this runs, or render the merge with `alembic merge`",
    )


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
