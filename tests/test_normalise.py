import pytest

from classifier.normalise import normalise


@pytest.mark.parametrize(
    "text,normal_quote,original_quote",
    [
        ("SLS on foam 3\u00d730 s\u00a0EC", "3x30", "3\u00d730"),
        ("SLS on foam 3\u00d730 s\u00a0EC", "s EC", "s\u00a0EC"),
        ("bridges 3x10\r\nclams RTB\r\n", "clams RTB", "clams RTB"),
        ("\ufeffheel slides 2\u00d715 \u2013 knee flex 90\u00b0", "heel", "heel"),
        ("\ufeffheel slides 2\u00d715 \u2013 knee flex 90\u00b0", "90 deg", "90\u00b0"),
        ("zero\u200bwidth squats\u2192lift", "squats->lift", "squats\u2192lift"),
        ("plain ascii text", "ascii", "ascii"),
    ],
)
def test_offsets_map_back_to_the_original(text, normal_quote, original_quote):
    n = normalise(text)
    start = n.text.index(normal_quote)
    a, b = n.span(start, start + len(normal_quote))
    assert text[a:b] == original_quote


@pytest.mark.parametrize("text", ["a\u00d7b\r\n\u2013c\u00b0", "\ufeff\u200b x", "plain"])
def test_every_span_maps_inside_the_original(text):
    n = normalise(text)
    for start in range(len(n.text)):
        for end in range(start, len(n.text) + 1):
            a, b = n.span(start, end)
            assert 0 <= a <= b <= len(text)


def test_ascii_text_is_untouched():
    n = normalise("bridges 3x10")
    assert n.offsets is None and n.text == "bridges 3x10"


def test_folding():
    assert normalise("3×10\u00a0reps").text == "3x10 reps"
    assert normalise("a\r\nb\rc").text == "a\nb\nc"
