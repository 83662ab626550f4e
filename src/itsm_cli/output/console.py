"""The rich Console the table formatters (`itsm gap`, `itsm rules`, `itsm explain`,
`itsm clauses`) write to: a buffer, colour only when the options allow it, the options'
width, and no highlighting, markup or emoji read into the text. rich is imported only when
one is made."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from itsm_cli.output import RenderOptions

if TYPE_CHECKING:
    from rich.console import Console


def buffer_console(buffer: io.StringIO, options: RenderOptions) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=options.width,
        highlight=False,
        markup=False,
        emoji=False,
    )
