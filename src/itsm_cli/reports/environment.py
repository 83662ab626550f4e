"""The Jinja environment: sandboxed, strict about undefined names, autoescaping HTML, and
looking first in the records repository's own templates folder so any built-in template can be
overridden by placing one with the same name there. The bounds on what a template may read and
do are in `sandbox`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def _builtin_templates() -> Path:
    """The built-in report templates: the repository's top-level `templates/`, the one copy of
    them. The wheel ships that folder as `itsm_cli/templates` (pyproject.toml's build
    `sources`); an editable install or a checkout on the path has no such folder beside the
    package, and reads the top-level one in place, so an edit there shows without a
    reinstall."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "templates"
    if shipped.is_dir() or package.parent.name != "src":
        return shipped
    return package.parent.parent / "templates"


BUILTIN_TEMPLATES = _builtin_templates()
FORMAT_SUFFIX = {"html": "html", "md": "md"}


class ReportError(Exception):
    """A report cannot be rendered (a broken template): one line naming the template file and
    line (exit 2)."""


def make_environment(
    fmt: str, user_templates: Path | None = None, repository_root: Path | None = None
) -> Any:
    """The sandbox for `fmt`; `user_templates` (when it is a folder) is searched first and must
    resolve inside `repository_root`."""
    from jinja2 import ChoiceLoader, StrictUndefined

    from itsm_cli.reports.sandbox import BoundedSandbox, ContainedLoader

    if not BUILTIN_TEMPLATES.is_dir():
        raise ReportError(
            f"the built-in report templates are missing ({BUILTIN_TEMPLATES} is not a folder); "
            "reinstall itsm-cli"
        )
    loaders = []
    if user_templates is not None and user_templates.is_dir():
        loaders.append(ContainedLoader(user_templates, repository_root))
    loaders.append(ContainedLoader(BUILTIN_TEMPLATES))
    env = BoundedSandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from itsm_cli.reports import filters

    env.filters.update(filters.FILTERS)
    if fmt == "md":
        bounded = env.finalize
        env.finalize = lambda value: filters.markdown_output(bounded(value))
    env.bound_filters()
    return env


def _template_location(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line where a rendering error happened, from the traceback."""
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    lineno = getattr(exc, "lineno", None)
    if filename and lineno:
        return str(filename), int(lineno)
    tb = exc.__traceback__ or sys.exc_info()[2]
    found: tuple[str, int | None] = (str(filename or fallback), None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(path: str) -> str:
    """The template as named (a link is shown as the link), relative to the working folder."""
    for candidate in (Path(os.path.abspath(path)), Path(path).resolve()):
        if candidate.is_relative_to(Path.cwd()):
            return candidate.relative_to(Path.cwd()).as_posix()
    return Path(path).name if Path(path).is_relative_to(BUILTIN_TEMPLATES) else path


_TEMPLATE_FAULTS = (
    TypeError,
    ValueError,
    AttributeError,
    LookupError,
    ArithmeticError,
    AssertionError,
    RecursionError,
    MemoryError,
)
"""What a broken template raises besides Jinja's own errors: a filter given a value it cannot
take (`truncate(-5)` is an AssertionError), a macro calling itself, a number too large."""


def render_template(
    env: Any, name: str, context: dict[str, Any], seconds: float | None = None
) -> str:
    """Render `name` with `context` within `seconds` (default `sandbox.RENDER_SECONDS`); any
    template problem becomes a ReportError."""
    from jinja2 import TemplateError, TemplateNotFound

    from itsm_cli.reports import sandbox

    try:
        template = env.get_template(name)
        env.start(_shown(template.filename or name), seconds or sandbox.RENDER_SECONDS)
        text: str = template.render(**context)
    except TemplateNotFound as exc:
        file, line = _template_location(exc, name)
        where = f"{_shown(file)}:{line}: " if line else ""
        raise ReportError(f"{where}template not found: {exc.name}") from exc
    except TemplateError as exc:
        file, line = _template_location(exc, name)
        where = f"{_shown(file)}:{line}" if line else _shown(file)
        message = str(exc.message or exc).splitlines()[0] if hasattr(exc, "message") else str(exc)
        raise ReportError(f"{where}: {type(exc).__name__}: {message}") from exc
    except _TEMPLATE_FAULTS as exc:
        file, line = _template_location(exc, name)
        where = f"{_shown(file)}:{line}" if line else _shown(file)
        detail = str(exc).splitlines()[0] if str(exc) else "the template failed"
        raise ReportError(f"{where}: {type(exc).__name__}: {detail}") from exc
    return text
