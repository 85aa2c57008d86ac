"""Segmentation into report units: exact spans over what real pages contain."""

from harmledger import segment


def test_units_are_exact_spans_of_the_original_text(re3d_docs):
    assert re3d_docs
    for d in re3d_docs:
        units = segment(d["text"])
        assert units, d["text"][:60]
        for u in units:
            assert d["text"][u.start:u.end] == u.text
            assert u.text == u.text.strip()


def test_reports_joined_by_semicolons_become_units(dev_units):
    text = dev_units["u0159"]["text"]  # GED headline: four reports joined by ';'
    units = segment(text)
    assert len(units) == text.count(";") + 1
    assert units[1].text == "14 killed by suicide attack targeted Qamishli city"


def test_trailing_colon_of_a_stripped_link_is_not_part_of_the_unit():
    text = "20.8.2016 Aerial bombardment of the northern countryside of #Aleppo and martyrs in raids:\n"
    (u,) = segment(text)
    assert u.text.endswith("raids") and u.kind == "headline"


def test_non_breaking_spaces_smart_quotes_and_list_items():
    text = ("Russian\u00a0warplanes target Ma\u2019arrat al-Nu\u2019man\u2019s market.\u00a0Twelve killed.\n"
            "- 5 killed in Douma\n* 3 wounded in Jobar")
    units = segment(text)
    assert [u.text for u in units] == ["Russian\u00a0warplanes target Ma\u2019arrat al-Nu\u2019man\u2019s market.",
                                       "Twelve killed.", "5 killed in Douma", "3 wounded in Jobar"]
    assert [u.kind for u in units] == ["sentence", "sentence", "list_item", "list_item"]


def test_abbreviations_do_not_end_sentences(re3d_docs):
    text = "Gen. Joseph Votel, commander of U.S. Central Command said the strikes continue. Nothing else."
    assert [u.text for u in segment(text)] == [
        "Gen. Joseph Votel, commander of U.S. Central Command said the strikes continue.", "Nothing else."]
