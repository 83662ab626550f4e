"""The built-in report templates have one home, the repository's top-level `templates/`, and
travel with the package: the sdist carries the folder, the wheel carries it as
`itsm_cli/templates`, and a wheel installed in a fresh environment outside the checkout
renders every report from it.

The slow tests build the sdist (the development environment's hatchling, pinned) and the wheel
(`pip wheel`, from the checkout and again from the sdist), install the checkout's wheel with
`constraints.txt` in a new venv in a temporary folder, and run its `itsm` from a working folder
outside the checkout holding a copy of the bundled `records/` and the `[tool.itsm]` settings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.reports.conftest import TODAY, normalise

CHECKOUT = Path(__file__).resolve().parents[2]
TEMPLATES = CHECKOUT / "templates"
BUILT_IN = sorted(p.name for p in TEMPLATES.glob("*.j2"))
FORMATS = ("html", "md")


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout's src/ on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(*args: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stderr[-3000:]}"
    return result


def _itsm_settings() -> str:
    """The `[tool.itsm]` tables of the checkout's pyproject.toml, as text (the settings the
    bundled records are checked with)."""
    lines = (CHECKOUT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    kept: list[str] = []
    keep = False
    for line in lines:
        header = re.match(r"\s*\[\[?([^\]]+)\]", line)
        if header:
            keep = header.group(1).strip() == "tool.itsm" or header.group(1).startswith(
                "tool.itsm."
            )
        if keep:
            kept.append(line)
    assert kept, "pyproject.toml has no [tool.itsm] table"
    return "\n".join(kept) + "\n"


@dataclass(frozen=True)
class Installed:
    sdist: Path
    wheel: Path
    wheel_from_sdist: Path
    venv: Path
    work: Path
    """A working folder outside the checkout: a copy of records/ plus the settings."""

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if sys.platform == "win32" else "bin")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel-install")
    assert not base.resolve().is_relative_to(CHECKOUT), "the temporary folder is in the checkout"
    target = base / "venv"
    dist, from_sdist = base / "dist", base / "from-sdist"
    # The build backend of the development environment, pinned by constraints.txt like
    # everything else CI installs: an unpinned one would let a hatchling release turn CI red.
    _run(sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", dist, cwd=CHECKOUT)
    _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        CHECKOUT, "-w", dist, cwd=base,
    )
    (sdist,) = dist.glob("itsm_cli-*.tar.gz")
    (wheel,) = dist.glob("itsm_cli-*.whl")
    _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        sdist, "-w", from_sdist, cwd=base,
    )
    (wheel_from_sdist,) = from_sdist.glob("itsm_cli-*.whl")

    _run(sys.executable, "-m", "venv", target, cwd=base)
    constraints = CHECKOUT / "constraints.txt"
    _run(target / "bin" / "pip", "install", "-q", "-c", constraints, wheel, cwd=base)

    work = base / "work"
    work.mkdir()
    _run("cp", "-R", CHECKOUT / "records", work / "records", cwd=base)
    (work / "pyproject.toml").write_text(_itsm_settings(), encoding="utf-8")
    return Installed(sdist, wheel, wheel_from_sdist, target, work)


def _report_names(installed: Installed) -> list[str]:
    """The report names `itsm report --help` lists (its NAME argument), without `all`, plus
    every built-in template no other one includes or extends (the help is written by hand
    today; a report it forgets must still render)."""
    shown = _run(installed.bin / "itsm", "report", "--help", cwd=installed.work).stdout
    argument = re.search(r"^\s*NAME(?:\s+<\w+>)?\s+(.*?)\n\s*PATH\b", shown, re.M | re.S)
    assert argument, shown
    listed = set(re.findall(r"\b[a-z]+\b", argument.group(1).split("or all")[0]))
    assert "gap" in listed and "service" in listed, shown
    used = {
        m
        for p in TEMPLATES.glob("*.j2")
        for m in re.findall(
            r'{%-?\s*(?:include|extends|import|from)\s+"([^"]+)"', p.read_text(encoding="utf-8")
        )
    }
    standalone = {n.split(".")[0] for n in BUILT_IN if n not in used}
    return sorted(listed | standalone)


def test_one_copy_of_each_built_in_template() -> None:
    """Only the top-level templates/ holds them: no copy under src/ or anywhere else."""
    assert "gap.md.j2" in BUILT_IN and "base.html.j2" in BUILT_IN
    assert not (CHECKOUT / "src/itsm_cli/templates").exists()
    skipped = {".git", ".venv", "build", "dist", "node_modules"}
    found: dict[str, list[str]] = {name: [] for name in BUILT_IN}
    for folder, dirs, files in os.walk(CHECKOUT):
        dirs[:] = [d for d in dirs if d not in skipped and not d.startswith(".")]
        for name in files:
            if name in found:
                found[name].append(Path(folder, name).relative_to(CHECKOUT).as_posix())
    assert {name: places for name, places in found.items() if len(places) != 1} == {}
    assert all(places == [f"templates/{name}"] for name, places in found.items())


def test_an_editable_checkout_reads_the_top_level_folder() -> None:
    import itsm_cli
    from itsm_cli.reports.environment import BUILTIN_TEMPLATES

    if not Path(itsm_cli.__file__).resolve().is_relative_to(CHECKOUT / "src"):
        pytest.skip("itsm_cli is installed, not imported from this checkout")
    assert BUILTIN_TEMPLATES == TEMPLATES


@pytest.mark.slow
def test_the_sdist_carries_the_templates_folder(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as sdist:
        names = sdist.getnames()
    top = names[0].split("/")[0]
    folder = f"{top}/templates/"
    inside = sorted(n.removeprefix(folder) for n in names if n.startswith(folder))
    assert inside == BUILT_IN
    assert not [n for n in names if n.startswith(f"{top}/src/itsm_cli/templates")]


@pytest.mark.slow
def test_the_wheels_carry_the_templates_inside_the_package(installed: Installed) -> None:
    for wheel in (installed.wheel, installed.wheel_from_sdist):
        with zipfile.ZipFile(wheel) as archive:
            shipped = {
                n.removeprefix("itsm_cli/templates/"): archive.read(n)
                for n in archive.namelist()
                if n.startswith("itsm_cli/templates/")
            }
            assert not [n for n in archive.namelist() if n.startswith("templates/")], wheel.name
        assert sorted(shipped) == BUILT_IN, wheel.name
        for name, content in shipped.items():
            assert content == (TEMPLATES / name).read_bytes(), f"{wheel.name}: {name}"


@pytest.mark.slow
def test_the_installed_package_and_its_templates_come_from_site_packages(
    installed: Installed,
) -> None:
    probe = (
        "import itsm_cli, sysconfig\n"
        "from itsm_cli.reports.environment import BUILTIN_TEMPLATES\n"
        "print(itsm_cli.__file__)\n"
        "print(BUILTIN_TEMPLATES)\n"
        "print(sysconfig.get_paths()['purelib'])\n"
    )
    out = _run(installed.bin / "python", "-c", probe, cwd=installed.work).stdout.splitlines()
    package, templates, site = (Path(line).resolve() for line in out)
    assert package == site / "itsm_cli" / "__init__.py"
    assert templates == site / "itsm_cli" / "templates"
    assert not package.is_relative_to(CHECKOUT)
    assert sorted(p.name for p in templates.glob("*.j2")) == BUILT_IN
    script = (installed.bin / "itsm").read_text(encoding="utf-8").splitlines()[0]
    assert Path(script.removeprefix("#!")).parent == installed.bin


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_installed_wheel_renders_every_report(
    installed: Installed, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each report, rendered by the installed `itsm` outside the checkout, is the report this
    checkout renders from the same records (up to the generation time)."""
    names = _report_names(installed)
    assert {"gap", "service", "audit", "risks"} <= set(names)
    monkeypatch.chdir(installed.work)
    for name in names:
        result = subprocess.run(
            [installed.bin / "itsm", "report", name, "-f", fmt, "--today", TODAY],
            cwd=installed.work,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"itsm report {name} -f {fmt}: {result.stderr}"
        assert result.stdout.strip(), f"itsm report {name} -f {fmt} printed nothing"
        if fmt == "html":
            assert result.stdout.lstrip().lower().startswith("<!doctype html"), name
            assert result.stdout.rstrip().endswith("</html>"), name
        here = cli.run(*["report", name, "-f", fmt, "--today", TODAY])
        assert here.exit_code == 0, f"{name}: {here.output}"
        assert normalise(result.stdout) == normalise(here.stdout), f"itsm report {name} -f {fmt}"
