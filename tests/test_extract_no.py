"""Norwegian extraction: one test per pattern, on sentence shapes from NTB copy."""

import pytest
from conftest import only

LEAD = (
    "USAs utenriksminister Antony Blinken møtte torsdag Sør-Koreas utenriksminister "
    "Park Jin i Seoul.\n"
)


def test_dash_quote_with_inverted_attribution(extract):
    q = only(
        extract(
            LEAD + "– Vi ser Nord-Korea forsyne Russland med militært utstyr til landets brutale "
            "aggresjon mot Ukraina. Det er en reell trussel mot Sør-Koreas sikkerhet, sa Blinken.",
            "no",
        )
    )
    assert q.kind == "direct"
    assert q.text.startswith("Vi ser Nord-Korea") and q.text.endswith("Sør-Koreas sikkerhet")
    assert q.speaker == "Antony Blinken" and q.speaker_mention == "Blinken"
    assert q.affiliation == "United States" and q.cue == "sa"


def test_dash_quote_with_pronoun(extract):
    qs = extract(
        LEAD + "Det angivelige militærsamarbeidet er i strid med Kinas egne interesser, "
        "ifølge Park.\n– Om det er våpenavtaler, vil det bidra til økt spenning, sa han.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Park Jin", "Park Jin"]
    assert qs[1].speaker_mention == "han"
    assert qs[1].affiliation == "South Korea"


def test_dash_quote_from_a_statement_is_collective(extract):
    q = only(
        extract(
            "– Våre tre land tar allerede steg for å bedre vår felles respons, heter det i en "
            "uttalelse.",
            "no",
        )
    )
    assert q.speaker == "en uttalelse" and q.collective and q.cue == "heter det"


def test_dash_quote_with_title_and_party(extract):
    q = only(
        extract(
            "– Dette er en viktig dag for Norge, sier statsminister Jonas Gahr Støre (Ap) "
            "til NTB.",
            "no",
        )
    )
    assert q.speaker == "Jonas Gahr Støre"
    assert q.speaker_mention == "statsminister Jonas Gahr Støre"


def test_dash_quote_split_by_attribution(extract):
    q = only(
        extract(
            "– Vi må stå sammen, sier Erna Solberg. – Ingen skal stå alene i denne krisen.", "no"
        )
    )
    assert len(q.segments) == 2
    assert q.text == "Vi må stå sammen Ingen skal stå alene i denne krisen."
    assert q.speaker == "Erna Solberg"


def test_dash_quote_particle_verb_la_han_til(extract):
    qs = extract(
        "– Vi er bekymret for utviklingen, sier Erna Solberg.\n"
        "– Det er for tidlig å si noe om konsekvensene, la hun til.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Erna Solberg", "Erna Solberg"]


def test_dash_paragraph_without_attribution_is_a_turn_of_the_same_speaker(extract):
    qs = extract(
        "– Vi er bekymret for utviklingen, sier Erna Solberg.\n"
        "– Vi følger situasjonen tett sammen med våre allierte.",
        "no",
    )
    assert [(q.text, q.speaker) for q in qs] == [
        ("Vi er bekymret for utviklingen", "Erna Solberg"),
        ("Vi følger situasjonen tett sammen med våre allierte.", "Erna Solberg"),
    ]


def test_guillemets_with_inverted_attribution(extract):
    q = only(
        extract(
            "«Kina har et unikt forhold til Nord-Korea», sa Antony Blinken på en "
            "pressekonferanse.",
            "no",
        )
    )
    assert q.kind == "direct" and q.speaker == "Antony Blinken"
    assert q.text == "Kina har et unikt forhold til Nord-Korea"


def test_guillemets_after_colon(extract):
    q = only(
        extract(
            "Utenriksminister Anniken Huitfeldt sier: «Dette er et brudd på folkeretten.»", "no"
        )
    )
    assert q.speaker == "Anniken Huitfeldt" and q.cue == "sier"


def test_mener_at(extract):
    q = only(
        extract(
            "Forsker Ola Nordmann mener at sanksjonene ikke vil ha noen effekt på regimet.", "no"
        )
    )
    assert q.kind == "indirect" and q.speaker == "Ola Nordmann"
    assert q.text.startswith("sanksjonene ikke vil ha")


def test_ifolge_at_end_and_start(extract):
    qs = extract(
        LEAD + "Det angivelige militærsamarbeidet er i strid med Kinas egne interesser, "
        "ifølge Park.\nIfølge Blinken har Russland gitt teknologisk støtte til Nord-Korea.",
        "no",
    )
    assert [(q.speaker, q.cue) for q in qs] == [
        ("Park Jin", "ifølge"),
        ("Antony Blinken", "Ifølge"),
    ]
    assert qs[0].text == "Det angivelige militærsamarbeidet er i strid med Kinas egne interesser"
    assert qs[1].text.startswith("har Russland gitt")


def test_oppfordrer_til(extract):
    q = only(
        extract(
            LEAD + "Blinken oppfordrer også Kina til å hjelpe til med å stanse Nord-Koreas "
            "«destabiliserende handlinger», blant annet landets mange rakettester.",
            "no",
        )
    )
    assert q.speaker == "Antony Blinken" and q.cue == "oppfordrer"
    assert q.kind == "mixed" and q.fragments == ["destabiliserende handlinger"]
    assert q.text.startswith("Kina til å hjelpe")


def test_inverted_reported_speech(extract):
    q = only(extract("Situasjonen på halvøya er mer spent enn på mange år, mener Park Jin.", "no"))
    assert q.kind == "indirect" and q.speaker == "Park Jin"
    assert q.text == "Situasjonen på halvøya er mer spent enn på mange år"


def test_countries_as_collective_speakers(extract):
    q = only(
        extract(
            "USA, Sør-Korea og Japan har fordømt det de sier er en flyt av våpen og militært "
            "utstyr fra Nord-Korea til Russland.",
            "no",
        )
    )
    assert q.speaker == "United States, South Korea and Japan"
    assert q.speaker_type == "country" and q.collective


def test_group_noun_speaker(extract):
    q = only(
        extract(
            "Landene mistenker at Nord-Koreas leder Kim Jong-un ønsker russisk teknologi.", "no"
        )
    )
    assert q.collective and q.speaker_type == "unknown"


def test_scare_quote_is_not_a_quote(extract):
    assert (
        extract(
            "USA og Sør-Korea er «dypt bekymret» for styrket militært samarbeid mellom Russland "
            "og Nord-Korea.",
            "no",
        )
        == []
    )


def test_no_cue_no_quote(extract):
    assert (
        extract(
            "USAs president Joe Biden ventes å møte Kinas president Xi Jinping neste uke.", "no"
        )
        == []
    )


def test_attribution_in_its_own_sentence(extract):
    q = only(
        extract(
            "– Vi forstår ulempen ved evakueringen for innbyggerne, men deres sikkerhet er "
            "førsteprioritet.\nDet sier politimester Hans Vik til NTB.",
            "no",
        )
    )
    assert q.speaker == "Hans Vik" and q.cue == "sier"


def test_unattributed_opening_quote_takes_the_next_speaker(extract):
    qs = extract(
        "– Dette er en skandale.\n– Vi krever svar fra regjeringen nå, sier Trygve Slagsvold "
        "Vedum.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Trygve Slagsvold Vedum"] * 2
    assert qs[0].speaker_mention is None  # resolved from the quote after it


def test_name_and_colon_opens_a_quote(extract):
    q = only(extract("Støre: Vi må ta et større ansvar for klimaet i Europa.", "no"))
    assert q.speaker == "Støre" and q.text.startswith("Vi må ta")
    label = "Oppdatert: Saken er oppdatert med nye opplysninger fra politiet i kveld."
    assert extract(label, "no") == []


def test_dash_paragraph_continued_in_a_paragraph_closing_with_attribution(extract):
    qs = extract(
        "– Vi har hatt en god dialog med Telenor.\n"
        "Det har vært konstruktivt hele veien, sier direktør Kari Holm.",
        "no",
    )
    # one quote: the dash opens it and the attribution closes it a paragraph later
    q = only(qs)
    assert q.kind == "direct" and q.speaker == "Kari Holm" and q.cue == "sier"
    assert q.text == "Vi har hatt en god dialog med Telenor. Det har vært konstruktivt hele veien"


# -- cue classes and speech-like verbs that report no speech ----------------------------------


def test_cue_classes(extract):
    qs = extract(
        "Forsker Ola Nordmann mener at sanksjonene ikke vil ha noen effekt på regimet.\n"
        "Ifølge en ny rapport fra Statistisk sentralbyrå har ledigheten økt kraftig i år.",
        "no",
    )
    assert [q.cue_class for q in qs if q.cue == "mener"] == ["thought"]
    source = [q for q in qs if q.cue == "Ifølge"]
    assert [(q.cue_class, q.speaker_mention) for q in source] == [
        ("source", "en ny rapport fra Statistisk sentralbyrå")
    ]


def test_a_promise_is_a_plan_and_left_out_by_default(extract, tmp_path):
    from quotestance.extract import extract_file

    text = "Fylkesordfører Anne Hansen lover å kutte ventetiden for pasientene i regionen."
    assert extract(text, "no") == []
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    q = only(extract_file(path, "no", cues=["plan"]))
    assert (q.cue_class, q.speaker) == ("plan", "Anne Hansen")


def test_expected_to_say_is_not_a_quote(extract):
    assert (
        extract(
            "Statsminister Jonas Gahr Støre forventes å si at regjeringen vil legge fram en ny "
            "plan for nordområdene.",
            "no",
        )
        == []
    )


def test_asked_to_comment_is_not_the_subjects_quote(extract):
    assert (
        extract(
            "Statsminister Jonas Gahr Støre ble bedt om å kommentere saken, men ønsket ikke det.",
            "no",
        )
        == []
    )


def test_declining_to_comment_is_not_a_quote(extract):
    assert extract("Kommunen avviser å kommentere at skolen skal legges ned neste år.", "no") == []


def test_dash_quote_over_several_paragraphs_attributed_in_the_last(extract):
    # one sentence a line, as newspaper text often comes: the ", sier X." ends the run
    text = (
        "Enhedslisten står sterkt på målingene.\n"
        "– Nei, det tror jeg ikke.\n"
        "Men oppgaven blir å fastholde SD og SF på deres løfter.\n"
        "Skal vi samarbeide med dem forventer vi innflytelse, sier Johanne Schmidt-Nielsen.\n"
    )
    q = only(extract(text, "no"))
    assert q.text.startswith("Nei, det tror jeg ikke.")
    assert q.text.endswith("forventer vi innflytelse")
    assert q.speaker == "Johanne Schmidt-Nielsen" and q.cue == "sier"


def test_dash_run_stops_at_the_next_dash(extract):
    text = (
        "Statsminister Jonas Gahr Støre svarte på spørsmål torsdag.\n"
        "– Dette er ikke riktig.\n"
        "– Det tar vi opp i morgen, sier Støre.\n"
    )
    qs = extract(text, "no")
    assert [q.text for q in qs] == ["Dette er ikke riktig.", "Det tar vi opp i morgen"]


def test_interviewers_question_is_nobody_s_quote(extract):
    text = (
        "Enhedslisten står sterkt på målingene.\n"
        "– Frykter dere å bli marginalisert i møte med de store partiene?\n"
        "– Nei, det tror jeg ikke, sier Johanne Schmidt-Nielsen.\n"
    )
    q = only(extract(text, "no"))
    assert q.text == "Nei, det tror jeg ikke" and q.speaker == "Johanne Schmidt-Nielsen"
    qs = extract(text, "no", cues=["speech", "question"])
    assert [(q.cue_class, q.speaker) for q in qs] == [
        ("question", None),
        ("speech", "Johanne Schmidt-Nielsen"),
    ]


def test_headline_quote_is_the_speaker_the_body_quotes(extract):
    text = (
        "– Danmark i krise\n"
        "Enhedslisten vil løfte Danmark ut av den økonomiske krisen.\n"
        "– Krisen er dessverre langt fra slutt, sier Johanne Schmidt-Nielsen.\n"
    )
    qs = extract(text, "no")
    assert [(q.text, q.speaker) for q in qs] == [
        ("Danmark i krise", "Johanne Schmidt-Nielsen"),
        ("Krisen er dessverre langt fra slutt", "Johanne Schmidt-Nielsen"),
    ]


def test_role_noun_speaker_is_the_person_named_before(extract):
    q = only(
        extract(
            "Ola Kamara scoret begge målene da Molde slo Rosenborg søndag.\n"
            "– Jeg er veldig fornøyd med kampen, sier spissen.",
            "no",
        )
    )
    assert q.speaker == "Ola Kamara" and q.speaker_mention == "spissen"


def test_compound_role_noun_and_title_in_definite_form(extract):
    qs = extract(
        "Odd Einar Dørum er sjef for Utrykningspolitiet.\n"
        "– Vi har full kontroll på trafikken i sommer, sier UP-sjefen.\n"
        "Statsminister Jonas Gahr Støre besøkte Bergen mandag.\n"
        "– Vi må gjøre mer for de unge, sier statsministeren.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Odd Einar Dørum", "Jonas Gahr Støre"]


def test_age_noun_speaker_is_the_person_of_that_age(extract):
    qs = extract(
        "Erling Braut Haaland (21) scoret to mål, og Marius Lode (29) spilte hele kampen.\n"
        "– Det var en fantastisk kveld, sier 21-åringen.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Erling Braut Haaland"]


def test_ifolge_inside_the_clause_with_verb_first_order(extract):
    q = only(
        extract(
            "Regjeringen vil ifølge statsminister Jonas Gahr Støre øke skattene neste år.", "no"
        )
    )
    assert q.speaker == "Jonas Gahr Støre" and q.cue_class == "speech"
    assert q.text == "Regjeringen vil øke skattene neste år"


def test_fear_and_opinion_verbs_are_thought(extract):
    qs = extract(
        "Økonom Kari Nilsen frykter at renten vil stige kraftig i år.\n"
        "Hun synes at regjeringen har ventet for lenge med tiltakene.",
        "no",
    )
    assert [(q.cue, q.cue_class, q.speaker) for q in qs] == [
        ("frykter", "thought", "Kari Nilsen"),
        ("synes", "thought", "Kari Nilsen"),
    ]


def test_group_speaker_is_the_members_the_text_named(extract):
    q = only(
        extract(
            "Norge og Sverige møttes i Oslo torsdag for å diskutere grensehandelen.\n"
            "– Vi er enige om at grensen skal holdes åpen, sier de to.",
            "no",
        )
    )
    assert q.speaker == "Norway and Sweden" and q.speaker_type == "country"
    # "landene" stands for countries only: two people named before do not fit
    q = only(
        extract(
            "Jonas Gahr Støre og Ulf Kristersson møttes i Oslo torsdag.\n"
            "– Vi er enige om at grensen skal holdes åpen, sier landene.",
            "no",
        )
    )
    assert q.speaker != "Jonas Gahr Støre and Ulf Kristersson"


# -- with a Norwegian pipeline: its entities are the names ----------------------------------


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    """A Norwegian spaCy pipeline whose entities come from patterns (the trained one is
    built by `quotestance models train-norwegian`; a rule-based recogniser is exact)."""
    import spacy

    from quotestance.extract import norwegian

    nlp = spacy.blank("nb")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PER", "pattern": "Eivind Hoff"},
            {"label": "PER", "pattern": "Ole Einar Bjørndalen"},
            {"label": "PER", "pattern": "Bjørndalen"},
            {"label": "ORG", "pattern": "Bellona"},
        ]
    )
    folder = tmp_path / "nb-pipeline"
    nlp.to_disk(folder)
    monkeypatch.setenv("QUOTESTANCE_NORWEGIAN_MODEL", str(folder))
    norwegian.load_pipeline.cache_clear()
    yield folder
    norwegian.load_pipeline.cache_clear()


def test_pipeline_people_narrow_a_speaker_mention(extract, pipeline):
    q = only(
        extract(
            "Miljøstiftelsen la fram en ny rapport om kvotehandel mandag.\n"
            "– Dette er et stort steg for klimaet, sier EU-ekspert Eivind Hoff i Bellona.",
            "no",
        )
    )
    assert q.speaker == "Eivind Hoff" and q.speaker_mention == "Eivind Hoff"


def test_without_a_pipeline_names_come_from_capitals_with_one_warning(
    extract, tmp_path, monkeypatch, caplog
):
    from quotestance.extract import norwegian

    monkeypatch.delenv("QUOTESTANCE_NORWEGIAN_MODEL")
    monkeypatch.setenv("QUOTESTANCE_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    norwegian.load_pipeline.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="quotestance"):
            qs = extract(LEAD + "– Vi står sammen med Sør-Korea, sa Blinken.", "no")
            extract(LEAD + "– Vi står sammen, sa Blinken.", "no")
    finally:
        norwegian.load_pipeline.cache_clear()
    assert [q.speaker for q in qs] == ["Antony Blinken"]
    warnings = [r.getMessage() for r in caplog.records if "Norwegian pipeline" in r.getMessage()]
    assert warnings == [
        "no trained Norwegian pipeline (build it: quotestance models train-norwegian); "
        "Norwegian names come from capitalised words"
    ]


def test_interview_answers_are_the_interviewee_s(extract):
    text = (
        "– Han reagerte ikke noe særlig, sier forsvarer Vibeke Hein Bæra til VG.\n"
        "– Du satt helt ved siden av ham.\n"
        "Så du forandringer ved ham da dette skjedde?\n"
        "– Nei, jeg gjorde ikke det.\n"
        "Han virket rolig hele tiden.\n"
        "– Hvordan har han det nå?\n"
        "– Han har det bra, sier Hein Bæra.\n"
    )
    qs = extract(text, "no")
    assert [(q.text, q.speaker) for q in qs] == [
        ("Han reagerte ikke noe særlig", "Vibeke Hein Bæra"),
        ("Nei, jeg gjorde ikke det. Han virket rolig hele tiden.", "Vibeke Hein Bæra"),
        # the surname run completes to the full name, not a person of its own
        ("Han har det bra", "Vibeke Hein Bæra"),
    ]
    questions = [q for q in extract(text, "no", cues=["question"])]
    assert [(q.text, q.speaker) for q in questions] == [
        ("Du satt helt ved siden av ham. Så du forandringer ved ham da dette skjedde?", None),
        ("Hvordan har han det nå?", None),
    ]


def test_an_adverbial_before_the_verb_is_no_speaker(extract):
    qs = extract(
        "Under fengslingsmøtet ba Breivik tingrettsdommeren om å få snakke i ett minutt.", "no"
    )
    assert not any((q.speaker_mention or "").startswith("Under") for q in qs)


def test_compound_title_is_no_part_of_the_name(extract):
    qs = extract(
        "Informasjonsleder Hege Storhaug i HRS fikk besøk natt til søndag.\n"
        "– Dette må ha vært planlagt, sier Storhaug.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Hege Storhaug"]


def test_belief_without_at_is_a_thought_quote(extract):
    q = only(extract("Veteranen Hermann Hreidarsson mener Island nå må vise hva laget kan.", "no"))
    assert q.cue == "mener" and q.cue_class == "thought"
    assert q.text == "Island nå må vise hva laget kan"


def test_role_noun_opening_a_sentence(extract):
    q = only(
        extract(
            "Klinikken drives av Gahr Kalaaji på Majorstuen.\n"
            "Eieren erkjenner at rutinene for smittefarlig avfall har sviktet.",
            "no",
        )
    )
    assert q.speaker == "Gahr Kalaaji"


def test_ifolge_a_role_inside_the_clause_is_one_word(extract):
    qs = extract(
        "Breivik ble forsvart av Vibeke Hein Bæra i retten.\n"
        "Han er ifølge forsvareren godt i gang med sitt forsvarsskrift.",
        "no",
    )
    source = [q for q in qs if q.cue.lower() == "ifølge"]
    assert [q.speaker_mention for q in source] == ["forsvareren"]


def test_a_norwegian_first_name_gives_the_pronoun_its_person(extract):
    qs = extract(
        "– Jeg ble redd, sier Hege Storhaug.\n"
        "Stian Larsen fikk en trussel i posten samme dag.\n"
        "– Helt klart, sier han.",
        "no",
    )
    assert [q.speaker for q in qs][-1] == "Stian Larsen"


def test_both_languages_go_through_the_one_engine_by_their_module(extract, monkeypatch):
    from quotestance.extract import languages

    seen = []

    class Recorded(languages.Language):
        def __init__(self, inner):
            self.inner, self.code = inner, inner.code
            self.names_after_cue_are_people = inner.names_after_cue_are_people

        def find(self, page):
            seen.append(page.article.lang)
            return self.inner.find(page)

    for code, module in list(languages.MODULES.items()):
        monkeypatch.setitem(languages.MODULES, code, Recorded(module))
    en = extract('"We will not back down," Prime Minister Tony Blair said on Monday.', "en")
    no = extract(LEAD + "– Vi står sammen med Sør-Korea, sa Blinken.", "no")
    assert seen == ["en", "no"]
    assert [q.speaker for q in en + no] == ["Tony Blair", "Antony Blinken"]
    with pytest.raises(ValueError, match="no language module for 'da'"):
        languages.module_for("da")


def test_a_surname_ending_like_a_role_stays_a_name(extract):
    q = only(
        extract(
            "Tysklands president besøkte Oslo tirsdag.\n"
            "– Vi står sammen med Norge, sier president Frank-Walter Steinmeier.",
            "no",
        )
    )
    assert q.speaker == "Frank-Walter Steinmeier"


def test_verb_second_after_a_fronted_adverbial_reports_the_subject_after_the_verb(extract):
    q = only(
        extract(
            "I etterkant sa forsvarer Geir Lippestad at dette var en høyreekstrem hilsen.", "no"
        )
    )
    assert q.speaker == "Geir Lippestad" and q.text == "dette var en høyreekstrem hilsen"


def test_the_government_of_a_norwegian_story_is_the_norwegian_government(extract):
    qs = extract(
        "Statsminister Jonas Gahr Støre og Arbeiderpartiet la fram planen i Oslo mandag.\n"
        "Regjeringen sier at den vil legge fram en ny pakke før jul.\n"
        "– Vi har ventet for lenge, sier regjeringen i en pressemelding.",
        "no",
    )
    assert [(q.speaker, q.speaker_type) for q in qs] == [
        ("Norwegian Government", "organisation"),
        ("Norwegian Government", "organisation"),
    ]


def test_a_name_signed_with_a_long_dash_after_a_guillemet_quote(extract):
    q = only(extract("«Vi har ventet altfor lenge på denne avgjørelsen.» — Kari Nordmann", "no"))
    assert q.speaker == "Kari Nordmann"


def test_readers_letters_are_signed_by_the_name_after_them(extract):
    qs = extract(
        "Leserne mener\n\n"
        "Vi spurte leserne hva de synes om bompengene.\n\n"
        "Dette er en skandale for alle som bor utenfor byen. Vi betaler og betaler.\n\n"
        "Kari Nordmann.\n\n"
        "Jeg kjører kollektivt og synes bompengene er helt greie.\n\n"
        "Ola Hansen.\n",
        "no",
    )
    assert [(q.speaker, q.cue_class, q.text[:8]) for q in qs] == [
        ("Kari Nordmann", "written", "Dette er"),
        ("Ola Hansen", "written", "Jeg kjør"),
    ]


def test_a_headline_that_reports_what_someone_said(extract):
    qs = extract(
        "Støre advarer mot nye kutt i strømstøtten\n\n"
        "Statsminister Jonas Gahr Støre la fram planen i Oslo mandag.",
        "no",
    )
    assert [(q.speaker, q.text, q.cue_class) for q in qs] == [
        ("Jonas Gahr Støre", "mot nye kutt i strømstøtten", "speech")
    ]


def test_the_subject_of_two_coordinated_verbs_is_the_speaker(extract):
    q = only(
        extract(
            "Breivik begjærte seg løslatt umiddelbart og mente at Forsvaret burde gi ham "
            "krigskorset.",
            "no",
        )
    )
    assert q.speaker == "Breivik" and q.text == "Forsvaret burde gi ham krigskorset"


def test_what_brackets_add_is_no_part_of_the_name(extract):
    q = only(
        extract(
            "Pressetalsperson Ronny Alte (NDL) mener imidlertid at organisasjonen ikke kan "
            "koples til nynazisme.",
            "no",
        )
    )
    assert q.speaker == "Ronny Alte"


def test_a_headline_with_a_verb_of_another_meaning_is_no_quote(extract):
    qs = extract(
        "Volvo sier opp enda tusen ansatte\n\n"
        "Talsmann Morten Wikfors i Volvo Powertrain bekreftet tallene i Göteborg mandag.",
        "no",
    )
    assert [q.text for q in qs if q.start < 40] == []


def test_a_definite_noun_is_the_one_the_text_introduced(extract):
    qs = extract(
        "I nabolaget på Askøy står eneboligene tett.\n"
        "En nabokvinne forteller at hun ofte hørte lyden av fest fra huset.\n"
        "– Det gikk rykter om at barna gikk for lut og kaldt vann, sier nabokvinnen.\n"
        "Vi ringer Cathrines far.\n"
        "– Det er mye jeg burde gjort annerledes, sier faren.",
        "no",
    )
    assert [q.speaker for q in qs] == ["En nabokvinne", "En nabokvinne", "Cathrines far"]


def test_the_speaker_after_the_verb_is_the_name_without_what_follows(extract):
    qs = extract(
        "Martin Berg og Arne Jølstad solgte hytter i Søgne.\n"
        "- Jeg har tenkt på noe, sier Martin siden.\n"
        "- Det virker som det er god bevegelse, sier Jølstad og viser fram en hytte til 9,5 "
        "millioner i Søgne.\n"
        'Om dagens marked fastslo han like enkelt at " ingen har gjort mer for å selge hytter. "',
        "no",
    )
    assert [q.speaker_mention for q in qs] == ["Martin", "Jølstad", "han"]
    assert [q.speaker for q in qs] == ["Martin Berg", "Arne Jølstad", "Arne Jølstad"]


def test_the_speaker_before_the_verb_is_the_name_without_its_organisation(extract):
    q = only(
        extract(
            "Jannike Hovland i Norske arkitekters landsforening mener det er positivt at nye "
            "bygg er omstridt.",
            "no",
        )
    )
    assert q.speaker == "Jannike Hovland"


def test_a_role_then_the_name_after_a_comma(extract):
    q = only(
        extract(
            "- Han brenner for denne idretten, sier president i Norges Seilforbund, Stig Hvide "
            "Smith.",
            "no",
        )
    )
    assert q.speaker == "Stig Hvide Smith"


def test_a_surname_of_two_words_is_the_full_name_before(extract):
    qs = extract(
        "- Han brenner for denne idretten, sier president i Norges Seilforbund, Stig Hvide "
        "Smith.\n- Storbåt er en annen måte å seile på, sier Hvide Smith.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Stig Hvide Smith", "Stig Hvide Smith"]


def test_a_day_after_the_verb_is_no_speaker(extract):
    q = only(
        extract(
            "Doktor Allan Friedman opplyste mandag at Kennedy var ved bevissthet under hele "
            "inngrepet.",
            "no",
        )
    )
    assert q.speaker == "Allan Friedman"


def test_a_demonym_opening_the_sentence_is_no_part_of_the_name(extract):
    qs = extract(
        "Danske Ellen Porsdal Hink synes Operaen er «meget fantastisk».\n"
        "- Det er som å gå i fjell, sier Hink.",
        "no",
    )
    assert [q.speaker for q in qs] == ["Ellen Porsdal Hink", "Ellen Porsdal Hink"]


def test_a_pronoun_before_anyone_is_named_is_the_person_named_next(extract):
    qs = extract(
        "Han smiler.\n"
        "- Jeg hadde bygd mitt liv på fotballen, sier han.\n"
        "Martin kjente at det fortsatt kriblet i føttene.",
        "no",
    )
    assert qs[0].speaker == "Martin"


def test_a_quote_after_a_sentence_about_a_person_is_theirs(extract):
    qs = extract(
        "Hans mor kom ned og hentet ham, og Martin kjente at det fortsatt kriblet i føttene.\n"
        "Martin gikk opp Karl Johan.\n"
        "- Jeg ville gi fotballen et forsøk til.\n"
        "Han smiler.\n"
        "- Det høres sykt ut, jeg vet.",
        "no",
    )
    direct = [q for q in qs if q.kind == "direct"]
    assert [q.speaker for q in direct] == ["Martin", "Martin"]


def test_a_dash_quote_without_attribution_runs_until_the_narrator_speaks(extract):
    qs = extract(
        "Martin husker tida etter Italia som den verste i sitt liv.\n"
        "- Det var et helvete.\n"
        "Skammen.\n"
        "Jeg hadde forsøkt å ta livet mitt.\n"
        "Fotballspilleren skal ikke være svak.\n"
        "Han innså at han trengte terapi.\n",
        "no",
    )
    q = only([q for q in qs if q.kind == "direct"])
    assert q.text.startswith("Det var et helvete.")
    assert q.text.endswith("Fotballspilleren skal ikke være svak.")
    assert q.speaker == "Martin"


def test_an_answer_after_an_undashed_question_ends_before_the_next_question(extract):
    qs = extract(
        "Hva er ditt favorittreisemål?\n"
        "- Jeg reiser mye, og er det ett sted jeg gjerne skulle vært mer, så er det Gryting.\n"
        "Der er jeg altfor sjelden.\n"
        "Hvilket sted drømmer du om å reise til?\n"
        "- Jeg reiste rundt i Sør-Amerika for noen år siden.\n",
        "no",
    )
    assert qs[0].text.endswith("Der er jeg altfor sjelden.")
    assert "Hvilket sted" not in qs[0].text


def test_a_quote_in_guillemets_over_several_sentence_lines(extract):
    q = only(
        extract(
            "Han ser det for seg som en sort-hvitt-film.\n"
            "«Det var nesten som jeg trodde jeg kunne fly.\n"
            "Følelsen som jeg hadde søkt etter, var der.\n"
            "Ut i friheten», sier Martin Berg.\n",
            "no",
        )
    )
    assert q.text.startswith("Det var nesten") and q.text.endswith("Ut i friheten")
    assert q.speaker == "Martin Berg"


def test_guillemets_inside_guillemets(extract):
    q = only(
        extract(
            "«Om jeg skulle beskrive boka i en setning, ville det være at det er en bok uten et "
            "du. Men det finnes ikke noe «du» der», sa Karl Ove Knausgård i radioprogrammet.",
            "no",
        )
    )
    assert q.text.endswith("det finnes ikke noe «du» der")
    assert q.speaker == "Karl Ove Knausgård"


def test_a_quote_after_a_sentence_naming_one_person_is_theirs(extract):
    qs = extract(
        "Kulturrådets leder, Vigdis Moe Skarstein, avviser påstanden om politisk sensur.\n"
        "- Det vil jeg sterkt avvise.\n"
        "- Jeg var ferdig med fotballen, sier Martin Berg.\n"
        "Da han etter siste kamp gikk ut av garderoben, kom det som et sjokk for alle.\n"
        "- Jeg husker treneren min felte en tåre.\n",
        "no",
    )
    direct = [q for q in qs if q.kind == "direct"]
    assert [q.speaker for q in direct] == ["Vigdis Moe Skarstein", "Martin Berg", "Martin Berg"]


def test_a_pronoun_after_a_name_in_apposition_to_a_role_is_that_person(extract):
    qs = extract(
        '" Fred er mulig ", sa Kofi Annan.\n'
        "Nobelkomitéens leder, Gunnar Berge, delte sin tale i to.\n"
        'Han fastslo blant annet at " FN ble likevel ikke hva dens forkjempere hadde håpet på. "',
        "no",
    )
    assert [q.speaker for q in qs] == ["Kofi Annan", "Gunnar Berge"]


def test_a_speech_verb_in_the_infinitive_after_a_thing_is_no_quote(extract):
    assert (
        extract("Det ville være et nederlag å be om hjelp fra noen utenfor familien.", "no") == []
    )
    assert (
        extract(
            "Det vil kreve en annen politikk, en annen bruk av ressurser og mange upopulære "
            "avgjørelser.",
            "no",
        )
        == []
    )


def test_a_fronted_clause_then_the_verb_the_speaker_and_at(extract):
    qs = extract(
        "Selv om det er rekordstort tilbud av hytter ved sjøen, tror ikke ekspert på "
        "fritidsboliger, Bjørn Erik Øye, at prisene vil falle på de mest attraktive stedene.\n"
        "I programmet, som Klassekampen trykket på lørdag, sa Karl Ove Knausgård at han i hele "
        "vinter har arbeidet med å lese boka.",
        "no",
    )
    assert [(q.speaker, q.text[:12]) for q in qs] == [
        ("Bjørn Erik Øye", "prisene vil "),
        ("Karl Ove Knausgård", "han i hele v"),
    ]


def test_an_interview_that_opens_with_a_question_is_the_first_person_quoted_after(extract):
    text = (
        "Fagernes i Valdres, 23. august i år.\n"
        "- Var det skummelt?\n"
        "- Ja, for det var ikke planen i det hele tatt.\n"
        "Bryllupet ble omtalt som «årets fest».\n"
        "Gjestene kom fra hele landet.\n"
        "- Jeg er i alle fall ikke redd, sier Shabana Rehman Gaarder.\n"
    )
    qs = extract(text, "no")
    assert [(q.text[:20], q.speaker) for q in qs if q.kind == "direct"] == [
        ("Ja, for det var ikke", "Shabana Rehman Gaarder"),
        ("Jeg er i alle fall i", "Shabana Rehman Gaarder"),
    ]


def test_a_word_capitalised_as_it_opens_the_sentence_is_no_part_of_the_name(extract):
    text = (
        "Telefonen ringer, og en stemme spør om han kan kjøre.\n"
        "Klart Erik Poppe sier ja.\n"
        "- Jeg lager de filmene jeg har lyst å se selv, sier Poppe.\n"
    )
    assert [q.speaker for q in extract(text, "no")] == ["Erik Poppe"]


def test_a_relation_then_a_comma_and_a_name_is_the_name(extract):
    q = only(
        extract("- Da det ble bestemt i august gikk vi i taket, sier Hannahs far, Andrew.\n", "no")
    )
    assert q.speaker == "Andrew"


def test_a_conjunction_linking_the_sentence_is_no_part_of_the_speaker(extract):
    q = only(
        extract(
            "Men morfaren bekrefter at datteren periodevis hadde et problem med piller.\n", "no"
        )
    )
    assert q.speaker == "morfaren"


def test_ifolge_then_a_verb_first_clause_ends_the_source_at_the_verb(extract):
    q = only(
        extract("Ifølge jentene blir deres bekymringer avfeid som «et ungdomsopprør».\n", "no")
    )
    assert q.speaker == "jentene"


@pytest.mark.parametrize(
    ("sentence", "speaker", "content"),
    [
        (
            "Pengefondet anbefalte at de asiatiske landene åpnet for fri bevegelse av kapital.",
            "International Monetary Fund",  # the gazetteer's name for it
            "de asiatiske landene åpnet for fri bevegelse av kapital",
        ),
        (
            "Barnepsykiatere skal ha konkludert med at overgrep har funnet sted.",
            "Barnepsykiatere",
            "overgrep har funnet sted",
        ),
        (
            "En bistandsadvokat har påvist at politiet har gjort en rekke tabber.",
            "En bistandsadvokat",
            "politiet har gjort en rekke tabber",
        ),
        (
            "Strauss-Kahn har erklært at G7 snart vil bli oppløst.",
            "Strauss-Kahn",
            "G7 snart vil bli oppløst",
        ),
    ],
)
def test_recommending_concluding_showing_and_declaring_report_a_clause(
    extract, sentence, speaker, content
):
    q = only(extract(sentence + "\n", "no"))
    assert (q.speaker, q.text) == (speaker, content)


def test_ifolge_a_role_then_a_comma_and_a_name_is_the_name(extract):
    q = only(
        extract(
            "I stedet kan det bli liggende i uker i påvente av forbrenning, ifølge"
            " informasjonskonsulent i Energigjenvinningsetaten, Rikke Dahl Monsen.\n",
            "no",
        )
    )
    assert q.speaker == "Rikke Dahl Monsen"


def test_he_after_a_speaker_named_by_a_relation_of_his_gender_is_him(extract):
    text = (
        "Men morfaren bekrefter at datteren hadde et problem med piller.\n"
        "Han anslår at dette problemet varte i to-tre år.\n"
    )
    assert [q.speaker for q in extract(text, "no")] == ["morfaren", "morfaren"]


def test_she_does_not_take_a_speaker_named_by_a_relation_of_his_gender(extract):
    text = (
        "Men morfaren bekrefter at datteren hadde et problem med piller.\n"
        "Hun mener at legen skrev ut for mye.\n"
    )
    assert [q.speaker for q in extract(text, "no")][1] != "morfaren"


def test_an_answer_far_from_the_last_quote_is_still_the_interviewee_s(extract):
    facts = "".join(f"Filmen ble vist på kino nummer {n}.\n" for n in range(14))
    text = (
        "- Jeg lager de filmene jeg har lyst å se selv, sier Erik Poppe.\n"
        + facts
        + "- Hva svarte du?\n"
        "- Det betyr i beste fall at filmen har rørt ved noe.\n"
    )
    qs = extract(text, "no")
    assert [q.speaker for q in qs] == ["Erik Poppe", "Erik Poppe"]


def test_a_place_beside_he_or_she_in_the_narration_is_no_speaker(extract):
    text = (
        "- Dagfinn har vært utrolig viktig for meg, sier Shabana Rehman.\n"
        "Da hun flyttet til New York i 2005, flyttet de to fra hverandre.\n"
        "- Vi fikk det ikke til, rett og slett.\n"
    )
    qs = extract(text, "no")
    assert [q.speaker for q in qs] == ["Shabana Rehman", "Shabana Rehman"]


def test_a_name_from_the_narration_takes_the_full_name_given_later(extract):
    qs = extract(
        "Arrene på sjelen er verre, men Cathrine nekter å la det ødelegge livet hennes.\n"
        "- Jeg har den bagasjen jeg har.\n"
        "Saken er basert på intervjuer med Cathrine Langfjell Torsvik.\n",
        "no",
    )
    assert [q.speaker for q in qs if q.kind == "direct"] == ["Cathrine Langfjell Torsvik"]


def test_fremholder_closes_a_dash_quote_over_several_lines(extract):
    q = only(
        extract(
            "- Arnfinn var en unik personlighet.\n"
            "Han var også en unik sjelesørger og skribent.\n"
            "Vi tenker i dag særlig på hans mor, fremholder Eidsvig.\n",
            "no",
        )
    )
    assert q.speaker == "Eidsvig" and q.text.endswith("særlig på hans mor")


def test_tenker_innså_and_fremhever_report_thought_and_speech(extract):
    qs = extract(
        "Martin Berg spilte for Inter.\n"
        "Han innså at han trengte hjelp fra en psykolog.\n"
        "Motstanderne elsker å fremheve at kampen er tapt for lenge siden.\n",
        "no",
    )
    assert [(q.cue, q.cue_class) for q in qs] == [("innså", "thought"), ("fremheve", "speech")]
    assert qs[0].speaker == "Martin Berg"


def test_the_subject_of_a_verb_before_an_infinitive_cue(extract):
    q = only(extract("Motstanderne av homofili elsker å fremheve at homofili er unaturlig.", "no"))
    assert q.speaker == "Motstanderne av homofili" and q.cue == "fremheve"


def test_a_name_with_an_initial_is_the_full_name_of_the_same_without(extract):
    qs = extract(
        "Oskar J. Grimstad\n"
        "«Vi er på tur i en nasjonalpark», skrev Fremskrittspartiets Oskar Grimstad i en "
        "tekstmelding.\n",
        "no",
    )
    assert [q.speaker for q in qs] == ["Oskar J. Grimstad"]


def test_senator_is_a_title(extract):
    q = only(
        extract(
            "Senator Edward Kennedy har gjennomgått en vellykket operasjon.\n"
            "- Jeg føler meg i kjempeform, spøkte han.\n",
            "no",
        )
    )
    assert q.speaker == "Edward Kennedy"


def test_a_quote_after_a_line_that_attributes_it_with_a_colon(extract):
    qs = extract(
        "I en e-post til Dagbladet.no skriver Kalaaji:\n"
        "«Angående vår undersøkelse på klinikken, så viser det seg at vi har et "
        "forbedringspotensial.»\n"
        "Som The Economist skriver i siste nummer:\n"
        "«It seemed like a great idea at the time, and then it was not.»\n",
        "no",
    )
    assert [(q.speaker, q.cue_class) for q in qs] == [
        ("Kalaaji", "written"),
        ("The Economist", "written"),
    ]


def test_a_quoted_letter_closed_with_a_name_is_its_writers(extract):
    q = only(
        extract(
            "Cathrine\n"
            "«Ut fra hva jeg kan finne ut av våre arkiver har du ikke hatt noen sak i "
            "barneverntjenesten på Askøy.\n"
            "Frem til for cirka 3 år siden var rutinen at meldinger skulle oppbevares i ett år.\n"
            "Mvh Gro Kyte, Leder for barneverntjenesten»\n"
            "Cathrine husker ikke noe av dette.\n",
            "no",
        )
    )
    assert q.speaker == "Gro Kyte" and q.cue_class == "written"
    assert "Mvh" not in q.text and q.text.endswith("oppbevares i ett år.")


def test_a_determiner_adjective_and_role_compound_is_the_person_named_before(extract):
    qs = extract(
        "Johann Koss holdt tale på jubileet.\n"
        "- Det var også noen veldig pinlige taler, sier den jubilerende skøytekongen med "
        "et smil.\n",
        "no",
    )
    assert [(q.speaker, q.speaker_mention) for q in qs] == [
        ("Johann Koss", "den jubilerende skøytekongen")
    ]


def test_a_role_compound_is_the_subject_named_before_not_a_title_or_a_quoted_name(extract):
    qs = extract(
        "Jon Helt Haarder synes sammenkoplingen mellom Knausgård og Hitlers «Mein Kampf» er "
        "dristig.\n"
        "- Han setter seg selv på spill, så Anna og Erik må lese det, sier "
        "litteraturkritikeren.\n",
        "no",
    )
    assert [q.speaker for q in qs] == ["Jon Helt Haarder", "Jon Helt Haarder"]


def test_a_role_noun_in_the_sentence_before_an_unattributed_dash_quote(extract):
    qs = extract(
        "Forrige helg var det premiere på filmen til Erik Poppe.\n"
        "For anledningen kastet regissøren glans over premieren i Trondheim.\n"
        "- Jeg skulle vært med, men så ble premieren utsatt.\n",
        "no",
    )
    assert [q.speaker for q in qs] == ["Erik Poppe"]


def test_a_first_person_dash_turn_in_a_portrait_is_the_main_speaker_s(extract):
    text = (
        "- Jeg lager de filmene jeg har lyst å se selv, sier Erik Poppe.\n"
        "- Det er viktig for meg, sier Poppe.\n"
        "- Jeg elsker kino, sier han.\n"
        "Filmen handler om store ting som tro, håp og tilgivelse.\n"
        "- Nylig fikk jeg spørsmål om hva jeg tenker når en hel sal gråter.\n"
        "Sentralt i filmen er drapet på en liten gutt.\n"
        "- Det var et vondt år.\n"
    )
    qs = extract(text, "no")
    # the first-person turn is his; the one that says nothing of its speaker stays unknown
    assert [q.speaker for q in qs] == ["Erik Poppe"] * 4 + [None]


def test_no_main_speaker_where_two_are_quoted_alike(extract):
    text = (
        "- Jeg elsker kino, sier Erik Poppe.\n"
        "- Jeg også, sier Kari Nordmann.\n"
        "- Det er viktig for meg, sier Poppe.\n"
        "- Og for meg, sier Nordmann.\n"
        "Filmen handler om store ting.\n"
        "- Nylig fikk jeg spørsmål om hva jeg tenker.\n"
    )
    assert extract(text, "no")[-1].speaker is None


@pytest.mark.parametrize("verb", ["avslutter", "utdyper", "presiserer", "slår fast"])
def test_concluding_and_elaborating_verbs_close_a_dash_quote(extract, verb):
    q = only(
        extract(
            "- Han har vært ekstremt målbevisst siden februar.\n"
            f"Han har et ekstremt fokus, {verb} Bjørn Svindal.\n",
            "no",
        )
    )
    assert q.speaker == "Bjørn Svindal" and q.text.endswith("ekstremt fokus")


def test_a_cue_infinitive_after_an_article_is_a_noun(extract):
    text = (
        "Reportasjen bygger på en tro på at årsaken til guttens plager er funnet, og at det "
        "dreier seg om el-overfølsomhet.\n"
    )
    assert extract(text, "no") == []


def test_a_belief_verb_before_a_modal_is_a_relative_clause(extract):
    text = (
        "Hver for seg går jentene til en de tror kan hjelpe dem, setter seg ned hos "
        "fastlegen sin, og forteller.\n"
    )
    assert extract(text, "no") == []


def test_an_at_clause_after_the_verb_is_no_speaker(extract):
    qs = extract(
        "Her i Istanbul har han i tillegg, til Kinas glede og Frankrikes vemmelse, erklært at "
        "de vestlige landenes eksklusive allianse, G7, snart vil bli oppløst.\n",
        "no",
    )
    assert all(not (q.speaker or "").lower().startswith("at ") for q in qs)
    assert all("Istanbul" not in q.text for q in qs)


def test_a_clause_after_an_inverted_speaker_is_what_they_say(extract):
    q = only(
        extract(
            "Når jentene blir eldre og stiller flere spørsmål ved pillebruken, sier moren det "
            "er medisiner for andre sykdommer.\n",
            "no",
        )
    )
    assert q.speaker_mention == "moren"
    assert q.text == "det er medisiner for andre sykdommer"


def test_the_writer_s_own_opinion_is_no_quote(extract):
    text = (
        "Jeg mener at Aftenposten burde være mer nyansert og objektiv i sin presentasjon "
        "av et så kontroversielt tema.\n"
        "- Jeg mener at avisen tar feil, sier Kari Nordmann.\n"
    )
    assert [q.speaker for q in extract(text, "no")] == ["Kari Nordmann"]


def test_an_attribution_after_a_question_in_guillemets(extract):
    qs = extract(
        "Der gikk vi rett på Omar Sidibeh fra Gambia.\n"
        "- Jeg kjørte forbi med fetteren min og sa «Jøss, hva i all verden er det for noe?» "
        "sier Sidibeh.\n",
        "no",
    )
    assert [(q.speaker, q.speaker_mention) for q in qs] == [("Omar Sidibeh", "Sidibeh")]
    assert qs[0].text.endswith("er det for noe?")


def _resolver(text):
    """A Norwegian speaker resolver over ``text``, as extraction makes one."""
    from quotestance.entities import load_entities
    from quotestance.extract.speakers import SpeakerResolver
    from quotestance.lexicon import load_lexicon

    return SpeakerResolver("no", load_lexicon("no"), load_entities(), text)


def test_a_surname_takes_the_full_name_written_before_the_recogniser_missed():
    text = "Der gikk vi rett på Omar Sidibeh fra Gambia.\n- Det er et bygg, sier Sidibeh.\n"
    resolver = _resolver(text)
    at = text.index("Sidibeh.\n")
    assert resolver.resolve("Sidibeh", "Sidibeh", at, is_person_name=True).speaker == (
        "Omar Sidibeh"
    )


def test_a_demonym_opening_a_recognised_name_is_not_part_of_it():
    text = (
        "Danske Ellen Porsdal Hink synes Operaen er fin.\n- Det er som å gå i fjell, sier Hink.\n"
    )
    resolver = _resolver(text)
    resolver.add_name(0, "Danske Ellen Porsdal Hink", subject=True)
    at = text.index("Hink.\n")
    assert resolver.resolve("Hink", "Hink", at, is_person_name=True).speaker == (
        "Ellen Porsdal Hink"
    )


def test_the_one_addressed_is_never_a_speaker(extract):
    qs = extract(
        "- Det har vært tøft, sier Shabana Rehman.\n"
        "- Ja.\n"
        "Hvor det ble av Shabana Rehman, sier du?\n",
        "no",
    )
    assert "du" not in [q.speaker for q in qs]


def test_a_relation_named_in_apposition_is_that_name_later(extract):
    qs = extract(
        "- De minste barna forstår ikke hva forsikring er, sier Hannahs far, Andrew.\n"
        "Hannah har tre yngre søsken.\n"
        "- Hele familien har sett fram til dette, sier faren.\n",
        "no",
    )
    assert [q.speaker for q in qs] == ["Andrew", "Andrew"]


def test_an_inverted_speaker_that_ends_the_text(extract):
    qs = extract("Livet mitt er blitt bedre etter flyttingen, sier moren", "no")
    assert [q.speaker_mention for q in qs] == ["moren"]
