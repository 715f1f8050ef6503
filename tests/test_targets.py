"""Targets in any article: one test per kind of target and language, from real sentence
shapes, and the canonical names that speakers and targets share."""

import pytest

from quotestance.dataset.targets import article_targets
from quotestance.extract import analyse_file


@pytest.fixture
def targets(tmp_path):
    """``targets(text, lang)``: (speaker, [target names]) per quote of an inline article."""
    counter = iter(range(1000))

    def run(text: str, lang: str = "en") -> list[tuple[str | None, list[str]]]:
        path = tmp_path / f"a{next(counter)}.txt"
        path.write_text(text, encoding="utf-8")
        analysis = analyse_file(path, lang)
        return [
            (q.speaker, [t.name for t in found])
            for q, found in zip(analysis.quotes, article_targets(analysis), strict=True)
        ]

    return run


def only_targets(found):
    assert len(found) == 1, found
    return found[0][1]


# -- English ---------------------------------------------------------------------------------


def test_a_party_by_its_everyday_name(targets):
    found = targets("“The Tories have let this country down,” Labour MP Jane Smith said.\n")
    assert "Conservative Party" in only_targets(found)


def test_a_demonym_is_its_country(targets):
    found = targets("“Chinese pressure will not work,” Foreign Minister Park Jin said.\n")
    assert only_targets(found) == ["China"]


def test_a_demonym_naming_people_is_not_their_country(targets):
    found = targets(
        "“He did not need to meet with a Mexican to determine what is good for Americans,”"
        " said Ken White.\n"
    )
    assert only_targets(found) == []


def test_a_demonym_adjective_of_the_country_s_doing_stays(targets):
    found = targets("“A Russian defeat would hurt Beijing,” Emi Mifune said.\n")
    assert only_targets(found) == ["Russia", "China"]


def test_people_s_lives_are_not_their_country(targets):
    found = targets(
        "“That just puts lives in jeopardy, not just American lives,” John Tiegen said.\n"
    )
    assert only_targets(found) == []


def test_a_country_qualifying_an_office_is_the_holder_s_description(targets):
    found = targets(
        "“A discussion with the Mexican president was necessary,” said Peter Fonseca.\n"
    )
    assert only_targets(found) == []
    found = targets(
        "“The president of Mexico put money into the foundation,” said David Groner.\n"
    )
    assert only_targets(found) == []


def test_a_plural_title_is_no_description_of_the_government(targets):
    found = targets(
        "“I have seen prime ministers and party leaders come and go,” Charles Kennedy said.\n"
    )
    assert "UK Government" not in only_targets(found)


def test_a_capital_as_metonym(targets):
    found = targets("“Brussels has to listen to us now,” the minister, Anna Berg, said.\n")
    assert "European Union" in only_targets(found)


def test_a_person_the_gazetteer_does_not_know(targets):
    found = targets("“Peter Quill is not fit to run the council,” Mary Roe told reporters.\n")
    assert only_targets(found) == ["Peter Quill"]


def test_a_short_name_gets_the_article_s_full_name(targets):
    text = (
        "Tony Blair spoke in Sedgefield on Friday.\n"
        "“Mr Blair has broken every promise he made,” said opposition leader Michael Howard.\n"
    )
    assert only_targets(targets(text)) == ["Tony Blair"]


def test_speaker_and_target_share_one_canonical_name(targets):
    text = (
        "Gordon Brown addressed the conference.\n"
        "“We will not raise income tax,” Mr Brown said.\n"
        "“Brown is hiding the real cost,” said Liam Fox.\n"
    )
    found = targets(text)
    assert found[0][0] == "Gordon Brown"
    assert found[1][1] == ["Gordon Brown"] and found[1][0] == "Liam Fox"


def test_a_role_that_the_article_gives_one_person(targets):
    text = (
        "Prime Minister Tony Blair visited the school on Monday.\n"
        "“The prime minister has failed the nurses,” Michael Howard said.\n"
    )
    assert only_targets(targets(text)) == ["Tony Blair"]


def test_a_pronoun_of_the_right_gender(targets):
    text = (
        "Hillary Clinton unveiled her tax plan on Tuesday.\n"
        "“Her plan would raise taxes on every family,” Ted Cruz said.\n"
    )
    assert only_targets(targets(text)) == ["Hillary Clinton"]


def test_a_pronoun_in_reported_speech_of_the_speakers_gender_is_the_speaker(targets):
    text = "Mark Cuban spoke on Monday. Mark Cuban said he would vote in November.\n"
    assert all(found == [] for _, found in targets(text))


def test_a_place_that_is_only_a_location_is_no_target(targets):
    found = targets("“We held the biggest rally in Springfield last night,” Ted Cruz said.\n")
    assert only_targets(found) == []


def test_a_name_used_as_a_modifier_is_no_target(targets):
    found = targets("“Texas Sen. Ted Cruz is wrong about trade,” Marco Rubio said.\n")
    assert only_targets(found) == ["Ted Cruz"]


def test_a_place_before_a_title_is_no_target_however_it_is_parsed(targets):
    found = targets(
        "Billionaire Mark Cuban said Sunday that in a race between Trump and Texas Sen. Ted "
        "Cruz, he would support the former.\n"
    )
    assert only_targets(found) == ["Donald Trump", "Ted Cruz"]


def test_the_person_a_quote_addresses_by_name(targets):
    text = (
        "Tony Blair and Gordon Brown spoke in London on Monday.\n"
        'Mr Brown told Mr Blair: "There is nothing you could ever say to me now that I could '
        'ever believe."\n'
        '"All you do is walk around and make yourself known," she told Mr Blair.\n'
    )
    assert [found for _, found in targets(text)] == [["Tony Blair"], ["Tony Blair"]]


def test_the_person_a_quote_addresses_by_a_pronoun(targets):
    text = (
        "Tony Blair met the press on Monday.\n"
        'Mr Blair recalls how Bill Clinton once advised him: "Always remember that what people '
        'see of you in the news in the evening is how they think you spend your day."\n'
    )
    assert targets(text) == [("Bill Clinton", ["Tony Blair"])]


def test_the_person_a_quote_is_said_of(targets):
    text = (
        "Billionaire Mark Cuban spoke about Donald Trump and Ted Cruz on Sunday.\n"
        "“You’ve got to be able to adapt,” he said of Trump, “whether you’re a politician or "
        "you’re a business person.”\n"
    )
    assert targets(text) == [("Mark Cuban", ["Donald Trump"])]


def test_a_quote_that_addresses_nobody_named_has_no_addressee(targets):
    text = 'Tony Blair met the press.\n"You never know what will happen," Gordon Brown said.\n'
    assert targets(text) == [("Gordon Brown", [])]


def test_people_in_general_are_not_their_country(targets):
    found = targets("“The British people deserve the truth,” Charles Kennedy said.\n")
    assert only_targets(found) == []


def test_a_quote_with_no_entity_gives_no_pair(targets):
    found = targets("“We will keep working until the job is done,” Jane Smith said.\n")
    assert only_targets(found) == []


def test_nobody_is_the_target_of_their_own_quote(targets):
    text = "Tony Blair spoke. “Tony Blair will not resign,” Tony Blair said.\n"
    assert all("Tony Blair" not in found for _, found in targets(text))


# -- Norwegian -------------------------------------------------------------------------------


def test_no_a_party_by_name(targets):
    found = targets("– Arbeiderpartiet har ikke levert noe som helst, sier Erna Solberg.\n", "no")
    assert any("Arbeiderpartiet" in t or "Arbeiderparti" in t for t in only_targets(found))


def test_no_a_country_and_its_genitive(targets):
    found = targets("– Kinas rolle er avgjørende, sier utenriksminister Espen Barth Eide.\n", "no")
    assert only_targets(found) == ["China"]


def test_no_a_country_qualifying_an_office_is_the_holder_s_description(targets):
    found = targets("– Norges statsminister har sviktet oss, sier Sylvi Listhaug.\n", "no")
    assert "Norway" not in only_targets(found)


def test_no_a_person_in_the_genitive(targets):
    text = (
        "Jonas Gahr Støre holdt tale i Oslo mandag.\n"
        "– Støres regjering har sviktet folk flest, sier Sylvi Listhaug.\n"
    )
    assert only_targets(targets(text, "no")) == ["Jonas Gahr Støre"]


def test_no_a_role_in_the_definite_form(targets):
    text = (
        "Statsminister Jonas Gahr Støre var til stede på møtet.\n"
        "– Statsministeren må gå av nå, sier Sylvi Listhaug.\n"
    )
    assert only_targets(targets(text, "no")) == ["Jonas Gahr Støre"]


def test_no_a_pronoun_of_the_right_gender(targets):
    text = (
        "Erna Solberg la fram planen tirsdag.\n"
        "– Hennes plan vil koste dyrt, sier Trygve Slagsvold Vedum.\n"
    )
    assert only_targets(targets(text, "no")) == ["Erna Solberg"]


def test_no_the_person_a_quote_addresses(targets):
    text = (
        "Jonas Gahr Støre og Erna Solberg møttes i Stortinget tirsdag.\n"
        "– Du har sviktet folk flest, sa Solberg til Støre.\n"
    )
    assert targets(text, "no") == [("Erna Solberg", ["Jonas Gahr Støre"])]


def test_no_the_person_a_quote_is_said_of(targets):
    text = (
        "Jonas Gahr Støre og Erna Solberg møttes i Stortinget tirsdag.\n"
        "– Det er skuffende og trist, sa Solberg om Støre.\n"
    )
    assert targets(text, "no") == [("Erna Solberg", ["Jonas Gahr Støre"])]


def test_no_a_capitalised_word_the_article_never_names_is_no_target(targets):
    found = targets("– Regjeringen må komme på banen, sier Sylvi Listhaug.\n", "no")
    assert only_targets(found) == []


def test_the_government_of_the_story_s_country(targets):
    text = (
        "Labour and the Conservatives clashed over schools.\n"
        "“The government has broken its promise on class sizes,” said Tory leader Michael "
        "Howard.\n"
    )
    assert "UK Government" in only_targets(targets(text))


def test_the_speaker_s_own_party_and_side(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "“The Tories have let this country down,” Labour MP Jane Smith said.\n"
        "Liberal Democrat leader Charles Kennedy spoke later.\n"
        "Charles Kennedy said backing his party was not a wasted vote.\n",
        encoding="utf-8",
    )
    analysis = analyse_file(path, "en")
    found = article_targets(analysis)
    (smith, *_), kennedy = analysis.quotes, analysis.quotes[-1]
    # a Labour MP on the Tories: her side and her target are two different parties ("this
    # country" is the United Kingdom)
    assert smith.affiliation == "Labour Party" and [t.name for t in found[0]] == [
        "Conservative Party",
        "United Kingdom",
    ]
    assert kennedy.affiliation == "Liberal Democrats"
    assert [t.name for t in found[-1]] == ["Liberal Democrats"]


def test_no_the_government_of_the_story_s_country(targets):
    text = (
        "Arbeiderpartiet og Høyre er uenige om skatt.\n"
        "– Regjeringen har sviktet distriktene, sier Sylvi Listhaug.\n"
    )
    assert "Norwegian Government" in only_targets(targets(text, "no"))


def test_a_party_adjective_is_the_party(targets):
    found = targets(
        "Steven Taylor said the race sparked record turnout by Republican voters and stronger "
        "than usual turnout by Democratic voters.\n"
    )
    assert {"Republican Party", "Democratic Party"} <= set(only_targets(found))


def test_a_title_s_gender_picks_the_person_of_a_shared_surname(targets):
    found = targets(
        "Hillary Clinton and former President Bill Clinton campaigned in Ohio on Monday.\n\n"
        "Advisers said that Mrs. Clinton was out of sync with the mood of the voters.\n"
    )
    assert "Hillary Clinton" in only_targets(found)
    assert "Bill Clinton" not in only_targets(found)


def test_the_lords_is_the_house_of_lords(targets):
    found = targets(
        "Paul Tyler said the prime minister's view of the future of the Lords was flawed.\n"
    )
    assert "House of Lords" in only_targets(found)


@pytest.mark.parametrize("phrase", ["our country", "this nation"])
def test_our_country_is_the_story_s_country(targets, phrase):
    text = (
        "Labour and the Conservatives clashed over schools.\n"
        f"“This is a very dangerous moment in {phrase},” said Tory leader Michael Howard.\n"
    )
    assert "United Kingdom" in only_targets(targets(text))


def test_landet_vårt_is_the_norwegian_story_s_country(targets):
    text = (
        "Arbeiderpartiet og Høyre møttes på Stortinget.\n"
        "– Dette er et farlig øyeblikk for landet vårt, sier Erna Solberg.\n"
    )
    assert "Norway" in only_targets(targets(text, "no"))


def test_a_past_president_the_news_still_cites(targets):
    found = targets(
        "Phyllis Schlafly wrote that Trump and Reagan both saw the need to rebuild the military.\n"
    )
    assert "Ronald Reagan" in only_targets(found)
