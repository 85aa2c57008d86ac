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

from ..textnorm import normfold


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
    aggregate_patterns: list[Any]
    agent_prefixes: list[str]
    automaton: Any = field(repr=False)

    def hits(self, nf: str, original: str) -> list[Hit]:
        """All lexicon phrases in a normfolded text (word-bounded), per category longest-first."""
        n = len(nf)
        raw: list[Hit] = []
        for end_i, entries in self.automaton.iter(nf):
            for phrase, cat, ident in entries:
                start = end_i - len(phrase) + 1
                if start > 0 and (nf[start - 1].isalnum() and phrase[0].isalnum()):
                    continue
                if end_i + 1 < n and (nf[end_i + 1].isalnum() and phrase[-1].isalnum()):
                    continue
                if len(phrase) <= 3 and cat == "actor" and phrase.isalpha():
                    if not original[start:end_i + 1].isupper():
                        continue
                raw.append(Hit(start, end_i + 1, cat, ident))
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


_FAMILIES = {"killed_after": "cas", "killed_before": "cas", "injured_after": "cas", "injured_before": "cas",
             "casualties_after": "cas", "casualties_before": "cas", "displaced_after": "cas",
             "displaced_before": "cas", "means": "means", "means_weak": "means"}


def _family(cat: str) -> str:
    return _FAMILIES.get(cat, cat)


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


@lru_cache(maxsize=8)
def load_grammar(lang: str = "en") -> Grammar:
    g = data_json(f"harmledger.lang.{lang}", "grammar.json")
    pats = {k: re.compile(v) for k, v in g["patterns"].items()}
    return Grammar(**pats, context_words=frozenset(g["context_words"]),
                   plural_casualty_words=frozenset(g["plural_casualty_words"]),
                   victim_side_prefixes=tuple(g["victim_side_prefixes"]))


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

    table: dict[str, list[tuple[str, str, str]]] = {}

    def add(phrase: str, cat: str, ident: str) -> None:
        p = normfold(phrase).strip()
        if not p:
            return
        lst = table.setdefault(p, [])
        item = (p, cat, ident)
        if item not in lst:
            lst.append(item)

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
    for p in dates["aggregate_markers"]:
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
                   aggregate_patterns=[re.compile(p) for p in dates.get("aggregate_patterns", [])],
                   agent_prefixes=sorted((normfold(p) for p in actors.get("agent_prefixes", [])), key=len,
                                         reverse=True),
                   automaton=auto)
