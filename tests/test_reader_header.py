"""The log's header is read from the head of the file alone, with the same result as from the whole file."""

from __future__ import annotations

import csv
import io

import pytest

from tracker.log.reader import _first_record

LONG = "x" * 70_000  # longer than the first slice the header is read from


@pytest.mark.parametrize(
    "text",
    [
        "",
        "id,occurred,title\n",
        "id,occurred,title",
        "id,occurred,title\r\na,2022-02-22,A\n",
        "id,occurred,title\ra,2022-02-22,A\r",
        f'id,"{LONG}\nstill the header",title\na,2022-02-22,A\n',  # a quoted line break past the first slice
        f"id,{LONG},title\na,2022-02-22,A\n",
        f'id,occurred,title\n"{LONG}',  # a second record whose quote never closes
        "id,occurred,title\n" + "a,2022-02-22,A\n" * 20_000,
    ],
    ids=["empty", "header only", "no line end", "CRLF", "CR", "quoted break", "long name", "open quote after", "many rows"],
)
def test_the_header_is_the_first_record_of_the_whole_text(text: str) -> None:
    assert _first_record(text) == next(csv.reader(io.StringIO(text, newline="")), [])


def test_a_second_record_that_cannot_be_read_leaves_the_header_whole() -> None:
    text = "id,occurred,title\n" + "a,2022-02-22,A\n" * 10_000 + "b,2022\0,B\n"
    assert _first_record(text) == ["id", "occurred", "title"]
    text = "id,occurred,title\nb,2022\0,B\n" + "a,2022-02-22,A\n" * 10_000
    assert _first_record(text) == ["id", "occurred", "title"]
