"""Resolve stage: incident claims from many reports grouped into incidents, conservatively.

Two claims describe the same incident when, and only when:

* **place** — both are placed, and either name the same gazetteer place (or the same place name), or
  both are coarse (district/governorate precision) for the same area. A coarse claim never absorbs a
  village claim: "airstrikes on Idlib countryside" is not every strike in Idlib that day.
* **date** — their dates (or, when the text gives none, their reports' publication dates) lie within
  ``window_days`` of each other (default ±1 day for day-precision dates);
* **means** — they share a means, or one side names none;
* **actors** — their perpetrators overlap or one side names none; or both blame different air forces
  for an air attack (competing attribution: the incident is graded ``contested``).

Blocking makes it O(n log n): claims are grouped by place (or, for coarse claims, by area) and sorted by day, and
each claim is compared only with the claims of its block that fall inside the window; groups are
formed with union-find, and a group never spans more than twice the window (no week-long chains of
daily reports). Aggregates are never resolved: they stay tallies.

An incident's killed/injured range is Airwars-style: from the lowest to the highest figure its claims
report. Grades: ``contested`` when reports in different documents name disjoint perpetrators,
``corroborated`` with two or more independent sources (distinct publishers; claims read from comments
do not count), else ``single_source``; analysts may set ``confirmed`` or ``discounted``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

GRADES = ("single_source", "corroborated", "contested", "confirmed", "discounted")


@dataclass(slots=True)
class ClaimRef:
    """The fields resolution needs from a stored claim."""

    id: int
    uid: str
    doc: str
    source: str  # the independent source: publisher, else the document's source
    day: int | None  # ordinal of the claim's date (or its report's publication date)
    day_end: int | None
    country: str | None
    admin1: str | None
    admin2: str | None
    place_key: str | None  # gazetteer id, else lower-cased place name
    where_prec: int | None
    perpetrators: frozenset[str]
    means: frozenset[str]
    killed_min: int | None = None
    killed_max: int | None = None
    injured_min: int | None = None
    injured_max: int | None = None
    killed_plus: bool = False  # "at least 30", "30+": the count's top is open
    killed_vague: bool = False  # "dozens": the count is a conservative reading of a word
    injured_plus: bool = False
    injured_vague: bool = False
    implausible: bool = False  # left out of the incident's ranges (extract.plausible)
    from_comment: bool = False
    published: str | None = None
    quote_key: str | None = None  # the claim's words, normalised: identical reports share it


def day_of(s: str | None) -> int | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s).toordinal()
    except ValueError:
        return None


_AIR = frozenset({"airstrike", "missile", "helicopter_barrel_bomb", "cluster_munition"})


def _sets_compatible(pa: frozenset[str], pb: frozenset[str], ma: frozenset[str], mb: frozenset[str]) -> bool:
    if ma and mb and not (ma & mb):
        return False
    if pa and pb and not (pa & pb):
        # two air forces blamed for the same strike on the same place and day is competing attribution
        # (the incident is then graded contested); other disjoint actors are different events
        return bool(ma & mb & _AIR)
    return True


class _UnionFind:
    """Union-find that keeps, for each group, its first and last day and the actors and means it names,
    so that a chain of reports cannot grow into a week-long "incident" and a report naming no actor
    cannot bridge two reports that blame different actors or means."""

    def __init__(self, claims: Sequence[ClaimRef]) -> None:
        self.parent = list(range(len(claims)))
        self.span = [(c.day, c.day_end if c.day_end is not None else c.day) for c in claims]
        self.perps = [c.perpetrators for c in claims]
        self.means = [c.means for c in claims]

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int, max_span: int | None = None) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        (a0, a1), (b0, b1) = self.span[ra], self.span[rb]
        lows = [x for x in (a0, b0) if x is not None]
        highs = [x for x in (a1, b1) if x is not None]
        lo, hi = (min(lows) if lows else None), (max(highs) if highs else None)
        if max_span is not None and lo is not None and hi is not None and hi - lo > max_span:
            return False
        if not _sets_compatible(self.perps[ra], self.perps[rb], self.means[ra], self.means[rb]):
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.span[keep] = (lo, hi)
        self.perps[keep] = self.perps[ra] | self.perps[rb]
        self.means[keep] = self.means[ra] | self.means[rb]
        return True


def cluster(claims: Sequence[ClaimRef], window_days: int = 1) -> list[list[int]]:
    """Groups of claim indexes (each group one incident), in order of their first claim."""
    uf = _UnionFind(claims)
    max_span = 2 * window_days
    # blocks: a village-level claim can only join claims of the same place; a coarse one only claims
    # of the same district (or governorate) at the same precision, never a village report — the block
    # key is the whole place rule, and the blocks are small
    blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        if c.place_key is None or c.day is None or (c.where_prec or 9) >= 6:
            continue  # unplaced and country-wide reports are never merged by place
        if (c.where_prec or 9) <= 2:
            blocks[("place", c.place_key)].append(i)
        else:
            blocks[("area", c.country, c.where_prec, c.admin1, None if c.where_prec == 4 else c.admin2)].append(i)
    for idxs in blocks.values():
        idxs.sort(key=lambda i: claims[i].day)  # type: ignore[arg-type, return-value]
        # claims with the same actors and means are compatible with each other, so each claim only needs
        # to meet the latest claim of every (actors, means) signature still inside the window: O(n * k)
        latest: dict[tuple[frozenset[str], frozenset[str]], int] = {}
        for i in idxs:
            a = claims[i]
            for sig, j in list(latest.items()):
                b = claims[j]
                if a.day - max(b.day_end or b.day, b.day) > window_days:  # type: ignore[operator]
                    del latest[sig]
                    continue
                if _sets_compatible(a.perpetrators, b.perpetrators, a.means, b.means):
                    uf.union(i, j, max_span)
            latest[(a.perpetrators, a.means)] = i
    # the same words re-published (syndication, repeated headlines) are the same report: one incident,
    # whether or not the report names a place
    same_words: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        if c.quote_key:
            same_words[c.quote_key].append(i)
    for idxs in same_words.values():
        idxs.sort(key=lambda i: claims[i].day if claims[i].day is not None else 0)
        for a, b in zip(idxs, idxs[1:], strict=False):
            da, db = claims[a].day, claims[b].day
            if da is None or db is None or db - da <= window_days:
                uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(claims)):
        groups[uf.find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


@dataclass
class IncidentSummary:
    id: str
    claim_ids: list[int]
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None
    grade: str
    perpetrators: list[str]
    means: list[str]
    n_documents: int
    n_sources: int
    killed_plus: bool = False
    killed_vague: bool = False
    injured_plus: bool = False
    injured_vague: bool = False
    n_implausible: int = 0


def _range(counts: list[tuple[int | None, int | None, bool, bool]]
           ) -> tuple[int | None, int | None, bool, bool]:
    """The lowest and highest of the claims' figures, with the top open ("+") when a claim that gives it
    is open ("at least 30" with no higher figure: "30+"), and vague when a claim that gives the low or
    the high is a word ("dozens")."""
    have = [(lo, hi if hi is not None else lo, plus and hi is None, vague) for lo, hi, plus, vague in counts
            if lo is not None]
    if not have:
        return None, None, False, False
    low = min(c[0] for c in have)
    high = max(c[1] for c in have)
    plus = any(c[2] and c[1] == high for c in have)
    vague = any(c[3] and (c[0] == low or c[1] == high) for c in have)
    return low, high, plus, vague


def summarise(group: Iterable[ClaimRef]) -> IncidentSummary:
    g = sorted(group, key=lambda c: c.id)
    counted = [c for c in g if not c.implausible]  # an implausible count never widens a range (issue 12)
    k_lo, k_hi, k_plus, k_vague = _range([(c.killed_min, c.killed_max, c.killed_plus, c.killed_vague)
                                          for c in counted])
    i_lo, i_hi, i_plus, i_vague = _range([(c.injured_min, c.injured_max, c.injured_plus, c.injured_vague)
                                          for c in counted])
    perps: Counter[str] = Counter(p for c in g for p in c.perpetrators)
    means: Counter[str] = Counter(m for c in g for m in c.means)
    # independent sources: distinct publishers; the same words from two outlets count once
    by_words: dict[str, str] = {}
    for c in g:
        if c.quote_key:
            by_words.setdefault(c.quote_key, c.source)
    sources = {by_words.get(c.quote_key or "", c.source) for c in g if not c.from_comment}
    named = [(c.doc, c.perpetrators) for c in g if c.perpetrators and not c.from_comment]
    contested = any(da != db and not (a & b) for n, (da, a) in enumerate(named) for db, b in named[n + 1:])
    grade = "contested" if contested else ("corroborated" if len(sources) >= 2 else "single_source")
    return IncidentSummary(
        id="I" + g[0].uid[:12], claim_ids=[c.id for c in g],
        killed_min=k_lo, killed_max=k_hi, injured_min=i_lo, injured_max=i_hi,
        killed_plus=k_plus, killed_vague=k_vague, injured_plus=i_plus, injured_vague=i_vague,
        n_implausible=len(g) - len(counted), grade=grade,
        perpetrators=[p for p, _ in sorted(perps.items(), key=lambda x: (-x[1], x[0]))],
        means=[m for m, _ in sorted(means.items(), key=lambda x: (-x[1], x[0]))],
        n_documents=len({c.doc for c in g}), n_sources=len(sources))
