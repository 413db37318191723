"""Benchmark layercheck against the libcst parse floor, in one run, as ratios.

    python bench/run.py [PATH ...] [--generate N] [--repeat R] [--jobs J] [--json OUT]

For every tree (each PATH given, plus a generated layered project of N files, 3,000 by
default when no PATH is given) it measures, alternating the kinds round after round so that
machine noise hits them alike, and reports the median of R rounds:

  floor     a J-process fork pool running `libcst.parse_module` over the files layercheck
            checks (read + parse, largest first), timed inside the child from pool start to
            last result: interpreter start and `import libcst` are not counted
  cold      `layercheck --no-cache -j J --output-format concise .` (a subprocess, wall time)
  warm      the same with a warm cache (`--cache-dir` in a temp folder, nothing changed)
  one file  one file's content changed, only that file passed (as pre-commit does), warm cache
  import    `python -c "import libcst"` (and `python -c pass`, for the interpreter alone)
  editor    in one process that already checked the tree: re-check a ~1,000-line file after
            an edit, as the engine alone and through `application.check` with the buffer
  loop      on the generated project, one alternating session as a developer lives it (issue
            14): full warm -> one file -> full warm -> an ORM model edited -> full warm (its
            findings compared with a cold run's), each as a ratio to the floor measured in the
            same session; `layercheck --watch`: a router's violation added, then removed,
            timed from the write to the report's header; `layercheck server` over stdio:
            first diagnostics of an opened file with no cache (against the one-file CLI
            with no cache) and the diagnostics after each edit of a ~500-line file

It also reports CPU seconds (user + sys of the whole process tree, less sensitive to other
load than wall time) and the peak RSS of the largest single process of each kind.
A PATH is never left modified: the one-file edits are undone, with the file's mtime, on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("floor", "cold", "warm", "one_file", "import_libcst", "python")
LABELS = {
    "floor": "parse floor (fork pool, libcst)",
    "cold": "layercheck --no-cache (cold)",
    "warm": "layercheck, warm cache",
    "one_file": "one changed file, warm cache",
    "import_libcst": 'python -c "import libcst"',
    "python": "python -c pass",
}


# ----- helpers that run in child processes ------------------------------------------------


def _parse_one(path: str) -> int:
    import libcst

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        libcst.parse_module(data)
    except Exception:  # a file libcst cannot parse still cost its parse
        return 0
    return 1


def floor_worker(list_file: str, jobs: int) -> None:
    """Parse every listed file in a fork pool; print the seconds it took as JSON."""
    import multiprocessing

    import libcst  # noqa: F401  (imported before forking, as layercheck's workers inherit it)

    paths = Path(list_file).read_text().splitlines()
    paths.sort(key=lambda p: os.path.getsize(p), reverse=True)
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        parsed = sum(pool.imap_unordered(_parse_one, paths, chunksize=1))
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "parsed": parsed}))


def recheck_worker(path: str, cache_dir: str, repeat: int) -> None:
    """Time re-checking one file after edits, in a process that already checked the tree."""
    from layercheck.application.check import CheckOptions, check
    from layercheck.infrastructure.config import load_settings
    from layercheck.engine.checker import check_bytes
    from layercheck.infrastructure.modules import ModuleNamer

    target = Path(path)
    settings = load_settings([target])
    original = target.read_bytes()
    check([target], settings, CheckOptions(cache_dir=Path(cache_dir), jobs=1))  # warm start
    task = ModuleNamer(settings).task_for(target.absolute())
    try:  # the language server's model of the project, when there is one
        from layercheck.application.workspace import Workspace

        workspace: Any = Workspace.load(settings, CheckOptions(cache_dir=Path(cache_dir)))
    except ImportError:
        workspace = None
    engine: list[float] = []
    application: list[float] = []
    editor: list[float] = []
    for round_number in range(repeat):
        edited = original + f"\nedited_{round_number} = {round_number}\n".encode()
        start = time.perf_counter()
        check_bytes(task, edited, settings)
        engine.append(time.perf_counter() - start)
        options = CheckOptions(cache_dir=Path(cache_dir), jobs=1, override=(target, edited))
        start = time.perf_counter()
        check([target], settings, options)
        application.append(time.perf_counter() - start)
        if workspace is not None:
            start = time.perf_counter()
            workspace.update(target, edited)
            workspace.diagnostics(target)
            editor.append(time.perf_counter() - start)
    lines = original.count(b"\n")
    print(json.dumps({"engine": engine, "application": application, "editor": editor, "lines": lines}))


# ----- measuring --------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    code: int


@dataclass
class TreeResult:
    tree: Path
    files: int
    lines: int
    project_files: int
    changed_file: str
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    floor_inner: list[float] = field(default_factory=list)
    recheck: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def run_measured(command: list[str], cwd: Path, stdout: Any = subprocess.DEVNULL) -> tuple[Sample, str]:
    """Run a command; wall time, CPU time and peak RSS of its process tree, exit code, stderr."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=errors)
        # wait4's usage covers the child and every descendant it waited for (its workers):
        # ru_maxrss is then the largest single process of the tree.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss / 1024, process.returncode), stderr


def layercheck_command() -> list[str]:
    script = Path(sys.executable).parent / "layercheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "layercheck"]


def tree_files(tree: Path) -> tuple[list[Path], int]:
    """The files layercheck checks below `tree`, and how many the whole project holds."""
    from layercheck.infrastructure.config import load_settings
    from layercheck.infrastructure.discovery import discover, project_files

    settings = load_settings([tree])
    return discover([tree], settings), len(project_files(settings))


def pick_changed_file(files: list[Path], wanted: str | None) -> Path:
    """The file edited for the one-file measure: given, else a median-sized service module."""
    if wanted:
        return Path(wanted).resolve()
    services = [f for f in files if "service" in f.name or "services" in f.parts] or files
    ordered = sorted(services, key=lambda f: f.stat().st_size)
    return ordered[len(ordered) // 2]


def pick_long_file(files: list[Path]) -> Path:
    """The file closest to 1,000 lines, for the editor re-check."""
    return min(files, key=lambda f: abs(f.read_bytes().count(b"\n") - 1000))


class Bench:
    def __init__(self, tree: Path, args: argparse.Namespace, work: Path) -> None:
        self.tree = tree
        self.args = args
        self.work = work
        files, project_count = tree_files(tree)
        if not files:
            raise SystemExit(f"{tree}: no Python files to check")
        self.files = files
        self.changed = pick_changed_file(files, args.changed_file)
        self.long_file = pick_long_file(files)
        lines = sum(f.read_bytes().count(b"\n") for f in files)
        self.result = TreeResult(tree, len(files), lines, project_count, str(self.changed))
        self.list_file = work / "files.txt"
        self.list_file.write_text("\n".join(str(f) for f in files))
        self.cache_dir = work / "cache"
        self.original = self.changed.read_bytes()
        stat = self.changed.stat()
        self.original_times = (stat.st_atime_ns, stat.st_mtime_ns)
        self.edits = 0
        self.dirty = True  # the cache must be primed before a warm measure
        self.cwd = tree if tree.is_dir() else tree.parent
        self.target = "." if tree.is_dir() else tree.name
        self.base = [*layercheck_command(), "--output-format", "concise", "-j", str(args.jobs)]

    def restore(self) -> None:
        if self.changed.read_bytes() != self.original:
            self.changed.write_bytes(self.original)
        os.utime(self.changed, ns=self.original_times)

    def prime(self) -> None:
        """Bring the cache to "nothing changed since the last run" (untimed)."""
        self.restore()
        self.measure([*self.base, "--cache-dir", str(self.cache_dir), self.target], record=None)
        self.dirty = False

    def measure(self, command: list[str], record: str | None, cwd: Path | None = None) -> Sample:
        sample, stderr = run_measured(command, cwd or self.cwd)
        # layercheck exits 1 on findings; anything else failing is an error.
        accepted = (0, 1) if command[: len(self.base)] == self.base else (0,)
        if sample.code not in accepted:
            self.result.errors.append(f"{' '.join(command[-3:])}: exit {sample.code}: {stderr.strip()[-400:]}")
        if record is not None:
            self.result.samples.setdefault(record, []).append(sample)
        return sample

    def run_kind(self, kind: str) -> None:
        if kind == "floor":
            command = [sys.executable, str(Path(__file__).resolve()), "--floor-worker", str(self.list_file)]
            command += ["--jobs", str(self.args.jobs)]
            with tempfile.TemporaryFile() as out:
                sample, stderr = run_measured(command, self.cwd, stdout=out)
                out.seek(0)
                inner = json.loads(out.read() or b"{}").get("seconds")
            if inner is None:
                self.result.errors.append(f"floor: {stderr.strip()[-400:]}")
                return
            self.result.floor_inner.append(inner)
            self.result.samples.setdefault("floor", []).append(sample)
        elif kind == "cold":
            self.measure([*self.base, "--no-cache", self.target], "cold")
        elif kind == "warm":
            if self.dirty:
                self.prime()
            self.measure([*self.base, "--cache-dir", str(self.cache_dir), self.target], "warm")
        elif kind == "one_file":
            if self.dirty:
                self.prime()
            self.edits += 1
            self.changed.write_bytes(self.original + f"\nbench_edit = {self.edits}\n".encode())
            relative = os.path.relpath(self.changed, self.cwd)
            self.measure([*self.base, "--cache-dir", str(self.cache_dir), relative], "one_file")
            self.dirty = True
        elif kind == "import_libcst":
            # From a neutral folder: `python -c` puts the working folder first on sys.path,
            # and a tree's own `types.py` would shadow the standard library's.
            self.measure([sys.executable, "-c", "import libcst"], "import_libcst", cwd=self.work)
        elif kind == "python":
            self.measure([sys.executable, "-c", "pass"], "python", cwd=self.work)

    def run(self) -> TreeResult:
        try:
            for round_number in range(self.args.repeat):
                # Rotate the order every round: no kind always runs right after another.
                shift = round_number % len(KINDS)
                for kind in KINDS[shift:] + KINDS[:shift]:
                    self.run_kind(kind)
                print(f"  round {round_number + 1}/{self.args.repeat} done", file=sys.stderr)
            self.prime()
            self.recheck()
        finally:
            self.restore()
        return self.result

    def recheck(self) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--recheck-worker", str(self.long_file)]
        command += ["--cache-dir", str(self.cache_dir), "--repeat", str(max(self.args.repeat, 3))]
        with tempfile.TemporaryFile() as out:
            sample, stderr = run_measured(command, self.cwd, stdout=out)
            out.seek(0)
            raw = out.read()
        if sample.code != 0 or not raw:
            self.result.errors.append(f"editor re-check: {stderr.strip()[-400:]}")
            return
        data = json.loads(raw)
        self.result.recheck = {
            "file": str(self.long_file),
            "lines": data["lines"],
            "engine": statistics.median(data["engine"]),
            "application": statistics.median(data["application"]),
            "editor": statistics.median(data["editor"]) if data["editor"] else None,
            "rss_mib": sample.rss_mib,
        }



# ----- the developer loop (issue 14) ------------------------------------------------------


class LspSession:
    """`layercheck server` over stdio, as an editor drives it: JSON-RPC by hand."""

    def __init__(self, root: Path) -> None:
        import queue
        import threading

        self.root = root
        self.process = subprocess.Popen(
            [*layercheck_command(), "server"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.logs: list[str] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = json.loads(stream.read(length))
            self.messages.put((time.perf_counter(), body))

    def send(self, method: str, params: Any, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        number = None
        if request:
            self.next_id += 1
            number = message["id"] = self.next_id
        data = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.process.stdin.flush()
        return number

    def wait(self, accept: Any, timeout: float = 300) -> tuple[float, dict[str, Any]]:
        """The first message `accept` takes (server requests are answered with null)."""
        import queue

        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                when, message = self.messages.get(timeout=1)
            except queue.Empty:
                continue
            if message.get("method") == "window/logMessage":
                self.logs.append(message["params"]["message"])
            if "id" in message and "method" in message:  # a request from the server
                reply = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None}).encode()
                assert self.process.stdin is not None
                self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(reply) + reply)
                self.process.stdin.flush()
            if accept(message):
                return when, message
        raise TimeoutError("no answer from the language server")

    def start(self) -> None:
        number = self.send("initialize", {"processId": os.getpid(), "rootUri": self.root.as_uri(),
                                          "capabilities": {}}, request=True)
        self.wait(lambda m: m.get("id") == number and "result" in m)
        self.send("initialized", {})

    def diagnostics(self, uri: str, version: int | None = None) -> tuple[float, list[Any]]:
        def accept(message: dict[str, Any]) -> bool:
            params = message.get("params") or {}
            return (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and (version is None or params.get("version") == version)
            )

        when, message = self.wait(accept)
        return when, message["params"]["diagnostics"]

    def indexed(self) -> None:
        if not any("files indexed" in line for line in self.logs):
            self.wait(lambda m: m.get("method") == "window/logMessage" and "files indexed" in m["params"]["message"])

    def stop(self) -> None:
        try:
            number = self.send("shutdown", None, request=True)
            self.wait(lambda m: m.get("id") == number, timeout=30)
            self.send("exit", None)
            self.process.wait(timeout=30)
        except Exception:  # noqa: BLE001  (a server that will not stop is killed)
            self.process.kill()


def _toggle_model(path: Path) -> None:
    """An ORM model becomes a plain class, or back."""
    text = path.read_text()
    import re

    if re.search(r"^class (\w+)\(Base\):", text, re.M):
        text = re.sub(r"^class (\w+)\(Base\):", r"class \1:  # not mapped", text, flags=re.M)
    else:
        text = re.sub(r"^class (\w+):  # not mapped", r"class \1(Base):", text, flags=re.M)
    path.write_text(text)


def _findings(output: bytes) -> list[str]:
    """The finding lines of a concise report, sorted."""
    return sorted(line for line in output.decode("utf-8", "replace").splitlines() if ": LC" in line)


class Loop:
    """One alternating session of what a developer does all day, on a generated project:
    full warm run, one-file run, full warm run, an ORM model edited, full warm run; and the
    language server (first diagnostics with no cache, re-check after an edit)."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        tree = bench.tree
        services = sorted(tree.glob("app/services/*_service.py"))
        # A model some service returns unmapped (LC301) and so depends on.
        self.model = next(
            tree / "app/models" / f"{service.name[: -len('_service.py')]}.py"
            for service in services
            if "from app.models." in service.read_text()
        )
        self.samples: dict[str, list[float]] = {}
        self.checks: list[str] = []
        self.model_original = self.model.read_bytes()

    def timed(self, kind: str, target: str, output: bool = False) -> bytes:
        bench = self.bench
        command = [*bench.base, "--cache-dir", str(bench.cache_dir), target]
        with tempfile.TemporaryFile() as out:
            sample, stderr = run_measured(command, bench.cwd, stdout=out)
            out.seek(0)
            data = out.read()
        if sample.code not in (0, 1):
            bench.result.errors.append(f"loop {kind}: exit {sample.code}: {stderr.strip()[-400:]}")
        self.samples.setdefault(kind, []).append(sample.wall)
        return data

    def cold_findings(self) -> list[str]:
        completed = subprocess.run([*self.bench.base, "--no-cache", "."], cwd=self.bench.cwd, capture_output=True)
        return _findings(completed.stdout)

    def round(self, number: int) -> None:
        bench = self.bench
        bench.run_kind("floor")
        bench.restore()
        bench.prime()
        self.timed("warm", ".")
        # pre-commit on the changed service (an edit that keeps what it tells other modules).
        bench.edits += 1
        bench.changed.write_bytes(bench.original + f"\nbench_edit = {bench.edits}\n".encode())
        self.timed("one_file", os.path.relpath(bench.changed, bench.cwd))
        self.timed("warm_after_one_file", ".")
        # An ORM model edited (mapped <-> not mapped): its services and routers change.
        before = _findings(self.timed("warm_again", ".", output=True))
        _toggle_model(self.model)
        after = _findings(self.timed("warm_after_model_edit", ".", output=True))
        cold = self.cold_findings()
        self.checks.append(
            f"round {number + 1}: after the model edit the warm run "
            + ("gives the cold run's findings" if after == cold else "DIFFERS FROM THE COLD RUN")
            + f" ({len(set(after) ^ set(before))} findings changed by the edit)"
        )
        if after != cold:
            bench.result.errors.append(f"loop round {number + 1}: warm findings after the model edit differ from cold")
        bench.dirty = True

    def lsp(self) -> dict[str, Any]:
        """First diagnostics of an opened file with no cache (vs the one-file CLI with no
        cache), then diagnostics after edits of a ~500-line file once the index is read."""
        bench = self.bench
        tree = bench.tree
        opened = bench.changed
        relative = os.path.relpath(opened, bench.cwd)
        cli: list[float] = []
        first: list[float] = []
        edits: list[float] = []
        for _ in range(max(1, min(bench.args.repeat, 3))):
            sample, _ = run_measured([*bench.base, "--no-cache", relative], bench.cwd)
            cli.append(sample.wall)
            shutil.rmtree(tree / ".layercheck_cache", ignore_errors=True)
            session = LspSession(tree)
            try:
                session.start()
                uri = opened.as_uri()
                start = time.perf_counter()
                session.send("textDocument/didOpen", {"textDocument": {
                    "uri": uri, "languageId": "python", "version": 1, "text": opened.read_text()}})
                when, _ = session.diagnostics(uri)
                first.append(when - start)
                session.indexed()
                long_file = min(tree.glob("app/services/*.py"), key=lambda f: abs(f.read_text().count("\n") - 500))
                text = long_file.read_text()
                long_uri = long_file.as_uri()
                session.send("textDocument/didOpen", {"textDocument": {
                    "uri": long_uri, "languageId": "python", "version": 1, "text": text}})
                session.diagnostics(long_uri)
                for version in range(2, 12):
                    extra = f"\nedited_{version} = {version}\n" if version % 2 else "\nimport sqlalchemy\n"
                    start = time.perf_counter()
                    session.send("textDocument/didChange", {
                        "textDocument": {"uri": long_uri, "version": version},
                        "contentChanges": [{"text": text + extra}]})
                    when, _ = session.diagnostics(long_uri, version)
                    edits.append(when - start)
            finally:
                session.stop()
        lines = long_file.read_text().count("\n")
        return {"cli_one_file_no_cache": cli, "first_diagnostics": first, "after_edit": edits, "edit_lines": lines}

    def watch(self) -> list[float]:
        """`layercheck --watch` on the tree (warm cache): from the write of a router that adds,
        then removes, a violation to the header of the report that shows it."""
        import queue
        import re
        import signal
        import threading

        bench = self.bench
        command = [*bench.base, "--cache-dir", str(bench.cache_dir), "--watch", "."]
        process = subprocess.Popen(command, cwd=bench.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, bufsize=1)
        lines: queue.Queue[tuple[float, str, str]] = queue.Queue()

        def read(stream: Any, tag: str) -> None:
            for line in stream:
                lines.put((time.perf_counter(), tag, line.rstrip("\n")))

        threading.Thread(target=read, args=(process.stdout, "out"), daemon=True).start()
        threading.Thread(target=read, args=(process.stderr, "err"), daemon=True).start()

        def wait(accept: Any) -> tuple[float, str]:
            deadline = time.perf_counter() + 300
            while time.perf_counter() < deadline:
                try:
                    when, tag, line = lines.get(timeout=1)
                except queue.Empty:
                    continue
                if accept(tag, line):
                    return when, line
            raise TimeoutError("no report from --watch")

        header = re.compile(r"^\[\d\d:\d\d:\d\d\] (\d+) finding")
        router = sorted(bench.tree.glob("app/api/routes/*.py"))[5]
        original = router.read_text()
        latencies: list[float] = []
        try:
            wait(lambda tag, line: tag == "err" and "watching" in line)
            time.sleep(2)  # the watcher starts right after that line
            for number in range(4):
                added = original + f"\nfrom sqlalchemy.ext.asyncio import AsyncSession as Extra{number}\n"
                for text in (added, original):
                    start = time.perf_counter()
                    router.write_text(text)
                    when, _ = wait(lambda tag, line: tag == "out" and header.match(line) is not None)
                    latencies.append(when - start)
                    time.sleep(1)
        finally:
            router.write_text(original)
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        return latencies

    def run(self) -> dict[str, Any]:
        try:
            for number in range(self.bench.args.repeat):
                self.round(number)
                print(f"  loop round {number + 1}/{self.bench.args.repeat} done", file=sys.stderr)
            self.bench.restore()
            self.model.write_bytes(self.model_original)
            self.bench.prime()
            watch = self.watch()
            lsp = self.lsp()
        finally:
            self.model.write_bytes(self.model_original)
            self.bench.restore()
        floor = statistics.median(self.bench.result.floor_inner)
        medians = {kind: statistics.median(values) for kind, values in self.samples.items()}
        return {
            "floor": floor,
            "model": str(self.model),
            "medians": medians,
            "ratios": {kind: value / floor for kind, value in medians.items()},
            "checks": self.checks,
            "watch": {"median": statistics.median(watch), "max": max(watch), "runs": len(watch)},
            "lsp": {
                "cli_one_file_no_cache": statistics.median(lsp["cli_one_file_no_cache"]),
                "first_diagnostics": statistics.median(lsp["first_diagnostics"]),
                "after_edit": statistics.median(lsp["after_edit"]),
                "after_edit_max": max(lsp["after_edit"]),
                "edit_lines": lsp["edit_lines"],
            },
        }


def render_loop(data: dict[str, Any]) -> str:
    ratios, medians, lsp = data["ratios"], data["medians"], data["lsp"]
    targets = {"warm_after_one_file": "target <= 0.03x", "warm_after_model_edit": "target <= 0.08x"}
    out = ["", f"  developer loop (one alternating session; parse floor {data['floor']:.3f} s this session):"]
    for kind in ("warm", "one_file", "warm_after_one_file", "warm_again", "warm_after_model_edit"):
        if kind in medians:
            note = f"  ({targets[kind]})" if kind in targets else ""
            out.append(f"    {kind:<26}{medians[kind]:>8.3f} s  {ratios[kind]:.3f}x floor{note}")
    out += [f"    {line}" for line in data["checks"]]
    watch = data["watch"]
    out.append(
        f"    --watch, a violation added or removed in a router: its report {watch['median']:.3f} s after the "
        f"write (median of {watch['runs']}, max {watch['max']:.3f} s; target <= 1 s)"
    )
    ratio = lsp["first_diagnostics"] / lsp["cli_one_file_no_cache"]
    out.append(
        f"    language server, no cache: first diagnostics {lsp['first_diagnostics']:.3f} s = {ratio:.2f}x the "
        f"one-file CLI with no cache ({lsp['cli_one_file_no_cache']:.3f} s; target <= 1.2x)"
    )
    out.append(
        f"    language server, after an edit of a {lsp['edit_lines']}-line file: median {lsp['after_edit']:.3f} s, "
        f"max {lsp['after_edit_max']:.3f} s (target <= 0.25 s, debounce included)"
    )
    return "\n".join(out)


# ----- reporting --------------------------------------------------------------------------


def _median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples) if samples else float("nan")


def summary(result: TreeResult) -> dict[str, Any]:
    """The medians and ratios of one tree, JSON-ready."""
    rows: dict[str, Any] = {}
    for kind in KINDS:
        samples = result.samples.get(kind, [])
        rows[kind] = {
            "wall": _median(samples, "wall"),
            "wall_min": min((s.wall for s in samples), default=float("nan")),
            "cpu": _median(samples, "cpu"),
            "rss_mib": max((s.rss_mib for s in samples), default=float("nan")),
            "runs": len(samples),
        }
    floor = statistics.median(result.floor_inner) if result.floor_inner else float("nan")
    rows["floor"]["inner"] = floor
    cpu_floor = rows["floor"]["cpu"]
    ratios = {
        "cold/floor": rows["cold"]["wall"] / floor,
        "warm/floor": rows["warm"]["wall"] / floor,
        "one_file/import_libcst": rows["one_file"]["wall"] / rows["import_libcst"]["wall"],
        "cold/floor (cpu)": rows["cold"]["cpu"] / cpu_floor,
        "warm/floor (cpu)": rows["warm"]["cpu"] / cpu_floor,
    }
    return {
        "tree": str(result.tree),
        "files": result.files,
        "lines": result.lines,
        "project_files": result.project_files,
        "changed_file": result.changed_file,
        "rows": rows,
        "ratios": ratios,
        "recheck": result.recheck,
        "errors": result.errors,
    }


def render(data: dict[str, Any], args: argparse.Namespace) -> str:
    rows, ratios = data["rows"], data["ratios"]
    floor = rows["floor"]["inner"]
    out = [
        "",
        f"tree: {data['tree']}",
        f"  {data['files']:,} files checked, {data['lines']:,} lines; the project holds "
        f"{data['project_files']:,} Python files; one-file edits go to {data['changed_file']}",
        f"  median of {args.repeat} alternating rounds, -j {args.jobs}",
        "",
        f"  {'measure':<34}{'wall s':>9}{'min s':>9}{'cpu s':>9}{'peak MiB':>10}  ratio",
    ]

    def line(kind: str, ratio: str = "", wall: float | None = None) -> None:
        row = rows[kind]
        shown = row["wall"] if wall is None else wall
        out.append(
            f"  {LABELS[kind]:<34}{shown:>9.3f}{row['wall_min']:>9.3f}{row['cpu']:>9.3f}"
            f"{row['rss_mib']:>10.1f}  {ratio}"
        )

    line("floor", f"(pool time; process wall {rows['floor']['wall']:.3f} s)", wall=floor)
    line("cold", f"{ratios['cold/floor']:.2f}x floor (target <= 1.3x; cpu {ratios['cold/floor (cpu)']:.2f}x)")
    line("warm", f"{ratios['warm/floor']:.3f}x floor (target <= 0.03x; cpu {ratios['warm/floor (cpu)']:.3f}x)")
    line("one_file", f"{ratios['one_file/import_libcst']:.2f}x import libcst (target <= 2x)")
    line("import_libcst")
    line("python")
    recheck = data["recheck"]
    if recheck:
        workspace = f"{recheck['editor']:.3f} s" if recheck.get("editor") is not None else "n/a"
        out.append(
            f"  editor re-check of {recheck['lines']:,}-line {Path(recheck['file']).name} (target < 0.2 s): "
            f"language server workspace {workspace}, engine alone {recheck['engine']:.3f} s, "
            f"application.check with the buffer {recheck['application']:.3f} s; {recheck['rss_mib']:.1f} MiB"
        )
    peak = max(row["rss_mib"] for row in rows.values())
    out.append(f"  peak RSS of any single process: {peak:.1f} MiB (target <= 150 MiB)")
    for error in data["errors"]:
        out.append(f"  ERROR {error}")
    return "\n".join(out)


def environment() -> dict[str, Any]:
    import libcst._version

    import layercheck

    package = Path(layercheck.__file__).parent
    return {
        "python": platform.python_version(),
        "libcst": libcst._version.__version__,
        "layercheck": layercheck.__version__,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "bytecode_cached": (package / "__pycache__").is_dir(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="trees to measure (left unmodified)")
    parser.add_argument("--generate", type=int, default=None, metavar="N",
                        help="also measure a generated project of N files (default 3000 without PATHs; 0: none)")
    parser.add_argument("--repeat", type=int, default=5, help="alternating rounds (median reported)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="processes for the floor and layercheck")
    parser.add_argument("--changed-file", help="the file the one-file measure edits (default: a median service)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the generated project and the caches")
    parser.add_argument("--loop", choices=("yes", "no", "only"), default="yes",
                        help="the developer loop on the generated project (issue 14): also, not, or only it")
    parser.add_argument("--floor-worker", help=argparse.SUPPRESS)
    parser.add_argument("--recheck-worker", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_worker:
        floor_worker(args.floor_worker, args.jobs)
        return
    if args.recheck_worker:
        recheck_worker(args.recheck_worker, args.cache_dir, args.repeat)
        return

    env = environment()
    print(
        f"python {env['python']}, libcst {env['libcst']}, layercheck {env['layercheck']}, "
        f"{env['cpus']} CPUs, {env['platform']}"
    )
    if not env["bytecode_cached"]:
        print("note: layercheck's own modules have no cached bytecode (PYTHONDONTWRITEBYTECODE?): "
              "every run compiles them", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="layercheck-bench-"))
    trees = [path.resolve() for path in args.paths]
    generate_count = args.generate if args.generate is not None else (0 if trees else 3000)
    results = []
    try:
        if generate_count:
            sys.path.insert(0, str(HERE))
            from generate import generate

            generated = work / "generated"
            generate(generated, generate_count)
            trees.append(generated)
        for number, tree in enumerate(trees):
            print(f"measuring {tree} ...", file=sys.stderr)
            scratch = work / f"tree{number}"
            scratch.mkdir()
            bench = Bench(tree, args, scratch)
            data: dict[str, Any] = {"tree": str(tree)}
            if args.loop != "only":
                data = summary(bench.run())
                print(render(data, args), flush=True)
            if generate_count and tree == trees[-1] and args.loop != "no":
                bench.result.floor_inner = []  # the loop's ratios use its own floor
                data["loop"] = Loop(bench).run()
                print(render_loop(data["loop"]), flush=True)
                if bench.result.errors:
                    print("\n".join(f"  ERROR {error}" for error in bench.result.errors), flush=True)
            results.append(data)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "trees": results}, indent=2))


if __name__ == "__main__":
    main()
