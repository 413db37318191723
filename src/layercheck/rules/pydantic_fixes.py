"""Building the edits of the Pydantic config fixes (LC501, LC502): a `model_config` line in a
class body, and the `ConfigDict` import it needs."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from layercheck.engine.names import NameTable, dotted_name

_NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
CONFIG_DICTS = {
    "ConfigDict": "pydantic",
    "SettingsConfigDict": "pydantic_settings",
}

# Names that only Pydantic v1 has (v2 raises on import): a module importing one runs on v1,
# where `ConfigDict` does not exist yet.
V1_ONLY = frozenset(
    {
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic.error_wrappers.ErrorWrapper",
        "pydantic.error_wrappers.ValidationError",
    }
)

Change = tuple[cst.CSTNode, cst.CSTNode | str]


def runs_on_pydantic_v1(names: NameTable) -> bool:
    """Whether the module imports a name only Pydantic v1 has."""
    return any(binding.qualname in V1_ONLY for binding in names.scopes[0].names.values())
Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`, spelled without spaces around `=`."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=_NO_SPACE)


def model_config_line(
    reference: str, args: Sequence[cst.Arg], like: Statement | None = None
) -> cst.SimpleStatementLine:
    """`model_config = ConfigDict(...)`, keeping the blank lines and comments above `like`."""
    commas = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in args]
    call = cst.Call(func=cst.parse_expression(reference), args=commas)
    assign = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
    leading = like.leading_lines if like is not None else ()
    return cst.SimpleStatementLine(body=[assign], leading_lines=leading)


def config_dict_reference(
    names: NameTable, module: cst.Module, class_name: str
) -> tuple[str, list[Change]] | None:
    """How the module can spell `ConfigDict` (or `SettingsConfigDict`), and the import edit
    needed when it cannot yet; None when no safe import edit exists."""
    source = CONFIG_DICTS[class_name]
    binding = names.lookup(class_name)
    if binding is not None and binding.qualname in (f"{source}.{class_name}", f"{source}.config.{class_name}"):
        return class_name, []
    if binding is not None:
        return None  # the name means something else here
    package = names.lookup(source)
    if package is not None and package.qualname == source:
        return f"{source}.{class_name}", []
    change = _import_change(module, source, class_name)
    return (class_name, [change]) if change is not None else None


def _import_change(module: cst.Module, source: str, name: str) -> Change | None:
    """Add `name` to a one-line `from source import ...`, or a new import after the last one."""
    last_import: cst.SimpleStatementLine | None = None
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, (cst.Import, cst.ImportFrom)):
                continue
            last_import = statement
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and dotted_name(small.module) == source
                and not isinstance(small.names, cst.ImportStar)
                and small.lpar is None
                and len(statement.body) == 1
            ):
                names = list(small.names)
                names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                names.append(cst.ImportAlias(name=cst.Name(name)))
                return small, small.with_changes(names=names)
    if last_import is None:
        return None
    new_import = cst.ImportFrom(module=cst.Name(source), names=[cst.ImportAlias(cst.Name(name))])
    new_line = cst.SimpleStatementLine(body=[new_import])
    return last_import, module.code_for_node(last_import) + module.code_for_node(new_line)


def replace_in_body(block: cst.IndentedBlock, old: Statement | None, new: Statement) -> Change:
    """The class body with `old` replaced by `new` (or `new` put first, after a docstring)."""
    statements = list(block.body)
    if old is not None:
        statements[statements.index(old)] = new
    else:
        position = 1 if statements and _is_docstring(statements[0]) else 0
        if position < len(statements):
            following = statements[position]
            if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not (
                following.leading_lines
            ):
                statements[position] = following.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        statements.insert(position, new)
    return block, block.with_changes(body=statements)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
