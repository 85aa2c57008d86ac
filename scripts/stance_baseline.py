"""A learned baseline for the stance of comments, to see whether the dev set could train a model.

Trains TF-IDF (word 1-2-grams or character 2-5-grams) + logistic regression on the reactions dev set's
``dev`` split, optionally with harmledger's cue-lexicon scores as extra features, and scores the
``test`` split (stance macro-F1). Nothing is saved: the split's eval-only texts (RUW, 2ch/Pikabu) are
read from ``../shared/`` and no model trained on them may ship.

Needs scikit-learn, which is not a harmledger dependency: ``pip install scikit-learn``.

    python scripts/stance_baseline.py [--shared ../shared/data/reactions]
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from harmledger.evaluation.reactions_eval import load_devset, shared_reactions_dir
from harmledger.react import Reactor

CATS = ("denies", "justifies", "deflects", "affirms", "incitement", "abuse", "profanity")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    recs, skipped = load_devset(shared_reactions_dir(args.shared))
    reactor = Reactor()
    train = [r for r in recs if r["split"] == "dev"]
    test = [r for r in recs if r["split"] == "test"]
    print(f"train {len(train)}, test {len(test)} ({skipped} skipped without the shared folder)")

    def lex(rs: list[dict]) -> csr_matrix:
        return csr_matrix(np.array([[reactor.score(r["text"]).score[c] for c in CATS] for r in rs]))

    gold = [r["stance"] for r in test]
    lex_pred = [reactor.classify(r["text"])[0] for r in test]
    print(f"cue lexicon alone: macro-F1 {f1_score(gold, lex_pred, average='macro'):.3f}")
    lex_tr, lex_te = lex(train), lex(test)
    for name, vec in (("word 1-2-grams", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                      ("char 2-5-grams", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                                         sublinear_tf=True))):
        xtr = vec.fit_transform([r["text"] for r in train])
        xte = vec.transform([r["text"] for r in test])
        for with_lex in (False, True):
            a, b = (hstack([xtr, lex_tr * 3]), hstack([xte, lex_te * 3])) if with_lex else (xtr, xte)
            for c in (1, 4, 16):
                m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
                m.fit(a, [r["stance"] for r in train])
                f1 = f1_score(gold, m.predict(b), average="macro")
                print(f"{name}{' + lexicon' if with_lex else ''}, C={c}: macro-F1 {f1:.3f}")


if __name__ == "__main__":
    main()
