"""Extract stage: harm claims from report units, every field with the words it was read from.

The reading follows docs/codebook.md and docs/annotation.md, in this order for each unit:

1. lexicon hits (casualty words, victims, actors, means, targets), quantities, dates and places;
2. each quantity gets a role (killed / injured / casualties / displaced) from the casualty word
   next to it ("12 civilians were killed", "kills 15 soldiers", "the death toll rises to 33");
   quantities after "including" are subcounts (women, children);
3. the unit is cut into clauses at "and", commas, "while"…; a clause naming a new place starts a new
   claim (one attack on several places is one claim per place; a joint count stays on the first);
4. a clause group is a claim when it counts victims, or names an attack (means or attack word) on
   a place or a civilian object. Actors inside a victim phrase ("members of the regime forces",
   "losses in IS") are victims, not perpetrators.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from .. import geo
from ..geo.names import key
from ..model import Claim, Count, DateRef, Document, Mention, Place, Unit
from ..segment import segment
from ..textnorm import mask_urls, normfold, word_head
from . import lexicon as lexmod
from . import plausible
from .dates import DateHit, DateReader
from .lexicon import Hit, Lexicon, load_grammar
from .numbers import NumberReader, Quantity

_ROLE_OF = {"killed_after": "killed", "killed_before": "killed", "injured_after": "injured",
            "injured_before": "injured", "casualties_after": "casualties", "casualties_before": "casualties",
            "displaced_after": "displaced", "displaced_before": "displaced"}
# a name and the city it lies in: "X, Aleppo", "X in Aleppo", "X بحلب", "X في مدينة حلب"
_IN_CITY = re.compile(r"[ ]*[,،][ ]*|[ ]+(?:in|of)[ ]+(?:the[ ]+city[ ]+of[ ]+)?|[ ]+(?:و)?ب|"
                      r"[ ]+(?:في|فى)[ ]+(?:مدينة[ ]+|مدينه[ ]+)?")
_QUARTER_LIKE = {"village", "neighbourhood", "camp"}
# between a civilian object and the name it bears: a space, the article ("مستشفى الشهيد …")
_NAME_GAP = re.compile(r"[ ]+(?:ال)?")
_TRIGGERS = {*_ROLE_OF, "means", "means_weak", "attack", "rise"}
_CLAUSE_TRIGGERS = {*_ROLE_OF, "means", "means_weak", "attack"}
_APART = re.compile(r"[,;:.]|\band\b|\bو")  # words that keep two means apart ("shelling and airstrikes")
_NOUNISH = {"victim", "women", "children", "actor", "including"}
_BREAKERS = {"means", "means_weak", "attack", "target"}
# language-specific patterns and word lists live in lang/<code>/grammar.json (see Grammar)


@dataclass(slots=True)
class Counted:
    q: Quantity
    role: str | None = None
    role_hit: Hit | None = None
    noun_end: int = 0  # end of the victim phrase after the number
    classes: set[str] = field(default_factory=set)  # civilian / combatant / unknown
    head: str | None = None  # women / children / civilian ... the first victim noun
    sub: bool = False  # after "including"
    ev: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Clause:
    start: int
    end: int
    places: list[Place]
    trigger: bool
    dir_only: bool = False  # "... on the northern" (and eastern countryside of Hama)
    dir_start: bool = False  # "eastern countryside of Hama"
    its_area: bool = False  # "its western countryside", "its neighbourhoods"
    means: frozenset[str] = frozenset()  # the means the clause names
    lead_means: str | None = None  # the means a clause opens with ("continued clashes in ...")
    bare: bool = False  # nothing but means words ("Warplanes and" helicopters raid ...)
    own_verb: bool = False  # a verb of its own that is no attack ("and YPG advance in Azaz"): borrows no attack


@dataclass(slots=True)
class Group:
    start: int
    end: int
    places: list[Place]
    inherit: Group | None = None
    own_trigger: bool = False
    means: set[str] = field(default_factory=set)
    fallback: Place | None = None  # the place of the report before, if the group names none of its own


def main_before(out: list[Counted], c: Counted) -> Counted | None:
    """The nearest earlier count with a role that is not itself a subcount."""
    best = None
    for x in out:
        if x is c:
            break
        if x.role is not None and not x.sub:
            best = x
    return best


class Extractor:
    """Reads claims out of documents in one language with one conflict pack."""

    def __init__(self, lang: str = "en", pack: str = "syria") -> None:
        self.lex: Lexicon = lexmod.load(lang, pack)
        self.g = load_grammar(lang)
        self.gaz = geo.load((pack,))
        self.bounds = plausible.load(pack)
        singular: set[str] = set()
        vic = self.lex.victims
        for k in ("civilian", "combatant", "unknown", "women", "children"):
            singular |= {w for w in vic[k] if not w.endswith("s") or w in ("boys",)}
        singular -= {"people", "police", "personnel", "elderly", "youth", "crew", "family", "members of a family",
                     "members of one family"}
        self.numbers = NumberReader(self.lex, {normfold(w) for w in singular})
        self.dates = DateReader(self.lex)
        self.silence_exact = {normfold(s) for s in self.lex.silence["exact"]}
        self.silence_prefix = tuple(normfold(s) for s in self.lex.silence["prefixes"])
        self.lang = lang

    # ------------------------------------------------------------------ documents
    def _for_unit(self, text: str, mixed: bool) -> Extractor:
        """The extractor of a unit's language: this one, or (on a page that mixes scripts) the extractor of
        the language the unit is written in, when its lexicons exist (``lang/<code>/`` and the pack's actors)."""
        if not mixed:
            return self
        lang = script_language(text, self.lang)
        if lang == self.lang or lang not in claim_languages(self.lex.pack):
            return self
        return get_extractor(lang, self.lex.pack)

    def extract_document(self, doc: Document, *, from_comment: bool = False) -> list[Claim]:
        """Claims of a document; those read from its comment thread (or all, with ``from_comment``) are
        marked ``from_comment``. Each unit is read with the lexicons of the language it is written in."""
        units = segment(doc.text)
        mixed = _OTHER_SCRIPT.get(self.lang, _ARABIC).search(doc.text) is not None
        # pass 1: lexicon hits per unit; places only where a claim is possible (the costly part)
        prepared: list[tuple[str, list[Hit] | None]] = []
        places: list[list[geo.PlaceMatch]] = []
        readers: list[Extractor] = []
        ctx: set[str] = set()
        for u in units:
            ex = self._for_unit(u.text, mixed)
            readers.append(ex)
            plain = mask_urls(u.text)
            nf = normfold(plain)
            core = nf.strip(" .:!-|")
            hits: list[Hit] | None = None
            if not (core in ex.silence_exact or core.startswith(ex.silence_prefix)):
                hits = ex.lex.hits(nf, plain)
            ms: list[geo.PlaceMatch] = []
            if hits and any(h.cat in _TRIGGERS for h in hits):
                if ex.g.not_report_sentence is not None and ex.g.not_report_sentence.search(nf):
                    prepared.append((nf, []))  # history, comparisons, idioms: "Battle of Fallujah", "death row"
                    places.append(ms)
                    continue
                ms = self.gaz.find(plain)
                for m in ms:
                    for i in m.entries:
                        e = self.gaz.entries[i]
                        if e.type == "governorate" and e.admin1:
                            ctx.add(e.admin1)
            prepared.append((nf, hits))
            places.append(ms)
        # pass 2: claims, with the governorates the document names as context
        claims: list[Claim] = []
        line_date: tuple[int, DateRef] | None = None  # a date that opens a line dates the whole line
        starts = [0] + [m.end() for m in _NEWLINE.finditer(doc.text)]  # line starts: linear in page size
        for u, (nf, hits), ms, ex in zip(units, prepared, places, readers, strict=True):
            line_start = starts[bisect_right(starts, u.start) - 1]
            if line_date and line_date[0] != line_start:
                line_date = None
            got, lead = ex.extract_unit(doc, u, ms, ctx, line_date[1] if line_date else None, nf=nf, hits=hits)
            if lead is not None and line_date is None and _NONSPACE.search(doc.text, line_start, u.start) is None:
                line_date = (line_start, lead)
            claims += got
        for c in claims:
            if c.date is None:
                c.date = self._closing_date(doc, c)
        thread = doc.comments_start
        for c in claims:
            c.from_comment = from_comment or (thread is not None and c.span[0] >= thread)
            self._check_plausible(c)
        return claims

    def _closing_date(self, doc: Document, c: Claim) -> DateRef | None:
        """A date that closes the claim's line after a few words at most ("… on the Duma area of Eastern
        Ghouta. 27/12/2015", "… cluster bombs. 19/12/2015 Video contains very graphic images.")."""
        end = doc.text.find("\n", c.span[1], c.span[1] + 121)
        if end < 0 and len(doc.text) - c.span[1] > 120:
            return None  # the line goes on: no closing date
        tail = doc.text[c.span[1]:end if end >= 0 else len(doc.text)]
        if not tail.strip() or len(tail.split()) > 8 or not any(ch.isdigit() for ch in tail):
            return None
        ds = self.dates.find(normfold(tail), tail, doc.published)
        lead = len(tail) - len(tail.lstrip(" .,;:-|()[]"))
        if not ds or ds[0].start > lead + 1 or not ds[0].ref.start:
            return None
        return self._doc_date(ds[0].ref, c.span[1])

    def _check_plausible(self, c: Claim) -> None:
        """Flag a count above what its place and period allow (``plausible``; pack ``plausibility.json``)."""
        top = max((x.min for x in (c.killed, c.injured, c.casualties, c.displaced) if x is not None), default=0)
        if top <= self.bounds.smallest and c.children_killed is None and c.women_killed is None:
            return  # below every bound: nothing to check
        pop = None
        if c.place is not None and c.place.gazetteer_id is not None:
            i = self.gaz.by_id.get(c.place.gazetteer_id)
            pop = self.gaz.entries[i].pop if i is not None else None
        why = plausible.reason(c, self.bounds, self.gaz.home, pop)
        if why is not None:
            c.implausible, c.implausible_reason = True, why

    # ------------------------------------------------------------------ one unit
    def extract_unit(self, doc: Document, unit: Unit, place_matches: list[geo.PlaceMatch], ctx: set[str],
                     default_date: DateRef | None, *, nf: str, hits: list[Hit] | None,
                     ) -> tuple[list[Claim], DateRef | None]:
        """Claims of one unit (and a date that opens it, which dates the rest of its line), from the unit's
        folded text ``nf``, lexicon ``hits`` (None: a silenced line) and place matches prepared by
        :meth:`extract_document`."""
        text = unit.text
        if hits is None:
            return [], None
        if not any(h.cat in _TRIGGERS for h in hits):
            # no claim here; a date opening the line still dates the reports after it on that line
            lead = None
            if self.g.lead_date.match(nf):
                ds = self.dates.find(nf[:40], text[:40], doc.published)
                lead = self._doc_date(ds[0].ref, unit.start) if ds and ds[0].start <= 2 and ds[0].ref.start else None
            return [], lead
        # "yesterday" after a line's date prefix counts back from that date (docs/annotation.md)
        pub = default_date.start if default_date is not None and default_date.precision == "day" else doc.published
        dates = self.dates.find(nf, text, pub)
        lead = None
        if dates and dates[0].start <= 2 and dates[0].ref.start:
            lead = self._doc_date(dates[0].ref, unit.start)
        actor_spans = [(h.start, h.end) for h in hits if h.cat == "actor"]
        date_spans = [(d.start, d.end) for d in dates]
        local_ctx = set(ctx)
        kept = [m for m in place_matches if not any(m.start < b and a < m.end for a, b in actor_spans + date_spans)]
        if self.g.object_names_follow:
            # "مستشفى السلام", "مسجد النور": a name right after a civilian object is the object's own name —
            # unless it names a town or city, where the object stands ("مستشفى كفرنبل الجراحي")
            ends = {h.end for h in hits if h.cat == "target"}
            kept = [m for m in kept if not ({m.start - len(word_head(text, m.start)) - 1} & ends) or any(
                self.gaz.entries[i].type in ("city", "town") for i in m.entries)]
        # a country named in the unit is context for its towns ("Sanaa, Yemen"; "Tripoli, Lebanon")
        for m in kept:
            for i in m.entries:
                e = self.gaz.entries[i]
                if e.type == "country" and e.country not in self.gaz.home:
                    local_ctx.add(e.country)
        places: list[Place] = [self.gaz.resolve(m, text, local_ctx) for m in kept]
        if len(places) > 1:
            # the unit's other places are context for a name several governorates share ("Babbila …
            # north of Maarat Al Nouman" is Idlib's Babbila)
            places = [self.gaz.resolve(m, text, local_ctx | {q.admin1 for q in places if q is not p and q.admin1})
                      if len(m.entries) > 1 else p for p, m in zip(places, kept, strict=True)]
        if self.g.object_names_precede and len(places) > 1:
            # "the al-Salaam hospital" (in Maarat al-Numaan): a name right before a civilian object is the
            # object's own, not a namesake village of another governorate
            starts = {h.start for h in hits if h.cat == "target" and self._is_singular(nf[h.start:h.end])}
            places = [p for p, m in zip(places, kept, strict=True) if not (
                m.end + 1 in starts and text[m.end:m.end + 1] == " " and p.precision <= 2 and
                key(p.name) not in self.gaz.gov_names and all(q.admin1 != p.admin1 for q in places if q is not p))]
        places = self._namesakes_in_a_city(places, text)
        for p in places:
            if p.feature == "governorate" and p.admin1:
                local_ctx.add(p.admin1)
        # a number inside a date ("13 نوفمبر 2017 يقول فيه: مجزرة") is no count
        counted = [c for c in self._count(nf, hits, text)
                   if not any(d.start <= c.q.start < d.end for d in dates)]
        # wishes, calls, hypotheticals: the groups they stand in (or borrow their attack from) make no claim
        voids = [m.start() for m in self.g.not_report.finditer(nf)] if self.g.not_report is not None else []
        clauses = self._clauses(nf, hits, counted, places)
        groups = self._group(clauses, nf)
        claims: list[Claim] = []
        made: dict[int, bool] = {}
        for g in groups:
            parent_ok = g.inherit is not None and made.get(id(g.inherit), False)
            c = None if any(g.start <= a < g.end or (g.inherit is not None and g.inherit.start <= a < g.inherit.end)
                            for a in voids) else self._claim(doc, unit, nf, g, hits, counted, dates, default_date,
                                                             parent_ok)
            made[id(g)] = c is not None
            if c is not None:
                claims.append(c)
        return self._drop_bare(claims), lead

    def _namesakes_in_a_city(self, places: list[Place], text: str) -> list[Place]:
        """"حي كرم النزهة بحلب" (the Karm al-Nuzha quarter, in Aleppo), "Nuzha, Aleppo": a village-level name
        the gazetteer knows only in another governorate, written as lying in a city, is a quarter of that
        city the gazetteer lacks, not the far-away namesake: the city is the place. A governorate reports use
        for a wider area ("Beit Jen in Damascus": Rif Dimashq, admin1_broad.json) keeps its places."""
        if len(places) < 2:
            return places
        drop: set[int] = set()
        for i, p in enumerate(places):
            if p.feature not in _QUARTER_LIKE or p.span is None:
                continue
            for q in places:
                if (q is p or q.feature != "city" or q.span is None or q.admin1 is None or q.admin1 == p.admin1
                        or q.country != p.country or p.admin1 in self.gaz.broad.get(q.admin1, ())
                        or not _IN_CITY.fullmatch(text[p.span[1]:q.span[0]])):
                    continue
                drop.add(i)
                break
        return [p for i, p in enumerate(places) if i not in drop]

    @staticmethod
    def _drop_bare(claims: list[Claim]) -> list[Claim]:
        """"Hraytan: Destruction following Russian airstrike on Hraytan": a claim of a bare attack word at a
        place (no count, means, actor or target) is the same report as a fuller claim of the unit there."""
        if len(claims) < 2:
            return claims

        def bare(c: Claim) -> bool:
            return c.place is not None and not (c.killed or c.injured or c.casualties or c.displaced or c.means
                                                or c.perpetrators or c.targets)

        def covers(o: Claim, c: Claim) -> bool:
            return o.place is not None and c.place is not None and (
                o.place.gazetteer_id == c.place.gazetteer_id or (
                    o.place.admin1 is not None and o.place.admin1 == c.place.admin1
                    and o.place.precision <= c.place.precision))

        return [c for c in claims if not (bare(c) and any(o is not c and not bare(o) and covers(o, c)
                                                           for o in claims))]

    # ------------------------------------------------------------------ counts
    def _count(self, nf: str, hits: list[Hit], text: str | None = None) -> list[Counted]:
        qs = self.numbers.find(nf, text)
        out: list[Counted] = []
        starts = [q.start for q in qs]
        for qi, q in enumerate(qs):
            c = Counted(q, ev=(q.start, q.end))
            next_q = starts[qi + 1] if qi + 1 < len(starts) else len(nf) + 1
            in_including = False
            before = [h for h in hits if h.end <= q.start and q.start - h.end <= 14]
            bh = None
            for h in reversed(before):
                if (h.cat.endswith("_before") or h.cat == "rise") and self.g.between_before.match(nf[h.end:q.start]):
                    if bh is None or (bh.cat == "rise" and h.cat != "rise" and h.end == bh.end):
                        bh = h  # "death toll of 12": the casualty word beats the bare "toll of"
                    if bh.cat != "rise":
                        break
            # the victim phrase after the number
            noun_end = q.end
            role_hit = None
            seen_noun = False
            for h in hits:
                if h.start < q.end:
                    continue
                if h.start - noun_end > 22 and not seen_noun:
                    break
                if h.start - q.end > 80:
                    break
                gap = nf[noun_end:h.start]
                if ";" in gap or ". " in gap:
                    break
                if h.start >= next_q and not in_including and not (h.cat in _ROLE_OF and seen_noun is False):
                    # another number starts its own phrase: only a role word right after ours counts
                    if not (h.cat in _ROLE_OF and h.cat.endswith("_after")):
                        break
                if h.cat in _ROLE_OF and h.cat.endswith("_after") and bh is None:
                    role_hit = h
                    noun_end = max(noun_end, h.start)
                    break
                if h.cat == "actor" and seen_noun and self.g.victim_phrase_stop is not None and \
                        self.g.victim_phrase_stop.search(gap):
                    break  # "10 people by Russian air strikes": the actor is no part of the victims
                if h.cat == "actor" and not seen_noun and not in_including and h.start - q.end <= 2:
                    c.classes.add("combatant")  # "12 IS", "23 regime forces", "20 Hezbollah": its fighters
                    c.head = c.head or "combatant"
                if h.cat in _NOUNISH:
                    if h.cat == "including" or in_including:
                        in_including = True
                        noun_end = max(noun_end, h.end)
                        if h.start < next_q:  # "mostly children" (no number of their own) describes our victims
                            if h.cat == "victim":
                                c.classes.add(h.id)
                            elif h.cat in ("women", "children"):
                                c.classes.add("civilian")
                        continue
                    seen_noun = True
                    noun_end = max(noun_end, h.end)
                    if h.cat == "victim":
                        c.classes.add(h.id)
                        c.head = c.head or h.id
                    elif h.cat in ("women", "children"):
                        c.classes.add("civilian")
                        c.head = c.head or h.cat
                    continue
                if h.cat in _BREAKERS:
                    if not seen_noun and h.start - q.end < 3 and not any(p in nf[q.end:h.start] for p in ",;:"):
                        noun_end = -1  # "five strikes": not people (but "rises to 7, shelling ..." is)
                    break
                if h.cat.endswith("_before") and not h.cat.endswith("_after"):
                    break
            if noun_end < 0:
                continue
            if self.g.neg_before.search(nf, max(0, q.start - 14), q.start):
                continue  # "no fewer"? no: "killed no civilians" is handled below; "not 12" is not a count
            if bh is not None:
                if bh.cat == "rise":
                    role = self._rise_role(hits, bh)
                    if role is None and role_hit is not None:
                        role = _ROLE_OF[role_hit.cat]
                    c.role, c.role_hit = role, bh
                else:
                    c.role, c.role_hit = _ROLE_OF[bh.cat], bh
                c.ev = (bh.start, max(q.end, noun_end))
            elif role_hit is not None:
                c.role, c.role_hit = _ROLE_OF[role_hit.cat], role_hit
                c.ev = (q.start, role_hit.end)
            rh = c.role_hit
            if rh is not None and self.g.hedge_before.search(nf, max(0, rh.start - 30), rh.start):
                continue  # "could kill hundreds", "threatens to kill": a warning, not a harm report
            c.noun_end = noun_end
            out.append(c)
        # chained counts inherit a role ("the death of one civilian and 5 members of ..."), and
        # counts after "including" are subcounts
        prev: Counted | None = None
        main: Counted | None = None  # the count an "including" list belongs to
        for c in out:
            if c.role is None and prev is not None and prev.role is not None and \
                    self.g.chain.match(nf[prev.noun_end:c.q.start]) and c.classes and \
                    not self.g.of_them.match(nf, c.q.end):
                c.role, c.role_hit = prev.role, prev.role_hit
                c.ev = (c.q.start, c.noun_end)
                c.sub = prev.sub
            if main is not None and c.role in (None, main.role):
                gap = nf[main.q.end:c.q.start]
                inc = [h for h in hits if h.cat == "including" and main.q.start < h.start < c.q.start]
                if (inc or c.sub) and ";" not in gap and ". " not in gap:
                    c.sub = True
                    if c.role is None:
                        c.role, c.role_hit = main.role, main.role_hit
                        c.ev = (c.q.start, max(c.noun_end, c.q.end))
            if c.role is not None:
                prev = c
                if not c.sub:
                    main = c
        # "Two children and a woman were killed": a count joined by "and" to the next counted victims
        for a, b in zip(reversed(out[:-1]), reversed(out[1:]), strict=True):
            if a.role is None and b.role is not None and not b.sub and a.classes and \
                    self.g.chain.match(nf[a.noun_end:b.q.start]) and b.role_hit is not None and \
                    b.role_hit.start > b.q.end:
                a.role, a.role_hit = b.role, b.role_hit
                a.ev = (a.q.start, b.role_hit.end)
        # "killed 5 civilians, 3 of them children": a subcount
        for c in out:
            if c.role is None and self.g.of_them.match(nf, c.q.end) and (m := main_before(out, c)) is not None:
                c.role, c.role_hit, c.sub = m.role, m.role_hit, True  # type: ignore[union-attr]
                tail = [h for h in hits if h.start >= c.q.end and h.start - c.q.end <= 20 and
                        h.cat in ("women", "children", "victim")]
                if tail:
                    c.head = tail[0].cat if tail[0].cat in ("women", "children") else tail[0].id
                    c.noun_end = tail[0].end
        return [c for c in out if c.role is not None]

    def _rise_role(self, hits: list[Hit], rise: Hit) -> str | None:
        for h in reversed(hits):
            if h.end <= rise.start and rise.start - h.end <= 110 and h.cat in _ROLE_OF:
                return _ROLE_OF[h.cat]
        return None

    # ------------------------------------------------------------------ clauses and groups
    def _clauses(self, nf: str, hits: list[Hit], counted: list[Counted], places: list[Place]) -> list[Clause]:
        cuts = [0]
        inside = bytearray(len(nf) + 1)  # positions inside a lexicon phrase or a place name: never cut there
        for a, b in [(h.start, h.end) for h in hits if h.end - h.start > 3] + [p.span for p in places]:
            inside[a + 1:b] = b"\x01" * max(0, b - a - 1)
        paired = -1
        for m in self.g.clause.finditer(nf):
            if inside[m.start()]:
                continue
            if self.g.pair_open is not None and nf[m.start():m.end()].strip() == "and":
                po = self.g.pair_open.search(nf, cuts[-1], m.start())
                if po is not None and po.start() != paired:
                    paired = po.start()
                    continue  # "the area between Kafar Zeta and Al Zaka": one report
            cuts.append(m.end())
        cuts.append(len(nf) + 1)
        # each hit, place and count into its clause (the cuts are sorted)
        n = len(cuts) - 1
        hs: list[list[Hit]] = [[] for _ in range(n)]
        for h in hits:
            hs[min(bisect_right(cuts, h.start) - 1, n - 1)].append(h)
        counted_at = {min(bisect_right(cuts, c.q.start) - 1, n - 1) for c in counted}
        opening = self.g.report_opening
        clauses: list[Clause] = []
        for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
            b = min(b, len(nf))
            ps = [p for p in places if a <= p.span[0] < b]
            trig = i in counted_at or any(h.cat in _CLAUSE_TRIGGERS for h in hs[i])
            ct = nf[a:b].rstrip(" ,;:.")
            ms = [h for h in hs[i] if h.cat in ("means", "means_weak")]
            lead = None
            bare = False
            if ms and opening is not None:
                lead = next((h.id for h in ms if h.cat == "means" and opening.fullmatch(nf[a:h.start])), None)
                rest = nf[a:b]
                for h in ms:
                    rest = rest[:h.start - a] + " " * (h.end - h.start) + rest[h.end - a:]
                bare = opening.fullmatch(rest.rstrip(" ,;:.") + " ") is not None
            clauses.append(Clause(a, b, ps, trig, dir_only=bool(self.g.dir_only.search(ct)),
                                  dir_start=bool(self.g.dir_start.match(ct)), its_area=bool(self.g.its_area.match(ct)),
                                  means=frozenset(h.id for h in ms), lead_means=lead, bare=bare,
                                  own_verb=bool(self.g.no_inherit is not None and self.g.no_inherit.search(nf, a, b))))
        return clauses

    def _is_context(self, new: list[Place], old: list[Place], c: Clause, nf: str) -> bool:
        """The new clause's places only widen the old ones ("Tafas, Daraa"; "Kafr Nabl in Idlib")."""
        best = min(old, key=lambda p: p.precision)
        head = nf[c.start:c.end].lstrip(" ,")
        if all(key(p.name) in self.gaz.gov_names and p.admin1 == best.admin1 for p in new) and any(
                head.startswith(normfold(p.name)) for p in new) and key(best.name) not in self.gaz.gov_names:
            return True  # "Saraqib, Idlib killed 3 civilians": the governorate stands in apposition
        if c.trigger:
            return False  # a clause with its own attack or victims is its own report
        rest = nf[c.start:c.end]
        for p in new:
            rest = rest.replace(normfold(p.evidence), " ")
        pure = set(_WORD.findall(rest)) <= self.g.context_words
        for p in new:
            if p.precision == 6 and p.country == best.country:
                continue  # "near Tabqa Dam, Syria"
            if p.gazetteer_id == best.gazetteer_id or p.name == best.name:
                continue
            if pure and p.precision >= 3 and p.admin1 and p.admin1 == best.admin1 and best.precision < p.precision:
                continue
            if pure and p.admin1 and p.admin1 == best.admin1 and key(p.name) in self.gaz.gov_names and \
                    key(best.name) not in self.gaz.gov_names:
                continue  # "Maarat al-Numan, Idlib": the governorate's name after a place in it
            return False
        return True

    @staticmethod
    def _doc_date(r: DateRef, off: int) -> DateRef:
        """A unit's date with its span in document offsets."""
        return DateRef(r.start, r.end, r.precision, r.evidence, (off + r.span[0], off + r.span[1]) if r.span else None)

    @staticmethod
    def _fresh(c: Clause, cur: Group) -> bool:
        """A clause that repeats the group's place with its own attack ("shells target Aleppo again")."""
        return c.start > cur.start and any(p.span[0] >= c.start for p in c.places)

    def _group(self, clauses: list[Clause], nf: str) -> list[Group]:
        groups: list[Group] = []
        cur: Group | None = None
        prev: Clause | None = None
        for c in clauses:
            if cur is None:
                cur = Group(c.start, c.end, list(c.places), own_trigger=c.trigger, means=set(c.means))
                prev = c
                continue
            again = c.trigger and cur.own_trigger and c.places and cur.places and all(
                p.gazetteer_id in {q.gazetteer_id for q in cur.places} for p in c.places) and self._fresh(c, cur)
            if prev is not None and prev.dir_only and c.dir_start and c.places and not cur.places:
                # "on the northern and eastern countryside of Hama": one claim per area, same place
                cur.places = list(c.places)
                groups.append(cur)
                cur = Group(c.start, c.end, list(c.places), inherit=self._root(cur, c), own_trigger=c.trigger)
            elif c.its_area and cur.places and not c.places:
                # "Deir Ezzor city and its countryside": the countryside is a second area of the same place
                best = self._best_place(cur.places)
                groups.append(cur)
                cur = Group(c.start, c.end, [best] if best else [], inherit=self._root(cur, c),
                            own_trigger=c.trigger)
            elif c.places and cur.places and (again or not self._is_context(c.places, cur.places, c, nf)):
                groups.append(cur)
                cur = Group(c.start, c.end, list(c.places), inherit=self._root(cur, c), own_trigger=c.trigger,
                            means=set(c.means))
            elif c.lead_means is not None and cur.means and c.lead_means not in cur.means and (
                    c.places or cur.places) and not (prev is not None and prev.bare):
                # "Air strikes target X and continuous clashes in Manbej": a clause that opens with another
                # means is another report; with no place of its own it is at the group's place
                best = self._best_place(cur.places)
                groups.append(cur)
                refers = self.g.back_reference is None or self.g.back_reference.search(nf, c.start, c.end)
                cur = Group(c.start, c.end, list(c.places), own_trigger=c.trigger, means=set(c.means),
                            fallback=None if c.places or not refers else best)
            else:
                cur.end = c.end
                cur.places += c.places
                cur.own_trigger = cur.own_trigger or c.trigger
                cur.means |= c.means
            prev = c
        if cur is not None:
            groups.append(cur)
        for g in groups:
            if not g.places and g.fallback is not None:
                g.places = [g.fallback]
        return groups

    @staticmethod
    def _root(cur: Group, c: Clause) -> Group | None:
        """The group a trigger-less clause borrows its attack from (None when it has its own, or a verb of
        its own that is no attack)."""
        if c.trigger or c.own_verb:
            return None
        inherit = cur
        while inherit.inherit is not None and not inherit.own_trigger:
            inherit = inherit.inherit
        return inherit

    # ------------------------------------------------------------------ one claim
    def _claim(self, doc: Document, unit: Unit, nf: str, g: Group, hits: list[Hit], counted: list[Counted],
               dates: list[DateHit], default_date: DateRef | None, parent_ok: bool = False) -> Claim | None:
        text = unit.text
        off = unit.start
        gh = [h for h in hits if g.start <= h.start < g.end]
        cs = [c for c in counted if g.start <= c.q.start < g.end]
        src_hits = gh
        if g.inherit is not None:
            src_hits = gh + [h for h in hits if g.inherit.start <= h.start < g.inherit.end]

        counts: dict[str, Count] = {}
        classes: set[str] = set()
        used_roles: set[int] = set()
        mains = [c for c in cs if not c.sub]
        i = 0
        while i < len(mains):
            c = mains[i]
            j = i
            total_min = c.q.min
            total_max = c.q.max
            plus, vague = c.q.plus, c.q.vague
            ev_end = c.ev[1]
            # "N civilians and M fighters killed": sum the chain
            while j + 1 < len(mains) and mains[j + 1].role == c.role and mains[j + 1].role_hit is c.role_hit \
                    and self.g.chain.match(nf[mains[j].noun_end:mains[j + 1].q.start]):
                j += 1
                n = mains[j]
                total_min += n.q.min
                total_max = None if (total_max is None or n.q.max is None) else total_max + n.q.max
                plus, vague = plus or n.q.plus, vague or n.q.vague
                ev_end = max(ev_end, n.ev[1])
            for k in range(i, j + 1):
                classes |= mains[k].classes
                if mains[k].role_hit is not None:
                    used_roles.add(id(mains[k].role_hit))
            role = c.role or "killed"
            if role == "killed" and j > i:
                # "Two children and a woman were killed": the parts that name children or women are subcounts
                for part in ("children", "women"):
                    ps = [mains[k] for k in range(i, j + 1) if mains[k].head == part]
                    if len(ps) == 1 and f"{part}_killed" not in counts:
                        q = ps[0].q
                        counts[f"{part}_killed"] = Count(q.min, q.max, q.plus, q.vague, text[q.start:ps[0].noun_end],
                                                         (off + q.start, off + ps[0].noun_end))
            if role not in counts:
                ev = (min(c.ev[0], c.q.start), max(ev_end, c.q.end))
                counts[role] = Count(total_min, total_max, plus, vague, text[ev[0]:ev[1]],
                                     (off + ev[0], off + ev[1]))
                # "a woman killed", "3 children died": the whole count is a subcount too
                heads = {mains[k].head for k in range(i, j + 1)}
                if role == "killed" and len(heads) == 1 and j == i:
                    h = c.head
                    if h in ("women", "children") and not self._both_women_children(gh, c):
                        counts[f"{h}_killed"] = Count(total_min, total_max, plus, vague, text[ev[0]:ev[1]],
                                                      (off + ev[0], off + ev[1]))
            i = j + 1
        for c in cs:
            if not c.sub:
                continue
            classes |= c.classes
            if c.role_hit is not None:
                used_roles.add(id(c.role_hit))
            if c.role in ("killed", "casualties") and c.head in ("women", "children"):
                if self._both_women_children(gh, c):
                    continue
                name = f"{c.head}_killed"
                if name not in counts and c.role == "killed":
                    counts[name] = Count(c.q.min, c.q.max, c.q.plus, c.q.vague, text[c.q.start:c.noun_end],
                                         (off + c.q.start, off + c.noun_end))
        # bare casualty words ("martyrs in raids", "civilians were killed", "casualties")
        bare_roles: set[str] = set()
        for h in gh:
            role = _ROLE_OF.get(h.cat)
            if role is None or role in counts or id(h) in used_roles:
                continue
            if any(c.q.start <= h.start < max(c.noun_end, c.ev[1]) for c in cs):
                continue
            if any(h2.start == h.start and h2.end == h.end and id(h2) in used_roles for h2 in gh):
                continue
            if self.g.neg_before.search(nf, max(0, h.start - 16), h.start) or self.g.neg_after.match(nf, h.end):
                used_roles.add(id(h))
                continue  # "nobody was killed", "killed no civilians", "no casualties"
            if self.g.hedge_before.search(nf, max(0, h.start - 30), h.start):
                continue
            if self.g.object_names_follow and any(t.cat == "target" and t.end <= h.start and _NAME_GAP.fullmatch(
                    nf, t.end, h.start) for t in gh):
                continue  # "مستشفى الشهيد وسيم حسينو": the hospital's name honours a martyr; no one is reported dead
            noun = self._adjacent_victim(gh, h)
            word = nf[h.start:h.end]
            if role == "casualties" and self.g.split_bare.match(word):
                for r in ("killed", "injured"):
                    counts.setdefault(r, Count(2, None, True, True, text[h.start:h.end], (off + h.start, off + h.end)))
                continue
            if word in self.g.no_bare_count:
                continue  # "سقوط" (the fall of …) counts only with a number
            exact = False
            if noun is not None:
                classes.add(noun.id if noun.cat == "victim" else "civilian")
                n = 1 if self._is_singular(nf[noun.start:noun.end]) else 2
                exact = n == 1 and self.g.singular_is_one  # Arabic "طفل مصاب": one child, as "a child" is
            else:
                n = 2 if word in self.g.plural_casualty_words else 1
                exact = n == 1 and self.g.singular_is_one and word not in self.g.plural_nouns
            counts[role] = Count(n, n if exact else None, not exact, not exact, text[h.start:h.end],
                                 (off + h.start, off + h.end))
            bare_roles.add(role)
        # victim class from victim words next to casualty words even without a number
        for h in gh:
            if h.cat == "victim" and h.id == "civilian" and "civilian" not in classes and counts:
                classes.add("civilian")

        # perpetrators, means, targets
        victim_spans = [(c.q.start, max(c.noun_end, c.q.end)) for c in cs]
        perps: list[Mention] = []
        seen_p: set[str] = set()
        for h in src_hits:
            if h.cat != "actor" or h.id == "_none" or h.id in seen_p:
                continue
            if self.g.actor_roles:
                if any(a <= h.start < b for a, b in victim_spans) or self._actor_role(nf, h, src_hits, g) != "agent":
                    continue
            elif any(a <= h.start < b for a, b in victim_spans) or self._victim_side(nf, h, gh):
                continue
            seen_p.add(h.id)
            perps.append(Mention(h.id, text[h.start:h.end], (off + h.start, off + h.end),
                                 self.lex.actor_names.get(h.id), hedge=self._hedge(nf, text, h)))
        if perps and self.g.actor_roles and any(h.cat == "means" and h.id == "ground_fighting" for h in src_hits):
            # "30 IS killed during clashes against SDF": the fallen side is the other party to the clashes
            gt_ = nf[g.start:g.end]
            if any(f" {p} " in f" {gt_} " for p in self.g.role_party_before if p != "between"):
                for c in cs:
                    for h in src_hits:
                        if h.cat == "actor" and h.id not in seen_p and h.id != "_none" and \
                                0 <= h.start - c.q.end <= 2:
                            seen_p.add(h.id)
                            perps.append(Mention(h.id, text[h.start:h.end], (off + h.start, off + h.end),
                                                 self.lex.actor_names.get(h.id)))
        strong = [h for h in src_hits if h.cat == "means"]
        strong_ids = {h.id for h in strong}
        weak = [h for h in src_hits if h.cat == "means_weak"
                and not (strong_ids & self.lex.means_suppress.get(h.id, {h.id}))]
        if self.lex.weak_suppress_weak:  # a bare bombing word beside a bare aircraft word is the air raid
            weak_ids = {h.id for h in weak}
            weak = [h for h in weak if not ((weak_ids - {h.id}) & self.lex.means_suppress.get(h.id, set()))]
        means: list[Mention] = []
        seen_m: set[str] = set()
        for h in sorted(strong + weak, key=lambda x: x.start):
            if h.id in seen_m:
                continue
            seen_m.add(h.id)
            means.append(Mention(h.id, text[h.start:h.end], (off + h.start, off + h.end)))
        # a bare bombing word with an actor that only bombs from the air ("القصف الروسي") is that actor's means
        for m in means:
            swap = self.lex.means_by_actor.get(next((p for p in seen_p if p in self.lex.means_by_actor), ""), {})
            if m.id in swap and any(h.cat == "means_weak" and h.id == m.id for h in weak) and \
                    swap[m.id] not in seen_m:
                seen_m.discard(m.id)
                m.id = swap[m.id]
                seen_m.add(m.id)
        for mid, rule in self.lex.means_done_by.items():  # "shelling by Russian warplanes" is the air raid
            own = [m for m in means if m.id == rule["means"]]
            for m in [m for m in means if m.id == mid]:
                a, b = m.span[0] - off, m.span[1] - off
                if any(not _APART.search(nf[min(b, o.span[1] - off):max(a, o.span[0] - off)])
                       and max(a, o.span[0] - off) - min(b, o.span[1] - off) <= rule.get("within", 40) for o in own):
                    means.remove(m)
                    seen_m.discard(mid)
        for mid, actor in self.lex.means_implies.items():
            if mid in seen_m and actor not in seen_p and not seen_p & self.lex.means_implies_unless.get(mid, set()):
                ev = next(m for m in means if m.id == mid)
                perps.append(Mention(actor, ev.evidence, ev.span, self.lex.actor_names.get(actor)))
                seen_p.add(actor)
        targets: list[Mention] = []
        seen_t: set[str] = set()
        for h in src_hits:
            if h.cat == "target" and h.id not in seen_t:
                if not self._struck(nf, h, hits):
                    continue
                seen_t.add(h.id)
                targets.append(Mention(h.id, text[h.start:h.end], (off + h.start, off + h.end)))

        place = self._best_place(self._narrowed(g.places, nf))
        attack = any(h.cat == "attack" and h.id == "attack" for h in src_hits) or bool(means) or (
            bool(targets) and any(h.cat == "attack" for h in src_hits))
        only_fighting = bool(means) and all(m.id == "ground_fighting" for m in means) and not any(
            h.cat == "attack" and h.id == "attack" for h in src_hits)
        if counts and set(counts) <= bare_roles and place is None and not means and not targets and not perps:
            return None  # "when you die on flappy bird": a casualty word with nothing that makes it a report
        if self.g.name_list.search(text) and not means and not any(c.q for c in cs):
            return None  # "Names of the victims: Ahmad al-Hussein, Mohammad Khalil, ...": a list of people
        if not counts and not (parent_ok and place is not None and place.precision < 6):
            if not attack or (only_fighting and not (self.g.fighting_at_place and place is not None
                                                        and place.precision < 6)):
                return None  # clashes at a named place are a claim (issue 12); with no place, not
            if (place is None or place.precision == 6) and not targets:
                return None
            if place is None and not means and all(not self._is_singular(normfold(t.evidence)) for t in targets):
                return None  # "attacks on other medical facilities": hospitals in general, no report
            gt = nf[g.start:g.end]
            for d in dates:  # "on 12 May" is a date, not a hedge
                if g.start <= d.start < g.end:
                    gt = gt[:d.start - g.start] + " " * (d.end - d.start) + gt[d.end - g.start:]
            if self.g.hedge.search(gt):
                return None
            if not any(h.cat == "attack" and h.id == "attack" for h in gh) and (
                    (self.g.presence_only is not None and self.g.presence_only.search(gt)) or
                    (self.g.no_inherit is not None and self.g.no_inherit.search(gt))):
                return None  # "Russian warplanes hovering over Idlib", "factions backed by warplanes advance"

        # date: the clause's own, else the unit's, else the line's opening date
        dh = [d for d in dates if g.start <= d.start < g.end] or dates
        date = None
        if dh:
            date = self._doc_date(dh[0].ref, off)
        elif default_date is not None:
            date = default_date

        gtext = nf[g.start:g.end]
        agg = any(h.cat == "aggregate" for h in gh) or any(p.search(gtext) for p in self.lex.aggregate_patterns)
        if counts and date is not None and date.precision in ("month", "year"):
            agg = True
        subs = [c for c in cs if c.sub]
        daily = date is not None and date.precision == "day" and date.evidence is not None and \
            normfold(date.evidence) in ("yesterday", "today", "on yesterday")
        if not agg and counts and subs and (place is None or daily) and (
                len(classes - {"unknown"}) > 1 or any(not c.sub and c.classes <= {"unknown"} for c in cs)):
            agg = True  # a daily toll broken down by side ("including 11 members of the regime forces and 4 civilians")
        if not agg and counts and daily and place is None and not means and not targets:
            agg = True  # "164 killed yesterday": a day's toll with no place and no attack is a tally
        if not agg and not means and not targets and any(
                n.min > self.bounds.incident_max.get(r, n.min) for r, n in counts.items()):
            agg = True  # "With 15,000 dead ... every Russian": more than any one attack and no attack named: a tally
        if agg and place is not None and place.precision == 6 and place.country in self.gaz.home and counts:
            place = None  # a toll for the conflict's country as a whole has no place
        if self.g.needs_anchor and not agg and place is None and not (means or perps or targets) and \
                not classes - {"unknown"} and \
                not any(h.cat in ("actor", "means", "means_weak", "target") for h in hits):
            return None  # "Actually 3 dead", "he was killed": no place, attack, actor or victim of a war in the unit
        if self.g.needs_anchor and not agg and place is not None and place.country not in self.gaz.home and \
                place.precision < 6 and \
                not (means or perps or targets) and not any(h.cat == "attack" for h in src_hits):
            return None  # "100's more dead" in Chicago: abroad, a death with no attack named is no report of war
        victims = "unknown"
        cls = classes - {"unknown"}
        if cls and any(c.sub for c in cs) and any(not c.sub and (c.classes <= {"unknown"}) for c in cs):
            cls = cls | {"other"}  # "81 persons including 13 members of ..." : the rest is unknown
        if cls == {"civilian"}:
            victims = "civilian"
        elif cls == {"combatant"}:
            victims = "combatant"
        elif len(cls) > 1:
            victims = "mixed"
        if place is not None:
            place = replace(place, span=(off + place.span[0], off + place.span[1]))
        conf = 0.45 + 0.2 * bool(counts) + 0.15 * bool(place) + 0.1 * bool(means or perps) + 0.05 * bool(date)
        qs, qe = g.start, min(g.end, len(text))
        while qe > qs and text[qe - 1] in " ,;:.":
            qe -= 1
        return Claim(doc=doc.doc, source=doc.source, span=(unit.start, unit.end), text=text,
                     kind="aggregate" if agg else "incident", victims=victims,  # type: ignore[arg-type]
                     killed=counts.get("killed"), injured=counts.get("injured"),
                     children_killed=counts.get("children_killed"), women_killed=counts.get("women_killed"),
                     displaced=counts.get("displaced"), casualties=counts.get("casualties"),
                     perpetrators=perps, means=means, targets=targets, date=date, place=place,
                     confidence=min(conf, 0.95), language=self.lang, unit=(unit.start, unit.end),
                     quote=text[qs:qe], quote_span=(off + qs, off + qe))

    _HARM = frozenset({"attack", "means", "means_weak", *_ROLE_OF})

    def _struck(self, nf: str, h: Hit, hits: list[Hit]) -> bool:
        """A target word names the thing struck, not a destination ("rushed to the field hospital") nor a
        rescuer far from any attack word ("the Civil Defense teams worked to extinguish the fires")."""
        lx = self.lex
        if lx.target_not_after is not None and lx.target_not_after.search(nf, max(0, h.start - 40), h.start):
            return False
        near = lx.target_near_attack.get(h.id)
        if near is None:
            return True
        return any(x.cat in self._HARM and x is not h and (0 <= h.start - x.end <= near or 0 <= x.start - h.end <= near)
                   for x in hits)

    def _hedge(self, nf: str, text: str, h: Hit) -> str | None:
        """The words that hedge an actor named just after them ("allegedly Russian", "يزعم أنه روسي"), or None."""
        m = self.lex.hedge_before.search(nf, max(0, h.start - 30), h.start) if self.lex.hedge_before else None
        return text[m.start(1):h.end] if m else None

    def _narrowed(self, places: list[Place], nf: str) -> list[Place]:
        """"Karam Nuzha neighborhood in Aleppo": a place the sentence puts in a governorate where the
        gazetteer knows no place of that name is not the namesake elsewhere (issue 12); the governorate stays."""
        if self.g.in_governorate is None or len(places) < 2:
            return places
        govs = [q for q in places if key(q.name) in self.gaz.gov_names and q.admin1]
        return [p for p in places if not any(
            q.span[0] >= p.span[1] and q.admin1 != p.admin1 and key(p.name) not in self.gaz.gov_names and
            p.admin1 not in self.gaz.broad.get(q.admin1 or "", ()) and
            self.g.in_governorate.fullmatch(nf[p.span[1]:q.span[0]]) for q in govs)]

    def _best_place(self, places: list[Place]) -> Place | None:
        """The most specific place; a governorate's name next to a place inside it only gives context."""
        if not places:
            return None
        named = [p for p in places if key(p.name) not in self.gaz.gov_names]
        pool = [p for p in places if p in named or not any(
            n.admin1 == p.admin1 or n.admin1 in self.gaz.broad.get(p.admin1 or "", ()) for n in named)]
        return min(pool, key=lambda p: (p.precision, p.span[0]))

    @staticmethod
    def _both_women_children(gh: list[Hit], c: Counted) -> bool:
        cats = {h.cat for h in gh if c.q.end <= h.start < max(c.noun_end, c.q.end) + 1}
        return "women" in cats and "children" in cats

    def _is_singular(self, word: str) -> bool:
        return word not in self.g.plural_nouns and not word.endswith(self.g.plural_suffixes)

    @staticmethod
    def _adjacent_victim(gh: list[Hit], h: Hit) -> Hit | None:
        for v in gh:
            if v.cat in ("victim", "women", "children") and (0 <= h.start - v.end <= 12 or 0 <= v.start - h.end <= 4):
                return v
        return None

    def _actor_role(self, nf: str, h: Hit, hits: list[Hit], g: Group, depth: int = 0) -> str:
        """The role of an actor in its clause (grammar ``actor_roles``): ``agent`` (it did it, or is a party to
        the fighting), ``place`` (it names a place, a patron or an owner), ``victim`` or ``none`` (merely
        present). Only an agent is a perpetrator."""
        gr = self.g
        word = nf[h.start:h.end]
        before = nf[max(0, h.start - 50):h.start].rstrip()
        if before.endswith(" the") or before == "the":
            before = before[:-3].rstrip()

        def ends(ps: tuple[str, ...]) -> bool:
            return _tail_pattern(ps).search(before) is not None

        if ends(gr.role_place_before) or (gr.role_place_after is not None and (
                gr.role_place_after.match(nf, h.end) or gr.role_place_after.match(word[word.rfind("-"):]
                                                                                  if "-" in word else ""))):
            return "place"
        agent_words = ("means", "means_weak", "attack", "killed_before", "injured_before", "casualties_before")
        if gr.role_agent_after is not None and gr.role_agent_after.match(nf, h.end):
            return "agent"  # "for which Da'esh has claimed responsibility"
        if any(x.cat in agent_words[:2] and h.start <= x.start < h.end for x in hits):
            return "agent"  # the actor's own phrase names its weapon: "the Russian airstrikes", "regime warplanes"
        nxt = next((x for x in hits if x.start >= h.end and x.cat != "actor"), None)
        if nxt is not None and nxt.cat in agent_words and nf[h.end:nxt.start].strip(" '") in ("", "s"):
            return "agent"  # "regime shelling", "Russian warplanes", "IS attack", "Russia's jets"
        if ends(gr.role_party_before):
            return "agent"  # "clashes between A", "clashes against B": a party to the fighting
        if self._victim_side(nf, h, [x for x in hits if g.start <= x.start < g.end]):
            return "victim"
        if depth < 3:
            after = next((x for x in hits if x.cat == "actor" and x.start >= h.end), None)
            if after is not None and _AND.match(nf[h.end:after.start]) and \
                    self._actor_role(nf, after, hits, g, depth + 1) == "agent":
                return "agent"  # "Russian and Syrian warplanes kill 164 civilians"
        if ends(gr.role_party_before) or ends(self.lex.agent_prefixes):
            return "agent"  # "clashes between A", "killed by the regime"
        if depth < 3:
            prev = next((x for x in reversed(hits) if x.end <= h.start and x.cat == "actor"), None)
            if prev is not None and _AND.match(nf[prev.end:h.start]) and \
                    self._actor_role(nf, prev, hits, g, depth + 1) == "agent" and \
                    self._party_or_by(nf, prev):
                return "agent"  # "clashes between A and B", "by Russia and the regime"
        prev_w = next((x for x in reversed(hits) if x.end <= h.start and x.cat in agent_words[:3]), None)
        if prev_w is not None and _OF.match(nf[prev_w.end:h.start]):
            return "agent"  # "shells of the regime forces", "the attack of IS"
        if nxt is not None and nxt.cat in (*agent_words, "killed_after", "injured_after") and nxt.start - h.end <= 40:
            gap = nf[h.end:nxt.start]
            between = [x for x in hits if x.cat == "actor" and h.end <= x.start < nxt.start]
            if between:  # "Russian and regime warplanes" (joined actors), not "condemns ISIL's attacks"
                bare = gap
                for x in between:
                    bare = bare.replace(nf[x.start:x.end], " ")
                return "agent" if _JOINED.fullmatch(bare) else "none"
            for p in g.places:
                a, b = p.span[0] - h.end, p.span[1] - h.end
                if 0 <= a < len(gap):
                    gap = gap[:a] + " " * (min(b, len(gap)) - a) + gap[min(b, len(gap)):]
            if not gr.role_gap_stop.search(gap) and " and " not in gap:  # type: ignore[union-attr]
                return "agent"  # "Turkish forces shell", "Russia carries out 30 strikes"
        # the subject of the sentence: "Rebels advance in southern Aleppo and kill 24 soldiers"
        part = max(nf.rfind(";", 0, h.start), nf.rfind(". ", 0, h.start), nf.rfind(": ", 0, h.start)) + 1
        if _SUBJECT_HEAD.fullmatch(nf[part:h.start]):
            stop = min([i for i in (nf.find(";", h.end), nf.find(". ", h.end)) if i >= 0] or [len(nf)])
            for x in hits:
                if x.start < h.end or x.start >= stop:
                    continue
                if x.cat == "actor" and x.id != h.id:
                    break
                if x.cat in agent_words:
                    if gr.role_subject_stop is not None and gr.role_subject_stop.search(nf, h.end, x.start):
                        break  # "The United States strongly condemns the horrific attacks"
                    return "agent"
        return "none"

    def _party_or_by(self, nf: str, h: Hit) -> bool:
        before = nf[max(0, h.start - 50):h.start].rstrip()
        if before.endswith(" the"):
            before = before[:-4].rstrip()
        return any(before.endswith(p) for p in (*self.g.role_party_before, *self.lex.agent_prefixes))

    def _victim_side(self, nf: str, h: Hit, gh: list[Hit]) -> bool:
        before = nf[max(0, h.start - 40):h.start].rstrip()
        if before.endswith("the"):
            before = before[:-3].rstrip()
        for p in self.g.victim_side_prefixes:
            if before.endswith(p) and (len(before) == len(p) or not before[-len(p) - 1].isalnum()):
                return True
        for p in self.lex.agent_prefixes:
            if before.endswith(p):
                return False
        for p in ("from", "of", "in", "including", "among", "to"):
            if before.endswith(" " + p) or before == p:
                if any(x.cat in _ROLE_OF and 0 <= h.start - x.end <= 40 for x in gh):
                    return True
        # "regime soldiers killed": an actor used as an adjective of counted combatants
        after = [x for x in gh if x.start >= h.end and x.start - h.end <= 2]
        if any(x.cat in ("victim", "women", "children") for x in after):
            nxt = [x for x in gh if x.start > h.end and x.cat in _ROLE_OF]
            if nxt and nxt[0].start - h.end <= 30 and nxt[0].cat.endswith("_after"):
                return True
        return False


_DEFAULT: dict[tuple[str, str], Extractor] = {}
_WORD = re.compile(r"[^\W\d_]+")
_AND = re.compile(r"^[ ]*(?:and|,|&|or)[ ]*(?:the[ ]+)?$")
_JOINED = re.compile(r"[ ,]*(?:(?:and|&|or)[ ]+)?(?:the[ ]+)?[ ]*(?:'s[ ]*)?")
_SUBJECT_HEAD = re.compile(r"[ \"'“”‘’«»(\[]*(?:the[ ]+)?")
_OF = re.compile(r"^[ ]*(?:of|by)[ ]+(?:the[ ]+)?$")
_ARABIC = re.compile("[\u0621-\u064a]")
_LATIN = re.compile("[A-Za-z]")
# the script that tells a page mixes languages, per language of the extractor
_OTHER_SCRIPT = {"ar": _LATIN}
_NEWLINE = re.compile("\n")
_NONSPACE = re.compile(r"\S")


@lru_cache(maxsize=64)
def _tail_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for "the text ends with one of these phrases, as whole words"."""
    alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alts})$") if phrases else re.compile(r"(?!)")


def script_language(text: str, default: str) -> str:
    """The language a unit's script says it is written in (Arabic letters outnumbering Latin ones: "ar")."""
    ar = len(_ARABIC.findall(text))
    if ar and ar >= len(_LATIN.findall(text)):
        return "ar"
    return "en" if default == "ar" and _LATIN.search(text) else default


@lru_cache(maxsize=8)
def claim_languages(pack: str) -> frozenset[str]:
    """Languages whose claim lexicons exist: ``lang/<code>/casualties.json`` and the pack's ``actors.<code>.json``."""
    out = set()
    for d in resources.files("harmledger.lang").iterdir():
        if d.joinpath("casualties.json").is_file() and \
                resources.files(f"harmledger.packs.{pack}").joinpath(f"actors.{d.name}.json").is_file():
            out.add(d.name)
    return frozenset(out)


def get_extractor(lang: str = "en", pack: str = "syria") -> Extractor:
    key = (lang, pack)
    if key not in _DEFAULT:
        _DEFAULT[key] = Extractor(lang, pack)
    return _DEFAULT[key]


def extract(text: str, published: str | None = None, *, source: str = "<text>", lang: str = "en",
            pack: str = "syria") -> list[Claim]:
    """Claims in a text. ``published`` (YYYY-MM-DD) resolves relative dates."""
    from ..ingest import sha256, strict_date

    if published is not None:

        if strict_date(published) is None:
            raise ValueError(f"published must be a date written YYYY-MM-DD, not {published!r}")

    doc = Document(doc=sha256(text.encode("utf-8")), source=source, text=text,
                   format="text", published=published)
    return get_extractor(lang, pack).extract_document(doc)


def extract_documents(docs: Iterable[Document], *, lang: str = "en", pack: str = "syria") -> Iterator[Claim]:
    """A stream of claims from a stream of documents."""
    ex = get_extractor(lang, pack)
    for d in docs:
        yield from ex.extract_document(d)
