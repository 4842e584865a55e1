"""Read the declared input facts out of a profile.

Each input fact names a path in the profile (`applicant.birth_date`). A path is checked
against the profile model when the rules load; at run time a null leaf is an unknown fact
(named, so that it can be asked), and a path through a person who is not there (no partner)
is "not derived": nothing to ask.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from engine.values import NOT_DERIVED, Unknown

Getter = Callable[[Any], Any]

_FACT_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "number": (int, Decimal),
    "money": (Decimal,),
    "date": (dt.date,),
    "text": (str, Enum),
}


class PathError(ValueError):
    """A declared profile path does not exist in the profile model."""


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated from a type annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


# Fields that identify a person: in the profile for the systems around the engine, never for a
# rule (a rule that reads one could print it in an advice).
NOT_FOR_RULES = frozenset({"bsn"})


def _attribute_type(owner: type, name: str) -> Any:
    if name in NOT_FOR_RULES:
        raise PathError(f"'{name}' identifies a person: no rule may read it")
    if issubclass(owner, BaseModel) and name in owner.model_fields:
        return _unwrap(owner.model_fields[name].annotation)
    prop = getattr(owner, name, None)
    if isinstance(prop, property) and prop.fget is not None:
        hints = typing.get_type_hints(
            prop.fget, globalns=vars(__import__(owner.__module__, fromlist=["*"]))
        )
        return _unwrap(hints.get("return"))
    raise PathError(f"'{name}' is not a field of {owner.__name__}")


def path_type(root: type, path: str) -> Any:
    """The type found at `path` from `root`, or PathError naming the bad segment."""
    current: Any = root
    for segment in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            raise PathError(f"cannot go into '{segment}' of '{path}': not a group of fields")
        current = _attribute_type(current, segment)
    return current


def check_scalar_path(root: type, path: str, fact_type: str, values: list[str] | None) -> None:
    found = path_type(root, path)
    if typing.get_origin(found) is list:
        raise PathError(f"'{path}' is a list; declare it as a collection")
    if not (isinstance(found, type) and issubclass(found, _FACT_TYPES[fact_type])):
        name = getattr(found, "__name__", str(found))
        raise PathError(f"'{path}' holds {name}, which does not fit fact type {fact_type}")
    if fact_type == "bool" and found is not bool:
        raise PathError(f"'{path}' is not a yes/no field")
    if isinstance(found, type) and issubclass(found, Enum):
        declared = set(values or ())
        actual = {member.value for member in found}
        if declared != actual:
            raise PathError(
                f"'{path}' takes the values {sorted(actual)}; declare exactly those (got {sorted(declared)})"
            )


def item_type(root: type, path: str) -> type:
    found = path_type(root, path)
    if typing.get_origin(found) is not list:
        raise PathError(f"'{path}' is not a list")
    item = _unwrap(typing.get_args(found)[0])
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        raise PathError(f"'{path}' is not a list of records")
    return item


def root_of(path: str) -> str:
    return path.split(".", 1)[0]


def scalar_getter(path: str, name: str, rooted: bool = False) -> Getter:
    """A function giving the fact's value, Unknown or NOT_DERIVED.

    It reads from a record (a list item), or, when `rooted`, from a mapping of the profile's
    top-level objects (resolved once per run: `applicant` scans the members list).
    """
    segments = path.split(".")
    missing = Unknown(frozenset({name}))
    first, rest = (segments[0], segments[1:]) if rooted else (None, segments)

    def get(source: Any) -> Any:
        current = source[first] if rooted else source
        if rooted and len(rest) == 0:
            return missing if current is None else _plain(current)
        if current is None:
            return NOT_DERIVED
        for segment in rest[:-1]:
            current = getattr(current, segment)
            if current is None:
                return NOT_DERIVED
        value = getattr(current, rest[-1])
        if value is None:
            return missing
        return _plain(value)

    return get


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def collection_getter(path: str, name: str, fields: dict[str, str]) -> Getter:
    """A function of the profile's roots giving a list of records (dicts of fields) or Unknown."""
    segments = path.split(".")
    missing = Unknown(frozenset({name}))

    def get(roots: dict[str, Any]) -> Any:
        current: Any = roots[segments[0]]
        if current is None:
            return [] if len(segments) > 1 else missing  # no such person: no items
        for segment in segments[1:]:
            current = getattr(current, segment)
            if current is None:
                return [] if segment != segments[-1] else missing
        records = []
        for index, item in enumerate(current):
            record = {}
            for field_name, getter in field_getters.items():
                value = getter(item)
                if type(value) is Unknown and value.missing:
                    value = Unknown(frozenset({f"{name}[{index}].{field_name}"}))
                record[field_name] = value
            records.append(record)
        return records

    field_getters = {field_name: scalar_getter(p, field_name) for field_name, p in fields.items()}
    return get
