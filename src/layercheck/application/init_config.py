"""`layercheck init`: detect a project's layout and write a starting configuration.

The default preset places most FastAPI layouts (folder-first `app/services/`, domain-first
`<domain>/service.py`, `crud.py`); what it misses are other names for the same layers:
singular folders (`model/`, `schema/`), `use_cases.py`, `controllers/`, `dao/`, `entities/`,
a `config/` package, Alembic scripts in a folder not called `alembic/`. `init` counts the
files each layer gets with the preset, finds folders and modules whose name says which layer
they are, and writes `[tool.layercheck]` (into `pyproject.toml`, else `layercheck.toml`)
with `extend-paths` for them, so that running `layercheck` afterwards needs no more setup.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from layercheck.domain.layers import LayerMap, LayerSpec
from layercheck.domain.settings import Settings
from layercheck.infrastructure.config import ConfigError, settings_from_table
from layercheck.infrastructure.discovery import discover
from layercheck.infrastructure.modules import ModuleNamer

# Folder names that say which layer their modules belong to, beyond the preset's globs.
FOLDER_ALIASES: dict[str, tuple[str, ...]] = {
    "model": ("model", "entities", "entity", "orm", "db_models", "tables"),
    "schema": ("schema", "dto", "dtos", "pydantic_models"),
    "service": ("use_cases", "usecases", "usecase", "use_case", "interactors", "controllers", "controller"),
    "repository": ("dao", "daos", "persistence", "data_access"),
    "config": ("config", "settings", "conf", "configs"),
}
# Module names that say their layer so plainly that they override a folder glob
# (`api/notes/use_cases.py` is the service of the notes feature, not a router).
STRONG_FILE_ALIASES: dict[str, tuple[str, ...]] = {
    "service": ("use_cases", "usecases", "use_case", "usecase", "interactors", "interactor"),
    "repository": ("dao", "daos"),
    "model": ("entities",),
    "schema": ("dto", "dtos"),
}
# Module names that suggest a layer only for files the preset leaves in no layer.
WEAK_FILE_ALIASES: dict[str, tuple[str, ...]] = {
    "model": ("model", "orm"),
    "service": ("controllers", "controller"),
    "config": ("conf", "configs", "configuration"),
}
# `controllers` is the service layer when routers live elsewhere (MVC's controllers are
# routers, so without another api layer they are the api).
_AMBIGUOUS_SERVICE = frozenset({"controllers", "controller"})
LAYER_ORDER = ("api", "service", "repository", "model", "schema", "database", "config", "task", "middleware", "main")


class InitError(Exception):
    """Why `init` wrote nothing (an existing configuration, an unreadable pyproject)."""


@dataclass
class Proposal:
    """A glob added to a layer, with the files it moves there."""

    layer: str
    glob: str
    files: list[str]
    reason: str


@dataclass
class Layout:
    """What `init` found: the layout's kind, where files land, what it proposes."""

    root: Path
    kind: str
    counts: Counter[str]
    folders: dict[str, list[str]]
    unplaced: list[str]
    proposals: list[Proposal] = field(default_factory=list)
    src: list[str] = field(default_factory=list)

    def config_lines(self, for_pyproject: bool) -> list[str]:
        """The configuration text, as TOML lines."""
        prefix = "tool.layercheck" if for_pyproject else ""
        head = f"[{prefix}]" if prefix else None
        lines = [head] if head else []
        # Inside the table, so that `init --force` replaces the comment with the table.
        lines.append(f"# Written by `layercheck init` for a {self.kind} layout; see `layercheck layers`.")
        lines.append('preset = "supernova"')
        if self.src:
            lines.append("src = [" + ", ".join(_toml_string(item) for item in self.src) + "]")
        by_layer: dict[str, list[str]] = defaultdict(list)
        for proposal in self.proposals:
            if proposal.glob not in by_layer[proposal.layer]:
                by_layer[proposal.layer].append(proposal.glob)
        if by_layer:
            lines.append("")
            lines.append(f"[{prefix + '.' if prefix else ''}layers]")
            for layer in sorted(by_layer, key=_layer_rank):
                globs = ", ".join(_toml_string(glob) for glob in by_layer[layer])
                lines.append(f"{layer} = {{ extend-paths = [{globs}] }}")
        return lines


def _layer_rank(layer: str) -> tuple[int, str]:
    return (LAYER_ORDER.index(layer) if layer in LAYER_ORDER else len(LAYER_ORDER), layer)


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ----- detection ------------------------------------------------------------------------------


def detect_layout(root: Path) -> Layout:
    """Place the project's files with the default preset and propose globs for the rest."""
    root = root.resolve()
    settings = settings_from_table({}, root, None)
    files = discover([root], settings)
    src = _source_roots(root, files)
    if src:
        settings = settings_from_table({"src": [".", *src]}, root, None)
    namer = ModuleNamer(settings, cwd=root)
    placed: dict[str, str | None] = {}
    for path in files:
        task = namer.task_for(path)
        placed[namer.relative_to_root(path)] = task.layer
    layout = Layout(
        root=root,
        kind="",
        counts=Counter(layer for layer in placed.values() if layer is not None),
        folders=_folders_by_layer(placed),
        unplaced=sorted(path for path, layer in placed.items() if layer is None),
        src=src,
    )
    layout.proposals = _proposals(placed, settings)
    layout.kind = _kind(placed)
    return layout


def _source_roots(root: Path, files: list[Path]) -> list[str]:
    """Folders (below the root, other than `src/`) holding top-level packages that the
    project's own imports name: `backend/` when the code says `from app.models import X`."""
    packages: dict[str, Path] = {}
    for path in files:
        if path.name != "__init__.py":
            continue
        package = path.parent
        if (package.parent / "__init__.py").exists():
            continue  # not a top-level package
        packages.setdefault(package.name, package.parent)
    imported: Counter[str] = Counter()
    pattern = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
    for path in files[:2000]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        imported.update(set(pattern.findall(text)))
    roots: list[str] = []
    for name, parent in sorted(packages.items()):
        if imported[name] == 0 or parent == root or (root / name).exists():
            continue
        # Only the application's own packages (a sizeable part of the project), not a
        # tool's under `dev/` or `docs/`.
        inside = sum(1 for path in files if parent / name in path.parents)
        if inside * 10 < len(files):
            continue
        relative = parent.relative_to(root).as_posix()
        if relative != "src" and relative not in roots and not _in_tests(relative):
            roots.append(relative)
    return roots


def _in_tests(relative: str) -> bool:
    return any(part in ("tests", "test", "alembic", "migrations") for part in relative.split("/"))


def _folders_by_layer(placed: dict[str, str | None]) -> dict[str, list[str]]:
    folders: dict[str, set[str]] = defaultdict(set)
    for path, layer in placed.items():
        if layer is not None:
            folders[layer].add(path.rsplit("/", 1)[0] if "/" in path else ".")
    return {layer: sorted(items) for layer, items in folders.items()}


def _proposals(placed: dict[str, str | None], settings: Settings) -> list[Proposal]:
    has_api = any(layer == "api" for layer in placed.values())
    proposals: dict[tuple[str, str], Proposal] = {}
    rejected: set[str] = set()

    def propose(layer: str, glob: str, path: str, reason: str) -> None:
        key = (layer, glob)
        if key not in proposals:
            proposals[key] = Proposal(layer, glob, [], reason)
        proposals[key].files.append(path)

    for path, layer in sorted(placed.items()):
        if layer in ("tests", "migrations"):
            continue
        parts = path.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        folders = parts[:-1]
        strong = _alias(stem, STRONG_FILE_ALIASES)
        if strong is not None and strong != layer:
            propose(strong, f"**/{stem}.py", path, f"`{stem}.py` modules")
            continue
        if layer is not None:
            continue
        folder_layer, index = _folder_alias(folders)
        if folder_layer is not None and index is not None:
            folder = folders[index]
            if folder_layer == "service" and folder in _AMBIGUOUS_SERVICE and not has_api:
                folder_layer = "api"
            prefix = "/".join(folders[: index + 1]) + "/"
            # A folder that already holds other layers' modules is a domain (dispatch's
            # `entity/` has its own `service.py`), not a layer folder.
            if _holds_layers(placed, prefix):
                rejected.add(f"**/{folder}/**")
            else:
                propose(folder_layer, f"**/{folder}/**", path, f"`{folder}/` folders")
                continue
        weak = _alias(stem, WEAK_FILE_ALIASES)
        if weak == "service" and stem in _AMBIGUOUS_SERVICE and not has_api:
            weak = "api"
        if weak is not None:
            propose(weak, f"**/{stem}.py", path, f"`{stem}.py` modules")
    for key in [key for key in proposals if key[1] in rejected]:
        del proposals[key]
    proposals.update(_migration_proposals(placed))
    # Keep only globs that would really move these files (a more specific preset glob wins).
    checked: list[Proposal] = []
    for proposal in proposals.values():
        trial = LayerMap(_with_glob(settings, proposal.layer, proposal.glob))
        moved = [
            path for path in proposal.files if trial.layer_of(_below_source_root(path, settings)) == proposal.layer
        ]
        if moved:
            proposal.files = moved
            checked.append(proposal)
    return sorted(checked, key=lambda p: (_layer_rank(p.layer), p.glob))


def _migration_proposals(placed: dict[str, str | None]) -> dict[tuple[str, str], Proposal]:
    """Alembic folders not named `alembic/` or `migrations/` (an `env.py` beside `versions/`)."""
    found: dict[tuple[str, str], Proposal] = {}
    folders = {path.rsplit("/", 1)[0] for path in placed if "/" in path}
    for folder in sorted(folders):
        if f"{folder}/env.py" not in placed or placed[f"{folder}/env.py"] == "migrations":
            continue
        if not any(path.startswith(f"{folder}/versions/") for path in placed):
            continue
        glob = f"{folder}/**"
        files = [path for path in placed if path.startswith(f"{folder}/")]
        found[("migrations", glob)] = Proposal("migrations", glob, files, "Alembic scripts")
    return found


def _alias(name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for layer, names in table.items():
        if name in names:
            return layer
    return None


def _folder_alias(folders: list[str]) -> tuple[str | None, int | None]:
    """The deepest folder whose name says its layer, with its index in `folders`."""
    for index in range(len(folders) - 1, -1, -1):
        layer = _alias(folders[index], FOLDER_ALIASES)
        if layer is not None:
            return layer, index
    return None, None


_DOMAIN_LAYERS = frozenset({"api", "service", "repository", "model", "schema"})


def _holds_layers(placed: dict[str, str | None], prefix: str) -> bool:
    """The folder holds modules of two layers or more (a `settings.py` here and there aside)."""
    layers = {layer for path, layer in placed.items() if path.startswith(prefix) and layer in _DOMAIN_LAYERS}
    return len(layers) >= 2


def _with_glob(settings: Settings, layer: str, glob: str) -> tuple[LayerSpec, ...]:
    return tuple(replace(spec, paths=(*spec.paths, glob)) if spec.name == layer else spec for spec in settings.layers)


def _below_source_root(path: str, settings: Settings) -> str:
    """The path the layer globs see: below the innermost source root holding it."""
    best = path
    for src in settings.src:
        prefix = src.strip("/").rstrip("/")
        if prefix in ("", ".") or not path.startswith(prefix + "/"):
            continue
        candidate = path[len(prefix) + 1 :]
        if len(candidate) < len(best):
            best = candidate
    return best


_DOMAIN_MODULES = frozenset(
    {"router", "routes", "views", "endpoints", "service", "repository", "models", "schemas", "crud"}
)


def _kind(placed: dict[str, str | None]) -> str:
    """"domain-first" (folders holding several layers' modules), "folder-first" (a folder
    per layer), or "mixed"."""
    layers_per_folder: dict[str, set[str]] = defaultdict(set)
    for path, layer in placed.items():
        if layer in (None, "tests", "migrations", "main", "middleware") or "/" not in path:
            continue
        folder, name = path.rsplit("/", 1)
        if name.rsplit(".", 1)[0] in _DOMAIN_MODULES:
            layers_per_folder[folder].add(layer or "")
    domains = [folder for folder, layers in layers_per_folder.items() if len(layers) >= 2]
    if len(domains) >= 2:
        return "domain-first"
    if any(layer is not None for layer in placed.values()):
        return "folder-first"
    return "unrecognised"


# ----- writing --------------------------------------------------------------------------------


@dataclass
class InitResult:
    """What `init` did, for the command to print."""

    layout: Layout
    target: Path
    text: str  # the whole file as written
    section: str  # the configuration init added
    written: bool


def init_project(root: Path, force: bool = False, dry_run: bool = False) -> InitResult:
    """Detect the layout of the project at `root` and write its configuration."""
    root = root.resolve()
    if not root.is_dir():
        raise InitError(f"{root}: not a folder")
    layout = detect_layout(root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        target = pyproject
        current = pyproject.read_text(encoding="utf-8")
        data = _parse(pyproject, current)
        tool = data.get("tool", {})
        if isinstance(tool, dict) and "layercheck" in tool:
            if not force:
                raise InitError(
                    f"{pyproject} already has a [tool.layercheck] section; "
                    "edit it, or run `layercheck init --force` to replace it"
                )
            current = _without_layercheck_tables(current)
            if "layercheck" in _parse(pyproject, current).get("tool", {}):
                raise InitError(f"{pyproject}: cannot remove the existing layercheck settings safely")
        section = "\n".join(layout.config_lines(for_pyproject=True)) + "\n"
        text = current.rstrip("\n") + ("\n\n" if current.strip() else "") + section
    else:
        target = root / "layercheck.toml"
        if target.exists() and not force:
            raise InitError(f"{target} already exists; run `layercheck init --force` to replace it")
        text = section = "\n".join(layout.config_lines(for_pyproject=False)) + "\n"
    _validate(target, text, root)
    if not dry_run:
        _write_atomically(target, text)
    return InitResult(layout, target, text, section, written=not dry_run)


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InitError(f"{path}: invalid TOML: {error}") from None


def _validate(target: Path, text: str, root: Path) -> None:
    """The written configuration must load as layercheck's own reader reads it."""
    data = _parse(target, text)
    table = data.get("tool", {}).get("layercheck", {}) if target.name == "pyproject.toml" else data
    try:
        settings_from_table(table, root, target)
    except ConfigError as error:  # a bug in init, never the user's fault
        raise InitError(f"the configuration init wrote does not load: {error}") from None


_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")


def _without_layercheck_tables(text: str) -> str:
    """`text` without its `[tool.layercheck]` and `[tool.layercheck.*]` tables."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header is not None:
            name = header.group("name").replace(" ", "").replace('"', "")
            skipping = name == "tool.layercheck" or name.startswith("tool.layercheck.")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.layercheck-init")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)


# ----- the report -----------------------------------------------------------------------------


def report_lines(result: InitResult, cwd: Path | None = None) -> list[str]:
    """What `init` prints: where files landed, what it mapped, where it wrote."""
    layout = result.layout
    lines = [f"Detected a {layout.kind} layout in {layout.root}"]
    if layout.src:
        lines.append(f"Source roots: . and {', '.join(layout.src)}")
    lines.append("Files per layer with the default preset:")
    for layer in sorted(layout.counts, key=_layer_rank):
        folders = layout.folders.get(layer, [])
        shown = ", ".join(f"{folder}/" for folder in folders[:6])
        more = f" (+{len(folders) - 6} more folders)" if len(folders) > 6 else ""
        lines.append(f"  {layer:<11} {layout.counts[layer]:>4}  {shown}{more}")
    if layout.proposals:
        lines.append("Mapped by name (added to the layers):")
        for proposal in layout.proposals:
            folders = sorted({path.rsplit("/", 1)[0] if "/" in path else "." for path in proposal.files})
            shown = ", ".join(f"{folder}/" for folder in folders[:4])
            more = f" (+{len(folders) - 4} more)" if len(folders) > 4 else ""
            lines.append(
                f"  {proposal.layer:<11} {len(proposal.files):>4}  {proposal.glob}  ({proposal.reason}: {shown}{more})"
            )
    moved = {path for proposal in layout.proposals for path in proposal.files}
    remaining = [path for path in layout.unplaced if path not in moved]
    if remaining:
        top = Counter(_top_folder(path) for path in remaining).most_common(6)
        shown = ", ".join(f"{folder} ({count})" for folder, count in top)
        lines.append(f"In no layer (checked by the layer-free rules only): {len(remaining)} files: {shown}")
    verb = "Wrote" if result.written else "Would write"
    section = "[tool.layercheck]" if result.target.name == "pyproject.toml" else "the configuration"
    lines.append(f"{verb} {section} to {_shown(result.target, cwd)}")
    return lines


def _top_folder(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[:2]) + "/" if len(parts) > 2 else (parts[0] + "/" if len(parts) > 1 else ".")


def _shown(path: Path, cwd: Path | None) -> str:
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
