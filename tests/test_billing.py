"""Every worked example of DOMAIN.md section 3 under both unit rules."""

import pytest

from classifier.billing import ama_units, cms_units, pair_warnings, units_for


@pytest.mark.parametrize(
    "minutes,units",
    [(1, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5), (82, 5), (83, 6), (97, 6), (98, 7), (112, 7), (113, 8), (127, 8), (128, 9), (142, 9)],
)
def test_unit_table(minutes, units):
    assert units_for(minutes) == units


# (name, timed minutes, total units, exact allocation or None, allowed alternatives when tied)
CMS_CASES = [
    ("CMS 1", {"97112": 24, "97110": 23}, 3, {"97112": 2, "97110": 1}, None),
    ("CMS 2", {"97112": 20, "97110": 20}, 3, None, [{"97112": 2, "97110": 1}, {"97112": 1, "97110": 2}]),
    ("CMS 3", {"97110": 33, "97140": 7}, 3, {"97110": 2, "97140": 1}, None),
    ("CMS 4", {"97110": 18, "97140": 13, "97116": 10, "97035": 8}, 3, {"97110": 1, "97140": 1, "97116": 1, "97035": 0}, None),
    ("CMS 5", {"97112": 7, "97110": 7, "97140": 7}, 1, None, [{"97112": 1, "97110": 0, "97140": 0}, {"97112": 0, "97110": 1, "97140": 0}, {"97112": 0, "97110": 0, "97140": 1}]),
    ("A", {"97110": 22, "97112": 12, "97530": 9}, 3, {"97110": 1, "97112": 1, "97530": 1}, None),
    ("B", {"97530": 16, "97112": 14, "97110": 10, "97140": 6}, 3, {"97530": 1, "97112": 1, "97110": 1, "97140": 0}, None),
    ("C", {"97110": 10, "97112": 10, "97530": 10}, 2, None, [{"97110": 1, "97112": 1, "97530": 0}, {"97110": 1, "97112": 0, "97530": 1}, {"97110": 0, "97112": 1, "97530": 1}]),
    ("D", {"97530": 38, "97110": 7}, 3, {"97530": 3, "97110": 0}, None),
    ("E", {"97110": 25, "97530": 25}, 3, None, [{"97110": 2, "97530": 1}, {"97110": 1, "97530": 2}]),
    ("F", {"97035": 8, "97140": 8, "97110": 18}, 2, None, [{"97035": 1, "97140": 0, "97110": 1}, {"97035": 0, "97140": 1, "97110": 1}]),
    ("G", {"97110": 30, "97140": 16}, 3, {"97110": 2, "97140": 1}, None),
    ("H", {"97110": 12, "97530": 11}, 2, {"97110": 1, "97530": 1}, None),
    ("I", {"97110": 45, "97112": 8}, 4, {"97110": 3, "97112": 1}, None),
    ("J", {"97112": 14, "97110": 9}, 2, {"97112": 1, "97110": 1}, None),
]


@pytest.mark.parametrize("name,minutes,total,exact,tied", CMS_CASES, ids=[c[0] for c in CMS_CASES])
def test_cms_worked_examples(name, minutes, total, exact, tied):
    alloc = cms_units(minutes)
    assert alloc.total_units == total
    assert sum(alloc.units.values()) == total
    if exact is not None:
        assert alloc.units == exact
        assert alloc.ties == ()
    else:
        assert alloc.units in tied
        assert alloc.ties, "an exact tie must be surfaced for the clinician"


AMA_CASES = [
    ({"97110": 33, "97140": 7}, 3, 2),
    ({"97110": 10, "97112": 10, "97140": 10}, 2, 3),
    ({"97110": 7, "97140": 7}, 1, 0),
    ({"97112": 24, "97110": 23}, 3, 4),
    ({"97110": 25, "97530": 25}, 3, 4),
    ({"97110": 20, "97140": 18}, 3, 2),
    ({"97112": 20, "97110": 20}, 3, 2),
    ({"97110": 18, "97140": 13, "97116": 10, "97035": 8}, 3, 4),
]


@pytest.mark.parametrize("minutes,cms_total,ama_total", AMA_CASES)
def test_cms_versus_ama(minutes, cms_total, ama_total):
    assert cms_units(minutes).total_units == cms_total
    assert ama_units(minutes).total_units == ama_total


def test_ama_is_per_code():
    assert ama_units({"97110": 33, "97140": 7}).units == {"97110": 2, "97140": 0}


@pytest.mark.parametrize(
    "codes,fragment",
    [
        ({"97140", "97530"}, "97530 with 97140"),
        ({"97530", "97116"}, "97530 with 97116"),
        ({"97150", "97110"}, "group therapy 97150 with one-on-one 97110"),
        ({"97113", "97110"}, "97113 with 97110"),
        ({"97012", "97140"}, "mechanical traction 97012 with 97140"),
        ({"97162", "97140"}, "PT evaluation with 97140"),
        ({"97164", "97530"}, "re-evaluation 97164 with 97530"),
        ({"97161", "97750"}, "97750 with an evaluation"),
        ({"98940", "97112"}, "chiropractic manipulation with 97112"),
    ],
)
def test_pair_warnings(codes, fragment):
    assert any(fragment in w for w in pair_warnings(codes))


def test_no_pair_warning_among_the_three():
    assert pair_warnings({"97110", "97112", "97530"}) == []
