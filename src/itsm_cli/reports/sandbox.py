"""Jinja's sandbox with the bounds a report template from a pull request needs.

A records repository's templates are code a contributor can change, so they are treated as
hostile: every template (and everything it includes, imports or extends) must resolve, links
followed, inside its folder; a render is bounded in time (wall clock and loop steps) and in the
size of what it builds. The bounds are checks inside the sandbox's own hooks (calls, binary
operators, filters, every loop step, joins), never signals, so a render behaves the same on any
thread. Ranges are Jinja's own bound (`jinja2.sandbox.MAX_RANGE`, 100,000 items).
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# The classes below extend Jinja's, so jinja2 is needed at import; only
# reports.environment.make_environment imports this module, inside the function.
from jinja2 import BaseLoader, nodes  # noqa: TID253
from jinja2.compiler import CodeGenerator, Frame  # noqa: TID253
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound  # noqa: TID253
from jinja2.loaders import split_template_path  # noqa: TID253
from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: TID253
from jinja2.utils import generate_lorem_ipsum  # noqa: TID253

RENDER_SECONDS = 30.0
"""Wall-clock time one report's render may take (the built-in ones take well under a second
on 10,000 records)."""
MAX_STEPS = 25_000_000
"""Loop iterations plus calls in one render: bounds the memory a fast loop can pile up before
the clock runs out."""
MAX_ITEMS = 1_000_000
"""Longest sequence a template may build, longest string a repetition or a width may build,
and the most a collection printed as text may hold (counting everything inside it)."""
MAX_TEXT = 10_000_000
"""Longest string one value may be: a `~` join, a filter's or a call's (a macro's) result."""
MAX_OUTPUT = 250_000_000
"""Longest text a render (or a block or `{% set %}` capture inside it) may produce: the
built-in service report of 100,000 records is about 180 million characters."""
MAX_INT_BITS = 100_000
"""Largest integer `*` and `**` may produce (about 30,000 digits)."""
MAX_TEMPLATE_BYTES = 1_000_000
"""Largest template file read."""

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_PERCENT_WIDTH = re.compile(r"%[^a-zA-Z%]*?(\*|\d{7,})")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(\{|\d{7,})")


class TemplateOutsideFolder(TemplateError):
    """A template path resolves (through a link) outside its templates folder."""

    def __init__(self, message: str, filename: str | None = None) -> None:
        super().__init__(message)
        self.filename = filename


class TemplateLimitError(SecurityError):
    """A render hit one of the sandbox's size bounds."""


class TemplateTimeout(TemplateLimitError):
    """A render ran out of time or loop steps."""


def _count(number: int) -> str:
    return f"{number:,}"


def _refuse_size(what: str, size: int, limit: int = MAX_ITEMS, unit: str = "items") -> None:
    if size > limit:
        raise TemplateLimitError(
            f"{what} would hold {_count(size)} {unit}, over the limit of {_count(limit)}"
        )


def _refuse_length(what: str, size: int) -> None:
    _refuse_size(what, size, MAX_TEXT, "characters")


def _checked_size(value: Any, what: str) -> Any:
    if isinstance(value, (str, bytes)):
        _refuse_length(what, len(value))
    elif isinstance(value, _SIZED):
        _refuse_size(what, len(value))
    return value


def _deep_size(value: Any, limit: int = MAX_ITEMS) -> int:
    """Items and characters in `value` and everything it holds, counted until past `limit`
    (so the cost is bounded too): what printing it as text would produce, roughly."""
    total = 0
    todo = [value]
    while todo and total <= limit:
        item = todo.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            todo.extend(item)
        else:
            total += 1
    return total


def _refuse_deep(what: str, *values: Any, limit: int = MAX_ITEMS) -> None:
    """A collection printed as text (output, `~`, `%`, `string`, `tojson`, `join`) is as big
    as all it holds: `[[1] * 1000] * 1000` is a million items."""
    for value in values:
        collection = isinstance(value, (list, tuple, dict, set, frozenset))
        if collection and _deep_size(value, limit) > limit:
            raise TemplateLimitError(
                f"{what} holds over {_count(limit)} items and characters, counting "
                "everything inside it, the limit for text built from it"
            )


def _refuse_format(spec: Any) -> None:
    """A format string whose width or precision could build a huge string: one of seven
    digits or more, `*` in %-formatting, or a nested `{}` in a str.format spec."""
    if isinstance(spec, str) and (_PERCENT_WIDTH.search(spec) or _FORMAT_WIDTH.search(spec)):
        raise TemplateLimitError(
            f"the format string {spec[:40]!r} asks for a width of {_count(MAX_ITEMS)} or more, "
            "or a computed width"
        )


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SIZED) and isinstance(times, int):
                unit = "characters" if isinstance(seq, str) else "items"
                what = f"repeating a {type(seq).__name__} {_count(times)} times"
                _refuse_size(what, len(seq) * times, unit=unit)
        if isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() + right.bit_length()
            _refuse_size("the product", bits, MAX_INT_BITS, "bits")
    elif operator == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
        if isinstance(left, (str, bytes)):
            _refuse_length("the sum", len(left) + len(right))
        else:
            _refuse_size("the sum", len(left) + len(right))
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        if abs(left) > 1:
            bits = math.ceil(right * math.log2(abs(left)))
            _refuse_size("the power", bits, MAX_INT_BITS, "bits")
    elif operator == "%" and isinstance(left, str):
        _refuse_format(left)
        _refuse_deep("the formatted value", right)


def _refuse_width(what: str, width: Any, unit: str = "characters") -> None:
    if isinstance(width, int):
        _refuse_size(what, width, unit=unit)


def _check_str_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Methods of a string whose result can be far larger than their inputs."""
    if name in ("ljust", "rjust", "center", "zfill") and args:
        _refuse_width(f"str.{name}", args[0])
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            _refuse_length("str.expandtabs", len(text) + text.count("\t") * size)
    elif name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        _check_replace(text, args[0], args[1])
    elif name == "join" and args and hasattr(args[0], "__len__"):
        _refuse_length("str.join", len(text) * len(args[0]))
        _refuse_deep("str.join", args[0], limit=MAX_TEXT)
    elif name in ("format", "format_map"):
        _refuse_format(text)
        _refuse_deep("the formatted values", *args, *kwargs.values())


def _check_replace(text: str, old: str, new: str) -> None:
    if len(new) > len(old):
        hits = len(text) + 1 if old == "" else text.count(old)
        _refuse_length("the replacement", len(text) + hits * (len(new) - len(old)))


def _check_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Filters whose result can be far larger than their input; `args` start with the value
    (after any context the filter is passed)."""
    value, rest = (args[0], args[1:]) if args else (None, ())
    if name == "center" and rest:
        _refuse_width("the center filter", rest[0])
    elif name in ("slice", "batch") and rest:
        _refuse_width(f"the {name} filter", rest[0], "items")
    elif name == "indent":
        width = rest[0] if rest else kwargs.get("width", 4)
        lines = str(value).count("\n") + 1
        per_line = len(width) if isinstance(width, str) else width
        if isinstance(per_line, int):
            _refuse_length("the indent filter", lines * per_line)
    elif name == "tojson":
        _refuse_width("the tojson indent", rest[0] if rest else kwargs.get("indent"))
        _refuse_deep("the tojson filter", value, limit=MAX_TEXT)
    elif name == "replace" and len(rest) >= 2 and isinstance(value, str):
        _check_replace(value, str(rest[0]), str(rest[1]))
    elif name == "join" and isinstance(value, _SIZED):
        separator = rest[0] if rest else kwargs.get("d", "")
        _refuse_length("the join filter", len(value) * len(str(separator)))
        _refuse_deep("the join filter", value, limit=MAX_TEXT)
    elif name == "format":
        _refuse_format(value)
        _refuse_deep("the formatted values", *rest, *kwargs.values())
    elif name in ("string", "pprint", "e", "escape", "forceescape", "safe", "list"):
        _refuse_deep(f"the {name} filter", value)


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    _refuse_size("lipsum", n * max, 100_000, "words")
    return generate_lorem_ipsum(n, html, min, max)


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles every loop's iterable and every `~` join through the environment's bounds."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        counted_iter = nodes.Call(
            nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None, lineno=node.lineno
        )
        counted = nodes.For(
            node.target,
            counted_iter,
            node.body,
            node.else_,
            node.test,
            node.recursive,
            lineno=node.lineno,
        )
        super().visit_For(counted, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        # The parser never produces a call of an environment attribute, so this is ours:
        # compiled as a plain call, without the sandbox's (slower) checked call.
        if isinstance(node.node, nodes.EnvironmentAttribute):
            self.write(f"environment.{node.node.name}(")
            self.visit(node.args[0], frame)
            self.write(")")
            return
        # By keyword: Jinja's optimizeconst wrapper takes only (node, frame, **kwargs).
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # As Jinja's, with the operands checked before they become text and the result after.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.bounded_text({join}(environment.bounded_operands((")
        for operand in node.nodes:
            self.visit(operand, frame)
            self.write(", ")
        self.write("))))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus time, step and size bounds, restarted by `start()` before
    each render."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds = RENDER_SECONDS
        self.template_name = ""
        self._deadline = float("inf")
        self._steps = 0
        self.globals["lipsum"] = _bounded_lipsum
        self.finalize = self.bounded_output

    def start(self, template_name: str, seconds: float) -> None:
        self.template_name = template_name
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds
        self._steps = 0

    def step(self, clock: bool = False) -> None:
        """One loop iteration (the clock is read every 512) or, with `clock`, one call,
        filter or operator (each may take long on a big value: the clock is read every time)."""
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise TemplateTimeout(
                f"rendering {self.template_name} stopped after {_count(MAX_STEPS)} loop steps "
                "and calls, the limit for one report"
            )
        if (clock or self._steps % 512 == 0) and time.monotonic() > self._deadline:
            raise TemplateTimeout(
                f"rendering {self.template_name} took longer than {self.seconds:g} s, "
                "the limit for one report"
            )

    def counted(self, iterable: Iterable[Any]) -> Iterable[Any]:
        for item in iterable:
            self.step()
            yield item

    def bounded_operands(self, operands: tuple[Any, ...]) -> tuple[Any, ...]:
        _refuse_deep("a `~` operand", *operands)
        return operands

    @staticmethod
    def bounded_output(value: Any) -> Any:
        """The environment's `finalize`: every `{{ … }}` passes here before it is text."""
        _refuse_deep("the printed value", value)
        return value

    def bounded_text(self, text: Any) -> Any:
        return _checked_size(text, "the joined text")

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        collected: list[str] = []
        total = 0
        for part in parts:
            total += len(part)
            if total > MAX_OUTPUT:
                raise TemplateLimitError(
                    f"the rendered text would exceed {_count(MAX_OUTPUT)} characters"
                )
            collected.append(part)
        return "".join(collected)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.step(clock=True)
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step(clock=True)
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(method, "__name__", ""), args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        return _checked_size(result, f"the result of {getattr(method, '__name__', 'a call')}")

    def bound_filters(self) -> None:
        """Wrap every filter with the size checks (after all filters are registered)."""
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}

    def _bounded_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        passes_context = getattr(func, "jinja_pass_arg", None) is not None

        @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja still passes the context
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.step(clock=True)
            _check_filter(name, args[1:] if passes_context else args, kwargs)
            return _checked_size(func(*args, **kwargs), f"the {name} filter's result")

        return bounded


class ContainedLoader(BaseLoader):
    """Templates from one folder, each resolved (links followed) and refused unless it stays
    inside the folder's own resolved path, which itself must lie inside `boundary` (the
    records repository). A link inside the folder to another file inside it is fine."""

    def __init__(self, folder: Path, boundary: Path | None = None) -> None:
        self.folder = folder
        self.boundary = boundary

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        real_folder = Path(os.path.realpath(self.folder))
        real_boundary = real_folder
        if self.boundary is not None:
            real_boundary = Path(os.path.realpath(self.boundary))
            if not real_folder.is_relative_to(real_boundary):
                raise TemplateOutsideFolder(
                    f"the templates folder {self.folder.name} resolves outside the repository "
                    "(a link out); report templates must live inside it"
                )
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(real_folder):
            raise TemplateOutsideFolder(
                f"template {template} resolves outside the templates folder (a link out); "
                "a template and everything it includes must stay inside it",
                str(path),
            )
        if self.boundary is not None and ".git" in real.relative_to(real_boundary).parts:
            # With `templates = "."` the folder is the whole repository, and .git/config may
            # hold the CI job's credentials.
            raise TemplateOutsideFolder(
                f"template {template} is inside the repository's .git folder; refused",
                str(path),
            )
        if not real.is_file():
            raise TemplateNotFound(template)
        try:
            size = real.stat().st_size
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateLimitError(
                    f"template {template} is {_count(size)} bytes, over the limit of "
                    f"{_count(MAX_TEMPLATE_BYTES)}"
                )
            source = real.read_text(encoding="utf-8")
            mtime = real.stat().st_mtime
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"cannot read template {template}: {exc}") from exc

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate
