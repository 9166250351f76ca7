"""The public API contract of DESIGN.md."""

from __future__ import annotations

import pytest

import classifier
from classifier import PtcodeError, Suggestion, suggest, suggest_many
from classifier.types import LABELS

TEXTS = [
    ("Pt performed bridges 3x15 and clamshells w/ RTB for glute med strength", "97110"),
    ("SLS on Airex eyes closed 3x30s with perturbations to challenge balance", "97112"),
    ("lifting a 20 lb box from floor to waist x10 with hip hinge cues to simulate his warehouse job", "97530"),
    ("gait training with rolling walker 150 ft x2, CGA, cues for step length", "none"),
    ("no ther ex today, pt declined; plan to add balance work next visit", "none"),
]


def sentences(text: str) -> int:
    """Sentences outside quotes (quoted note text may hold full stops of its own)."""
    unquoted = "".join(part for i, part in enumerate(text.split('"')) if i % 2 == 0)
    return sum(1 for i, ch in enumerate(unquoted) if ch in ".!?" and (i + 1 == len(unquoted) or unquoted[i + 1] == " "))


@pytest.mark.parametrize("text,expected", TEXTS)
def test_clear_cases(text, expected):
    assert suggest(text).code == expected


@pytest.mark.parametrize("text,_", TEXTS)
def test_contract(text, _):
    s = suggest(text)
    assert isinstance(s, Suggestion)
    assert s.code in LABELS
    assert 0.0 <= s.confidence <= 1.0
    assert isinstance(s.needs_review, bool)
    assert s.decided_by in ("model", "rules")
    confs = [p for _, p in s.alternatives]
    assert confs == sorted(confs, reverse=True)
    assert len(s.alternatives) == 3 and s.code not in dict(s.alternatives)
    assert s.confidence + sum(p for _, p in s.alternatives) == pytest.approx(1.0, abs=1e-6)
    assert all(s.confidence >= p for _, p in s.alternatives)
    assert 1 <= sentences(s.explanation) <= 2
    for e in s.evidence:
        assert text[e.start : e.end] == e.text
        assert e.context in ("performed", "negated", "planned", "historical")
    if s.code != "none":
        assert s.evidence, "a suggestion other than none must carry evidence"
        assert s.other_service is None


def test_explanation_quotes_the_note():
    text = "SLS on Airex eyes closed 3x30s with perturbations to challenge balance"
    s = suggest(text)
    quoted = [q for q in s.explanation.split('"')[1::2]]
    assert quoted and all(q in text for q in quoted)


def test_other_service_for_neighbouring_codes():
    assert suggest("gait training with rolling walker 150 ft x2, CGA, cues for step length").other_service == "97116"
    assert suggest("grade III PA glides L4-5 and STM to lumbar paraspinals").other_service == "97140"
    assert suggest("LB dressing training with sock aid and reacher").other_service == "97535"


def test_suggest_many_streams_in_order():
    texts = [t for t, _ in TEXTS] * 3
    out = list(suggest_many(texts, batch_size=4))
    one = [suggest(t) for t in texts]
    assert [s.code for s in out] == [s.code for s in one]
    # a chunk is scored at once (n-grams and probabilities over the chunk): the same answers,
    # explanations and confidences as one text at a time
    assert [s.explanation for s in out] == [s.explanation for s in one]
    assert [s.confidence for s in out] == pytest.approx([s.confidence for s in one], abs=1e-9)


def test_suggest_many_returns_errors_in_place():
    out = list(suggest_many(["bridges 3x10", "", 42, "SLS foam"], errors="return"))
    assert isinstance(out[0], Suggestion) and isinstance(out[3], Suggestion)
    assert isinstance(out[1], PtcodeError) and isinstance(out[2], PtcodeError)


@pytest.mark.parametrize("bad", ["", "   \n\t", None, 12, b"bytes"])
def test_bad_input_is_a_clear_error(bad):
    with pytest.raises(PtcodeError) as exc:
        suggest(bad)  # type: ignore[arg-type]
    assert "expected" in str(exc.value)


def test_error_messages_never_quote_the_text():
    secret = "Jane Q Patient SSN 123-45-6789 " * 10000
    with pytest.raises(PtcodeError) as exc:
        suggest(secret, max_chars=1000)
    assert "Jane" not in str(exc.value) and "123-45" not in str(exc.value)


def test_rules_only_mode_without_a_model():
    s = suggest("SLS on Airex eyes closed 3x30s", mode="rules")
    assert s.decided_by == "rules" and s.code == "97112" and s.rule_id == "R09"


def test_package_exports_only_the_public_api():
    assert set(classifier.__all__) == {"Evidence", "LineItem", "NoteAnalysis", "Suggestion", "PtcodeError", "analyze_note", "suggest", "suggest_many"}


def test_suggest_many_with_two_processes_keeps_order():
    texts = [t for t, _ in TEXTS] * 60
    assert [s.code for s in suggest_many(texts, n_process=2, batch_size=32)] == [s.code for s in suggest_many(texts)]


def test_pipeline_is_rebuilt_after_many_texts(monkeypatch):
    from classifier import evidence
    from classifier.pipeline import get_nlp

    monkeypatch.setattr(evidence, "RECYCLE_AFTER", 50)
    evidence._seen_since_build[0] = 0
    first = get_nlp()
    before = [s.to_dict() for s in suggest_many([t for t, _ in TEXTS] * 12, batch_size=16)]
    assert get_nlp() is first  # the count was reached by the last batch: a run ending there rebuilds nothing
    again = [s.to_dict() for s in suggest_many([t for t, _ in TEXTS] * 12, batch_size=16)]
    assert get_nlp() is not first  # rebuilt before the next batch
    assert before == again
