"""Claim extraction on real report text, following docs/codebook.md and docs/annotation.md."""

from __future__ import annotations

from harmledger import extract


def one(text: str, published: str | None = None):
    claims = extract(text, published)
    assert len(claims) == 1, [c.quote for c in claims]
    return claims[0]


def test_conservative_counts_victims_means_and_place(dev_units):
    u = dev_units["u0000"]  # GED 2016 headline
    c = one(u["text"], u["published"])
    assert (c.killed.min, c.killed.max, c.killed.plus) == (18, None, True)  # "At least 18"
    assert c.victims == "civilian"
    assert [m.id for m in c.means] == ["airstrike"] and c.means[0].evidence == "warplanes"
    assert c.perpetrators == []  # plain "warplanes" has no owner: never guessed
    assert c.place.admin1 == "Aleppo" and c.place.country == "SY"
    assert c.children_killed is None and c.women_killed is None  # "mostly children" is no number


def test_every_evidence_is_an_exact_span_of_the_document(dev_units):
    checked = {"claims": 0, "counts": 0, "mentions": 0, "places": 0}
    for uid in ("u0000", "u0013", "u0099", "u0159", "u0199"):
        u = dev_units[uid]
        text = u["text"]
        claims = extract(text, u["published"])
        assert claims, uid
        for c in claims:
            checked["claims"] += 1
            assert text[c.span[0]:c.span[1]] == c.text
            assert text[c.quote_span[0]:c.quote_span[1]] == c.quote
            for cnt in (c.killed, c.injured, c.casualties, c.displaced):
                if cnt:
                    checked["counts"] += 1
                    assert text[cnt.span[0]:cnt.span[1]] == cnt.evidence
            for m in c.perpetrators + c.means + c.targets:
                checked["mentions"] += 1
                assert text[m.span[0]:m.span[1]] == m.evidence
            if c.place:
                checked["places"] += 1
                assert text[c.place.span[0]:c.place.span[1]] == c.place.evidence
    assert all(n >= 3 for n in checked.values()), checked  # every kind of evidence was actually checked


def test_casualties_are_killed_or_injured_undivided(dev_units):
    c = one(dev_units["u0013"]["text"])  # "14 casualties including 9 children and citizen women killed ..."
    assert c.casualties.min == 14
    assert c.killed.min == 9
    assert c.children_killed is None and c.women_killed is None  # joint figure: no subcounts
    assert [p.id for p in c.perpetrators] == ["syrian_government"]


def test_one_unit_two_claims_and_a_bare_attack_on_a_place(dev_units):
    claims = extract(dev_units["u0099"]["text"])  # "3 martyrs and several wounded in ... Tafas and ... Homs"
    assert len(claims) == 2
    a, b = claims
    assert (a.killed.min, a.injured.min, a.injured.vague) == (3, 3, True)
    assert a.place.name == "Tafas" and a.place.admin1 == "Daraa"
    assert b.killed is None and b.place.admin1 == "Homs" and [m.id for m in b.means] == ["airstrike"]


def test_actors_inside_a_victim_phrase_are_not_perpetrators(dev_units):
    u = dev_units["u0031"]  # "81 persons were killed yesterday including 13 regime forces' members ... 40 ISIS"
    c = one(u["text"], u["published"])
    assert c.perpetrators == []
    assert c.killed.min == 81 and c.kind == "aggregate" and c.victims == "mixed"
    assert c.date.start == "2016-12-17" and c.date.evidence == "yesterday"


def test_subcounts_and_relative_dates():
    c = one("Russian warplanes kill 12 civilians including 3 children and 2 women in an airstrike on a market "
            "in Maarat al-Numan, Idlib yesterday", "2016-02-17")
    assert (c.killed.min, c.children_killed.min, c.women_killed.min) == (12, 3, 2)
    assert [p.id for p in c.perpetrators] == ["russia"] and c.perpetrators[0].name == "Russian Armed Forces"
    assert [t.id for t in c.targets] == ["market"]
    assert c.date.start == "2016-02-16" and c.date.precision == "day"
    assert c.place.name == "Maarat al-Numan" and c.place.admin1 == "Idlib"


def test_no_publication_date_means_null_date_with_evidence_kept():
    c = one("Russian warplanes kill 12 civilians in Idlib yesterday")
    assert c.date.start is None and c.date.evidence == "yesterday"


def test_vague_words_are_conservative():
    c = one("Dozens of casualties in Douma after barrel bombs on a school on Wednesday", "2016-02-18")
    assert (c.casualties.min, c.casualties.vague, c.killed) == (24, True, None)
    assert [m.id for m in c.means] == ["helicopter_barrel_bomb"]
    assert [p.id for p in c.perpetrators] == ["syrian_government"]  # barrel bombs: government helicopters
    assert c.date.start == "2016-02-17"  # the Wednesday before a Thursday publication
    d = one("Tens of thousands flee the shelling of Afrin")
    assert (d.displaced.min, d.displaced.vague) == (10000, True)


def test_more_than_is_never_raised_and_separators_of_any_kind():
    c = one("More than 40 killed, over 100 wounded in Aleppo")
    assert (c.killed.min, c.killed.plus, c.injured.min, c.injured.plus) == (40, True, 100, True)
    c = one("US-led coalition strikes on Raqqa kill 1.815 civilians since September")
    assert c.killed.min == 1815 and c.kind == "aggregate"
    c = one("#Russia’n warplanes displace over150 000 in DeirEzzor")
    assert c.displaced.min == 150000 and c.place.admin1 == "Deir ez-Zor"
    assert [p.id for p in c.perpetrators] == ["russia"]


def test_places_outside_syria_stay_in_their_country():
    c = one("a wedding in Yemen, 130 people die")
    assert c.killed.min == 130 and c.place.country == "YE" and c.place.admin1 is None
    assert c.place.precision == 6


def test_silence_on_furniture_commentary_and_non_claims(re3d_docs):
    for t in ("Leave a Reply", "Log Out / Change", "Syria Daily Report 18/02/2016",
              "The nomination of a new Prime Minister-designate is an important step toward the formation of "
              "an inclusive Government"):
        assert extract(t) == [], t
    # a statement of policy, with "attacks" in it, names no attack on a place
    assert extract("He added, “As you know, al-Qaida remains committed to carrying out terrorist attacks "
                   "against the United States, our interests, and our allies and friends.") == []


def test_compilation_line_with_date_prefix_hashtags_and_stripped_link(dev_units):
    u = dev_units["u0199"]  # "22.11.2016 Warplanes target ... Al-Raqqah city and casualties ... #Idlib"
    claims = extract(u["text"], u["published"])
    assert [c.place.admin1 for c in claims] == ["Raqqa", "Idlib"]
    assert all(c.date.start == "2016-11-22" for c in claims)
    assert claims[1].casualties.vague


def test_joined_reports_each_get_their_own_claim(dev_units):
    u = dev_units["u0159"]
    claims = extract(u["text"], u["published"])
    killed = [c.killed.min for c in claims if c.killed]
    assert killed[:3] == [14, 57, 57]
    assert all(c.place.admin1 == "Al-Hasakah" for c in claims[:4])


def test_lists_of_people_and_of_countries_are_not_claims(re3d_docs):
    assert extract("Names of the victims: Ahmad al-Hussein, Mohammad Khalil, Fatima al-Ali, Omar Haj Hussein") == []
    text = next(s for d in re3d_docs for s in d["text"].split("\n") if "Coalition nations which have" in s)
    assert extract(text) == []


def test_hashtags_w_slash_and_trailing_colon():
    c = one("#Russia airstrikes w/ cluster bombs kill 7 civilians in #Idlib countryside:")
    assert c.killed.min == 7 and [p.id for p in c.perpetrators] == ["russia"]
    assert [m.id for m in c.means] == ["airstrike", "cluster_munition"]
    assert (c.place.admin1, c.place.precision) == ("Idlib", 4)


def test_review_regressions_counts():
    # "a dozen" is 12, not 13; ranges keep both ends; numbers in the 2000s are counts, not years
    assert one("a dozen civilians were killed in Douma").killed.min == 12
    c = one("Between 10 and 12 civilians were killed in Douma")
    assert (c.killed.min, c.killed.max) == (10, 12)
    assert one("10-12 civilians killed in Douma").killed.max == 12
    assert one("More than 2000 civilians have been killed in Aleppo").killed.min == 2000
    # "IS killed" is the Islamic State, not "is killed"
    c = one("Shelling by IS killed 3 children in Deir ez-Zor")
    assert (c.killed.min, c.children_killed.min, [p.id for p in c.perpetrators]) == (3, 3, ["islamic_state"])
    # "3 of them children" is a subcount, not an addition
    c = one("Shelling on Douma killed 5 civilians, 3 of them children")
    assert (c.killed.min, c.children_killed.min) == (5, 3)
    c = one("Two children and a woman were killed in shelling on Douma")
    assert (c.killed.min, c.children_killed.min, c.women_killed.min) == (3, 2, 1)
    c = one("Airstrikes killed 20 people, including 5 fighters, in Douma")
    assert c.victims == "mixed"
    assert one("A family of 7 was killed in Douma").killed.min == 7


def test_review_regressions_negation_hedges_dates_places():
    for t in ("Airstrikes on Douma killed no civilians", "Nobody was killed in the airstrike on Douma",
              "No casualties were reported in the shelling of Douma"):
        c = one(t)  # still an attack on a named place, but nobody counted
        assert c.killed is None and c.casualties is None and c.place.name == "Douma"
    assert extract("An offensive on Idlib could kill hundreds of civilians, the UN warned") == []
    assert one("The death toll of 12 may rise after the airstrike on Douma").killed.min == 12
    c = one("400 killed in Aleppo since 2013", "2016-03-05")
    assert (c.date.start, c.date.end, c.kind) == ("2013-01-01", "2016-03-05", "aggregate")
    assert one("airstrike on Douma last Wednesday", "2016-03-02").date.start == "2016-02-24"
    assert one("Airstrike kills 20 in Sanaa, Yemen").place.country == "YE"
    assert one("Shelling kills 3 in Tripoli, Lebanon").place.country == "LB"
    c = one("Airstrike on Saraqib, Idlib killed 3 civilians")
    assert (c.killed.min, c.place.name) == (3, "Saraqib")


def test_a_line_date_prefix_keeps_document_offsets_and_dates_its_reports():
    text = "Intro.\n22.11.2016: Russian airstrike on Saraqib; 5 killed in shelling on Douma yesterday"
    a, b = extract(text, "2016-11-25")
    assert text[a.date.span[0]:a.date.span[1]] == "22.11.2016"
    assert b.date.start == "2016-11-21"  # "yesterday" counts back from the line's date


def test_published_must_be_a_date():
    import pytest

    with pytest.raises(ValueError):
        extract("12 killed in Douma", published="2016-02-17T10:00:00Z")
