"""LC604 hardcoded-secret: a secret-looking settings field or constant with a literal default."""

from __future__ import annotations

import functools
import re

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.engine.context import FileContext
from layercheck.engine.rule import ServerCodeRule, callee_names
from layercheck.rules.env_read_outside_config import GETTERS

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|\b|_)|[A-Z]?[a-z]+|[0-9]+|[A-Z]+")
# A file path or a reference to another variable is not the secret itself.
_NOT_A_VALUE = re.compile(
    # A path, a placeholder, a file name; or a switch (`os.getenv("HASH_API_KEY", "false")`
    # tells whether to hash keys, it holds none).
    r"^(\.{0,2}/|~/|\$\{|\$[A-Z_]+$)|\.(pem|key|json|crt|p12|pfx|txt|env)$|^(true|false|yes|no|on|off|none|null|0|1)$",
    re.IGNORECASE,
)
# A number is a limit or a count (`os.getenv("MAX_TOKEN", "500")`), no credential, unless
# the name says it is a password (`password: str = "123456"`).
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "pin"})
# Literals that name or stand for a secret without being one: the name it is looked up
# under (`"TRACECAT_AWS_EXTERNAL_ID"`), a redaction mask (`"********"`), a sentinel
# (`"[TURN_END]"`, `"<pending>"`, `"__pending_bot_token__"`).
_NOT_A_SECRET = re.compile(
    r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^(.)\2{3,}$|^\[.*\]$|^<.*>$|^__.*__$"
    # `"__REPLACE_ME__run_init-secrets_before_starting"`: a sentinel the app refuses to start with
    r"|^__[A-Z_]+__"
    # `_NO_AUTH_API_KEY = "not-required"`: the stand-in a client is given when no key is needed
    r"|^(?i:not?[-_ ]?(required|needed|used|applicable))$"
)
# What a name ending like a secret may hold that is no credential: an SQL statement about
# tokens (`SQL_INSERT_REFRESH_TOKEN = "INSERT INTO refresh_tokens ..."`), a rate limit of an
# endpoint (`RATE_LIMIT_REFRESH_TOKEN = "30/minute"`, `"5 per hour"`).
_STATEMENT_OR_LIMIT = re.compile(
    r"^(select|insert|update|delete|with|create|alter|drop|merge)\s+\S"
    r"|^\d+\s*(/|per\s+)\s*\d*\s*(second|minute|hour|day|month|year|s|m|h|d)s?$",
    re.IGNORECASE,
)
# A snake_case identifier (`"braintrust_api_key"`): a name a credential is looked up by.
_SNAKE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_SECRET_WRAPPERS = frozenset({"pydantic.SecretStr", "pydantic.SecretBytes", "pydantic.types.SecretStr"})
_TEST_MODULES = frozenset({"test", "tests", "testing"})
_FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})


def words(name: str) -> list[str]:
    """`STRIPE_API_KEY` and `stripeApiKey` both give `["stripe", "api", "key"]`."""
    return [word.lower() for part in name.split("_") for word in _WORD.findall(part)]


@functools.cache
def _endings(secret_names: tuple[str, ...]) -> tuple[list[list[str]], frozenset[str]]:
    """The words of each configured secret name, and their last words (the same for every
    file of a run)."""
    endings = [words(name) for name in secret_names]
    return endings, frozenset(ending[-1] for ending in endings if ending)


# Words of a constant's name that make its value text shown about a secret, not the secret.
_MESSAGE_WORDS = frozenset(
    {"error", "err", "message", "msg", "detail", "text", "label", "description", "hint", "prompt"}
)


class HardcodedSecret(ServerCodeRule):
    """Flags a secret written into the code: a settings field (of a pydantic-settings class,
    or of any class in the config layer) or a module-level constant whose name ends like a
    secret (`SECRET_KEY`, `DB_PASSWORD`, `STRIPE_API_KEY`, `jwtSecret`...) with a non-empty
    string literal default, and the literal fallback of `os.getenv("SECRET_KEY", "...")`.

    The backend guide declares `SECRET_KEY: str` with no default: the app refuses to start
    until the environment provides it, and `.env` stays out of git. A literal default ships
    the secret in the repository, and a placeholder (`"changeme"`) is a working secret
    everyone knows if the deployment forgets to set it; both are flagged. Not flagged: an
    empty string, a value naming a file (`"keys/private.pem"`), a constant whose value
    only repeats words of its name (`PASSWORD = "password"`, `PK_TOKEN = "token"`: key
    names, not secrets) or is a snake_case key name ending like a secret
    (`_API_KEY = "braintrust_api_key"`), an SQL statement or a rate limit under a name
    about tokens (`SQL_INSERT_REFRESH_TOKEN = "INSERT INTO ..."`, `RATE_LIMIT_REFRESH_TOKEN
    = "30/minute"`), and the settings class of the test environment.
    """

    code = "LC604"
    calls = callee_names(GETTERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._endings, self._last_words = _endings(tuple(self.options["secret-names"]))

    def secret_name(self, name: str) -> bool:
        lowered = name.lower()
        if not any(word in lowered for word in self._last_words):
            return False  # cheap: most names hold no secret-name word at all
        found = words(name)
        return any(found[-len(ending) :] == ending for ending in self._endings if ending)

    def _hardcoded(self, name: str, literal: cst.BaseExpression, field: bool = False) -> bool:
        """A literal that is a secret value. Outside a settings field, a value made of the
        name's own words (`PK_TOKEN = "token"`, `ACCESS_TOKEN = "access"`) names a key."""
        if not isinstance(literal, (cst.SimpleString, cst.ConcatenatedString)):
            return False
        value = literal.evaluated_value
        if not isinstance(value, str) or not value.strip() or _NOT_A_VALUE.search(value.strip()):
            return False
        if _NUMBER.match(value.strip()) and not _PASSWORD_WORDS.intersection(words(name)[-1:]):
            return False
        if _NOT_A_SECRET.search(value.strip()) or _STATEMENT_OR_LIMIT.search(value.strip()):
            return False
        if not field and _SNAKE_NAME.match(value) and self.secret_name(value):
            return False  # `_API_KEY = "braintrust_api_key"`: the key a credential is stored under
        if not field and _MESSAGE_WORDS.intersection(words(name)):
            return False  # `ERROR_INVALID_CREDENTIALS = "Invalid email or password"`: text about one
        value_words = words(value)
        return field or not value_words or not set(value_words) <= set(words(name))

    # ----- assignments -------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._check_assignment(node.targets[0].target.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self._check_assignment(node.target.value, node.value)

    def _check_assignment(self, name: str, value: cst.BaseExpression) -> None:
        if not self.secret_name(name):
            return
        literal = self._default_literal(value)
        if literal is None:
            return
        message = f"secret `{name}` has a literal default; read it from the environment with no default"
        if self.names.at_module_level:
            if self._hardcoded(name, literal):
                # (a constant has no default: its value is the secret, written in the code)
                self.report(literal, f"secret `{name}` is hard-coded; read it from the environment")
            return
        owner = self._settings_class()
        if owner is None or not self._hardcoded(name, literal, field=True):
            return
        if self.context.layer == "config":
            self.report(literal, message)
        else:
            qualname = f"{self.names.module}.{owner.name.value}"
            self.report(literal, message, condition=Condition("settings_model", (qualname,)))

    def _default_literal(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """The literal a field defaults to: `"x"`, `Field("x")`, `Field(default="x")`, `SecretStr("x")`."""
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return value
        if not isinstance(value, cst.Call):
            return None
        qualname = self.names.qualified_name(value.func)
        if qualname in _SECRET_WRAPPERS or qualname in _FIELD_FUNCTIONS:
            for arg in value.args:
                positional = arg.keyword is None and not arg.star
                if positional or (arg.keyword is not None and arg.keyword.value == "default"):
                    return self._default_literal(arg.value) if qualname in _FIELD_FUNCTIONS else arg.value
        return None

    def _settings_class(self) -> cst.ClassDef | None:
        """The module-level class whose body holds the visited statement: not an enum, and
        not the settings of the test environment (`TestSettings`, `settings/test.py`),
        whose secrets are fixtures."""
        ancestors = self.context.ancestors
        if len(ancestors) != 4 or not isinstance(ancestors[1], cst.ClassDef):
            return None
        owner = ancestors[1]
        if owner.name.value.startswith("Test") or self.names.module.rsplit(".", 1)[-1] in _TEST_MODULES:
            return None
        for base in owner.bases:
            if (self.names.qualified_name(base.value) or "").startswith("enum."):
                return None
        return owner

    # ----- environment fallbacks -----------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self.names.qualified_name(node.func) not in GETTERS or len(node.args) < 2:
            return
        key, default = node.args[0].value, node.args[1].value
        if not isinstance(key, cst.SimpleString) or not isinstance(key.evaluated_value, str):
            return
        name = key.evaluated_value
        if self.secret_name(name) and self._hardcoded(name, default, field=True):
            self.report(default, f"secret `{name}` falls back to a literal; fail when the environment lacks it")
