"""Benchmark ``extract``: documents per second on one core, and peak memory.

Corpora (real text):
  * headlines: >= 10,000 UCDP GED source headlines (all 16,566 rows of the shared CSV when it is
    beside the repo, else the bundled 2016 demo corpus cycled to 11,538 reports);
  * re3d: the 75 re3d articles (news-length: press releases of 200-900 words), cycled to 3,000 docs;
  * long: three re3d articles joined per document (~3,600 characters, a long news story).

Peers, run in the same process on the same texts (a ratio is what to compare: absolute numbers move
with the machine, the ratio much less):
  * spaCy ``blank("en")`` + an EntityRuler holding the project's patterns (every English lexicon phrase and
    every Latin name key of the pack's places, matched on the lower-cased text) — tokenising and phrase
    matching only, no counts, dates, clauses or geocoding; needs ``pip install -e '.[bench]'``;
  * a plain regex floor: one compiled alternation of the English lexicon's phrases and a number pattern
    (``re.finditer`` over the lower-cased text) — the least any reading of these words costs.

Run: ``python benchmarks/bench_extract.py [--ged PATH] [--out benchmarks/results/extract.json]``.
One process, one core: docs/s here *is* docs/s per core.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import sys
import time
from importlib import resources
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.extract import get_extractor  # noqa: E402
from harmledger.model import Document  # noqa: E402


def headlines(ged: Path | None) -> tuple[str, list[tuple[str, str | None]]]:
    if ged and ged.exists():
        rows = list(csv.DictReader(open(ged, encoding="utf-8")))
        return "GED 2016-2019 headlines", [(r["source_headline"], (r["source_date"] or "")[:10] or None)
                                           for r in rows if r["source_headline"].strip()]
    f = resources.files("harmledger.data.demo").joinpath("ged2016_headlines.jsonl.gz")
    with f.open("rb") as fh:
        docs = [json.loads(x) for x in gzip.decompress(fh.read()).decode("utf-8").splitlines()]
    base = [(d["text"], d.get("published")) for d in docs]
    return "GED 2016 demo headlines x3", list(islice(cycle(base), len(base) * 3))


def arabic_titles(csv_path: Path) -> tuple[str, list[str], list[str]]:
    """Syrian Archive video titles in Arabic with their English translations (the dev file beside the repo),
    else the demo's 158 Arabic titles (no translations)."""
    if csv_path.exists():
        rows = [r for r in csv.DictReader(open(csv_path, encoding="utf-8")) if r["title_ar"].strip()]
        return "Syrian Archive Arabic titles (dev)", [r["title_ar"] for r in rows], [
            r["title_en"] for r in rows if r["title_en"].strip()]
    f = resources.files("harmledger.data.demo").joinpath("syrian_archive_titles_ar.jsonl")
    return "demo Arabic titles", [json.loads(x)["text"] for x in f.read_text("utf-8").splitlines() if x.strip()], []


def re3d_docs() -> list[str]:
    out = []
    for folder in sorted((ROOT / "tests" / "data" / "re3d").iterdir()):
        if folder.is_dir():
            out += [json.loads(x)["text"] for x in open(folder / "documents.json", encoding="utf-8")]
    return out


def run(name: str, docs: list[tuple[str, str | None]]) -> dict[str, object]:
    ex = get_extractor()
    objs = [Document(doc=str(i), source=name, text=t, format="txt", published=p) for i, (t, p) in enumerate(docs)]
    t0, c0 = time.perf_counter(), time.process_time()
    n_claims = 0
    for d in objs:
        n_claims += len(ex.extract_document(d))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(len(d.text) for d in objs)
    return {"corpus": name, "docs": len(objs), "mean_chars": round(chars / len(objs)), "claims": n_claims,
            "seconds": round(wall, 2), "docs_per_s": round(len(objs) / wall, 1),
            "docs_per_cpu_s": round(len(objs) / cpu, 1), "chars_per_s": round(chars / wall)}


def project_patterns() -> tuple[list[str], list[str]]:
    """The English lexicon's phrases and the Latin name keys of the pack's own places."""
    ex = get_extractor()
    phrases = sorted(str(p) for p in ex.lex.automaton.keys())
    g = ex.gaz
    names = sorted(k for k, idxs in g.keys.items() if k.isascii() and any(
        g.entries[i].country in g.home for i in idxs))
    return phrases, names


class SpacyPeer:
    """spaCy ``blank("en")`` + EntityRuler (phrase patterns, LOWER attribute)."""

    def __init__(self, phrases: list[str], names: list[str]) -> None:
        import spacy

        self.nlp = spacy.blank("en")
        ruler = self.nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns([{"label": "LEX", "pattern": p} for p in phrases] +
                           [{"label": "GPE", "pattern": p} for p in names])
        self.n_patterns = len(phrases) + len(names)

    def count(self, texts: list[str]) -> int:
        return sum(len(d.ents) for d in self.nlp.pipe(texts, batch_size=256))


class RegexFloor:
    def __init__(self, phrases: list[str]) -> None:
        import re

        words = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True) if p.isascii())
        self.rx = re.compile(rf"\b(?:{words})\b|\d+")

    def count(self, texts: list[str]) -> int:
        return sum(sum(1 for _ in self.rx.finditer(t.lower())) for t in texts)


def run_peer(name: str, peer: SpacyPeer | RegexFloor, texts: list[str]) -> dict[str, object]:
    t0, c0 = time.perf_counter(), time.process_time()
    found = peer.count(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"peer": name, "docs": len(texts), "matches": found, "docs_per_s": round(len(texts) / wall, 1),
            "docs_per_cpu_s": round(len(texts) / cpu, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ged", type=Path, default=ROOT.parent / "shared" / "data" / "ucdp-ged-syria-2016-2019.csv")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "extract.json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    get_extractor()
    load_s = time.perf_counter() - t0
    hname, heads = headlines(args.ged)
    arts = re3d_docs()
    results = [run(hname, heads),
               run("re3d articles x40", [(t, None) for t in islice(cycle(arts), len(arts) * 40)]),
               run("long (3 re3d articles joined) x20",
                   [("\n\n".join(arts[i:i + 3]), None) for i in range(0, len(arts) - 2)] * 20)]
    aname, ar, en = arabic_titles(args.ged.parent / "syrian-archive" / "russian_airstrikes_dev.csv")
    reps = max(1, 10_000 // max(1, len(ar)))
    results.append(run(f"{aname} x{reps}", [(t, None) for t in ar] * reps))
    if en:
        results.append(run(f"their English translations x{reps}", [(t, None) for t in en] * reps))
    corpora = [[t for t, _p in heads], [t for t in islice(cycle(arts), len(arts) * 40)],
               ["\n\n".join(arts[i:i + 3]) for i in range(0, len(arts) - 2)] * 20, ar * reps] + (
        [en * reps] if en else [])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # harmledger's own peak, before peers
    phrases, names = project_patterns()
    peers: list[tuple[str, SpacyPeer | RegexFloor]] = [("regex floor", RegexFloor(phrases))]
    try:
        t0 = time.perf_counter()
        sp = SpacyPeer(phrases, names)
        print(f"spaCy EntityRuler: {sp.n_patterns} patterns, built in {time.perf_counter() - t0:.1f} s")
        peers.insert(0, ("spaCy blank('en') + EntityRuler", sp))
    except ImportError:
        print("spaCy is not installed (pip install -e '.[bench]'): its peer run is left out")
    for r, texts in zip(results, corpora, strict=True):
        r["peers"] = []
        if "Arabic" in str(r["corpus"]):
            continue  # the peers' patterns are English
        for name, peer in peers:
            pr = run_peer(name, peer, texts)
            pr["harmledger_over_peer"] = round(r["docs_per_cpu_s"] / pr["docs_per_cpu_s"], 2)  # type: ignore[operator]
            r["peers"].append(pr)
    # Arabic against English per character (issue 15: within 2x): against the GED headlines and, when the
    # translations are there, against the same titles in English
    ar_cps = next(r["chars_per_s"] for r in results if "Arabic" in str(r["corpus"]))
    per_char = {"english_headlines_over_arabic": round(results[0]["chars_per_s"] / ar_cps, 2)}  # type: ignore[operator]
    twin = [r for r in results if "English translations" in str(r["corpus"])]
    if twin:
        per_char["english_translations_over_arabic"] = round(twin[0]["chars_per_s"] / ar_cps, 2)  # type: ignore[operator]
    report = {"load_seconds": round(load_s, 2), "peak_rss_mb": round(peak_mb, 1), "results": results,
              "arabic_per_character": per_char,
              "python": sys.version.split()[0]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"extractor load {load_s:.2f} s; peak RSS {peak_mb:.0f} MB (one process, one core)")
    print(f"{'corpus':<38}{'docs':>7}{'chars':>7}{'claims':>8}{'docs/s':>9}{'docs/cpu-s':>11}")
    print("Arabic per character: English is x" + ", x".join(f"{v} ({k})" for k, v in per_char.items())
          + " faster (issue 15 target: within x2)")
    for r in results:
        print(f"{r['corpus']:<38}{r['docs']:>7}{r['mean_chars']:>7}{r['claims']:>8}{r['docs_per_s']:>9}"
              f"{r['docs_per_cpu_s']:>11}")
        for pr in r["peers"]:
            print(f"  peer {pr['peer']:<33}{pr['docs_per_cpu_s']:>33} docs/cpu-s; harmledger "
                  f"x{pr['harmledger_over_peer']} of it")


if __name__ == "__main__":
    main()
