"""From per-file records to the run's findings: decide candidates, run project rules,
apply `per-file-ignores` and suppression comments, and report unused suppressions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from pathlib import Path

from layercheck.domain.diagnostics import Diagnostic, Fix, Span
from layercheck.domain.facts import ModuleFacts, Suppression
from layercheck.domain.layers import glob_to_regex
from layercheck.domain.noqa import removal_edit
from layercheck.domain.records import FileRecord
from layercheck.domain.registry import BY_CODE, enabled_implementations
from layercheck.domain.settings import Settings
from layercheck.project.index import ProjectIndex
from layercheck.project.rules.base import ProjectRule


def build_index(
    records: Iterable[FileRecord], settings: Settings, unread_modules: Iterable[str] = ()
) -> ProjectIndex:
    return ProjectIndex(
        (record.facts for record in records),
        logger_factories=settings.logger_factories,
        extra_session_types=settings.options_for("LC101").get("extra-session-types", []),
        unread_modules=unread_modules,
        foreign_tops=settings.third_party,
    )


def project_rules(settings: Settings, index: ProjectIndex) -> list[ProjectRule]:
    enabled = settings.enabled_codes()
    layer_map = settings.layer_map()
    return [
        rule_class(index, layer_map, settings.options_for(info.code), settings.allow_type_checking_imports)
        for info, rule_class in enabled_implementations("project", enabled)
    ]


class _PerFileIgnores:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.project_root.resolve()
        self.entries = [
            (glob, frozenset(code for selector in codes for code in _expand(selector)))
            for glob, codes in settings.per_file_ignores
        ]

    def ignored(self, path: str) -> frozenset[str]:
        if not self.entries:
            return frozenset()
        absolute = Path(os.path.realpath(path))
        try:
            relative = absolute.relative_to(self.root).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        codes: set[str] = set()
        for glob, glob_codes in self.entries:
            if "/" in glob.strip("/"):
                matched = bool(glob_to_regex(glob.strip("/")).match(relative))
            else:
                matched = fnmatch(absolute.name, glob) or any(fnmatch(part, glob) for part in Path(relative).parts)
            if matched:
                codes |= glob_codes
        return frozenset(codes)


def _expand(selector: str) -> list[str]:
    from layercheck.domain.registry import expand_selector

    return expand_selector(selector)


def _unused_suppression(path: str, suppression: Suppression, codes: list[str], unknown: bool) -> Diagnostic:
    listed = ", ".join(f"`{code}`" for code in codes)
    if unknown:
        message = f"suppression names unknown code {listed}"
    else:
        message = f"unused suppression of {listed}"
    span = Span.of(suppression.line, suppression.column, suppression.line, suppression.end_column)
    edit = removal_edit(suppression, codes)
    fix = None
    if edit is not None:
        whole = len(codes) == len(suppression.codes)
        fix = Fix("Remove the unused suppression" if whole else f"Remove {listed}", (edit,), "safe")
    return Diagnostic("LC002", message, path, span, fix=fix, fingerprint=f"{message}")


def apply_suppressions(
    facts: ModuleFacts, diagnostics: list[Diagnostic], enabled: frozenset[str]
) -> list[Diagnostic]:
    """Drop suppressed findings and add LC002 for suppressions that suppress nothing."""
    if not facts.suppressions:
        return diagnostics
    by_line: dict[int, list[Suppression]] = {}
    for suppression in facts.suppressions:
        by_line.setdefault(suppression.line, []).append(suppression)
    used: set[tuple[int, int, str]] = set()
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        suppressed = False
        for line in {diagnostic.span.start.line, diagnostic.span.end.line}:
            for suppression in by_line.get(line, ()):
                if diagnostic.code in suppression.codes:
                    used.add((suppression.line, suppression.column, diagnostic.code))
                    suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    if "LC002" in enabled:
        for suppression in facts.suppressions:
            unknown = [code for code in suppression.codes if code not in BY_CODE]
            if unknown:
                kept.append(_unused_suppression(facts.path, suppression, unknown, unknown=True))
                continue
            unused = [
                code
                for code in suppression.codes
                if code in enabled and (suppression.line, suppression.column, code) not in used
            ]
            if unused:
                kept.append(_unused_suppression(facts.path, suppression, unused, unknown=False))
    return kept


def assemble(
    records: dict[str, FileRecord],
    checked: list[str],
    settings: Settings,
    index: ProjectIndex | None = None,
    whole_project: Callable[[ProjectIndex], list[Diagnostic]] | None = None,
) -> list[Diagnostic]:
    """Every finding of the checked files, sorted, after suppressions and ignores; with
    `whole_project`, also the findings of the checks of the project as a whole (they have no
    suppression comments, only `per-file-ignores`)."""
    index = index or build_index(records.values(), settings)
    rules = project_rules(settings, index)
    enabled = settings.enabled_codes()
    ignores = _PerFileIgnores(settings)
    results: list[Diagnostic] = []
    for path in checked:
        record = records.get(path)
        if record is None:
            continue
        found = [d for d in record.diagnostics if d.code in enabled]
        found.extend(
            c.diagnostic for c in record.candidates if c.diagnostic.code in enabled and index.holds(c.condition)
        )
        if record.facts.parsed:
            for rule in rules:
                if rule.layers is not None and record.facts.layer not in rule.layers:
                    continue
                found.extend(_contained_check(rule, record.facts))
        ignored = ignores.ignored(path)
        if ignored:
            found = [d for d in found if d.code not in ignored]
        found = _dedupe(found)
        results.extend(apply_suppressions(record.facts, found, enabled - ignored))
    if whole_project is not None:
        results.extend(d for d in whole_project(index) if d.code not in ignores.ignored(d.path))
    results.sort(key=Diagnostic.sort_key)
    return results


def _contained_check(rule: ProjectRule, facts: ModuleFacts) -> list[Diagnostic]:
    """A project rule's findings; a rule that raises becomes one LC000 finding instead."""
    try:
        return list(rule.check(facts))
    except Exception as error:  # contained like file rules: the run goes on, exit code 2
        cause = f"{type(error).__name__}: {error}".strip().splitlines()[0]
        return [Diagnostic("LC000", f"internal error in {rule.code}: {cause}", facts.path, Span.of(1, 1, 1, 1))]


def _dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, Span, str]] = set()
    unique = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.span, diagnostic.message)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique
