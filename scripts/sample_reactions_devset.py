"""Draw the reaction dev-set candidates from ../shared/data/reactions/ (seeded, reproducible).

Writes one JSONL per source with {"source", "row", "text"}; coders then add the labels of
docs/stance.md. Half of each source is drawn from rows that hit a topic word list (war, strikes,
denial, killing words in English and Russian) so that the rare stances occur often enough to be
measured; the other half is drawn uniformly from the rest. Rows are numbered from 0 after the header.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

TOPIC = {
    "ru": re.compile(
        r"войн|удар|бомб|обстрел|погиб|убит|убий|ракет|фейк|постанов|вран|ложь|неправд|сири|донбас|"
        r"нато|америк|ирак|ливи|югослав|белград|мирн|жертв|расстрел|смерт|убить|убивать|сдох|повесить|"
        r"стрелять|террор|нацис|бандер|каратель|геноцид|оккупа|вторжен|напад|армия|солдат",
        re.I,
    ),
    "en": re.compile(
        r"\b(fake|staged|hoax|false flag|propaganda|lies?|never happened|what about|iraq|yemen|libya|"
        r"afghanistan|serbia|kosovo|deserved?|terrorists?|nazis?|bucha|mariupol|kill(ed|ing|s)?|civilians?|"
        r"massacre|war crimes?|genocide|shell(ing|ed)|bomb(ing|ed|s)?|shoot|hang|die|death|murder|"
        r"exterminate|nuke)\b",
        re.I,
    ),
}
SOURCES = {
    # name: (csv path under shared/data/reactions, language, rows to draw)
    "ru_vk_news_comments_toxicity": ("ru_vk_news_comments_toxicity/ru_vk_news_comments_toxicity.csv", "ru", 260),
    "davidson_hate_offensive_en": ("davidson_hate_offensive_en/davidson_hate_offensive_en.csv", "en", 110),
    "ruw_stance": ("ruw_stance/ruw_stance.csv", "en", 220),
}


def draw(path: Path, lang: str, n: int, rng: random.Random) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(i, r["text"]) for i, r in enumerate(csv.DictReader(fh)) if len(r["text"].split()) >= 3]
    hits = [r for r in rows if TOPIC[lang].search(r[1])]
    rest = [r for r in rows if not TOPIC[lang].search(r[1])]
    take = rng.sample(hits, min(len(hits), n // 2)) + rng.sample(rest, n - min(len(hits), n // 2))
    take.sort()
    return [{"row": i, "text": t} for i, t in take]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20261124)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    for name, (rel, lang, n) in SOURCES.items():
        rng = random.Random(f"{a.seed}:{name}")
        recs = draw(a.shared / "data" / "reactions" / rel, lang, n, rng)
        with (a.out / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for r in recs:
                out.write(json.dumps({"source": name, **r}, ensure_ascii=False) + "\n")
        print(name, len(recs))


if __name__ == "__main__":
    main()
