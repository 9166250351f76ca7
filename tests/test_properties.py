"""Property-based tests: on arbitrary Unicode, suggest() and analyze_note() never raise
anything but a clear PtcodeError for unusable input, evidence offsets are valid, results are
deterministic and confidences sum to one."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import PtcodeError, analyze_note, suggest

CLINICAL = ["bridges", "3x10", "SLS", "foam", "EC", "car transfer", "min A", "no", "held", "next visit", "Plan:", "S:", "O:",
            "TE 10 min:", "NMR", "15'", "10:05-10:20", "gait", "RW", "w/", "s/p", "#", "×", "°", "\n", " ", ",", ".", "-"]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(CLINICAL), st.text(max_size=8)), max_size=40).map(" ".join),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_suggest_properties(text):
    try:
        s = suggest(text)
    except PtcodeError:
        assert not text.strip() or len(text) > 200_000 or not any(ch.isprintable() and not ch.isspace() for ch in text)
        return
    assert s.code in ("97110", "97112", "97530", "none")
    assert s.confidence + sum(p for _, p in s.alternatives) == pytest.approx(1.0, abs=1e-6)
    for e in s.evidence:
        assert 0 <= e.start <= e.end <= len(text) and text[e.start : e.end] == e.text
    assert suggest(text) == s


@SETTINGS
@given(texts)
def test_analyze_note_properties(text):
    try:
        n = analyze_note(text)
    except PtcodeError:
        return
    assert n.total_timed_minutes >= 0
    for item in n.items:
        assert 0 <= item.start <= item.end <= len(text)
        assert item.minutes is None or item.minutes >= 0
        if item.suggestion is not None:
            for e in item.suggestion.evidence:
                assert text[e.start : e.end] == e.text
    assert analyze_note(text) == n
