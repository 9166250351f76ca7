"""Every cue family is found in text written the way therapists write it."""

import pytest

from classifier.cues import FAMILIES, load_lexicon

CASES = [
    ("strength", "standing hip abd 3x12 with cuff weight", "hip abd"),
    ("rom", "heel slides AAROM to 95 deg", "heel slides"),
    ("flexibility", "hamstring stretch 3x30s each", "hamstring stretch"),
    ("endurance", "NuStep 10 min level 4", "NuStep"),
    ("dosing", "clams 3x15 w/ RTB", "3x15"),
    ("balance", "tandem stance on Airex eyes closed", "Airex"),
    ("proprioception", "joint position sense drills R knee", "joint position sense"),
    ("coordination", "finger to nose x10 L UE, dysmetria noted", "finger to nose"),
    ("posture", "postural re-ed in sitting with mirror feedback", "postural re-ed"),
    ("vestibular", "VOR x1 horizontal 2 x 60 s", "VOR x1"),
    ("motor_control", "PNF D2 flexion pattern with manual cues", "PNF"),
    ("functional_task", "car transfer in and out of sedan x3", "car transfer"),
    ("intent", "lifting crate to simulate stocking shelves", "to simulate"),
    ("purpose", "bridges for glute strength", "for"),
    ("assist", "bed to chair transfer min A", "min A"),
    ("body_mechanics", "box lift with cues for body mechanics", "body mechanics"),
    ("gait", "gait trng w/ RW 150 ft x2", "gait trng"),
    ("manual", "grade III PA glides L4-5", "PA glides"),
    ("modality", "MHP to lumbar spine 10 min", "MHP"),
    ("self_care", "LB dressing w/ sock aid and reacher", "LB dressing"),
    ("group", "balance class with 4 other pts", "balance class"),
    ("evaluation", "re-eval completed, goals updated", "re-eval"),
    ("performance_test", "FCE with written report", "FCE"),
    ("education", "educated pt on pacing", "educated"),
    ("not_performed", "pt cancelled due to illness", "cancelled"),
    ("wheelchair", "w/c propulsion 100 ft", "w/c"),
    ("orthotic", "AFO donning and wear schedule", "AFO"),
    ("other_code", "aquatic therapy in chest deep water", "aquatic therapy"),
    ("header", "Ther Ex: clams", "Ther Ex"),
    ("decoy", "dizziness up 2 pts after VOR", "up 2 pts"),
    ("neuro_dx", "L hemiparesis after CVA", "hemiparesis"),
]


def test_every_family_is_tested():
    assert {c[0] for c in CASES} == set(FAMILIES)


@pytest.mark.parametrize("family,text,quote", CASES)
def test_family_cue_found(parse, family, text, quote):
    parsed = parse(text)
    found = [(c.family, parsed.text[c.char_start : c.char_end]) for c in parsed.cues]
    assert (family, quote) in found


@pytest.mark.parametrize(
    "text,quote,family",
    [
        ("awaiting lung transplant listing", "transplant listing", "decoy"),  # not a chiropractic listing
        ("stiff after a long flight home", "long flight", "decoy"),  # not a flight of stairs
        ("Transfer package: home skill program, contract signed", "Transfer package", "decoy"),  # CIMT's home programme
        ("Walking program - reports 20 min/day", "Walking program", "education"),  # a home programme, not gait training
        ("Thomas test R +, lumbar ext painful", "Thomas test", "decoy"),  # an exam finding, not a performance test
        ("asked about Saturday's group ride", "group ride", "decoy"),  # the patient's club, not group therapy
    ],
)
def test_words_of_another_sense_take_their_own_family(parse, text, quote, family):
    parsed = parse(text)
    found = {(c.family, parsed.text[c.char_start : c.char_end]) for c in parsed.cues}
    assert (family, quote) in found


def test_longest_match_wins_across_families(parse):
    parsed = parse("foam roller to quads 2 min")
    fams = {(c.family, parsed.text[c.char_start : c.char_end]) for c in parsed.cues}
    assert ("flexibility", "foam roller") in fams
    assert ("balance", "foam") not in fams


def test_longest_match_filter_keeps_what_it_should(nlp):
    """Longest first; a match overlapping a longer kept one is dropped; every cue id on one
    same span is kept; matches that do not overlap all stay."""
    cues = nlp.get_pipe("ptcode_cues")
    doc = nlp.make_doc("single leg stance on foam then heel raises")
    kept = cues.match(doc)
    spans = [(s, e) for s, e, _f, _c in kept]
    assert spans == sorted(spans)
    for i, (s, e) in enumerate(spans):
        for s2, e2 in spans[i + 1 :]:
            assert (s, e) == (s2, e2) or e <= s2 or e2 <= s  # identical or disjoint
    assert any(e - s >= 3 for s, e in spans)  # "single leg stance" as one cue, not its words


def test_lexicon_ids_are_namespaced_by_family():
    for row in load_lexicon().patterns:
        assert row["id"].split(".")[0] == row["label"]


def test_cue_spans_for_spacy_users(nlp):
    from classifier.cues import cue_spans

    doc = nlp("no SLS on foam today; bridges 3x10")
    spans = {sp.text: (sp.label_, sp.id_, sp._.context) for sp in cue_spans(doc)}
    assert spans["SLS"] == ("balance", "balance.stance", "negated")
    assert spans["bridges"][0] == "strength" and spans["bridges"][2] == "performed"


@pytest.mark.parametrize(
    "text,group",
    [
        ("Compression garment class 2 fit checked, pt donned it w/ donning aid", False),  # a garment class
        ("Work simulation: alternating between keyboard and ledger entry", False),
        ("Balance class with 4 other pts: tandem walk, SLS", True),
        ("alternating between pts in the gym, each on own program", True),
    ],
)
def test_group_cues_need_a_group(parse, text, group):
    assert any(c.family == "group" for c in parse(text).cues) is group


@pytest.mark.parametrize(
    "text,family,found",
    [
        ("1015-1040 pt seen bedside", "rom", False),  # clock times, not degrees
        ("knee flexion 0-95 in supine", "rom", True),
        ("works 3rd shift at the plant", "coordination", False),  # a work shift
        ("shifts pencil from palm to fingertips x10", "coordination", True),
        ("cued to shift wt onto the L leg", "balance", True),
        ("3 flights of stairs with one rail", "gait", True),
        ("Memory care unit, seen in dayroom", "other_code", False),  # a setting, not cognitive training
        ("W/c assessment: seat depth reduced, footplates raised", "wheelchair", True),
        ("multilayer short-stretch bandaging L arm", "other_code", True),
        ("talked about pacing the yard work", "education", True),
        ("US 1 MHz 1.0 W/cm2 to R patellar tendon", "modality", True),  # an exact-case pattern
        ("pt showed us the HEP", "modality", False),
        ("doorway approach with a laser cane, 0 freezes", "gait", True),  # a cueing device, not laser therapy
        ("doorway approach with a laser cane, 0 freezes", "modality", False),
        ("lean-and-release, compensatory stepping responses", "balance", True),
        ("lean-and-release, compensatory stepping responses", "self_care", False),
        ("workstation advice: laptop riser", "education", True),
        ("sleep hygiene and pacing discussed", "self_care", False),
        ("snipping paper strips with loop scissors", "coordination", True),
        ("platform swing for vestibular input", "other_code", True),
        ("handwashing at the sink with a visual schedule", "self_care", True),
        ("pressure mapping: trialed a foam/air hybrid cushion, peak 71 mmHg", "wheelchair", True),
        ("pressure mapping: trialed a foam/air hybrid cushion, peak 71 mmHg", "balance", False),
        ("mCIMT day 6, mitt on the L", "motor_control", True),  # constraint-induced movement therapy
        ("talked with the participant about her goals", "group", False),  # one PACE participant
        ("grip switching on the myoelectric hand, 3 errors in 10", "orthotic", True),  # upper-limb prosthesis
        ("opened the split hook to grasp foam blocks", "orthotic", True),
        ("balance class, 6 participants", "group", True),
        ("shaping trials: coins into a slot, graded by slot height", "motor_control", True),
        ("picked up the throw rugs, night lights recommended", "self_care", True),
        ("gait re-ed in the bars, cues for R hip extension in stance", "motor_control", False),  # gait training's UK name
        ("gait re-ed in the bars, cues for R hip extension in stance", "gait", True),
        ("retrograde edema massage to the digits", "manual", True),  # manual therapy, not 97124 massage
        ("retrograde edema massage to the digits", "other_code", False),
        ("green putty 5 min", "strength", True),  # a putty's colour does not hide the putty
        ("educated on splinting the incision w/ pillow for cough", "orthotic", False),  # a pillow held to the wound
        ("checked cushion orientation, footrests up 1 notch", "other_code", False),  # no orientation training
        ("median nerve sliders 2x10 in sitting", "rom", True),  # a nerve glide is range-of-motion work
        ("cervical side bend stretch 3x30s", "functional_task", False),  # a neck movement, not bending to lift
        ("paraffin, hand resting on a foam wedge", "balance", False),  # a positioning wedge, not a foam surface
        ("autogenic drainage in sitting, 15 min", "other_code", True),  # airway clearance
        ("Acapella 3 cycles x10 breaths", "endurance", False),  # breathing cycles, not a cycle ergometer
        ("PD w/ percussion, 4 positions", "other_code", True),
        ("ISWT to level 9, 540 m", "performance_test", True),
        ("scap clock on the wall with a small ball", "motor_control", True),
        ("wall ladder flexion x3 to rung 14", "functional_task", False),  # a range-of-motion device
        ("wall ladder flexion x3 to rung 14", "rom", True),
        ("edu: low-load stretching at home", "functional_task", False),  # a stretch's load, not a load lifted
        ("SPT gave chest wall vibrations", "functional_task", False),  # the student, not a stand pivot transfer
        ("SPT w/c to bed min A", "functional_task", True),
        ("cast #3 applied: below-knee fiberglass, 5 deg DF", "other_code", True),  # casting
        ("land, after pool, 8 min: seated flexion stretch", "other_code", False),  # not the aquatic session
        ("refit resting hand splint, remolded into more extension", "orthotic", True),
        ("loosened lower strap one notch on the brace", "orthotic", True),
        ("headache up 3 pts after the bike test", "group", False),  # a score's points, not three patients
        ("circuit class, 4 pts, 1 PT", "group", True),
        ("soft tissue mob to adductor group", "group", False),  # a muscle group
        ("staff from his group home present for transfers", "group", False),  # where he lives
        ("wringing a wet towel, opening jars, turning a key in the lock board", "functional_task", True),
        ("Text below carried forward from 3/2 - verify", "functional_task", False),  # an EHR's copied text, not a carry
        ("balance bike, gliding with feet up 5 s", "manual", False),  # not a joint glide
        ("AP glides grade III to the talocrural joint", "manual", True),
        ("Med mgmt: filled a weekly pill organizer w/ wife", "self_care", True),
        ("Date/Time: 1/14 AM", "gait", False),  # the morning, not metres
        ("falls prevention class, 6 attendees", "group", True),
        ("walked 40 m x2 w/ RW", "gait", True),
        ("L hemiplegic shoulder, 1 fingerbreadth subluxation", "other_code", False),  # no spinal manipulation
        ("Subluxation L5, R SI; diversified CMT lumbar", "other_code", True),
        ("the kerb outside the shop x4, stick leading down", "gait", True),  # the British spelling of a curb
        ("taught skin inspection of both feet with a long-handled mirror", "self_care", True),
        ("skin check after loading, no blanching", "self_care", False),  # a finding after exercise
        ("scooping yogurt with a curved-handle spoon", "self_care", True),
        ("activity scheduling for the weekend, written in her planner", "self_care", True),
        ("dead bug on a pressure cuff, keep needle still at 40 mmHg", "other_code", False),  # a gauge, not dry needling
        ("at the wall bars with UE traction, correction held 4x30 s", "modality", False),  # holding the bars, no traction unit
        ("at the wall bars with UE traction, correction held 4x30 s", "not_performed", False),  # held = kept, not withheld
        ("derotational breathing in side-lying over a roll", "posture", True),
        ("IMT with a threshold device, 2 sets x 15 breaths", "strength", True),  # inspiratory muscle training
        ("chin nods in supine 10 times, return demonstration", "strength", True),
        ("BWS treadmill walking, therapist advancing the L leg for swing", "functional_task", False),  # the gait cycle's swing, not a sport
        ("DN (L) QL and glute med, prone, 10 min", "other_code", True),  # dry needling
        ("sit dn slowly from the high mat x5", "other_code", False),  # "down", in lower case
        ("hasn't taken AM meds, ran out Tues", "functional_task", False),  # ran out of pills, no running
        ("bowling 4 frames with the light ball", "functional_task", True),
        ("Walking log 5/7 days, 20-30 min", "gait", False),  # the patient's record of walks at home
        ("new bilat SMOs, donning with mom", "orthotic", True),
        ("talked about crochet, bigger needles with a padded grip", "other_code", False),  # knitting needles, not dry needling
        ("needling to R infraspinatus, 2 needles, twitch x3", "other_code", True),
        ("sixty-two-year-old retired welder, lives alone", "rom", False),  # an age in words, not a range of motion
        ("taping the eye closed at night reviewed with daughter", "balance", False),  # facial palsy care, not eyes-closed balance
        ("synkinesis of the lower lid with a wide smile", "motor_control", True),
        ("eyebrow raise w/ lid kept open, other side held still w/ her fingers", "not_performed", False),  # held = kept
        ("Tx held: BP 190/104 at rest", "not_performed", True),
        ("bolt board at waist height, 12 bolts on and off", "functional_task", True),
        ("trialled built-up foam on her pen and fork", "self_care", True),
        ("skirting the radiated field on the L neck", "functional_task", False),  # a radiotherapy field, not a sports field
        ("scaling practice with a mouth mirror and curette", "posture", False),  # a dental instrument, no postural feedback
        ("MDE 1-7 standing, max effort, counting aloud", "motor_control", True),  # LSVT BIG's maximal daily exercises
        ("buttons 4:10 today vs 6:45 at eval", "evaluation", False),  # a comparison with the evaluation, not one today
        ("taught daily foot checks with a hand mirror", "self_care", True),
        ("went over the positioning program with the night staff", "self_care", True),
        ("scanner gun held in L while carrying the tote", "not_performed", False),  # held = holding
        ("cradling on the move, overhand shots x15", "functional_task", True),  # lacrosse skills
        ("raised the transport chair's footrests and added a headrest", "wheelchair", True),
        ("reviewed her energy envelope and the push-crash pattern", "self_care", True),
    ],
)
def test_cue_scope(parse, text, family, found):
    assert any(c.family == family for c in parse(text).cues) is found


def test_explanation_names_the_service_it_codes():
    from classifier import suggest

    s = suggest("Compression garment class 2 fit checked, pt donned it w/ donning aid 2 trials, indep on 2nd")
    assert s.code == "none" and s.other_service == "97535"
    assert "(97535)" in s.explanation
    # group therapy decides the code; the explanation names it, not the more frequent self-care cues
    s = suggest("Group session with 3 other pts: donning socks w/ sock aid, donning shoes, LB dressing practice")
    assert s.other_service == "97150"
    assert "group therapy (97150)" in s.explanation and "self-care" not in s.explanation
