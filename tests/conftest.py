"""Shared test set-up: a stable terminal, so command output does not depend on who runs it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 columns, an ordinary terminal type, no colour forced on or off, not in CI."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def own_results_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test starts with an empty results cache of its own, outside the checkout (the
    default, `.itsm_cache/` at the repository root, would be this source tree)."""
    monkeypatch.setenv("ITSM_CACHE_DIR", str(tmp_path_factory.mktemp("itsm-cache")))
