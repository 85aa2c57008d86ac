"""WARC crawl archives (built here from real text inside HTML pages), the prefilter, and zstd JSONL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from harmledger import ReadError, read
from harmledger.extract import get_extractor
from harmledger.prefilter import load as load_prefilter

DATA = Path(__file__).parent / "data"


def page(title: str, body: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1>{paras}</article><footer>All rights reserved.</footer></body></html>"
            ).encode()


def offtopic_texts() -> list[str]:
    tweets = [json.loads(x)["text"] for x in open(DATA / "offtopic" / "davidson_neither_sample.jsonl")]
    return ["\n".join(tweets[i:i + 10]) for i in range(0, len(tweets), 10)]


def build_warc(path: Path, on_topic: list[str], off_topic: list[str]) -> None:
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=str(path).endswith(".gz"))
        pages = [(f"https://news.example.org/syria/{i}", t) for i, t in enumerate(on_topic)] + \
                [(f"https://blog.example.org/misc/{i}", t) for i, t in enumerate(off_topic)]
        for n, (url, text) in enumerate(pages):
            body = page(text.split("\n")[0][:60], text)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": f"2016-07-{1 + n % 28:02d}T10:00:00Z"})
            w.write_record(rec)
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news.example.org/logo.png", "response",
                                            payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)), http_headers=img))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_documents_with_capture_metadata(tmp_path, re3d_docs, dev_units, name):
    on = [d["text"] for d in re3d_docs[:20]] + [dev_units[u]["text"] for u in sorted(dev_units)[:40]]
    path = tmp_path / name
    build_warc(path, on, offtopic_texts())
    dropped: dict[str, int] = {}
    docs = [d for d in read([path], stats=dropped) if not isinstance(d, ReadError)]
    assert dropped["non_html"] == 1 and dropped["offtopic"] >= 30  # most tweet pages have no conflict word
    d = next(x for x in docs if x.url == "https://news.example.org/syria/20")
    assert d.format == "warc" and d.captured_at.startswith("2016-07-") and "@" in d.source
    assert dev_units[sorted(dev_units)[0]]["text"][:40] in d.text
    # recall: every page the extractor finds a claim in without the prefilter still gets through it
    ex = get_extractor()
    everything = [x for x in read([path], prefilter=False) if not isinstance(x, ReadError)]
    with_claims = {x.url for x in everything if ex.extract_document(x)}
    assert with_claims and with_claims <= {x.url for x in docs}


def test_prefilter_keeps_every_claim_bearing_dev_unit(dev_units, re3d_docs):
    pf = load_prefilter()
    ex = get_extractor()
    from harmledger import extract

    bearing = [u["text"] for u in dev_units.values() if extract(u["text"])]
    assert len(bearing) > 200
    assert all(pf.keep_text(t) for t in bearing)
    assert all(pf.keep_text(d["text"]) for d in re3d_docs if ex.extract_document(
        __import__("harmledger").Document(doc="x", source="x", text=d["text"], format="txt")))
    assert pf.keep_text("В результате авиаудара погибли пять мирных жителей")
    assert pf.keep_text("مقتل خمسة مدنيين في غارة جوية على إدلب")
    assert not pf.keep_text("The new season of the show starts on Friday with a great cast")


def test_zstd_jsonl_shards(tmp_path, dev_units):
    import zstandard

    lines = "".join(json.dumps({"text": dev_units[u]["text"], "published": dev_units[u]["published"]}) + "\n"
                    for u in sorted(dev_units)[:25])
    p = tmp_path / "shard-0001.jsonl.zst"
    p.write_bytes(zstandard.ZstdCompressor().compress(lines.encode("utf-8")))
    docs = [d for d in read([tmp_path]) if not isinstance(d, ReadError)]
    assert len(docs) == 25 and docs[0].format == "jsonl"
    bad = tmp_path / "broken.jsonl.zst"
    bad.write_bytes(b"not zstd at all")
    (err,) = [e for e in read([bad]) if isinstance(e, ReadError)]
    assert "zstd" in err.reason


def test_a_broken_warc_is_one_error_line(tmp_path):
    p = tmp_path / "broken.warc.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    items = list(read([p]))
    assert len(items) == 1 and isinstance(items[0], ReadError) and "WARC" in items[0].reason
