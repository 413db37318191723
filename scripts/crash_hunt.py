"""Run layercheck over the source of widely used Python packages and real FastAPI apps,
looking for crashes (LC000, a non-zero exit other than 1, a signal, a traceback).

Not run in CI: it downloads source distributions from PyPI with pip, which takes minutes.

    python scripts/crash_hunt.py [--workdir DIR] [--packages a,b,...] [--apps DIR] [-j N]
                                 [--json OUT]

Each source distribution is fetched with `pip download --no-deps --no-binary NAME` (the
wheel when pip cannot prepare the sdist within minutes), unpacked, and checked with
`layercheck --no-cache --output-format json` in a subprocess; every folder under `--apps`
(default `/tmp/realworld`) is checked the same way. The table gives, per tree, the files
checked, the findings, the LC000 and LC001 counts, the wall time and the peak memory of
the run. The exit code is 1 when any run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

PACKAGES = (
    "requests",
    "django",
    "flask",
    "fastapi",
    "sqlalchemy",
    "pydantic",
    "starlette",
    "httpx",
    "rich",
    "click",
    "attrs",
    "numpy",
    "pandas",
    "celery",
    "alembic",
    "structlog",
    "sqlmodel",
    "typer",
    "jinja2",
    "werkzeug",
    "boto3",
    "botocore",
    "pytest",
    "hypothesis",
    "black",
    "mypy",
    "pip",
    "setuptools",
    "urllib3",
    "certifi",
    "uvicorn",
    "aiohttp",
    "sentry-sdk",
    "marshmallow",
    "redis",
    "psycopg",
    "asyncpg",
    "anyio",
    "tornado",
    "libcst",
    # FastAPI applications and FastAPI/SQLAlchemy libraries published on PyPI
    "fastapi-users",
    "fief-server",
    "sqladmin",
    "fastapi-pagination",
    "fastcrud",
)


@dataclass
class TreeResult:
    """What one layercheck run over one tree gave."""

    name: str
    source: str  # "sdist", "wheel", "app" or why it could not be fetched
    files: int = 0
    findings: int = 0
    lc000: int = 0
    lc001: int = 0
    seconds: float = 0.0
    max_rss_mb: float = 0.0
    exit_code: int | None = None
    failures: list[str] = field(default_factory=list)  # LC000 messages, tracebacks, signals
    lc001_causes: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.failures) or self.exit_code not in (0, 1)


def download(name: str, folder: Path) -> tuple[Path | None, str]:
    """The package's source distribution, or its wheel when the sdist cannot be prepared
    in time (pip prepares an sdist's metadata, which builds packages with C extensions)."""
    folder.mkdir(parents=True, exist_ok=True)
    attempts = (("sdist", ["--no-binary", name], 240), ("wheel", ["--only-binary", ":all:"], 300))
    for kind, flags, timeout in attempts:
        for stale in folder.iterdir():
            stale.unlink()
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *flags, "--dest", str(folder), name]
        # A session of its own, so a timeout also stops the build backend pip started.
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            continue
        archives = sorted(folder.iterdir())
        if returncode == 0 and archives:
            return archives[0], kind
    return None, "download failed"


def unpack(archive: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(folder)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(folder, filter="data")
    entries = list(folder.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else folder


def count_files(tree: Path) -> int:
    """The files layercheck checks in `tree`, by its own discovery and settings."""
    from layercheck.infrastructure.config import ConfigError, load_settings
    from layercheck.infrastructure.discovery import discover

    try:
        settings = load_settings([tree])
    except ConfigError:
        return -1
    return len(discover([tree], settings))


def check(name: str, source: str, tree: Path, jobs: int) -> TreeResult:
    result = TreeResult(name, source, files=count_files(tree))
    command = [sys.executable, "-m", "layercheck", "--no-cache", "--output-format", "json", "-j", str(jobs), "."]
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=tree, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        result.seconds = time.monotonic() - started
        result.max_rss_mb = usage.ru_maxrss / 1024
        result.exit_code = process.returncode
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if process.returncode < 0:
        result.failures.append(f"killed by signal {-process.returncode}")
    if "Traceback" in stdout + stderr:
        result.failures.append("traceback: " + (stderr or stdout)[-2000:])
    try:
        findings = json.loads(stdout) if stdout.strip() else []
    except ValueError:
        result.failures.append("output is not JSON: " + (stderr or stdout)[-500:])
        return result
    causes: Counter[str] = Counter()
    for item in findings:
        if item["code"] == "LC000":
            result.failures.append(f"{item['filename']}: {item['message']}")
        elif item["code"] == "LC001":
            causes[item["message"].split(":")[0]] += 1
    result.findings = len(findings)
    result.lc000 = sum(1 for item in findings if item["code"] == "LC000")
    result.lc001 = sum(causes.values())
    result.lc001_causes = dict(causes.most_common())
    if process.returncode == 2 and not result.lc000:
        result.failures.append("exit 2: " + stderr[-500:])
    return result


def _row(result: TreeResult) -> str:
    cells = [result.name, result.source, f"{result.files:,}", f"{result.findings:,}", str(result.lc000)]
    cells += [str(result.lc001), f"{result.seconds:.1f}", f"{result.max_rss_mb:.0f}"]
    return "| " + " | ".join(cells) + " |"


def table(results: list[TreeResult]) -> str:
    header = "| tree | from | files | findings | LC000 | LC001 | seconds | peak MB |"
    total = TreeResult("**total**", "", sum(r.files for r in results), sum(r.findings for r in results))
    total.lc000 = sum(r.lc000 for r in results)
    total.lc001 = sum(r.lc001 for r in results)
    total.seconds = sum(r.seconds for r in results)
    total.max_rss_mb = max((r.max_rss_mb for r in results), default=0)
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|", *(_row(r) for r in results), _row(total)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="Where to download and unpack (default: a temp folder).")
    parser.add_argument("--packages", help="Comma-separated PyPI names (default: the built-in list).")
    parser.add_argument("--apps", type=Path, default=Path("/tmp/realworld"), help="A folder of app source trees.")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="Also write the results as JSON here.")
    args = parser.parse_args()
    names = [name.strip() for name in args.packages.split(",")] if args.packages else list(PACKAGES)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="layercheck-crash-hunt-"))
    results: list[TreeResult] = []
    for name in names:
        archive, source = download(name, workdir / "downloads" / name)
        if archive is None:
            results.append(TreeResult(name, source))
            print(f"{name}: {source}", file=sys.stderr)
            continue
        tree = unpack(archive, workdir / "trees" / name)
        results.append(check(archive.name, source, tree, args.jobs))
        print(f"{name}: done", file=sys.stderr)
    if args.apps.is_dir():
        for app in sorted(path for path in args.apps.iterdir() if path.is_dir()):
            results.append(check(app.name, "app", app, args.jobs))
            print(f"{app.name}: done", file=sys.stderr)
    print(table(results))
    for result in results:
        if result.lc001_causes:
            causes = ", ".join(f"{cause} ({count})" for cause, count in result.lc001_causes.items())
            print(f"- {result.name}: LC001: {causes}")
        for failure in result.failures:
            print(f"- {result.name}: FAILURE: {failure}")
    if args.json:
        args.json.write_text(json.dumps([asdict(result) for result in results], indent=2))
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
