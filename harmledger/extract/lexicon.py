"""Language data and conflict-pack actors, compiled into one Aho-Corasick automaton.

Language data live in ``harmledger/lang/<code>/*.json`` (numbers, casualty words, victims, means,
targets, dates, page furniture); actors live in the conflict pack
(``harmledger/packs/<pack>/actors.<code>.json``). Adding a language or a conflict is adding files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick

from ..textnorm import PAD, normfold, word_head, word_tail


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    cat: str  # actor | means | means_weak | target | killed_after | ... | victim | including | aggregate
    id: str


@dataclass
class Lexicon:
    lang: str
    pack: str
    numbers: dict[str, Any]
    dates: dict[str, Any]
    silence: dict[str, Any]
    victims: dict[str, Any]
    actor_names: dict[str, str]
    means_implies: dict[str, str]
    means_implies_unless: dict[str, set[str]]
    means_suppress: dict[str, set[str]]
    means_by_actor: dict[str, dict[str, str]]
    weak_suppress_weak: bool
    aggregate_patterns: list[Any]
    agent_prefixes: tuple[str, ...]
    automaton: Any = field(repr=False)
    means_done_by: dict[str, dict[str, Any]] = field(default_factory=dict)  # "shelling by warplanes" is the raid
    target_near_attack: dict[str, int] = field(default_factory=dict)  # targets.json "near_attack"
    target_not_after: re.Pattern[str] | None = None  # targets.json "not_after": "rushed to the hospital"
    hedge_before: re.Pattern[str] | None = None  # hedges of an attribution just before an actor (group 1)
    proclitics: frozenset[str] = frozenset()  # letters a word may carry before a phrase (Arabic و ب ل ف ك)
    enclitics: frozenset[str] = frozenset()  # endings a word may carry after one (Arabic pronoun suffixes)

    def _bounded(self, nf: str, start: int, end: int) -> bool:
        """A phrase at ``nf[start:end]`` stands as whole words (or behind a clitic the language allows)."""
        if start > 0 and _joined(nf[start - 1], nf[start]) and word_head(nf, start) not in self.proclitics:
            return False
        return not (end < len(nf) and _joined(nf[end - 1], nf[end]) and word_tail(nf, end) not in self.enclitics)

    def hits(self, nf: str, original: str) -> list[Hit]:
        """All lexicon phrases in a normfolded text (word-bounded), per category longest-first."""
        n = len(nf)
        raw: list[Hit] = []
        for end_i, entries in self.automaton.iter(nf):
            # every entry of a key is the same phrase: one boundary test for all of them
            start = end_i - len(entries[0][0]) + 1
            after = end_i + 1
            if not ((start == 0 or nf[start - 1] == " ") and (after == n or nf[after] == " ")) and \
                    not self._bounded(nf, start, after):
                continue
            end = after
            while end < n and nf[end] == PAD:
                end += 1  # the harakat of the phrase's last word (textnorm)
            for phrase, cat, ident in entries:
                if len(phrase) <= 3 and cat == "actor" and phrase.isalpha():
                    if not original[start:after].isupper() and phrase.isascii():
                        continue
                raw.append(Hit(start, end, cat, ident))
        # within a category family, keep the longest non-overlapping phrases
        fam: dict[str, list[Hit]] = {}
        for h in raw:
            fam.setdefault(_family(h.cat), []).append(h)
        out: list[Hit] = []
        for hs in fam.values():
            hs.sort(key=lambda h: (-(h.end - h.start), h.start))
            taken: list[Hit] = []
            for h in hs:
                if any(h.start < t.end and t.start < h.end for t in taken):
                    if any(t.start == h.start and t.end == h.end and t.cat != h.cat for t in taken):
                        taken.append(h)  # the same words in two roles (killed before/after)
                    continue
                taken.append(h)
            out += taken
        out.sort(key=lambda h: (h.start, -h.end))
        return out


def _joined(a: str, b: str) -> bool:
    """Two characters of one word: both letters or both digits ("روسي12" is two words)."""
    return (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit()) or (
        a.isalnum() and b.isalnum() and a.isascii() and b.isascii())


_FAMILIES = {"killed_after": "cas", "killed_before": "cas", "injured_after": "cas", "injured_before": "cas",
             "casualties_after": "cas", "casualties_before": "cas", "displaced_after": "cas",
             "displaced_before": "cas", "means": "means", "means_weak": "means"}


def _family(cat: str) -> str:
    return _FAMILIES.get(cat, cat)


def _hedge_pattern(hedges: list[str], fillers: list[str]) -> re.Pattern[str] | None:
    """Hedge words right before an actor ("allegedly", "يزعم أنه"), with at most one filler word between
    ("allegedly the", "من طيران"), as group 1 of a pattern ending at the actor."""
    if not hedges:
        return None

    def alt(ws: list[str]) -> str:
        return "|".join(re.escape(normfold(w)) for w in sorted(ws, key=len, reverse=True))

    fill = rf"(?:(?:{alt(fillers)})[ ]+)?" if fillers else ""
    return re.compile(rf"(?<!\w)({alt(hedges)})[ ]+{fill}$")


def data_json(package: str, name: str) -> Any:
    with resources.files(package).joinpath(name).open("r", encoding="utf-8") as f:
        return json.load(f)


@dataclass
class Grammar:
    """Compiled grammar patterns of one language (``lang/<code>/grammar.json``)."""

    between_before: re.Pattern[str]
    clause: re.Pattern[str]
    dir_only: re.Pattern[str]
    dir_start: re.Pattern[str]
    its_area: re.Pattern[str]
    name_list: re.Pattern[str]
    neg_before: re.Pattern[str]
    neg_after: re.Pattern[str]
    hedge_before: re.Pattern[str]
    lead_date: re.Pattern[str]
    chain: re.Pattern[str]
    of_them: re.Pattern[str]
    hedge: re.Pattern[str]
    split_bare: re.Pattern[str]
    context_words: frozenset[str]
    plural_casualty_words: frozenset[str]
    victim_side_prefixes: tuple[str, ...]
    plural_suffixes: tuple[str, ...] = ("s",)  # a victim noun ending so is plural ("civilians", "مدنيين")
    plural_nouns: frozenset[str] = frozenset()  # plurals that do not ("people", "اطفال")
    no_bare_count: frozenset[str] = frozenset()  # role words that count only with a number ("سقوط")
    object_names_precede: bool = False  # a name right before a target word may be the object's ("al-Salaam hospital")
    object_names_follow: bool = False  # a name right after a target word names the object ("مستشفى السلام")
    singular_is_one: bool = False  # a bare singular noun is exactly one (a language with no article "a")
    needs_anchor: bool = False  # an incident needs a place, attack, actor or victim of a war in its unit
    fighting_at_place: bool = False  # clashes at a named place are a claim even with no victims (codebook)
    # actor roles (grammar.json "actor_roles"): when present, an actor is a perpetrator only in an agent role
    role_place_before: tuple[str, ...] = ()  # "areas controlled by", "towards the": the actor names a place
    role_place_after: re.Pattern[str] | None = None  # "-held", "-backed", "-funded": a place, a patron, an owner
    role_party_before: tuple[str, ...] = ()  # "clashes between", "clashes with": a party to the fighting
    role_gap_stop: re.Pattern[str] | None = None  # words between an actor and the attack word that cut the link
    role_subject_stop: re.Pattern[str] | None = None  # "X condemns the attacks": X is no subject of the attack
    role_agent_after: re.Pattern[str] | None = None  # "Da'esh has claimed responsibility": the actor did it
    presence_only: re.Pattern[str] | None = None  # aircraft seen, not striking: "warplanes hovering over"
    back_reference: re.Pattern[str] | None = None  # "the city", "its outskirts": the place named before
    no_inherit: re.Pattern[str] | None = None  # verbs that are no attack: their clause borrows none
    pair_open: re.Pattern[str] | None = None  # "between X" waiting for its "and Y": no clause cut there
    report_opening: re.Pattern[str] | None = None  # "continued", "renewed": words a clause's own means opens after
    in_governorate: re.Pattern[str] | None = None  # "X neighborhood in Aleppo": the words that put X in a governorate
    victim_phrase_stop: re.Pattern[str] | None = None  # "10 people by Russian jets": an actor after it is no victim
    not_report: re.Pattern[str] | None = None  # wishes, hypotheticals: the clause is no claim (grammar "not_reports")
    not_report_sentence: re.Pattern[str] | None = None  # history, idioms: no claim in the sentence

    @property
    def actor_roles(self) -> bool:
        return self.role_gap_stop is not None


@lru_cache(maxsize=8)
def load_grammar(lang: str = "en") -> Grammar:
    g = data_json(f"harmledger.lang.{lang}", "grammar.json")
    pats = {k: re.compile(v) for k, v in g["patterns"].items()}
    return Grammar(**pats, context_words=frozenset(normfold(w) for w in g["context_words"]),
                   plural_casualty_words=frozenset(normfold(w) for w in g["plural_casualty_words"]),
                   victim_side_prefixes=tuple(normfold(w) for w in g["victim_side_prefixes"]),
                   plural_suffixes=tuple(normfold(w) for w in g.get("plural_suffixes", ["s"])),
                   plural_nouns=frozenset(normfold(w) for w in g.get("plural_nouns", [])),
                   no_bare_count=frozenset(normfold(w) for w in g.get("bare_count_words_not", [])),
                   singular_is_one=bool(g.get("singular_is_one")),
                   object_names_follow=bool(g.get("object_names_follow")),
                   object_names_precede=bool(g.get("object_names_precede")),
                   fighting_at_place=bool(g.get("fighting_at_place")),
                   needs_anchor=bool(g.get("needs_anchor")), **_roles(g.get("actor_roles")),
                   not_report=_not_report(g.get("not_reports", {}).get("clause")),
                   not_report_sentence=_not_report(g.get("not_reports", {}).get("sentence")))


def _not_report(r: dict[str, str] | None) -> re.Pattern[str] | None:
    """One pattern of every kind in a block of "not_reports" (irrealis; history, idioms ...)."""
    alts = [v for k, v in (r or {}).items() if not k.startswith("_")]
    return re.compile("|".join(f"(?:{a})" for a in alts)) if alts else None


def _roles(r: dict[str, Any] | None) -> dict[str, Any]:
    """The compiled "actor_roles" block of a grammar (empty: every actor outside a victim phrase is an agent)."""
    if not r:
        return {}
    longest = lambda ws: tuple(sorted((normfold(w) for w in ws), key=len, reverse=True))  # noqa: E731
    # these are matched at an offset (``pattern.match(nf, end)``), where "^" would never hold: it is dropped
    at = lambda p: re.compile(p.replace("^", ""))  # noqa: E731
    return {"role_place_before": longest(r["place_before"]), "role_place_after": at(r["place_after"]),
            "role_party_before": longest(r["party_before"]), "role_gap_stop": re.compile(r["gap_stop"]),
            "role_agent_after": at(r["agent_after"]) if r.get("agent_after") else None,
            "role_subject_stop": re.compile(r["subject_stop"]) if r.get("subject_stop") else None}


@lru_cache(maxsize=8)
def load(lang: str = "en", pack: str = "syria") -> Lexicon:
    """The compiled lexicon of a language and a conflict pack (cached)."""
    lp = f"harmledger.lang.{lang}"
    numbers = data_json(lp, "numbers.json")
    cas = data_json(lp, "casualties.json")
    victims = data_json(lp, "victims.json")
    means = data_json(lp, "means.json")
    targets = data_json(lp, "targets.json")
    dates = data_json(lp, "dates.json")
    silence = data_json(lp, "silence.json")
    actors = data_json(f"harmledger.packs.{pack}", f"actors.{lang}.json")
    morph = data_json(lp, "grammar.json").get("morphology", {})
    # a phrase that opens with the article may be written with a preposition fused into it (Arabic "ل" + "ال"
    # = "لل": "للطيران"); morphology.article_fusions lists the article and its fused forms
    fusions = morph.get("article_fusions", {})
    construct = bool(morph.get("ta_marbuta_construct"))

    table: dict[str, list[tuple[str, str, str]]] = {}

    def add_one(p: str, cat: str, ident: str) -> None:
        lst = table.setdefault(p, [])
        item = (p, cat, ident)
        if item not in lst:
            lst.append(item)

    def add(phrase: str, cat: str, ident: str) -> None:
        p = normfold(phrase).strip()
        if not p:
            return
        add_one(p, cat, ident)
        if construct and phrase.rstrip().endswith("ة"):
            add_one(p[:-1] + "ت", cat, ident)  # before a pronoun suffix ta marbuta is written ta ("اصابته")
        for art, fused in fusions.items():
            if p.startswith(art) and len(p) > len(art) + 1:
                for f in fused:
                    add_one(f + p[len(art):], cat, ident)

    for role in ("killed", "injured", "casualties", "displaced"):
        for where in ("after", "before"):
            for p in cas[role][where]:
                add(p, f"{role}_{where}", role)
    for p in cas["attack_words"]:
        add(p, "attack", "attack")
    for p in cas.get("weak_attack_words", []):
        add(p, "attack", "weak")
    for p in cas.get("rise", []):
        add(p, "rise", "rise")
    for p in cas["including"]:
        add(p, "including", "including")
    for cls in ("civilian", "combatant", "unknown"):
        for p in victims[cls]:
            add(p, "victim", cls)
    for p in victims["women"]:
        add(p, "women", "women")
    for p in victims["children"]:
        add(p, "children", "children")
    weak = {(k, w) for k, ws in means.get("weak", {}).items() for w in ws}
    for ident, ps in means["means"].items():
        for p in ps:
            add(p, "means_weak" if (ident, p) in weak else "means", ident)
    for ident, ps in targets["targets"].items():
        for p in ps:
            add(p, "target", ident)
    for ident, a in actors["actors"].items():
        for p in a["phrases"]:
            add(p, "actor", ident)
    for p in dates["aggregate_markers"] + cas.get("running", []):
        add(p, "aggregate", "aggregate")

    auto = ahocorasick.Automaton()
    for p, entries in table.items():
        auto.add_word(p, tuple(entries))
    auto.make_automaton()
    return Lexicon(lang=lang, pack=pack, numbers=numbers, dates=dates, silence=silence, victims=victims,
                   actor_names={k: v["name"] for k, v in actors["actors"].items()},
                   means_implies=means.get("implies", {}),
                   means_implies_unless={k: set(v) for k, v in means.get("implies_unless", {}).items()},
                   means_suppress={k: set(v) for k, v in means.get("suppress", {}).items()},
                   means_by_actor=means.get("by_actor", {}),
                   weak_suppress_weak=bool(means.get("weak_suppress_weak")),
                   means_done_by=means.get("done_by", {}),
                   target_near_attack=targets.get("near_attack", {}),
                   target_not_after=re.compile(targets["not_after"]) if targets.get("not_after") else None,
                   aggregate_patterns=[re.compile(p) for p in dates.get("aggregate_patterns", [])],
                   agent_prefixes=tuple(sorted((normfold(p) for p in actors.get("agent_prefixes", [])), key=len,
                                               reverse=True)),
                   automaton=auto, hedge_before=_hedge_pattern(actors.get("hedges", []),
                                                                    actors.get("hedge_fillers", [])),
                   proclitics=frozenset(normfold(p) for p in morph.get("proclitics", [])),
                   enclitics=frozenset(normfold(p) for p in morph.get("enclitics", [])))
