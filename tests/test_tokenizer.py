import pytest

CASES = [
    ("bridges 3x10", ["bridges", "3", "x", "10"]),
    ("clams 2X15", ["clams", "2", "X", "15"]),
    ("DB curls 2# ea", ["DB", "curls", "2", "#", "ea"]),
    ("cuff wt 5lb", ["cuff", "wt", "5", "lb"]),
    ("5 lb dumbbell", ["5", "lb", "dumbbell"]),
    ("w/ RTB", ["w/", "RTB"]),
    ("w/o UE support", ["w/o", "UE", "support"]),
    ("s/p TKA", ["s/p", "TKA"]),
    ("S/P ACLR", ["S/P", "ACLR"]),
    ("B/L heel raises", ["B/L", "heel", "raises"]),
    ("b/l", ["b/l"]),
    ("UBE x12'", ["UBE", "x", "12", "'"]),
    ("bike 10min", ["bike", "10", "min"]),
    ("SLS 3x30s", ["SLS", "3", "x", "30", "s"]),
    ("sit<>stand x5", ["sit", "<>", "stand", "x", "5"]),
    ("RTB GTB BTB", ["RTB", "GTB", "BTB"]),
    ("flex/ext", ["flex", "/", "ext"]),
    # a clock-time range is one token (a time, not a range of motion "0-90")
    ("1015-1040 TE", ["1015-1040", "TE"]),
    ("(0700-0712)", ["(", "0700-0712", ")"]),
    ("knee 0-95", ["knee", "0", "-", "95"]),
    ("W/c cushion", ["W/c", "cushion"]),
]


@pytest.mark.parametrize("text,tokens", CASES)
def test_clinical_tokenizer(nlp, text, tokens):
    assert [t.text for t in nlp.make_doc(text)] == tokens


@pytest.mark.parametrize(
    "word,lemma",
    [("bridges", "bridge"), ("clamshells", "clamshell"), ("reps", "rep"), ("stairs", "stair"), ("transfers", "transfer"), ("lbs", "lb"), ("Squats", "squat")],
)
def test_lookup_lemmatizer(nlp, word, lemma):
    doc = nlp(f"pt did {word} today")
    assert doc[2].lemma_ == lemma
