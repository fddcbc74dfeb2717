"""The schema files' own check (is this a valid JSON Schema?), done once per schema text.

Checking a schema against the 2020-12 metaschema costs more than checking a
plan against the schema (jsonschema resolves the metaschema's dynamic
references at every node). A schema file changes about never; its verdict is
a function of its text and of jsonschema, so it is kept in the build cache
under that key and in memory for the rest of the process (`mkdocs serve`).
Only a valid schema is remembered: an invalid one is checked, and reported,
every time.
"""

from __future__ import annotations

import pickle
from typing import Any

from .cache import NO_CACHE, DiskCache, code_version, key, version

NAMESPACE = "schema-valid"

_cache: DiskCache = NO_CACHE
_known_good: set[str] = set()


def use(cache: DiskCache) -> None:
    """Remember verdicts in `cache` from now on (the loader passes its build cache)."""
    global _cache
    _cache = cache


def _name(schema_text: str) -> str:
    return key(schema_text, version("jsonschema"), version("referencing"), code_version(__file__))


def check_schema(schema: dict[str, Any], schema_text: str) -> None:
    """Raise jsonschema.SchemaError when `schema` (parsed from `schema_text`) is not a valid
    2020-12 schema; a text already found valid is not checked again."""
    name = _name(schema_text)
    if name in _known_good or _cache.get(NAMESPACE, name) is not None:
        _known_good.add(name)
        return
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    _known_good.add(name)
    _cache.put(NAMESPACE, name, b"")


def data_key(data: Any) -> bytes:
    """The parsed YAML a schema verdict is about, as bytes for a cache key: a schema
    sees the data, not the file, so an edit of comments or layout keeps the verdict.
    Pickle round-trips exactly (a date and its text differ, so do 1 and 1.0 and True);
    equal data written differently only misses the cache.

    >>> data_key({"a": [1, "x"]}) == data_key({"a": [1, "x"]}), data_key({"a": 1}) == data_key({"a": 1.0})
    (True, False)
    """
    return pickle.dumps(data, protocol=5)


def forget() -> None:
    """Drop the in-memory verdicts (tests)."""
    _known_good.clear()
