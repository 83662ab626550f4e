"""Large repositories are parsed by two processes (the last part in a forked child) when the
caller asks for it (the CLI does; the Python API does not by default). The result must be
exactly what one process gives, and anything going wrong with the child must only cost time:
its part is then parsed by the parent."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from itsm_cli.records import load
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.rules.engine import check_repository
from tests.helpers.paths import ROOT


def outcome(parallel: bool = True) -> tuple[list[Any], list[Any], list[str]]:
    workspace = load_workspace(ROOT)
    repository = load_repository(workspace, parallel=parallel)
    result = check_repository(repository, dt.date(2026, 11, 23), workspace.config)
    findings = [(f.rule, f.file, f.line, f.column, f.message, f.waived) for f in result.findings]
    records = [(r.id, r.file, r.line, r.document.positions) for r in repository.index.records]
    return findings, records, repository.files


@pytest.fixture
def sequential() -> tuple[list[Any], list[Any], list[str]]:
    return outcome(parallel=False)


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this system: loading is always sequential")
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)


def test_two_processes_give_exactly_what_one_gives(sequential: Any, forking: None) -> None:
    assert outcome() == sequential


def test_the_child_parses_its_part(
    sequential: Any, forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parent's own count: what the child parses is counted in the child's copy.
    parsed_here: list[str] = []
    read_one = load._read_one

    def counted(path: Any, rel: str, max_bytes: int) -> Any:
        parsed_here.append(rel)
        return read_one(path, rel, max_bytes)

    monkeypatch.setattr(load, "_read_one", counted)
    found = outcome()
    files = len(found[2])
    assert found == sequential
    assert len(parsed_here) == int(files * load.PARENT_SHARE)


def shared_structures(number: int) -> tuple[int, dict[str, Any]]:
    """A result that repeats objects within itself, as parsed records do (the same key
    strings, the same path tuples): pickle writes the repeats as back-references."""
    key = f"key-{number % 3}"
    path = ("spec", key)
    return os.getpid(), {"number": number, key: [path, path], "paths": {path: number}}


def test_every_result_of_the_child_is_its_own(forking: None) -> None:
    results = list(
        load.parallel_imap(shared_structures, list(range(40)), parallel=True, parent_share=0.25)
    )
    assert [data for _, data in results] == [shared_structures(n)[1] for n in range(40)]
    # The last part came from the child, not from the parent's fallback.
    assert {pid for pid, _ in results[:10]} == {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in results[10:]}


def test_the_parent_takes_the_child_s_results_while_the_child_is_still_working(
    forking: None, tmp_path: Path
) -> None:
    """The parent does not wait for the child's end: it reads each result as it is written."""
    parent = os.getpid()
    finished = tmp_path / "child-finished"

    def work(number: int) -> tuple[int, bool]:
        if os.getpid() != parent:
            time.sleep(0.02)
            if number == 39:
                finished.touch()
        return number, finished.exists()

    results = load.parallel_imap(work, list(range(40)), parallel=True, parent_share=0.25)
    seen = [next(results) for _ in range(11)]  # the parent's ten, then the child's first
    assert [number for number, _ in seen] == list(range(11))
    assert not finished.exists()  # the child is still at work on the rest
    rest = list(results)
    assert [number for number, _ in rest] == list(range(11, 40))
    assert finished.exists()


def test_a_caller_that_stops_early_leaves_no_child_behind(
    forking: None, tmp_path: Path
) -> None:
    parent = os.getpid()
    log = tmp_path / "child.log"

    def work(number: int) -> int:
        if os.getpid() != parent:
            with log.open("a") as out:
                out.write(f"{os.getpid()}\n")
            time.sleep(0.05)  # the child's part would take two seconds
        else:
            for _ in range(200):  # until the child has started
                if log.exists():
                    break
                time.sleep(0.01)
        return number

    results = load.parallel_imap(work, list(range(80)), parallel=True)
    assert next(results) == 0
    results.close()
    done = log.read_text().split()
    assert len(done) < 40  # stopped, not waited for
    with pytest.raises(ProcessLookupError):  # and reaped
        os.kill(int(done[0]), 0)


@pytest.mark.slow
def test_a_child_that_fails_costs_only_time(
    sequential: Any, forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(pickle.Pickler):
        def dump(self, obj: Any) -> None:
            raise RuntimeError("the child cannot send its part")

    monkeypatch.setattr(pickle, "Pickler", Broken)  # load.py pickles with this very module
    assert outcome() == sequential


def test_no_fork_means_one_process(
    sequential: Any, forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", refused)
    assert outcome() == sequential


def test_the_api_does_not_fork_unless_asked(
    sequential: Any, forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks: list[int] = []

    def counted() -> int:
        forks.append(1)
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", counted)
    assert outcome(parallel=False) == sequential
    assert forks == []
    assert outcome(parallel=True) == sequential
    assert forks == [1]
