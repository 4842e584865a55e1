"""Read YAML safely and remember where every mapping and key stands.

Rules files come from policy staff, not programmers: the reader accepts plain data only (no
tags that build objects, no aliases, bounded size) so that a hostile file cannot run code or
blow up memory, and it keeps line numbers so that every later error can point at file:line.
"""

from __future__ import annotations

import errno
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from engine.errors import Location, Problem
from engine.files import read_bytes

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64  # nesting of mappings and lists; the bundled files nest 6 deep
MAX_SCALAR_CHARS = 20_000  # one text or value; the longest bundled text is under 1,000
MAX_NUMBER_DIGITS = 30


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


# libyaml scans and parses, in C, at a tenth of the time of PyYAML's own scanner; the composer
# stays PyYAML's Python one so that every node passes the checks below before it is built.
try:
    from yaml.cyaml import CParser as _Parser

    _PARSING: tuple[type, ...] = (_Parser,)
except ImportError:  # a PyYAML built without libyaml
    _PARSING = (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)


class _Yaml12Resolver(yaml.resolver.BaseResolver):
    """Which plain scalars are numbers, yes/no, null or dates: YAML 1.2's core schema, not
    PyYAML's YAML 1.1. Under 1.1 a bank balance typed `0100` is octal (64), `12:50` is base 60
    (770) and the country code `NO` is false; under 1.2 they are 100, a text and a text, and a
    text where a number belongs is refused by the field that wants the number."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    # not in the core schema, but a date is what every profile and rules file needs
    ("timestamp", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "0123456789"),
):
    _Yaml12Resolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


class _Loader(yaml.composer.Composer, *_PARSING, yaml.constructor.SafeConstructor, _Yaml12Resolver):
    """A safe loader without aliases and with a node budget."""

    def __init__(self, stream: str):
        _PARSING[0].__init__(self, stream)
        for parsing in _PARSING[1:]:
            parsing.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Yaml12Resolver.__init__(self)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None,
                None,
                "anchors and aliases (*name) are not allowed in rules files",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"the file has more than {MAX_NODES} YAML nodes",
                self.peek_event().start_mark,
            )
        event = self.peek_event()
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"a value is longer than {MAX_SCALAR_CHARS} characters",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool) or key is None:
                raise yaml.MarkedYAMLError(
                    None, None, "a key must be plain text", key_node.start_mark
                )
            key = str(key)
            if key in mapping:
                raise yaml.MarkedYAMLError(
                    None, None, f"the key '{key}' appears twice", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    """Numbers with a fraction become exact Decimals, never binary floats."""
    text = loader.construct_scalar(node).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    digits = sum(c.isdigit() for c in text)
    if (
        number is None
        or not number.is_finite()
        or "e" in text.lower()
        or digits > MAX_NUMBER_DIGITS
    ):
        raise yaml.MarkedYAMLError(
            None, None, f"'{text[:20]}' is not a plain decimal number", node.start_mark
        )
    return number


def _guarded(construct: Any, what: str) -> Any:
    """Wrap a scalar constructor so that a value it cannot build is an error with its line."""

    def build(loader: _Loader, node: yaml.ScalarNode) -> Any:
        if sum(c.isdigit() for c in node.value) > MAX_NUMBER_DIGITS:
            raise yaml.MarkedYAMLError(
                None, None, f"a number longer than {MAX_NUMBER_DIGITS} digits", node.start_mark
            )
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            raise yaml.MarkedYAMLError(None, None, f"not a valid {what}", node.start_mark) from None

    return build


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _guarded(yaml.SafeLoader.construct_yaml_timestamp, "date (YYYY-MM-DD, existing day)"),
)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """A whole number in base 10, as YAML 1.2 reads it: `0100` is a hundred, never octal."""
    return int(loader.construct_scalar(node), 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _guarded(_construct_int, "number"))
_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node),
)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class YamlError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text; raise YamlError with file:line on any problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise YamlError(Problem(Location(name), f"the file is larger than {MAX_FILE_BYTES} bytes"))
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # refuses control characters (binary junk) at once
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        if "maximum nesting depth" in reason:  # libyaml's own bound (1,000) stops it before ours
            reason = f"nested deeper than {MAX_DEPTH} levels"
        raise YamlError(Problem(Location(name, line), f"YAML: {reason}")) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        reason = f"YAML: the file holds a control character (#x{code:04x}); it must be plain text"
        raise YamlError(Problem(Location(name, line), reason)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(Location(name), f"YAML: {exc}")) from None
    except RecursionError:
        raise YamlError(Problem(Location(name), "YAML: nested too deeply")) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_file(path: Path, display_name: str | None = None) -> Any:
    name = display_name or str(path)
    return read_yaml_bytes(read_file_bytes(path, name), name)


def read_file_bytes(path: Path, name: str) -> bytes:
    """A YAML file's bytes (a regular file, at most MAX_FILE_BYTES); YamlError if not."""
    try:
        return read_bytes(path, MAX_FILE_BYTES)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise YamlError(Problem(Location(name), exc.strerror)) from None
        raise YamlError(Problem(Location(name), f"cannot read the file: {exc.strerror}")) from None


def read_yaml_bytes(data: bytes, name: str) -> Any:
    """Parse a YAML file's bytes (UTF-8); raise YamlError with file:line on any problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlError(Problem(Location(name, line), "the file is not UTF-8 text")) from None
    return read_yaml_text(text, name)


def line_of(document: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest mapping or key on a pydantic error location path."""
    line = getattr(document, "line", None)
    node = document
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
