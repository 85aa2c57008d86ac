"""The built-in gazetteer: governorates, transliterations, context words, and the rest of the world."""

from harmledger.geo import load


def best(text: str):
    g = load()
    ms = g.find(text)
    assert ms, text
    return g.resolve(ms[-1], text)


def test_countries_outside_syria_never_land_in_syria():
    for name, iso in (("Yemen", "YE"), ("Afghanistan", "AF"), ("Iraq", "IQ"), ("Ukraine", "UA"),
                      ("Lebanon", "LB")):
        p = best(f"an airstrike in {name}")
        assert (p.country, p.admin1, p.precision) == (iso, None, 6)


def test_governorates_in_their_spellings_and_context_words():
    for text, adm in (("shelling on the northern countryside of Aleppo", "Aleppo"), ("rural Deir Ezzor", "Deir ez-Zor"),
                      ("airstrikes on #DeirEzzor", "Deir ez-Zor"), ("Edlib countryside", "Idlib"),
                      ("Reef Dimashq", "Rif Dimashq"), ("Dar’a", "Daraa"), ("Tartous province", "Tartus")):
        p = best(text)
        assert p.admin1 == adm, text
    p = best("shelling on the northern countryside of Aleppo")
    assert p.precision == 4 and p.feature == "governorate" and p.evidence == "northern countryside of Aleppo"
    p = best("clashes in Aleppo city")
    assert p.precision == 1 and p.feature != "governorate"


def test_villages_from_ocha_and_ged_with_offsets_into_the_original():
    text = "3 martyrs in bombardment on Tafas and Ma’arrat al-Nu’man"
    g = load()
    ms = g.find(text)
    names = [text[m.start:m.end] for m in ms]
    assert names == ["Tafas", "Ma’arrat al-Nu’man"]
    assert [g.resolve(m, text).admin1 for m in ms] == ["Daraa", "Idlib"]


def test_english_words_and_lower_case_are_not_villages():
    g = load()
    assert g.find("he said the hit was a mare of a day") == []
