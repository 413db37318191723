"""LC502 out-schema-without-from-attributes: an `*Out` schema without `from_attributes=True`."""

from __future__ import annotations

from typing import TypeVar

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.context import NodeFix
from layercheck.engine.pydantic_config import assigned_name, config_class, small_statements
from layercheck.engine.rule import Rule
from layercheck.rules.pydantic_fixes import (
    Change,
    config_dict_reference,
    keyword_arg,
    model_config_line,
    replace_in_body,
    runs_on_pydantic_v1,
)

_TRUE = cst.Name("True")
_Item = TypeVar("_Item", cst.Arg, cst.BaseDictElement)


class OutSchemaWithoutFromAttributes(Rule):
    """Flags a response schema (a Pydantic model named `*Out`; see `suffixes`) whose config,
    and the config of every base it inherits from, lacks `from_attributes=True`.

    The guide's response schemas are built from ORM instances
    (`UserOut.model_validate(user)`), which needs `from_attributes=True`: without it
    validation fails at runtime on the first ORM object, or the service converts by hand.
    A base class that sets it (in the project, or SQLModel) satisfies the rule; so does a
    config the linter cannot read (`model_config = shared_config`).
    """

    code = "LC502"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        if not self.names.at_module_level or not name.endswith(tuple(self.options["suffixes"])):
            return
        qualname = f"{self.names.module}.{name}"
        self.report(
            node.name,
            f"response schema `{name}` lacks `from_attributes=True`; add it to its `model_config`",
            fix=self._fix(node),
            condition=Condition("config_unset:from_attributes", (qualname,)),
        )

    def _fix(self, node: cst.ClassDef) -> NodeFix | None:
        """Add `from_attributes=True` to `ConfigDict(...)`, or a new `model_config` line."""
        if config_class(node) is not None or not isinstance(node.body, cst.IndentedBlock):
            return None  # v1 `class Config:` cannot sit next to `model_config` (LC501 fixes it)
        if runs_on_pydantic_v1(self.names):
            return None
        message = "Add `from_attributes=True` to the model config"
        for small in small_statements(node):
            assigned = assigned_name(small)
            if assigned is None or assigned[0] != "model_config":
                continue
            value = assigned[1]
            new_value: cst.BaseExpression
            if isinstance(value, cst.Call):
                args = [*value.args, keyword_arg("from_attributes", _TRUE)]
                new_value = value.with_changes(args=_spaced(args, value.whitespace_before_args))
            elif isinstance(value, cst.Dict) and not any(
                isinstance(element, cst.StarredDictElement) for element in value.elements
            ):
                element = cst.DictElement(cst.SimpleString('"from_attributes"'), _TRUE)
                elements = [*value.elements, element]
                new_value = value.with_changes(elements=_spaced(elements, value.lbrace.whitespace_after))
            else:
                return None
            # The whole class body is rewritten so that continuation lines keep their indent.
            return NodeFix(message, ((node.body, node.body.deep_replace(value, new_value)),))
        reference = config_dict_reference(self.names, self.context.module, "ConfigDict")
        if reference is None:
            return None
        spelling, import_changes = reference
        line = model_config_line(spelling, [keyword_arg("from_attributes", _TRUE)])
        changes: list[Change] = [replace_in_body(node.body, None, line), *import_changes]
        return NodeFix("Add `model_config = ConfigDict(from_attributes=True)`", tuple(changes))


def _spaced(items: list[_Item], opening: cst.BaseParenthesizableWhitespace) -> list[_Item]:
    """Items of a call or dict with the new last item separated like the others.

    `ConfigDict(a=1)` becomes `ConfigDict(a=1, from_attributes=True)`; in a multi-line call
    with a trailing comma the new item gets its own line, indented like the first.
    """
    if len(items) < 2:
        return items
    previous, new = items[-2], items[-1]
    comma = previous.comma
    spaced = list(items[:-2])
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        spaced.append(previous.with_changes(comma=cst.Comma(whitespace_after=opening)))
        spaced.append(new.with_changes(comma=comma))
    else:
        spaced.append(previous.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
        spaced.append(new)
    return spaced
