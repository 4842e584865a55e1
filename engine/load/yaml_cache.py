"""Rules files parsed once: the parsed document of each rules file, kept by its content's hash.

Composing YAML in Python (yaml_source.py checks every node) is most of the time a plan takes
to load. A rules file that was parsed before, with these very bytes, is read back from a
JSON file in the user's cache folder instead: mappings with their lines, amounts as Decimals,
dates as dates, exactly as the parser gave them.

- Keyed by the SHA-256 of the file's bytes, the cache format and the engine version: a changed
  file, or another engine, is parsed again; nothing is ever looked up by name or date.
- JSON, never pickle: reading a cache file builds plain data and runs no code. A file that
  does not decode to the expected shape is ignored and the rules file parsed again.
- Rules files only: a profile or scenario (personal data) never goes through here.
- A cache folder that cannot be written (read-only home, a full disk) costs the speed, nothing
  else. `ENGINE_CACHE_DIR` names the folder; empty, it turns the cache off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.files import OutputError, write_text
from engine.load.yaml_source import LineDict, read_yaml_bytes
from engine.version import ENGINE_VERSION

FORMAT = "1"  # of the JSON below: raise it when that changes


def cache_folder() -> Path | None:
    configured = os.environ.get("ENGINE_CACHE_DIR")
    if configured is not None:
        return Path(configured) / "rules" if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sociaal-domein-engine" / "rules"


def read_rules_yaml(data: bytes, name: str) -> Any:
    """A rules file's parsed document: from the cache when these bytes were parsed before,
    else parsed (YamlError, with file:line, as ever) and kept for next time."""
    digest = hashlib.sha256(f"{FORMAT}\0{ENGINE_VERSION}\0".encode() + data).hexdigest()
    folder = cache_folder()
    kept = folder / f"{digest}.json" if folder is not None else None
    if kept is not None:
        document = _read(kept)
        if document is not None:
            return document
    document = read_yaml_bytes(data, name)
    if kept is not None:
        # an unwritable cache (no folder, a read-only one, a full disk): the next load parses
        with contextlib.suppress(OSError, OutputError):
            kept.parent.mkdir(parents=True, exist_ok=True)
            write_text(kept, json.dumps(_encode(document), ensure_ascii=False))
    return document


def _read(path: Path) -> Any:
    try:
        return _decode(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None  # none yet, or not what this module writes: parse the file instead


# A document as JSON: a mapping ["M", line, [[key, line, value], ...]], a list ["L", [...]],
# an amount ["D", "12.50"], a date ["T", "2026-01-01"]; text, whole numbers, yes/no and null
# as themselves.


def _encode(node: Any) -> Any:
    if isinstance(node, LineDict):
        items = [[key, node.key_lines.get(key), _encode(value)] for key, value in node.items()]
        return ["M", node.line, items]
    if isinstance(node, list):
        return ["L", [_encode(value) for value in node]]
    if isinstance(node, Decimal):
        return ["D", str(node)]
    if isinstance(node, dt.date):
        return ["T", node.isoformat()]
    if node is None or isinstance(node, str | bool | int):
        return node
    raise TypeError(type(node).__name__)


def _decode(node: Any) -> Any:
    if isinstance(node, list):
        if node[0] == "M":
            _, first_line, items = node
            mapping = LineDict()
            mapping.line, mapping.key_lines = _line(first_line), {}
            for key, line, value in items:
                if not isinstance(key, str):
                    raise TypeError("key")
                mapping[key] = _decode(value)
                mapping.key_lines[key] = _line(line)
            return mapping
        tag, body = node
        if tag == "L":
            return [_decode(value) for value in body]
        if tag == "D" and isinstance(body, str):
            return Decimal(body)
        if tag == "T" and isinstance(body, str):
            return dt.date.fromisoformat(body)
        raise ValueError(tag)
    if node is None or isinstance(node, str | bool | int):
        return node
    raise TypeError(type(node).__name__)  # a float or an object: not written here


def _line(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("line")
    return value
