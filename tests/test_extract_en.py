"""English extraction: one test per pattern, on sentence shapes from wire copy."""

import pytest
from conftest import only

from quotestance.extract import extract_file


@pytest.fixture
def extract_cues(tmp_path):
    """``extract_cues(text, cues)``: the English quotes of the given cue classes."""
    counter = iter(range(10_000))

    def run(text: str, cues) -> list:
        path = tmp_path / f"cues{next(counter)}.txt"
        path.write_text(text, encoding="utf-8")
        return extract_file(path, "en", cues=cues)

    return run


# -- direct quotes, every mark style --------------------------------------------------------


def test_curly_quote_then_attribution_with_title(extract):
    q = only(
        extract(
            "“We are concerned about the US’ intention to use Korean peninsula issues as a tool "
            "for containing China,” Special Representative Liu Xiaoming told AFP in Paris.",
            "en",
        )
    )
    assert q.kind == "direct"
    assert q.text.startswith("We are concerned") and q.text.endswith("containing China")
    assert q.speaker == "Liu Xiaoming"
    assert q.speaker_mention == "Special Representative Liu Xiaoming"
    assert q.cue == "told"
    assert q.speaker_type == "person"


def test_straight_quotes_after_colon(extract):
    q = only(
        extract(
            'Senator Elizabeth Warren said: "This bill is a giveaway to the banks and we will '
            'fight it."',
            "en",
        )
    )
    assert q.kind == "direct"
    assert q.text == "This bill is a giveaway to the banks and we will fight it."
    assert q.speaker == "Elizabeth Warren"


def test_british_single_quotes(extract):
    q = only(
        extract(
            "‘We will not be rushed into a bad deal,’ Prime Minister Theresa May told "
            "reporters in Brussels.",
            "en",
        )
    )
    assert q.text == "We will not be rushed into a bad deal"
    assert q.speaker == "Theresa May"


def test_low_and_guillemet_marks(extract):
    qs = extract(
        "„Our patience is not endless,“ Chancellor Olaf Scholz said in Berlin.\n"
        "«The sanctions will stay in place until the war ends,» Josep Borrell told "
        "journalists.",
        "en",
    )
    assert [q.speaker for q in qs] == ["Olaf Scholz", "Josep Borrell"]
    assert all(q.kind == "direct" for q in qs)


def test_inverted_attribution_resolves_short_name_and_affiliation(extract):
    qs = extract(
        "Special Representative Liu Xiaoming spoke in Paris on Friday.\n"
        "“People focus on the launches and nuclear tests of the DPRK, but they ignore the "
        "reason why they are doing this is a lack of a mechanism, a security structure” to "
        "guarantee peace on the peninsula, said Chinese envoy Liu.",
        "en",
    )
    q = only(qs)
    assert q.speaker == "Liu Xiaoming"
    assert q.speaker_mention == "Chinese envoy Liu"
    assert q.affiliation == "China" and q.affiliation_qid == "Q148"
    assert q.text.endswith("a security structure")


def test_pronoun_resolves_to_last_named_speaker(extract):
    qs = extract(
        "“We are concerned about the US’ intention,” Special Representative Liu Xiaoming "
        "told AFP.\n"
        "“It’s part of their Indo-Pacific strategy... to gang up allies,” he added.",
        "en",
    )
    assert [q.speaker for q in qs] == ["Liu Xiaoming", "Liu Xiaoming"]
    assert qs[1].speaker_mention == "he" and qs[1].cue == "added"


def test_quote_split_by_attribution_is_one_quote(extract):
    q = only(
        extract(
            "“The message sent to the DPRK is still pressure,” Mr Liu said, “so that made "
            "dialogue impossible.”",
            "en",
        )
    )
    assert len(q.segments) == 2
    assert (
        q.text
        == "The message sent to the DPRK is still pressure so that made dialogue impossible."
    )


def test_quote_running_over_two_paragraphs(extract):
    first, second = extract(
        "“We have made it very clear that this is unacceptable,” said Jens Stoltenberg, "
        "the NATO secretary general. “The alliance will respond.\n"
        "“Nobody should doubt our resolve,” he said.",
        "en",
    )
    assert first.speaker == second.speaker == "Jens Stoltenberg"
    assert len(second.segments) == 2  # one quote across the paragraph break
    assert second.text == "The alliance will respond. Nobody should doubt our resolve"


def test_multi_paragraph_quote_without_closing_mark(extract):
    qs = extract(
        "Mayor Eric Adams described the plan at City Hall. He said:\n"
        "“We are going to put more officers on the subway at night.\n"
        "“And we are going to make sure every station is staffed.”",
        "en",
    )
    q = only(qs)
    assert len(q.segments) == 2
    assert q.text.endswith("every station is staffed.")
    assert q.speaker == "Eric Adams"


# -- reported speech ------------------------------------------------------------------------


def test_said_that(extract):
    q = only(
        extract(
            "Kurt Campbell, the US Deputy Secretary of State, highlighted that China is "
            "particularly concerned about the growing engagement between Moscow and Pyongyang.",
            "en",
        )
    )
    assert q.kind == "indirect"
    assert q.speaker == "Kurt Campbell"
    assert q.speaker_mention == "Kurt Campbell"  # the apposition is not the name
    assert q.affiliation == "United States"
    assert q.text.startswith("China is particularly concerned")


def test_said_without_that(extract):
    q = only(
        extract(
            "China ally Pyongyang said on Friday it had successfully tested a solid-fuel "
            "ballistic missile.",
            "en",
        )
    )
    assert q.speaker == "North Korea" and q.speaker_type == "country" and q.collective
    assert q.speaker_qid == "Q423"
    assert "successfully tested" in q.text


def test_told_agency(extract):
    q = only(
        extract(
            "Foreign Minister Sergei Lavrov told Reuters the talks had failed because of Western "
            "pressure.",
            "en",
        )
    )
    assert q.speaker == "Sergei Lavrov" and q.cue == "told"
    assert q.text.startswith("the talks had failed")


def test_accused_of(extract):
    q = only(
        extract(
            "Dennis Wilder, a former CIA official, criticized Beijing for failing to address the "
            "growing military alliance between Russia and North Korea.",
            "en",
        )
    )
    assert q.speaker == "Dennis Wilder"
    assert q.affiliation == "United States"  # CIA belongs to the United States
    assert q.text.startswith("Beijing for failing")


def test_complained_that(extract):
    q = only(
        extract(
            "Mr Liu complained that North Korean gestures during the Trump administration had "
            "not been met with such action from Washington.",
            "en",
        )
    )
    assert q.speaker == "Liu" and q.cue == "complained"
    assert q.text.startswith("North Korean gestures")


def test_according_to(extract):
    q = only(
        extract(
            "According to Paparo, North Korea is supplying Russia with artillery and missile "
            "systems in exchange for advanced technology.",
            "en",
        )
    )
    assert q.speaker == "Paparo" and q.cue == "according to"
    assert q.text.startswith("North Korea is supplying")


def test_parenthetical_argued(extract):
    q = only(
        extract(
            "Professor Emi Mifune from Komazawa University spoke on Monday.\n"
            "A Russian defeat, Mifune argued, could have negative implications for China’s "
            "ambitions in Taiwan.",
            "en",
        )
    )
    assert q.speaker == "Emi Mifune"
    assert q.text.startswith("A Russian defeat") and "Mifune argued" not in q.text


def test_urged_to(extract):
    q = only(
        extract(
            "Secretary of State Antony Blinken urged China to use its influence to pull North "
            "Korea back from dangerous behaviour.",
            "en",
        )
    )
    assert q.speaker == "Antony Blinken" and q.cue == "urged"
    assert q.text.startswith("China to use its influence")


def test_participle_inherits_subject(extract):
    q = only(
        extract(
            "China pushes for a “dual-track” approach to ending Pyongyang’s nuclear drive, saying "
            "world powers should offer relief from UN Security Council sanctions.",
            "en",
        )
    )
    assert q.speaker == "China" and q.cue == "saying"
    assert "dual-track" not in q.text  # a scare quote outside the reported clause


def test_mixed_quote(extract):
    q = only(
        extract(
            "In September 2022, North Korean leader Kim Jong Un said the North’s status as a "
            "nuclear power was now “irreversible”.",
            "en",
        )
    )
    assert q.kind == "mixed"
    assert q.fragments == ["irreversible"]
    assert q.speaker == "Kim Jong Un" and q.affiliation == "North Korea"


def test_mixed_quote_with_describing(extract):
    q = only(
        extract(
            "Admiral Samuel Paparo, the commander of US Indo-Pacific Command, commented on the "
            "evolving dynamic, describing it as a “transactional symbiosis” between Russia and "
            "North Korea.",
            "en",
        )
    )
    assert q.kind == "mixed" and q.fragments == ["transactional symbiosis"]
    assert q.speaker == "Samuel Paparo" and q.affiliation == "United States"


def test_description_speaker_is_linked_to_the_named_envoy(extract):
    qs = extract(
        "China’s ambassador for the Korean peninsula on Friday accused the US of “using” "
        "regional tensions to reinforce an anti-Beijing alliance.\n"
        "“We are concerned,” said Chinese envoy Liu Xiaoming, “about the US’ intention.”",
        "en",
    )
    assert [q.speaker for q in qs] == ["Liu Xiaoming", "Liu Xiaoming"]
    assert qs[0].speaker_mention == "China’s ambassador"
    assert qs[0].kind == "mixed"


# -- what is not a quote --------------------------------------------------------------------


def test_scare_quotes_and_titles_are_not_quotes(extract):
    assert (
        extract(
            "For their part, the US and Seoul point to Mr Kim’s order to his army earlier this "
            "year to step up preparations for “real war” as justification for their own drills.\n"
            "The film “Gone with the Wind” was shown again on Sunday.",
            "en",
        )
        == []
    )


def test_no_cue_no_quote(extract):
    assert (
        extract(
            "Tensions have been rising over recent weeks across the Korean peninsula, with the "
            "North carrying out a string of missile tests.",
            "en",
        )
        == []
    )


def test_negated_speech_verb_is_not_a_quote(extract):
    assert (
        extract(
            "While China has not directly criticized Russia for its growing partnership with "
            "North Korea, the silence has raised questions.",
            "en",
        )
        == []
    )


def test_collective_speakers_are_kept_and_marked(extract):
    q = only(
        extract(
            "The foreign ministry said in a statement that the drills were a provocation "
            "against the region.",
            "en",
        )
    )
    assert q.collective and q.speaker == "The foreign ministry"
    assert q.speaker_type == "unknown"


def test_affiliation_from_a_place_in_the_apposition(extract):
    q = only(
        extract(
            "Professor Hideya Kurata, a defense expert in Japan, added that China’s position on "
            "the issue is not one of explicit approval but rather discomfort.",
            "en",
        )
    )
    assert q.speaker == "Hideya Kurata" and q.affiliation == "Japan"


def test_relative_pronoun_speaker_resolves_to_its_noun(extract):
    q = only(
        extract(
            "Mr. Trump, who said last week that the judge was biased against him, issued a "
            "statement on Tuesday.",
            "en",
        )
    )
    assert q.speaker_mention == "who" and q.speaker == "Donald Trump"  # via the entity table
    assert q.speaker_qid == "Q22686"
    assert q.text == "the judge was biased against him"


def test_that_said_is_not_an_attribution(extract):
    assert (
        extract(
            "That said, the audience of the network tends to be older than that of its rivals.",
            "en",
        )
        == []
    )


def test_doubled_apostrophes_as_quote_marks(extract):
    q = only(
        extract(
            "''It's embarrassing,'' Mr. Rubel said. ''The stock didn't do well, and he got "
            "dinged.''",
            "en",
        )
    )
    assert q.speaker == "Rubel" and len(q.segments) == 2
    assert q.text == "It's embarrassing The stock didn't do well, and he got dinged."


def test_name_and_colon_opens_a_quote(extract):
    qs = extract(
        "Graham: Trump’s Rhetoric Is Destroying the Party’s Chance to Win.\n"
        "Update: The story was changed on Monday to add details from the speech.",
        "en",
    )
    q = only(qs)
    assert q.speaker == "Graham" and q.cue == ":"
    assert q.text.startswith("Trump’s Rhetoric")


def test_first_person_outside_quotes_is_not_resolved(extract):
    q = only(
        extract(
            "Senator Mark Kirk spoke first.\nAfter much consideration, I have concluded that "
            "the nominee lacks the temperament for the office.",
            "en",
        )
    )
    assert q.speaker_mention == "I" and q.speaker is None


# -- cue classes: what kind of attribution a quote is -----------------------------------------

EVERY_CLASS = ("speech", "written", "thought", "plan", "source", "question")


def test_every_record_has_a_cue_class(extract_cues):
    qs = extract_cues(
        "Mr Brown said the budget would help working families.\n"
        "Mrs Beckett wrote that the plan had been rushed through the Commons.\n"
        "Mr Kennedy believes the government has lost the trust of the voters on Iraq.\n"
        "Mr Howard promised to cut taxes for working families before the election.\n"
        "A study found that one in four children lives in poverty in the north.\n"
        "Mr Smith asked whether the minister would resign over the affair.\n"
        "A statement from the ministry said the talks would resume next week.",
        EVERY_CLASS,
    )
    assert [(q.cue, q.cue_class) for q in qs] == [
        ("said", "speech"),
        ("wrote", "written"),
        ("believes", "thought"),
        ("promised", "plan"),
        ("found", "source"),
        ("asked", "question"),
        ("said", "written"),  # a statement speaks: written
    ]


def test_default_cues_leave_out_plans_and_questions(extract):
    qs = extract(
        "Mr Brown said the budget would help working families.\n"
        "Mr Howard promised to cut taxes for working families before the election.\n"
        "Mr Smith asked whether the minister would resign over the affair.",
        "en",
    )
    assert [q.cue_class for q in qs] == ["speech"]


def test_speech_only(extract_cues):
    qs = extract_cues(
        "Mr Brown said the budget would help working families.\n"
        "Mr Kennedy believes the government has lost the trust of the voters on Iraq.",
        ["speech"],
    )
    assert [q.cue for q in qs] == ["said"]


def test_an_unknown_cue_class_is_an_error(extract_cues):
    with pytest.raises(ValueError, match="unknown cue class 'spoken'"):
        extract_cues("Mr Brown said the budget would help working families.", ["spoken"])


def test_according_to_a_person_is_speech_and_to_a_report_a_source(extract):
    qs = extract(
        "According to Mr Brown, the budget will help working families this year.\n"
        "According to the report, more than half of the courses were full in May.",
        "en",
    )
    assert [q.cue_class for q in qs] == ["speech", "source"]


# -- speech-like verbs that report no speech --------------------------------------------------


def test_a_scene_shown_is_not_a_quote(extract):
    assert extract("The film shows Mr Howard laughing with supporters at a rally in Kent.") == []


def test_an_infinitive_under_prefer_is_not_the_subjects_belief(extract):
    assert (
        extract("Mr Howard would prefer voters to believe that the economy is in trouble.") == []
    )


def test_an_object_under_prefer_to_admit_is_not_a_quote(extract):
    assert (
        extract(
            "Many in France would prefer Turkey to admit that the killings of Armenians "
            "were genocide."
        )
        == []
    )


def test_declined_to_comment_is_not_a_quote(extract_cues):
    assert (
        extract_cues(
            "A spokesman for the company declined to comment on the allegations made in the "
            "report.",
            EVERY_CLASS,
        )
        == []
    )


def test_disclosed_a_claim_is_not_a_quote(extract):
    assert (
        extract("The newspaper disclosed a claim that ministers had ignored the warnings.") == []
    )


def test_a_question_put_to_the_speaker_is_not_their_quote(extract_cues):
    qs = extract_cues(
        "Asked why he thought the warnings were not there, Mr Blair said the intelligence "
        "had been wrong.",
        EVERY_CLASS,
    )
    assert [(q.cue_class, q.speaker) for q in qs] == [("question", None), ("speech", "Tony Blair")]
    assert qs[1].text == "the intelligence had been wrong"


def test_a_question_keeps_its_named_asker(extract_cues):
    qs = extract_cues(
        "Asked by the BBC's John Humphrys whether he would resign, Mr Blair said he would not "
        "step down before the election.",
        EVERY_CLASS,
    )
    assert [(q.cue_class, q.speaker) for q in qs] == [
        ("question", "John Humphrys"),
        ("speech", "Tony Blair"),
    ]


def test_a_reporters_question_is_left_out_by_default(extract):
    q = only(
        extract(
            "Asked why he thought the warnings were not there, Mr Blair said the "
            "intelligence had been wrong."
        )
    )
    assert q.speaker == "Tony Blair" and q.text == "the intelligence had been wrong"


# -- speakers: gender, nearest subject, titles, paragraphs ------------------------------------


def test_she_is_the_woman_named_before_not_the_last_man(extract):
    q = only(
        extract(
            "Mr Kennedy met Mr Brown on Monday. Mrs Beckett joined them later.\n"
            "“We are united on this,” she said."
        )
    )
    assert q.speaker == "Beckett"


def test_she_is_never_a_mr(extract):
    q = only(
        extract(
            "Mrs Thatcher met Mr Fox at the conference. She said the party had to win back "
            "the trust of voters."
        )
    )
    assert q.speaker == "Margaret Thatcher"


def test_he_is_the_nearest_subject_of_his_gender(extract):
    q = only(
        extract(
            "Gordon Brown opened the debate. Mr Blair, who arrived late, spoke to reporters.\n"
            "“This is a good budget for the country,” he said."
        )
    )
    assert q.speaker == "Tony Blair"


def test_he_stays_with_the_speaker_when_a_woman_is_named_between(extract):
    qs = extract(
        "“We will cut taxes,” Michael Howard said. Theresa May, the party chairman, spoke "
        "next.\n“Nobody believes the prime minister any more,” he said."
    )
    assert [q.speaker for q in qs] == ["Michael Howard", "Michael Howard"]


def test_first_names_say_the_gender(extract):
    qs = extract(
        "Sharron Storer met Tony Blair outside the hospital.\n"
        "“You don't do anything to help anybody,” she told him."
    )
    assert only(qs).speaker == "Sharron Storer"


def test_hyphenated_and_multi_word_titles(extract):
    qs = extract(
        "Tory co-chairman Liam Fox said the government had failed on crime and immigration.\n"
        "US vice-president Dick Cheney said the troops would stay in Iraq as long as needed.\n"
        "Deputy prime minister John Prescott said the plans would go ahead next year."
    )
    assert [q.speaker for q in qs] == ["Liam Fox", "Dick Cheney", "John Prescott"]


def test_a_surname_that_is_a_demonym_is_the_person(extract):
    qs = extract(
        "Billionaire Mark Cuban said on Sunday that Trump was unfit for office.\n"
        "Cuban said he would back Cruz in a race between the two."
    )
    assert [q.speaker for q in qs] == ["Mark Cuban", "Mark Cuban"]


def test_a_surname_that_is_a_rank_after_mr(extract):
    q = only(
        extract(
            "John Major campaigned in 1992 on a soapbox.\n"
            "Mr Major says: “He wanted to look like a prime minister.”"
        )
    )
    assert q.speaker == "John Major"


def test_a_nickname_in_quote_marks_is_not_part_of_the_name(extract):
    q = only(
        extract(
            "Former CIA operative John “Tig” Tiegen said the decision had put lives in danger."
        )
    )
    assert q.speaker == "John Tiegen"


def test_the_speaker_of_the_paragraph_before_carries_into_a_quote_paragraph(extract):
    qs = extract(
        "Baroness Jay said the reforms were long overdue.\n"
        "“I wasn't at Cambridge, and I never claimed to be.”"
    )
    assert [q.speaker for q in qs] == ["Baroness Jay", "Baroness Jay"]


def test_no_carry_when_someone_else_is_named_in_between(extract):
    qs = extract(
        "Baroness Jay said the reforms were long overdue. They were opposed by Michael Howard.\n"
        "“I wasn't at Cambridge, and I never claimed to be.”"
    )
    assert [q.speaker for q in qs] == ["Baroness Jay", None]


def test_a_thing_that_indicates_is_the_writers_inference(extract):
    assert (
        extract(
            "Clinton's aggressive attack on Trump indicates she is pivoting to a general "
            "election campaign."
        )
        == []
    )


def test_a_poll_that_shows_is_a_source(extract):
    q = only(extract("The Reuters/Ipsos poll showed Clinton doing better than in other polls."))
    assert q.cue_class == "source" and q.cue == "showed"


def test_a_participle_after_a_with_clause_takes_its_subject(extract):
    q = only(
        extract(
            "The trouble began on the show, with Maria Hutchings marching up to him, saying "
            "“Tony, that's rubbish” as she tried to complain about the school."
        )
    )
    assert q.speaker == "Maria Hutchings"


def test_a_participle_after_the_subject_is_part_of_it(extract):
    q = only(extract("Trump was best able to handle the issue, those surveyed said."))
    assert q.speaker_mention == "those surveyed"


def test_lemmas_come_on_demand_and_equal_the_lemmatizer_s():
    import spacy

    from quotestance.extract.english import SPACY_MODEL, lemma_of, load_nlp

    nlp = load_nlp()
    assert "lemmatizer" not in nlp.pipe_names  # disabled: only asked-for tokens are lemmatised
    text = (
        "Mr Howard told reporters the Tories were promising lower taxes, but Labour's "
        "spokesmen said they'd been criticising the plans, which Brussels has rejected."
    )
    full = spacy.load(SPACY_MODEL)(text)
    assert [lemma_of(t) for t in nlp(text)] == [t.lemma_.lower() for t in full]
    assert {"tell", "promise", "say", "criticise", "have", "reject", "be"} <= {
        lemma_of(t) for t in nlp(text)
    }


def test_a_role_noun_is_the_person_named_before(extract):
    qs = extract(
        "Mark Cuban spoke at a conference in Dallas on Monday.\n"
        '"If you are in the Senate and another senator threatens you, you speak up," the '
        "investor said.\n"
        '"We need better answers," the official said.'
    )
    assert [q.speaker for q in qs] == ["Mark Cuban", "the official"]


def test_a_military_title_is_no_part_of_the_name(extract):
    q = only(
        extract(
            "Former Marine John Tiegen said the security warnings had been ignored for months."
        )
    )
    assert q.speaker == "John Tiegen"


def test_a_role_noun_is_the_last_subject_not_the_last_name(extract):
    qs = extract(
        "Billionaire Mark Cuban said he would back Hillary Clinton. As evidence, Cuban seemed to "
        "rely on an attack against Cruz by Republican South Carolina Sen. Lindsey Graham.\n"
        "“If you’re in the Senate and another senator says you could get shot,” the investor "
        "said, “that’s even worse.”"
    )
    assert [q.speaker for q in qs] == ["Mark Cuban", "Mark Cuban"]


def test_said_before_the_name_and_a_colon(extract):
    qs = extract(
        "Experts say her plans would make the tax code more complicated. Said Ellis: “I don’t "
        "get the sense she’s the least bit interested in tax reform.”"
    )
    assert [q.speaker for q in qs] == ["Experts", "Ellis"]


def test_a_name_signed_after_a_quote_with_a_long_dash(extract):
    qs = extract(
        "“The most unqualified child to ever run for president.” ― Francisco Herrero\n"
        "“Mr. Trump is clueless about the struggles of minorities.”\xa0―\xa0Stephanie Egan\xa0\n"
        "“It’s an act of desperation on both sides of the border.” — @hotflesh"
    )
    assert [q.speaker for q in qs] == ["Francisco Herrero", "Stephanie Egan", "@hotflesh"]
    assert [q.text[:6] for q in qs] == ["The mo", "Mr. Tr", "It’s a"]


def test_a_quote_sentence_after_reported_speech_continues_its_speaker(extract):
    qs = extract(
        "Rep. Adam Schiff of California urged the administration to name Russia.\n"
        "The administration may be reluctant to act while John Kerry negotiates with Russia, "
        'Schiff said. "The other factor the administration may be considering is the '
        'appearance that they were trying to tip the scales."'
    )
    assert [q.speaker for q in qs] == ["Adam Schiff", "Adam Schiff", "Adam Schiff"]


def test_no_such_continuation_across_a_sentence_of_its_own(extract):
    qs = extract(
        "Four hours later, Sir Edward Heath said he would call the Liberal leader back. The "
        "minutes of the meeting show how the chance of a coalition evaporated. "
        '"The PM said he was bound to tell Mr Thorpe that his colleagues would not serve."'
    )
    assert [q.speaker for q in qs] == ["Edward Heath", None]


def test_the_nearest_speech_verb_before_a_colon_gives_the_speaker(extract):
    q = only(
        extract(
            "Mr Blair recalls how Bill Clinton once advised him: “Always remember that what "
            "people see of you in the news in the evening is how they think you spend your day.”"
        )
    )  # and "how Bill Clinton once advised him" is no quote of Mr Blair's
    assert q.speaker == "Bill Clinton" and q.cue == "advised"


def test_advising_someone_on_something_is_not_a_quote(extract):
    assert (
        extract(
            "Former Downing Street media chief Alastair Campbell is also returning to advise "
            "Labour on media strategy and campaigning."
        )
        == []
    )


def test_wondered_is_a_thought_with_its_speaker(extract):
    qs = extract(
        "Former Army Ranger John Tiegen said Hillary Clinton had lied about Benghazi.\n"
        "“Who wants to work with us, if you have somebody like that in charge?” he wondered."
    )
    assert [(q.speaker, q.cue_class) for q in qs] == [
        ("John Tiegen", "speech"),
        ("John Tiegen", "thought"),
    ]


def test_the_government_of_a_british_story_is_the_uk_government(extract):
    qs = extract(
        "Tony Blair and Gordon Brown met Labour MPs at Westminster on Monday.\n"
        "The government said it would publish the advice on the legality of the war."
    )
    assert [(q.speaker, q.speaker_type, q.speaker_qid) for q in qs] == [
        ("UK Government", "organisation", None)
    ]


LETTERS = (
    "Readers react to the meeting\n\n"
    "FACEBOOK.\n\n"
    "Republican presidential candidate Donald Trump met with Mexican President Enrique Peña "
    "Nieto on Wednesday.\n\n"
    "First Trump goes to Louisiana to meet the victims, now he meets with the president of "
    "Mexico.\n\n"
    "So golf and fundraising aren't what make an effective president? Huh.\n\n"
    "David Groner.\n\n"
    "Looks like someone told Trump that without the Latino vote he is dead in the water.\n\n"
    "Sy Burr.\n\n"
    'No wonder Trump said, and I quote, "We love the poorly educated." He is treating his '
    "supporters as ignorants.\n\n"
    "Noemi Acevedo Garcia.\n\n"
    "TWITTER.\n\n"
    "We asked our followers their thoughts on the meeting.\n\n"
    "Give her a break. Melania was born in a poor communist country.\n\n"
    "@Fred_945.\n"
)


def test_readers_letters_are_signed_by_the_name_after_them(extract):
    qs = [q for q in extract(LETTERS) if q.cue_class == "written"]
    assert [(q.speaker, q.cue_class, q.text[:12]) for q in qs] == [
        ("David Groner", "written", "So golf and "),
        ("Sy Burr", "written", "Looks like s"),
        ("Noemi Acevedo Garcia", "written", "No wonder Tr"),
        ("@Fred_945", "written", "Give her a b"),
    ]


def test_one_name_alone_in_a_paragraph_signs_nothing(extract):
    assert (
        extract("The meeting ended without a deal on Wednesday evening.\n\nDavid Groner.\n") == []
    )


def test_a_slash_inside_a_name_stays(extract):
    q = only(
        extract(
            "Trump leads the field in New Hampshire with just 22%, according to a Suffolk "
            "University/Boston Globe Poll released Sunday."
        )
    )
    assert q.speaker == "Suffolk University/Boston Globe Poll"


def test_the_name_after_by_before_a_colon_is_the_speaker(extract):
    qs = extract(
        'On immigration, London teacher Diane Granger said: "Where are you going to put '
        'everyone?" And can you imagine even Jeremy Paxman putting the question posed by '
        'Brighton nurse Marion Brown: "Would you wipe somebody\'s backside for £5?"'
    )
    assert [q.speaker for q in qs] == ["Diane Granger", "Marion Brown"]


def test_a_headline_that_reports_what_someone_said(extract):
    qs = extract(
        "Kennedy questions trust of Blair\n\n"
        "Liberal Democrat leader Charles Kennedy said on Monday that the campaign had begun."
    )
    assert (qs[0].speaker, qs[0].text) == ("Charles Kennedy", "trust of Blair")
    q = extract(
        "Obama Claims Hillary Most Qualified Presidential Candidate Ever\n\n"
        "President Barack Obama said Hillary Clinton was the most qualified candidate ever."
    )[0]
    assert (q.speaker, q.text) == (
        "Barack Obama",
        "Hillary Most Qualified Presidential Candidate Ever",
    )


@pytest.mark.parametrize(
    "headline",
    [
        "Labour accused of 'EU propaganda'",  # a participle: Labour is accused
        "BAA support ahead of court battle",  # a noun
        "Clinton Plan for Taxes Is Expansive but Complex",  # title case, a noun
        "Retired General Reveals Demoralizing Experience",  # nobody the article names
    ],
)
def test_a_headline_that_reports_nothing(extract, headline):
    qs = extract(
        f"{headline}\n\nHillary Clinton and Labour met the airport operator BAA in London on "
        "Monday to discuss the plans."
    )
    assert qs == []


def test_a_noun_before_the_marks_is_no_speech_verb(extract):
    q = only(
        extract(
            'According to the report, "more than half" the qualifications achieved were by '
            "learners aged 16 to 18."
        )
    )
    assert (q.kind, q.speaker, q.cue_class) == ("mixed", "the report", "source")
    assert q.fragments == ["more than half"]


def test_a_peer_is_named_with_the_title(extract):
    qs = extract(
        "Goldsmith denies war advice claim\n\n"
        "Lord Goldsmith said Lord Falconer and Baroness Morgan played no part in drafting the "
        "answer. He added the answer represented his view that the war was legal.\n"
        "Goldsmith added that he had changed his view after a meeting in Washington."
    )
    assert [q.speaker for q in qs] == ["Lord Goldsmith"] * 4


def test_a_name_in_the_possessive_registers_the_full_name(extract):
    qs = extract(
        "The judges said Charles Clarke's planned control orders breached human rights.\n"
        "Mr Clarke said he would publish the plans on Wednesday."
    )
    assert [q.speaker for q in qs] == ["The judges", "Charles Clarke"]


def test_a_not_inside_the_quote_does_not_negate_the_cue(extract):
    q = only(extract('"Are we where we need to be? Probably not," Ms. Moore said.'))
    assert q.speaker == "Moore" and q.cue == "said"


def test_the_attribution_after_a_quote_that_ends_a_sentence_with_a_question(extract):
    q = only(extract("“How many times do we have to see this in our country?” Clinton said."))
    assert q.speaker == "Clinton"


def test_a_whole_sentence_after_a_question_is_not_its_attribution(extract):
    qs = extract(
        "Tory spokesman Julian Lewis said the posters were part of a wider trend.\n"
        '"Given the outrage that smear caused then, how could you have thought anything '
        'else?" Mr Milburn replied that they were not anti-Semitic.'
    )
    assert [q.speaker for q in qs] == ["Julian Lewis", "Julian Lewis", "Milburn"]


def test_what_brackets_add_is_no_part_of_the_speaker(extract):
    q = only(
        extract("Oversight Chairman Jason Chaffetz (R-Utah) said the FBI had questions to answer.")
    )
    assert q.speaker == "Jason Chaffetz"


def test_a_name_after_a_title_is_a_surname(extract):
    qs = extract(
        "Sacked MP Howard Flight said he would not stand down.\n"
        "At a news conference, Mr Howard insisted he had played by the party's rules.\n"
        "Four hours later, Sir Edward Heath met the Liberal leader. Sir Edward said "
        "the talks had failed."
    )
    assert [q.speaker for q in qs] == ["Howard Flight", "Howard", "Edward Heath"]


def test_they_after_two_people_who_act_together_is_both(extract):
    q = only(
        extract(
            "Michael Howard and frontbencher John Redwood on Thursday launched new plans to "
            "abolish hundreds of quangos. They say government is spending too much."
        )
    )
    assert q.speaker == "Michael Howard and John Redwood" and q.collective


def test_they_is_not_the_places_a_sentence_names_as_its_object(extract):
    q = extract(
        "The Liberal Democrats want a local income tax of the kind seen in the USA, Norway and "
        "Switzerland. They say the council tax is the most unfair tax in Britain."
    )[-1]
    assert q.speaker != "United States, Norway and Switzerland"


def test_a_quote_a_dash_or_colon_hangs_on_a_named_subject(extract):
    qs = extract(
        "Donald Trump spoke in Iowa on Monday.\n\n"
        'Trump also embraced enhanced interrogation techniques -- "I think waterboarding is '
        "peanuts compared to what they'd do to us.\"\n\n"
        "President Obama is rolling out a new and more personal campaign message: \"It's about "
        'me and my legacy."'
    )
    assert [q.speaker for q in qs] == ["Donald Trump", "Barack Obama"]


def test_a_colon_after_a_sentence_about_a_thing_gives_no_speaker(extract):
    qs = extract('The rule at the door is simple: "Nobody gets in without a ticket, ever."')
    assert [q.speaker for q in qs] == [None]


def test_a_participle_the_parse_hangs_on_the_quote_takes_the_speaker_before(extract):
    qs = extract(
        '"The American people do not agree with Trump," Sanders said, suggesting a few '
        'questions, including, "Mr. Trump, do you really think that billionaires need a '
        'massive tax break?"'
    )
    assert [q.speaker for q in qs] == ["Bernie Sanders", "Bernie Sanders"]


def test_a_subject_inside_the_quote_is_not_the_speaker(extract):
    q = only(
        extract(
            "\"If it doesn't have the capability to threaten its neighbors with nuclear weapons "
            'yet, it will at some point, probably sooner rather than later," said James Acton, '
            "a physicist who is co-director of the Nuclear Policy Program."
        )
    )
    assert q.speaker == "James Acton"


def test_a_quote_without_speech_verb_is_not_its_own_words(extract):
    qs = extract(
        "Mr. Trump hardly clarified the matter, treating Mrs. Clinton's remark first as a "
        "compliment -- ''That makes me smart'' -- and, when questioned after the debate, "
        "asserting, ''Of course, I pay federal taxes.''"
    )
    assert [q.speaker for q in qs] == ["Donald Trump", "Donald Trump"]


def test_the_place_of_a_dateline_is_not_the_speaker(extract):
    q = only(
        extract(
            "WASHINGTON -- President Obama, dedicating the National Museum of African American "
            "History and Culture on Saturday, said it would tell an American story."
        )
    )
    assert q.speaker == "Barack Obama" and q.speaker_mention == "President Obama"


def test_a_longer_attribution_after_a_question_quote_is_its_own(extract):
    qs = extract(
        "“That’s right, Donald — USA, baby,” Melanie said to the Republican nominee.\n\n"
        "“Who would have believed that when we started this journey we would have received "
        "almost 14 million votes?” Trump said, looking out on the cheering crowd."
    )
    assert [q.speaker for q in qs] == ["Melanie", "Donald Trump"]


def test_a_no_break_space_does_not_change_the_parse(extract):
    q = only(
        extract(
            "On July 6, 2015,\xa0Sanders made the following comment:\n\n"
            "“For young people who have graduated high school, the unemployment rate is 33 "
            "percent.”"
        )
    )
    assert q.speaker == "Bernie Sanders"


def test_a_transcript_in_quote_marks(extract):
    qs = extract(
        "Partial transcript as follows:\n\n"
        '"WALLACE: Let’s start with breaking news on the debate story. Why would Trump do '
        "that?\n\n"
        '"PENCE: Well, look, Hillary Clinton apparently thinks this is an episode of a game '
        "show. But this is America, Chris."
    )
    assert [(q.speaker_mention, q.text[:9]) for q in qs] == [
        ("WALLACE", "Let’s sta"),
        ("PENCE", "Well, loo"),
    ]


def test_section_labels_before_a_colon_are_no_speakers(extract):
    qs = extract(
        "The Latest: Trump’s leaked taxes not from Connecticut.\n\n"
        "CLARIFICATION: The first sentence has been clarified to reflect the full statement of "
        "the campaign."
    )
    assert all(q.speaker not in ("The Latest", "CLARIFICATION") for q in qs)


def test_a_curly_quote_closed_by_a_straight_mark(extract):
    qs = extract(
        '“Immunity deals should not be a requirement for cooperating with the FBI," Oversight '
        "Chairman Jason Chaffetz said in a statement, adding that the agreements were handed "
        'out "like candy."'
    )
    assert qs[0].text == "Immunity deals should not be a requirement for cooperating with the FBI"
    assert {q.speaker for q in qs} == {"Jason Chaffetz"}


def test_a_straight_quote_closed_by_a_curly_mark(extract):
    q = extract(
        '"Oz has a huge bully pulpit, with the entire Oprah empire behind him,” said David '
        "Gorski, an associate professor of surgery."
    )[0]
    assert q.text == "Oz has a huge bully pulpit, with the entire Oprah empire behind him"
    assert q.speaker == "David Gorski"


def test_a_pair_of_the_other_typing_inside_a_quote_is_nested(extract):
    q = only(
        extract(
            '“The commission called it "total political crap" and moved on to the next '
            "item,” Ms. Moore said."
        )
    )
    assert q.text.endswith("moved on to the next item") and q.speaker == "Moore"


def test_a_quote_over_paragraphs_is_not_closed_by_the_other_typing(extract):
    qs = extract(
        '"WALLACE: Let’s start with breaking news on the debate story. Why would he do that?\n\n'
        '"PENCE: Well, as “The Wall Street Journal” wrote, this is serious business. The '
        "American people know it.\n\n"
        '"WALLACE: Governor, I want to try to get to the next question."'
    )
    assert [q.speaker_mention for q in qs] == ["WALLACE", "PENCE", "WALLACE"]


def test_the_description_after_the_speaker_is_no_other_name(extract):
    qs = extract(
        "But over all, Mrs. Clinton has shied away from a sweeping tax overhaul. ''It's more "
        "tinkering at the edges,'' said Alan Cole, an economist at the Tax Foundation's policy "
        "center. ''I wouldn't call it reform. It's basically just a tax increase'' for the top "
        "income bracket."
    )
    assert [q.speaker for q in qs] == ["Alan Cole", "Alan Cole"]


def test_a_quote_paragraph_after_a_sentence_about_a_person_is_theirs(extract):
    qs = extract(
        "Conservative leader Michael Howard visited the school on Monday.\n\n"
        "Howard smiled at the pupils.\n\n"
        "“This is the future of our country, and we must invest in it.”\n\n"
        'Ann Widdecombe spoke first. "We must act," she said.\n\n'
        "She paused.\n\n"
        '"Nobody else will do it for us, and that is the truth of the matter."'
    )
    assert [q.speaker for q in qs] == ["Michael Howard", "Ann Widdecombe", "Ann Widdecombe"]


def test_curly_quotes_inside_curly_quotes(extract):
    q = only(
        extract(
            "“As a young, Hispanic woman, I’d rather live in what he calls “hell” than see him "
            "in the White House,” said Adriana Rodarte."
        )
    )
    assert q.text.endswith("see him in the White House") and q.speaker == "Adriana Rodarte"


def test_a_name_between_the_quote_and_its_verb_when_the_parse_loses_it(extract):
    q = extract(
        "“He's absolutely right. There's a severe disconnect between this White House and "
        "frankly the president and our military,” Flynn, a top Trump surrogate, said Thursday "
        "morning on Fox News’s “Fox and Friends.”"
    )[0]
    assert q.speaker == "Flynn" and q.speaker_mention == "Flynn"


def test_a_quoted_letter_closed_with_a_name_is_its_writers(extract):
    q = only(
        extract(
            "The letter arrived on Monday.\n\n"
            '"Dear Ms Smith, we regret to inform you that your application was not successful '
            "this year.\n\n"
            '"Yours sincerely, John Baker, Director of Admissions"'
        )
    )
    assert q.speaker == "John Baker" and q.cue_class == "written"
    assert "sincerely" not in q.text


def test_a_quote_left_open_is_not_carried_to_a_straight_mark_paragraphs_on(extract):
    qs = extract(
        "“We will not give up on this fight, whatever the cost.\n\n"
        'The vote on the bill is expected on Monday," the spokesman said of the plan.'
    )
    assert qs[0].text == "We will not give up on this fight, whatever the cost."


def test_a_three_word_title_inside_a_name_phrase(extract):
    qs = extract(
        "Missouri Secretary of State Jason Kander announced Wednesday that the turnout was "
        "a record 39%."
    )
    assert [q.speaker for q in qs] == ["Jason Kander"]


def test_a_party_word_before_a_name_is_not_part_of_it(extract):
    qs = extract(
        "But the all-party group, including Tories Ken Clarke and Sir George Young, is "
        "confident its plan would win support. Mr Clarke said the issue went to the heart "
        "of reform."
    )
    assert [q.speaker for q in qs] == ["Ken Clarke"]


def test_the_person_a_subject_phrase_ends_on_is_the_speaker(extract):
    qs = extract(
        "Association of Chief Police Officers president Chris Fox said the current 24-hour "
        "closure power did not have enough impact on bad landlords."
    )
    assert [q.speaker for q in qs] == ["Chris Fox"]


def test_an_office_in_an_undated_story_is_the_holder_it_names(extract):
    qs = extract(
        "The days of Britain having to apologise for its colonial past are over, Gordon "
        "Brown has said.\n\n"
        "The chancellor, speaking during a week-long tour of Africa, said it was time to talk "
        "about enduring British values."
    )
    assert [q.speaker for q in qs] == ["Gordon Brown", "Gordon Brown"]


def test_a_hyphenated_title_after_the_verb_leaves_the_name(extract):
    qs = extract(
        '"We believe this draft bill is detailed enough," said co-ordinator Peter Facey.\n\n'
        '"It is a leap in the dark," said co-chairman Liam Fox.'
    )
    assert [q.speaker for q in qs] == ["Peter Facey", "Liam Fox"]


def test_a_possessive_pronoun_description_names_whose_people_speak(extract):
    qs = extract(
        "Hillary Clinton said she would win the primary.\n\n"
        "Her advisers said they were confident the referendum in Britain did not mirror the "
        "election."
    )
    assert [q.speaker for q in qs] == ["Hillary Clinton", "Hillary Clinton's advisers"]


def test_the_reader_addressed_is_never_a_speaker(extract):
    qs = extract("You might say that the plan is a failure, but the minister disagrees.")
    assert [q.speaker for q in qs if q.speaker is not None] == []


def test_an_organisation_subject_keeps_its_whole_name(extract):
    qs = extract("The Florida Department of State said the turnout was higher than in 2012.")
    assert [q.speaker for q in qs] == ["The Florida Department of State"]


@pytest.mark.parametrize(
    "subject",
    ["The Pew Research Center analysis", "A report from the Pew Research Center"],
)
def test_a_document_of_a_named_body_is_that_body_s(extract, subject):
    q = only(extract(f"{subject} found that turnout among Republican voters was a record."))
    assert (q.speaker, q.speaker_type, q.cue_class) == (
        "Pew Research Center",
        "organisation",
        "source",
    )


def test_an_epithet_is_the_last_subject_of_its_gender(extract):
    qs = extract(
        "Donald Trump says he is confident about South Carolina.\n\n"
        "Hillary Clinton says she will fight on.\n\n"
        "The billionaire businessman says running for president is tough, nasty and mean.\n\n"
        "Marco Rubio says the race has become a three-person contest.\n\n"
        "The Florida senator is predicting that he will win the GOP nomination.\n"
    )
    assert [q.speaker for q in qs] == [
        "Donald Trump",
        "Hillary Clinton",
        "Donald Trump",
        "Marco Rubio",
        "Marco Rubio",
    ]
