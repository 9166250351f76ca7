"""Billing rules: units under the CMS total-time method and the AMA per-code method, and
same-day code-pair (NCCI) warnings. Pure functions over ``{code: minutes}``; see
DOMAIN.md section 3 for the worked examples the tests reproduce."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .resources import load_json

Rule = Literal["cms", "ama"]


@lru_cache(maxsize=1)
def tables() -> dict:
    return load_json("data", "billing.json")


def is_timed(code: str) -> bool:
    return code in set(tables()["timed"])


def units_for(total_minutes: int) -> int:
    """Units for a number of minutes: 0 under 8, then one per 15 (8-22 -> 1, 23-37 -> 2 ...)."""
    return 0 if total_minutes < 8 else (total_minutes + 7) // 15


@dataclass(frozen=True, slots=True)
class Allocation:
    units: dict[str, int]  # code -> units (timed codes only; 0-unit codes included)
    total_minutes: int
    total_units: int
    ties: tuple[str, ...]  # codes tied for the last unit(s): the clinician chooses


def cms_units(minutes: dict[str, int]) -> Allocation:
    """CMS total-time method (Medicare Claims Processing Manual ch. 5 section 20.2).

    The sum of timed minutes sets the number of units; whole 15-minute blocks are assigned
    first, then remaining units go to the codes with the most leftover minutes. Ties on the
    leftover at the cut are reported, not silently decided.
    """
    timed = {c: m for c, m in minutes.items() if m and m > 0}
    total = sum(timed.values())
    n = units_for(total)
    units = {c: m // 15 for c, m in timed.items()}
    remaining = n - sum(units.values())
    rem = {c: m % 15 for c, m in timed.items()}
    order = sorted((c for c in timed if rem[c] > 0), key=lambda c: (-rem[c], -timed[c], c))
    ties: tuple[str, ...] = ()
    if 0 < remaining < len(order):
        cut = rem[order[remaining - 1]]
        if rem[order[remaining]] == cut:
            ties = tuple(sorted(c for c in order if rem[c] == cut))
    for c in order[: max(remaining, 0)]:
        units[c] += 1
    return Allocation({c: units.get(c, 0) for c in timed}, total, n, ties)


def ama_units(minutes: dict[str, int]) -> Allocation:
    """AMA/CPT per-code method: each code on its own, a unit once its midpoint (8 min) is passed."""
    timed = {c: m for c, m in minutes.items() if m and m > 0}
    units = {c: units_for(m) for c, m in timed.items()}
    return Allocation(units, sum(timed.values()), sum(units.values()), ())


def allocate(minutes: dict[str, int], rule: Rule) -> Allocation:
    return cms_units(minutes) if rule == "cms" else ama_units(minutes)


def pair_warnings(codes: set[str]) -> list[str]:
    """Warnings for code pairs documented on the same day."""
    out = []
    for pair in tables()["ncci_pairs"]:
        a = [c for c in pair["a"] if c in codes]
        b = [c for c in pair["b"] if c in codes]
        if a and b:
            out.append(pair["why"].replace("{b}", "/".join(b)).replace("{a}", "/".join(a)))
    return out
