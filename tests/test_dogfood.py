"""layercheck keeps its own layers: every module is in a declared layer and the run is clean."""

from __future__ import annotations

from conftest import REPO, run_layercheck


def test_every_module_of_layercheck_has_a_layer() -> None:
    run = run_layercheck(["layers", "src"], REPO)
    unlayered = [line.split()[-1] for line in run.output.splitlines() if line.startswith("- ")]
    assert unlayered == [], "add these modules to a layer in pyproject.toml's [tool.layercheck]"


def test_layercheck_passes_its_own_check() -> None:
    run = run_layercheck(["--no-cache", "--output-format", "concise", "src"], REPO)
    assert run.exit_code == 0, run.output
