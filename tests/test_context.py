"""Context of each cue: performed, negated, planned, historical; pseudo-triggers and
terminators; section context."""

import pytest


def ctx_of(parse, text, quote):
    parsed = parse(text)
    for c in parsed.cues:
        if parsed.text[c.char_start : c.char_end] == quote:
            return c.context
    raise AssertionError(f"cue {quote!r} not found")


CASES = [
    ("SLS on foam 3x30s", "foam", "performed"),
    ("no ther ex today", "ther ex", "negated"),
    ("pt declined balance training", "balance training", "negated"),
    ("cutting drills held today, knee effusion", "cutting drills", "negated"),
    ("unable to tolerate squats due to pain", "squats", "negated"),
    ("will add tandem stance next visit", "tandem stance", "planned"),
    ("Plan: progress to SLS on foam", "foam", "planned"),
    ("Goals: independent car transfer in 4 wks", "car transfer", "planned"),
    ("HEP: bridges and clams daily", "bridges", "planned"),
    ("Recommend: tub bench and grab bar", "tub bench", "planned"),
    ("Advice: walk 2 x 15 min daily", "walk", "planned"),
    ("Ed: log roll to get out of bed", "log roll", "planned"),  # teaching only: what to do at home
    ("Home care: walking program", "walking program", "planned"),
    ("arm trough for the w/c to be ordered", "w/c", "planned"),
    ("Referred by: sports med for balance training", "balance training", "historical"),
    # "set-up only" leaves a machine unsupervised but is an assist level on a self-care task
    ("NuStep 10 min, set-up only", "NuStep", "negated"),
    ("UB dressing seated, set-up only", "UB dressing", "performed"),
    ("last visit did lunges, sore after", "lunges", "historical"),
    ("hx of falls at home", "falls", "historical"),
    ("S: pt reports doing heel raises at home", "heel raises", "historical"),
    ("cont 2x/wk, add farmer carries once grip improves", "farmer carries", "planned"),
    ("Walking log: 5/7 days, bike 20-30 min", "bike", "historical"),
    ("Pt verbalized removing the splint if redness lasts", "splint", "historical"),
    ("Continue POC, progress tandem stance on foam", "tandem stance", "planned"),
    ("OK to start run/walk intervals on alternate days", "run", "planned"),
    ("says she rides the bike 15 min twice a day at home", "bike", "historical"),  # a daily routine, not the session
    ("quad sets with the patella held still by his hand", "quad sets", "performed"),  # held = kept in place
    ("He reports that last weekend he was able to lift the laundry basket onto the dryer", "laundry basket", "historical"),  # what he did at home
    ("Pt was able to lift the laundry basket onto the dryer x5", "laundry basket", "performed"),  # (guard) done in the session
    ("DIP flexion w/ PIP held ext, 2x10", "2x10", "performed"),  # a joint held in position, not a session held
    # pseudo-negation: the trigger word does not negate
    ("SLS 30 s no LOB", "LOB", "performed"),
    ("step-ups 3x10 without difficulty", "step-ups", "performed"),
    ("squats no pain, progressed to 10#", "squats", "performed"),
    # terminators end the scope
    ("no cutting today but SLS on foam 3x20s", "foam", "performed"),
    ("deferred hopping; instead BAPS board 3 min", "BAPS board", "performed"),
    ("Next: treadmill 14 min, 12 kg lift", "treadmill", "planned"),
    ("Zipper practice on his own jacket, cues to hold the tab", "Zipper", "performed"),  # a possessive, not "on his own"
    ("did the bike on his own before the session", "bike", "negated"),
    ("PLAN next 2 visits:\n- planks 3x30 s for core endurance", "planks", "planned"),  # a plan header with its when
    # scope stays inside the sentence
    ("No pain reported. Bridges 3x15.", "Bridges", "performed"),
]


@pytest.mark.parametrize("text,quote,expected", CASES)
def test_context(parse, text, quote, expected):
    assert ctx_of(parse, text, quote) == expected


def test_sentences_and_sections(nlp):
    doc = nlp("S: knee sore\nO: clams 3x10. bridges 3x15\nA: tol well\nP: add foam")
    assert len(list(doc.sents)) == 5
    assert [s[1] for s in doc._.sections] == ["subjective", "objective", "assessment", "plan"]
    assert [s[2] for s in doc._.sections] == ["historical", "performed", "assessment", "planned"]


def test_scoring_steps_record_what_the_pipeline_records(nlp):
    """ptcode's own scoring skips the token lemmas and SENT_START flags; what it reads must be
    what the public pipeline stores."""
    from classifier.evidence import _annotate
    from classifier.pipeline import scoring_steps

    text = "S: knee sore\nO: clams 3x10, no SLS on foam. bridges 3x15\nP: add foam for balance"
    full = nlp(text)
    lean = _annotate(text, nlp.tokenizer, scoring_steps(nlp))
    assert lean.user_data == full.user_data
    assert full[0].lemma_ == "s" and full.has_annotation("SENT_START")
