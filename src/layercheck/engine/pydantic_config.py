"""Reading a Pydantic model's configuration from its class body (v1 `class Config:` and v2
`model_config = ConfigDict(...)`), shared by the facts collector and the LC5xx rules."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from layercheck.domain.vocabulary import UNKNOWN_CONFIG

# Pydantic v1 config keys renamed in v2 (pydantic's migration guide).
V1_RENAMES: dict[str, str] = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}
# `allow_mutation = False` is `frozen = True` in v2.
INVERTED_KEYS: dict[str, str] = {"allow_mutation": "frozen"}
# Keys that keep their name and meaning in v2 (`ConfigDict` and pydantic-settings'
# `SettingsConfigDict`). A key in neither table (`fields`, `smart_union`, `getter_dict`...)
# has no v2 spelling, so a `class Config:` using it cannot be rewritten mechanically.
V2_KEYS = frozenset(
    {
        "title",
        "str_to_lower",
        "str_to_upper",
        "str_strip_whitespace",
        "str_min_length",
        "str_max_length",
        "extra",
        "frozen",
        "populate_by_name",
        "use_enum_values",
        "validate_assignment",
        "arbitrary_types_allowed",
        "from_attributes",
        "loc_by_alias",
        "alias_generator",
        "ignored_types",
        "allow_inf_nan",
        "json_schema_extra",
        "json_encoders",
        "strict",
        "revalidate_instances",
        "ser_json_timedelta",
        "ser_json_bytes",
        "ser_json_inf_nan",
        "validate_default",
        "validate_return",
        "protected_namespaces",
        "hide_input_in_errors",
        "defer_build",
        "coerce_numbers_to_str",
        "regex_engine",
        "use_attribute_docstrings",
        "cache_strings",
        "json_schema_mode_override",
        "json_schema_serialization_defaults_required",
    }
)
# pydantic-settings keys: their presence says the class is a settings class.
SETTINGS_KEYS = frozenset(
    {
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_nested_delimiter",
        "env_ignore_empty",
        "env_parse_none_str",
        "env_parse_enums",
        "case_sensitive",
        "secrets_dir",
        "cli_parse_args",
        "toml_file",
        "yaml_file",
        "json_file",
    }
)


def v2_key(key: str) -> str | None:
    """The v2 name of a config key, or None when v2 has no such key."""
    if key in V1_RENAMES:
        return V1_RENAMES[key]
    if key in INVERTED_KEYS:
        return INVERTED_KEYS[key]
    if key in V2_KEYS or key in SETTINGS_KEYS:
        return key
    return None


def body_statements(node: cst.ClassDef) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of a class body (an indented block or a one-line suite)."""
    return node.body.body


def small_statements(node: cst.ClassDef) -> list[cst.BaseSmallStatement]:
    """The simple statements (assignments, `pass`...) directly in a class body."""
    found: list[cst.BaseSmallStatement] = []
    for statement in body_statements(node):
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        elif isinstance(statement, cst.BaseSmallStatement):
            found.append(statement)
    return found


def assigned_name(small: cst.BaseSmallStatement) -> tuple[str, cst.BaseExpression | None] | None:
    """`(name, value)` of `name = value` / `name: T = value`, None for other statements."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    return None


def config_dict_keys(value: cst.BaseExpression | None) -> list[str]:
    """Keys a `model_config` value sets: `ConfigDict(a=1)` and `{"a": 1}`; UNKNOWN_CONFIG otherwise."""
    if isinstance(value, cst.Call):
        keys = []
        for arg in value.args:
            if arg.keyword is None:
                return [UNKNOWN_CONFIG]
            keys.append(arg.keyword.value)
        return keys
    if isinstance(value, cst.Dict):
        keys = []
        for element in value.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return [UNKNOWN_CONFIG]
            key = element.key.evaluated_value
            if not isinstance(key, str):
                return [UNKNOWN_CONFIG]
            keys.append(key)
        return keys
    return [UNKNOWN_CONFIG]


def config_class(node: cst.ClassDef) -> cst.ClassDef | None:
    """The nested v1 `class Config:` of a class body, if any."""
    for statement in body_statements(node):
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            return statement
    return None


def v1_config_keys(config: cst.ClassDef) -> list[str]:
    """Keys a v1 `class Config:` sets (as written, v1 names)."""
    keys = []
    for small in small_statements(config):
        assigned = assigned_name(small)
        if assigned is not None:
            keys.append(assigned[0])
    for statement in body_statements(config):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            keys.append(statement.name.value)
    return keys


def config_keys(node: cst.ClassDef) -> list[str]:
    """The config keys a class sets itself, in v2 spelling; UNKNOWN_CONFIG stands for a
    config that cannot be read statically (`model_config = shared_config`)."""
    keys: list[str] = []
    config = config_class(node)
    if config is not None:
        keys.extend(v2_key(key) or key for key in v1_config_keys(config))
    for small in small_statements(node):
        assigned = assigned_name(small)
        if assigned is not None and assigned[0] == "model_config":
            keys.extend(v2_key(key) or key for key in config_dict_keys(assigned[1]))
    return keys
