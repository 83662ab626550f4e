"""Edges found by running the CLI against mutated and hostile repositories: each was an
internal error (exit 3), a silently ignored setting, or a rewrite that changed what it
should keep. Each is now a one-line error (exit 2), a refusal, or a faithful write."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli

TODAY = "2026-11-23"

SERVICE = """\
apiVersion: itsm/v1
kind: Service
metadata:
  id: SVC-A
  title: A
  owner: service-owner
  status: draft
  lastReviewed: "{date}"
spec:
  description: d
  lifecycle: pipeline
  criticality: low
"""


def run(root: Path, *args: str) -> tuple[int, str]:
    result = cli.run(*args, cwd=root)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "records").mkdir()
    return root


# --- configuration -----------------------------------------------------------------------


def test_a_deeply_nested_config_is_a_configuration_error(repo: Path) -> None:
    (repo / "itsm.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    code, out = run(repo, "validate")
    assert code == 2
    assert "itsm.toml: invalid TOML: values nested too deeply" in out
    assert "internal error" not in out


@pytest.mark.parametrize("records", ["x" * 5000, "x/" * 2500])
def test_an_over_long_records_path_is_a_configuration_error(repo: Path, records: str) -> None:
    (repo / "itsm.toml").write_text(f'records = "{records}"\n')
    code, out = run(repo, "validate")
    assert code == 2
    assert "setting 'records': the path is longer than file systems allow" in out
    assert len(out.splitlines()[0]) < 200


def test_a_broken_tool_itsm_table_in_pyproject_is_not_ignored(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.itsm\nrecords = "elsewhere"\n')
    code, out = run(repo, "validate")
    assert code == 2
    assert "pyproject.toml: invalid TOML" in out


def test_a_pyproject_that_is_not_ours_stays_not_ours(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[project\nname = 'x'\n")
    code, out = run(repo, "validate", "--today", TODAY)
    assert code == 0, out


# --- new and init ------------------------------------------------------------------------


def test_new_refuses_an_id_too_long_to_name_its_file(repo: Path) -> None:
    code, out = run(repo, "new", "Service", "SVC-" + "A" * 250)
    assert code == 2
    assert "254 characters, too long to name its file (at most 250)" in out
    assert not list((repo / "records").rglob("*.yaml"))


def test_init_with_the_last_date_there_is_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run(tmp_path, "init", "target", "--today", "9999-12-31")
    assert code == 2
    assert "--today 9999-12-31" in out and "give an earlier date" in out


@pytest.mark.slow
@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x1b"])
def test_new_title_with_a_line_separator_reads_back_as_given(repo: Path, char: str) -> None:
    title = f"before{char}after"
    code, out = run(repo, "new", "Service", "SVC-SEP", "--title", title)
    assert code == 0, out
    data = (repo / "records" / "services" / "svc-sep.yaml").read_bytes()
    (doc,) = read_yaml_bytes(data, "svc-sep.yaml").documents
    assert doc.data["metadata"]["title"] == title


# --- fmt ---------------------------------------------------------------------------------


def test_fmt_keeps_the_quotes_of_a_date_that_does_not_exist(repo: Path) -> None:
    path = repo / "records" / "svc-a.yaml"
    path.write_text(SERVICE.format(date="2026-02-30"))
    code, out = run(repo, "fmt")
    assert code == 0, out
    assert 'lastReviewed: "2026-02-30"' in path.read_text()
    # A date that exists is unquoted, as before.
    path.write_text(SERVICE.format(date="2026-02-28"))
    run(repo, "fmt")
    assert "lastReviewed: 2026-02-28\n" in path.read_text()


def test_fmt_leaves_a_read_only_file_alone(repo: Path) -> None:
    path = repo / "records" / "svc-a.yaml"
    text = SERVICE.format(date="2026-02-28").replace("kind: Service\n", "") + "kind: Service\n"
    path.write_text(text)
    path.chmod(0o444)
    code, out = run(repo, "fmt")
    assert code != 0
    assert "read-only" in out
    assert path.read_text() == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_fmt_refuses_mixed_line_endings_and_changes_nothing(repo: Path) -> None:
    path = repo / "records" / "svc-a.yaml"
    data = SERVICE.format(date="2026-02-28").encode().replace(b"\n", b"\r\n", 3)
    path.write_bytes(data)
    code, out = run(repo, "fmt")
    assert code != 0
    assert "svc-a.yaml:4:1" in out and "mixed line endings" in out
    assert path.read_bytes() == data


def test_fmt_counts_a_linked_file_once(repo: Path) -> None:
    path = repo / "records" / "svc-a.yaml"
    path.write_text(SERVICE.format(date="2026-02-28"))
    (repo / "records" / "also-a.yaml").symlink_to("svc-a.yaml")
    run(repo, "fmt")
    code, out = run(repo, "fmt", "--check")
    assert code == 0
    assert "0 files would be reformatted, 1 left unchanged." in out, out
    assert (repo / "records" / "also-a.yaml").is_symlink()


@pytest.mark.slow
def test_a_writer_killed_midway_leaves_nothing_after_the_next_write(repo: Path) -> None:
    path = repo / "records" / "svc-a.yaml"
    path.write_text(SERVICE.format(date="2026-02-28").replace("  title: A\n", ""))
    # A writer process that dies with kill -9 after creating its temporary file.
    script = (
        "import os, sys, tempfile; from pathlib import Path;"
        "p = Path(sys.argv[1]);"
        "fd, t = tempfile.mkstemp(prefix=f'.{p.name}.{os.getpid()}.', suffix='.itsm-tmp',"
        " dir=p.parent); os.write(fd, b'half'); os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert proc.returncode == -9
    assert len(list(path.parent.glob(".svc-a.yaml.*.itsm-tmp"))) == 1
    from itsm_cli.authoring.writer import write_text

    write_text(path, path.read_text() + "# reviewed\n")
    assert list(path.parent.glob(".svc-a.yaml.*.itsm-tmp")) == []
    assert path.read_text().endswith("# reviewed\n")


def test_fmt_moves_a_keep_block_at_the_end_of_a_file_without_final_newline(repo: Path) -> None:
    """`description: |+` runs to the end of a file with no final newline, so its value has no
    line break; reordering moves it above `lifecycle`, where `|+` would gain one. fmt writes
    `|-`, which holds the same value there."""
    path = repo / "records" / "svc-a.yaml"
    path.write_bytes(
        b"apiVersion: itsm/v1\nkind: Service\nmetadata:\n  id: SVC-A\n  title: A\n"
        b"  owner: o\nspec:\n  lifecycle: live\n  description: |+\n    text"
    )
    code, out = run(repo, "fmt")
    assert code == 0, out
    data = path.read_bytes()
    assert data.endswith(b"  description: |-\n    text\n  lifecycle: live")
    (doc,) = read_yaml_bytes(data, "svc-a.yaml").documents
    assert doc.data["spec"]["description"] == "text"
