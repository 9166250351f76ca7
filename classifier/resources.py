"""Loading the data files shipped inside the package, with closed-schema validation.

Cue patterns, context triggers, fallback rules and tokenizer shorthand live as JSON / JSONL
under ``classifier/patterns`` and ``classifier/data``. They are read through
``importlib.resources`` so an installed wheel finds them, and every record is checked against
the keys its schema allows; a mistake names the file, the line and the allowed keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from .errors import ResourceError


def read_text(package_dir: str, name: str) -> str:
    return resources.files("classifier").joinpath(package_dir).joinpath(name).read_text(encoding="utf-8")


def list_files(package_dir: str, suffix: str) -> list[str]:
    root = resources.files("classifier").joinpath(package_dir)
    return sorted(p.name for p in root.iterdir() if p.name.endswith(suffix))


def load_json(package_dir: str, name: str) -> Any:
    try:
        return json.loads(read_text(package_dir, name))
    except ValueError as exc:
        raise ResourceError(
            f"valid JSON in {package_dir}/{name}", f"a parse error at line {exc.lineno}" if hasattr(exc, "lineno") else "invalid JSON", "Fix the file."
        ) from None


def iter_jsonl(package_dir: str, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for lineno, line in enumerate(read_text(package_dir, name).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise ResourceError(f"one JSON object per line in {package_dir}/{name}", f"invalid JSON on line {lineno}", "Fix the line.") from None
        if not isinstance(row, dict):
            raise ResourceError(f"a JSON object on line {lineno} of {package_dir}/{name}", f"a {type(row).__name__}", "Fix the line.")
        yield lineno, row


def check_keys(row: dict[str, Any], where: str, required: set[str], optional: set[str]) -> None:
    missing = required - row.keys()
    unknown = row.keys() - required - optional
    if missing or unknown:
        allowed = ", ".join(sorted(required | optional))
        problem = []
        if missing:
            problem.append("missing " + ", ".join(sorted(missing)))
        if unknown:
            problem.append("unknown " + ", ".join(sorted(unknown)))
        raise ResourceError(f"only the keys {allowed} at {where}", "; ".join(problem), "Rename or remove the keys.")
