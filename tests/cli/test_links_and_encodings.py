"""Hostile repositories (issue 11, parts 3–6): links and submodules read alike at a commit and
in the working tree, folders and links that cannot be read reported, file names that are not
UTF-8 and standard output in another encoding, and record text that tries to drive the
terminal or the pull-request comment.

The repositories are built by each test from `tests/fixtures/gitops/` (links, submodules, unreadable
folders and undecodable names cannot be committed portably); `tests/fixtures/gitops/README.md` lists
the cases and what fires where.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsm_cli.findings import Finding, Severity
from itsm_cli.output.escape import defuse_links, markdown_code, markdown_safe, terminal_safe
from tests.helpers import cli
from tests.helpers.git import commit, fixed_identity, git, new_repository
from tests.helpers.paths import fixture

FIXTURE = fixture("gitops")
TODAY = "2026-11-23"
SVC_WEB = FIXTURE / "records/services/svc-web.yaml"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_identity(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture records in a fresh Git repository (not committed yet)."""
    root = new_repository(FIXTURE, tmp_path / "sms", message=None)
    monkeypatch.chdir(root)
    return root


def symlink(link: Path, target: str | Path) -> None:
    try:
        link.symlink_to(target)
    except OSError as exc:  # pragma: no cover - e.g. Windows without the privilege
        pytest.skip(f"cannot create symbolic links here: {exc}")


def service(repo: Path, rel: str, record_id: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SVC_WEB.read_text().replace("SVC-WEB", record_id))


def invoke(*args: str) -> tuple[int, str]:
    result = cli.run(*args, "--today", TODAY, "--no-color")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def lines_with(out: str, rule: str) -> list[str]:
    return [line for line in out.splitlines() if f": {rule} " in line]


# --- links and submodules: the same on both sides of `itsm diff` ---------------------------


@pytest.fixture
def linked(repo: Path, tmp_path: Path) -> Path:
    """Every kind of link in the records tree, committed: one inside the repository (to a
    record outside the records root), one to a file outside, one to a folder outside, a
    broken one, a looping pair and a link to itself, a folder link inside. The commit before
    the links is tagged `before`."""
    service(repo, "shared/svc-shared.yaml", "SVC-SHARED")
    commit(repo, "Records")
    git(repo, "tag", "before")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    service(outside, "svc-outside.yaml", "SVC-OUTSIDE")
    services = repo / "records/services"
    symlink(services / "linked.yaml", "../../shared/svc-shared.yaml")
    symlink(services / "out.yaml", outside / "svc-outside.yaml")
    symlink(services / "out-folder", outside)
    symlink(services / "broken.yaml", "../../shared/gone.yaml")
    symlink(services / "a.yaml", "b.yaml")
    symlink(services / "b.yaml", "a.yaml")
    symlink(services / "self.yaml", "self.yaml")
    symlink(services / "agreements", "../agreements")
    commit(repo, "Links")
    return repo


EXPECTED_LINK_FINDINGS = [
    "records/services/a.yaml:1:1: E001 link loop: following its target 'b.yaml' never ends "
    "(a cycle of links); not read",
    "records/services/b.yaml:1:1: E001 link loop: following its target 'a.yaml' never ends "
    "(a cycle of links); not read",
    "records/services/broken.yaml:1:1: E001 broken link: "
    "its target '../../shared/gone.yaml' does not exist",
    "records/services/self.yaml:1:1: E001 link loop: following its target 'self.yaml' never "
    "ends (a cycle of links); not read",
]


@pytest.mark.slow
def test_an_unchanged_tree_with_links_passes_the_diff(linked: Path) -> None:
    code, out = invoke("diff", "--base", "HEAD")
    assert "no record changed" in out
    assert "Findings introduced: 0" in out and "Findings resolved: 0" in out
    assert code == 0


@pytest.mark.slow
def test_links_at_a_commit_give_the_findings_of_the_working_tree(linked: Path) -> None:
    _, working = invoke("validate")
    assert lines_with(working, "E001") == EXPECTED_LINK_FINDINGS
    assert lines_with(working, "E006") == [
        "records/services/out-folder:1:1: E006 folder link leads outside the repository; refused",
        "records/services/out.yaml:1:1: E006 file link leads outside the repository; refused",
    ]
    # Read from the commit, the same links give the same findings: introduced since `before`.
    code, out = invoke("diff", "--base", "before", "--head", "HEAD", "-f", "json")
    assert code == 1
    data = json.loads(out)
    introduced = sorted(
        f"{f['file']}:{f['line']}:{f['column']}: {f['rule']} {f['message']}"
        for f in data["introduced"] if f["rule"] in ("E001", "E006")
    )
    assert introduced == sorted([*EXPECTED_LINK_FINDINGS, *lines_with(working, "E006")])
    [added] = data["records"]
    assert (added["id"], added["file"]) == ("SVC-SHARED", "records/services/linked.yaml")


def test_a_records_root_linked_outside_is_the_same_finding_on_both_sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records root itself a committed link to a folder outside: the working tree and
    the commit word the E006 alike, so an unchanged tree introduces nothing."""
    root = tmp_path / "sms"
    (tmp_path / "outside").mkdir()
    root.mkdir()
    (root / "itsm.toml").write_text('records = "records"\n')
    symlink(root / "records", "../outside")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Records elsewhere")
    monkeypatch.chdir(root)
    code, out = invoke("diff", "--base", "HEAD", "-f", "json")
    data = json.loads(out)
    assert (data["introduced"], data["resolved"], code) == ([], [], 0)
    _, out = invoke("validate")
    assert "records:1:1: E006 folder link leads outside the repository; refused" in out


@pytest.mark.slow
def test_a_link_inside_the_repository_is_read_at_the_commit(linked: Path) -> None:
    # The record the link leads to changes: the diff shows it under the link's name, read
    # from both commits (a base reading "link leads outside" would make it "added").
    shared = linked / "shared/svc-shared.yaml"
    shared.write_text(shared.read_text().replace("criticality: medium", "criticality: low"))
    assert "criticality: low" in shared.read_text()
    commit(linked, "Lower the shared service")
    _code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    [record] = json.loads(out)["records"]
    assert (record["id"], record["status"], record["file"]) == (
        "SVC-SHARED", "changed", "records/services/linked.yaml"
    )
    assert record["changes"] == [
        {"path": "spec.criticality", "change": "changed", "old": "medium", "new": "low"}
    ]


@pytest.mark.slow
def test_a_folder_link_to_a_folder_elsewhere_in_the_repository_is_walked_on_both_sides(
    repo: Path,
) -> None:
    service(repo, "common/svc-common.yaml", "SVC-COMMON")
    commit(repo, "Records")
    symlink(repo / "records/common", "../common")
    code, out = invoke("validate", "-f", "json")
    assert code == 0, out
    assert json.loads(out)["summary"]["files"] == 4
    commit(repo, "Link the common services")
    code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    [added] = json.loads(out)["records"]
    assert (added["id"], added["status"], added["file"]) == (
        "SVC-COMMON", "added", "records/common/svc-common.yaml"
    )
    code, out = invoke("diff", "--base", "HEAD")
    assert (code, "no record changed" in out, "Findings introduced: 0" in out) == (0, True, True)


@pytest.mark.slow
def test_an_absolute_link_into_the_repository_is_read_on_both_sides(repo: Path) -> None:
    service(repo, "shared/svc-abs.yaml", "SVC-ABS")
    service(repo, "shared/svc-up.yaml", "SVC-UP")
    commit(repo, "Records")
    symlink(repo / "records/services/abs.yaml", (repo / "shared/svc-abs.yaml").resolve())
    symlink(repo / "records/services/up.yaml", "../../../sms/shared/svc-up.yaml")
    commit(repo, "Absolute link, and a relative one out of the root and back in")
    code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    data = json.loads(out)
    assert sorted((r["id"], r["file"]) for r in data["records"]) == [
        ("SVC-ABS", "records/services/abs.yaml"), ("SVC-UP", "records/services/up.yaml")
    ]
    assert not [f for f in data["introduced"] if f["rule"] in ("E001", "E006")]
    code, out = invoke("diff", "--base", "HEAD")
    assert (code, "Findings introduced: 0" in out) == (0, True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("records", "link", "target"),
    [("records", "records", "store/records"), ("data/records", "data", "store")],
    ids=["records root is a link", "a folder above it is a link"],
)
def test_a_records_root_behind_a_link_keeps_its_names_at_the_commit(
    repo: Path, records: str, link: str, target: str
) -> None:
    (repo / "store").mkdir()
    (repo / "records").rename(repo / "store/records")
    symlink(repo / link, target)
    (repo / "itsm.toml").write_text(f'records = "{records}"\n')
    commit(repo, "Records behind a link")
    (repo / "store/records/bad.yaml").write_bytes(b"a: [\n")
    commit(repo, "A broken file")
    code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    data = json.loads(out)
    assert [f["file"] for f in data["introduced"]] == [f"{records}/bad.yaml"]
    assert data["records"] == [] and data["resolved"] == []
    code, out = invoke("diff", "--base", "HEAD")
    assert (code, "no record changed" in out, "Findings introduced: 0" in out) == (0, True, True)


def test_a_link_added_between_commits_is_an_introduced_finding(repo: Path) -> None:
    commit(repo, "Records")
    symlink(repo / "records/services/loop.yaml", "loop.yaml")
    commit(repo, "A looping link")
    code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD")
    assert code == 1
    assert (
        "  + records/services/loop.yaml:1:1: E001 link loop: following its target 'loop.yaml' "
        "never ends (a cycle of links); not read"
    ) in out.splitlines()


def _nested_repository(repo: Path) -> None:
    """A Git repository inside the records tree, committed as a submodule (a gitlink)."""
    inner = repo / "records/vendored"
    service(inner, "svc-vendored.yaml", "SVC-VENDORED")
    git(inner, "init", "-q", "-b", "main")
    git(inner, "add", "-A")
    git(inner, "commit", "-q", "-m", "Vendored records")


def test_a_submodule_is_an_e006_on_both_sides(repo: Path) -> None:
    _nested_repository(repo)
    commit(repo, "Records with a submodule")
    assert git(repo, "ls-tree", "HEAD", "records/vendored").startswith("160000 commit")
    line = (
        "records/vendored:1:1: E006 submodule (another Git repository): its files are not "
        "read as records; refused"
    )
    code, out = invoke("validate")
    assert code == 1
    assert lines_with(out, "E006") == [line]
    assert "SVC-VENDORED" not in out  # not read: no duplicate, no record of it
    code, out = invoke("diff", "--base", "HEAD")
    assert (code, "Findings introduced: 0" in out) == (0, True)
    # and at the commit, where it was skipped without a word before
    (repo / "records/vendored/.git").rename(repo / "records/vendored/.git-moved")
    code, out = invoke("diff", "--base", "HEAD", "-f", "json")
    assert [f["file"] for f in json.loads(out)["resolved"]] == ["records/vendored"]


# --- silent skips: unreadable folders, looping links ---------------------------------------


def test_an_unreadable_folder_is_an_e001_with_its_path(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated (as root, chmod 000 does not stop reading): listing the folder fails."""
    service(repo, "records/waivers/svc-hidden.yaml", "SVC-HIDDEN")
    real_scandir = os.scandir
    locked = str(repo / "records/waivers")

    def scandir(path: str) -> object:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out = invoke("validate")
    assert code == 1
    assert out.splitlines()[0] == (
        "records/waivers:1:1: E001 cannot read folder: Permission denied; "
        "none of its records is read"
    )
    assert "no findings" not in out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a folder whatever its mode")
def test_a_folder_made_unreadable_with_chmod_is_an_e001(repo: Path) -> None:
    service(repo, "records/waivers/svc-hidden.yaml", "SVC-HIDDEN")
    folder = repo / "records/waivers"
    folder.chmod(0)
    try:
        code, out = invoke("validate")
    finally:
        folder.chmod(0o755)
    assert code == 1
    assert out.startswith("records/waivers:1:1: E001 cannot read folder: Permission denied")


def test_a_looping_link_named_on_the_command_line_is_an_e001(repo: Path) -> None:
    symlink(repo / "records/loop.yaml", "loop.yaml")
    code, out = invoke("validate", "records/loop.yaml")
    assert code == 1
    assert out.startswith(
        "records/loop.yaml:1:1: E001 link loop: following its target 'loop.yaml' never ends"
    )


def test_a_folder_link_back_to_a_folder_that_holds_it_is_an_e001(repo: Path) -> None:
    """Following `services/again -> ../services` (or `records/here -> .`) would walk the same
    folders forever: each such link is a finding at its own path, and the records behind it
    are read once, where they are; at a commit as in the working tree."""
    commit(repo, "Records")
    symlink(repo / "records/services/again", "../services")
    symlink(repo / "records/here", ".")
    code, out = invoke("validate")
    assert code == 1
    loops = lines_with(out, "E001")
    assert [line.split(":")[0] for line in loops] == ["records/here", "records/services/again"]
    assert "its target '../services' is a folder that holds the link" in loops[1]
    assert "E003" not in out, out  # no record was read twice
    commit(repo, "Links back")
    code, out = invoke("diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    introduced = json.loads(out)["introduced"]
    assert sorted((f["rule"], f["file"]) for f in introduced) == [
        ("E001", "records/here"), ("E001", "records/services/again"),
    ]
    code, out = invoke("diff", "--base", "HEAD")
    assert "Findings introduced: 0" in out, out  # the same findings at the commit


def test_a_folder_link_to_a_sibling_folder_is_no_loop(repo: Path) -> None:
    symlink(repo / "records/services/more", "../agreements")
    _, out = invoke("validate")
    assert "link loop" not in out, out
    assert "E003" not in out, out


# --- writing through links out of the repository -------------------------------------------


def test_new_refuses_to_overwrite_a_file_outside_through_a_link(
    repo: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.yaml"
    victim.write_text("precious\n")
    symlink(repo / "records/services/svc-new.yaml", victim)
    result = cli.run("new", "service", "SVC-NEW", "--force")
    assert result.exit_code == 2
    assert "records/services/svc-new.yaml: refused: a symbolic link leads outside the " \
        "repository" in result.stderr
    assert victim.read_text() == "precious\n"


def test_new_refuses_a_folder_linked_out_of_the_repository(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    symlink(repo / "records/capacity", outside)
    result = cli.run("new", "capacityplan", "CAP-NEW")
    assert result.exit_code == 2
    assert "refused: a symbolic link leads outside the repository" in result.stderr
    assert list(outside.iterdir()) == []


@pytest.mark.slow
def test_init_force_refuses_a_records_folder_linked_out_and_writes_nothing(
    tmp_path: Path,
) -> None:
    target, outside = tmp_path / "sms", tmp_path / "elsewhere"
    target.mkdir()
    outside.mkdir()
    symlink(target / "records", outside)
    result = cli.run("init", "--today", TODAY, "--force", str(target))
    assert result.exit_code == 2
    assert "refused: a symbolic link leads outside the repository" in result.stderr
    assert "nothing written" in result.stderr
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["records"]


@pytest.mark.slow
def test_init_force_still_skips_an_existing_link_inside(tmp_path: Path) -> None:
    target = tmp_path / "sms"
    target.mkdir()
    (target / "mine.toml").write_text("# mine\n")
    symlink(target / "itsm.toml", "mine.toml")
    result = cli.run("init", "--today", TODAY, "--force", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "mine.toml").read_text() == "# mine\n"


# --- encodings -------------------------------------------------------------------------------


@pytest.fixture
def undecodable(repo: Path) -> Path:
    """A record file whose name is not valid UTF-8 (`café` in Latin-1), holding broken YAML
    (a finding about the file, whose fingerprint is made from its name)."""
    try:
        path = Path(os.fsdecode(os.fsencode(repo / "records/services") + b"/caf\xe9.yaml"))
        path.write_bytes(b"a: [\n")
    except (OSError, UnicodeError) as exc:  # e.g. macOS, whose file systems refuse such names
        pytest.skip(f"cannot create a file whose name is not UTF-8: {exc}")
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "github", "markdown",
                                 "junit"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(
    undecodable: Path, fmt: str
) -> None:
    code, out = invoke("validate", "--format", fmt)
    assert code == 1
    if fmt == "sarif":
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]
        }
        assert uris == {"records/services/caf%E9.yaml"}  # the name's own bytes
    elif fmt in ("json", "gitlab"):
        out.encode("utf-8")  # valid Unicode: no lone surrogate, raw or escaped
        assert "udce9" not in out, out
        document = json.loads(out)
        found = document["findings"] if fmt == "json" else document
        files = {f["file"] if fmt == "json" else f["location"]["path"] for f in found}
        assert files == {"records/services/caf\\xe9.yaml"}  # as the text output shows it
    else:
        assert "caf\\xe9.yaml" in out


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_does_not_break_the_diff(undecodable: Path) -> None:
    commit(undecodable)
    code, out = invoke("diff", "--base", "HEAD")
    assert (code, "Findings introduced: 0" in out) == (0, True)
    for path in (undecodable / "records/services").iterdir():
        if path.name.startswith("caf"):
            path.unlink()
    code, out = invoke("diff", "--base", "HEAD")
    assert code == 0
    assert "  - records/services/caf\\xe9.yaml:1:4: E001 YAML syntax error" in out
    code, out = invoke("diff", "--base", "HEAD", "-f", "markdown")
    assert "`records/services/caf\\xe9.yaml:1`" in out


def _run_process(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "NO_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "itsm_cli", *args], cwd=cwd, capture_output=True,
        env=environment, timeout=120, check=False,
    )


@pytest.mark.slow
def test_standard_output_in_cp1252_gets_escapes_not_an_internal_error(repo: Path) -> None:
    """Windows, redirected: `✔`/`✖` and `→` have no cp1252 byte."""
    (repo / "records/services/svc-web.yaml").write_text(
        SVC_WEB.read_text().replace("criticality: medium", "criticality: extreme")
    )
    proc = _run_process(repo, "validate", "--no-color", PYTHONIOENCODING="cp1252")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode("cp1252")
    assert "records/services/svc-web.yaml:" in out
    assert "\\u2716 1 error" in out
    assert b"internal error" not in proc.stderr


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_in_cp1252_output(undecodable: Path) -> None:
    proc = _run_process(undecodable, "validate", "--no-color", "-f", "sarif",
                        PYTHONIOENCODING="cp1252")
    assert proc.returncode == 1, proc.stderr
    assert b"caf%E9.yaml" in proc.stdout


# --- injection: terminal and Markdown --------------------------------------------------------

OSC_TITLE = "\x1b]0;owned\x07"


def test_terminal_safe_shows_every_control_as_an_escape() -> None:
    assert terminal_safe(f"a{OSC_TITLE}b") == "a\\x1b]0;owned\\x07b"
    assert terminal_safe("x\x9b2Jy\x85z\u2028\u2029\u202e") == (
        "x\\x9b2Jy\\x85z\\u2028\\u2029\\u202e"
    )
    assert terminal_safe("caf\udce9") == "caf\\xe9"  # the byte of an undecodable name
    assert terminal_safe("plain → café, 😀") == "plain → café, 😀"


def test_markdown_safe_makes_links_images_mentions_and_html_inert() -> None:
    text = markdown_safe("[x](https://evil.example) ![i](u) @org/team <img src=x> *b* a|b\nc")
    assert "[x]" not in text and "\\[x\\]" in text
    assert "https://" not in text and "https:\u200b//" in text
    assert "@org" not in text and "@\u200borg" in text
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert "\\*b\\*" in text and "a\\|b c" in text
    assert markdown_code("a`b") == "`` a`b ``"
    assert markdown_code("www.x|y", in_table=False) == "`www.x|y`"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"wW.:/@ahtps1-+ ", "\u0130", "\u212a"]), max_size=24))
def test_defusing_links_skips_no_link_it_should_defuse(text: str) -> None:
    """Text with no `://`, `www.` or `@` is returned as it is without a search; the result
    is always what the search over the whole text gives."""
    searched = re.sub(
        r"(?i)(www)(\.)|([a-z][a-z0-9+.-]*)(:)(//)",
        lambda m: f"{m[1]}\u200b{m[2]}" if m[1] else f"{m[3]}{m[4]}\u200b{m[5]}",
        text,
    ).replace("@", "@\u200b")
    assert defuse_links(text) == searched


def test_diff_text_escapes_a_value_that_holds_no_space(repo: Path) -> None:
    commit(repo)
    path = repo / "records/agreements/sla-web.yaml"
    text = path.read_text()
    path.write_text(text.replace("customer: Acme", 'customer: "\\e]0;owned\\a"'))
    assert 'customer: "\\e]0;owned\\a"' in path.read_text()
    _code, out = invoke("diff", "--base", "HEAD")
    assert "\x1b" not in out and "\x07" not in out
    assert "SLA-WEB spec.customer: Acme → \\x1b]0;owned\\x07" in out


def test_file_names_with_controls_are_escaped_in_text_markdown_and_github(repo: Path) -> None:
    name = "records/services/x\x1b[2Jy.yaml"
    (repo / name).write_bytes(b"a: [\n")
    _, text = invoke("validate")
    assert "records/services/x\\x1b[2Jy.yaml:" in text and "\x1b" not in text
    _, markdown = invoke("validate", "-f", "markdown")
    assert "\x1b" not in markdown and "x\\x1b[2Jy.yaml" in markdown
    _, github = invoke("validate", "-f", "github")
    assert "\x1b" not in github and "file=records/services/x\\x1b[2Jy.yaml" in github


def test_markdown_comment_neutralises_record_text() -> None:
    from itsm_cli.findings import FindingsReport
    from itsm_cli.output import RenderOptions, findings_formatter

    hostile = Finding(
        "SUP001", Severity.ERROR, "supplier [click](https://evil.example) ![x](y) @admins",
        "records/a.yaml", 3, record="SUP-A",
    )
    out = findings_formatter("markdown")(
        FindingsReport([hostile], records=1, files=1, command="check"), RenderOptions()
    )
    row = next(line for line in out.splitlines() if "SUP001" in line)
    assert "](" not in row.replace("\\](", "")
    assert "@admins" not in row and "https://" not in row


def test_fmt_names_a_file_with_controls_escaped(repo: Path) -> None:
    (repo / "records/services/x\x1b[2Jy.yaml").write_bytes(b"a: [\n")
    result = cli.run("fmt", "--check")
    assert result.exit_code == 1
    assert "records/services/x\\x1b[2Jy.yaml:1:4: E001" in result.stderr
    assert "\x1b" not in result.stderr


def test_github_plain_lines_never_become_workflow_commands() -> None:
    """Past 10 annotations a finding is a plain log line, which starts with its file name: a
    file called `::warning::…` at the records root must not turn into a command."""
    from itsm_cli.findings import FindingsReport
    from itsm_cli.output import RenderOptions, findings_formatter

    findings = [
        Finding("E001", Severity.ERROR, "bad", f"::warning::{i}.yaml", 1) for i in range(11)
    ]
    out = findings_formatter("github")(
        FindingsReport(findings, records=0, files=11), RenderOptions(quiet=True)
    )
    plain = [line for line in out.splitlines() if not line.startswith("::error ")]
    assert plain[0] == "\u200b::warning::9.yaml:1:1: E001 bad"
    assert not any(line.startswith("::warning") for line in out.splitlines())


def test_a_link_to_a_file_that_is_no_record_is_left_alone(repo: Path, tmp_path: Path) -> None:
    """Only YAML files are read: a README or notes file linked from outside the repository
    is not a record, so not a finding either (a YAML one still is, E006)."""
    outside = tmp_path / "shared-notes.txt"
    outside.write_text("notes\n")
    symlink(repo / "records" / "README.md", outside)
    symlink(repo / "records" / "notes.txt", outside)
    _, out = invoke("validate")
    assert "E006" not in out, out
    symlink(repo / "records" / "notes.yaml", outside)
    code, out = invoke("validate")
    assert code == 1
    assert [line.split(":")[0] for line in lines_with(out, "E006")] == ["records/notes.yaml"]


def test_one_file_named_two_ways_is_one_file(repo: Path) -> None:
    service(repo, "records/services/svc-extra.yaml", "SVC-EXTRA")
    _, out = invoke(
        "validate", "records/services/svc-extra.yaml",
        "./records/services/../services/svc-extra.yaml",
    )
    assert "E003" not in out, out
    assert "1 record in 1 file" in out


def test_a_file_named_in_a_plain_folder_is_read_among_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No itsm.toml and no Git: the current folder is the repository, so the Service the
    named SLA covers is found (it was a false E004) and paths are the folder's."""
    import shutil

    plain = tmp_path / "plain"
    shutil.copytree(FIXTURE / "records", plain / "records")
    monkeypatch.chdir(plain)
    result = cli.run("validate", "records/agreements/sla-web.yaml", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []
    broken = plain / "records" / "agreements" / "sla-web.yaml"
    broken.write_text(broken.read_text().replace("services: [SVC-WEB]", "services: [SVC-WEBB]"))
    result = cli.run("validate", "records/agreements/sla-web.yaml", "-f", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["file"]) == ("E004", "records/agreements/sla-web.yaml")
