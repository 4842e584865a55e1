"""Load a rule base: `schemes/*.yaml` and `rules/**/*.yaml` under one root, into typed specs.

Every spec keeps its file:line. Problems are collected, not raised one by one, so that a policy
officer sees every mistake in one report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.errors import Location, Problem
from engine.load.specs import (
    Citation,
    CollectionSpec,
    FactsFile,
    FactSpec,
    GroupSpec,
    LocalValues,
    Municipality,
    MunicipalityFile,
    ParameterSpec,
    RulesFile,
    RuleSpec,
    SchemeFile,
    SchemeSpec,
    Source,
    Texts,
)
from engine.load.yaml_cache import read_rules_yaml
from engine.load.yaml_source import YamlError, line_of, read_file_bytes

FACTS_FILE = "facts.yaml"


@dataclass(frozen=True)
class Located:
    location: Location


@dataclass(frozen=True)
class LoadedScheme(Located):
    spec: SchemeSpec
    glossary: dict[str, Texts]


@dataclass(frozen=True)
class LoadedParameter(Located):
    name: str
    scheme: str
    spec: ParameterSpec


@dataclass(frozen=True)
class LoadedFact(Located):
    name: str
    scheme: str | None  # None for the profile's input facts
    spec: FactSpec


@dataclass(frozen=True)
class LoadedRule(Located):
    spec: RuleSpec
    scheme: str
    citation: Citation  # with the file's law filled in
    municipality: str | None = None  # key of the municipality whose verordening it encodes


@dataclass(frozen=True)
class LoadedMunicipality(Located):
    key: str
    spec: Municipality
    parameters: dict[str, LocalValues]


def municipality_key(name: str) -> str:
    """How a municipality is matched: case and spacing do not matter."""
    return " ".join(name.lower().split())


@dataclass
class RuleBook:
    """Everything a rule base declares, as loaded; not yet checked across files."""

    root: Path
    schemes: dict[str, LoadedScheme] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    parameters: dict[str, LoadedParameter] = field(default_factory=dict)
    inputs: dict[str, LoadedFact] = field(default_factory=dict)
    records: dict[str, dict[str, LoadedFact]] = field(default_factory=dict)
    collections: dict[str, tuple[Location, CollectionSpec]] = field(default_factory=dict)
    groups: dict[str, tuple[Location, GroupSpec]] = field(default_factory=dict)
    derived: dict[str, LoadedFact] = field(default_factory=dict)
    rules: list[LoadedRule] = field(default_factory=list)
    municipalities: dict[str, LoadedMunicipality] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    texts: list[tuple[str, bytes]] = field(
        default_factory=list
    )  # (relative path, bytes) for hashing
    # Bytes already read (file_texts), by the same names: parsed instead of reading again.
    read_before: dict[str, bytes] = field(default_factory=dict)

    def problem(self, location: Location, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(location, message, severity))


def load(root: Path, read_before: dict[str, bytes] | None = None) -> RuleBook:
    """Load the rule base under `root` (a folder holding `rules/` and `schemes/`);
    `read_before`: files' bytes already read, by name (`file_texts`), taken over."""
    book = RuleBook(root=root, read_before=read_before or {})
    rules_dir, schemes_dir = root / "rules", root / "schemes"
    for folder in (rules_dir, schemes_dir):
        if not folder.is_dir():
            book.problem(
                Location(str(folder)), "folder not found: a rule base holds rules/ and schemes/"
            )
    if book.problems:
        return book
    schemes, municipalities, rules = _files(root)
    for path in schemes:
        _load_scheme_file(book, path)
    for path in municipalities:
        _load_municipality_file(book, path)
    if not (rules_dir / FACTS_FILE).is_file():
        book.problem(
            Location(_display(book, rules_dir / FACTS_FILE)), "rules/facts.yaml is missing"
        )
    # A facts.yaml anywhere under rules/ declares input facts (a scheme keeps its own beside
    # its rules); every other file holds derived facts and rules.
    for path in rules:
        if path.name == FACTS_FILE:
            _load_facts_file(book, path)
    for path in rules:
        if path.name != FACTS_FILE:
            _load_rules_file(book, path)
    return book


def _files(root: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """The schemes, municipalities and rules files `load` reads."""
    schemes_dir = root / "schemes"
    return (
        sorted(schemes_dir.glob("*.yaml")),
        sorted((schemes_dir / "gemeenten").glob("*.yaml")),
        sorted((root / "rules").rglob("*.yaml")),
    )


def file_texts(root: Path, others: list[Path]) -> list[tuple[str, bytes]] | None:
    """The (name, bytes) of every file `load` reads under `root`, and of `others` (reforms),
    named as in `RuleBook.texts`, without parsing them; None if one cannot be read."""
    book = RuleBook(root=root)
    texts = []
    try:
        for path in [*(p for group in _files(root) for p in group), *others]:
            name = _display(book, path)
            texts.append((name, read_file_bytes(path, name)))
    except (OSError, YamlError):  # too large, not a file, unreadable: load() says which
        return None
    return texts


def _display(book: RuleBook, path: Path) -> str:
    try:
        return str(path.relative_to(book.root))
    except ValueError:
        return str(path)


def _read(book: RuleBook, path: Path, model: type[BaseModel]) -> tuple[Any, Any, str] | None:
    """Read and validate one file; record problems with file:line.

    Returns (document, spec, display name), or None when the file has problems.
    """
    name = _display(book, path)
    try:
        data = book.read_before.pop(name, None)
        if data is None:
            data = read_file_bytes(path, name)  # read once: these bytes are parsed and hashed
        document = read_rules_yaml(data, name)
    except YamlError as exc:
        book.problems.append(exc.problem)
        return None
    book.texts.append((name, data))
    if not isinstance(document, dict):
        book.problem(Location(name, 1), "the file must hold a mapping (key: value) at the top")
        return None
    try:
        return document, model.model_validate(document), name
    except ValidationError as exc:
        for error in exc.errors():
            path_text = ".".join(str(p) for p in error["loc"]) or "(top)"
            book.problem(
                Location(name, line_of(document, error["loc"])), f"{path_text}: {error['msg']}"
            )
        return None


def _line(document: Any, *path: Any) -> int | None:
    return line_of(document, path)


def _load_scheme_file(book: RuleBook, path: Path) -> None:
    read = _read(book, path, SchemeFile)
    if read is None:
        return
    document, spec, name = read
    scheme = spec.scheme
    if scheme.id in book.schemes:
        book.problem(
            Location(name, _line(document, "scheme")), f"scheme '{scheme.id}' is defined twice"
        )
        return
    book.schemes[scheme.id] = LoadedScheme(
        Location(name, _line(document, "scheme")), scheme, spec.glossary
    )
    _add_sources(book, document, name, spec.sources)
    for param_name, param in spec.parameters.items():
        location = Location(name, _line(document, "parameters", param_name))
        if param_name in book.parameters:
            book.problem(location, f"parameter '{param_name}' is defined twice")
            continue
        citation = param.citation
        if citation.law is None:
            citation = citation.model_copy(update={"law": scheme.law.name, "bwb": scheme.law.bwb})
        param = param.model_copy(update={"citation": citation})
        book.parameters[param_name] = LoadedParameter(location, param_name, scheme.id, param)


def _declare(book: RuleBook, table: dict[str, LoadedFact], fact: LoadedFact, kind: str) -> None:
    """Declare a fact once; a second declaration is a problem that names the first."""
    if fact.name in table:
        book.problem(
            fact.location,
            f"{kind} '{fact.name}' is declared twice (also at {table[fact.name].location})",
        )
        return
    table[fact.name] = fact


def _add_sources(book: RuleBook, document: Any, name: str, sources: dict[str, Source]) -> None:
    """Sources are shared by id across files; one id must mean one source."""
    for source_id, source in sources.items():
        if source_id in book.sources and book.sources[source_id] != source:
            book.problem(
                Location(name, _line(document, "sources", source_id)),
                f"source '{source_id}' is defined differently in another file",
            )
        book.sources[source_id] = source


def _load_municipality_file(book: RuleBook, path: Path) -> None:
    read = _read(book, path, MunicipalityFile)
    if read is None:
        return
    document, spec, name = read
    key = municipality_key(spec.municipality.name)
    location = Location(name, _line(document, "municipality"))
    if key in book.municipalities:
        book.problem(location, f"municipality '{spec.municipality.name}' has two policy files")
        return
    _add_sources(book, document, name, spec.sources)
    book.municipalities[key] = LoadedMunicipality(location, key, spec.municipality, spec.parameters)


def _load_facts_file(book: RuleBook, path: Path) -> None:
    read = _read(book, path, FactsFile)
    if read is None:
        return
    document, spec, name = read
    for fact_name, fact in spec.inputs.items():
        location = Location(name, _line(document, "inputs", fact_name))
        _declare(book, book.inputs, LoadedFact(location, fact_name, None, fact), "input fact")
    for record_name, fields in spec.records.items():
        if record_name in book.records:
            book.problem(
                Location(name, _line(document, "records", record_name)),
                f"record '{record_name}' is declared twice",
            )
            continue
        book.records[record_name] = {
            field_name: LoadedFact(
                Location(name, _line(document, "records", record_name, field_name)),
                field_name,
                None,
                fact,
            )
            for field_name, fact in fields.items()
        }
    for coll_name, coll in spec.collections.items():
        if coll_name in book.collections:
            book.problem(
                Location(name, _line(document, "collections", coll_name)),
                f"collection '{coll_name}' is declared twice",
            )
            continue
        book.collections[coll_name] = (
            Location(name, _line(document, "collections", coll_name)),
            coll,
        )
    for group_name, group in spec.groups.items():
        location = Location(name, _line(document, "groups", group_name))
        if group_name in book.groups:
            book.problem(location, f"group '{group_name}' is declared twice")
            continue
        book.groups[group_name] = (location, group)


def _load_rules_file(book: RuleBook, path: Path) -> None:
    read = _read(book, path, RulesFile)
    if read is None:
        return
    document, spec, name = read
    _load_rules_spec(book, document, spec, name)


def _load_rules_spec(book: RuleBook, document: Any, spec: RulesFile, name: str) -> None:
    """Add the facts and rules of one rules file (or of a reform's rules section)."""
    for fact_name, fact in spec.facts.items():
        location = Location(name, _line(document, "facts", fact_name))
        _declare(book, book.derived, LoadedFact(location, fact_name, spec.scheme, fact), "fact")
    for index, rule in enumerate(spec.rules):
        citation = rule.citation
        if spec.law is not None and citation.law is None:
            citation = citation.model_copy(update={"law": spec.law.name, "bwb": spec.law.bwb})
        if citation.url is None and citation.bwb is not None:
            url = f"https://wetten.overheid.nl/jci1.3:c:{citation.bwb}&artikel={citation.article}"
            if citation.lid:
                url += f"&lid={citation.lid}"
            citation = citation.model_copy(update={"url": url})
        location = Location(name, _line(document, "rules", index))
        local = municipality_key(spec.municipality) if spec.municipality else None
        book.rules.append(LoadedRule(location, rule, spec.scheme, citation, local))
