"""From file paths to modules: dotted names below the source roots, layers, display paths."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from layercheck.domain.layers import LayerMap
from layercheck.domain.records import FileTask
from layercheck.domain.settings import Settings

_POSIX = os.sep == "/" and os.altsep is None


def _prefix(folder: Path) -> str:
    """What the paths of files below `folder` start with."""
    text = str(folder)
    return text if text.endswith("/") else text + "/"


def _dotted_posix(relative: str) -> str:
    """`_dotted` of a `/`-separated relative path: `a/b/__init__.py` is `a.b`."""
    parts = [part for part in relative.split("/") if part]
    if parts:
        last = parts[-1]
        dot = last.rfind(".")
        if 0 < dot < len(last) - 1:  # as `PurePath.suffix` finds one
            parts[-1] = last[:dot]
        if parts[-1] == "__init__":
            parts.pop()
    return ".".join(parts)


# Files that mark a Python project's folder.
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
# Layers whose file names are checked against what the module does (engine/role_layer.py).
_NAMES_CHECKED = frozenset({"config", "database", "repository", "task", "schema", "service", "main"})


# How many folders down a top package is searched for the layers of a whole app.
_APP_DEPTH = 3


def _cut_off(folder: str, chain_parent: str) -> bool:
    """Whether `folder` lies above the file's package chain across a folder whose name is
    no Python identifier (`ocd-backend`): no import path reaches the code through it."""
    if not chain_parent.startswith(folder + os.sep):
        return False
    return any(not part.isidentifier() for part in chain_parent[len(folder) + 1 :].split(os.sep))


def _holds_python(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(".py") for entry in entries)
    except OSError:
        return False


class ModuleNamer:
    """Names files as modules and places them in layers, relative to their source root."""

    def __init__(self, settings: Settings, cwd: Path | None = None) -> None:
        self.root = settings.project_root.resolve()
        roots = {(self.root / src).resolve() for src in settings.src}
        roots.add(self.root)
        # Deepest first: a file's primary name is relative to the innermost root holding it.
        self.roots = sorted(roots, key=lambda p: len(p.parts), reverse=True)
        self.layer_map: LayerMap = settings.layer_map()
        self.cwd = (cwd or Path.cwd()).resolve()
        self._root_prefixes = [_prefix(root) for root in self.roots]
        self._cwd_prefix = _prefix(self.cwd)
        # The current folder, when it lies above the project root (a monorepo's root, the
        # project found in `shared/`): the files below it are also named from it.
        above = self.cwd != self.root and self.root.is_relative_to(self.cwd)
        self._outer_cwd_prefix = self._cwd_prefix if above else None
        # Folder -> its dotted package name from the `__init__.py` chain ("" outside a package).
        self._packages: dict[str, str] = {}
        # Folder -> whether it holds the folders and files of other layers (`_holds_layers`).
        self._holders: dict[str, bool] = {}
        # Folder -> whether it holds a project's marker file (`_outer_prefixes`).
        self._project_folders: dict[str, bool] = {}

    def _holds_layers(self, folder: str, layer: str) -> bool:
        """Whether a folder named for `layer` holds the folders of two or more other layers
        (`api/` holding `models/` and `tasks/`), or, for `api/`, of one other layer and an
        `api/` of its own (`api/` holding `api/` and `crud/`): then it is the package the backend lives in,
        not a layer, and its name places none of its files. Only folders that hold Python
        files count (a file named `config.py` inside `services/` is a service about
        configuration); unheld layers (tests, migrations) do not count."""
        known = self._holders.get(folder)
        if known is not None:
            return known
        others: set[str] = set()
        itself = False  # a folder of its own name inside (`server/api/api/endpoints/`)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            entries = []
        layer_map = self.layer_map
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                continue
            if not is_folder:
                continue
            named = layer_map.names_layer(entry.name, True)
            if named is None or (named == layer and itself) or named in others or not layer_map.is_held(named):
                continue
            if not _holds_python(entry.path):
                continue
            if named == layer:
                itself = itself or (layer == "api" and entry.name == os.path.basename(folder))
            else:
                others.add(named)
        # Two other layers inside, or one and an `api/` of its own (the backend kept whole
        # in `server/api/`, its routers in `server/api/api/`, its managers in
        # `server/api/crud/`): the package, not a layer. ("api" alone names a whole server
        # as well as its routers; `services/services/` is a feature among the services.)
        holds = len(others) >= 2 or (itself and len(others) >= 1)
        if not holds and self._top_package(folder) == os.path.basename(folder):
            # (also the top package named `api` holding `apps/*/{routers,models,services}/`:
            # the whole server, named for what it serves)
            holds = self._holds_whole_app(folder)
        if not holds and layer != "api":
            # `internal/services/` of microservices, each a whole app of its own
            # (`saldo_service/{api,domain/repository,infrastructure/service}/`, `main.py`):
            # the folder the apps live in, not the service layer.
            holds = any(
                self._holds_whole_app(entry.path)
                for entry in entries
                if entry.name.isidentifier() and entry.is_dir(follow_symlinks=False)
            )
        self._holders[folder] = holds
        return holds

    def _top_package(self, folder: str) -> str:
        """The dotted name of `folder`'s package, read past a `src/` that is a package only
        by a stray `__init__.py`: one holding no module of its own beside it (no `main.py`,
        no `settings.py`) makes `src.api` the top package `api`."""
        package = self._package_of(folder)
        parent = os.path.dirname(folder)
        if package.startswith("src.") and package.count(".") == 1:
            try:
                modules = [entry.name for entry in os.scandir(parent) if entry.name.endswith(".py")]
            except OSError:
                modules = []
            if modules == ["__init__.py"]:
                return package[4:]
        return package

    def _holds_whole_app(self, folder: str) -> bool:
        """Whether the top package of the code, named for a layer other than the API
        (`src/application/` holding `core/` and `domain/user/{views,service,repository,
        models}.py`), holds routers and the data layer's modules a few folders down: it is
        the app itself, not the layer its name says (an `application/` layer of ports and
        adapters holds its use cases and ports, never the routers and the ORM models)."""
        found: set[str] = set()
        layer_map = self.layer_map
        pending = [(folder, 0)]
        while pending:
            current, depth = pending.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    continue
                if not is_folder and not entry.name.endswith(".py"):
                    continue
                named = layer_map.names_layer(entry.name, is_folder)
                if named is not None:
                    found.add(named)
                if is_folder and depth < _APP_DEPTH and entry.name.isidentifier():
                    pending.append((entry.path, depth + 1))
        return "api" in found and bool(found & {"model", "repository"})

    def _outer_prefixes(self, text: str) -> list[str]:
        """For a file outside the project root (`layercheck shared order_service` with the
        project found in `shared/`): the folder of its own project (the nearest holding a
        `pyproject.toml`, `setup.py` or `setup.cfg`, up to the current folder), then the
        current folder, when below them; a service of a monorepo imports its modules below
        the former (`from database_layer.orders import ...`), the shared code below the
        latter (`from shared.database_layer import ...`)."""
        if not text.startswith(self._cwd_prefix):
            return []
        found: list[str] = []
        folder = os.path.dirname(text)
        while _prefix(Path(folder)) != self._cwd_prefix:
            marked = self._project_folders.get(folder)
            if marked is None:
                marked = any(os.path.isfile(os.path.join(folder, marker)) for marker in _PROJECT_MARKERS)
                self._project_folders[folder] = marked
            if marked:
                found.append(_prefix(Path(folder)))
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        found.append(self._cwd_prefix)
        return found

    def _package_of(self, folder: str) -> str:
        """The dotted name of `folder` from its `__init__.py` chain, up to the first folder
        without one (as ruff and mypy name modules); "" when it is no package."""
        known = self._packages.get(folder)
        if known is not None:
            return known
        name = ""
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            parent = os.path.dirname(folder)
            outer = self._package_of(parent) if parent != folder else ""
            base = os.path.basename(folder)
            name = f"{outer}.{base}" if outer else base
        self._packages[folder] = name
        return name

    def _chain_name(self, path: Path) -> str | None:
        """The module's name from its package chain, when it lies in a package."""
        package = self._package_of(os.path.dirname(str(path)))
        if not package:
            return None
        stem = path.name.rsplit(".", 1)[0]
        return package if stem == "__init__" else f"{package}.{stem}"

    def _folder_layer(
        self,
        layer_path: str,
        layer: str | None,
        glob: str | None,
        configured: bool,
        holder_test: Callable[[str, str], bool] | None,
    ) -> str | None:
        """The layer a preset file-name glob's file has by its folders (asked only of the
        names whose code is checked: `config.py`, `db.py`)."""
        if configured or glob is None or layer not in _NAMES_CHECKED or glob.endswith("**"):
            return None
        return self.layer_map.placement(layer_path, holder_test, folders_only=True)[0]

    def _holder_test(
        self, root_prefix: str, chain_parent: str | None, nearest_chain_parent: str | None
    ) -> Callable[[str, str], bool] | None:
        """`placement`'s test of a folder below a source root: whether the folder names the
        package rather than a layer (None outside every root: a file named below its own
        folder is placed by its name alone). For a file in a package, a folder above its
        package chain (`services/api/` holding the `app` package, in a repository of
        several services) is no package of the code at all, so it names no layer; except
        the folder right above the chain when it sits at the source root, holds no project
        of its own and is named for a layer other than the API (`services/` without an
        `__init__.py` holding the `auth` and `rbac` packages, imported as `services.auth`: a
        namespace package of the code). Nor does a folder above one no import can name
        (`ocd-backend`) on the way to the nearest package around the file."""
        if not root_prefix:
            return None

        def names_no_layer(folder: str, layer: str) -> bool:
            absolute = root_prefix + folder
            if nearest_chain_parent is not None and _cut_off(absolute, nearest_chain_parent):
                # (`services/ocd-backend/app/...` with `services/__init__.py`: no import path
                # runs through `ocd-backend`, so `services/` holds apps, not the service layer)
                return True
            if (
                chain_parent is not None
                and not self._package_of(absolute)
                and ("/" not in folder or not self._package_of(os.path.dirname(absolute)))
            ):
                # (a folder without an `__init__.py` inside a package below the source root,
                # `core/repositories/` holding `auth/` in the `core` package, is a namespace
                # part of the code; a stray `__init__.py` at the root itself makes no package
                # of the folders below it)
                namespace_part = (
                    absolute == chain_parent
                    and "/" not in folder
                    # (`api/` without an `__init__.py` at the root is as often the whole backend,
                    # `api/v1/routes/` beside `api/utils/`, as its routers)
                    and layer != "api"
                    and not any(os.path.isfile(os.path.join(absolute, marker)) for marker in _PROJECT_MARKERS)
                )
                # (unless the packages it holds are whole apps, `services/order/src/{routers,
                # models,services}/` beside `services/product/`: the folder of the microservices)
                return not namespace_part or self._holds_layers(absolute, layer)
            return self._holds_layers(absolute, layer)

        return names_no_layer

    def _chain_parent(self, path: Path) -> str | None:
        """The folder holding the top package of a file's package chain; None when the
        file is in no package."""
        folder = os.path.dirname(str(path))
        package = self._package_of(folder)
        if not package:
            return None
        for _ in package.split("."):
            folder = os.path.dirname(folder)
        return folder

    def _nearest_chain_parent(self, path: Path, chain_parent: str | None) -> str | None:
        """The folder holding the top package of the nearest package around a file: the
        file's own chain's (`chain_parent`), or that of a package folder above a plain one
        (`app/` around `app/scripts/seed.py`); None when no folder above it is a package."""
        if chain_parent is not None:
            return chain_parent
        folder = os.path.dirname(os.path.dirname(str(path)))
        while True:
            package = self._package_of(folder)
            if package:
                for _ in package.split("."):
                    folder = os.path.dirname(folder)
                return folder
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent

    def display_path(self, path: Path) -> str:
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return path.as_posix()

    def _dotted(self, relative: Path) -> str:
        parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def task_for(self, path: Path) -> FileTask:
        """The unit of work for one file (absolute path)."""
        if _POSIX:
            return self._task_for_posix(path)
        names: list[str] = []
        layer_path: str | None = None
        layer_root = ""
        outer_paths: list[str] = []
        for root in self.roots:
            try:
                relative = path.relative_to(root)
            except ValueError:
                continue
            if layer_path is None:
                layer_path = relative.as_posix()
                layer_root = _prefix(root)
            else:
                outer_paths.append(relative.as_posix())
            dotted = self._dotted(relative)
            if dotted and dotted not in names:
                names.append(dotted)
        if layer_path is None:  # outside the project: name it below its own project
            for prefix in self._outer_prefixes(str(path)):
                relative = Path(str(path)[len(prefix) :])
                layer_path = layer_path or relative.as_posix()
                layer_root = layer_root or prefix
                dotted = self._dotted(relative)
                if dotted and dotted not in names:
                    names.append(dotted)
        if layer_path is None:  # nor below one: name it below its own folder
            layer_path = path.name
            names.append(self._dotted(Path(path.name)) or path.stem)
        chain = self._chain_name(path)
        if chain and chain not in names:
            names.append(chain)
        outer = self._outer_cwd_prefix
        if outer is not None and str(path).startswith(outer):
            dotted = self._dotted(Path(str(path)[len(outer) :]))
            if dotted and dotted not in names:
                names.append(dotted)
        chain_parent = self._chain_parent(path)
        holder_test = self._holder_test(layer_root, chain_parent, self._nearest_chain_parent(path, chain_parent))
        layer, glob, configured = self.layer_map.placement(layer_path, holder_test, outer_paths=tuple(outer_paths))
        folder_layer = self._folder_layer(layer_path, layer, glob, configured, holder_test)
        return FileTask(
            path=os.fspath(path),
            display_path=self.display_path(path),
            module=names[0] if names else path.stem,
            aliases=tuple(names[1:]),
            is_package=path.name in ("__init__.py", "__init__.pyi"),
            layer=layer,
            held=self.layer_map.is_held(layer),
            layer_glob=glob,
            layer_configured=configured,
            folder_layer=folder_layer,
        )

    def _task_for_posix(self, path: Path) -> FileTask:
        """`task_for` with string operations (a run names every file of the project): on
        POSIX, `relative_to` of these absolute, normalised paths is a prefix test."""
        text = str(path)
        names: list[str] = []
        layer_path: str | None = None
        layer_root = ""
        outer_paths: list[str] = []
        for prefix in self._root_prefixes:
            if not text.startswith(prefix):
                continue
            relative = text[len(prefix) :]
            if layer_path is None:
                layer_path = relative
                layer_root = prefix
            else:
                outer_paths.append(relative)
            dotted = _dotted_posix(relative)
            if dotted and dotted not in names:
                names.append(dotted)
        name = path.name
        if layer_path is None:  # outside the project: name it below its own project
            for prefix in self._outer_prefixes(text):
                relative = text[len(prefix) :]
                layer_path = layer_path or relative
                layer_root = layer_root or prefix
                dotted = _dotted_posix(relative)
                if dotted and dotted not in names:
                    names.append(dotted)
        if layer_path is None:  # nor below one: name it below its own folder
            layer_path = name
            names.append(_dotted_posix(name) or path.stem)
        chain = self._chain_name(path)
        if chain and chain not in names:
            names.append(chain)
        outer = self._outer_cwd_prefix
        if outer is not None and text.startswith(outer):
            dotted = _dotted_posix(text[len(outer) :])
            if dotted and dotted not in names:
                names.append(dotted)
        chain_parent = self._chain_parent(path)
        holder_test = self._holder_test(layer_root, chain_parent, self._nearest_chain_parent(path, chain_parent))
        layer, glob, configured = self.layer_map.placement(layer_path, holder_test, outer_paths=tuple(outer_paths))
        folder_layer = self._folder_layer(layer_path, layer, glob, configured, holder_test)
        display = text[len(self._cwd_prefix) :] if text.startswith(self._cwd_prefix) else text
        return FileTask(
            path=text,
            display_path=display,
            module=names[0] if names else path.stem,
            aliases=tuple(names[1:]),
            is_package=name in ("__init__.py", "__init__.pyi"),
            layer=layer,
            held=self.layer_map.is_held(layer),
            layer_glob=glob,
            layer_configured=configured,
            folder_layer=folder_layer,
        )

    def relative_to_root(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
