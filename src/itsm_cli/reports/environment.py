"""The Jinja environment: sandboxed, strict about undefined names, autoescaping HTML, and
looking first in the records repository's own templates folder so any built-in template can be
overridden by placing one with the same name there."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMAT_SUFFIX = {"html": "html", "md": "md"}


class ReportError(Exception):
    """A report cannot be rendered (a broken template): one line naming the template file and
    line (exit 2)."""


def make_environment(fmt: str, user_templates: Path | None = None) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders = []
    if user_templates is not None and user_templates.is_dir():
        loaders.append(FileSystemLoader(str(user_templates)))
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from itsm_cli.reports import filters

    env.filters.update(filters.FILTERS)
    return env


def _template_location(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line where a rendering error happened, from the traceback."""
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    lineno = getattr(exc, "lineno", None)
    if filename and lineno:
        return str(filename), int(lineno)
    tb = exc.__traceback__ or sys.exc_info()[2]
    found: tuple[str, int | None] = (fallback, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).name if Path(path).is_relative_to(BUILTIN_TEMPLATES) else path


def render_template(env: Any, name: str, context: dict[str, Any]) -> str:
    """Render `name` with `context`; any template problem becomes a ReportError."""
    from jinja2 import TemplateError, TemplateNotFound

    try:
        template = env.get_template(name)
        text: str = template.render(**context)
    except TemplateNotFound as exc:
        raise ReportError(f"template not found: {exc.name}") from exc
    except TemplateError as exc:
        file, line = _template_location(exc, name)
        where = f"{_shown(file)}:{line}" if line else _shown(file)
        message = str(exc.message or exc).splitlines()[0] if hasattr(exc, "message") else str(exc)
        raise ReportError(f"{where}: {type(exc).__name__}: {message}") from exc
    except (TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError) as exc:
        file, line = _template_location(exc, name)
        where = f"{_shown(file)}:{line}" if line else _shown(file)
        raise ReportError(f"{where}: {type(exc).__name__}: {exc}") from exc
    return text
