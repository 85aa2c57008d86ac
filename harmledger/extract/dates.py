"""Dates in report text, resolved against the document's publication date.

Absolute dates (``22.11.2016``, ``18/02/2016``, ``2016-02-18``, ``February 18, 2016``, ``18 February``,
``in January 2016``) resolve on their own; relative ones ("yesterday", "on Wednesday", "last week",
"earlier this afternoon") only when the publication date is known. Otherwise the date is ``None``
and the words are kept as evidence. Day-first is assumed for numeric dates (the convention of the
region's sources); a day-first reading that is impossible falls back to month-first.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import DateRef
from .lexicon import Lexicon


@dataclass(slots=True)
class DateHit:
    start: int
    end: int
    ref: DateRef


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


class DateReader:
    def __init__(self, lex: Lexicon) -> None:
        dl = lex.dates
        self.months: dict[str, int] = dl["months"]
        self.weekdays: dict[str, int] = dl["weekdays"]
        self.rel_days: dict[str, int] = dl["relative_days"]
        self.rel_weeks: dict[str, int] = dl["relative_weeks"]
        self.rel_months: dict[str, int] = dl["relative_months"]

        def alt(ws: list[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))

        mon = alt(list(self.months))
        words = list(self.months) + list(self.weekdays) + list(self.rel_days) + list(self.rel_weeks) + list(
            self.rel_months)
        # weekday names as running text writes them (English: the full names; the short forms are for tables)
        wdays = alt(dl.get("weekday_words", [w for w in self.weekdays if len(w) > 4 or not w.isascii()]))
        wpre = alt(dl.get("weekday_prefixes", ["on", "last", "this", "early", "late"]))
        # "15 11 2015": numbers separated by spaces, as Syrian media title their videos
        sep = "[./_ -][ ]?" if dl.get("numeric_space") else "[./-]"
        self.hint = re.compile(rf"\d|\b(?:{alt(words)})\b")
        self.re = re.compile(
            rf"(?P<dmy>(?<![\d.,/])(?P<a>\d{{1,2}})(?P<s1>{sep})(?P<b>\d{{1,2}})(?P=s1)(?P<y>(?:19|20)\d{{2}})(?!\d))"
            rf"|(?P<iso>\b(?P<iy>(?:19|20)\d{{2}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b)"
            rf"|(?P<ymd>(?<![\d.,/])(?P<yy>(?:19|20)\d{{2}})(?P<s2>{'[./ ]' if dl.get('numeric_space') else '[./]'})"
            rf"(?P<ym>\d{{1,2}})(?P=s2)(?P<yd>\d{{1,2}})(?!\d))"
            rf"|(?P<mdy>\b(?P<m1>{mon})\.?[ ]+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?[ ]+(?P<y1>(?:19|20)\d{{2}}))?\b)"
            rf"|(?P<dmy2>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?(?P<m2>{mon})\.?"
            rf"(?:,?[ ]+(?P<y2>(?:19|20)\d{{2}}))?\b)"
            rf"|(?P<my>\b(?P<m3>{mon})[ ]+(?:of[ ]+)?(?P<y3>(?:19|20)\d{{2}})\b)"
            rf"|(?P<rel>\b(?:{alt(list(self.rel_days))})\b)"
            rf"|(?P<relw>\b(?:{alt(list(self.rel_weeks))})\b)"
            rf"|(?P<relm>\b(?:{alt(list(self.rel_months))})\b)"
            rf"|(?P<wd>\b(?:(?:{wpre})(?!\w))?[ ]*(?P<wday>{wdays})(?:'s)?"
            rf"(?:[ ]+(?:morning|afternoon|evening|night))?\b)"
            rf"|(?P<yr>\b(?P<yprep>in|during|since|throughout)[ ]+(?P<y4>(?:19|20)\d{{2}})\b)"
        )

    def find(self, nf: str, text: str, published: str | None) -> list[DateHit]:
        if not self.hint.search(nf):
            return []
        pub = date.fromisoformat(published) if published else None
        out: list[DateHit] = []
        for m in self.re.finditer(nf):
            mon = m.group("m1") or m.group("m2") or m.group("m3")
            if mon == "may" and text[m.start(mon and ("m1" if m.group("m1") else "m2" if m.group("m2") else "m3"))] \
                    == "m":
                continue  # "12 may rise": the verb, not the month
            ev = text[m.start():m.end()].strip()
            ref = self._resolve(m, pub, ev)
            if ref is not None:
                s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                ref.span = (s, m.end())
                ref.evidence = text[s:m.end()]
                out.append(DateHit(s, m.end(), ref))
        return out

    def _resolve(self, m: re.Match[str], pub: date | None, ev: str) -> DateRef | None:
        g = m.group
        if g("dmy"):
            a, b, y = int(g("a")), int(g("b")), int(g("y"))
            d = _safe(y, b, a) or _safe(y, a, b)
            return DateRef(d.isoformat(), d.isoformat(), "day", ev) if d else None
        if g("ymd"):
            d = _safe(int(g("yy")), int(g("ym")), int(g("yd")))
            return DateRef(d.isoformat(), d.isoformat(), "day", ev) if d else None
        if g("iso"):
            d = _safe(int(g("iy")), int(g("im")), int(g("id")))
            return DateRef(d.isoformat(), d.isoformat(), "day", ev) if d else None
        if g("mdy") or g("dmy2"):
            mon = self.months[g("m1") or g("m2")]
            day = int(g("d1") or g("d2"))
            ys = g("y1") or g("y2")
            if ys:
                d = _safe(int(ys), mon, day)
            elif pub:
                d = _safe(pub.year, mon, day)
                if d and d > pub + timedelta(days=1):
                    d = _safe(pub.year - 1, mon, day)
            else:
                return DateRef(None, None, None, ev)
            return DateRef(d.isoformat(), d.isoformat(), "day", ev) if d else None
        if g("my"):
            y, mon = int(g("y3")), self.months[g("m3")]
            return DateRef(date(y, mon, 1).isoformat(), date(y, mon, monthrange(y, mon)[1]).isoformat(),
                           "month", ev)
        if g("rel"):
            if not pub:
                return DateRef(None, None, None, ev)
            d = pub + timedelta(days=self.rel_days[g("rel")])
            return DateRef(d.isoformat(), d.isoformat(), "day", ev)
        if g("relw"):
            if not pub:
                return DateRef(None, None, None, ev)
            if "past" in g("relw"):  # "the past week": the seven days up to publication
                start, end = pub - timedelta(days=7), pub
                return DateRef(start.isoformat(), end.isoformat(), "week", ev)
            start = pub - timedelta(days=pub.weekday()) + timedelta(weeks=self.rel_weeks[g("relw")])
            end = min(start + timedelta(days=6), pub)
            return DateRef(start.isoformat(), end.isoformat(), "week", ev)
        if g("relm"):
            if not pub:
                return DateRef(None, None, None, ev)
            y, mon = pub.year, pub.month + self.rel_months[g("relm")]
            if mon < 1:
                y, mon = y - 1, mon + 12
            return DateRef(date(y, mon, 1).isoformat(), date(y, mon, monthrange(y, mon)[1]).isoformat(),
                           "month", ev)
        if g("wd"):
            if not pub:
                return DateRef(None, None, None, ev)
            wd = self.weekdays[g("wday")]
            back = (pub.weekday() - wd) % 7
            if back == 0 and g("wd").lstrip().startswith("last"):
                back = 7  # "last Wednesday" written on a Wednesday
            d = pub - timedelta(days=back)
            return DateRef(d.isoformat(), d.isoformat(), "day", ev)
        if g("yr"):
            y = int(g("y4"))
            if g("yprep") == "since":
                return DateRef(date(y, 1, 1).isoformat(), pub.isoformat() if pub else None, "year", ev)
            return DateRef(date(y, 1, 1).isoformat(), date(y, 12, 31).isoformat(), "year", ev)
        return None
