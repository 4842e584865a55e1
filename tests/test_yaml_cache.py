"""Rules files parsed once (engine/load/yaml_cache.py): the cache gives what the parser gives,
follows every change of a file, trusts nothing it did not write, and never holds a profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE, ROOT

import engine
from engine.files import OutputError
from engine.load import yaml_cache
from engine.load.yaml_cache import read_rules_yaml
from engine.load.yaml_source import LineDict, YamlError, read_yaml_file, read_yaml_text
from engine.model.profile import profile_from_file

RULES_FILES = sorted((ROOT / "rules").rglob("*.yaml")) + sorted((ROOT / "schemes").rglob("*.yaml"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ENGINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "rules"


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types, and mappings with the same lines."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b)) and all(
            same(a[key], b[key]) for key in a
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_every_bundled_file_reads_back_as_parsed(cache: Path) -> None:
    for path in RULES_FILES:
        data = path.read_bytes()
        parsed = read_rules_yaml(data, path.name)  # parsed, and kept
        kept = read_rules_yaml(data, path.name)  # from the cache
        assert same(parsed, read_yaml_file(path)) and same(kept, parsed), path.name
    assert len(list(cache.glob("*.json"))) == len(RULES_FILES)


def test_a_kept_file_is_not_parsed_again(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (ROOT / "rules" / "facts.yaml").read_bytes()
    first = read_rules_yaml(data, "facts.yaml")

    def no_parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml_cache, "read_yaml_bytes", no_parse)
    assert same(read_rules_yaml(data, "facts.yaml"), first)


def test_a_changed_file_is_parsed_again(cache: Path) -> None:
    assert read_rules_yaml(b"a: 1\n", "x.yaml") == {"a": 1}
    assert read_rules_yaml(b"a: 2\n", "x.yaml") == {"a": 2}


@pytest.mark.parametrize(
    "kept",
    ["not json", '["M", 1, [["a", 1, 1.5]]]', '["X", 1]', '{"a": 1}', '["M", "1", []]', "[]"],
)
def test_a_cache_file_not_written_here_is_ignored(cache: Path, kept: str) -> None:
    read_rules_yaml(b"a: 1.25\n", "x.yaml")
    (file,) = cache.glob("*.json")
    file.write_text(kept, encoding="utf-8")
    document = read_rules_yaml(b"a: 1.25\n", "x.yaml")
    assert same(document, read_yaml_text("a: 1.25\n", "x.yaml"))
    assert json.loads(file.read_text(encoding="utf-8"))[0] == "M"  # written anew


def test_a_yaml_error_is_never_kept(cache: Path) -> None:
    for _ in range(2):
        with pytest.raises(YamlError, match=r"x.yaml:2"):
            read_rules_yaml(b"a: 1\na: 2\n", "x.yaml")
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_an_unwritable_cache_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("ENGINE_CACHE_DIR", str(blocked))  # its rules/ folder cannot be made
    monkeypatch.setattr(engine.api, "_plans", {})  # no plan compiled before: parse the files
    assert engine.load_plan().hash == engine.load_plan(ROOT).hash


def test_a_cache_file_that_cannot_be_written_costs_only_speed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder or a full disk: writing fails as the files module says it does."""

    def refuse(target: object, text: str) -> None:
        raise OutputError("cannot write: read-only file system")

    monkeypatch.setattr(yaml_cache, "write_text", refuse)
    assert read_rules_yaml(b"a: 1\n", "x.yaml") == {"a": 1}


def test_an_empty_cache_dir_turns_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGINE_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    read_rules_yaml(b"a: 1\n", "x.yaml")
    assert list(tmp_path.iterdir()) == []


def test_a_profile_is_never_kept(cache: Path) -> None:
    profile_from_file(EXAMPLE)
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_a_plan_from_the_cache_is_the_same_plan(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.api, "_plans", {})  # no plan compiled before: parse the files
    parsed = engine.load_plan(ROOT)
    monkeypatch.setattr(engine.api, "_plans", {})  # again, from the parsed documents kept
    kept = engine.load_plan(ROOT)
    assert kept is not parsed
    assert kept.hash == parsed.hash and list(kept.order) == list(parsed.order)
    assert len(list(cache.glob("*.json"))) == len(RULES_FILES)
