"""quality/score.py: findings are matched to hand labels as quality/README.md says.

A throwaway "checkout" with labels is built in tmp_path and scored with the real CLI; the
matching rules (same line first, else one line apart, each label and finding once) are
checked on their own too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"quality_{name}", REPO / "quality" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


score = _load("score")


def label(line: int, verdict: str = "violation", code: str = "LC201", path: str = "app/api/a.py"):
    return score.Label(path, line, code, verdict, "why", "0" * 10, f"t.tsv:{line}")


def finding(line: int, code: str = "LC201", path: str = "app/api/a.py", column: int = 1):
    return score.Finding(path, line, column, code, "message")


def test_matching_rules() -> None:
    labels = [
        label(10),  # exact
        label(20),  # finding one line below
        label(30, "ok"),  # flagged: false positive
        label(40),  # nothing reported: miss
        label(50, "ok"),  # nothing reported: right
        label(60),
        label(61),  # two labels, two exact findings: the exact pass comes first
        label(70, code="LC202"),  # a finding of another code does not match
    ]
    findings = [
        finding(10),
        finding(10, column=30),  # a second finding on a matched line: duplicate
        finding(21),
        finding(30),
        finding(61),
        finding(60),
        finding(70),  # LC201 on an LC202 label's line: unjudged
        finding(90),  # unlabeled line: unjudged
    ]
    result = score.match(labels, findings)
    assert sorted((lb.line, f.line) for lb, f in result.tp) == [(10, 10), (20, 21), (60, 60), (61, 61)]
    assert [(lb.line, f.line) for lb, f in result.fp] == [(30, 30)]
    assert sorted(lb.line for lb in result.fn) == [40, 70]
    assert [lb.line for lb in result.ok_quiet] == [50]
    assert sorted(f.line for f in result.unjudged) == [70, 90]
    assert [(f.line, lb.line) for f, lb in result.dup] == [(10, 10)]
    counts = score.summarise(score.tally(result))
    total = counts["total"]
    assert (total.tp, total.fp, total.fn, total.unjudged, total.dup) == (4, 1, 2, 2, 1)
    assert counts["codes"]["LC202"].recall == 0.0
    assert counts["macro_recall"] == pytest.approx((4 / 5 + 0.0) / 2)


def test_one_line_apart_only_when_no_exact_match() -> None:
    # The finding on line 5 takes the label on line 5, so the one on line 6 cannot have it.
    result = score.match([label(5)], [finding(6), finding(5)])
    assert [(lb.line, f.line) for lb, f in result.tp] == [(5, 5)]
    assert [f.line for f, _ in result.dup] == [6]
    # Two lines apart is too far.
    result = score.match([label(5)], [finding(7)])
    assert result.fn and [f.line for f in result.unjudged] == [7]


def test_a_lines_finding_goes_to_its_violation_before_its_near_miss() -> None:
    # `select(func.count())` in a service: the query is a violation, the nested `func.count`
    # a near-miss (one query, one finding); whichever order the labels were written in, the
    # one finding is a true positive, and a second would be the near-miss's false positive.
    for labels in ([label(8, "ok"), label(8)], [label(8), label(8, "ok")]):
        result = score.match(labels, [finding(8)])
        assert [(lb.line, lb.verdict) for lb, _ in result.tp] == [(8, "violation")]
        assert not result.fp and not result.fn
        result = score.match(labels, [finding(8), finding(8, column=20)])
        assert [lb.verdict for lb, _ in result.fp] == ["ok"]


def _h(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:10]


ROUTER = """\
from sqlalchemy import select


async def list_items(session):
    rows = await session.execute(
        select(1)
    )
    return rows


async def other(session):
    await session.commit()
"""
HANDLER = """\
async def list_things(session):
    return await session.execute(text_query)
"""


def test_scorer_end_to_end(tmp_path: Path) -> None:
    checkout = tmp_path / "checkouts" / "demo"
    (checkout / "app" / "api").mkdir(parents=True)
    (checkout / "app" / "http").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (checkout / "app" / "api" / "items.py").write_text(ROUTER)
    (checkout / "app" / "http" / "things.py").write_text(HANDLER)
    rows = [
        ("app/api/items.py", 5, "LC201", "violation", _h("rows = await session.execute(")),
        # select() on line 6 of the same statement: a duplicate of the label above
        ("app/api/items.py", 13, "LC201", "violation", _h("await session.commit()")),  # off by one, stale hash
        ("app/http/things.py", 2, "LC201", "violation", _h("return await session.execute(text_query)")),
        ("app/api/items.py", 1, "LC201", "ok", _h("from sqlalchemy import select")),
    ]
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "demo.tsv").write_text(
        "path\tline\tcode\tverdict\twhy\thash\n# a comment\n"
        + "".join(f"{p}\t{n}\t{c}\t{v}\twhy\t{h}\n" for p, n, c, v, h in rows)
    )
    projects = tmp_path / "projects.toml"
    projects.write_text(
        textwrap.dedent(
            """
            [[project]]
            name = "demo"
            repo = "me/demo"
            commit = "0123456789012345678901234567890123456789"
            roots = ["app"]
            scope = ["app"]
            codes = ["LC201"]

            [project.config]
            src = ["."]
            [project.config.layers.api]
            extend-paths = ["**/http/**"]
            """
        )
    )
    layercheck = Path(sys.executable).with_name("layercheck")
    out = tmp_path / "out.json"
    argv = [
        "--checkouts", str(tmp_path / "checkouts"), "--projects-file", str(projects), "--labels-dir", str(labels),
        "--json", str(out), "--show-misses", "--jobs", "1",
    ]  # fmt: skip
    if layercheck.exists():
        argv += ["--layercheck", str(layercheck)]
    assert score.main(argv) == 0

    figures = json.loads(out.read_text())["projects"]["demo"]
    assert any("hash" in warning and "now at line 12" in warning for warning in figures["warnings"])
    zero, mapped = figures["modes"]["zero"], figures["modes"]["mapped"]
    assert zero["error"] is None and mapped["error"] is None
    assert (zero["total"]["tp"], zero["total"]["fn"], zero["total"]["dup"]) == (2, 1, 1)
    assert [(m["path"], m["line"]) for m in zero["misses"]] == [("app/http/things.py", 2)]
    assert (mapped["total"]["tp"], mapped["total"]["fn"]) == (3, 0)  # the mapping puts http/ in api
    assert zero["total"]["fp"] == zero["total"]["unjudged"] == 0
    assert not (checkout / "layercheck.toml").exists()  # the mapped run cleans up


def test_lines_are_numbered_as_python_numbers_them(tmp_path: Path) -> None:
    # An old Mac file (`\r` alone) and a Windows one: the lines layercheck reports, not one
    # line for the whole file; a form feed does not end a line.
    mac = tmp_path / "mac.py"
    mac.write_bytes(b"import logging\rlog = logging.getLogger()\r\x0cx = 1\r")
    assert score.read_lines(mac) == ["import logging", "log = logging.getLogger()", "\x0cx = 1"]
    windows = tmp_path / "windows.py"
    windows.write_bytes(b"a = 1\r\nb = 2\r\n")
    assert score.read_lines(windows) == ["a = 1", "b = 2"]
