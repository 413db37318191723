"""The fix LC701 and LC702 share: rewrite an eagerly built log message the logger's way.

A message built with an f-string, `%`, `.format()` or `+` is read into pieces (literal text
and interpolated values), then written as the logger wants it: an event name plus keyword
arguments for structlog (`log.info("user_created", user_id=user.id)`), a lazy `%s` template
plus positional arguments for the standard library (`log.info("user %s created", user.id)`).
Only the message argument changes; the other arguments keep their text, comments and line
breaks. The fix is unsafe: the values are no longer formatted into the text (structlog) or
are formatted later (stdlib), and a value that is a tuple at run time formats differently.
"""

from __future__ import annotations

import ast
import keyword
import re
import string
from dataclasses import dataclass

import libcst as cst

from layercheck.engine.context import NodeFix
from layercheck.engine.rule import Rule
from layercheck.rules.logcalls import LEVEL_FIRST_METHODS, MESSAGE_ALONE_ADVICE, LogCall, typed_readings

_WORD = re.compile(r"[A-Za-z0-9]+")
_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
_CONVERSIONS = {"s": "s", "r": "r", "a": "a"}


@dataclass(frozen=True)
class Piece:
    """Literal text, or a value with its `%` conversion and, when the template named it,
    the name (`%(user)s`, `{user}`)."""

    text: str = ""
    value: cst.BaseExpression | None = None
    conversion: str = "s"
    name: str | None = None
    # The value had a format spec (`{x:.2f}`, `%5d`): only structlog may drop it.
    formatted: bool = False


def event_name(text: str) -> str:
    """A snake_case event name from the literal words of a message ("" when it has none)."""
    words = [word.lower() for word in _WORD.findall(text)]
    return "_".join(words)[:60].strip("_")


def keyword_for(expression: cst.BaseExpression, taken: set[str], index: int) -> str:
    """A keyword name for a value: `user.id` becomes `user_id`, `self.order.id` `order_id`,
    `data["email"]` `email`; anything else `value1`, `value2`..."""
    name = _name_of(expression)
    if name is None or name in ("event", "msg") or not name.isidentifier() or keyword.iskeyword(name):
        name = f"value{index}"
    base, counter = name, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    taken.add(name)
    return name


def _name_of(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, cst.Subscript) and len(expression.slice) == 1:
        index = expression.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            key = index.value.evaluated_value
            return key if isinstance(key, str) else None
    if isinstance(expression, cst.Call) and not expression.args:
        expression = expression.func
    elif _conversion_call(expression) is not None:
        assert isinstance(expression, cst.Call)
        expression = expression.args[0].value  # `str(user.id)` is named after `user.id`
    parts: list[str] = []
    current = expression
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, cst.Name):
        return None
    if current.value not in ("self", "cls") or not parts:
        parts.append(current.value)
    return "_".join(reversed(parts)).lstrip("_") or None


def _literal(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not bytes, not f-) string literal."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    return None


def quote_of(node: cst.CSTNode) -> str:
    """The quote character the message was written with (`"` unless it used `'`)."""
    for child in (node, *getattr(node, "children", ())):
        if isinstance(child, (cst.SimpleString, cst.FormattedString)):
            return "'" if child.quote.startswith("'") else '"'
    return '"'


def string_literal(text: str, quote: str) -> str:
    """A one-line string literal of `text` in the given quote."""
    escapes = {"\\": "\\\\", quote: "\\" + quote, "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    body = "".join(escapes.get(char, char if char.isprintable() else repr(char)[1:-1]) for char in text)
    return quote + body + quote


# ----- reading a message into pieces -------------------------------------------------------


def fstring_pieces(node: cst.BaseExpression) -> list[Piece] | None:
    """Pieces of an f-string, alone or implicitly concatenated with plain strings."""
    if isinstance(node, cst.ConcatenatedString):
        left, right = fstring_pieces(node.left), fstring_pieces(node.right)
        return None if left is None or right is None else left + right
    plain = _literal(node)
    if plain is not None:
        return [Piece(text=plain)]
    if not isinstance(node, cst.FormattedString) or "b" in node.prefix.lower():
        return None
    prefix = node.prefix.lower().replace("f", "")
    quote = node.quote
    pieces: list[Piece] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            raw = part.value.replace("{{", "{").replace("}}", "}")
            try:
                text = ast.literal_eval(prefix + quote + raw + quote)
            except (SyntaxError, ValueError):
                return None
            pieces.append(Piece(text=text))
        elif isinstance(part, cst.FormattedStringExpression):
            if part.equal is not None:
                return None  # `{x=}` also prints the expression's source
            conversion = _CONVERSIONS.get(part.conversion or "s")
            if conversion is None:
                return None
            pieces.append(Piece(value=part.expression, conversion=conversion, formatted=bool(part.format_spec)))
        else:
            return None
    return pieces


def percent_pieces(node: cst.BinaryOperation) -> list[Piece] | None:
    """Pieces of `"template %s" % values` (a tuple, a dict literal for `%(name)s`, or one value)."""
    template = _literal(node.left)
    if template is None:
        return None
    specs = list(_PERCENT.finditer(template))
    fields = [spec for spec in specs if spec.group("type") != "%"]
    if any(spec.group("width") == "*" or spec.group("precision") == "*" for spec in fields):
        return None
    named = [spec.group("key") for spec in fields]
    values: list[cst.BaseExpression]
    right = node.right
    if all(key is not None for key in named) and fields:
        if not isinstance(right, cst.Dict):
            return None
        by_key: dict[str, cst.BaseExpression] = {}
        for element in right.elements:
            key = _literal(element.key) if isinstance(element, cst.DictElement) else None
            if key is None or not isinstance(element, cst.DictElement):
                return None
            by_key[key] = element.value
        if set(by_key) != set(named):
            return None
        values = [by_key[key] for key in named if key is not None]
    elif any(key is not None for key in named):
        return None
    elif isinstance(right, cst.Tuple):
        if any(isinstance(element, cst.StarredElement) for element in right.elements):
            return None
        values = [element.value for element in right.elements]
    elif isinstance(right, (cst.Dict, cst.DictComp, cst.List, cst.ListComp, cst.GeneratorExp)):
        return None
    else:
        values = [right]
    keys = [key for key in named if key is not None]
    if len(values) != len(fields) or len(set(keys)) != len(keys):
        return None
    pieces: list[Piece] = []
    cursor = 0
    for spec, value in zip(fields, values, strict=True):
        pieces.append(Piece(text=template[cursor : spec.start()].replace("%%", "%")))
        kind = spec.group("type")
        plain = kind in "sra" and not spec.group("flags") and not spec.group("width") and not spec.group("precision")
        conversion = kind if kind in "ra" else "s"
        pieces.append(Piece(value=value, conversion=conversion, name=spec.group("key"), formatted=not plain))
        cursor = spec.end()
    pieces.append(Piece(text=template[cursor:].replace("%%", "%")))
    return pieces


def format_pieces(node: cst.Call) -> list[Piece] | None:
    """Pieces of `"template {} {name}".format(value, name=other)`; every argument used once."""
    assert isinstance(node.func, cst.Attribute)
    template = _literal(node.func.value)
    if template is None or any(arg.star for arg in node.args):
        return None
    positional = [arg.value for arg in node.args if arg.keyword is None]
    named = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
    used: list[str] = []
    pieces: list[Piece] = []
    automatic = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for text, field, spec, conversion in parsed:
        pieces.append(Piece(text=text))
        if field is None:
            continue
        if field == "":
            field = str(automatic)
            automatic += 1
        elif field.isdigit() and automatic:
            return None  # mixing `{}` and `{0}` is an error at run time
        if field.isdigit():
            if int(field) >= len(positional):
                return None
            value, name = positional[int(field)], None
        elif field in named:
            value, name = named[field], field
        else:
            return None  # `{0.attr}`, `{x[0]}` or an unknown name
        mapped = _CONVERSIONS.get(conversion or "s")
        if mapped is None:
            return None
        used.append(field)
        pieces.append(Piece(value=value, conversion=mapped, name=name, formatted=bool(spec)))
    every = {str(i) for i in range(len(positional))} | set(named)
    if set(used) != every or len(used) != len(set(used)):
        return None  # an argument dropped (its side effects would go) or used twice
    return pieces


def concat_pieces(node: cst.BinaryOperation) -> list[Piece] | None:
    """Pieces of `"text " + value + " more"` (the left-leaning chain of `+`)."""
    terms: list[cst.BaseExpression] = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Add) and not current.lpar:
        terms.append(current.right)
        current = current.left
    terms.append(current)
    terms.reverse()
    pieces: list[Piece] = []
    for term in terms:
        text = _literal(term)
        if text is not None:
            pieces.append(Piece(text=text))
            continue
        if isinstance(term, (cst.FormattedString, cst.ConcatenatedString)):
            inner = fstring_pieces(term)
            if inner is None:
                return None
            pieces.extend(inner)
            continue
        pieces.append(Piece(value=term))
    if not any(piece.value is None and piece.text for piece in pieces):
        return None
    return pieces


def _conversion_call(term: cst.BaseExpression) -> str | None:
    """The conversion a call stands for (`str(x)` is `%s`, `repr(x)` is `%r`), or None."""
    if (
        isinstance(term, cst.Call)
        and isinstance(term.func, cst.Name)
        and term.func.value in ("str", "repr")
        and len(term.args) == 1
        and term.args[0].keyword is None
        and not term.args[0].star
    ):
        return "s" if term.func.value == "str" else "r"
    return None


def _lazy(piece: Piece) -> Piece:
    """For a `%` template: `str(x)` becomes `x` with `%s`, `repr(x)` becomes `x` with `%r`."""
    value = piece.value
    conversion = _conversion_call(value) if value is not None else None
    if conversion is None or piece.conversion != "s" or piece.formatted:
        return piece
    assert isinstance(value, cst.Call)
    return Piece(value=value.args[0].value, conversion=conversion, name=piece.name)


def pieces_of(node: cst.BaseExpression) -> list[Piece] | None:
    """A message expression read into pieces, whatever built it."""
    if isinstance(node, (cst.FormattedString, cst.ConcatenatedString)):
        return fstring_pieces(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return percent_pieces(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return concat_pieces(node)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return format_pieces(node)
    return None


# ----- writing the call back ---------------------------------------------------------------


def _separator(call: cst.Call, index: int) -> cst.Comma:
    """A comma followed by the whitespace that precedes the message argument, so new
    arguments line up with it (on their own lines in a call split over lines)."""
    before: cst.BaseParenthesizableWhitespace | None = call.whitespace_before_args if index == 0 else None
    if index > 0:
        comma = call.args[index - 1].comma
        before = comma.whitespace_after if isinstance(comma, cst.Comma) else None
    if isinstance(before, cst.ParenthesizedWhitespace):
        after: cst.BaseParenthesizableWhitespace = before.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=()
        )
    else:
        after = cst.SimpleWhitespace(" ")
    return cst.Comma(whitespace_after=after)


def _rebuilt(log: LogCall, message: cst.BaseExpression, extra: list[cst.Arg]) -> cst.Call:
    call = log.call
    args = list(call.args)
    index = args.index(log.message)
    separator = _separator(call, index)
    # What followed the message (its comma, the line break before `)`) now follows the last
    # new argument.
    original_comma, original_after = log.message.comma, log.message.whitespace_after_arg
    new_args = [log.message.with_changes(value=message), *extra]
    for position, arg in enumerate(new_args):
        last = position == len(new_args) - 1
        new_args[position] = arg.with_changes(
            comma=original_comma if last else separator,
            whitespace_after_arg=original_after if last else cst.SimpleWhitespace(""),
        )
    args[index : index + 1] = new_args
    return call.with_changes(args=args)


def _as_argument(value: cst.BaseExpression) -> cst.BaseExpression:
    """An expression that may stand alone as an argument: `{a, b}` in an f-string is a tuple
    (and `{(yield)}` a yield) that needs its parentheses once moved out."""
    if isinstance(value, (cst.Tuple, cst.Yield)) and not value.lpar:
        return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return value


def _keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    tight = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    return cst.Arg(_as_argument(value), keyword=cst.Name(name), equal=tight)


def _structlog_call(log: LogCall, pieces: list[Piece], quote: str) -> cst.Call | None:
    values = [piece for piece in pieces if piece.value is not None]
    name = event_name(" ".join(piece.text for piece in pieces if piece.value is None))
    if not name:
        # `log.info(f"{message}")`: the value itself is the event.
        only = values[0].value if len(values) == 1 and not any(p.text for p in pieces) else None
        return _rebuilt(log, _as_argument(only), []) if only is not None else None
    taken = {arg.keyword.value for arg in log.call.args if arg.keyword is not None}
    extra = []
    for index, piece in enumerate(values, start=1):
        assert piece.value is not None
        keyword_name = piece.name if piece.name and piece.name not in taken and piece.name.isidentifier() else None
        if keyword_name is None or keyword.iskeyword(keyword_name) or keyword_name in ("event", "msg"):
            keyword_name = keyword_for(piece.value, taken, index)
        else:
            taken.add(keyword_name)
        extra.append(_keyword_arg(keyword_name, piece.value))
    return _rebuilt(log, cst.SimpleString(string_literal(name, quote)), extra)


def _stdlib_call(log: LogCall, pieces: list[Piece], quote: str) -> cst.Call | None:
    if any(piece.formatted for piece in pieces):
        return None  # a format spec has no faithful lazy form here
    pieces = [_lazy(piece) for piece in pieces]
    template = "".join(
        piece.text.replace("%", "%%") if piece.value is None else "%" + piece.conversion for piece in pieces
    )
    extra = [cst.Arg(_as_argument(piece.value)) for piece in pieces if piece.value is not None]
    return _rebuilt(log, cst.SimpleString(string_literal(template, quote)), extra)


def _lazy_percent(log: LogCall) -> cst.Call | None:
    """stdlib `"x %s" % y` keeps its template as written and passes `y` lazily."""
    value = log.message.value
    if not isinstance(value, cst.BinaryOperation) or not isinstance(value.operator, cst.Modulo):
        return None
    if percent_pieces(value) is None:
        return None
    right = value.right
    if isinstance(right, cst.Tuple):
        extra = [cst.Arg(element.value) for element in right.elements]
    else:
        extra = [cst.Arg(right.with_changes(lpar=(), rpar=()) if isinstance(right, cst.Dict) else right)]
    return _rebuilt(log, value.left, extra)


def message_fix(log: LogCall) -> NodeFix | None:
    """The unsafe fix of an eagerly built message, for a logger of known flavour."""
    if log.flavour not in ("structlog", "stdlib") or log.message.keyword is not None or log.deferred:
        return None
    positional = [arg for arg in log.call.args if arg.keyword is None]
    if any(arg.star for arg in log.call.args):
        return None
    if len(positional) != (2 if log.method in LEVEL_FIRST_METHODS or log.method == "alog" else 1):
        return None  # other positional arguments already feed a `%` template
    quote = quote_of(log.message.value)
    if log.flavour == "stdlib":
        new_call = _lazy_percent(log)
        if new_call is None:
            pieces = pieces_of(log.message.value)
            new_call = _stdlib_call(log, pieces, quote) if pieces is not None else None
        message = "Pass the values as lazy `%s` arguments"
    else:
        pieces = pieces_of(log.message.value)
        new_call = _structlog_call(log, pieces, quote) if pieces is not None else None
        message = "Log an event name with the values as keyword arguments"
    if new_call is None:
        return None
    return NodeFix(message, ((log.call, new_call),), applicability="unsafe")


def report_readings(rule: Rule, log: LogCall, messages: dict[str, str], what: str) -> None:
    """A log call on a logger from another module, reported once per reading the index may
    confirm (`typed_readings`): the flavour's message and fix where the logger takes lazy
    values; `what` and `MESSAGE_ALONE_ADVICE`, with no fix, where a project logging class's
    method takes the message alone."""
    for flavour, typed, condition, lazy in typed_readings(log):
        if lazy:
            rule.report(log.message.value, messages[flavour], fix=message_fix(typed), condition=condition)
        else:
            message = f"{what}; `{log.method}()` of the project's logger {MESSAGE_ALONE_ADVICE}"
            rule.report(log.message.value, message, condition=condition)
