"""Each fallback rule fires on text it is written for and abstains otherwise."""

import pytest

from classifier.rules import apply, load_rules

# rule id -> (text where it fires and decides, expected label, text where it does not fire)
CASES = {
    "R01": ("pt cancelled today, sick", "none", "pt arrived on time, SLS on foam 3x30s"),
    "R02": ("balance class with 4 other pts, rotating between stations", "none", "one-on-one balance training on foam"),
    "R03": ("aquatic therapy: chest deep water walking 10 min", "none", "land-based ther ex: clams 3x15"),
    "R04": ("next visit will add tandem stance on foam", "none", "tandem stance on foam 3x30s"),
    "R05": ("re-eval: goals updated, POC extended 4 wks", "none", "clams 3x15 w/ RTB"),
    "R06": ("gait trng w/ RW 150 ft x2, CGA", "none", "lateral step-downs 3x10 4 in step"),
    "R07": ("gaze stabilization VOR x1 horizontal 3 x 60 s", "97112", "hamstring stretch 3x30s"),
    "R08": ("lifting 20 lb crate floor to waist x10 to simulate stocking at work", "97530", "SLS on foam EC 3x20s"),
    "R09": ("SLS on Airex EC 3x20s, perturbations", "97112", "heel slides AAROM 2x15"),
    "R10": ("car transfer x3, min A", "97530", "quad sets 2x10"),
    "R11": ("obstacle course stepping onto foam and over hurdles, eyes closed on the last lap", "97112", "obstacle course stepping over hurdles"),
    "R12": ("SLR and SAQ, hip abduction, heel slides", "97110", "pt declined all treatment"),
    "R13": ("squats 3x10 and heel raises next to the kitchen counter, then carry practice", "97110", "car transfer x3"),
    "R14": ("postural re-ed seated w/ mirror feedback", "97112", "bridges 3x15"),
    "R15": ("3x10 each side w/ 5# cuff", "97110", "supine to sit w/ min A"),
    "R16": ("reaching into the low cupboard for pans, standing at counter", "97530", "clamshells 3x15"),
    "R17": ("balance training 10 min, fall risk", "97112", "bridges 3x15"),
}


def test_every_rule_is_tested():
    assert {r.id for r in load_rules()} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_and_decides(parse, rule_id):
    text, label, _ = CASES[rule_id]
    res = apply(parse(text))
    assert rule_id in {r.id for r in res.fired}
    assert res.rule is not None and res.rule.id == rule_id
    assert res.label == label


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_abstains(parse, rule_id):
    _, _, text = CASES[rule_id]
    res = apply(parse(text))
    assert rule_id not in {r.id for r in res.fired}


def test_no_cues_every_rule_abstains(parse):
    res = apply(parse("patient seen"))
    assert res.label is None and res.fired == ()


def test_other_service_from_evidence(parse):
    assert apply(parse("gait trng w/ RW 150 ft x2, CGA")).other_service == "97116"
    assert apply(parse("MHP to low back 10 min")).other_service == "97010"
