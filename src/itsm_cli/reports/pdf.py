"""Reports as PDF: the HTML report laid out in pages by WeasyPrint (the extra `itsm-cli[pdf]`).

The HTML reports are self-contained (inline CSS and SVG, no scripts, no fetches), so the PDF
is made from the same text a browser shows, and nothing is read from the network or the
disk while it is laid out: every URL a template could name is refused, but `data:` URIs
(the text is already in the report).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

INSTALL_HINT = "pip install 'itsm-cli[pdf]'"


class PdfUnavailableError(Exception):
    """WeasyPrint (or the Pango it needs) is missing; the message says how to install it."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a report fetches nothing (refused: {url[:80]})")


def _fetcher() -> Any:
    """What WeasyPrint may read: `data:` URIs only (a cover's embedded logo). WeasyPrint 66
    and later take a URLFetcher, whose error handling needs the class; older ones a
    function."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith("data:"):
                return default_url_fetcher(url, *args, **kwargs)
            return _no_fetch(url)

        return fetch
    return URLFetcher(allowed_protocols={"data"})


def html_to_pdf(html: str, today: dt.date) -> bytes:
    """The PDF of a rendered HTML report."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library itself is missing
        raise PdfUnavailableError(
            f"--format pdf needs WeasyPrint: {INSTALL_HINT} ({type(exc).__name__}: {exc})"
            if isinstance(exc, OSError)
            else f"--format pdf needs WeasyPrint: {INSTALL_HINT}"
        ) from exc
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher())
    data: bytes = document.write_pdf(
        # The same records and --today give the same file: no clock in the metadata.
        pdf_identifier=b"itsm-cli-" + today.isoformat().encode(),
        custom_metadata=False,
    )
    return data
