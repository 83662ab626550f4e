"""The results cache (`.itsm_cache/`): a second run over unchanged files reads what the
first stored instead of parsing again, and its findings are exactly those of a run without
the cache: cold and warm, after one file is edited, after `touch` with unchanged content, in
a fresh checkout with the cache restored, and with the cache damaged in any way."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_cli.cli.main import app
from itsm_cli.records import cache as results
from itsm_cli.records import yamlread
from itsm_cli.records.cache import ResultsCache
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES_DIR = TESTS / "fixtures"
TODAY = "2026-11-23"
runner = CliRunner()

# The fixture repositories compared: the bundled example, the valid set, the bad input
# (every E001-E006 case beside valid records), and rule fixtures with waivers and findings.
FIXTURES = {
    "example": ROOT,
    "valid": FIXTURES_DIR / "valid",
    "gap": FIXTURES_DIR / "gap",
    "due": FIXTURES_DIR / "due",
    "attainment": TESTS / "rules" / "attainment",
}


@pytest.fixture(autouse=True)
def default_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the cache folder themselves (and `run` changes folder)."""
    monkeypatch.delenv(results.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)


def copy_repository(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("records", "itsm.toml"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        elif (source / name).is_file():
            shutil.copy2(source / name, target / name)
    return target


def with_bad_input(target: Path) -> Path:
    """tests/valid plus every bad-input case (small enough to commit) under records/."""
    repo = copy_repository(FIXTURES_DIR / "valid", target)
    shutil.copytree(FIXTURES_DIR / "bad_input", repo / "records" / "under-test",
                    ignore=shutil.ignore_patterns("*.md"))
    return repo


def run(repo: Path, command: str, *args: str) -> tuple[int, str]:
    # Absolute paths: the folder of the run does not matter to the cache.
    os.chdir(repo)
    result = runner.invoke(
        app, [command, *(["--today", TODAY] if command != "validate" else []),
              "-f", "json", *args]
    )
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout


def cache_files(repo: Path) -> list[str]:
    folder = repo / results.CACHE_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def results_file(repo: Path) -> Path:
    (found,) = (repo / results.CACHE_DIR).glob("*.results")
    return found


def cache_of(repo: Path, folder: Path | None = None) -> ResultsCache:
    """The cache `itsm` uses for `repo`, as the Python API opens it."""
    settings = load_workspace(repo).config.model_dump(mode="json")
    return ResultsCache.for_settings(folder or repo / results.CACHE_DIR, settings)


def fail_if_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make parsing a file impossible, so a run that succeeds read everything cached."""

    def refuse(text: str, file: str) -> Any:
        raise AssertionError(f"{file} was parsed again")

    monkeypatch.setattr(yamlread, "parse_yaml", refuse)


@pytest.fixture(params=[*FIXTURES, "bad-input"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "bad-input":
        return with_bad_input(tmp_path / "repo")
    return copy_repository(FIXTURES[request.param], tmp_path / "repo")


@pytest.mark.parametrize("command", ["validate", "check"])
def test_cold_warm_and_no_cache_report_the_same(
    repo: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run(repo, command, "--no-cache")
    assert cache_files(repo) == []  # --no-cache writes nothing
    assert run(repo, command) == expected  # cold: fills the cache
    assert ".gitignore" in cache_files(repo)
    with monkeypatch.context() as patch:
        fail_if_parsed(patch)
        assert run(repo, command) == expected  # warm: nothing parsed


@pytest.mark.parametrize("command", ["validate", "check"])
def test_a_cache_filled_by_two_processes_reports_the_same(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From `PARALLEL_FROM` files on, the CLI parses half of them in a forked child, which
    also encodes their cache entries."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this system: loading is always sequential")
    from itsm_cli.records import load

    repo = with_bad_input(tmp_path / "repo")
    expected = run(repo, command, "--no-cache")
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    assert run(repo, command, "--no-cache") == expected
    assert run(repo, command) == expected  # cold: half the entries come from the child
    with monkeypatch.context() as patch:
        fail_if_parsed(patch)
        assert run(repo, command) == expected


def test_the_cache_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    run(repo, "validate")
    folder = repo / ".itsm_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")
    header = results_file(repo).read_bytes().split(b"\n", 1)[0]
    assert json.loads(header)["format"] == results.FORMAT  # JSON, nothing to unpickle


def test_one_file_edited_is_read_again(tmp_path: Path) -> None:
    repo = copy_repository(ROOT, tmp_path / "repo")
    run(repo, "check")
    target = next((repo / "records" / "services").glob("*.yaml"))
    text = target.read_text()
    target.write_text(text.replace("criticality: ", "criticality: enormous  # ", 1))
    edited = run(repo, "check")
    assert edited == run(repo, "check", "--no-cache")
    assert "criticality" in edited[1] and edited[0] == 1
    target.write_text(text)  # back as it was: the first result again
    assert run(repo, "check") == run(repo, "check", "--no-cache")


def test_same_size_edit_within_the_same_second_is_seen(tmp_path: Path) -> None:
    """A change that keeps the size and lands in the same clock tick as the stored read
    moves neither size nor time; a file that recent is hashed, so it is still seen."""
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    target = next((repo / "records").rglob("*.yaml"))
    text = target.read_text()
    target.write_text(text)  # written just now, as an editor saves it
    before = target.stat()
    run(repo, "validate")
    changed = text.replace("apiVersion: itsm/v1", "apiVersion: itsm/v9", 1)
    assert len(changed) == len(text) and changed != text
    target.write_text(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out = run(repo, "validate")
    assert code == 1 and "E005" in out


def test_touch_with_the_same_content_still_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy_repository(ROOT, tmp_path / "repo")
    expected = run(repo, "check")
    later = 2_000_000_000
    for path in (repo / "records").rglob("*.yaml"):
        os.utime(path, (later, later))
    with monkeypatch.context() as patch:
        fail_if_parsed(patch)
        assert run(repo, "check") == expected


def test_a_fresh_checkout_with_the_cache_restored_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CI does: a new clone (every file newer, its own times) and the cache folder
    restored by actions/cache. The content hashes match, so nothing is parsed."""
    first = copy_repository(ROOT, tmp_path / "first")
    expected = run(first, "check")
    clone = tmp_path / "clone"
    shutil.copytree(first / "records", clone / "records")  # new modification times
    shutil.copytree(first / ".itsm_cache", clone / ".itsm_cache")
    with monkeypatch.context() as patch:
        fail_if_parsed(patch)
        code, out = run(clone, "check")
    assert (code, out) == expected
    workspace = load_workspace(clone)
    cache = cache_of(clone)
    repository = load_repository(workspace, cache=cache)
    assert cache.misses == 0 and cache.hits == len(repository.files)


@pytest.mark.parametrize(
    "damage",
    ["flip a byte of an entry", "truncate", "garbage", "empty", "pickle", "a folder"],
)
def test_a_damaged_cache_costs_only_time(tmp_path: Path, damage: str) -> None:
    repo = with_bad_input(tmp_path / "repo")
    expected = run(repo, "check", "--no-cache")
    run(repo, "check")
    target = results_file(repo)
    blob = target.read_bytes()
    marker = tmp_path / "unpickled"
    if damage == "flip a byte of an entry":
        at = len(blob) * 3 // 4
        target.write_bytes(blob[:at] + bytes([blob[at] ^ 0x20]) + blob[at + 1 :])
    elif damage == "truncate":
        target.write_bytes(blob[: len(blob) // 2])
    elif damage == "garbage":
        target.write_bytes(os.urandom(len(blob)))
    elif damage == "empty":
        target.write_bytes(b"")
    elif damage == "pickle":
        target.write_bytes(pickle.dumps(Marker(str(marker))))
    else:
        target.unlink()
        target.mkdir()
    assert run(repo, "check") == expected
    assert not marker.exists()
    assert run(repo, "check") == expected  # and once repaired


class Marker:
    """Would write a file if anyone unpickled it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "unpickled"))  # type: ignore[return-value]


def test_two_writers_at_once_cost_only_time(tmp_path: Path) -> None:
    """Two runs that read the cache, then write it one after the other: the last writer
    wins, what the other stored is read again next time; a stray temporary file of a
    writer that died is no results file."""
    repo = copy_repository(ROOT, tmp_path / "repo")
    expected = run(repo, "check", "--no-cache")
    workspace = load_workspace(repo)
    first, second = cache_of(repo), cache_of(repo)
    services = [repo / "records" / "services"]
    load_repository(workspace, services, cache=first)
    load_repository(workspace, [repo / "records" / "agreements"], cache=second)
    (repo / ".itsm_cache" / ".tmp-died.tmp").write_bytes(b"half a results file")
    assert run(repo, "check") == expected
    again = cache_of(repo)
    load_repository(workspace, cache=again)
    assert again.misses == 0


def test_the_salt_covers_every_module_that_reads_or_validates_records() -> None:
    """Every file of the record and clause packages, subpackages (the kinds) included, is
    in the code fingerprint: a changed kind must start a new cache, not reuse the old."""
    import itsm_cli

    package = Path(itsm_cli.__file__).parent
    expected = {
        path.relative_to(package).as_posix()
        for folder in ("records", "clauses")
        for path in (package / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    salted = {name for name, _ in results.salted_files()}
    assert "records/kinds/service.py" in salted
    assert expected <= salted
    assert {"findings.py", "dates.py", "config.py"} <= salted


def test_another_configuration_is_another_cache(tmp_path: Path) -> None:
    """The settings are part of the salt: a smaller max-file-size must refuse a file the
    warm cache holds as read."""
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    assert run(repo, "validate")[0] == 0
    config = repo / "itsm.toml"
    text = config.read_text() if config.exists() else ""
    config.write_text(text + "\nmax-file-size = 100000\n")
    assert run(repo, "validate")[0] == 0
    assert len(list((repo / ".itsm_cache").glob("*.results"))) == 2
    config.write_text(text + "\nmax-file-size = 200\n")
    code, out = run(repo, "validate")
    assert code == 1 and "E006" in out


def test_cache_dir_option_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    expected = run(repo, "validate", "--no-cache")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("a", "b", "c"):  # files of the user's own, with our suffix: never pruned
        (elsewhere / f"{name}.results").write_text("mine")
    assert run(repo, "validate", "--cache-dir", str(elsewhere)) == expected
    assert (elsewhere / ".gitignore").is_file() and cache_files(repo) == []
    assert {"a.results", "b.results", "c.results"} <= {p.name for p in elsewhere.iterdir()}
    from_env = tmp_path / "from-env"
    monkeypatch.setenv(results.ENV_VAR, str(from_env))
    assert run(repo, "validate") == expected
    assert list(from_env.glob("*.results")) and cache_files(repo) == []


@pytest.mark.parametrize("command", ["validate", "check", "gap", "report", "export", "due"])
def test_every_reading_command_offers_the_options(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "--no-cache" in result.stdout and "--cache-dir" in result.stdout


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("gap", []),
        ("due", ["--within", "P1Y"]),
        ("export", ["csv", "--view", "findings"]),
        ("report", ["gap", "-f", "md"]),
    ],
)
def test_other_commands_read_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, args: list[str]
) -> None:
    repo = copy_repository(ROOT, tmp_path / "repo")
    os.chdir(repo)
    argv = [command, *args, "--today", TODAY]

    def output(*extra: str) -> str:
        # a report names the moment it was generated
        text = runner.invoke(app, [*argv, *extra]).stdout
        return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+Z0-9:]*", "<generated>", text)

    expected = output("--no-cache")
    assert output() == expected
    with monkeypatch.context() as patch:
        fail_if_parsed(patch)
        assert output() == expected


def test_the_python_api_gives_the_same_records_and_positions(tmp_path: Path) -> None:
    repo = copy_repository(ROOT, tmp_path / "repo")
    workspace = load_workspace(repo)
    plain = load_repository(workspace)
    cache = cache_of(repo, tmp_path / "cache")
    load_repository(workspace, cache=cache)
    warm = load_repository(workspace, cache=cache)
    assert cache.hits == len(plain.files)

    def described(repository: Any) -> list[Any]:
        return [
            (r.id, r.file, r.line, r.model, dict(r.document.positions), r.document.data)
            for r in repository.index.records
        ]

    assert described(warm) == described(plain)
    assert warm.findings == plain.findings
    record = warm.index.records[0]
    assert record.position(("metadata", "id")) == plain.index.records[0].position(
        ("metadata", "id")
    )
    assert record.position(("metadata", "no-such-field", 3)) == record.position(("metadata",))


def test_files_the_cache_cannot_hold_are_read_every_time(tmp_path: Path) -> None:
    """Keys that are not text (`1:`), or hold the cache's separators (a line break among
    them), make a file that is simply parsed on every run, with the same findings."""
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    odd = repo / "records" / "odd.yaml"
    odd.write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-ODD, title: Odd, owner: x}\n"
        "spec: {1: one, \"a~b\": two, \"c\\x7fd\": three}\n"
    )
    (repo / "records" / "odd-line.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-ODD-LINE, title: Odd, owner: x}\n"
        "spec: {\"e\\nf\": four}\n"
    )
    expected = run(repo, "validate", "--no-cache")
    assert run(repo, "validate") == expected
    assert run(repo, "validate") == expected
    workspace = load_workspace(repo)
    cache = cache_of(repo)
    repository = load_repository(workspace, cache=cache)
    assert cache.misses == 2 and cache.hits == len(repository.files) - 2


def test_a_linked_cache_folder_in_the_repository_is_not_followed(tmp_path: Path) -> None:
    """A `.itsm_cache` link committed in a repository could make us write and prune files
    elsewhere: the run goes on without a cache."""
    repo = copy_repository(FIXTURES_DIR / "valid", tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.results").write_text("not ours")
    (repo / ".itsm_cache").symlink_to(elsewhere, target_is_directory=True)
    expected = run(repo, "validate", "--no-cache")
    assert run(repo, "validate") == expected
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.results"]
