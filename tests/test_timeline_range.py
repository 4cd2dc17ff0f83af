"""The Timeline's range and row labels, as pure functions: what the x axis shows, and titles kept whole."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.test_figures import _demo_timeline
from tracker.report.figures import label_lines
from tracker.report.tables import download_name
from tracker.report.views import AROUND_AS_OF, time_range

UTC = dt.UTC


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_a_live_as_of_far_past_the_data_is_marked_not_stretched_to() -> None:
    span = (_at("2021-07-12"), _at("2025-09-28"))
    shown = time_range(span, _at("2026-12-05"))
    assert shown.as_of_beyond == "after"
    assert span[0] - dt.timedelta(days=60) < shown.start < span[0] <= span[1] < shown.end < span[1] + dt.timedelta(days=60)
    # "all" takes the as-of in, however far.
    everything = time_range(span, _at("2026-12-05"), "all")
    assert everything.as_of_beyond is None and everything.end > _at("2026-12-05")


def test_an_as_of_before_the_data_is_marked_at_the_left_edge() -> None:
    shown = time_range((_at("2025-01-01"), _at("2025-12-31")), _at("2020-01-01"))
    assert shown.as_of_beyond == "before" and shown.start > _at("2024-12-01")


def test_an_as_of_inside_or_near_the_data_is_shown_with_it() -> None:
    span = (_at("2021-07-12"), _at("2022-07-31"))
    inside = time_range(span, _at("2021-12-20"))
    assert inside.as_of_beyond is None and inside.start < span[0] and inside.end > span[1]
    near = time_range(span, _at("2022-09-01"))  # a month past a year of data
    assert near.as_of_beyond is None and near.end > _at("2022-09-01")


def test_around_the_as_of_and_no_data_show_thirty_days_each_side() -> None:
    as_of = _at("2021-12-20")
    for shown in (time_range((_at("2021-01-01"), _at("2023-01-01")), as_of, "around"), time_range(None, as_of)):
        assert (shown.start, shown.end, shown.as_of_beyond) == (as_of - AROUND_AS_OF, as_of + AROUND_AS_OF, None)


def test_the_live_demo_timeline_fits_its_data() -> None:
    # The data run to the renewal series' last cycle (to 2026-01-31), so the live as-of is near enough to be drawn in.
    fig = _demo_timeline("2026-12-05")
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timestamp("2021-05-01") < start < pd.Timestamp("2021-09-01") and pd.Timestamp("2026-12-05") < end < pd.Timestamp("2027-06-01")
    (mark,) = [a for a in fig.layout.annotations if a.text.startswith("as of")]
    assert mark.text.startswith("as of 2026-12-05") and mark.xref != "paper"


def test_a_live_as_of_far_past_the_demo_is_marked_at_the_right_edge() -> None:
    fig = _demo_timeline("2029-12-05")
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timestamp("2021-05-01") < start < pd.Timestamp("2021-09-01") and pd.Timestamp("2026-02-01") < end < pd.Timestamp("2026-06-01")
    (mark,) = [a for a in fig.layout.annotations if a.text.startswith("as of")]
    assert mark.text.startswith("as of 2029-12-05") and mark.xref == "paper" and mark.x == 1


def test_long_titles_wrap_whole_and_stay_apart() -> None:
    first = "EU economic sanctions on Russia expire on 31 January 2022 unless renewed"
    second = "EU economic sanctions on Russia expire on 31 July 2022 unless renewed"
    lines = [label_lines(first), label_lines(second)]
    assert all(len(line) <= 34 for both in lines for line in both)
    assert [" ".join(both) for both in lines] == [first, second]
    assert lines[0] != lines[1]


def test_a_word_longer_than_a_line_is_kept_whole() -> None:
    word = "x" * 60
    assert label_lines(f"a {word} b") == ["a", word, "b"]


def test_downloads_are_named_by_the_as_of() -> None:
    assert download_name("timeline", dt.date(2021, 12, 20)) == "timeline-as-of-2021-12-20.csv"
    assert download_name("timeline", _at("2021-12-20T15:30:00"), "png") == "timeline-as-of-2021-12-20T1530Z.png"
