"""`junit`: JUnit XML, which CI systems (GitLab, Jenkins, Azure...) show as test results.

One test suite per file with findings and one failed test case per finding (named after
the rule, located at the finding's line); a clean run is one passing test case, so the
CI shows a green check rather than an empty report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from layercheck.interface.reporters.base import Report, rule_name


def junit_tree(report: Report) -> ET.Element:
    failures = len(report.diagnostics)
    suites = ET.Element(
        "testsuites", name="layercheck", tests=str(max(failures, 1)), failures=str(failures), errors="0"
    )
    if not report.diagnostics:
        suite = ET.SubElement(suites, "testsuite", name="layercheck", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No errors found", classname="layercheck")
        return suites
    by_path: dict[str, list[int]] = {}
    for position, d in enumerate(report.diagnostics):
        by_path.setdefault(d.path, []).append(position)
    for path, positions in by_path.items():
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests=str(len(positions)), failures=str(len(positions)), errors="0"
        )
        for position in positions:
            d = report.diagnostics[position]
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{d.code} {rule_name(d.code)}",
                classname=path,
                file=path,
                line=str(d.line),
            )
            failure = ET.SubElement(case, "failure", message=d.message.splitlines()[0], type=d.code)
            failure.text = f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}"
    return suites


def render(report: Report, stream: TextIO) -> None:
    tree = junit_tree(report)
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree, encoding="unicode"))
    stream.write("\n")
