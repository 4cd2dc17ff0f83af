"""Import events from a CSV or Excel export (ACLED, GDELT, a colleague's spreadsheet).

A mapping says where each field of the log comes from: a column of the export
(``occurred=event_date``) or a template naming columns in braces
(``title={Actor1Name} - CAMEO {EventCode} - {Actor2Name}``). Without one, the mapping is guessed
from the column names: ACLED's and GDELT's exports (`PROFILES`) as their codebooks describe their columns, any other by
names like "date" or "url"; the date format from the dates. Mappings can be saved under a name in
``import-mappings/<name>.json`` beside the log, or in a .json file of one's own, and used again.

`plan_import` is pure: it maps every row, reports the rows that fail the loader's
rules by their row number in the export (the header is row 1, as a spreadsheet shows
it), and sets aside duplicates (same id, or same occurred + title + source, as the log
or as an earlier row; when the export's own id is mapped, by that id alone). `run_import` appends the rest in one
durable step.

Reading is bounded (the MAX_* limits below) and never trusts the file: a damaged or oversized export is one
TrackerError, and a cell that cannot be read (not UTF-8, a damaged Excel value) fails its row only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from tracker.files import InputRefused, read_input
from tracker.log import xlsx
from tracker.log.drafts import EventDraft, FieldError, check_rows, make_row
from tracker.log.events import COLUMNS, KIND, MULTI_VALUED, EventLog, split_values
from tracker.log.index import SEPARATOR
from tracker.log.ledger import raw_rows
from tracker.log.writer import Receipt, append_rows, append_target, atomic_write, fsync_dir
from tracker.log.xlsx import column_letters
from tracker.problems import TrackerError, display_path
from tracker.scenario.model import describe_input
from tracker.scenario.yamlsafe import as_written
from tracker.text import excerpt, fold
from tracker.timeutil import out_of_range, parse_instant
from tracker.vocabulary import Vocabulary

# id, occurred, title, actors, targets, tags, source, notes, and the event's kind (threat, statement, ... report),
# which the loader checks like any other cell: an unknown kind fails its row with the log's own "did you mean".
MAPPABLE = (*COLUMNS, KIND)
REQUIRED_MAPPED = ("occurred", "title", "source")
MAPPINGS_FOLDER = "import-mappings"
MAX_MAPPING_BYTES = 64 * 1024
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A saved mapping's name is its file's name: one line, no path separators, not too long for a file system.
MAX_MAPPING_NAME = 64
_NAME = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_MAPPING_NAME - 1}}}")
_DATE_PARTS = ("%H", "%I", "%M", "%S", "%f", "%p", "%z", "%X", "%c")


class MappingError(TrackerError):
    """The mapping itself is wrong: nothing is imported."""


def _no_such_field(name: str) -> str:
    close = get_close_matches(name, MAPPABLE, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the log's fields are {', '.join(MAPPABLE)}"
    return f"the log has no field {excerpt(name)}{hint}"


def _log_field(name: str) -> str:
    if name not in MAPPABLE:
        raise PydanticCustomError("log_field", "{message}", {"message": _no_such_field(name)})
    return name


LogField = Annotated[str, AfterValidator(_log_field)]


class SavedMapping(BaseModel):
    """A saved mapping as its file holds it, ``import-mappings/<name>.json``:
    ``{"columns": {"occurred": "event_date", "title": "{notes}", ...}, "date_format": "%Y%m%d"}``.

    Read strictly (no coercion, no unknown keys, only the log's fields under ``columns``), so a hand-edited file
    that is wrong is refused with the key it is wrong at (see `mapping_file_errors`).
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    columns: dict[LogField, str] = Field(description="log field -> export column, or a template with {column} placeholders")
    date_format: str | None = Field(default=None, description="strptime format of `occurred` when it is not ISO 8601, e.g. %Y%m%d")


_SHAPE = '{"columns": {"occurred": "...", ...}}'


def mapping_file_errors(exc: ValidationError) -> list[str]:
    """What is wrong with a mapping file, each problem at the key it is at ('columns.title: ...')."""
    messages = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        kind = error["type"]
        where = ".".join(loc)
        if not loc:
            messages.append(f"not a saved mapping; expected {_SHAPE}")
        elif kind == "extra_forbidden":
            messages.append(f"unknown key {excerpt(loc[-1])}; expected columns and date_format")
        elif kind == "missing":
            messages.append(f"{where} is missing; expected {_SHAPE}")
        elif loc[0] == "columns" and kind == "log_field":
            messages.append(f"columns.{as_written(loc[1])}: {error['msg']}")
        elif loc[0] == "columns" and len(loc) == 1:
            messages.append(f"columns must be an object, {_SHAPE}, not {describe_input(error['input'])}")
        elif loc[0] == "columns":
            got = describe_input(error["input"])
            messages.append(f"columns.{as_written(loc[1])}: every entry of columns must map a log field to a column name (text), not {got}")
        elif loc[0] == "date_format":
            messages.append(f"date_format must be text such as %Y%m%d, not {describe_input(error['input'])}")
        else:  # pragma: no cover - every field of SavedMapping is handled above
            messages.append(f"{where}: {error['msg']}")
    return messages


def _file_error(where: str, exc: ValidationError) -> MappingError:
    return MappingError("\n".join(f"{where}: {problem}" for problem in mapping_file_errors(exc)))


@dataclass(frozen=True)
class ImportMapping:
    columns: dict[str, str]  # log field -> export column, or a template with {column} placeholders
    date_format: str | None = None  # strptime format of `occurred` when it is not ISO 8601, e.g. %Y%m%d

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"columns": dict(self.columns)}
        if self.date_format:
            data["date_format"] = self.date_format
        return data

    @classmethod
    def from_json(cls, data: object, where: str) -> ImportMapping:
        """The mapping a file's parsed JSON holds; MappingError naming the file and each wrong key otherwise."""
        try:
            saved = SavedMapping.model_validate(data)
        except ValidationError as exc:
            raise _file_error(where, exc) from None
        return cls(dict(saved.columns), saved.date_format or None)

    def merged(self, columns: Mapping[str, str], date_format: str | None) -> ImportMapping:
        """This mapping with some fields re-mapped (an empty source removes a field's mapping)."""
        merged = {**self.columns, **columns}
        return ImportMapping({k: v for k, v in merged.items() if v.strip()}, date_format if date_format is not None else self.date_format)


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """``["occurred=event_date", "title={notes}"]`` -> {"occurred": "event_date", ...}; MappingError if malformed."""
    columns: dict[str, str] = {}
    for option in options:
        name, sep, source = option.partition("=")
        name = name.strip()
        if not sep or not name:
            raise MappingError(f"--map {option!r}: write FIELD=COLUMN, e.g. --map occurred=event_date")
        if name not in MAPPABLE:
            raise MappingError(f"--map {option!r}: {_no_such_field(name)}")
        columns[name] = source.strip()
    return columns


# --- reading an export -------------------------------------------------------------------
# An import holds the export in memory and checks every row, so what it reads is bounded, and each bound is checked as
# soon as it is crossed (rows and cells as they are read, never after the whole file is parsed), with a message that
# names it and says what to do. With these, reading takes well under 1 GB and no step is worse than linear in the file.
# The export file as uploaded or on disk; also the dashboard's upload limit (server.maxUploadSize in .streamlit/config.toml).
# 250,000 rows of the log's own columns (about 200 bytes a row) fit; a wider export is split.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 250_000  # rows below the header
MAX_COLUMNS = 512  # a value past column 512 (SR) is refused, in the header or below it
MAX_CELL_CHARS = 32_767  # characters in one cell: Excel's own limit
MAX_CELLS = 10_000_000  # cells held, each row up to its last value: bounds memory when many rows are wide
MAX_XML_BYTES = 512 * 1024 * 1024  # one XML part of an .xlsx (its sheet, shared strings, styles) once unpacked: zip bombs
SPLIT = "split the export into smaller files"
NOT_UTF8 = "not UTF-8 text; save the export as CSV UTF-8"
_ESCAPED = re.compile("[\udc80-\udcff]")  # the bytes that are not UTF-8, as errors="surrogateescape" decodes them


@dataclass(frozen=True)
class ReadProblem:
    """A cell of an export that could not be read (bytes that are not UTF-8, a damaged Excel value).

    It fails its row only if the mapping uses its column: a column that is not imported cannot spoil a row.
    """

    row: int  # row number in the export (header = 1)
    column: str  # the header's name of the cell's column
    message: str


@dataclass(frozen=True)
class ExportTable:
    """An export's header and its non-blank rows, each with its row number (the header is row 1), and its cells that
    could not be read."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]
    problems: list[ReadProblem] = field(default_factory=list)


# (row number, cells from the first column on, unreadable cells as (column number, what is wrong))
_Record = tuple[int, list[str], list[tuple[int, str]]]


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024):,} MB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"


def _check_size(shown: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise TrackerError(f"{shown}: the file is larger than {_size(MAX_FILE_BYTES)}, the most an import reads; {SPLIT}")


def _cell_too_long(shown: str, row: int, csv_file: bool) -> TrackerError:
    hint = '; if a quote (") in that row is never closed, close it' if csv_file else ""
    return TrackerError(
        f"{shown}: row {row:,}: a cell holds more than {MAX_CELL_CHARS:,} characters, the most one cell may hold (as in Excel); "
        f"shorten it{hint}"
    )


class _Lines:
    """A text stream's lines as csv.reader takes them, keeping those of the record being read and whether any of them
    holds bytes that are not UTF-8."""

    def __init__(self, stream: Iterator[str]) -> None:
        self.stream = stream
        self.taken: list[str] = []
        self.escaped = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self.stream)
        self.taken.append(line)
        if not self.escaped and _ESCAPED.search(line):
            self.escaped = True
        return line


def _ends_in_open_quote(text: str, delimiter: str) -> bool:
    """Whether a record's text ends inside a quoted cell, by the csv module's own (non-strict) rules: a quote opens a
    quoted cell only at the start of a cell, and two quotes inside one stand for one."""
    quoted = after_quote = False
    at_start = True
    for char in text:
        if quoted:
            if char == '"':
                quoted, after_quote = False, True
            continue
        if after_quote and char == '"':
            quoted, after_quote = True, False
            continue
        after_quote = False
        if char == '"' and at_start:
            quoted, at_start = True, False
            continue
        at_start = char in (delimiter, "\r", "\n")
    return quoted


def _csv_records(data: bytes, shown: str, delimiter: str) -> Iterator[_Record]:
    # Decoded as read, so the text is never held twice; bytes that are not UTF-8 are kept (as lone surrogates) to be
    # found in their cell: one mistyped row fails alone, the others import.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _Lines(stream)
    reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    last: list[str] = []
    while True:
        lines.taken, lines.escaped = [], False
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the csv module's own cell limit (131,072 characters) is past ours
            if "field larger than field limit" in str(exc):
                raise _cell_too_long(shown, number + 1, True) from None
            raise TrackerError(f"{shown}: row {number + 1:,}: not readable as CSV ({exc})") from None
        number += 1
        last = lines.taken
        issues: list[tuple[int, str]] = []
        if lines.escaped:
            for index, cell in enumerate(cells):
                if _ESCAPED.search(cell):
                    issues.append((index + 1, NOT_UTF8))
                    cells[index] = _ESCAPED.sub("\ufffd", cell)
        yield number, cells, issues
    if _ends_in_open_quote("".join(last), delimiter):  # the rows after the quote would be lost in one cell
        raise TrackerError(f'{shown}: row {number:,}: a quoted cell is never closed: its " runs to the end of the file; close the quote')


def _xlsx_records(data: bytes, shown: str, sheet: str | None) -> Iterator[_Record]:
    try:
        for row in xlsx.read_sheet(data, sheet, max_xml_bytes=MAX_XML_BYTES, max_cell_chars=MAX_CELL_CHARS, max_columns=MAX_COLUMNS):
            yield row.number, row.cells, row.issues
    except xlsx.NoSuchSheet as exc:
        raise TrackerError(f"{shown}: no sheet {exc.sheet!r}; the sheets are {', '.join(exc.names)}") from None
    except xlsx.NoWorksheet:
        raise TrackerError(f"{shown}: not a readable Excel workbook (it has no worksheet)") from None
    except xlsx.PartTooLarge as exc:
        raise TrackerError(
            f"{shown}: {exc.part} unpacks to more than {_size(MAX_XML_BYTES)} of XML, more than an import reads; {SPLIT}"
        ) from None
    except xlsx.CellTooLong as exc:
        raise _cell_too_long(shown, exc.row, False) from None
    except xlsx.ColumnPastLimit as exc:
        raise _column_past_limit(shown, exc.row, exc.column) from None
    except xlsx.Unreadable as exc:
        raise TrackerError(f"{shown}: not a readable Excel workbook ({exc}); open it in Excel and save it again") from None


def _column_name(number: int) -> str:
    return f"{number:,} ({column_letters(number)})"


def _column_past_limit(shown: str, row: int, column: int) -> TrackerError:
    return TrackerError(
        f"{shown}: row {row:,} has a value in column {_column_name(column)}, past the {MAX_COLUMNS} columns an import reads; "
        "delete the columns you do not import"
    )


def _table(shown: str, records: Iterable[_Record], csv_file: bool) -> ExportTable:
    """The header and the non-blank rows of an export's records, every limit checked as the rows come."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[ReadProblem] = []
    held = 0
    for number, cells, issues in records:
        last = len(cells)
        while last and not cells[last - 1].strip():
            last -= 1
        if last > MAX_COLUMNS:
            raise _column_past_limit(shown, number, last)
        if any(len(cell) > MAX_CELL_CHARS for cell in cells[:last]):
            raise _cell_too_long(shown, number, csv_file)
        if header is None:
            if number != 1 or not last:
                raise TrackerError(f"{shown}: the first row should name the columns, but it is empty")
            if issues:
                column, message = issues[0]
                raise TrackerError(f"{shown}: row 1 (the header), column {_column_name(column)}: {message}")
            header = [cell.strip() for cell in cells[:last]]
            repeated = sorted({h for h in header if h and header.count(h) > 1})
            if repeated:
                raise TrackerError(f"{shown}: the header repeats column(s) {', '.join(repeated)}")
            continue
        # Cells under no name in the header cannot be mapped: they are not kept, nor are problems in them.
        kept = cells[: min(last, len(header))]
        found = [
            ReadProblem(number, header[column - 1], f"column {header[column - 1]!r}: {message}")
            for column, message in issues
            if column <= len(header) and header[column - 1]
        ]
        if not found and not any(cell.strip() for cell in kept):
            continue
        if number > MAX_ROWS + 1:
            raise TrackerError(f"{shown}: more than {MAX_ROWS:,} rows below the header (row {number:,} has data); {SPLIT}")
        held += len(kept)
        if held > MAX_CELLS:
            raise TrackerError(f"{shown}: more than {MAX_CELLS:,} cells by row {number:,} (rows times columns); {SPLIT}")
        rows.append((number, kept))
        problems += found
    if header is None:
        raise TrackerError(f"{shown}: the first row should name the columns, but it is empty")
    return ExportTable(Path(shown), header, rows, problems)


def read_export_data(name: str, data: bytes, sheet: str | None = None) -> ExportTable:
    """Read an export from its bytes (an upload in the dashboard); ``name`` gives its kind (.csv, .tsv, .xlsx) and names it in messages."""
    suffix = Path(name).suffix.lower()
    records: Iterable[_Record]
    if suffix in (".xlsx", ".xlsm"):
        records = _xlsx_records(data, name, sheet)
    elif suffix in (".csv", ".tsv", ".tab", ".txt"):
        if sheet is not None:
            raise TrackerError(f"{name}: a sheet can be chosen in Excel workbooks only")
        records = _csv_records(data, name, "\t" if suffix in (".tsv", ".tab") else ",")
    else:
        raise TrackerError(f"{name}: not a CSV (.csv, .tsv) or Excel (.xlsx) file")
    _check_size(name, len(data))
    return _table(name, records, csv_file=suffix not in (".xlsx", ".xlsm"))


def read_export(path: Path, sheet: str | None = None) -> ExportTable:
    """Read a .csv / .tsv or .xlsx export file."""
    shown = display_path(path)
    if not path.is_file():
        raise TrackerError(f"{shown}: no such file")
    try:
        _check_size(shown, path.stat().st_size)  # before reading a byte of it
        data = path.read_bytes()
    except OSError as exc:
        raise TrackerError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    return read_export_data(shown, data, sheet)


# --- mapping -----------------------------------------------------------------------------
def _sources(spec: str) -> list[str]:
    found = _PLACEHOLDER.findall(spec)
    return [f.strip() for f in found] if found else [spec.strip()]


def column_problem(column: str, header: Sequence[str]) -> str:
    """'the export has no column ...; did you mean ...?' ('' when it has)."""
    known = [h for h in header if h]
    if column in known:
        return ""
    close = get_close_matches(column, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the columns are {', '.join(known)}"
    return f"the export has no column {column!r}{hint}"


def mapping_errors(mapping: ImportMapping, header: Sequence[str]) -> list[str]:
    """What is wrong with a mapping for an export with this header ([] when it can be used)."""
    errors = []
    for name in mapping.columns:
        if name not in MAPPABLE:
            errors.append(f"the log has no field {name!r}; its fields are {', '.join(MAPPABLE)}")
    for name in REQUIRED_MAPPED:
        if not mapping.columns.get(name, "").strip():
            errors.append(f"{name} is not mapped; add e.g. --map {name}=COLUMN")
    for name, spec in mapping.columns.items():
        errors += [f"{name}={spec}: {problem}" for column in _sources(spec) if (problem := column_problem(column, header))]
    if mapping.date_format is not None and "%" not in mapping.date_format:
        errors.append(f"date format {mapping.date_format!r} has no % codes; write it like %Y%m%d or %d %B %Y")
    return errors


# Column names exports commonly use for each field of the log (compared without case, spaces or punctuation).
_LIKELY_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "eventid", "eventidcnty", "globaleventid", "uid", "uuid"),
    "occurred": ("occurred", "date", "eventdate", "sqldate", "day", "when", "datetime", "occurredat", "time"),
    "title": ("title", "headline", "event", "summary", "subject", "name"),
    "actors": ("actors", "actor", "actor1", "actor1name", "who"),
    "targets": ("targets", "target", "actor2", "actor2name", "whom"),
    "tags": ("tags", "tag", "eventtype", "category", "categories", "labels", "type"),
    "source": ("source", "sources", "sourceurl", "url", "link", "citation", "reference"),
    "notes": ("notes", "note", "description", "comment", "comments", "details"),
    "kind": ("kind", "eventkind", "kindofevent"),  # not "type" or "event_type": exports' own types are rarely these kinds
}


def _squashed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _suggest_by_name(header: Sequence[str], taken: Mapping[str, str]) -> dict[str, str]:
    """Each log field not in ``taken`` to the column named like it, each column used once."""
    by_name = {_squashed(h): h for h in header if h}
    used = {column for spec in taken.values() for column in _sources(spec)}
    found: dict[str, str] = {}
    for name in MAPPABLE:
        if name in taken:
            continue
        candidates = [by_name[n] for n in _LIKELY_NAMES[name] if n in by_name]
        if not candidates:
            candidates = get_close_matches(name, [h for h in header if h], n=1, cutoff=0.8)
        column = next((c for c in candidates if c not in used), None)
        if column is not None:
            found[name] = column
            used.add(column)
    return found


@dataclass(frozen=True)
class ExportProfile:
    """A published export format, known by its documented column names.

    ``columns`` maps log fields to a column or a template, written with the codebook's names; a field is guessed only
    when the export has every column it names (compared without case, spaces or punctuation, as `_squashed`).
    """

    called: str  # "an ACLED export"
    signature: tuple[str, ...]  # the columns that, all present, say the export is of this kind
    columns: Mapping[str, str]


# ACLED: the codebook's columns (as ACLED's own R package publishes it, https://dtacled.github.io/acledR/ `acled_codebook`,
# and the columns of 2023, https://acleddata.com/knowledge-base/guide-to-2023-acled-column-changes): event_id_cnty is the
# event's unique id, notes "a short description of the event", source the sources used to code it.
ACLED = ExportProfile(
    "an ACLED export",
    ("event_id_cnty", "event_date", "actor1"),
    {
        "id": "event_id_cnty",
        "occurred": "event_date",
        "title": "notes",
        "actors": "{actor1};{assoc_actor_1}",
        "targets": "{actor2};{assoc_actor_2}",
        "tags": "{event_type};{sub_event_type}",
        "source": "source",
        "notes": "{location}, {admin1}, {country}; fatalities: {fatalities}",
    },
)
# GDELT 2.0 events (GDELT Event Codebook V2.0, http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf):
# GLOBALEVENTID is the event's id, SQLDATE the day of the event (YYYYMMDD; DATEADDED is when GDELT saw it), EventCode
# the CAMEO action Actor1 took on Actor2, EventRootCode its root category, SOURCEURL the first article reporting it.
GDELT = ExportProfile(
    "a GDELT 2.0 events export",
    ("GLOBALEVENTID", "SQLDATE"),
    {
        "id": "GLOBALEVENTID",
        "occurred": "SQLDATE",
        "title": "{Actor1Name} - CAMEO {EventCode} - {Actor2Name}",
        "actors": "Actor1Name",
        "targets": "Actor2Name",
        "tags": "cameo-{EventRootCode}",
        "source": "SOURCEURL",
    },
)
PROFILES = (ACLED, GDELT)


def export_profile(header: Sequence[str]) -> ExportProfile | None:
    """The published format whose signature columns the export has, if any."""
    names = {_squashed(h) for h in header if h}
    return next((p for p in PROFILES if all(_squashed(c) in names for c in p.signature)), None)


def _in_header(spec: str, by_name: Mapping[str, str]) -> str | None:
    """A profile's column or template in the export's own spelling of its columns; None if one is missing."""
    if any(_squashed(column) not in by_name for column in _sources(spec)):
        return None
    if _PLACEHOLDER.search(spec):
        return _PLACEHOLDER.sub(lambda m: "{" + by_name[_squashed(m.group(1))] + "}", spec)
    return by_name[_squashed(spec)]


def suggest_mapping(header: Sequence[str]) -> dict[str, str]:
    """A first guess at a mapping from an export's column names.

    An export in a published format (`PROFILES`) is mapped as its codebook describes its columns; any field left is
    mapped to the column named like it (each column used once). Fields with no likely column are left out (the user
    maps them).
    """
    profile = export_profile(header)
    by_name = {_squashed(h): h for h in header if h}
    found: dict[str, str] = {}
    for name, spec in (profile.columns if profile else {}).items():
        written = _in_header(spec, by_name)
        if written is not None:
            found[name] = written
    found.update(_suggest_by_name(header, found))
    return {name: found[name] for name in MAPPABLE if name in found}


@dataclass(frozen=True)
class GuessedMapping:
    """A mapping guessed from an export's columns (and the date format from its dates), and what it was guessed from."""

    mapping: ImportMapping
    profile: ExportProfile | None

    def describe(self) -> str:
        """'looks like an ACLED export: event_date -> occurred, ...; dates read as %d %B %Y' (one line)."""
        pairs = ", ".join(f"{spec} -> {name}" for name, spec in self.mapping.columns.items())
        where = f"looks like {self.profile.called}" if self.profile else "guessed from the column names"
        said = f"{where}: {pairs}" if pairs else f"{where}: no column is named like a field of the log"
        if self.mapping.date_format:
            said += f"; dates read as {self.mapping.date_format}"
        return said


def occurred_column(mapping: ImportMapping) -> str | None:
    """The one column `occurred` is read from; None when it is not mapped or is a template."""
    spec = mapping.columns.get("occurred", "")
    return spec.strip() if spec.strip() and not _PLACEHOLDER.search(spec) else None


def guess_date_format(export: ExportTable, mapping: ImportMapping) -> str | None:
    """The one common format the export's first dates (of ``occurred``'s column) are all written in, if any."""
    column = occurred_column(mapping)
    if column is None or column not in export.header:
        return None
    position = export.header.index(column)
    return suggest_date_format(cells[position] for _, cells in export.rows[:200] if position < len(cells))


def guess_mapping(export: ExportTable) -> GuessedMapping:
    """The mapping guessed from an export's column names and the way its dates are written."""
    columns = suggest_mapping(export.header)
    date_format = guess_date_format(export, ImportMapping(columns))
    return GuessedMapping(ImportMapping(columns, date_format), export_profile(export.header))


_COMMON_DATE_FORMATS = ("%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%d-%b-%Y", "%Y/%m/%d")


def suggest_date_format(values: Iterable[str]) -> str | None:
    """The one common date format all these (non-ISO) dates are written in; None if they are ISO, mixed or ambiguous."""
    sample = [v.strip() for v in values if v.strip()][:200]
    if not sample:
        return None
    try:
        for value in sample:
            parse_instant(value)
        return None  # ISO 8601 already
    except ValueError:
        pass
    readings = [_readings(value) for value in sample]
    fitting = [fmt for fmt in _COMMON_DATE_FORMATS if all(fmt in read for read in readings)]
    return fitting[0] if len(fitting) == 1 else None


def _readings(text: str) -> dict[str, dt.datetime]:
    """Each common date format that reads ``text``, with what it reads it as."""
    found = {}
    for fmt in _COMMON_DATE_FORMATS:
        try:
            found[fmt] = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return found


def _fill(spec: str, cells: Mapping[str, str]) -> str:
    if _PLACEHOLDER.search(spec):
        return _PLACEHOLDER.sub(lambda m: cells.get(m.group(1).strip(), ""), spec)
    return cells.get(spec.strip(), "")


def _is_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _spelled(day: dt.datetime) -> str:
    return f"{day.day} {day:%B %Y}"


def date_format_hint(text: str) -> str:
    """Which ``--date-format`` reads a date written in a common non-ISO way ('' when none does): one, or, when
    day-first and month-first both read it as different days, each with the day it reads."""
    readings = _readings(text)
    if not readings:
        return ""
    if len(set(readings.values())) > 1:
        each = ", ".join(f'--date-format "{fmt}" reads it as {_spelled(day)}' for fmt, day in readings.items())
        return f"; it is ambiguous: {each}"
    return "; " + " or ".join(f'--date-format "{fmt}"' for fmt in readings) + " reads it"


def _occurred(value: str, date_format: str | None, label: str) -> tuple[str, FieldError | None]:
    """``occurred`` as the log writes it, or the row's error; ``label`` names where it was read ('event_date')."""
    text = value.strip()
    if not text:
        return text, None
    if date_format is None:
        hint = "" if _is_iso(text) else date_format_hint(text)
        if hint:  # a date the loader would only call "not a date": say which format reads it
            return text, FieldError("occurred", f'{label} "{text}" is not a date in the default format{hint}')
        return text, None
    try:
        parsed = dt.datetime.strptime(text, date_format)
    except ValueError:
        if _is_iso(text):  # a spreadsheet cell holding a real date arrives as ISO text already
            return text, None
        hint = date_format_hint(text)
        return text, FieldError("occurred", f'{label} "{text}" does not match --date-format "{date_format}"{hint}')
    if any(part in date_format for part in _DATE_PARTS):
        return parsed.isoformat(), None
    return parsed.date().isoformat(), None


def _outside_calendar(occurred: str) -> FieldError | None:
    """The row problem of an ISO date or datetime outside the supported calendar (None for any other text).

    Checked here, before the log's own rules, so that no such date is ever appended: the log counts nanoseconds in
    64 bits, and a date past 2262 would wrap around to another one.
    """
    value: dt.date | dt.datetime
    try:
        value = dt.date.fromisoformat(occurred) if len(occurred) == 10 else dt.datetime.fromisoformat(occurred)
    except ValueError:
        return None  # not an ISO date: the log's own rules say what is wrong with it
    problem = out_of_range(value)
    return FieldError("occurred", f"occurred: {problem}") if problem else None


def map_row(mapping: ImportMapping, header: Sequence[str], cells: Sequence[str]) -> tuple[EventDraft, list[FieldError]]:
    """One export row as a draft of the log's fields."""
    named = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
    values = {name: _fill(spec, named) for name, spec in mapping.columns.items()}
    occurred, error = _occurred(values.get("occurred", ""), mapping.date_format, occurred_column(mapping) or "occurred")
    error = error or _outside_calendar(occurred)
    draft = EventDraft(
        occurred=occurred,
        title=values.get("title", ""),
        source=values.get("source", ""),
        notes=values.get("notes", ""),
        kind=values.get(KIND, ""),
        id=values.get("id", ""),
        **{column: split_values(values.get(column, "")) for column in MULTI_VALUED},  # type: ignore[arg-type]
    )
    return draft, [error] if error else []


# --- the plan ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowIssue:
    row: int  # row number in the export (header = 1)
    message: str


@dataclass(frozen=True)
class Renamed:
    """An export's value written by its canonical name, and in how many of the rows to append."""

    value: str
    name: str
    rows: int

    def __str__(self) -> str:
        return f"{self.value} -> {self.name} ({self.rows} row{'s' if self.rows != 1 else ''})"


@dataclass
class ImportPlan:
    export: ExportTable
    mapping: ImportMapping
    rows: list[dict[str, str]] = field(default_factory=list)  # to append, in export order
    row_numbers: list[int] = field(default_factory=list)  # export row of each row to append
    failed: list[RowIssue] = field(default_factory=list)  # rows that break the log's rules
    duplicates: list[RowIssue] = field(default_factory=list)  # rows already in the log (or earlier in the export)
    warnings: list[RowIssue] = field(default_factory=list)
    own_ids: set[str] = field(default_factory=set)  # ids of rows to append that are the export's own: they alone decide
    renamed: list[Renamed] = field(default_factory=list)  # values written by their canonical names (tracker.vocabulary)

    @property
    def failed_rows(self) -> list[int]:
        return sorted({issue.row for issue in self.failed})


def _triple(row: Mapping[str, str]) -> tuple[str, str, str]:
    return (row.get("occurred", "").strip(), row.get("title", "").strip(), row.get("source", "").strip())


def plan_import(export: ExportTable, mapping: ImportMapping, log: EventLog, *, now: dt.datetime, logged_by: str) -> ImportPlan:
    """Map, check and de-duplicate every row of the export against ``log``; nothing is written."""
    errors = mapping_errors(mapping, export.header)
    if errors:
        raise MappingError("the mapping cannot be used:\n  " + "\n  ".join(errors))
    plan = ImportPlan(export, mapping)
    existing = raw_rows(log)
    known_ids: dict[str, str] = {str(i): "the event log" for i in existing.table.column("id").to_pylist()}
    known_triples: dict[tuple[str, str, str], str] = {}
    if len(existing):
        columns = [existing.table.column(c).to_pylist() for c in ("occurred", "title", "source", "id")]
        for occurred, title, source, event_id in zip(*columns, strict=True):
            known_triples.setdefault((occurred.strip(), title.strip(), source.strip()), f"event {event_id!r} in the event log")
    used = {column for spec in mapping.columns.values() for column in _sources(spec)}
    unreadable: dict[int, list[str]] = {}
    for problem in export.problems:
        if problem.column in used:
            unreadable.setdefault(problem.row, []).append(problem.message)
    candidates: list[tuple[int, dict[str, str], bool]] = []
    for number, cells in export.rows:
        if number in unreadable:
            plan.failed += [RowIssue(number, message) for message in unreadable[number]]
            continue
        draft, conversion = map_row(mapping, export.header, cells)
        row = make_row(draft, now=now, logged_by=logged_by)
        if conversion:
            plan.failed += [RowIssue(number, e.message) for e in conversion]
            continue
        own_id = bool(draft.id.strip())
        if own_id and row["id"] in known_ids:
            plan.duplicates.append(RowIssue(number, f"duplicate id {row['id']!r} (already in {known_ids[row['id']]})"))
            continue
        known_ids[row["id"]] = f"row {number}"
        candidates.append((number, row, own_id))
    checked = check_rows([row for _, row, _ in candidates], log)
    for (number, row, own_id), problems in zip(candidates, checked, strict=True):
        errors_here = [e for e in problems if e.severity == "error"]
        plan.warnings += [RowIssue(number, e.message) for e in problems if e.severity != "error"]
        if errors_here:
            plan.failed += [RowIssue(number, e.message) for e in errors_here]
            continue
        key = _triple(row)
        # A row with the export's own id is a duplicate by that id only: an export may hold distinct events with the
        # same date, title and source (events coded from one report).
        if not own_id and key in known_triples:
            plan.duplicates.append(RowIssue(number, f"same occurred, title and source as {known_triples[key]}"))
            continue
        known_triples[key] = f"row {number}"
        if own_id:
            plan.own_ids.add(row["id"])
        plan.rows.append(row)
        plan.row_numbers.append(number)
    plan.failed.sort(key=lambda issue: issue.row)
    plan.duplicates.sort(key=lambda issue: issue.row)
    use_canonical_names(plan, log.vocabulary)
    return plan


def use_canonical_names(plan: ImportPlan, vocabulary: Vocabulary) -> None:
    """Write the actors, targets and tags of the rows to append by their canonical names ("Military Forces of Russia
    (2000-)" -> "Russia"), so that the log reads as the scenarios do, and say which values were renamed in how many rows."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in plan.rows:
        renamed_here: set[tuple[str, str]] = set()
        for column in MULTI_VALUED:
            names: dict[str, str] = {}  # folded name -> name: an export naming both spellings keeps one
            for value in split_values(row.get(column, "")):
                name = vocabulary.canonical(value)
                names.setdefault(fold(name), name)
                if name != value:
                    renamed_here.add((value, name))
            row[column] = SEPARATOR.join(names.values())
        counts.update(renamed_here)
    plan.renamed = [Renamed(value, name, rows) for (value, name), rows in sorted(counts.items(), key=lambda item: fold(item[0][0]))]


def run_import(location: Path, plan: ImportPlan, *, now: dt.datetime) -> Receipt:
    """Append the plan's rows in one durable step. Rows someone else logged meanwhile are skipped, not doubled."""
    receipt = append_rows(location, plan.rows, now=now, on_duplicate="skip", own_ids=plan.own_ids)
    for skipped in receipt.skipped:
        plan.duplicates.append(RowIssue(plan.row_numbers[skipped.index], skipped.reason))
    plan.duplicates.sort(key=lambda issue: issue.row)
    return receipt


# --- saved mappings ------------------------------------------------------------------------
def mappings_folder(events_location: Path) -> Path:
    """Where saved mappings live: ``import-mappings/`` beside the log (data/import-mappings/ by default)."""
    return append_target(events_location).parent / MAPPINGS_FOLDER


def _mapping_path(folder: Path, name: str, flag: str = "--mapping") -> Path:
    if len(name) > MAX_MAPPING_NAME:
        raise MappingError(f"{flag} {excerpt(name)}: longer than {MAX_MAPPING_NAME} characters; choose a shorter name (e.g. acled)")
    if not _NAME.fullmatch(name):  # fullmatch: a trailing line break would end up in the file's name
        raise MappingError(f"{flag} {excerpt(name)}: use lower-case letters, digits, - and _ (e.g. acled)")
    return folder / f"{name}.json"


def is_mapping_file(target: str) -> bool:
    """Whether ``--mapping`` / ``--save-mapping`` names a file of its own (``acled.json``) rather than a saved name."""
    return target.lower().endswith(".json")


def save_target(folder: Path, target: str) -> Path:
    """The file ``--save-mapping`` TARGET saves to (itself when it ends in .json, else a saved name's in ``folder``);
    MappingError, before anything is imported, when a mapping cannot be saved there."""
    return _file_target(Path(target)) if is_mapping_file(target) else _mapping_path(folder, target, "--save-mapping")


def _file_target(path: Path) -> Path:
    if path.is_dir() or not path.parent.is_dir():
        raise MappingError(f"--save-mapping {display_path(path)}: {'a folder' if path.is_dir() else 'no such folder'}; name a .json file")
    return path


def saved_mappings(folder: Path) -> list[str]:
    """The names of the mappings saved in ``folder``: every ``<name>.json`` entry with a usable name (a link too, so that
    loading it says why it is not read)."""
    return sorted(p.stem for p in folder.glob("*.json") if _NAME.fullmatch(p.stem)) if folder.is_dir() else []


def _read_mapping(path: Path, folder: Path | None) -> ImportMapping:
    """The mapping a file holds: bounded, strict JSON; MappingError naming the file and what is wrong otherwise.

    With ``folder`` (a name in the data folder, which anyone who commits may change), only a regular file inside it is
    read; without, the file the user named is read wherever it is, through a link too.
    """
    shown = display_path(path)
    try:
        info = os.lstat(path) if folder is not None else os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_MAPPING_BYTES:
            raise MappingError(f"{shown}: larger than {MAX_MAPPING_BYTES // 1024} KiB; a mapping names a few columns")
        raw = read_input(path, folder=folder, max_bytes=MAX_MAPPING_BYTES, follow=folder is None)
        data = json.loads(raw.decode("utf-8"))
    except InputRefused as exc:
        raise MappingError(f"{shown}: {exc}; save the mapping again from the import") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{shown}: not valid JSON ({exc})") from None
    except RecursionError:  # brackets nested thousands deep
        raise MappingError(f"{shown}: not a mapping file (nested too deep)") from None
    except OSError as exc:
        raise MappingError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    return ImportMapping.from_json(data, shown)


def load_mapping(folder: Path, name: str) -> ImportMapping | None:
    """The mapping saved as ``name``; None if there is none.

    Only a regular file is read, one that is inside the folder holding ``folder`` (the data folder, so a linked
    ``import-mappings`` leads nowhere else): a link is refused with a message that quotes nothing of what it points to.
    """
    path = _mapping_path(folder, name)
    if not os.path.lexists(path):
        return None
    return _read_mapping(path, folder.parent)


def load_mapping_file(path: Path) -> ImportMapping:
    """The mapping in a file the user names (``--mapping acled.json``)."""
    if not path.exists():
        raise MappingError(f"--mapping {display_path(path)}: no such file; save one with --dry-run --save-mapping {display_path(path)}")
    return _read_mapping(path, None)


def _mapping_text(path: Path, mapping: ImportMapping) -> bytes:
    try:  # written through the model that reads it back: a mapping that could not be read back is not saved
        saved = SavedMapping.model_validate(mapping.to_json())
    except ValidationError as exc:
        raise _file_error(display_path(path), exc) from None
    return (saved.model_dump_json(indent=2, exclude_none=True) + "\n").encode("utf-8")


def save_mapping(folder: Path, name: str, mapping: ImportMapping, flag: str = "--mapping") -> Path:
    path = _mapping_path(folder, name, flag)
    data = _mapping_text(path, mapping)
    if folder.is_symlink():  # anyone who commits to the data folder could point it anywhere
        raise MappingError(f"{display_path(folder)} is a symbolic link; mappings are saved only in a folder of their own beside the log")
    if not folder.is_dir():
        folder.mkdir(parents=False)
        fsync_dir(folder.parent)
    atomic_write(path, data)
    return path


def save_mapping_file(path: Path, mapping: ImportMapping) -> Path:
    """Save a mapping to a file the user names (``--save-mapping acled.json``), replacing the mapping it held."""
    data = _mapping_text(_file_target(path), mapping)
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise MappingError(f"--save-mapping {display_path(path)}: cannot write ({exc.strerror or exc})") from None
    return path
