"""Office holders: a speaker or target named only by an office, in the years the article is
about (resources/offices.tsv)."""

import pytest

from quotestance.errors import InputError
from quotestance.offices import OfficeHolders, load_terms

BRITAIN_2005 = (
    "Tony Blair and Gordon Brown met Michael Howard and Charles Kennedy at Westminster.\n"
)


def test_the_chancellor_is_the_holder_in_the_years_of_the_people_named(extract):
    qs = extract(
        BRITAIN_2005
        + 'Before he left for Africa the chancellor told reporters: "Of course I trust the '
        'prime minister."\nThe Tory leader said the government had lost its way.\n'
    )
    assert [q.speaker for q in qs] == ["Gordon Brown", "Michael Howard"]
    assert qs[0].speaker_qid == "Q10648"


def test_one_holder_alone_does_not_date_an_article(extract):
    q = extract(
        "Howard Flight said the signing of the treaty under John Major's government was a "
        "mistake.\nThe Tory leader said the party had played by its rules.\n"
    )[-1]
    assert q.speaker == "The Tory leader"


def test_no_the_prime_minister_in_a_norwegian_story(extract):
    qs = extract(
        "Jonas Gahr Støre og Espen Barth Eide møtte pressen i Oslo mandag.\n"
        "– Vi står sammen med Ukraina, sier statsministeren.\n",
        "no",
    )
    assert [q.speaker for q in qs] == ["Jonas Gahr Støre"]


def test_the_office_a_quote_names_is_a_target(tmp_path):
    from quotestance.dataset.targets import article_targets
    from quotestance.extract import analyse_file

    path = tmp_path / "a.txt"
    path.write_text(
        BRITAIN_2005 + '"The prime minister has broken the promise," Mr Howard said.\n',
        encoding="utf-8",
    )
    analysis = analyse_file(path, "en")
    found = article_targets(analysis)
    pairs = zip(analysis.quotes, found, strict=True)
    assert [(q.speaker, [t.name for t in ts]) for q, ts in pairs] == [
        ("Michael Howard", ["Tony Blair"])
    ]


def test_the_years_decide_between_two_holders():
    terms = load_terms()
    later = OfficeHolders(terms, "Q145", ["Gordon Brown", "Nick Clegg"])  # 2007-2010
    assert later.holder("prime minister", "en") == "Gordon Brown"
    assert later.holder("chancellor", "en") == "Alistair Darling"
    earlier = OfficeHolders(terms, "Q145", ["Tony Blair", "Michael Howard"])
    assert earlier.holder("chancellor", "en") is None  # 1997-2007: Clarke or Brown
    assert (
        OfficeHolders(terms, "Q30", ["Tony Blair", "Gordon Brown"]).holder("president", "en")
        is None
    )  # another country's offices


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Q145\tprime minister\t\tTony Blair\t1997\tlater\n", "must be whole numbers"),
        ("Q145\tprime minister\t\tTony Blair\t2007\t1997\n", "from <= to"),
        ("Q145\t\t\tTony Blair\t1997\t2007\n", "an office name"),
    ],
)
def test_a_bad_row_is_one_line_naming_the_file_and_line(tmp_path, row, message):
    path = tmp_path / "offices.tsv"
    path.write_text("# offices\ncountry_qid\ten\tno\tholder\tfrom\tto\n" + row, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_terms(path)
    assert str(path) in str(err.value) and ":3" in str(err.value)
