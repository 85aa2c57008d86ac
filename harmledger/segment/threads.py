"""Segment stage, part two: separate an article from the comment thread under it.

Three inputs, one result — the document text is the article, then (when a thread is found) the
comments, each on its own blank-line-separated block, and :class:`~harmledger.model.Comment` records
with their spans, authors, times and reply-to ids:

* **HTML** (:func:`page_thread`): structural rules for WordPress-style markup (``li.comment`` with
  ``.comment-content``, ``.fn`` author, ``<time datetime>``, nested ``.children``), Disqus-style markup
  (``#disqus_thread`` ``.post`` with ``.post-message``, ``.author``, ``.time-ago``) and generic
  containers (``comment``/``reply`` classes or ``comment-123`` ids); when none is found, trafilatura's
  own comment extraction (text only, one comment per paragraph).
* **Plain text** (:func:`text_thread`): the blank-line paragraphs after a thread heading — a line such
  as "12 comments", "3 thoughts on “…”", "Comments", "Responses", "Комментарии", "التعليقات" — and
  before a closing "Leave a Reply" / "Оставить комментарий" line. A paragraph that opens with
  "NAME says:" / "NAME wrote:" / "NAME on DATE said:" gives the comment's author (and time); a lone
  "Reply" / "Like" line is dropped. Without a heading a text file has no thread (``--all-paragraphs``
  in ``harmledger reactions`` scores every paragraph instead).
* **JSONL** (:func:`join_thread`): ``comments: [{text, author, time, parent}]`` given by the producer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import Comment

# ------------------------------------------------------------------ plain text
# a line that opens a comment thread: comment words, or reply words with a count ("12 responses to …");
# bare "Reactions" / "Responses" / "Discussion" are common news subheadings and do not count
_HEADING = re.compile(
    r"^\s*(?:(?:\d[\d,.]*\s+|reader\s+|user\s+)?comments?(?:\s+\(\d+\))?"
    r"|\d[\d,.]*\s+(?:responses?|replies|reactions)(?:\s+to\s+.{0,200})?"
    r"|\d[\d,.]*\s+thoughts?\s+on\s+.{0,200}"
    r"|(?:\d+\s+)?комментари[йяев]*|\d+\s+(?:ответ(?:ов|а)?|отзыв(?:ов|а)?)"
    r"|(?:\d+\s+)?(?:التعليقات|تعليقات))\s*:?\s*$",
    re.I,
)
_CLOSING = re.compile(
    r"^\s*(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|write\s+a\s+comment|"
    r"(?:добавить|оставить|написать)\s+комментарий|أضف\s+تعليق(?:ا)?|اترك\s+تعليق(?:ا)?)\b.*$",
    re.I,
)
# "NAME says: text" / "NAME on DATE said:" (then the text on the next lines); "X said: …" with text after it
# is a quotation, not an author line
_AUTHOR_LINE = re.compile(
    r"^\s*(?P<author>[^\n:]{1,60}?)\s+(?:on\s+(?P<time>[^\n]{4,60}?)\s+)?(?:(?:says|пишет)\s*:\s*(?P<rest>.*)"
    r"|(?:said|wrote|replied|написал[а]?|ответил[а]?)\s*:\s*)$",
    re.I,
)
_NOISE_LINE = re.compile(r"^\s*(?:reply|like|report|share|ответить|нравится|رد)\s*$", re.I)
_PARA = re.compile(r"\n[ \t\r]*\n")


@dataclass(slots=True)
class RawComment:
    """A comment as read from a page, before it is placed in the document text."""

    text: str
    author: str | None = None
    time: str | None = None
    parent: str | None = None
    id: str | None = None


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the blank-line-separated paragraphs of ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _PARA.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    spans = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def text_thread(text: str) -> tuple[int | None, list[Comment]]:
    """``(comments_start, comments)`` of a plain-text page: see the module docstring for the rule."""
    pos = 0
    heading_end = None
    for line in text.splitlines(keepends=True):
        if _HEADING.match(line) and pos > 0:  # the first heading after some article text
            heading_end = pos + len(line)
            break
        pos += len(line)
    if heading_end is None:
        return None, []
    stop = len(text)
    pos = heading_end
    for line in text[heading_end:].splitlines(keepends=True):
        if _CLOSING.match(line):
            stop = pos
            break
        pos += len(line)
    comments: list[Comment] = []
    pending: tuple[str, str | None] | None = None  # an author line standing alone as a paragraph
    for a, b in paragraphs(text, heading_end, stop):
        # drop "Reply" / "Like" lines at the paragraph's edges
        lines = text[a:b].split("\n")
        while lines and _NOISE_LINE.match(lines[-1]):
            b -= len(lines.pop()) + 1
        while lines and _NOISE_LINE.match(lines[0]):
            a += len(lines.pop(0)) + 1
        if not lines or b <= a:
            continue
        author = time = None
        m = _AUTHOR_LINE.match(lines[0])
        if m:
            author, time = m["author"].strip(), (m["time"] or None)
            if (m["rest"] or "").strip():
                a += m.start("rest")
            elif len(lines) > 1:
                a += len(lines[0]) + 1
            else:
                pending = (author, time)
                continue
        elif pending:
            author, time = pending
        pending = None
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            comments.append(Comment(id=f"c{len(comments) + 1}", span=(a, b), author=author,
                                    time=time.strip() if time else None))
    return (heading_end if comments else None), comments


def join_thread(article: str, raw: list[RawComment]) -> tuple[str, int | None, list[Comment]]:
    """The document text of an article and its comments, with each comment's span and id.

    Ids given by the page are kept (``parent`` refers to them); otherwise comments are numbered c1, c2 …
    """
    if not raw:
        return article, None, []
    parts = [article.rstrip()]
    pos = len(parts[0])
    start = pos + 2
    comments: list[Comment] = []
    seen: set[str] = set()
    for i, rc in enumerate(raw, 1):
        body = rc.text.strip()
        if not body:
            continue
        pos += 2
        cid = rc.id if rc.id and rc.id not in seen else f"c{i}"
        n = i
        while cid in seen:  # a page's own id "c3" may already be taken
            n += len(raw)
            cid = f"c{n}"
        seen.add(cid)
        comments.append(Comment(id=cid, span=(pos, pos + len(body)), author=rc.author or None,
                                time=rc.time or None, parent=rc.parent or None))
        parts.append(body)
        pos += len(body)
    if not comments:
        return article, None, []
    ids = {c.id for c in comments}
    for c in comments:  # a reply to a comment that is not there (or to itself) replies to nothing
        if c.parent not in ids or c.parent == c.id:
            c.parent = None
    return "\n\n".join(parts), start, comments


# ------------------------------------------------------------------ HTML
_ITEM_CLASS = {"comment", "comment-item", "commentlist-item", "c-comment", "js-comment", "comment-wrapper",
               "comment-container", "reply", "review", "bypostauthor", "pingback", "trackback"}
_ITEM_ID = re.compile(r"^(?:comment|reply|div-comment|li-comment)[-_]?\d+$", re.I)
_DISQUS_ID = re.compile(r"^post-\d+$")
# the article itself (WordPress "post"/"hentry") is never a comment, nor anything holding its body or title
_ARTICLE_CLASS = {"hentry", "type-post", "entry-content", "post-content-main", "article-body"}
_BODY_CLASS = ("comment-content", "comment-text", "comment_text", "commenttext", "comment-body-text",
               "post-message", "comment-message", "message", "comment__body", "comment-entry", "text")
_AUTHOR_CLASS = ("fn", "comment-author", "author", "username", "user-name", "comment__author", "name")
_TIME_CLASS = ("comment-date", "time-ago", "comment-time", "comment-metadata", "commentmetadata", "date",
               "timestamp", "comment__date")
_SKIP_CLASS = {"reply", "comment-reply-link", "comment-meta", "comment-metadata", "commentmetadata",
               "comment-author", "vcard", "fn", "says", "author", "time-ago", "post-meta", "comment-footer",
               "comment-actions", "post-menu", "avatar", "comment-awaiting-moderation", "children",
               "comment-respond", "respond", "edit-link", "post-byline", "comment-header"}
_BLOCK = {"p", "div", "li", "br", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
          "article", "ul", "ol", "footer", "header"}
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


def _classes(el) -> set[str]:  # noqa: ANN001 - lxml element
    return set((el.get("class") or "").lower().split())


def _is_item(el, in_disqus: bool) -> bool:  # noqa: ANN001
    if not isinstance(el.tag, str) or el.tag not in {"li", "article", "div", "section"}:
        return False
    cls = _classes(el)
    if in_disqus and ("post" in cls or _DISQUS_ID.match(el.get("id") or "")):
        return True
    if cls & _ARTICLE_CLASS:
        return False
    if cls & _ITEM_CLASS and not cls & {"comment-respond", "comment-reply-link", "reply-title", "comments-area"}:
        ok = el.tag != "div" or "reply" not in cls or bool(cls & {"comment"})
    else:
        ok = bool(_ITEM_ID.match(el.get("id") or "")) and el.tag in {"li", "article", "div"}
    # (checked last: candidates are few) nothing holding the article's title or body is a comment
    return ok and not any(isinstance(d.tag, str) and (d.tag == "h1" or _classes(d) & _ARTICLE_CLASS)
                          for d in el.iterdescendants())


def _find(el, classes: tuple[str, ...], stop: set):  # noqa: ANN001, ANN202
    """First descendant carrying one of ``classes`` (in that order of preference), not in ``stop``."""
    for want in classes:
        for d in el.iterdescendants():
            if isinstance(d.tag, str) and d not in stop and want in _classes(d):
                return d
    return None


def _text(el, skip) -> str:  # noqa: ANN001
    """Visible text of ``el`` with block breaks as newlines, leaving out the ``skip`` subtrees."""
    out: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        if node in skip or (isinstance(node.tag, str) and node.tag in {"script", "style", "noscript", "form",
                                                                        "button", "svg", "img"}):
            if node.tail:
                out.append(node.tail)
            return
        block = isinstance(node.tag, str) and node.tag in _BLOCK
        if block:
            out.append("\n")
        if node.text and isinstance(node.tag, str):
            out.append(node.text)
        for ch in node:
            walk(ch)
        if block:
            out.append("\n")
        if node.tail and node is not el:
            out.append(node.tail)

    walk(el)
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(out).split("\n")]
    return "\n".join(ln for ln in lines if ln)


_STOP_CLASS = {"children", "replies", "comment-replies", "comment-list", "commentlist", "comments",
               "comments-list", "post-list", "comment-children", "comments-area"}
# body classes specific enough to mark a comment even outside a comment-classed container
_ORPHAN_BODY = {"comment-content", "comment-text", "comment_text", "commenttext", "comment-body-text",
                "post-message", "comment-message", "comment__body"}


def _is_stop(el) -> bool:  # noqa: ANN001
    return isinstance(el.tag, str) and (el.tag in {"ol", "ul", "body"} or bool(_classes(el) & _STOP_CLASS))


def page_thread(html: str) -> list[RawComment]:
    """The comments of an HTML page: by structure, or else — only where the page has a comments container
    with text beyond its reply form — by trafilatura's comment extraction (a second parse, so not for every
    page that merely mentions comments)."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = html_thread(root)
    if found or not _has_thread_text(root):
        return found
    return trafilatura_thread(html)


_CONTAINER = re.compile(r"comment|disqus|replies|responses", re.I)
_NOT_THREAD = {"form", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "button", "label", "textarea"}


def _has_thread_text(root) -> bool:  # noqa: ANN001
    """Whether some comments container holds text other than headings, form and account lines."""
    for el in root.iter():
        if not isinstance(el.tag, str) or not _CONTAINER.search(f"{el.get('id') or ''} {el.get('class') or ''}"):
            continue
        skip = set()
        for d in el.iter():
            if isinstance(d.tag, str) and (d.tag in _NOT_THREAD or _classes(d) & {"comment-respond", "respond"}):
                skip.update(d.iter())
        lines = [ln for ln in _text(el, skip).split("\n") if ln.strip() and not _FORM_LINE.search(ln)
                 and not _HEADING.match(ln) and not _CLOSING.match(ln) and not _NOISE_LINE.match(ln)]
        if lines:
            return True
    return False


def html_thread(root) -> list[RawComment]:  # noqa: ANN001 - an lxml.html tree
    """Comments of an HTML page by structure (WordPress, Disqus, generic), in page order.

    A comment item is the outermost element with a comment class or id below the nearest list or
    replies container; its body is its ``comment-content``-like element, or else its own text without
    author, date, reply-link and nested-reply parts.
    """
    disqus: set = set()
    for d in root.iter():
        if isinstance(d.tag, str) and (d.get("id") or "") in {"disqus_thread", "disqus-thread"}:
            disqus.update(d.iter())
    cand_set = {el for el in root.iter() if _is_item(el, el in disqus)}
    for el in root.iter():
        if isinstance(el.tag, str) and _classes(el) & _ORPHAN_BODY and el.getparent() is not None:
            if not any(a in cand_set for a in el.iterancestors()):
                cand_set.add(el.getparent())
    # each candidate rolls up to the outermost candidate below the nearest list / replies container
    items: list = []
    seen: set = set()
    for el in root.iter():
        if el not in cand_set:
            continue
        top = el
        for a in el.iterancestors():
            if _is_stop(a):
                break
            if a in cand_set:
                top = a
        if top not in seen:
            seen.add(top)
            items.append(top)
    item_set = set(items)
    index = {el: i for i, el in enumerate(items, 1)}
    out: list[RawComment] = []
    for el in items:
        nested_all: set = set()
        for d in el.iterdescendants():
            if d in item_set:
                nested_all.update(d.iter())
        body = _find(el, _BODY_CLASS, nested_all)
        author = None
        author_el = _find(el, _AUTHOR_CLASS, nested_all)
        if author_el is not None:
            fn = None if "fn" in _classes(author_el) else _find(author_el, ("fn",), set())
            author = _text(fn if fn is not None else author_el, set()).split("\n")[0]
            author = re.sub(r"\s+(?:says|said|wrote)\s*:?\s*$", "", author, flags=re.I).strip() or None
        time = None
        for t in el.iterdescendants("time"):
            if t not in nested_all:
                time = t.get("datetime") or _text(t, set()) or None
                break
        if time is None:
            tel = _find(el, _TIME_CLASS, nested_all)
            if tel is not None:
                time = tel.get("title") or tel.get("datetime") or _text(tel, set()).split("\n")[0] or None
        if body is not None:
            text = _text(body, nested_all)
        else:
            skip = set(nested_all)
            for d in el.iterdescendants():
                if isinstance(d.tag, str) and _classes(d) & _SKIP_CLASS:
                    skip.update(d.iter())
            text = _text(el, skip)
        if not text.strip():
            continue
        parent = None
        for a in el.iterancestors():
            if a in item_set:
                parent = a.get("id") or f"c{index[a]}"
                break
        out.append(RawComment(text=text, author=author, time=time, parent=parent,
                              id=el.get("id") or f"c{index[el]}"))
    ids = {c.id for c in out}
    for c in out:
        if c.parent not in ids:
            c.parent = None
    return out


def bare_extraction(html: str, **options: Any) -> dict[str, Any]:
    """``trafilatura.bare_extraction`` as a plain dict (empty when it finds nothing), whichever form the
    installed trafilatura returns."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, **options)
    return doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})


def trafilatura_thread(html: str) -> list[RawComment]:
    """trafilatura's comment extraction: one comment per line of its comments text (no authors)."""
    res = bare_extraction(html, include_comments=True, with_metadata=False, include_tables=False)
    text = res.get("comments") or ""
    return [RawComment(text=ln.strip()) for ln in text.split("\n")
            if ln.strip() and not (_HEADING.match(ln) or _CLOSING.match(ln) or _NOISE_LINE.match(ln)
                                   or _FORM_LINE.search(ln))]


# the comment form and account links that trafilatura's comment text keeps
_FORM_LINE = re.compile(
    r"\b(?:log ?(?:in|out)|sign (?:in|up)|cancel reply|notify me|subscribe|required fields?|your email|"
    r"email address will not|post comment|you are commenting|logged in as|change\)|comments? (?:are )?closed|"
    r"войти|выйти|отменить ответ|уведомлять)\b", re.I)


def trim_article(article: str, raw: list[RawComment]) -> str:
    """Cut an article text where the page's comments begin, when a main-text extractor kept them: only
    where the first comments (up to three) all follow, in order, and the text after the cut is theirs.
    Linear in the page's size (a page may be megabytes long)."""
    if not raw or not raw[0].text.strip():
        return article
    heads = [" ".join(rc.text.split())[:80] for rc in raw[:3]]
    thread = sum(len(" ".join(rc.text.split())) for rc in raw)
    # the text after the cut, whitespace collapsed, may be at most this long: from `first` on it is
    first = max(1, _first_within(article, int(thread * 1.5 + 200)))
    i = article.find(heads[0], first)
    if i < 0:
        return article
    pos = i  # the first comments must follow in order (a later start would find them no sooner)
    for h in heads:
        j = article.find(h, pos) if h else -1
        if j < 0:
            return article
        pos = j + len(h)
    return article[:i].rstrip()


_TOKEN = re.compile(r"\S+")


def _first_within(text: str, bound: int) -> int:
    """The first position ``i`` where ``" ".join(text[i:].split())`` is at most ``bound`` characters long,
    in two passes over the text and without copying it."""
    total = n = 0
    for m in _TOKEN.finditer(text):
        total += m.end() - m.start()
        n += 1
    before, k, prev = 0, 0, None  # length of the tokens before token k; the token before it
    for m in _TOKEN.finditer(text):
        rest = total - before + (n - k - 1)  # tokens k.. with the spaces between them
        if rest <= bound:
            return 0 if prev is None else max(prev[0], min(prev[1], prev[1] + 1 + rest - bound))
        before += m.end() - m.start()
        k += 1
        prev = (m.start(), m.end())
    return 0 if prev is None else max(prev[0], prev[1] - bound)  # within the last token
