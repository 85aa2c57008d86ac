"""Readers: .txt (any encoding), .html (trafilatura), .jsonl, directories, stdin, and bad input."""

from __future__ import annotations

import hashlib
import json
import os

from harmledger import ReadError, read


def _docs(items):
    return [d for d in items if not isinstance(d, ReadError)]


def _errors(items):
    return [e for e in items if isinstance(e, ReadError)]


def test_txt_id_is_sha256_of_raw_bytes_and_text_is_the_decoded_file(tmp_path, re3d_docs):
    text = re3d_docs[0]["text"]
    p = tmp_path / "a.txt"
    p.write_bytes(text.encode("utf-8"))
    (d,) = _docs(read([p]))
    assert d.doc == hashlib.sha256(p.read_bytes()).hexdigest()
    assert d.text == p.read_text("utf-8") and d.format == "txt"


def test_txt_in_a_legacy_encoding_is_detected(tmp_path, re3d_docs):
    text = next(d["text"] for d in re3d_docs if "\u2019" in d["text"] and len(d["text"]) > 800)
    p = tmp_path / "cp1252.txt"
    p.write_bytes(text.encode("cp1252"))
    (d,) = _docs(read([p]))
    assert d.text == text and d.encoding is not None and d.encoding != "utf-8"


HTML = """<!DOCTYPE html><html><head><title>{title}</title>
<meta name="author" content="Jane Analyst"><meta property="article:published_time" content="2016-07-04T10:00:00Z">
</head><body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>{title}</h1>{paras}</article>
<div class="comments"><h3>Leave a Reply</h3><p>Log Out / Change</p></div>
<footer>Copyright 2016 Example News. All rights reserved.</footer></body></html>"""


def test_html_main_text_title_date_and_author(tmp_path, re3d_docs):
    doc = next(d for d in re3d_docs if "Karrada" in d["text"])
    paras = "".join(f"<p>{p}</p>" for p in doc["text"].split("\n") if p.strip())
    p = tmp_path / "page.html"
    p.write_text(HTML.format(title=doc["title"] or "Statement", paras=paras), "utf-8")
    (d,) = _docs(read([p]))
    assert "Karrada" in d.text and "Leave a Reply" not in d.text and "Copyright" not in d.text
    assert d.published == "2016-07-04" and d.author == "Jane Analyst" and d.title


def test_jsonl_lines_are_documents_and_bad_lines_are_reported(tmp_path, dev_units):
    u = dev_units["u0000"]
    lines = [json.dumps({"text": u["text"], "published": u["published"], "source": "SOHR"}),
             "{not json",
             json.dumps({"html": "<html><body><article><p>" + dev_units["u0099"]["text"] +
                                 " and the article goes on for a while with more words.</p></article></body></html>",
                         "url": "https://example.org/a"}),
             json.dumps({"title": "no body"})]
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines) + "\n", "utf-8")
    items = list(read([p]))
    docs, errs = _docs(items), _errors(items)
    assert [d.format for d in docs] == ["jsonl", "jsonl"]
    assert docs[0].doc == hashlib.sha256(lines[0].encode()).hexdigest()
    assert docs[0].published == u["published"] and docs[0].source == "SOHR"
    assert "Tafas" in docs[1].text and docs[1].url == "https://example.org/a"
    assert [e.source for e in errs] == [f"{p}:2", f"{p}:4"]
    assert "invalid JSON" in errs[0].reason


def test_directories_are_read_recursively_in_order(tmp_path, re3d_docs):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(re3d_docs[0]["text"], "utf-8")
    (tmp_path / "b" / "c" / "d.txt").write_text(re3d_docs[1]["text"], "utf-8")
    (tmp_path / "b" / "notes.bin").write_bytes(b"\x00\x01")  # not a known extension: not read
    docs = _docs(read([tmp_path]))
    assert [os.path.basename(d.source) for d in docs] == ["a.txt", "d.txt"]


def test_bad_inputs_are_reported_and_the_batch_goes_on(tmp_path, re3d_docs):
    good = tmp_path / "good.txt"
    good.write_text(re3d_docs[2]["text"], "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"  \n\n ")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(51 * 1024 * 1024)
    missing = tmp_path / "missing.txt"
    link = tmp_path / "broken.txt"
    link.symlink_to(tmp_path / "nowhere")
    items = list(read([empty, binary, good, huge, missing, link, blank]))
    docs, errs = _docs(items), _errors(items)
    assert [d.source for d in docs] == [str(good)]
    reasons = {os.path.basename(e.source): e.reason for e in errs}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["image.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "no such file" in reasons["missing.txt"] and "no such file" in reasons["broken.txt"]
    assert "empty" in reasons["blank.txt"]
    assert all(str(e).startswith("harmledger: ") and "\n" not in str(e) for e in errs)


def test_unreadable_file(tmp_path):
    if os.geteuid() != 0:
        p = tmp_path / "secret.txt"
        p.write_text("12 killed in Douma", "utf-8")
        p.chmod(0)
        (e,) = _errors(read([p]))
        assert "cannot read" in e.reason
        return
    # root reads files whatever their mode: read as "nobody" in a forked child (no exec, so the
    # interpreter's own location need not be readable by nobody), in a directory nobody may enter
    import shutil
    import tempfile

    d = tempfile.mkdtemp()
    try:
        os.chmod(d, 0o711)
        p = os.path.join(d, "secret.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write("12 killed in Douma")
        os.chmod(p, 0)
        pid = os.fork()
        if pid == 0:  # the child: report through its exit code only
            code = 3
            try:
                os.setgid(65534)
                os.setuid(65534)
                errs = _errors(read([p]))
                code = 0 if len(errs) == 1 and "cannot read" in errs[0].reason else 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        shutil.rmtree(d)


def test_an_undated_page_is_not_dated_from_a_date_its_text_mentions(tmp_path, dev_units, re3d_docs):
    """A report that mentions past dates ("27.4.2016 Clashes …") in a page with no date of its own: the page's
    publication date stays unknown (it was guessed from the text), while a page's own meta date is read."""
    body = "".join(f"<p>{dev_units[u]['text']}</p>" for u in ("u0196", "u0199", "u0205"))
    body += "".join(f"<p>{p}</p>" for p in re3d_docs[3]["text"].split("\n") if p.strip())
    undated = tmp_path / "undated.html"
    undated.write_text(f"<html><head><title>Report</title></head><body><article>{body}</article></body></html>",
                       "utf-8")
    dated = tmp_path / "dated.html"
    dated.write_text("<html><head><meta property='article:published_time' content='2016-12-20T08:00:00Z'>"
                     f"<title>Report</title></head><body><article>{body}</article></body></html>", "utf-8")
    (u,) = _docs(read([undated]))
    (d,) = _docs(read([dated]))
    assert u.published is None and d.published == "2016-12-20"
