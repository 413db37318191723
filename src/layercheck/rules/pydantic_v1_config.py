"""LC501 pydantic-v1-config: Pydantic v1 configuration (`class Config:`, `orm_mode`)."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import SETTINGS_BASES
from layercheck.engine.context import NodeFix
from layercheck.engine.pydantic_config import (
    INVERTED_KEYS,
    SETTINGS_KEYS,
    V1_RENAMES,
    assigned_name,
    config_class,
    small_statements,
    v1_config_keys,
    v2_key,
)
from layercheck.engine.rule import Rule
from layercheck.rules.pydantic_fixes import (
    Change,
    config_dict_reference,
    keyword_arg,
    model_config_line,
    replace_in_body,
    runs_on_pydantic_v1,
)

_EXTRA_ENUMS = ("pydantic.Extra", "pydantic.config.Extra")


def base_qualnames(rule: Rule, node: cst.ClassDef) -> list[str]:
    """Qualified names of a class statement's bases (`Generic[T]` counts as `Generic`)."""
    found = []
    for base in node.bases:
        if base.keyword is not None:
            continue
        target = base.value.value if isinstance(base.value, cst.Subscript) else base.value
        qualname = rule.names.qualified_name(target)
        if qualname is not None and not qualname.startswith("builtins."):
            found.append(qualname)
    return found


def model_condition(rule: Rule, node: cst.ClassDef) -> Condition | None:
    """The condition under which `node` is a Pydantic model (None: it cannot be one)."""
    if rule.names.at_module_level:
        return Condition("pydantic_model", (f"{rule.names.module}.{node.name.value}",))
    bases = base_qualnames(rule, node)
    return Condition("pydantic_model", tuple(bases)) if bases else None


class PydanticV1Config(Rule):
    """Flags Pydantic v1 configuration in a model: a nested `class Config:` (with or without
    `orm_mode = True`), and v1 key names (`orm_mode`, `allow_population_by_field_name`...)
    inside a v2 `model_config`.

    The backend guide's schemas use Pydantic v2 (`model_config = ConfigDict(from_attributes=
    True)`). v2 still accepts `class Config:` with a deprecation warning, renames half of
    its keys, and rejects a class that mixes both styles; one style keeps the config
    readable and the upgrade to Pydantic 3 possible. Classes built on `pydantic.v1` are
    deliberate v1 models and are skipped.
    """

    code = "LC501"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.context.settings.pydantic_major == 1:
            return  # the project pins Pydantic v1: `class Config:` is the only way there
        bases = base_qualnames(self, node)
        if any(base.startswith("pydantic.v1") for base in bases):
            return
        config = config_class(node)
        renamed = self._renamed_v2_keys(node)
        if config is None and not renamed:
            return
        condition = model_condition(self, node)
        if condition is None:
            return
        for old, new_name in renamed:
            fix = NodeFix(f"Rename to `{new_name}`", ((old, self._renamed_node(old, new_name)),))
            self.report(old, f"Pydantic v1 config key renamed in v2; use `{new_name}`", fix=fix, condition=condition)
        if config is not None:
            keys = v1_config_keys(config)
            # (a settings class takes pydantic-settings' `SettingsConfigDict`)
            settings = any(base in SETTINGS_BASES for base in bases) or bool(set(keys) & SETTINGS_KEYS)
            config_dict = "SettingsConfigDict" if settings else "ConfigDict"
            message = f"Pydantic v1 `class Config:`; use `model_config = {config_dict}(...)`"
            if "orm_mode" in keys:
                message = (
                    "Pydantic v1 `class Config:` with `orm_mode`; "
                    f"use `model_config = {config_dict}(from_attributes=True)`"
                )
            self.report(config.name, message, fix=self._fix(node, config, bases), condition=condition)

    # ----- v1 keys inside a v2 config ----------------------------------------------------

    def _renamed_v2_keys(self, node: cst.ClassDef) -> list[tuple[cst.CSTNode, str]]:
        found: list[tuple[cst.CSTNode, str]] = []
        for small in small_statements(node):
            assigned = assigned_name(small)
            if assigned is None or assigned[0] != "model_config":
                continue
            value = assigned[1]
            if isinstance(value, cst.Call):
                for arg in value.args:
                    if arg.keyword is not None and arg.keyword.value in V1_RENAMES:
                        found.append((arg.keyword, V1_RENAMES[arg.keyword.value]))
            elif isinstance(value, cst.Dict):
                for element in value.elements:
                    key = element.key if isinstance(element, cst.DictElement) else None
                    if isinstance(key, cst.SimpleString) and key.evaluated_value in V1_RENAMES:
                        found.append((key, V1_RENAMES[str(key.evaluated_value)]))
        return found

    @staticmethod
    def _renamed_node(old: cst.CSTNode, new_name: str) -> cst.CSTNode:
        if isinstance(old, cst.SimpleString):
            return old.with_changes(value=f"{old.prefix}{old.quote}{new_name}{old.quote}")
        return cst.Name(new_name)

    # ----- `class Config:` to `model_config` -------------------------------------------

    def _fix(self, owner: cst.ClassDef, config: cst.ClassDef, bases: list[str]) -> NodeFix | None:
        """Replace `class Config:` by `model_config = ConfigDict(...)` when every key maps."""
        if not self.names.at_module_level or not isinstance(owner.body, cst.IndentedBlock):
            return None
        if runs_on_pydantic_v1(self.names):
            return None  # `ConfigDict` needs Pydantic v2 installed first
        if config.bases or config.decorators or not isinstance(config.body, cst.IndentedBlock):
            return None
        if any(assigned and assigned[0] == "model_config" for assigned in map(assigned_name, small_statements(owner))):
            return None
        args: list[cst.Arg] = []
        settings = any(base in SETTINGS_BASES for base in bases)
        for statement in config.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            for small in statement.body:
                if isinstance(small, cst.Pass):
                    continue
                assigned = assigned_name(small)
                if assigned is None or assigned[1] is None:
                    return None
                key, value = assigned[0], assigned[1]
                new_key = v2_key(key)
                if new_key is None:
                    return None
                settings = settings or key in SETTINGS_KEYS
                new_value = self._v2_value(key, value)
                if new_value is None:
                    return None
                args.append(keyword_arg(new_key, new_value))
        class_name = "SettingsConfigDict" if settings else "ConfigDict"
        reference = config_dict_reference(self.names, self.context.module, class_name)
        if reference is None:
            return None
        spelling, import_changes = reference
        # A comment after `class Config:` moves to the new line; comments inside its body
        # do not survive the rewrite, which makes the fix unsafe.
        line = model_config_line(spelling, args, like=config).with_changes(trailing_whitespace=config.body.header)
        changes: list[Change] = [replace_in_body(owner.body, config, line), *import_changes]
        code_for = self.context.module.code_for_node
        lossy = any("#" in code_for(statement) for statement in config.body.body) or any(
            empty.comment is not None for empty in config.body.footer
        )
        return NodeFix(
            f"Replace `class Config:` with `model_config = {class_name}(...)`",
            tuple(changes),
            applicability="unsafe" if lossy else "safe",
        )

    def _v2_value(self, key: str, value: cst.BaseExpression) -> cst.BaseExpression | None:
        if key in INVERTED_KEYS:
            if isinstance(value, cst.Name) and value.value in ("True", "False"):
                return cst.Name("False" if value.value == "True" else "True")
            return None
        if isinstance(value, cst.Attribute):
            qualname = self.names.qualified_name(value.value)
            if qualname in _EXTRA_ENUMS:
                return cst.SimpleString(f'"{value.attr.value}"')
        return value
