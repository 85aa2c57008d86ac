"""Reactions: threads from HTML / text / JSONL, the reactions contract, the ledger link, the evaluation.

Article text is a real SOHR report from the extractor dev set; comments are real comments from the
reactions dev set (VK news comments and Davidson et al. tweets, both MIT).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest
from sqlalchemy import text, update

from harmledger.ingest import ReadError, read
from harmledger.react import Reactor, summarize
from harmledger.store import Ledger
from harmledger.store.schema import incidents, reactions

CLI = [sys.executable, "-m", "harmledger.cli"]


@pytest.fixture(scope="module")
def comments() -> dict[str, str]:
    """Real comments of the dev set's *dev* split (the test split is never used to tune or test rules)."""
    raw = resources.files("harmledger.evaluation").joinpath("reactions/devset.jsonl").read_text("utf-8")
    recs = [json.loads(x) for x in raw.splitlines() if x.strip()]
    short = {"ru_vk_news_comments_toxicity": "vk", "davidson_hate_offensive_en": "davidson"}
    return {f"{short[r['source']]}:{r['row']}": r["text"] for r in recs if "text" in r and r["split"] == "dev"}


def _esc(s: str) -> str:
    import html

    return html.escape(s, quote=True)


def wordpress_page(article: str, c: list[str]) -> str:
    return f"""<!DOCTYPE html><html><head><title>Strike</title></head><body>
<article class="post"><div class="entry-content"><p>{_esc(article)}</p></div></article>
<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on &ldquo;Strike&rdquo;</h2>
<ol class="comment-list">
<li id="comment-7" class="comment depth-1"><article id="div-comment-7" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Dmitry</b>
<span class="says">says:</span></div>
<div class="comment-metadata"><a href="#comment-7"><time datetime="2016-06-02T10:00:00+00:00">June 2</time></a></div>
</footer><div class="comment-content"><p>{_esc(c[0])}</p></div>
<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article>
<ol class="children"><li id="comment-8" class="comment depth-2"><article id="div-comment-8" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Aglaya</b></div></footer>
<div class="comment-content"><p>{_esc(c[1])}</p></div></article></li></ol></li>
<li id="comment-9" class="comment depth-1"><div id="div-comment-9" class="comment-body">
<div class="comment-author vcard"><cite class="fn">reader</cite> <span class="says">says:</span></div>
<p>{_esc(c[2])}</p><div class="reply"><a class="comment-reply-link">Reply</a></div></div></li>
</ol><div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form><textarea></textarea></form></div>
</div></body></html>"""


def test_wordpress_thread_has_authors_times_replies_and_exact_spans(tmp_path, dev_units, comments):
    article = dev_units["u0000"]["text"]
    cs = [comments["vk:1763"], comments["vk:447"], dev_units["u0073"]["text"]]
    p = tmp_path / "page.html"
    p.write_text(wordpress_page(article, cs), "utf-8")
    (d,) = list(read([p]))
    assert not isinstance(d, ReadError)
    assert [c.id for c in d.comments] == ["comment-7", "comment-8", "comment-9"]
    assert [c.author for c in d.comments] == ["Dmitry", "Aglaya", "reader"]
    assert d.comments[0].time == "2016-06-02T10:00:00+00:00" and d.comments[1].parent == "comment-7"
    assert d.comments[2].parent is None
    for c, want in zip(d.comments, cs, strict=True):  # HTML collapses runs of spaces
        assert d.text[c.span[0]:c.span[1]] == " ".join(want.split())
    assert article in d.text[:d.comments_start] and "Leave a Reply" not in d.text
    # claims of the article are the article's; a report repeated by a commenter is marked from_comment
    from harmledger.extract import get_extractor

    claims = get_extractor().extract_document(d)
    art = [c for c in claims if not c.from_comment]
    com = [c for c in claims if c.from_comment]
    assert art and all(c.span[1] <= d.comments_start for c in art)
    assert com and all(c.span[0] >= d.comments[2].span[0] for c in com)
    rs = Reactor().react_document(d)
    assert [r.comment for r in rs] == ["comment-7", "comment-8", "comment-9"]
    assert rs[0].stance == "denies" and rs[1].incitement and rs[0].language == "ru"
    assert rs[0].evidence and rs[1].evidence
    for r in rs:
        for (a, b), ev in zip(r.evidence_spans, r.evidence, strict=True):
            assert d.text[a:b] == ev


def test_disqus_thread_and_trafilatura_fallback(tmp_path, dev_units, comments):
    page = f"""<html><body><div class="article"><p>{_esc(dev_units['u0000']['text'])}</p></div>
<div id="disqus_thread"><ul class="post-list"><li class="post" id="post-1"><div class="post-content">
<span class="author"><a>pubsubs</a></span><a class="time-ago" title="Monday, March 7, 2016 1:00 PM">ago</a>
<div class="post-message"><p>{_esc(comments['vk:2107'])}</p></div>
<ul class="children"><li class="post" id="post-2"><div class="post-content"><span class="author">x</span>
<div class="post-message"><p>{_esc(comments['davidson:20795'])}</p></div></div></li></ul></div></li></ul></div>
</body></html>"""
    p = tmp_path / "d.html"
    p.write_text(page, "utf-8")
    (d,) = list(read([p]))
    assert [(c.id, c.author, c.parent) for c in d.comments] == [("post-1", "pubsubs", None), ("post-2", "x", "post-1")]
    assert d.comments[0].time == "Monday, March 7, 2016 1:00 PM"
    rs = Reactor().react_document(d)
    assert rs[0].stance == "denies" and rs[1].incitement and rs[1].abuse


def test_text_thread_after_heading_and_all_paragraphs(tmp_path, dev_units, comments):
    body = (f"{dev_units['u0000']['text']}\n\n{dev_units['u0073']['text']}\n\n3 comments\n\n"
            f"Dmitry says:\n{comments['vk:1763']}\nReply\n\n"
            f"Aglaya on June 3, 2016 at 9:12 pm said:\n\n{comments['vk:447']}\n\n{comments['davidson:20795']}\n\n"
            "Leave a Reply\n\nYour email address will not be published.\n")
    p = tmp_path / "thread.txt"
    p.write_bytes(body.encode("utf-8"))
    out = subprocess.run([*CLI, "reactions", str(p)], capture_output=True, text=True, check=True).stdout
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 3
    keys = {"doc", "span", "text", "author", "language", "stance", "incitement", "abuse", "toxicity", "evidence",
            "confidence"}
    for r in rows:
        assert keys <= set(r)
        assert body[r["span"][0]:r["span"][1]] == r["text"]  # offsets into the decoded file
        assert 0 <= r["toxicity"] <= 1 and 0 < r["confidence"] <= 1
    assert [r["author"] for r in rows] == ["Dmitry", "Aglaya", None]
    assert rows[0]["text"] == comments["vk:1763"] and rows[0]["stance"] == "denies"
    assert rows[1]["incitement"] and rows[2]["incitement"]
    allp = subprocess.run([*CLI, "reactions", "--all-paragraphs", str(p)], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    assert len(allp) == 9  # every blank-line paragraph, headings and form text included
    summ = json.loads(subprocess.run([*CLI, "reactions", "--summary", str(p)], capture_output=True, text=True,
                                     check=True).stdout)
    assert summ["comments"] == 3 and summ["stance"]["denies"] == 1 and summ["contested_by"] == 1
    assert len(summ["incitement"]) == 2 and summ["language"] == {"ru": 2, "en": 1}
    assert summ["denial_phrases"]


def test_jsonl_comments_and_bad_comment_lists(tmp_path, dev_units, comments):
    good = {"text": dev_units["u0000"]["text"], "published": "2016-06-01",
            "comments": [{"text": comments["vk:2522"], "author": "a", "time": "2022-02-20"},
                         {"text": comments["vk:2581"], "parent": "c1"},
                         {"text": f"[/b] {comments['vk:447']}", "author": "[/]", "parent": "c9"}]}
    lines = [json.dumps(good, ensure_ascii=False), json.dumps({"text": "x killed", "comments": "not a list"}),
             json.dumps({"text": "y", "comments": [{"author": "no text"}]})]
    p = tmp_path / "c.jsonl"
    p.write_text("\n".join(lines) + "\n", "utf-8")
    res = subprocess.run([*CLI, "reactions", "--format", "table", str(p)], capture_output=True, text=True)
    assert res.returncode == 0 and "[/b]" in res.stdout and "[/]" in res.stdout  # not read as markup
    errs = res.stderr.strip().splitlines()
    assert len(errs) == 2 and all(str(p) in e for e in errs)
    assert "'comments' must be a list" in errs[0] and "comments[0]" in errs[1]
    docs = [d for d in read([p]) if not isinstance(d, ReadError)]
    (d,) = docs
    assert [(c.id, c.author, c.parent) for c in d.comments] == [("c1", "a", None), ("c2", None, "c1"),
                                                                ("c3", "[/]", None)]  # no comment c9
    rs = Reactor().react_document(d)
    assert rs[1].stance == "justifies" and rs[1].abuse


def test_ledger_links_denials_to_incidents_without_changing_figures(ledger, tmp_path, dev_units, comments):
    article = dev_units["u0000"]["text"]
    # the third comment repeats another real report: a claim read from a comment, never an incident
    cs = [comments["vk:1763"], comments["vk:447"], dev_units["u0073"]["text"]]
    page = tmp_path / "page.html"
    page.write_text(wordpress_page(article, cs), "utf-8")
    bare = tmp_path / "bare.html"
    bare.write_text(wordpress_page(article, cs).split('<div id="comments"')[0] + "</body></html>", "utf-8")
    from harmledger.extract import get_extractor

    ex = get_extractor().extract_document
    lg0 = Ledger(str(tmp_path / "bare.db"))
    lg0.ingest([d for d in read([bare]) if not isinstance(d, ReadError)], ex)
    lg0.resolve()
    lg = ledger  # SQLite, and PostgreSQL when HARMLEDGER_TEST_PG is set
    st = lg.ingest([d for d in read([page]) if not isinstance(d, ReadError)], ex)
    lg.resolve()
    assert st.reactions == 3 and lg.stats()["reactions"] == 3
    want = [(r["killed_min"], r["killed_max"], r["grade"]) for r in lg0.incidents()]
    got = [(r["killed_min"], r["killed_max"], r["grade"]) for r in lg.incidents()]
    assert got == want  # reactions and comment claims change no figure, no grade, and make no incident
    with lg.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM claims WHERE from_comment")).scalar() >= 1
    (inc,) = [r for r in lg.incidents() if r["killed_min"] == 18]
    rx = lg.incident_reactions(inc["id"])
    assert rx["summary"]["contested_by"] == 1 and lg.contested_counts()[inc["id"]] == 1
    assert len(rx["reactions"]) == 3 and rx["summary"]["comments"] == 3
    assert lg.verify().ok
    with lg.engine.begin() as conn:  # an edited stance is noticed
        conn.execute(update(reactions).where(reactions.c.stance == "denies").values(stance="affirms"))
    rep = lg.verify()
    assert not rep.ok and any("reaction" in p.where for p in rep.problems)
    with lg.engine.begin() as conn:  # so is a deleted reaction
        conn.execute(update(reactions).where(reactions.c.stance == "affirms").values(stance="denies"))
        conn.execute(text("DELETE FROM reactions WHERE id = (SELECT max(id) FROM reactions)"))
    assert any("reacted" in p.what for p in lg.verify().problems)
    with lg.engine.connect() as conn:
        assert conn.execute(incidents.select()).first() is not None


def test_summary_counts_and_incitement_list(comments):
    r = Reactor()
    from harmledger.model import Comment, Document

    keys = ("vk:1763", "vk:2522", "davidson:20795", "vk:2581")
    text = "\n\n".join(comments[k] for k in keys)
    d = Document(doc="x" * 64, source="t", text=text, format="txt")
    d.comments = [Comment(id=f"c{i}", span=(text.index(comments[k]), text.index(comments[k]) + len(comments[k])))
                  for i, k in enumerate(keys, 1)]
    s = summarize(r.react_document(d))
    assert s["comments"] == 4 and s["stance"]["denies"] == 2 and s["contested_by"] == 2
    assert [i["comment"] for i in s["incitement"]] == ["c3"]
    assert s["denial_phrases"] == [["никакого нападения и не планировалось", 1], ["цирк", 1],
                                   ["высосали вторжение из х..,а", 1]]
    assert s["language"] == {"ru": 3, "en": 1}


def test_eval_reactions_reports_per_class_and_language():
    out = subprocess.run([*CLI, "eval", "reactions", "--format", "json"], capture_output=True, text=True, check=True)
    res = json.loads(out.stdout)
    assert res["records"] >= 300
    for part in ("all", "dev", "test"):
        r = res[part]
        assert set(r["stance"]) == {"affirms", "denies", "justifies", "deflects", "other"}
        assert sum(sum(v.values()) for v in r["confusion"].values()) == r["n"]
    assert res["all"]["language_accuracy"] >= 0.98
    assert res["all"]["abuse"]["f1"] >= 0.5
    # the test split's second, independent coder: agreement, and that coder scored like a system
    a = res["agreement"]
    assert a["n"] == res["test"]["n"]
    assert 0.6 <= a["stance_kappa"] <= 1.0 and a["coder2_stance_macro_f1"] >= 0.75
    # floors a little under today's scores, with and without the eval-only comments of ../shared/
    if res["skipped_no_shared_data"] == 0:
        assert res["records"] == 1560 and res["ethos"]["test"]["f1"] >= 0.48
        assert res["test"]["stance_macro_f1"] >= 0.37 and a["harmledger_vs_coder2_stance_macro_f1"] >= 0.37
        assert res["dev"]["stance_macro_f1"] >= 0.57 and res["test"]["incitement"]["recall"] >= 0.5
    else:  # the 502 comments that ship with their text
        assert res["records"] == 502 and res["ethos"] is None
        assert res["test"]["stance_macro_f1"] >= 0.3 and a["harmledger_vs_coder2_stance_macro_f1"] >= 0.33
        assert res["dev"]["stance_macro_f1"] >= 0.5 and res["all"]["incitement"]["recall"] >= 0.7


def test_cohen_kappa_on_a_worked_example():
    from harmledger.evaluation.reactions_eval import cohen_kappa

    # 50 items: 20 yes/yes, 15 no/no, 5 yes/no, 10 no/yes -> po 0.7, pe 0.5, kappa 0.4
    a = ["y"] * 20 + ["n"] * 15 + ["y"] * 5 + ["n"] * 10
    b = ["y"] * 20 + ["n"] * 15 + ["n"] * 5 + ["y"] * 10
    assert cohen_kappa(a, b) == 0.4
    assert cohen_kappa(a, a) == 1.0 and cohen_kappa([], []) is None


def test_article_markup_subheadings_and_quotes_are_not_threads(tmp_path, dev_units, comments):
    from harmledger.segment.threads import RawComment, join_thread

    art, other = dev_units["u0000"]["text"], dev_units["u0073"]["text"]
    # a WordPress article (<article id="post-…" class="post hentry">) and a "related posts" list
    page = (f"<html><body><article id='post-4521' class='post-4521 post type-post hentry'><h1>Strike</h1>"
            f"<div class='entry-content'><p>{_esc(art)}</p></div><footer class='entry-meta'>Leave a reply"
            f"</footer></article><aside><ul><li id='post-77'><a href='/x'>{_esc(other)}</a></li></ul></aside>"
            "</body></html>")
    p = tmp_path / "wp.html"
    p.write_text(page, "utf-8")
    (d,) = list(read([p]))
    assert d.comments == [] and d.comments_start is None
    # a news subheading "Reactions" is not a comment thread
    t = tmp_path / "news.txt"
    t.write_text(f"{art}\n\nReactions\n\n{other}\n", "utf-8")
    (d,) = list(read([t]))
    assert d.comments == []
    from harmledger.extract import get_extractor

    assert not any(c.from_comment for c in get_extractor().extract_document(d))
    # comments given in JSONL that quote the article leave the article whole
    quote = {"html": f"<html><body><article><p>{_esc(art)}</p><p>{_esc(other)}</p></article></body></html>",
             "comments": [{"text": other}, {"text": comments["vk:1763"]}]}
    j = tmp_path / "q.jsonl"
    j.write_text(json.dumps(quote, ensure_ascii=False) + "\n", "utf-8")
    (d,) = list(read([j]))
    assert other in d.text[:d.comments_start] and len(d.comments) == 2
    # duplicate ids and dangling parents from a producer
    text_, _s, cs = join_thread("article", [RawComment("a", id="c2"), RawComment("b", id="c2", parent="zz"),
                                            RawComment("c", parent="c2")])
    assert len({c.id for c in cs}) == 3 and cs[1].parent is None and cs[2].parent == "c2"


def test_unknown_comment_markup_falls_back_to_trafilatura(tmp_path, dev_units, comments):
    cs = [comments["vk:2107"], comments["vk:1413"]]
    page = (f"<html><body><article><p>{_esc(dev_units['u0000']['text'])}</p></article><div id='comments'>"
            f"<h3>2 comments</h3>" + "".join(f"<div class='c-item'><p>{_esc(c)}</p></div>" for c in cs)
            + "<form><textarea></textarea><button>Post comment</button></form></div></body></html>")
    p = tmp_path / "generic.html"
    p.write_text(page, "utf-8")
    (d,) = list(read([p]))
    assert [d.text[a:b] for a, b in (c.span for c in d.comments)] == [" ".join(c.split()) for c in cs]
    assert d.text[:d.comments_start].strip() == dev_units["u0000"]["text"]


def test_incitement_wishes_of_death_and_not_idioms(comments):
    r = Reactor()
    # a wish of death put as a question ("and yours are already dead, I hope?")
    _s, _c, inc, _a, _t, ev = r.classify(comments["vk:2203"])
    assert inc and any("надеюсь" in h.text for h in ev if h.cat == "incitement")
    for key in ("vk:447", "vk:1413", "davidson:20795"):
        assert r.classify(comments[key])[2], key
    # "kill" and "hang" in idioms, a question about a film, a news-like report: no incitement
    for key in ("davidson:7365", "davidson:7187", "davidson:11723", "davidson:22493", "vk:2477"):
        assert not r.classify(comments[key])[2], key
    # regression probes: everyday uses of the incitement cues' verbs
    for t in ("Let's shoot some hoops", "Let's hang out tonight", "We have to beat the traffic", "Keep beating eggs",
              "Start shooting the film tomorrow", "Must slaughter the lamb for Eid", "You need to shoot your shot",
              "Let's kill this bug in the code", "The fire must be extinguished", "That record has to be beaten",
              "Our old dog needs to be euthanized", "Just let it die down", "Hang Seng index fell", "Execute order 66",
              "I want my steak burned", "love to see them dead tired", "I'm going to beat you at chess",
              "hope they beat Arsenal", "put them in the oven for 20 minutes", "wish him a slow death of his career",
              "execute the plan", "shoot a photo", "Надеюсь, батарейка не сдохнет до вечера",
              "Я надеюсь, что они не подохнут от голода"):
        assert not r.classify(t)[2], t


# real sentences: UCDP GED 2016 headlines (SOHR) and a UK Government statement (re3d, OGL v3)
_IS_REPORT = "About 10 persons were wounded in shelling by the “Islamic State” on Tal al-Samn town"
_RU_REPORT = "3 massacres by Russian warplanes kill at least 43 civilians in Idlib countryside"
_SHIFT = ("I welcome the Board of Inquiry’s report, which found that the aid convoy was attacked from the air, making "
          "it clear that the strike was carried out by forces of either the Asad regime or Russia.")
_OTHER_HARM = ("It documents the breadth of barbarity carried out by the Asad regime against its own people, with "
               "deliberate targeting of civilian infrastructure such as hospitals, schools and markets.")
_OTHER_REPORT = "Bombing by the regime forces and helicopters, and more casualties in al-Ghouta"


def test_blame_shifted_away_from_the_articles_perpetrator_is_denial():
    r = Reactor()
    stance, _c, _i, _a, _t, ev = r.classify(_SHIFT, {"islamic_state"})
    assert stance == "denies"
    assert [h.text for h in ev] == ["the strike was carried out by forces of either the Asad regime"]
    # the comment names the article's own perpetrator among the doers: no shift
    assert r.classify(_SHIFT, {"russia"})[0] != "denies"
    # another harm done by another actor ("barbarity carried out by", "bombing by") shifts nothing
    for t in (_OTHER_HARM, _OTHER_REPORT):
        assert r.classify(t, {"russia"})[0] != "denies", t
    # without the article's perpetrators nothing is read as a shift
    assert r.classify(_SHIFT)[0] != "denies"
    # real sentences (re3d, GED 2016) naming actors without making them the doers of this harm
    for t in ("This is part of a much wider human catastrophe: hundreds of thousands of Syrians have been killed "
              "at the hands of Assad and ISIL, millions have been displaced and historic cities such as Aleppo have "
              "been reduced to rubble by regime bombardment.",
              "This is further shocking proof of the horrific and indiscriminate methods the Assad regime is using to "
              "kill and injure innocent civilians, including children.",
              "14 killed or wounded by shells targeted Aleppo;Two civilians were killed due to an IED left behind by "
              "IS in Tilalyan town.",
              "The SDF, made up in part by local Arabs and its Coalition trained and equipped Arab component, the "
              "Syrian Arab Coalition, and supported by Coalition advisers and air strikes began the operation to "
              "isolate Raqqah on Nov."):
        assert r.classify(t, {"russia"})[0] != "denies", t


def test_blame_frames_guard_against_doubt_lists_and_other_harms():
    """Regression probes for the blame frames' guards (short, written for the rule; see docs/stance.md)."""
    r = Reactor()
    regime = {"syrian_government"}
    for t in ("I don't think the rebels did it", "I doubt Turkey did it", "If Turkey did it, they should pay",
              "Anyone who says ISIS did it is lying",  # not the commenter's own attribution
              "Daesh is responsible for many atrocities in Iraq", "It is Turkey and it is terrible",
              "These are the rebels who were shelled", "It was the opposition that started this war in 2011",
              "It was Turkey, Israel or Assad", "It was Turkey and Israel and the regime"):  # lists with the regime
        assert r.classify(t, regime)[0] != "denies", t
    for t in ("Turkey did it.", "It was Turkish jets.", "ISIS is responsible for this", "The rebels are to blame.",
              "It was the rebels who shelled the market", "The regime is behind this"):
        assert r.classify(t, {"russia"})[0] == "denies", t


def test_blame_shift_through_the_ledger_and_the_cli(ledger, tmp_path):
    from harmledger.extract import get_extractor

    page = tmp_path / "thread.jsonl"
    page.write_text("\n".join(json.dumps({"text": art, "published": "2016-09-20", "comments": [
        {"text": _SHIFT, "author": "a"}, {"text": _OTHER_REPORT, "author": "b"}]}, ensure_ascii=False)
        for art in (_IS_REPORT, _RU_REPORT)) + "\n", "utf-8")
    lg = ledger
    lg.ingest([d for d in read([page]) if not isinstance(d, ReadError)], get_extractor().extract_document)
    lg.resolve()
    with lg.engine.connect() as conn:
        rows = conn.execute(text("SELECT author, stance FROM reactions ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("a", "denies"), ("b", "other"), ("a", "other"), ("b", "other")]
    assert sorted(lg.contested_counts().values()) == [1]  # the Islamic State incident only
    out = subprocess.run([*CLI, "reactions", str(page)], capture_output=True, text=True, check=True)
    assert [json.loads(x)["stance"] for x in out.stdout.splitlines()] == ["denies", "other", "other", "other"]
