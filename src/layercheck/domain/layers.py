"""Which layer a file belongs to, and which layers each layer may import.

A layer is a set of globs on the file's path below its source root. When several globs of
different layers match, the most specific wins: a file-name glob (`**/crud.py`) beats a
folder glob (`**/services/**`); between folder globs the deeper matching folder wins
(`app/services/models/x.py` is a model); between file globs the one with more literal path
segments wins (`**/db/session.py` over `**/session.py`); ties go to the layer listed first.

A preset folder glob names a layer only when its folder is one: a folder that holds the
folders and files of other layers (`keep/api/` holding `models/`, `tasks/` and `config.py`)
names the package, not a layer, and its modules are placed by their own names and code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from layercheck.domain.vocabulary import WIRING_FOLDERS

# Layers whose modules are not held to layer rules (they wire the app or test it).
# Tests and migrations also win over every other layer a path matches.
UNHELD_LAYERS = frozenset({"middleware", "main", "tests", "migrations"})
# Layers whose folders hold one module (or folder) per noun of the domain.
_ENTITY_LAYERS = frozenset({"schema", "model", "repository"})
# The service layer's folder names, which are nouns of some domains too.
_SERVICE_FOLDER_NAMES = frozenset({"services", "service"})


def _in_wiring_folder(match: re.Match[str]) -> bool:
    """Whether the folder a folder glob matched sits right inside a dependency-wiring folder
    (`dependencies/services/`)."""
    return match.group("prefix").rstrip("/").rsplit("/", 1)[-1] in WIRING_FOLDERS
# Layers that are entry points: they must go through services.
ENTRYPOINT_LAYERS = frozenset({"api", "task"})


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its name, the globs that place files in it, and what it may import."""

    name: str
    paths: tuple[str, ...]
    may_import: tuple[str, ...]
    held: bool = True
    # A dominant layer wins over every other match: `tests/services/test_x.py` is a test.
    dominant: bool = False
    # The globs the user's configuration gave (the rest come from the preset): a file they
    # place keeps its layer whatever its code does (configuration comes first).
    configured: tuple[str, ...] = ()


# File names that say "data access": a repository wherever the file sits, when its code
# runs queries (else its folders place it: a `queries.py` of GraphQL queries).
DATA_ACCESS_FILE_GLOBS = (
    "**/dao.py",
    "**/*_dao.py",
    "**/db_manager.py",
    "**/queries.py",
    "**/persistence.py",
    # `crud_user.py`, `cruds_users.py` (a feature folder's `cruds_<feature>.py`), `user_crud.py`.
    "**/crud_*.py",
    "**/cruds_*.py",
    "**/*_crud.py",
)

SUPERNOVA_LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        "api",
        (
            "**/api/**",
            "**/routers/**",
            "**/routes/**",
            "**/endpoints/**",
            "**/router.py",
            "**/routes.py",
            "**/endpoints.py",
            "**/views.py",
            "**/views/**",
            # Clean architecture's outer ring: the HTTP adapters (its schemas, settings and
            # wiring keep what their own names or code say).
            "**/presentation/**",
        ),
        ("service", "schema", "database", "config", "api", "task"),
    ),
    LayerSpec(
        "service",
        (
            "**/services/**",
            # (the name "Architecture Patterns with Python" gives it, in domain-driven apps)
            "**/service_layer/**",
            "**/logic/**",
            "**/service/**",
            "**/service.py",
            "**/services.py",
            "**/*_service.py",
            # The usual abbreviation, as `repo/` and `*_repo.py` are the repositories'.
            "**/svc/**",
            "**/*_svc.py",
            # Clean architecture's use cases; the business-logic layer beside the DAL.
            "**/usecases/**",
            "**/use_cases/**",
            "**/usecase/**",
            "**/use_case/**",
            # Ports and adapters' application layer: the use cases and the ports they declare,
            # between the adapters that drive them and the domain (what an `application/`
            # folder holds that is no service, its routers and settings, their own names or
            # code place: a deeper folder, a file name, routes registered).
            "**/application/**",
            "**/*_usecase.py",
            "**/*_use_case.py",
            "**/usecases.py",
            "**/use_cases.py",
            "**/bl/**",
            "**/bll/**",
            "**/*_bl.py",
            # A feature's business logic beside its data access (`auth/logic.py` over `dao.py`).
            "**/logic.py",
            "**/*_logic.py",
            # Controllers that register routes are routers by what they do (api).
            "**/controllers/**",
            "**/controller/**",
            # Phoenix-style contexts: the modules that group a domain's business functions
            # behind one public surface (`contexts/accounts.py`), the layer routers call.
            "**/contexts/**",
        ),
        ("repository", "schema", "model", "service", "config", "task"),
    ),
    LayerSpec(
        "repository",
        (
            "**/repositories/**",
            "**/repository/**",
            "**/repos/**",
            "**/repo/**",
            "**/repository.py",
            "**/repositories.py",
            "**/*_repo.py",
            "**/*_repository.py",
            "**/crud.py",
            "**/crud/**",
            "**/cruds/**",
            "**/dal/**",
            # Files named for data access are repositories even among services (SPEC
            # revision 2); the engine checks these names against what the module does.
            *DATA_ACCESS_FILE_GLOBS,
            "**/dao/**",
            "**/daos/**",
        ),
        ("model", "database", "schema", "repository"),
    ),
    # `models_users.py`, `schemas_users.py`: a feature folder's files named by prefix.
    LayerSpec("model", ("**/models/**", "**/models.py", "**/models_*.py", "**/orm/**"), ("model", "database")),
    LayerSpec(
        "schema",
        (
            "**/schemas/**",
            "**/schema/**",
            "**/schemas.py",
            "**/schemas_*.py",
            "**/schema.py",
            # Data transfer objects: the request and response shapes by their other usual name
            # (`layercheck init` reads the folders alike).
            "**/dto/**",
            "**/dtos/**",
            "**/dto.py",
            "**/dtos.py",
            "**/*_dto.py",
        ),
        ("schema",),
    ),
    LayerSpec(
        "database",
        ("**/database.py", "**/db.py", "**/db/session.py", "**/db/engine.py"),
        ("config", "database"),
    ),
    LayerSpec("config", ("**/config.py", "**/settings.py", "**/configuration.py"), ("config",)),
    LayerSpec(
        "task",
        # (`bgtasks/`, `background_tasks/`: a custom queue's jobs; `daemons/`: the loops a
        # server runs beside its requests, background work like a worker's)
        (
            "**/tasks/**",
            "**/tasks.py",
            "**/workers/**",
            "**/worker.py",
            "**/workers.py",
            "**/jobs/**",
            "**/bgtasks/**",
            "**/background_tasks/**",
            "**/daemons/**",
            "**/daemons.py",
            # A message queue's consumers: background work driven by events, as a worker's.
            "**/consumers/**",
        ),
        ("service", "schema", "config", "task"),
    ),
    LayerSpec("middleware", ("**/middleware/**", "**/middlewares/**"), (), held=False),
    LayerSpec("main", ("**/main.py", "**/__main__.py"), (), held=False),
    LayerSpec(
        "tests",
        # (`fakes/` and `mocks/` hold the test doubles of services and repositories)
        # (`accounts/tests.py`: Django's habit of one tests module beside the app's code)
        (
            "**/tests/**",
            "**/test/**",
            "**/tests.py",
            "**/test_*.py",
            "**/*_test.py",
            "**/conftest.py",
            "**/fakes/**",
            "**/mocks/**",
        ),
        (),
        held=False,
        dominant=True,
    ),
    LayerSpec(
        "migrations", ("**/alembic/**", "**/migrations/**"), (), held=False, dominant=True
    ),
)

# "none" starts from no layers at all, for projects that declare every layer themselves.
PRESETS: dict[str, tuple[LayerSpec, ...]] = {"supernova": SUPERNOVA_LAYERS, "none": ()}


@dataclass
class _CompiledGlob:
    layer_index: int
    is_file_glob: bool
    literal_segments: int
    dominant: bool
    glob: str = ""
    configured: bool = False
    # Segments without wildcards: a path lacking one of them cannot match (a cheap test
    # before the regex, as every file of a project is placed).
    required: frozenset[str] = frozenset()
    # `**/NAME/**`: the folder name it gives a layer (None for other shapes).
    folder_name: str | None = None
    # Compiled on first use: a warm run places no file, and compiling the preset's globs
    # would be a tenth of its time.
    _regex: re.Pattern[str] | None = None

    def match(self, path: str) -> re.Match[str] | None:
        regex = self._regex
        if regex is None:
            regex = self._regex = glob_to_regex(self.glob)
        return regex.match(path)


def _translate_segment(segment: str) -> str:
    out = []
    for char in segment:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=1024)
def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Translate a path glob (`**` spans folders, `*` stays within one) to a regex.

    The regex captures in group `prefix` what `**/` at the start consumed, so the depth of a
    folder match can be measured. A glob without a leading `**/` is anchored at the root.
    """
    segments = glob.strip("/").split("/")
    parts: list[str] = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment == "**":
            if position == 0:
                parts.append("(?P<prefix>(?:.*/)?)")
            elif last:
                parts.append("(?:/.*)?")
            else:
                parts.append("(?:/.*)?/")
            continue
        if parts and not parts[-1].endswith("/") and not parts[-1].endswith("?)"):
            parts.append("/")
        elif parts and parts[-1] == "(?:/.*)?":
            parts.append("/")
        parts.append(_translate_segment(segment))
    pattern = "".join(parts)
    if not pattern.startswith("(?P<prefix>"):
        pattern = "(?P<prefix>)" + pattern
    return re.compile(f"^{pattern}\\Z", re.DOTALL)  # a file name may hold any character


class LayerMap:
    """Classifies paths (relative to a source root, `/`-separated) into layers."""

    def __init__(self, layers: tuple[LayerSpec, ...]) -> None:
        self.layers = layers
        self.by_name = {layer.name: layer for layer in layers}
        compiled: list[_CompiledGlob] = []
        for index, layer in enumerate(layers):
            for glob in layer.paths:
                last = glob.rstrip("/").rsplit("/", 1)[-1]
                literal = sum(1 for seg in glob.split("/") if seg and "*" not in seg)
                required = frozenset(
                    seg for seg in glob.strip("/").split("/") if seg and "*" not in seg and "?" not in seg
                )
                parts = glob.strip("/").split("/")
                preset_folder = (
                    len(parts) == 3 and parts[0] == parts[2] == "**" and "*" not in parts[1] and "?" not in parts[1]
                )
                compiled.append(
                    _CompiledGlob(
                        index,
                        last != "**",
                        literal,
                        layer.dominant,
                        glob,
                        glob in layer.configured,
                        required,
                        parts[1] if preset_folder and glob not in layer.configured else None,
                    )
                )
        self._globs = compiled
        # One-segment names of the preset (`**/models/**`, `**/*_service.py`): what a folder's
        # or a file's own name says (`names_layer`). Plain strings, not regexes: a run builds
        # this map once, and the preset's names have at most one `*`.
        self._folder_names: dict[str, str] = {}
        self._file_names: list[tuple[str, str, str]] = []  # (before `*`, after `*`, layer)
        for item in compiled:
            segments = item.glob.strip("/").split("/")
            if item.configured or segments[0] != "**" or len(segments) not in (2, 3) or "?" in segments[1]:
                continue
            named = self.layers[item.layer_index].name
            if len(segments) == 3 and segments[2] == "**" and "*" not in segments[1]:
                self._folder_names.setdefault(segments[1], named)
            elif len(segments) == 2 and segments[1].count("*") <= 1:
                before, star, after = segments[1].partition("*")
                # `after` is "\0" (matching no name's end) for an exact name without a `*`.
                self._file_names.append((before, after if star else "\0", named))

    def names_layer(self, name: str, is_folder: bool) -> str | None:
        """The layer a folder's or a file's own name gives it in the preset (`models` ->
        model, `config.py` -> config), whatever folder it sits in; None when none does."""
        if is_folder:
            return self._folder_names.get(name)
        for before, after, layer in self._file_names:
            if after == "\0":
                if name == before:
                    return layer
            elif name.startswith(before) and name.endswith(after) and len(name) >= len(before) + len(after):
                return layer
        return None

    def layer_of(self, relative_path: str) -> str | None:
        """The layer of a file, or None when no glob matches it."""
        return self.placement(relative_path)[0]

    def placement(
        self,
        relative_path: str,
        package_not_layer: Callable[[str, str], bool] | None = None,
        folders_only: bool = False,
        outer_paths: tuple[str, ...] = (),
    ) -> tuple[str | None, str | None, bool]:
        """The layer of a file, the glob that placed it, and whether that glob comes from
        the user's configuration (None, None, False when no glob matches).

        `outer_paths`: the file's path below the other roots that hold it (the project root
        around `src`); the user's globs match there too (`package/yuxi/services/**` with
        `src = [".", "package"]`), the preset's only below the innermost root.

        `package_not_layer(folder, layer)`, given, is asked of the folder a preset folder glob
        names (`app/api` for `**/api/**`, relative like the path): True when that folder holds
        other layers, so it is a package and its glob does not place the file.
        `folders_only` leaves file-name globs out (the layer a file's folders give it)."""
        # The best of the user's globs and the best of the preset's, each by specificity.
        best: dict[bool, tuple[tuple[bool, int, int, int], _CompiledGlob, int]] = {}
        # The outermost preset folder of a layer organised by entity (`schemas/`, `models/`,
        # `repositories/`): a `services/` folder inside it is the entity's (see below).
        entity_folder: tuple[tuple[bool, int, int, int], _CompiledGlob, int] | None = None
        segments = frozenset(relative_path.split("/"))
        for glob in self._globs:
            if folders_only and glob.is_file_glob:
                continue
            match = glob.match(relative_path) if glob.required <= segments else None
            if match is None and glob.configured:
                match = next(filter(None, (glob.match(outer) for outer in outer_paths)), None)
            if match is None:
                continue
            if not glob.configured and glob.folder_name in _SERVICE_FOLDER_NAMES and _in_wiring_folder(match):
                # `api/dependencies/services/auth.py`'s `get_auth_service(...)`: the providers
                # that hand the routes their services, wiring of the folder around, no service.
                continue
            # (a dominant layer's folder is that layer whatever it holds: `tests/api/` is tests)
            if glob.folder_name is not None and package_not_layer is not None and not glob.dominant:
                folder = match.group("prefix") + glob.folder_name
                if package_not_layer(folder, self.layers[glob.layer_index].name):
                    continue
            if glob.is_file_glob:
                depth = 0  # compared only between folder globs
                score = (glob.dominant, 1, glob.literal_segments, -glob.layer_index)
            else:
                # How deep the folder the glob names lies: the segments `**` stood for plus
                # the glob's own (`app/services/scheduler/tasks/**` is deeper than
                # `app/services/**`, and `**/models/**` in `app/services/models/` deeper than
                # `**/services/**`).
                depth = match.group("prefix").count("/") + glob.literal_segments
                score = (glob.dominant, 0, depth, -glob.layer_index)
                if (
                    not glob.configured
                    and glob.folder_name is not None
                    and self.layers[glob.layer_index].name in _ENTITY_LAYERS
                    and (entity_folder is None or depth < entity_folder[2])
                ):
                    entity_folder = (score, glob, depth)
            held = best.get(glob.configured)
            if held is None or score > held[0]:
                best[glob.configured] = (score, glob, depth)
        if not best:
            return None, None, False
        preset = best.get(False)
        if (
            preset is not None
            and entity_folder is not None
            and preset[1].folder_name in _SERVICE_FOLDER_NAMES
            and entity_folder[2] < preset[2]
        ):
            # `schemas/services/payload.py`, `models/services/`: inside a layer organised by
            # entity, a `services` folder holds that layer's modules for the domain's
            # `services` (a salon's, a platform's), not the service layer; the deeper folder
            # wins otherwise (`services/models/` holds the models).
            best[False] = entity_folder
        # The user's own glob beats the preset's (`app/services/**` mapped to repository places
        # `app/services/database.py` there, whatever `**/database.py` says), except where the
        # preset names a folder deeper than the user's glob reaches (`app/services/models/` is
        # the models' folder) or is dominant (tests, migrations).
        chosen = best.get(True) or best[False]
        preset = best.get(False)
        if chosen is not preset and preset is not None:
            preset_score, preset_glob, preset_depth = preset
            configured_score, configured_glob, configured_depth = chosen
            deeper_folder = not preset_glob.is_file_glob and not configured_glob.is_file_glob
            if preset_score[0] > configured_score[0] or (deeper_folder and preset_depth > configured_depth):
                chosen = preset
        best_glob = chosen[1]
        return self.layers[best_glob.layer_index].name, best_glob.glob, best_glob.configured

    def is_held(self, layer: str | None) -> bool:
        """Whether a layer's modules are held to layer rules (None: no layer, not held)."""
        if layer is None:
            return False
        spec = self.by_name.get(layer)
        return spec.held if spec is not None else False

    def may_import(self, importer: str, imported: str) -> bool:
        """Whether a module of layer `importer` may import one of layer `imported`."""
        if importer == imported:
            return True
        spec = self.by_name.get(importer)
        target = self.by_name.get(imported)
        if spec is None or target is None or not spec.held or not target.held:
            return True
        return imported in spec.may_import
