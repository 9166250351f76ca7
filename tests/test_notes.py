"""Whole-note analysis: minutes formats, sections, blocks, totals, units and warnings."""

from __future__ import annotations

import pytest

from classifier import analyze_note
from classifier.notes import minutes_in, segment_note

MINUTES = [
    ("Before group, 1:1 x 10 min: gaze work", 10),
    ("putty 3 min ea hand, gross grasp 2x15", None),  # a dose per hand
    ("VOR x1 3 x 45 s, dizziness settles <1 min", None),
    ("Time in 0912 / time out 0958. Drove 34 mi on gravel", None),  # the visit's time, not an item's
    ("TE 15'", 15),
    ("NMR 15 min", 15),
    ("ther ex x15min", 15),
    ("bike (12 minutes)", 12),
    ("10:05-10:20 gait", 15),
    ("worked on transfers for 8 minutes", 8),
    ("fifteen minutes of stretching", 15),
    ("NuStep L3 x12'", 12),  # a level, then minutes (not sets x minutes)
    ("97110 x 20 min", 20),
    ("HR at 10 min 112 bpm", None),  # a time point
    ("SpO2 91% in 2 min", None),  # a vital sign's recovery
    ("spinning vertigo rolling in bed, <1 min episodes", None),  # a bound on a symptom, not time spent
    ("mild redness after, gone in under five minutes", None),
    ("Floor recovery 12 min: supine to side to quadruped", 12),  # the activity's name, not a recovery time
    ("mild dizziness at end, resolved seated in 1 min", None),
    ("pain 4/10 walking >15 min", None),
    ("prone on elbows | 1 min holds x3 | done", None),  # a hold's length, not time spent
    ("1 LOB -> 10 min", 10),  # an arrow, not a bound
    ("5 min rest between sets", None),
    ("amb 150' x2", None),  # distance, not minutes
    ("SLS 3x30s", None),
    ("BP checked q5 min", None),  # a check interval
    ("dizziness 5/10 -> 2/10 in 3 min", None),  # a symptom's recovery
    ("Ther Ex [x] 97110  Time: 18", 18),  # a labelled minutes field
    ("Time: 3/10 pain", None),
    ("walk 10 min 3x/day at home", None),  # a home prescription
    ("Time in 0905 out 0950", None),  # the visit's length (read as such below)
    ("visit 10:40 to 11:25, seen in home", None),  # the visit's length, not an intervention's
    ("dizziness +1, back to baseline <1 min", None),  # a recovery
    ("bike daily 20 min at home", None),  # a home prescription
    ("sat EOB 3 min for the dizziness to pass", None),  # a wait for symptoms to settle
    ("walked 6 min while HR monitored", 6),
    ("walking plan reviewed: 30 min, 2x/wk with a friend", None),  # a home prescription
    ("arrived 10 min late, SOB from the parking lot", None),  # a late arrival
    ("State: quiet alert, fed 30 min prior", None),  # before the session
    ("AM stiffness ~90 min, pain 4/10", None),  # a symptom's duration
    ("HH visit, TI 0900 TO 0945, pt homebound", None),  # the visit's time in and out
    ("MHP 10 min prior to ex", 10),
    ("standing tolerance 8 min before rest", None),  # how long the patient lasted, not a service's time
    ("sitting tolerance: ~20 min", None),
    ("putty green - gross grasp/lat pinch 2x15, 8m", 8),  # a lower-case "m" closing a row
    ("Patellar mobs sup/inf/med gr III - 6m", 6),
    ("standing feet together EC, 3 x 30 s (8m) - postural control", 8),
    ("carry 20m x4 w/ 10 kg", None),  # metres
    ("walked 40m w/ RW, 2 rests", None),
    ("shuttle walk 2 x 10m, cues", None),
    ("Pt 29M, L shoulder pain, visit 4", None),  # an age and sex
    ("s/p R TKA 3m, doing well", None),  # months since surgery
    ("age 3y2m, GMFCS II", None),
    ("visits moved to 45 to 90 minutes after a dose", None),  # a time after a dose
    ("walk 10 min after meals", None),
    ("Seen ~90 min after 0800 carbidopa/levodopa dose, ON state", None),  # a time after a dose
    ("rode the road bike 40 min yesterday without pain", None),  # another day
    ("arrived about forty minutes past her usual noon dose", None),
    ("Treadmill intervals 1 min 2.0 mph / 1 min 1.0 mph x 9 (18 min)", 18),  # work and rest intervals, then the time
    ("Parent diary returned - home practice 20 min x2.", None),  # time spent at home
    ("sit<>stand from toilet height, for transfers at home -- 10 min", 10),  # a purpose, in the session
]


def _by_code(note: str) -> dict[str, int | None]:
    """The note's line items as ``{code: minutes}``."""
    return {i.code: i.minutes for i in analyze_note(note).items}


@pytest.mark.parametrize("text,minutes", MINUTES)
def test_minutes_formats(text, minutes):
    got = minutes_in(text)
    assert (got[0][2] if got else None) == minutes


@pytest.mark.parametrize("text", ["Time in 0905 out 0950", "visit 10:05-10:50, seen in home", "TI 0905 TO 0950"])
def test_a_visits_time_in_and_out(text):
    assert [m[2] for m in minutes_in(text, visit=True)] == [45]


NOTE = """S: L knee sore after stairs at work, 3/10.
O:
TE 12 min: quad sets, SLR 3x10 3#, heel slides 2x15
NMR 10 min: SLS on foam 3x30s, tandem walk on line
TA 8 min: floor to waist lift 15 lb box x8 to simulate warehouse work
Manual 9 min: patellar mobs gr II, STM distal quad
Total timed minutes: 39
A: tolerated well, less pain with SLS.
P: add lateral step-downs and progress lift to 25 lb next visit.
"""


def test_note_items_minutes_units():
    n = analyze_note(NOTE)
    items = {i.code: i.minutes for i in n.items}
    assert items == {"97110": 12, "97112": 10, "97530": 8, "97140": 9}
    assert n.total_timed_minutes == 39
    assert n.units == {"97110": 1, "97112": 1, "97530": 0, "97140": 1}
    assert any("97530 with 97140" in w for w in n.warnings)
    for item in n.items:
        assert 0 <= item.start < item.end <= len(NOTE)


def test_plan_and_subjective_are_not_items():
    n = analyze_note("S: did squats at home\nO: MHP lumbar 10 min\nP: add lateral step-downs and balance on foam next visit")
    assert {i.code for i in n.items} == {"97010"}


def test_ama_rule():
    n = analyze_note(NOTE, rule="ama")
    assert n.units == {"97110": 1, "97112": 1, "97530": 1, "97140": 1}


def test_total_mismatch_warning():
    n = analyze_note("TE 12 min: clams 3x15 RTB, bridges 3x12\nNMR 10 min: SLS foam 3x30s\nTotal timed minutes: 30")
    assert any("differ" in w for w in n.warnings)


def test_bare_block_header_minutes_go_to_its_lines():
    note = "Ther Ex 20 min:\n- clamshells RTB 3x15\n- bridges 3x12\n- SLR 3x10 2#\nGait 8 min: RW 150 ft x2 CGA"
    n = analyze_note(note)
    assert {i.code: i.minutes for i in n.items} == {"97110": 20, "97116": 8}


def test_billing_summary_line():
    note = "[x] 97110 TherEx 15 min  [x] 97112 NMR 10 min\nEx: bike 5', clams RTB 3x15, bridges 3x12\nNMR: tandem stance foam 3x30s, SLS 3x20s"
    n = analyze_note(note)
    assert {i.code: i.minutes for i in n.items} == {"97110": 15, "97112": 10}


def test_assistant_and_modifier_warnings():
    n = analyze_note("PTA note per PT POC\nTE 15 min: clams 3x15, bridges 3x12\nTA 10 min: car transfer x3 min A")
    assert any("CQ" in w for w in n.warnings)
    n = analyze_note("COTA note\nTA 15 min: kitchen reach to upper shelf with 2 lb cans x10")
    assert any("CO modifier" in w for w in n.warnings)


def test_documentation_gap_warnings():
    n = analyze_note("TE 10 min: hip strengthening\nTA 10 min: functional activities")
    assert any("97110 documentation" in w for w in n.warnings)


def test_lone_service_under_eight_minutes():
    n = analyze_note("TE 6 min: clams 3x10 RTB, bridges 2x10")
    assert n.units.get("97110", 0) == 0
    assert any("under 8 minutes" in w for w in n.warnings)


AUDIT_NOTE = """O:
TE 16 min: clams RTB 3x15, bridges 3x12, SLR 3x10 2#
TA 12 min: car transfer practice x3 min A, cues for hand placement
MHP 10 min low back
"""


def test_audit_flags_both_directions():
    from classifier.api import audit_note

    res = audit_note(AUDIT_NOTE, "97110x1;97112x1;97010x1")
    kinds = {(f.kind, f.code) for f in res.flags}
    assert ("not_supported", "97112") in kinds  # billed, not documented
    assert ("not_billed", "97530") in kinds  # documented, not billed
    flag = next(f for f in res.flags if f.code == "97530")
    assert flag.evidence and all(q in AUDIT_NOTE for q in flag.evidence)


def test_audit_units_over_and_under():
    from classifier.api import audit_note

    over = audit_note(AUDIT_NOTE, "97110x2;97530x1;97010x1")
    assert any(f.kind == "units_over" and f.code == "97110" for f in over.flags)
    under = audit_note("TE 38 min: clams RTB 3x15, bridges 3x12, SLR 3x10 2#, hip abd 3x12", "97110x1")
    assert any(f.kind == "units_under" and f.code == "97110" and f.supported_units == 3 for f in under.flags)


@pytest.mark.parametrize("billed,expected", [("97110x2;97530x1", {"97110": 2, "97530": 1}), ("97110 x 2, 97112", {"97110": 2, "97112": 1}), ("97110-GP-CQ x2", {"97110": 2}), ("", {})])
def test_parse_billed(billed, expected):
    from classifier.audit import parse_billed

    assert parse_billed(billed) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        ("Ther Act 15: car transfer x3 min A", {"97530": 15}),
        ("TherAct x15 - floor to waist lift 20 lb x10", {"97530": 15}),
        ("TE 3x10: clams RTB, bridges", {"97110": None}),
        ("TE 3 x 10: clams RTB, bridges", {"97110": None}),
        ("Circuit 40 min: bike 10 min, squats 2x10, step-ups 2x10, calf raises 5 min", {"97110": 40}),
        ("Vestibular/NMR 10:00-10:20: VOR x1 on foam 3 x 45 s, recovered in 1 min", {"97112": 20}),
        ("0905-0915 Ther ex: heel slides x10, SAQ x10", {"97110": 10}),
    ],
)
def test_block_minutes(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,fragment",
    [
        ("PT note\nTE 15 min: clams 3x15, bridges 3x12\nProvider: J. Doe, PT, DPT", "GP modifier"),
        ("OT note\nTA 15 min: reaching to upper shelf with cans x10\nOTR/L", "GO modifier"),
        ("PTA note\nTE 15 min: clams 3x15, bridges 3x12", "CQ modifier"),
        ("COTA\nTA 15 min: reaching to upper shelf with cans x10", "CO modifier"),
        ("TE 15 min: clams 3x15\nGroup balance class 30 min with 3 other pts", "group therapy 97150 with one-on-one 97110"),
    ],
)
def test_modifier_and_pair_warnings(note, fragment):
    assert any(fragment in w for w in analyze_note(note).warnings)


@pytest.mark.parametrize(
    "note,expected",
    [
        ("from ten oh five to ten twenty we did big amplitude stepping and reaching to tape marks", {"97112": 15}),
        ("[x] 97110 Ther Ex  15 min\n[x] 97530 Ther Act  12 min\n[ ] 97112 NMR\nTher Ex: clams RTB 3x15, bridges 3x12, rocker board 2x1 min\nTher Act: car transfer x3 min A", {"97110": 15, "97530": 12}),
        ("Tx: thumb AROM all planes, light putty pinch 3 min, web space stretch 3x30s\nTotal timed: 30 min", {"97110": 30}),
        ("Back class with 5 other pts: bridges, planks, wall squats, 40 min total", {"97150": 40}),
        # a per-code total overrides the durations of the listed activities
        ("Recumbent bike 6 min\nLAQ 3# 2x12\nTreadmill 2.5 mph x 15 min\nTher ex total 30 min", {"97110": 30}),
        ("Pool 30 min: water walking, squats at wall\nTotal 30 min aquatic", {"97113": 30}),
        # a headed block with several timed activities and no time of its own
        ("TE: rower 10', bike 8', UBE 6'. Bands per flowsheet.", {"97110": 24}),
        # a session label before a coded block: the block's own time
        ("AM session (40 min): Ther act 25 min - sit to stand from low couch x8, car transfer practice x3", {"97530": 25}),
        # one parenthesised closing time for the line
        ("Kitchen task: unloaded dishwasher standing 6 min; cues for pacing and posture. (~15 min)", {"97530": 15}),
        # a tally line of block names and minutes
        ("Bike 8'\nclamshells 3x15, bridges 3x12\nSLS on foam 3x30s, tandem walk\nTE 20', NMR 10'", {"97110": 20, "97112": 10}),
        # a visit time line times the lines under it
        ("OT 1400-1425\nToilet transfer practice w/ grab bar x3, CGA\nsit to stand from w/c x5", {"97530": 25}),
        ("TherEx 97110 x15': clamshells 3x15, bridges 3x12", {"97110": 15}),
        ("Exercise | Sets | Time\nBike | L4 | 8'\nLeg press | 3x10 |", {"97110": 8}),
        ("Seated ther ex (10 minutes): LAQ 2x10, marches 2x15, heel raises 2x12\nTotal timed minutes: 14", {"97110": 10}),
        # indented lines with their own times stay in the block; the header gives the block time
        ("Ther ex (20 min):\n  bike L3 8 min\n  clamshells 3x15\n  bridges 3x12", {"97110": 20}),
        # a line that states its own total is one item with that total
        ("Grip/pinch: red putty 4', lateral pinch clips x20 - 9' total", {"97110": 9}),
        # a time set off by a dash is the line's, not a bout's ("1 min x2")
        ("Gaze stab VOR x1 seated 1 min x2 - 5 min, mild nausea so kept short.", {"97112": 5}),
        # the stated total does not replace a duration that is most of what is left
        ("Recumbent bike L2 x 12 min, HR 90-102.\nBalance 14 min: foam EO 4 x 30s, tandem stance EC 3 x 20s\nTotal timed minutes: 32", {"97110": 12, "97112": 14}),
        # ... but does replace one activity's short duration
        ("Tx: wrist AROM all planes, tendon glides x10, putty gross grasp 3 min, wrist ext stretch 3x30s.\nTotal timed: 25 min.", {"97110": 25}),
        # a gait header over walking-pattern training is gait training
        ("Gait x15min: heel-toe walking w/ verbal cues 250 ft, mirror feedback; toe walking ~30% of steps", {"97116": 15}),
        # lines that are not interventions: the patient's age and diagnosis name the patient, not an intervention
        ("58 y/o F, ALS, progressive hand weakness, wants to keep cooking\nTE 12 min: AROM shoulder flexion 2x10, grip putty 3 min", {"97110": 12}),
        # ... but a first line that doses exercise is content, even with a title word in it
        ("Session focused on balance, SLS on foam 3x30s EC, tandem walk x4\nPain 2/10.", {"97112": None}),
        # an examination is not a performed intervention
        ("Exam: hip abd 4-/5, SL squat valgus, Trendelenburg +\nTE 15 min: side-lying hip abd 3x12, clamshells 3x15", {"97110": 15}),
        # ticked codes without minutes are a claim, not documentation
        ("Services: [x] 97110 [ ] 97112 [x] 97530\nTA 10 min: floor to waist lift 20# box x10 for job", {"97530": 10}),
        # a block of zero minutes was not performed
        ("Neuromuscular re-education - 0 min: balance training deferred, dizzy after CRP\nTE 10 min: SLR 3x10, quad sets x15", {"97110": 10}),
        # individual time marked "indiv" stays out of the group session
        ("grp ex 1000-1030 w/ 6 residents - seated theraband ex, ball toss\nindiv 1100-1112: toilet transfer practice w/ grab bar x3, CGA", {"97150": 30, "97530": 12}),
        # a pool block is aquatic therapy whatever the exercises are
        ("In water 35 min: walking fwd/back 4 laps, hip abd at rail 2x12, mini squats 2x10", {"97113": 35}),
        # a ticked box's minutes time the one block no other box names, coded by its content
        ("[x] 97110 Ther Ex  12 min\n[ ] 97112 NMR\nActivities: tandem stance on foam 3x30s EC, SLS 4x10s w/ head turns, 2 LOB", {"97112": 12}),
        # a table's minutes column, and a row with several times stays one item
        ("| Service | Start | Stop | Tx min |\n| quad sets, heel slides w/ strap 2x15 | 0900 | 0912 | 12 |\n| stairs 4 steps B rails | 0912 | 0920 | 8 |", {"97110": 12, "97116": 8}),
        # a heading in capitals closed by its time heads the indented lines under it
        ("BALANCE CIRCUIT - 20 min\n  tandem walk on foam x4\n  SLS w/ ball toss 3x30s", {"97112": 20}),
        # sentences without a time after a timed one comment on it
        ("Then about 12 minutes of leg press at 70 lb, 3 sets of 12, and step-ups onto a 6 inch box 3x10 each leg with a 5 lb weight. Needed tactile cues to keep the knee over the second toe on the step-ups.", {"97110": 12}),
        # plan lines without a colon, and "Next:" lines, are not performed today
        ("TE 10 min: SLR 3x10, quad sets x20\nPlan 2x/wk x 4 wks, then reassess. Single leg balance on foam, tandem walking and step-ups 6 in to be added as tolerated", {"97110": 10}),
        ("TE 10 min: SLR 3x10, quad sets x20\nNext: tandem walk on foam, step-ups 6 in", {"97110": 10}),
        # prose above the first timed intervention is the history, not an untimed intervention
        ("PT daily note\nHe ran 6 mi Tues, pain only after mile 4 (3/10); Sunday's long run of 9 mi got to 5/10 near the end.\nTE 15 min: clams 3x15, bridges 3x12\nNMR 10 min: SLS on foam 3x30s", {"97110": 15, "97112": 10}),
        # a first line with a name and an age names the patient
        ("Dana, 38, warehouse picker, lifts totes all shift, L shoulder strain\nTE 12 min: ER/IR RTB 3x15, rows 3x12", {"97110": 12}),
        # a long first line opened by the note's title names the note
        ("SNF PT Daily Note - wk 3   Dx: L hip fx s/p IMN, wants to walk to the dining room and back\nTE 12 min: LAQ 2# 2x15, hip abd 2x12", {"97110": 12}),
        # a ticked box before a block name does not hide the header
        ("[x] Pool 0900-0930: mini squats 2x12, step-ups 2x10, water walking 4 laps\n[x] Ther Ex 0930-0940: bike 8 min, bridges 2x12", {"97113": 30, "97110": 10}),
        # a named code of the same group is the one billed ("97763", not 97760)
        ("Orthotic mgmt [x] 97763: thumb spica trimmed at the MCP crease, straps replaced, 12 min", {"97763": 12}),
        # a line closed by a block name and its minutes, without a unit
        ("- clamshells RTB 2x15, bridges 3x10, SLR 2x12  TE 12\n- tandem walk on foam, SLS 3x20s EO/EC  NMR 9", {"97110": 12, "97112": 9}),
        # a tally names a service the narrative runs into another block
        ("we did sit to stand from the recliner x6, then walked 150 ft with the walker and did seated kicks 2x10\nTransfers 10 min, gait 12 min, exercise 8 min", {"97530": 10, "97116": 12, "97110": 8}),
        # run-on narrative closing each activity with its time as a clause of its own
        ("picked coins out of a tray and turned them in the fingers, drops at first, 12 min, then stacked cans on the top shelf and took them down again, 10 min, then putty squeezes 3x10, 8 min", {"97112": 12, "97530": 10, "97110": 8}),
        # a long narrative paragraph: each time closes an activity; a bout's length does not
        ("She was sore after the weekend, so we started with scar massage along the incision for about 7 min and then desensitization with a washcloth, then rice, then cotton balls, three bouts of one minute each, about 10 minutes of that, then tendon glides and putty squeeze and pinch 2x15, about 12 min for that part.", {"97140": 7, "97112": 10, "97110": 12}),
        # "Timed N min" states the timed total: the untimed block gets the rest
        ("TE 15 min: bridges 3x12, clams 3x15\nNMR: SLS on foam 3x30s, tandem walk x4\nTimed 25 min, total 35", {"97110": 15, "97112": 10}),
        # a total line naming the discipline is a total, not an intervention
        ("Total PT minutes today: 30 (Individual 30 / Group 0)\nTE 18 min: bridges 3x12, clams 3x15\nNMR 12 min: SLS on foam 3x30s", {"97110": 18, "97112": 12}),
        # a table row is one item timed by its minutes column, whatever times its text holds
        ("| Activity | Dose | Tx min |\n| bike 6 min then rower 4 min | L3 | 12 |\n| SLS on foam, tandem walk | 3x30s | 8 |", {"97110": 12, "97112": 8}),
        # a visit's in and out times are the treatment time, not one block's
        ("Time in 0900 out 0945\nTE 20 min: bike 8 min, leg press 3x10\nNMR 15 min: SLS on foam 3x30s", {"97110": 20, "97112": 15}),
        # ... and so is a visit time that heads the note
        ("Visit time 0830-0930\nBP 128/74\nsit to stand from the couch x5 for getting up to answer the door, 10 min\nSLS at the counter 3x20s, 8 min", {"97530": 10, "97112": 8}),
        # an orthosis rechecked or adjusted is subsequent orthotic management
        ("Resting hand splint recheck: strap adjustment, wear schedule reviewed, 10 min\nputty squeezes 3x10, 8 min", {"97763": 10, "97110": 8}),
        ("Resting hand splint fabricated and fitted, wear schedule reviewed, 30 min", {"97760": 30}),
        # training with the prosthesis a patient has is subsequent management; the first encounter is 97761
        ("Prosthetic training 20 min: donned TTA pin-lock liner, added 1-ply sock, loading in the bars", {"97763": 20}),
        ("Initial prosthetic training 30 min: first donning of the new TTA socket and liner", {"97761": 30}),
        # an evaluation is the code of the complexity the note states, wherever it states it
        ("PT initial evaluation: hx, MMT, ROM, gait assessment 40 min\nAssessment: moderate complexity\nTE 10 min: bridges 3x10, clams 3x15", {"97162": 40, "97110": 10}),
        ("OT eval (complexity: high): ADL interview, COPM, grip and pinch, 45 min\nputty squeezes 3x10, 8 min", {"97167": 45, "97110": 8}),
        ("PT initial evaluation: hx, MMT, ROM 40 min\nTE 10 min: bridges 3x10", {"97161-97163": 40, "97110": 10}),
        # the tests under a re-evaluation header are the re-evaluation; treatment "after re-eval" is not
        ("Re-eval 30 min: LEFS 61/80, knee AROM 0-125, quad MMT 4+/5, Y-balance anterior reach 88% LSI\nTreatment after re-eval 15 min: SLS on foam 3x30s, lateral hops to a line x10", {"97164": 30, "97112": 15}),
        # a first line naming the session and its length heads items that carry their own minutes
        ("Amplitude program session 5 of 16 - 45 min\n0900-0920 big amplitude reaching to targets outside BOS, SLS on foam\n0920-0940 sit to stand x8 and getting up from the floor for his goal of gardening", {"97112": 20, "97530": 20}),
        # a line ending with a colon, timed like the lines below it, only introduces them
        ("Pt in the Tuesday balance class 0800-0845 (5 pts), circuit of stations\nOne-on-one after class, 0850-0905:\n - SLS on foam EO/EC 4x20s - 8 min\n - bridges 3x12, clams 3x15 - 7 min", {"97150": 45, "97112": 8, "97110": 7}),
        # values after dot leaders under a heading that names minutes
        ("TREATMENT (minutes)\nGait w/ RW 60 ft x3, cues for step length ........ 11\nSeated ther ex: LAQ 2x10, marches 2x10 ........ 9", {"97116": 11, "97110": 9}),
        # a session withheld: what is told without a time was not treatment
        ("Pt arrived short of breath after walking from the car park, HR 118, SpO2 88%.\nRx withheld - not safe to exercise today.\nWill resume the walking program and UE strengthening once cleared.", {}),
        # ... and timed work done before a session stopped stays
        ("Seated LAQ and marches 2x10 - 6 min, then pt dizzy, BP 84/50.\nRemaining session not completed; RN notified.", {"97110": 6}),
        # a header set off by an em dash, and a line told as done above the first timed one
        ("[x] 97530 Ther Activities \u2014 15 min\n    car transfer with slide board, mod A to min A\n[x] 97110 Ther Ex \u2014 10 min\n    bridges 3x12", {"97530": 15, "97110": 10}),
        ("We worked on rolling and coming up to sit from the mat, min assist\nSLS at the counter 3x20s, about 8 min\nbridges 3x12, 10 min", {"97530": None, "97112": 8, "97110": 10}),
        # a table aligned with spaces, its minutes in the "Min" column
        ("Activity                 Dose        Min\nBike warm-up             L4          7\nSL stance on foam EC     4x30s       6\nTape: heel locks x2", {"97110": 7, "97112": 6}),
        # a row continuing the one above (no time of its own) takes nothing from the time column
        ("Time      | Activity                          | Notes\n0900-0915 | tandem stance on foam, EO then EC | LOB x2\n          | feet together on foam, head turns 180 | mod A to recover", {"97112": 15}),
        # a ticked block over indented lines that describe it is a block, not a billing line
        ("ANKLE PUMPS AND BED EXERCISE [X]   8 min\n    ankle pumps x20, heel slides 2x10, SAQ 2x10\nTHERAPEUTIC ACTIVITIES [X]   12 min\n    EOB sitting, lateral perturbations, reaching across midline to a cone x10", {"97110": 8, "97112": 12}),
        # how the patient was left is not an intervention
        ("TE 15 min: bridges 3x12, clams 3x15\nPt left in recliner, call light in reach, chair alarm on.", {"97110": 15}),
        # the time at which an activity stopped is the time it took
        ("Recumbent bike at a sub-threshold heart rate, stopped at 7 min for a headache\nManual: STM to the upper traps, 12 min", {"97110": 7, "97140": 12}),
    ],
)
def test_minutes_from_summaries_totals_labels_and_blocks(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,treatment",
    [
        ("Session 40 min. Good effort throughout.\nTE 20 min: bridges 3x12", 40),
        ("Session 3 of 10\nTE 20 min: bridges 3x12", None),  # a visit count, not a length
        ("Tx time 0830-0915.\nTE 20 min: bridges 3x12", 45),
        ("Visit 1300-1350 (50 min)\nTE 20 min: bridges 3x12", 50),
        ("Pt seen at home, visit 10:40 to 11:20. Homebound d/t CHF.\nTE 20 min: bridges 3x12", 40),
        ("DOS 3/4   TI 0900   TO 0945\nTE 20 min: bridges 3x12", 45),
        ("TE 20 min: bridges 3x12\nTotal 40 min (5 min vitals and weight)", 40),
        ("Pt seen for 50 min session in clinic.\nTE 20 min: bridges 3x12", 50),
    ],
)
def test_treatment_time_statements(note, treatment):
    from classifier.notes import segment_note

    assert segment_note(note)[1].treatment == treatment
    assert _by_code(note) == {"97110": 20}


@pytest.mark.parametrize("signature", ["-- R. Okafor, PTA", "M. Lindqvist (Senior Physiotherapist)", "Dana Whitfield, PT, DPT", "A. Brandt, SPT / co-signed R. Diaz PT"])
def test_a_signature_is_not_an_intervention(signature):
    from classifier.notes import segment_note

    note = "TE 15 min: bridges 3x12, clams 3x15\n" + signature
    segments, _totals, _billed = segment_note(note)
    assert [note[g.start : g.end] for g in segments] == ["TE 15 min: bridges 3x12, clams 3x15"]


@pytest.mark.parametrize("line", ["Balance Training PT", "Gait Training PT", "J. Ruiz PTA 2/3 visits"])
def test_a_block_named_with_its_provider_is_not_a_signature(line):
    from classifier.notes import segment_note

    assert len(segment_note("TE 15 min: bridges 3x12\n" + line)[0]) == 2


def test_minutes_memo_keeps_only_short_texts():
    """Short texts are memoised (a note's lines are read many times); a long text is read
    directly, so the memo stays small whatever a batch holds."""
    from classifier.notes import _MEMO_CHARS, _minutes_in

    _minutes_in.cache_clear()
    long_text = "bike 10 min, " * (_MEMO_CHARS // 10)
    before = _minutes_in.cache_info().currsize
    assert minutes_in(long_text)[0][2] == 10
    assert _minutes_in.cache_info().currsize == before
    assert minutes_in("bridges 3x12, 7 min") == minutes_in("bridges 3x12, 7 min") == [(14, 19, 7)]
    assert _minutes_in.cache_info().currsize == before + 1


@pytest.mark.parametrize(
    "note,expected",
    [
        # digits a scanner misread: "2O", "l5", and "lO" with both digits misread
        ("Ther ex 2O min: bike, bridges 2x1O, clams\nCP to R knee l5 min, skin checked", {"97110": 20, "97010": 15}),
        ("NuStep L4 lO min\nSLS on foam EC 4x2Os - 8 min", {"97110": 10, "97112": 8}),
        # a line wrapped in the middle of a phrase: the item's time is on the next line
        ("Gait 150 ft x3 w/ RW, cues for upright trunk and a longer step on the L with\nturning at the hallway corners x4 - 12 min\nBridges 3x12, clams 3x15 - 8 min", {"97116": 12, "97110": 8}),
    ],
)
def test_scanned_and_wrapped_lines(note, expected):
    assert _by_code(note) == expected


def test_readable_layout_keeps_every_offset():
    """The repaired text has the original's length, so items still point into the note; oxygen
    ("O2") and words are left alone, and short lines are never joined."""
    from classifier.notes import readable_layout

    note = "Amb 200 ft on 2L O2, SpO2 94%\nbridges 2x1O\nclams 3x15"
    fixed = readable_layout(note)
    assert len(fixed) == len(note)
    assert fixed == "Amb 200 ft on 2L O2, SpO2 94%\nbridges 2x10\nclams 3x15"


def test_an_item_with_its_details_listed_below_is_one_item():
    """"Card sort ..., 18 min:" over bulleted details is one item with one time; a named block
    header ("TE 10 min:") still gives its lines their own codes."""
    note = (
        "Card sort standing at the counter, 18 min:\n - sorted utensils into the drawer, reaching to the top shelf\n"
        " - carried 4 plates to the table, min A for balance\nTE 10 min: bridges 3x12"
    )
    assert _by_code(note) == {"97530": 18, "97110": 10}


@pytest.mark.parametrize(
    "first",
    [
        "Rider: Sam, 7, L hemiplegic CP, AFO L",  # the patient introduced by a label and a name
        "Pt: Tomas, 3y 4m, gross motor delay, AFOs",  # an age in years and months
        "PT - Mon group slot (individual client)",  # a group's time slot held one-on-one
    ],
)
def test_who_and_which_slot_are_not_items(first):
    assert _by_code(first + "\nTE 15 min: bridges 3x12") == {"97110": 15}


def test_timed_total_written_the_other_way_round():
    from classifier.notes import segment_note

    assert segment_note("TE 15 min: bridges 3x12, SLR 2x10\nTimed total 15")[1].timed == 15


@pytest.mark.parametrize(
    "note,expected",
    [
        # in a note that times its interventions, an untimed prose line of a code no timed line
        # has is commentary, not an intervention
        ("Bridges 3x12, clams 3x15 - 10 min\nSLS on foam EC 4x20s - 8 min\nLifting her grandson out of the crib with less pain this week", {"97110": 10, "97112": 8}),
        ("Bridges 3x12, clams 3x15 - 10 min\nSLS on foam EC 4x20s - 8 min\nTransfers to the tub bench are going well per daughter", {"97110": 10, "97112": 8}),
        # ... but a dosed line stays, as a line in words ("two by ten") does
        ("Bridges 3x12, clams 3x15 - 10 min\nSLS on foam EC 4x20s - 8 min\nLift box 10# floor to waist x10, hip hinge cues", {"97110": 10, "97112": 8, "97530": None}),
        ("sit to stand from the recliner with hand placement cues, fifteen minutes\nstanding balance at the counter with reaches, ten minutes\nseated long arc quads two by ten", {"97530": 15, "97112": 10, "97110": None}),
    ],
)
def test_untimed_commentary_in_a_timed_note(note, expected):
    assert _by_code(note) == expected


def test_a_count_in_one_minute_is_a_rate():
    assert minutes_in("sit to stand, 14 reps in 1 min") == []
    assert minutes_in("block transfers, eighteen in one minute") == []
    assert minutes_in("shaping, about fifteen minutes") == [(15, 30, 15)]


def test_a_note_kept_as_a_time_log():
    """Each stamped event lasts until the next stamp; a stamp that only closes the previous
    event ("Bike done.") or tells an arrival is no item; a stated time beats the gap; the last
    event has no next stamp and so no time of its own."""
    note = (
        "Scribe for R. Mendes, PT\n"
        "0800 Pt checked in, pain 3/10 L knee.\n"
        "0802 Recumbent bike L4 for knee ROM, seat 8.\n"
        "0810 Bike done. HR 92.\n"
        "0811 SLR 3x10 w/ 2#, bridges 3x12, clams 2x15, PT correcting pelvis.\n"
        "0825 SLS on foam EO/EC 4x20s, PT guarding CGA.\n"
        "Tandem walk on the line x4.\n"
        "0836 Balance done. Cold pack to L knee, 10 min.\n"
        "0847 Pt left.\n"
    )
    items = _by_code(note)
    assert items == {"97110": 22, "97112": 11, "97010": 10}


@pytest.mark.parametrize(
    "note,expected",
    [
        # stamps written with am/pm
        ("1:30p Pt in, stiff L wrist\n1:31p Tendon glides x10, wrist AROM 2x15, putty grip 3x20\n1:45p Done.", {"97110": 14}),
        # a session's number is not its time
        ("Session 2 - individual, 1:50-2:05. Driving simulator: highway merge x3, cued to check the blind spot", {"97530": 15}),
        # another patient nearby makes no group: the line is the modality it documents
        ("Paraffin L hand 10 min, therapist with another pt meantime\nTendon glides x10, putty grip 3x20 - 12 min", {"97018": 10, "97110": 12}),
    ],
)
def test_stamps_sessions_totals_and_other_patients(note, expected):
    assert _by_code(note) == expected


def test_min_a_is_an_assist_level_not_minutes():
    assert minutes_in("sit to stand x5 from the low couch, 1 min A, 2 mod A") == []
    assert minutes_in("stood 3 min at the sink") == [(6, 11, 3)]


def test_a_closing_total_sentence_is_the_lines_own_time():
    """"Ther ex: bike 5 min, bridges, clams. Total 15 min." times the block, not the visit."""
    note = "Ther ex: bike 5 min, bridges 3x12, clams 3x15. Total 15 min.\nSLS on foam EC 4x20s - 8 min"
    assert _by_code(note) == {"97110": 15, "97112": 8}


@pytest.mark.parametrize(
    "note,expected",
    [
        # one-on-one time after a group, under a header that names the group
        ("Balance class 0900-0940, 6 pts: chair squats, heel raises, side steps\nIndividual after group 0945-0957: gait w/ new rollator in hallway, brakes on turns, 200 ft x2 SBA", {"97150": 40, "97116": 12}),
    ],
)
def test_one_on_one_after_a_group(note, expected):
    assert _by_code(note) == expected


def test_timed_lines_inside_a_session_header_keep_their_own_minutes():
    """A session's clock time over lines of different codes timed on their own, which fit
    inside it, does not replace their times."""
    note = (
        "OTA 1:00-1:30\n"
        "- tub bench transfers in the bathroom, min A, 4 reps, cues for hand placement - 12'\n"
        "- standing at the sink: weight shifts side to side, 1 UE, sway to the R - 8'\n"
        "- bed mobility on the mat: rolling, supine to sit with the rail - 5'"
    )
    assert _by_code(note) == {"97530": 17, "97112": 8}


def test_a_time_cell_with_a_remark_and_the_end_of_a_log():
    table = "Exercise | Dose | Min\nBike | L3 | 6\nHeel raises off a step | 3x12 | 8 (w/ above)\nSLS on foam EC | 4x20s | 9"
    assert _by_code(table) == {"97110": 14, "97112": 9}
    log = "1400 Sit to stand x5 from the w/c, min A, cues to scoot forward\n1410 Toilet transfer practice x3 w/ grab bar, CGA\n1418 Seated in w/c, wheeled back to room by CNA."
    assert _by_code(log) == {"97530": 18}


@pytest.mark.parametrize(
    "note,expected",
    [
        # a charge-capture block states what was billed, not what was done
        ("SLS on foam EC 4x20s, tandem walk x4 - 12 min\nCharges:\n97110 Ther Ex ..... 1 unit ..... 12 min\n97530 x1 - STS (functional)", {"97112": 12}),
        # the therapist's own 8-minute-rule tally is no intervention
        ("Bridges 3x12, clams 3x15 - 16 min\nSLS on foam 4x20s - 9 min\nSTM R upper trap 6 min\n8 min rule: 16 TE / 9 NMR / 6 MT = 31 min -> 2 u: TE 1, NMR 1 (MT no unit)", {"97110": 16, "97112": 9, "97140": 6}),
        # a session line with its time over details, one of which times a part of it
        ("0950-1005 individual, R shoulder:\n   pulleys flex/scaption 3 min\n   wand ER supine 2x10\n   rows RTB 2x15", {"97110": 15}),
        # an evaluation only referred to, without a time or complexity, was not performed today
        ("TE 15 min: bridges 3x12, clams 3x15\nFOTO knee 58 (IE 41). KX on.", {"97110": 15}),
        # an evaluation in an occupational therapy note is an OT evaluation
        ("OT daily note\nEval 40 min, moderate complexity\nUB dressing w/ button hook, 12 min", {"97166": 40, "97535": 12}),
    ],
)
def test_charges_tallies_session_details_and_evaluations(note, expected):
    assert _by_code(note) == expected


def test_a_minutes_line_listing_blocks_with_bare_numbers():
    """"Minutes: TE 12   Gait 14   TA ***" times the blocks; a template's placeholder is no time."""
    from classifier.notes import _minutes_tally

    note = "TE: seated LAQ 2# 2x12, marches 2x12\nGait: RW 60' x2, CGA, cues for upright posture\nMinutes: TE 12   Gait 14   TA ***"
    assert _by_code(note) == {"97110": 12, "97116": 14}
    assert _minutes_tally("Time: 3/10 pain") is None and _minutes_tally("Minutes: 38") is None


@pytest.mark.parametrize("closing", ["(above ~10 min)", "(above incl in 10 min)", "All of the above 10 min"])
def test_a_line_timing_the_untimed_lines_above_it(closing):
    note = f"- bridges 3x12\n- clams 3x15 GTB\n{closing}\n- SLS on foam EC 4x20s - 8 min"
    assert _by_code(note) == {"97110": 10, "97112": 8}


@pytest.mark.parametrize(
    "note",
    [
        "Per last visit 03/02: pt performed SLS on foam 4x20s, tandem walk x4, 12 min.\nToday: bridges 3x12, clams 3x15 - 10 min",
        "prior visit: SLS on foam 4x20s, tandem walk x4, 12 min\ntoday: bridges 3x12, clams 3x15 - 10 min",
    ],
)
def test_an_earlier_visits_work_carried_into_the_note_is_not_today(note):
    assert _by_code(note) == {"97110": 10}


def test_hours_and_minutes_and_a_named_performance_test():
    assert minutes_in("FCE day 2, 2 hrs 10 min") == [(11, 23, 130)]
    assert minutes_in("mitt worn 2 hrs at home") == []
    note = (
        "Testing performed (97750), 1 hr 15 min:\n- lift floor to waist 30#, waist to shoulder 20#\n"
        "- push/pull sled 60# force\n- positional tolerance: sit 45 min, stand 40 min"
    )
    assert _by_code(note) == {"97750": 75}


def test_a_student_named_by_initials_is_not_an_item():
    note = "Student: J.M.  Gr 1  Elm St Elem.\nIn-hand manipulation: coins palm to fingertips x5, pegs rotated in fingers - 12 min"
    assert _by_code(note) == {"97112": 12}


@pytest.mark.parametrize(
    "first,expected",
    [
        # a line that opens with the session's name and times it, over the timed lines that make it up
        ("PT 25 min push-in (10:05-10:30), gym and playground", {"97110": 12, "97530": 13}),
        ("PT 25 min pull-out, sensory gym", {"97110": 12, "97530": 13}),
        # a line with a dose of its own is an intervention, even when the times add up
        ("PT: bike 25 min L2, then floor mat x3 trials", {"97110": 37, "97530": 13}),
    ],
)
def test_a_line_timing_the_session_is_not_an_item(first, expected):
    note = f"{first}\nUE strengthening: wall push-ups 2x10, theraband rows 2x12 - 12 min\nCarried lunch tray from the counter to a table, 4 trips, SBA - 13 min"
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # a tab-separated export keeps its empty cells, so the minutes column stays in place
        ("Exercise\tSets\tLoad\tMin\tCPT\nBike\t-\tL4\t7\t97110\nStep-ups\t3x10\t4\"\t\t97110\nFoam SLS EC\t4x20s\t-\t9\t97112", {"97110": 7, "97112": 9}),
        # a table with start and stop columns times each row by them
        ("Svc | Start | Stop | Notes\nTE | 1302 | 1314 | bridges 3x12, clams 3x15 GTB\nNMR | 1314 | 1323 | SLS on foam EC 4x20s", {"97110": 12, "97112": 9}),
        # vitals, ratings and rests report the response, even when they name the activity
        ("Stand pivot bed<>w/c x4, min A, cues for hand placement - 14 min\nSpO2 93% w/ transfers, back to 96% after 2 min seated rest\nRest breaks x2, RPE 13", {"97530": 14}),
        # a time set off as a clause of its own in the middle of a sentence
        (
            "Individual 11:00-11:20:\nStood at counter sorting cans onto a high shelf and carrying them to the table, walker near, 11 min.\n"
            "Then finger ext w/ rubber bands and pinch w/ clothespins, 2x10 each, 9 min, to get the grip back for jar lids.",
            {"97530": 11, "97110": 9},
        ),
        # a bracketed time closing a headed block of sentences
        ("ADL: UB dressing seated EOB w/ button hook. Reviewed sock aid, return demo x2. [18 min]\nBridges 3x12, clams 3x15 - 10 min", {"97535": 18, "97110": 10}),
        # a line timed on its own is work done, though it reports the range reached
        ("PROM R shoulder flex 135, abd 100, ER 40 - 6'\nSLS on foam EC 4x20s - 8 min", {"97110": 6, "97112": 8}),
    ],
)
def test_tables_observations_and_times_inside_lines(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "line,code",
    [
        ("NMES quad (Russian), unattended, 10 min", "G0283"),  # said to be unattended
        ("EMS to L/S paraspinals w/ ice pack 15 min", "G0283"),  # set up under a pack
        ("NMES to quad during quad sets 10 min", "97032"),  # attended: during exercise
        ("Retrograde edema massage R hand 6 min", "97140"),  # manual therapy, not 97124
        ("DBO remolded, wrist to neutral, straps replaced - 12 min", "97763"),  # an orthosis remolded is subsequent management
        ("Resting hand orthosis: strap revised, pad over the ulnar styloid - 12 min", "97763"),  # revised, trimmed, re-strapped
        ("Dorsal blocking orthosis re-fitted after the swelling went down - 10 min", "97763"),  # re-fitted is not fitted
        ("New thumb spica fabricated and fitted, edges trimmed - 30 min", "97760"),  # trimmed while it is made
    ],
)
def test_services_named_by_their_setting(line, code):
    assert [i.code for i in analyze_note(line).items] == [code]


@pytest.mark.parametrize(
    "note,expected",
    [
        # an evaluation's findings and tests are the evaluation, not services of their own
        (
            "PT initial eval, moderate complexity - 40 min\nTransfers: sit>stand from w/c CGA, forgets brakes\n"
            "Gait: 60 ft no device, shuffling, CGA on turns\n5xSTS 19 s, 10MWT 0.6 m/s\nSLS on foam EC 4x20s, cues for hip strategy - 8 min",
            {"97162": 40, "97112": 8},
        ),
        # a score that went up by points is no group of patients
        ("Tx: VOR x1 seated 30s x3, symptoms up 2 pts, settled <1 min - 9 min", {"97112": 9}),
        # a note titled as an evaluation documents one
        (
            "PT Initial Evaluation - acute ortho\nDx: R hip ORIF POD 2, WBAT.\nExam: hip flex AROM 60 deg, MMT hip abd 2+/5. "
            "Supine>sit mod A x2.\nGait 20 ft RW CGA.\nComplexity: moderate.\nPlan: BID, progress gait.",
            {"97162": None},
        ),
        ("OT Re-evaluation\nGrip R 30 lb / L 55 lb.\nSit>stand from w/c SBA.\nGoals updated.", {"97168": None}),
        # "dep x2" counts helpers, not sets: a finding of the evaluation
        ("PT Initial Evaluation - ICU\nMRC sum 30/60.\nRolling R/L dep x2.\nComplexity: high.", {"97163": None}),
        # a timed line opened by the examination is the evaluation's time
        (
            "PT Re-evaluation - balance program\nRe-exam (25 min): hip abd strength 3+/5 -> 4/5, SLS 4 s -> 9 s, step-ups 10 in 8 reps.\n"
            "Goals updated.\nTx: tandem walking on foam 4 laps, SLS on rocker board 3x20 s - 10 min",
            {"97164": 25, "97112": 10},
        ),
        # a timed performance test's items are its findings
        (
            "WC wk 4 retest (for adjuster)\nLift protocol, PT administered:\n floor-waist: 50# safe max (goal 70)\n"
            " 2-hand carry 50 ft: 55# (goal 65)\n push cart: 48# force, pull 45#\nWritten report to adjuster and MD, 40 min incl report.",
            {"97750": 40},
        ),
        # a daily note that mentions an evaluation to come is not one
        ("PT daily note - re-eval due next visit\nLeg press 3x10 70#, step-ups 2x12 - 15 min", {"97110": 15}),
    ],
)
def test_evaluation_titles_findings_and_score_points(note, expected):
    assert _by_code(note) == expected


def test_a_total_line_takes_in_the_lines_above_it():
    note = (
        "| Exercise | Dose | Time |\n| Bike | L4 | 8 min |\n| Bridges | 3x12 | -- |\n| Clams GTB | 3x15 | -- |\n"
        "Strength block total (bike + bridges + clams): 20 min\nGoals (4 wk): SLS 20 s, stairs reciprocal - 10 min SBA"
    )
    assert _by_code(note) == {"97110": 20}


@pytest.mark.parametrize(
    "note,expected",
    [
        # time the note says was not billed is no service
        ("Harness on/off and device set-up ~8 min (not billed)\nLokomat 09:05-09:35, BWS 35%, GF 60%, 1010 steps", {"97116": 30}),
        # a timed table row takes its service from the first cell when the content agrees
        (
            "| intervention | time | details |\n| gait | 15 min | hopping w/ platform RW 25 ft x2, min A, 2 standing rests, cues for short hops + upright trunk |\n"
            "| ther ex | 10 min | glute sets 10x5s, prone hip ext 2x10 |",
            {"97116": 15, "97110": 10},
        ),
        # a line naming a block and its time times the untimed lines of it above
        ("- resisted jaw isometrics open/close 5 x 5 sec ea\n- chin tucks 2x12, scap retraction RTB 2x15\n- ex time 16 min\n- pt educ: teeth apart reminders", {"97110": 16}),
        # the lines listed under a re-assessment header are the re-assessment
        ("OT note\nRe-assessment 30 min:\n grip L 18 -> 24 kg; 9HPT L 34 s -> 26 s\n COPM perf 3.8 -> 6.2\nWork simulation 15 min: carried a box of files to the shelf, 6 trips", {"97168": 30, "97530": 15}),
        # a sentence that is only a time times the sentence before it
        (
            "Therapeutic exercise: AROM wrist flex/ext and sup/pro 2x10, then putty grip and pinch. Approximately 12 minutes.\n"
            "Functional activity: The patient practiced turning a key in a lock board and twisting lids off jars of several sizes "
            "while standing at the counter with the forearm in neutral. Approximately 10 minutes. [Corrected by OT: jars only.]",
            {"97110": 12, "97530": 10},
        ),
        # words in a table's time column ("Pre-HD", "On HD 1st hr"): each row times itself
        ("Time | Activity | Vitals\nPre-HD | tandem stance 3x20s, SLS w/ fingertip support 4x10s - 8 min | BP 150/84\nOn HD 1st hr | bike pedals lvl 2, 20 min, 45-50 rpm | BP 138/78", {"97112": 8, "97110": 20}),
        # a diagnosis field ends with its line: the bullets below it are the session
        ("Dx: R RC repair, 16 wk post-op.\n- Pain 1/10 at rest\n- Supine arm series in straps: pull-downs, triceps press 2x10 ea x12min\n- Reformer quadruped, carriage nudged unpredictably, hold scap set 5x20s x10min", {"97110": 12, "97112": 10}),
        # a line that is only a time times the untimed line above it
        ("Sitting EOM w/o back support, reaching across midline to targets, ball toss w/ perturbations at shoulders\n(16 minutes).\nBridges 3x12 - 8 min", {"97112": 16, "97110": 8}),
        # a ticked template header with blanks before its time still heads the lines under it
        ("[x] Therapeutic Exercise (97110) ___12 min\n    SLS on foam EC 4x20s, tandem walk w/ head turns x4\n[x] Manual Therapy (97140) ___8 min\n    suboccipital release", {"97112": 12, "97140": 8}),
        # a heading in capitals takes its lines up to a labelled line timed on its own; revised goals are goals
        (
            "RE-EVALUATION (30 min)\nBBS 38/56 -> 43/56, TUG 19.2 s -> 15.8 s\nGoals revised (see goal sheet): sit in chair 30 min for meals\n"
            "Tx after re-eval: tandem stance in // bars 3x30s, weight shifts on foam, 10 min.",
            {"97164": 30, "97112": 10},
        ),
        # an evaluation's time stated in its assessment; the findings are the evaluation
        (
            "PT INITIAL EVALUATION\nMMT L quad 3/5, L hip ext 3-/5\n6MWT 248 m w/ SPC, RPE 15\nStairs: step-to w/ rail\n"
            "Assessment: new weakness L LE, fall risk. High complexity. Eval total 55 min.\nPlan: 1x/wk x 8 wks",
            {"97163": 55},
        ),
        # a group home is where the patient lives, not group therapy
        ("Sit<>stand w/c to walker x4, practising for the bathroom at his group home, min A - 6 min\nGroup home staff present for transfers", {"97530": 6}),
        # a block's name and time closing its untimed lines
        ("- Bike 10 min RPE 12\n- calf raises 3x15, SL heel lower 2x10\nTE total 22'\n- SLS on Airex EO/EC 4x30s, SEBT reach x8\nNMR 9'\nA: tolerating", {"97110": 22, "97112": 9}),
        # a timed heading in capitals takes the unindented lines below it
        ("MANUAL 9:02-9:10\nSTM T-spine paraspinals, pec minor release\nTHER EX 9:10-9:28\nprone Y/T 2x8\nband pull-apart RTB 3x12\ndoorway pec stretch 3x30s", {"97140": 8, "97110": 18}),
        # the time a sentence gives the re-evaluation is the re-evaluation's, and "3 pts of contact" is a way to climb
        (
            "Progress re-eval, visit 12.\nObj: knee ROM 0-128, quad 4/5, 30s chair stand 13. Re-eval 25 min.\n"
            "Ther act 14 min: tall kneel to stand x5; climbed a 6-rung ladder x4 carrying a 10# tool bag, cues for 3 pts of contact.",
            {"97164": 25, "97530": 14},
        ),
    ],
)
def test_unbilled_time_table_services_block_times_and_time_sentences(note, expected):
    assert _by_code(note) == expected


def test_control_training_in_a_note_about_an_arm_prosthesis():
    note = (
        "OT - R transradial, body-powered, visit 5\n"
        "Control training 15 min: picking up and releasing foam cubes and a paper cup without crushing it, opening at waist and mouth level\n"
        "Scapular strengthening green band 3x12, 10 min"
    )
    assert _by_code(note) == {"97763": 15, "97110": 10}
    # without a prosthesis in the note, the same drill is motor-control training
    stroke = "OT - L hemiparesis after stroke, visit 5\nGrasp/release training 15 min: picking up and releasing foam cubes and a paper cup without crushing it"
    assert _by_code(stroke) == {"97112": 15}



@pytest.mark.parametrize(
    "note,expected",
    [
        # exercise in the water is aquatic therapy, until the note turns to land
        ("Aquatic PT, 1:1\nWater walking 4 directions 10 min, hip abd at wall 2x15, SLS holding rail 3x20s\nTotal 30 min in water\nLand: bridges 3x12 - 8 min", {"97113": 30, "97110": 8}),
        # a swim at home or a plan for the pool makes no aquatic session
        ("S: swam 20 min in the pool Sat, no pain\nBridges 3x12, clams 3x15 - 12 min\nSLS on foam 4x20s - 8 min\nP: add pool walking next wk", {"97110": 12, "97112": 8}),
    ],
)
def test_an_aquatic_session_and_its_land_part(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        (
            "PT daily - L THA wk 5\nTUG 14.6 s with cane (was 19.0)\nGrip dyno L 41 lb / R 58 lb.\nDHI 32 (IE 50)\n"
            "Floor to stand via half kneel with chair, 4 reps, CGA - 12 min\nCar transfer practice with clinic car seat, 3 trials - 9 min",
            {"97530": 21},
        ),
        ("OT re-check\nPurdue pegboard R 11, L 13.\nQuickDASH 41 (was 58).\nPutty pinch/roll 3 sets, green - 10 min", {"97110": 10}),
        # a named test practised in sets is work done, not a score
        (
            "Pt seen for balance.\nBerg 40/56\nBerg items practised: reach forward and turn 360, 3 reps each\n"
            "Tandem stance on foam 4 x 30 s, CGA",
            {"97112": None},
        ),
        # a time closing a line's first sentence after a dash makes it work done, the range measured after it
        (
            "OT neuro\n- Prolonged stretch + PROM R wrist/finger flexors, elbow ext, forearm sup - 12 min. Wrist ext PROM to 55 deg "
            "w/ fingers ext (was 40).\n- Task practice: cups and cans table to 2nd shelf, 3 sets of 10 - 18 min",
            {"97110": 12, "97530": 18},
        ),
        # section GG scores are findings too
        (
            "OT LTC\nGG mobility: roll L/R 03 -> 04; sit to lying 03; lying to sitting on side of bed 02\n"
            "B UE chest press w/ dowel 2x12, elbow flex/ext yellow band 2x15 - 10 min",
            {"97110": 10},
        ),
        # a call to someone other than the patient is care coordination
        (
            "PT - ACL 6 mo\nReactive cutting drills off a ball played to her, 20 min\n"
            "Talked on the phone with her coach about ten minutes after the session: non-contact drills until the hop re-test.",
            {"97112": 20},
        ),
        # text between copy markers is an earlier visit's
        (
            "OP PT 3/14\n== Copied from 3/7 note - please review ==\nTreatment: tandem walking on foam beam 4 laps, SLS on rocker board 3x20 s, CGA\n"
            "== End copied text ==\nToday: seated marching 2x20, LAQ 2# 2x12, TKE green band 3x10 - 15 min\nTotal 15 min",
            {"97110": 15},
        ),
        # a copy that is never closed marks nothing
        ("Copied from 2/2, updated:\nStep-ups 6 in 3x10, bridges 2x15 - 12 min", {"97110": 12}),
    ],
)
def test_score_lines_and_copied_text_are_not_items(note, expected):
    assert _by_code(note) == expected


def test_a_group_named_without_its_time_takes_the_time_line_under_it():
    note = (
        "GROUP -- knee class, 5 pts, PT + aide\nTime: 9:00-9:45\nContent: bike warm-up, sit to stands, step-ups, band rows.\n"
        "INDIVIDUAL (after group) 9:47-9:58: tandem stance on foam 3x30s, SLS 3x15s."
    )
    assert _by_code(note) == {"97150": 45, "97112": 11}


def test_one_on_one_time_after_a_group_and_the_lines_that_follow_it():
    note = (
        "Balance class 10:00-10:45 (5 pts, PT + aide): stations, foam stance, obstacle walking.\n"
        "After class 1:1 x 12 min: VOR x1 yaw 3 x 45 s standing, sx 3/10.\n"
        "then 8 min floor transfer practice via half kneel to chair, SBA."
    )
    assert _by_code(note) == {"97150": 45, "97112": 12, "97530": 8}


@pytest.mark.parametrize(
    "note,expected",
    [
        # a clock range opening a long line times all of it, the dose times inside included
        (
            "Peds PT\n2:10-2:30 home program taught with the child doing each one: bear walks 3x15 ft, prone on elbows reaching "
            "for stickers 2 min, sit-ups on wedge 2x8, jumps off a 6 in step x5. Mom practised spotting bear walks and got a "
            "picture sheet.\n2:30-2:42 balance beam forward and sideways, stepping stones with eyes on a target, tandem on tape 10 ft.",
            {"97110": 20, "97112": 12},
        ),
        # a tally with "~" and "total" in it; two signers
        (
            "SPT note\n- SLS on foam EC 4x20s, CGA\n- VOR x1 seated 2x60s\n- Treadmill 2.0 mph x 10 min for endurance\n"
            "NMR ~18 min total; TE 10 min\nJ. Park, SPT / M. Ortiz PT",
            {"97112": 18, "97110": 10},
        ),
        # a tally names a block by its header; the block's content is another code
        (
            "NMR: recumbent bike 12 min L4, seated LAQ 2# 2x12, marching 2x15.\nTA: car transfer sim x3, carried grocery bag 40 ft.\n"
            "Time: NMR 20 min, TA 10 min",
            {"97110": 20, "97530": 10},
        ),
        # a minutes line of codes and their minutes, the total last; the ticked services above it claim, not document
        (
            "OT TREATMENT NOTE (LTC)\nTreatment provided: [x] 97530 Ther Activities  [x] 97110 Ther Exercise  [ ] 97112\n"
            "Minutes: 97530 - 14   97110 - 10      Total tx time 28 min\nRolling L/R w/ rail, supine to sit EOB min A, scooting to HOB x3.\n"
            "B UE chest press w/ dowel 2x12, elbow flex/ext yellow band 2x15.",
            {"97530": 14, "97110": 10},
        ),
        # sentences each closed by their own time
        (
            "Hand therapy wk 6\nTx: scar massage w/ lotion, then silicone sheet fitted under the night orthosis, 9 min. Tendon gliding, "
            "blocking and gentle composite flexion stretch, 14 min.",
            {"97140": 9, "97110": 14},
        ),
        # under a heading in capitals, a label set off by a dot leader with its own time opens its own item
        (
            "ACHILLES REPAIR - WK 8\nTHER EX (18 min)\n  Bike in boot ........ 10 min, HR 104\n  Seated heel raise ........ 3x15 10#\n"
            "  TB inv/ev blue ........ 2x15\nGAIT ............... ~8 min, // bars in boot, cues for equal stance time\n"
            "MANUAL ............. 6', scar mob + STM gastroc",
            {"97110": 18, "97116": 8, "97140": 6},
        ),
        # "rep 6 x15min": a block's time after a count, not six bouts of 15 minutes
        (
            "O-\n TrA activation w/ pressure biofeedback cuff during heel slides, tactile cues at ASIS, quality breaks down after rep 6 x15min\n"
            " bridges 2x12, prone press ups x10 x10min",
            {"97112": 15, "97110": 10},
        ),
        # a class with its attendees counted is group therapy
        (
            "09:45-10:30 falls prevention class, 6 attendees, PT + assistant: seated warm-up, heel/toe raises, marching, side steps at chairs.\n"
            "10:40-10:52 1:1 tandem stance at counter 3x30s, stepping over hurdles, SBA.",
            {"97150": 45, "97112": 12},
        ),
        # indented ticked headers, one named with spaced slashes; a score inside a listed detail stays the block's
        (
            "OT Day Hospital\nInterventions:\n [X] Therapeutic exercise .......... 10 min\n      red putty squeeze 3 min x2, digiflex 2x15\n"
            " [X] Neuromuscular re-education .... 12 min\n      finger-thumb opposition sequencing, 9-hole peg (R 41 s), flipping cards\n"
            " [X] Self-care / home mgmt ......... 15 min\n      button-front cardigan on with strategy, zip with zip-pull aid",
            {"97110": 10, "97112": 12, "97535": 15},
        ),
        # columns set apart by spaces, the total last
        (
            "VESTIBULAR FLOWSHEET\nVOR x1 yaw standing 3 x 60 s\nWalk w/ head turns 4 x 50 ft\nNuStep lvl 4 x 8 min\n"
            "Neuro re-ed 20'   TE 8'   Total timed 28'",
            {"97112": 20, "97110": 8},
        ),
        # a line naming the session over one line with the same time introduces it
        (
            "OT rehab\nPt attended AM self-care session (0800-0835) + PM session.\nAM ADL (35 min): shower on tub bench w/ "
            "hand-held shower, LB dressing w/ reacher + sock aid, min A.\nPM: seated shoulder press 1# 2x10, biceps curls 2# 2x10 (~10 min)",
            {"97535": 35, "97110": 10},
        ),
        # a timed line closed by a colon over bulleted details, its protocol's terms in brackets
        (
            "PT - post-polio\nTher ex x20min per non-fatiguing protocol (5 reps, 90 s rest between sets, stop if a set feels harder):\n"
            " - sidelying hip abd 3x5 no wt\n - seated knee ext 1# 3x5\n - recumbent bike L1 x6 min, RPE 11\n"
            "NMR x8min: standing at counter, weight shifts, feet together EO 3x20s w/ light touch.",
            {"97110": 20, "97112": 8},
        ),
        # under a timed heading in capitals, a one-word heading opens the next block
        (
            "Bone health - visit 6\nBALANCE (20 min)\n- reactive steps on release from PT hold, 3x5 each way\n- tandem walk on line 4 passes\n"
            "LOADING 10'\nheel drops 3x10, step-down landings off 4 in step 2x8",
            {"97112": 20, "97110": 10},
        ),
        # each part of the line closed by its own time
        (
            "Infant torticollis\nPROM L rot and R lat flex 3x30s each, prone weight shifting over a roll for head control.\n"
            "Neck stretches 12 min, prone weight shifting for head control 10 min\nTx time 25 min",
            {"97110": 12, "97112": 10},
        ),
    ],
)
def test_how_lines_are_grouped_and_timed(note, expected):
    assert _by_code(note) == expected


def test_a_closing_total_times_every_sentence_of_its_line():
    line = (
        "Rolled R/L w/ rail mod A, then supine to sit w/ HOB up max A x2. Stand attempt from EOB max A x2, "
        "BP dropped to 86/50, returned to sit. Back to supine max A x2. 9 min total."
    )
    segments, _totals, _billed = segment_note(line)
    assert [(s.start, s.end, s.minutes) for s in segments] == [(0, len(line), 9)]


def test_a_header_keeps_its_service_when_its_details_name_none():
    note = (
        "Prosthetic rehab visit 8\n[x] 97110 Ther Ex ............. 12 min\n     - bridges 2x12, side-lying hip abduction 2x15\n"
        "[x] 97763 Prosthetic mgmt ........... 6 min\n     - sleeve tear at proximal edge, pt shown how to reseal"
    )
    assert _by_code(note) == {"97110": 12, "97763": 6}


def test_a_title_does_not_end_a_sentence():
    line = (
        "She saw Dr. Patel's PA this morning, staples out last week, incision healed, hip precautions stay through week six, "
        "so no flexion past ninety and no crossing. Pain three out of ten, mostly lateral hip at night."
    )
    starts = [s.start for s in segment_note(line)[0]]
    assert line.index("Patel") not in starts and line.index("Pain three") in starts


@pytest.mark.parametrize(
    "note,expected",
    [
        # an assessment titled the British way, timed by a header line over its findings
        (
            "Physio Initial Assessment - R shoulder\nAssessment (45 min):\n- AROM flex 120, abd 95, HBB to L5\n- Empty can painful\n"
            "Tx 10 min: pendulums, table slides 2x10, scap sets x10",
            {"97161-97163": 45, "97110": 10},
        ),
        # a dictated assessment without a colon is commentary
        (
            "Seated marching 2x20 and long arc quads 2x15, 12 minutes.\nAssessment, tolerating more standing work, transfers steadier.",
            {"97110": 12},
        ),
        # a table's header row that names no minutes column
        ("Hip program\nexercise | sets x reps | load\nbridge | 3x12 | BW\nside plank | 3x20 s | -\nTotal timed minutes: 15", {"97110": 15}),
        # the week of a course of care titles the note
        ("Tendon loading - wk 6 (L mid-portion Achilles)\nSeated soleus raises 4x8 40 kg, calf raises off step 4x8 - 12 min", {"97110": 12}),
        # a sum worked out on the line
        ("Treadmill 1.5 mph intervals 2' on / 1' rest x4 = 12 min, SpO2 low 89%\nLeg press 2x10 50# - 8 min", {"97110": 20}),
        # a closing sentence that is only a time
        (
            "Work sim: lifted tool totes bench to floor x10, pushed the loaded cart 40 ft x4, stacked cups on a top shelf x20, stood at the "
            "assembly bench 6 min w/ arm work. SpO2 low 89% RA while lifting, came back up w/ PLB. 15'\nBridges 2x15, clams 2x15 - 8 min",
            {"97530": 15, "97110": 8},
        ),
        # a block's name and time after its untimed lines, with a remark in brackets
        (
            "Seated: LAQ 1x10, marches x10, ankle pumps x20.\nStanding at RW: mini squats x5, heel raises x8.\n"
            "Ther ex 12 min (rests excluded).\nGait offered - pt declined.",
            {"97110": 12},
        ),
        # vitals taken before the session
        ("Pre: SpO2 93% RA, HR 96, BP 112/68. Wt 54.2 kg (+0.4).\nWork sim: totes bench to floor x10, cart push 40 ft x4 - 12 min", {"97530": 12}),
        # a home program gone through in the session, with its time, is treatment; one only prescribed is not
        (
            "Stairs 4 steps w/ rail, step-to, CGA - 10 min\nHEP: went over the handout, pt performed SAQ, heel raises 1x10 w/ corrections - 8 min",
            {"97116": 10, "97110": 8},
        ),
        ("Stairs 4 steps w/ rail, step-to, CGA - 10 min\nHEP: SAQ, heel raises 1x10, walk 10 min daily", {"97116": 10}),
        # a run/walk prescription is no time spent
        (
            "Calf raises off a step 4x8 +12 kg, seated soleus raises 4x8 - 15 min\nNotes: OK to progress run/walk 4 x (5 min run / 1 min walk) alternate days.",
            {"97110": 15},
        ),
        # an orthosis header named in words codes its block, squats done to test the fit included
        (
            "Brace fit / training 15 min: hinge alignment checked at joint line, strap sequence distal thigh then proximal calf, "
            "migration check after 20 squats + 10 jumps, pt reapplied independently x2. Wear for all cutting and pivoting practice and games.\n"
            "In brace: ladder into 45 deg cuts, T-drill, 5-10-5 shuttle - 12 min",
            {"97760": 15, "97530": 12},
        ),
        # work done while wearing the brace is not brace training
        (
            "New TLSO delivered by orthotist.\nBrace fit & training 20 min: pressure areas checked, donning supine practised x2\n"
            "Corrections in brace 15 min: breathing into the concave side, elongation away from the pads, mirror feedback",
            {"97760": 20, "97112": 15},
        ),
        # supervised exercise therapy for claudication billed per session
        (
            "SET session #12 - PAD\nTreadmill 2.0 mph 4% to claudication 3/4, 4 bouts, seated rest between\n"
            "Cool down + calf stretch 5 min\nTotal time in session 45 minutes. Billed 93668 x1",
            {"93668": 45},
        ),
        # ... and the same work as timed codes when the payer does not cover the session
        (
            "PAD - SET not a covered benefit, timed codes billed\nTreadmill intervals to claudication 3/4, 4 bouts - 24 min\n"
            "Tandem stance on foam, head turns - 10 min",
            {"97110": 24, "97112": 10},
        ),
        # a time after an arrow under a list times the list
        (
            "Exercise sheet:\n  Sit to stand from dining chair 3 x 10\n  Bridging 2 x 10\n  \u2192 20 mins total\n"
            "Outdoor walk w/ stick to the end of the road and back, kerb x2 - 15 mins",
            {"97110": 20, "97116": 15},
        ),
        # a block continued under its own name
        (
            "Ther Ex (97110) - 15': SLS on airex 3x20s, rocker board 2 min each way, tandem walk x4\n"
            "Ther Ex cont - 10': leg press 50# 3x12, hip abd machine 2x15\nGroup: knee class attended 45 min, 6 pts",
            {"97112": 15, "97110": 10, "97150": 45},
        ),
        # a tally labelled "Times:"
        ("Bridges 3x10, SLR 2x8, clams 2x15\nTandem stance 3x30s, SLS on foam\nTimes: strengthening 18 min, balance 12 min", {"97110": 18, "97112": 12}),
        # the patient's story on the line that names them
        (
            "Pt: 67 y/o M, lives in a shelter, fell in the shower and couldn't get up for ~20 min.\n"
            "Bathing routine w/ shower chair, 12 min: stepping in using the grab bar, washing LB w/ long sponge",
            {"97535": 12},
        ),
        # pool noodles on land are no aquatic therapy
        ("3:50-4:00 obstacle course: climb 3 rungs, crawl through tunnel, step over pool noodles, run to cone, 5 rounds", {"97530": 10}),
        # a performance test's time stated on its own line
        (
            "RETURN-TO-SPORT TESTING - performance test w/ written report\nWarm-up: 10 min bike on his own (not part of test time)\n"
            "Tests:\n Hip HHD abd 94%, ER 92%\n Y-balance composite 98%\n Single hop LSI 93%, crossover hop 90%\n"
            "Testing time 50 min, report sent to surgeon.",
            {"97750": 50},
        ),
        # one untimed line of another kind among a timed block's lines is part of the block
        (
            "Ther ex 15 min:\n - bridges 2x15\n - clams 2x15 GTB\n - SLS on foam 3x20s\n - SLR 2x10",
            {"97110": 15},
        ),
        # a co-treatment's shared time is split in each discipline's own note
        (
            "OT note - co-treat w/ SLP\nSession 45 min shared: OT 25 / SLP 20 (SLP documents in own note).\n"
            "UB dressing seated EOB, hemi technique, min A for R sleeve - 15 min\nR UE wt bearing on mat w/ fwd/lat shifts, tapping for wrist ext - 10 min",
            {"97535": 15, "97112": 10},
        ),
        # a labelled line whose one time comes in a later sentence is one item
        (
            "Tilt table: supine BP 108/64, HR 58, abdominal binder on. Progressed 30 -> 45 -> 60 deg over 20 min, BP q3 min. "
            "At 60 deg BP 86/50 w/ lightheadedness, lowered to 45 deg, sx resolved quickly. Held 45 deg for the remainder.\n"
            "PROM B LE hip/knee/ankle 10 reps each - 15 min",
            {"97110": 35},
        ),
        # units given for a block are not filled in from the total
        (
            "Gait trng 8 min: cues upright trunk, equal step length\nTE 2 units: bike 10 min L3, clams RTB 3x15, bridges 2x10\n"
            "NMR 10 min: SLS on airex 3x20s, tandem stance EC 3x15 s\nTotal timed minutes: 43",
            {"97116": 8, "97110": None, "97112": 10},
        ),
        # a "total" smaller than another time on the line totals its own part
        (
            "Started w/ paraffin L hand 8 min, then MCP 4-5 joint mobs + intrinsic stretch by PT 7 min. Grip strengthening green putty + "
            "hand gripper 3x12, wrist curls 4# 3x15 - 12 minutes. "
            "Then light mitt work: PT holding focus mitts, jab only, hand wrapped, 2 x 1-min rounds w/ rest, 6 min total, for return-to-boxing impact tolerance. No pain on contact.",
            {"97018": 8, "97140": 7, "97110": 12, "97530": 6},
        ),
        # work after the re-evaluation is not the re-evaluation
        (
            "Re-eval 20 min: TUG 18.2 s (was 24.6), BBS 41/56, goals updated\n"
            "After re-eval: hallway gait w/ rollator 250 ft, turns at the end of the corridor - 10 min",
            {"97164": 20, "97116": 10},
        ),
        # the testing block of a note titled as a performance test is the test
        (
            "RTW physical performance test - warehouse picker, s/p L wrist ORIF\n"
            "Testing 45 min: floor-to-waist lift 45 lb x5, 60 lb carry 100 ft, sled push/pull, ladder climb 8 ft. Written report to follow.\n"
            "Wrist stretches, hammer curls 5# 2x15 - 8 min",
            {"97750": 45, "97110": 8},
        ),
        # a line timed by its own clock range after the group is individual time
        (
            "0900-0945 UE strengthening group (4 pts, PT + PTA): seated DB circuit 4#\n"
            "1330-1345 mat: rolling supine<->prone using UE momentum, supine to long sit, min A",
            {"97150": 45, "97530": 15},
        ),
        # a self-care activity named as the block's header codes it, transfers inside it included
        (
            "Showering 22 min: slide board w/c -> tub transfer bench, swung legs over tub wall w/ min A, washed seated w/ handheld "
            "shower + long sponge, dried, donned shorts seated\nCar transfer practice 14 min: slide board w/c <> car simulator x3, SBA",
            {"97535": 22, "97530": 14},
        ),
        # a one-on-one clock range opens its lines; the team session timed after it is a group
        (
            "AT note - U16 alpine\n1:1 14:10-14:22\n - decline board SL squat, eccentric 3s lower, 3x15\n - Spanish squat iso w/ strap 5x45s\n"
            "Then dryland w/ team (8 athletes, 1 ATC) 14:25-15:10: agility ladder, core circuit.",
            {"97110": 12, "97150": 45},
        ),
        # a named, timed block in a list under a subjective line is today's work
        (
            "ACLR L, 18 wk\nSubj: no swelling after last week's jog progression\n- NMR 15 min: SL hops in place on foam, rocker board "
            "perturbations w/ ball catch\n- TA 14 min: jump-landing off 12 in box, lateral shuffle to 45 deg cut, for return to soccer",
            {"97112": 15, "97530": 14},
        ),
        # the patient's line that opens with the age is no item, travel time included
        (
            "71M, L hemiparesis, R CVA 6 mo ago. No therapy since SNF d/c - van is only option (90 min to outpt).\n"
            "Bed mobility & transfers 14 min: rolling to L, supine->sit via sidelying, bed->BSC stand pivot, min A -> CGA",
            {"97530": 14},
        ),
        # a swimmer's pool is the sport, not aquatic therapy
        (
            "20 y/o sprint freestyler, R SLAP repair 5 mo (cleared to pull on land; kick only in pool).\n"
            "ER/IR 90/90 on cable 3x12, Ts 3x10 w/ 3 lb, ball circles on wall 3x30s - 14 min",
            {"97110": 14},
        ),
        # a title's clock range around the timed lines is the visit's
        (
            "Ski prep - Tom B. (47M) - his home gym, Park City - 10:00-11:15\n10:05-10:20  Wall sits 4x45s, split squats 3x8 ea w/ 30# DBs\n"
            "10:20-10:35  SL stance on Airex w/ pole plants, EC 20s holds",
            {"97110": 15, "97112": 15},
        ),
    ],
)
def test_titles_table_headers_closing_times_home_programs_and_orthosis_headers(note, expected):
    assert _by_code(note) == expected


def test_a_long_line_opened_by_today_is_the_work_not_a_lead_in():
    # (its time equals the sum of the timed lines after it only by chance)
    note = (
        "Today about 15 minutes on floor recovery, getting down to the mat through half kneel and back up with a sturdy chair, "
        "her partner practised the cues and where to stand, contact guard.\n"
        "Then roughly 10 minutes of balance training in the parallel bars, feet together eyes open and closed, tandem walking.\n"
        "Went over night lighting and a bedside commode, about 5 minutes."
    )
    assert _by_code(note) == {"97530": 15, "97112": 10, "97535": 5}


@pytest.mark.parametrize(
    "note,expected",
    [
        # units given to a block whose only time is a dose inside it: the block's time is not documented
        ("Ther ex - 2 units: rower 6 min, goblet squats 3x10, step-downs 2x12\nTher act - 1 unit: lifting a laundry basket from the floor to the dryer x6", {"97110": None, "97530": None}),
        # a billing line's units ("TE 2u") against an exercise's own duration
        ("TE: UBE 8 min fwd/back | wall push-ups 2x12 | band rows 2x15\nNMR: tandem walk on a line 4 laps | SLS on foam 3x20s\nBilling: TE 2u, NMR 1u, CP x1", {"97110": None, "97112": None}),
        # table rows timed one by one under a units line: some rows, not the block
        ("Exercise | Sets | Notes\nPulleys | 4 min | flex\nWand ER | 2x15 |\nRows | 2x10 | yellow band\nTE 3 units", {"97110": None}),
        # (guard) a time that can carry the units stays
        ("Ther ex - 2 units: treadmill 24 min brisk, then leg press 3x10", {"97110": 24}),
        # work/rest intervals (1'/1') are no time; the block's x12min is
        ("bike intervals 1'/1' x12min, RPE 13", {"97110": 12}),
        # a dictated opening sentence that introduces the patient, ages in words; a daily routine reported
        ("Patient is a sixty-one-year-old man seen for his right shoulder, he manages a hardware store and stocks shelves most days of the week. He reports the shoulder aches after a full shift and that he walks the dog for 30 minutes twice a day.\nTherapeutic exercise fifteen minutes: band rows, external rotation with a towel roll, two sets of fifteen.", {"97110": 15}),
        # a heading in capitals alone heads its lines (deferred here); a remark in brackets before a block's time
        ("BALANCE\nDeferred, orthostatic this morning per RN.\nEXERCISE (seated) 12 min\nseated marching 2x20, LAQ 2x10, ankle pumps x30", {"97110": 12}),
        # an orthosis fabrication header with its bracketed time
        ("Fabrication (30 min): custom volar resting orthosis, wrist 20 deg ext, MCPs 40 deg flex, strap placement checked\nAROM digits, tendon glides 2x10 - 8 min", {"97760": 30, "97110": 8}),
        # an export's code with its minutes in brackets
        ("97110 (14): prone T/Y 2x10, band ER 3x12\n97112 (9): rhythmic stabilisation at 90 flex, Bodyblade 3x20s", {"97110": 14, "97112": 9}),
        # a pool header with the water temperature before its time
        ("Pool (92F) x25min: walking forwards/backwards, arm raises with buoyancy 2x15\nLand x10min: table slides 2x12, band rows 2x15", {"97113": 25, "97110": 10}),
        # dotted leaders after ADL retraining and functional transfers headers
        ("[x] ADL retraining ........ 20 min\n      grooming at the sink seated, UB dressing with set-up, LB dressing with sock aid\n[x] Functional transfers ........ 10 min\n      bed to chair stand-pivot x3, CGA", {"97535": 20, "97530": 10}),
        # an orthosis fabricated at the last visit, checked and adjusted today: subsequent management
        ("Orthosis: hand-based thumb orthosis (fab'd last visit) checked - pressure area at the MP, heated and flared, strap moved; 8 min", {"97763": 8}),
    ],
)
def test_stated_units_caps_headings_bracketed_remarks_and_orthoses_made_before(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # activities joined by 'then', each naming its time first; a time after 'incl' is a dose inside the block
        ("Started w/ US 1 MHz to the lateral elbow x 5 min, then forearm strengthening for 14 min incl wrist curls 3x12, putty twisting 2 min, hammer pronation 3x10 and a towel wring, then practised his job tasks 16 min so he can go back to the shop: torque board at shoulder height, carrying a 20 lb case 40 ft x3.", {"97035": 5, "97110": 14, "97530": 16}),
        # a shorter line of two activities joined by 'then', each with its time
        ("Began with joint mobs to the radiocarpal jt for about 7 minutes, then strengthening for 11 minutes (wrist ext 2# 2x15, band supination 2x15).", {"97140": 7, "97110": 11}),
        # two timed activities of one code joined by 'then', the second timed at the line's end
        ("Pulleys flex/abd x5min, then table slides + supine wand AAROM flex 2x10 x9min", {"97110": 14}),
        # (guard) one time closing the whole line covers the activity before 'then' as well
        ("started on the bike 5 min then hip work: bridges 2x12, clams 2x15, side-lying abduction 2x10 - 20 min TE.", {"97110": 20}),
        # an evaluation's time a few words after its name
        ("Re-evaluation completed today, roughly 20 minutes, including wrist extension 58 degrees, flexion 50, supination 75, grip 41 lb vs 68 lb.\nAfterwards strengthening 12 min: wrist curls 2x15, putty pinch.", {"97164": 20, "97110": 12}),
        # treatment after the re-evaluation, below the goals
        ("PT Re-evaluation\nGoals:\n STG 1 AROM flex 120 - met\n STG 2 dress without help - partly met\nAfter re-eval: pulleys 3 min, wand flexion 2x10, table slides 2x10, isometrics 10x5s. 16 min", {"97164": None, "97110": 16}),
        # a units line labelled 'Units:' with bare numbers, against one row's duration
        ("Bike 8 min L4\nLeg press | 3x12 | 80 lb\nHeel raises | 3x15 | BW\nSLS on foam | 3x30s | sway\nUnits: TE 2, NMR 1", {"97110": None, "97112": None}),
        # a blood pressure taken at a time, a late arrival, and fatigue after a time that is the activity's length
        ("Arrived 10 min late; standing 3 min 102/64, no dizziness.\nTherapy ball sitting with lateral tilts for trunk righting 3x10, fatigued after ~9 min.", {"97112": 9}),
        # a manual therapy header over a line of hands-on techniques
        ("Manual:\nMWM lateral glide with resisted wrist flexion 3x10, pain 4 -> 1/10 during; STM flexor-pronator mass - 9 min\nTher ex:\nIsometric wrist extension 5 x 45 s, eccentric wrist extension 2# 3x15 - 12 min", {"97140": 9, "97110": 12}),
        # a long first line titled as a progress re-evaluation; its tests block is the re-evaluation
        ("PT PROGRESS RE-EVALUATION (q 60 days) - 10 yo M, spastic diplegia, walks with loftstrand crutches at school, power chair for distances\nTests and measures (25 min): GMFM-66 68.2 (prev 66.9), 6MWT 212 m, hip abd 3/5 B\nGait training (15 min): stairs with rail and one crutch, 2 flights, CGA", {"97164": 25, "97116": 15}),
        # a block named and timed, then a dash and its details, one of them timed too
        ("Then ther ex for 16 minutes - wand ER 2x10, rows yellow band 3x15, scapular setting, UBE 5 min.", {"97110": 16}),
        # 'approx' in a header's bracketed time
        ("Re-assessment (approx 20 min):\n  AKPS 70 -> 84/100\n  Step-down test: good L and R\n  Hip abd HHD L 17.9 kg (was 14.1)\n  Deep squat hold tolerance 45s -> 2 min, pain 1/10\nTreatment:\n  Ther ex 15 min - goblet squats 3x10, split squats 3x8", {"97164": 20, "97110": 15}),
        # a table's header row aligned with spaces
        ("Exercise          Sets/Reps    Load     Comment\nLeg press         3x12         60#      no pain\nClams             3x20         green\nSLS foam          3x30s        -        EC last set\nTE 2 units / NMR 1 unit", {"97110": None, "97112": None}),
    ],
)
def test_then_joined_activities_units_labels_evaluation_titles_and_manual_headers(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # a post-offer screen is one physical performance test, timed by its start and end
        ("POST-OFFER FUNCTIONAL SCREEN\nApplicant: 31M   Position: stocker (lift 50 lb occasional)\nScreen start 0905 end 0950\n  Floor to waist lift 55 lb x4 ......... PASS\n  Carry 40 lb 50 ft ..................... PASS\n  Crouch tolerance 3 min ................ PASS\nConclusion: meets the demands of the job.", {"97750": 45}),
        # arrowed subtotal lines under a table's exercise rows
        ("EXERCISE | SETS | LOAD | TIME\nBike | - | L3 | 5'\nCalf raises | 3x15 | BW |\nToe yoga | 2x10 | - |\n  -> TE subtotal 18'\nSLS foam | 3x30s | - |\n  -> NMR subtotal 9'", {"97110": 18, "97112": 9}),
        # a header that names its code by number and in words overrides the content's reading
        ("[X] 97116 Gait training  12 min  - push toy walking 30 ft x4 w/ min A at trunk, hand-held walking 15 ft\n[X] 97110 Therapeutic exercise  10 min  - bridges 2x10, clamshells 2x15, heel raises 2x15", {"97116": 12, "97110": 10}),
        # 'that took about N minutes' times its paragraph; a wear schedule's times are none
        ("A soft cervical collar was fitted today, trimmed at the jaw line, and mom was shown how to put it on; start with thirty minutes and add thirty minutes a day. That took about fifteen minutes.\nThen ten minutes of stretching of the left SCM, gentle holds.", {"97760": 15, "97110": 10}),
        # a ballot-box header with its time over a line that describes the block
        ("☑ 97110 Therapeutic Exercise — 20 min\n   Notes: nut and bolt board, threading nuts onto bolts, sorting washers into a parts tray to simulate the assembly station\n☑ 97140 Manual — 8 min   retrograde massage R hand", {"97530": 20, "97140": 8}),
        # an orthosis fabricated today with an edema glove liner, its edges trimmed: initial management
        ("Fabricated forearm-based ulnar gutter orthosis, MPs 70 deg flex, straps + edema glove liner; pressure checked, distal border trimmed (40 min)", {"97760": 40}),
        # wheelchair management named as a table row's service
        ("Activity | Details | Time\nW/c mgmt | locking brakes with a lateral pinch, flipping footplates up and swinging the armrest off before transfers | 10 min\nTransfer practice | slide board w/c to mat, 4 reps | 14 min", {"97542": 10, "97530": 14}),
        # treatment after the re-evaluation, its time in brackets, under the plan update
        ("OT RE-EVALUATION\nMEASURES:\n Key pinch L 1.5 kg | grasp L 3 kg\nASSESSMENT/PLAN UPDATE: goals revised, cont 2x/wk\nTREATMENT AFTER RE-EVAL (10 min): wrist extension without finger closing, then finger flexion through the transferred tendon, neuromuscular re-education with sEMG biofeedback, 3x10", {"97168": None, "97110": 10}),
    ],
)
def test_screens_subtotals_headers_named_twice_ballot_boxes_and_wheelchair_rows(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # a line that only names its service and time, with a remark in brackets, is that service
        ("Shoulder f/u, pain 2/10\nTE 18' (per flowsheet)\nMT 9' - GH post glides gr III", {"97110": 18, "97140": 9}),
        # (guard) a named block's time under its header is the block's subtotal, not another item
        ("THER EX\n 1) clams 2x15, bridges 2x12 - 10'\n 2) tandem stance on foam 3x30s - 12'\nTE 22 min = 1 unit", {"97110": 10, "97112": 12}),
        # a time that opens a 'then' sentence is the activity's, and 'N min bouts' inside are doses
        ("Worked 12 minutes on hamstring and calf stretching in long sitting, 3 x 30 s holds each, to restore knee extension range.\nThen 14 minutes of simulated shelving at work height: 4 min bouts of lifting 5 lb boxes from a cart to a shelf at shoulder level and back down again, keeping the elbows in and the trunk upright, rests between bouts, to build tolerance for her restocking shifts.", {"97110": 12, "97530": 14}),
        # a minutes tally set apart by slashes and closed by its sum
        ("Bike | 8 min | L3\nLeg press | 3x12 | 70 lb\nMinutes: TE 20 / NMR 10 / gait 8 = 38", {"97110": 20, "97112": 10, "97116": 8}),
        # a first sentence that only names the activity and its time heads the long sentence after it
        ("Work simulation for 22 minutes today. Carried a 20 lb crate from the floor to a cart and back ten times with a hip hinge, pushed the loaded cart 40 feet six times, and held a 1 minute bout of overhead reaching to a top shelf to mimic her stocking job, cued to brace and keep the load close.", {"97530": 22}),
        # a block named after another ('land, after pool') is not that block
        ("Pool 30 min:\n- marching and side stepping in chest-deep water\n- squats at the rail 2x12\nLand, after pool (12 min): prone hip extension 2x12, clams 2x15", {"97113": 30, "97110": 12}),
        # stiffness that eases in some minutes is a symptom, not treatment time
        ("Pain 3/10. AM stiffness, eases ~30 min.\nTE 15 min - heel slides 2x15, quad sets 2x10, SAQ 2x12", {"97110": 15}),
        # a units tally followed by short remarks is still a tally
        ("- rows GTB 3x12, wall push-ups 3x10\n- ball on wall circles 3x30s, eyes closed last set\nTE x2 units, NMR x1 unit. Tol well. Cont POC.", {"97110": None, "97112": None}),
        # a time before a colon heads its sentence in a long paragraph; the times inside it are doses
        ("Session opened with grade III inferior and posterior glides to the GH joint progressing toward end range (10 minutes). Exercise followed for 15 minutes: pulleys into flexion 3 min, wand ER 2x12, prone rows 2 lb 3x10, sidelying ER 2x12 with a towel roll under the elbow.", {"97140": 10, "97110": 15}),
        # a clause that times the visit is not an item; a labelled chunk of a paragraph keeps its label's service
        ("OT tx. Pt seen at bedside for 50 minutes. 80 y/o M s/p R CVA.\nMorning ADL: LB dressing seated EOB w/ reacher and sock aid, mod A to stay at midline while leaning, cued to shift weight L (25 min). Grooming seated at sink, min A (10 min).", {"97535": 35}),
        # times right after 'then' open their activities in a run-on paragraph; the doses inside stay doses
        ("pt is 61 y/o M w/ L TKA 5 wks ago, reports 3/10 pain at rest and stiffness in the AM,\nstarted with ice 10 min to the L knee after the drive in,\nthen 12 min ther ex: quad sets 2x10, heel slides w/ strap 2x15, bike 4 min rocking for ROM,\nthen 9 min transfer practice car simulator in and out x4 with the seat reclined, SBA,\nplan to progress step-ups next visit", {"97010": 10, "97110": 12, "97530": 9}),
    ],
)
def test_named_times_opening_times_slash_tallies_and_visit_clauses(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # a 'timed <block>' line states the block's own total over rows timed in part
        ("Mode | Dose | HR peak\nBike L4 | 10 min | 110\nTreadmill 2.0 mph | 12 min | 118\nWall push-ups | 2 x 12 | 102\nTimed ther ex: 30 min", {"97110": 30}),
        # a recovery time is not time spent ('back up in 1 min')
        ("Carried a laundry basket from the washer to the bedroom 4 times and hung shirts on a rail at shoulder height. SpO2 dipped to 88%, back up in 1 min with pursed-lip breathing. ~16 mins.", {"97530": 16}),
        # casting is its own service; the stretching before it is exercise
        ("Pre-cast gastroc stretching, 3 x 45s holds each side (6 min).\nRecast bilateral short leg fiberglass, ankles in max tolerated DF. Casting time 20 min.", {"29405": 20, "97110": 6}),
        # a school session's length ('pull-out') is not an item; the goals under it are
        ("School PT service log\n10:00-10:30 | 30 min pull-out | gym\nIEP goal 3: stairs 12 steps w/ rail, reciprocal up, step-to down, SBA\nIEP goal 1: stood on a 4 in beam w/ 1 hand hold 10 s, side-stepped 6 ft x3", {"97116": None, "97112": None}),
        # orthostatic vitals with dizziness are findings; the visit went to education
        ("Orthostatics: supine 120/70 HR 68, standing 1 min 92/58 HR 94, dizzy with greying vision.\nExercise held today.\nEducated on rising in stages and fluids through the morning.", {}),
        # power-chair driving controls are wheelchair training; driving hand controls discussed are no item
        ("Alternative drive control trial: chin joystick vs sip-n-puff, 3 laps of a cone course each (12 min)\nDiscussed spinner knob and hand controls for his truck, no hands-on (8 min)", {"97542": 12}),
    ],
)
def test_timed_totals_recovery_times_casting_session_lengths_and_drive_controls(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # another discipline's time and the OT session's clock are not items
        ("Bladder program 0700-0730 (nursing). OT session 0900-1000. BP 118/72 sitting.\nADL: UB/LB dressing EOB w/ reacher, min A for pants over hips (25 min)\nToilet transfer w/ grab bar x3, SBA (12 min)", {"97535": 25, "97530": 12}),
        # how long an orthosis is worn ('tolerating 60 min') is not time spent
        ("Pt wearing static progressive elbow ext orthosis 3x/day, tolerating 60 min now.\nTx: UBE fwd/retro L2, AROM flex/ext 2x15, LLLD ext stretch w/ 2# over towel roll\nUnits: 97110 x2", {"97760": None, "97110": None}),
        # a list of goals, then a line with its own label and time, is today's work
        ("OT home visit\nGoals reviewed:\n1. Make a hot drink and carry it to the lounge - in progress\n2. Bathe at the sink - achieved\nKitchen (20 mins): made tea w/ kettle tipper, trolley to the lounge, prompts to plan the route", {"97535": 20}),
        # a falls history is history, not a service
        ("Falls hx: two falls getting up from the armchair at night, unable to get up off the floor once.\nStarted exercise programme: sit to stand x5, heel raises x10, seated knee ext x10 - taught, 10 mins.", {"97110": 10}),
        # a signature with the role first is no item
        ("Bridges 3x12, clams 3x15, side planks 3x20s - 15 min\nSPT J. Alvarez / CI M. Chen, PT", {"97110": 15}),
        # one code billed in units that fit the stated total took all the timed minutes
        ("Exercise | Dose | Min\nTreadmill | 2.0 mph | 14\nwalking tolerance: calf tingling at min 12, eased seated\nSide stepping RTB | 3 laps in bars |\nBridges | 2x12 |\nTotal timed: 38 min   TE 3 units", {"97110": 38, "97116": None}),
        # a symptom's onset 'after about ten minutes' of standing is not time spent
        ("Standing tolerance: numbness L foot comes on after about ten minutes standing at the counter, then he sits.\nUpright bike L3 12 min for conditioning.", {"97112": None, "97110": 12}),
    ],
)
def test_other_disciplines_wear_times_goal_lists_role_first_signatures_and_units_of_the_total(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # e-stim left running with the patient alone is unattended; attended stimulation keeps its code
        ("NMES L supraspinatus, 35 Hz, 5s on/10s off, 20 min seated, pt left with call bell after set-up\nBridges 2x12, clams 2x15 - 10 min", {"G0283": 20, "97110": 10}),
        ("NMES quads w/ quad sets during each cycle, attended, 12 min\nBike 8 min L3", {"97032": 12, "97110": 8}),
        # a visit's time split between the evaluation and the treatment times the one treatment
        ("OT Eval - Acute\nTime: 30 min eval, 10 min tx\nComplexity: low.\nTx: practised LB dressing with reacher and sock aid, hip precautions kept, return demo", {"97165": 30, "97535": 10}),
        # how the patient was and how pain settled are observations, not items
        ("Pt restless in bed, pulling at lines, sitter present.\nAAROM B UE 2x10, heel slides 2x10 (8 min)", {"97110": 8}),
        ("Mild pain increase to 4/10 which settled with standing extension.\nSLS on foam 3x30s, tandem walk 4 laps - 10 min", {"97112": 10}),
    ],
)
def test_unattended_stimulation_visits_split_between_evaluation_and_treatment_and_observations(note, expected):
    assert _by_code(note) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # an indented label of a neighbouring service under a timed block details that block
        ("Ther Act (97530) - 12 min\n  LB dressing: sock aid and reacher to get pants over feet, mod I with AE by end\nTher Act (97530) - 10 min\n  unloading dishes to a shoulder-height shelf, carrying a 3 lb bag 20 ft", {"97535": 12, "97530": 10}),
        # a time closing its sentence before 'total' closes the activity: a vitals-heavy line is still work done
        ("Began with a warm up then three rounds of three minutes with gloves, working on cardiovascular endurance, heart rate up to 124, about 15 minutes total.", {"97110": 15}),
        # a class the patient attended, counted by its members, is a group
        ("Boxing class 10:00 (8 boxers, 1 PTA + 2 coaches)\nPt attended full class, 60 min.\nStations: heavy bag, speed bag, footwork ladder, step-ups", {"97150": 60}),
        # a time before a purpose and a colon heads its sentence; the times inside are doses
        ("Tilt table 30 min for head and trunk control: 0 -> 60 deg over 8 min, held at 60 deg x 22 min with head righting facilitated at the cervical extensors, midline head to a visual target at eye level, BP stable throughout at 110/70.", {"97112": 30}),
        # what the patient tolerates per the log is a finding in a re-evaluation
        ("PT RE-EVALUATION (30-day)\nCRS-R 12 (admit 6)\nTolerates tilt table 70 deg x 30 min w/o orthostasis (per log).\nRe-eval: 40 min.", {"97164": 40}),
        # a community outing is community reintegration training
        ("Community outing 0915-1000: took the bus with OT to the grocery store, planned the route on the transit app, shopped from her list on a $30 budget, paid by card.", {"97537": 45}),
        # a visit's clock over a vitals line and a line timed on its own does not time that line
        ("PTA tx 3/14  9:00-9:45\nPre fatigue 2/10, HR 76, BP 110/70\nNMES R tib ant w/ active DF on each cycle, PTA attending - 12 min\nBalance: foam EO/EC 3x30s, tandem walk in bars 4 lengths - 18 min", {"97032": 12, "97112": 18}),
    ],
)
def test_labels_under_blocks_totals_classes_purposes_tolerances_and_outings(note, expected):
    assert _by_code(note) == expected


_MIXED_CASE_NOTE = (
    "S: Pain 4/10 L knee, slept better.\nO: L TKA wk 5.\nBike 8' for ROM.\n"
    "Quad sets, SLR 3x10, terminal knee ext w/ band 2x15 - 12'.\n"
    "Single leg stance on foam w/ reaches, tandem stance eyes closed - 10'.\n"
    "Ice pack 10' end of session.\nP: Cont per protocol."
)


def test_a_note_in_capitals_is_read_as_the_same_note_in_mixed_case():
    # every line of a note exported in capitals looks like a heading; case says nothing there
    expected = {"97110": 20, "97112": 10, "97010": 10}
    assert _by_code(_MIXED_CASE_NOTE) == expected
    assert _by_code(_MIXED_CASE_NOTE.upper()) == expected


@pytest.mark.parametrize(
    "note,expected",
    [
        # a dictated paragraph whose sentences close on their times: a sentence's end ends the
        # clause its time closes, so the next sentence starts the next activity
        ('PT note, dictated. He is 3 weeks out from a lumbar fusion. He says he walks the block twice a day for about 20 minutes, back pain is down, only some tightness across the incision. He drove to church without trouble. Today we practised rolling and supine to sit from the mat with log-roll technique, four reps each way, cues to keep the trunk in line, about 7 minutes. Then we worked on hamstring stretching in long sitting, three holds of thirty seconds each side, plus bridges two sets of twelve, 12 minutes. Then stair practice, one flight twice with the rail, cues for a step-to pattern, 9 minutes. Finished with a hot pack to the low back for 10 minutes while I updated his program. Tolerated well.', {"97530": 7, "97110": 12, "97116": 9, "97010": 10}),
        # a time with "about" closes its activity and the purpose clause after it belongs to it;
        # activities after the last such time keep their own times
        ('OT intensive block, day 4. 7 y/o M, L hemiplegia. Started in quadruped with weight shifts onto the L arm, tapping cues at the triceps to hold elbow extension, about 12 min, aimed at weight acceptance through the arm. Moved to the table for in-hand manipulation: moving beads from palm to fingertips and dropping them in a jar, turning a pencil end to end, ~15 minutes, for finger isolation. Then putty squeezes and pinches (roll, squeeze, key pinch) 3 sets of 10, 8 min. Zipper practice on his jacket, cues to hold the tab with the L hand, 10 min.', {"97112": 27, "97110": 8, "97535": 10}),
        # a time alone on the line after an untimed block's lines closes that block
        ('Knee revision, wk 12\nTE:\n  seated knee ext 5# 3x12\n  mini squats at counter 3x10 for quad strength\n  bike seat high, full revs\n  = 18 min\nTA (home tasks):\n  carried laundry basket 30 ft x3, set down on low shelf by squatting\n  picked items off floor with a reacher and loaded the washer\n  = 12 min', {"97110": 18, "97530": 12}),
        ('BALANCE:\n - tandem stance on foam 3x30 s, EO then EC\n - walking w/ head turns 4 passes x 15 m\n (14 min)\nSTRENGTH:\n - STS 3x10 arms crossed, quad strength\n - heel raises 3x15\n (9 min)', {"97112": 14, "97110": 9}),
        # a sentence that is only a time ("About ten minutes for that.") times the one before it
        ('He came in stiff after a long drive and we spent a few minutes on how the week went; he has been sleeping better. We worked on standing balance at the counter, feet together then tandem, eyes open and closed, with light perturbations at the pelvis, and he steadied faster by the end. About ten minutes for that. Stairs and outdoor walking were left for next time because his knee was sore from the flight, and he agreed.', {"97112": 10}),
        # a time followed by a dash and the activity's details heads its sentence
        ("pt is a roofer 10 wks post R rotator cuff repair, cleared for light duty. today worked on job tasks for about 20 min - carrying a bundle of shingles (15#) up 3 steps x5, reaching overhead to nail a mock fascia board 4 x 1 min, kneeling and rising on a sloped board x8, cues for trunk position. then ER/IR w/ red band 3x15 and prone T's 2x10 for RC strength, 9 min. pt says shoulder tired but no pain.", {"97530": 20, "97110": 9}),
        # "we spent about eight minutes <doing>" and "we then did twelve minutes of" open their
        # activities; a time after a dose is not time spent
        ('Dictated. She arrived tired, having taken her evening levodopa late, and her tremor was worse than usual. We skipped the treadmill today because of the fatigue. We spent about eight minutes going over how to time her exercise around her doses and she wrote the times in her phone, education only. We then did twelve minutes of standing balance in the parallel bars, stepping over a line forward and back and reaching across her body to targets, with cues to take big steps. Her next visits will be 30 to 60 minutes after a dose.', {"97112": 12}),
        # an item listed with its details under it ends at the next line indented as far as it
        ('O: Seated, alert.\n  Strengthening, short bouts with long rests - 15 min:\n   - STS from 20" chair 2 x 5 - quad strength\n   - seated march 1 x 10 ea\n  Energy conservation training - 10 min: sit for showering, plan heavy chores for the morning, grab bar placement reviewed.\nA: fatigued at the end of the session.', {"97110": 15, "97535": 10}),
        # "4 min then ... 6 min ... 10 min total on the cycle": the total adds up its own parts
        ('Pt alert, following commands, on 4 L NC. We began with AAROM to both shoulders and elbows, 2x10 each plane, for about 8 minutes, to keep range while on bed rest. Then the bedside cycle was set up at the foot of the bed with the HOB at 30 deg; he pedalled passively for 4 min then actively for 6 min at level 1, HR 84 -> 99, working on leg endurance, with the RN watching the lines. 10 min total on the cycle. Sitting at the edge of bed was deferred because of a low MAP.', {"97110": 18}),
        # a closing "Total about 20 minutes." over a dictated visit's activities is the visit's,
        # and "including one standing rest" does not make the next sentence's time a dose
        ('Dictation, step-down unit. Seen with the RN; he is on 3 L by cannula after his valve repair. He was sitting up in the recliner when I came in. He then walked 180 feet down the hall with the rolling walker, the RN bringing the IV pole, and I cued him for a longer stride and upright posture, about twelve minutes of walking including one standing rest. Back in the recliner he did seated knee extension and hip flexion with a 2 pound weight, two sets of ten, for quad strength, about eight minutes. He declined the stair trial, too tired. Total about 20 minutes.', {"97116": 12, "97110": 8}),
        # a label with leader dots and its time heads the bulleted lines under it
        ("OT home visit\nGrooming at sink ........................ 12 min\n  * standing at sink w/ RW, brushed teeth and combed hair, SBA\nShoulder strengthening for cane use .... 8'\n  * yellow band rows 2x12, chest press 2x12, wall push-ups x10", {"97535": 12, "97110": 8}),
        # a table row that only totals the untimed rows above it times them
        ('Exercise              | Params            | Min\nClamshells            | 3x15, blue band   |\nBridges               | 3x12              |\nStep-downs 6"         | 2x10 ea           |\n                      | subtotal          | 14\nSoft tissue mob ITB   | mod pressure      | 8', {"97110": 14, "97140": 8}),
        # "I spent roughly ten minutes" opens its activity; a later sentence closed by its own time
        # ends the activity a "then about twelve minutes" opened
        ('Dictated. Fifty-two year old triathlete with right shoulder pain since a crash on the bike a month ago. Today I spent roughly ten minutes on the shoulder, red band external rotation three sets of fifteen, prone rows and Y raises, aimed at rotator cuff strength. Then about twelve minutes on his swim stroke on the bench with a mirror and my hand on the shoulder blade to retrain scapular setting during the pull, he needed steady cues but by the end held it for one minute blocks. Ice to the shoulder after that, ten minutes, which he says settles it. Timed roughly twenty two minutes.', {"97110": 10, "97112": 12, "97010": 10}),
        # a line marked "(not counted)" with no time of its own after the remark is not an item
        ("- sitting balance EOB ~3 min, reaching outside BOS while RN re-taped lines (not counted)\n- STS x5 from raised bed, quad strength 2x5 - 6 min\n- Gait 40 ft x2 RW, 3 min seated rest between (not counted) - 9 min", {"97110": 6, "97116": 9}),
        # sentences after the last timed activity on what was declined or not part of the visit
        # are not that activity
        ('Home visit, dictated. Seventy year old woman after a right hip revision, walker, partial weight bearing. She says her son has been helping her on the stairs. We started with gait through the house with the walker, kitchen to bedroom about forty feet times four, keeping to half weight, about eight minutes. After that I had her stand at the kitchen counter for balance work, feet together, reaching out to the sides and turning her head with me guarding, roughly ten minutes, one loss of balance she caught on the counter. She was supposed to do her bed exercises after but she declined, too tired. Her son put a cold pack on her hip after I left, not part of the visit.', {"97116": 8, "97112": 10}),
        # "-- ex total 20 min" closing a line takes in the code's timed line above it
        ("Bike 8 min, seat 5, for endurance\nClamshells 2x15, bridges 2x12 -- ex total 18 min\nHot pack 10 min", {"97110": 18, "97010": 10}),
        # a paragraph closed by its total ("Timed minutes 18.") is read, and the total recorded
        ('Dictated. Pt seen today for right shoulder pain after a fall in her garden. She says reaching into the back seat of her car is the worst. We started with isometric external rotation against a towel roll, five holds of 30 seconds, then the same into internal rotation, pain stayed at 2 out of 10, that was about 8 minutes. After that we practiced reaching into a mock back seat built from the mat table and a chair, turning her trunk instead of reaching across with the arm, about 10 minutes. Timed minutes 18.', {"97110": 8, "97530": 10}),
        # a timed header whose remark only states its aim heads the bulleted lines under it
        ('O:\nTher ex (18 min) - goal: quad strength for stairs\n - SAQ 3# 3x12\n - wall squats 3x10\n - step-ups 6" 2x10\nManual (8 min): patellar glides, STM quad', {"97110": 18, "97140": 8}),
        # an indented "Total 24 min, ..." under an untimed list is the list's time
        ("Exercises:\n  Leg press 50# 3x10\n  Bridges 3x12\n  Total 24 min, all for hip strength\nHot pack 10 min", {"97110": 24, "97010": 10}),
    ],
)
def test_run_on_paragraphs_and_times_that_close_blocks(note, expected):
    assert _by_code(note) == expected


def test_sentences_before_the_first_timed_one_are_not_its_activity():
    # who the patient is and what she tried at home do not join the manual work whose time
    # closes the third sentence
    items = _by_code('Patient is a 27-year-old woman, nine weeks after a left periacetabular osteotomy, seen for her 11th visit. Cleared last week to wean off crutches. She says she tried walking around the house without crutches on Saturday and limped badly. Session started with manual work, soft tissue mobilization to the left TFL and adductors and scar mobilization along the incision, about ten minutes. Then strengthening: standing hip abduction with red band 3 by 12, bridges 3 by 10, clamshells 2 by 15, about fifteen minutes. She will keep one crutch outdoors for now.')
    assert (items.get("97140"), items.get("97110")) == (10, 15)
