"""Counts above what their place and period make plausible (issue 12).

A claim whose count no attack of the conflict reached ("4,000 killed in an airstrike on a village"), that
exceeds the people of its place, or whose tally outruns its period ("3 million killed this week") is
kept — the text says it — but marked ``implausible`` with the reason, and resolution leaves it out of
every incident's casualty range. The bounds are the conflict pack's data (``plausibility.json``); a
claim placed outside the pack's countries is checked only for its own consistency (more children killed
than killed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources

from ..model import COUNT_FIELDS, Claim


@dataclass
class Bounds:
    incident_max: dict[str, int] = field(default_factory=dict)
    feature_max_killed: dict[str, int] = field(default_factory=dict)
    per_day_max_killed: int | None = None
    total_max: dict[str, int] = field(default_factory=dict)
    min_population: int = 50  # a place's population below which it is not trusted as a bound

    @cached_property
    def smallest(self) -> int:
        """A count at or below this is below every bound except a place's population (which is checked
        only above ``min_population``)."""
        return min([*self.incident_max.values(), *self.feature_max_killed.values(), *self.total_max.values(),
                    self.per_day_max_killed or 10**12, self.min_population])


@lru_cache(maxsize=8)
def load(pack: str = "syria") -> Bounds:
    f = resources.files(f"harmledger.packs.{pack}").joinpath("plausibility.json")
    if not f.is_file():
        return Bounds()
    d = json.loads(f.read_text(encoding="utf-8"))
    return Bounds(d.get("incident_max", {}), d.get("feature_max_killed", {}), d.get("per_day_max_killed"),
                  d.get("total_max", {}))


def _days(c: Claim) -> int | None:
    if c.date is None or not c.date.start or not c.date.end:
        return None
    try:
        return (date.fromisoformat(c.date.end) - date.fromisoformat(c.date.start)).days + 1
    except ValueError:
        return None


def reason(c: Claim, bounds: Bounds, home: set[str], population: int | None = None) -> str | None:
    """Why a claim's counts are implausible, or None. ``home``: the pack's countries; ``population``:
    the people of the claim's place, when the gazetteer knows them."""
    killed = c.killed.min if c.killed else None
    for part in ("children_killed", "women_killed"):
        sub = getattr(c, part)
        if sub is not None and killed is not None and sub.min > killed and not (c.killed and c.killed.vague):
            return f"{sub.min} {part.replace('_', ' ')} but {killed} killed"
    if c.place is not None and c.place.country is not None and c.place.country not in home:
        return None
    for name in COUNT_FIELDS:
        n = getattr(c, name)
        if n is None:
            continue
        top = bounds.total_max.get(name)
        if top is not None and n.min > top:
            return f"{n.min:,} {name.replace('_', ' ')}: more than the whole conflict's record ({top:,})"
        if c.kind == "incident":
            top = bounds.incident_max.get(name)
            if top is not None and n.min > top:
                return f"{n.min:,} {name.replace('_', ' ')} in one attack: above any attack on record ({top:,})"
    harmed = max((getattr(c, n).min for n in ("killed", "casualties", "injured") if getattr(c, n)), default=None)
    if c.kind == "incident" and harmed is not None and c.place is not None:
        if population and population >= bounds.min_population and harmed > population and c.place.precision <= 2:
            return f"{harmed:,} harmed in {c.place.name}, a place of {population:,} people"
        top = bounds.feature_max_killed.get(c.place.feature or "")
        if top is not None and killed is not None and killed > top and c.place.precision <= 2:
            return f"{killed:,} killed in one attack on a {c.place.feature} ({c.place.name}): above {top:,}"
    days = _days(c)
    if killed is not None and days and bounds.per_day_max_killed and killed > bounds.per_day_max_killed * days:
        return f"{killed:,} killed in {days} day{'s' if days > 1 else ''}: above {bounds.per_day_max_killed:,} a day"
    return None
