"""One sheet of an Excel workbook (.xlsx) as rows of text, read by a small streaming parser with a byte budget.

Not openpyxl's reader, for three reasons. Its read-only mode trusts the sheet's ``<dimension>``: a 6 KB file declaring
``A1:XFD1048576`` is padded to 16,384 columns of 1,048,576 rows (gigabytes), and a stale one drops the rows past it.
Its full mode builds every cell in memory. And a damaged part raises whatever its internals raise (ParseError,
TypeError, IndexError, zlib.error...), so nothing short of catching every exception tells a broken file from a bug.
Here each row and cell says where it is (the ``<dimension>`` is never read), every XML part is fed to expat in chunks
with a limit on its unpacked size, DTDs are refused (no entity expansion), and whatever is wrong becomes an
`XlsxError` (the workbook cannot be read) or a cell issue located to its row and column (the rest can be read).
openpyxl only lends its number-format rules: which formats show a number as a date.

What is read: the workbook's sheet list (and its 1904 date system), the shared strings, the cell styles' number formats,
and one worksheet's cell values as Excel last saved them (a formula's cached result, not the formula).
"""

from __future__ import annotations

import datetime as dt
import io
import lzma
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

LAST_COLUMN = 16_384  # XFD: the widest sheet Excel has
LAST_ROW = 1_048_576
MAX_FORMAT_CHARS = 255  # Excel's limit for a number format; openpyxl's date test is slow on longer ones
_CHUNK = 64 * 1024

# What zipfile and its decompressors raise on a damaged archive: bad headers and CRCs, bad deflate/bzip2/lzma data
# (zlib.error, LZMAError, OSError), streams that end early (EOFError), compression methods it does not support
# (NotImplementedError), names that are not UTF-8 (ValueError). An encrypted member is a RuntimeError, caught alone.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, NotImplementedError)

_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"([-+]?)0*([0-9]+)")
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT_RELATIONSHIP = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")  # the container of .xls files and of password-protected .xlsx files
_DAY_MS = 86_400_000
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's phantom 1900-02-29 (serial 60) is skipped
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_LAST_DAY = dt.datetime(9999, 12, 31)
DATES_EXCEL_HAS = "Excel's dates run from 1900-01-01 to 9999-12-31"


class XlsxError(Exception):
    """The workbook cannot be read as a table."""


class Unreadable(XlsxError):
    """A part is missing or damaged; the message says which and how."""


class NoWorksheet(XlsxError):
    """The workbook has no worksheet (only chart sheets, or none)."""


@dataclass
class NoSuchSheet(XlsxError):
    sheet: str
    names: list[str]


@dataclass
class PartTooLarge(XlsxError):
    """An XML part unpacks to more bytes than the limit (a zip bomb, or a sheet too big to import)."""

    part: str


@dataclass
class CellTooLong(XlsxError):
    """A cell holds more characters than the limit."""

    row: int
    column: int


@dataclass
class ColumnPastLimit(XlsxError):
    """A cell holds a value in a column past the limit."""

    row: int
    column: int


@dataclass(frozen=True)
class SheetRow:
    """A row that holds a value or an issue: its number, its values from column A on (up to the last one that is not
    empty), and its cells that cannot be read as (column number, what is wrong)."""

    number: int
    cells: list[str]
    issues: list[tuple[int, str]]


def column_letters(number: int) -> str:
    """3 -> 'C', 16384 -> 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix ('x:row' -> 'row', 'r:id' -> 'id')."""
    return name.rpartition(":")[2]


@dataclass
class _Book:
    zip: zipfile.ZipFile
    parts: dict[str, zipfile.ZipInfo]  # by lower-case name: part names are case-insensitive in OOXML
    max_xml_bytes: int

    def has(self, part: str) -> bool:
        return part.lower() in self.parts

    def feed(self, part: str, parser: expat.XMLParserType) -> Iterator[None]:
        """Feed a part to ``parser`` chunk by chunk (yielding after each), stopping once it unpacks to more than the limit."""
        info = self.parts.get(part.lower())
        if info is None:
            raise Unreadable(f"it has no {part}")
        if info.file_size > self.max_xml_bytes:  # what the archive says, before unpacking anything
            raise PartTooLarge(part)
        try:
            stream = self.zip.open(info)
        except _ZIP_ERRORS as exc:  # a bad local header, an unknown compression method
            raise Unreadable(f"{part}: {exc}") from None
        except RuntimeError:  # then zipfile's word for an encrypted member (its message shows the whole ZipInfo)
            raise Unreadable(f"{part}: it is encrypted") from None
        unpacked = 0
        with stream:
            while True:
                try:
                    chunk = stream.read(_CHUNK)
                except _ZIP_ERRORS as exc:  # bad compressed data, a bad CRC, a stream that ends early
                    raise Unreadable(f"{part}: {exc}") from None
                unpacked += len(chunk)
                if unpacked > self.max_xml_bytes:  # what it really unpacks to: an archive's sizes may lie
                    raise PartTooLarge(part)
                try:
                    parser.Parse(chunk, not chunk)
                except expat.ExpatError as exc:
                    raise Unreadable(f"{part}: {expat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset + 1}") from None
                yield
                if not chunk:
                    break

    def parse(
        self,
        part: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        for _ in self.feed(part, _parser(part, start, end, text)):
            pass


def _parser(
    part: str, start: Callable[[str, dict[str, str]], None], end: Callable[[str], None] | None, text: Callable[[str], None] | None
) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True  # one call per run of text, not per line or entity

    def refuse_dtd(*_: object) -> None:
        raise Unreadable(f"{part}: it declares a DTD (<!DOCTYPE>), which Excel never writes")

    # No DTD, so no entity can be declared, let alone expanded (billion laughs) or fetched (external entities).
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _open(data: bytes, max_xml_bytes: int) -> _Book:
    if data.startswith(_OLE):
        raise Unreadable("it is an old .xls workbook, or one with a password; save it as .xlsx without a password")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise Unreadable(str(exc)) from None
    return _Book(archive, {info.filename.lower(): info for info in infos}, max_xml_bytes)


def _relationships(book: _Book, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships, id -> (type, the target part's name); {} when it has none."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    found: dict[str, tuple[str, str]] = {}
    if not book.has(rels):
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

    book.parse(rels, start)
    return found


def _of_type(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    for rel_type, target in relationships.values():
        if rel_type in (_RELATIONSHIP + kind, _STRICT_RELATIONSHIP + kind):
            return target
    return None


@dataclass
class _Sheets:
    names: list[tuple[str, str]]  # (name, relationship id), in the workbook's order
    date1904: bool = False


def _sheets(book: _Book, part: str) -> _Sheets:
    sheets = _Sheets([])

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "sheet":
            ids = [value for key, value in attrs.items() if _local(key) == "id"]
            sheets.names.append((attrs.get("name", ""), ids[0] if ids else ""))
        elif local == "workbookPr":
            sheets.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

    book.parse(part, start)
    return sheets


def _date_styles(book: _Book, part: str | None) -> frozenset[int]:
    """The cell styles (indices into cellXfs) whose number format shows a number as a date or a time."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format  # only when a workbook is read

    if part is None or not book.has(part):
        return frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    place: list[str] = []  # the open elements' names
    inside = {"numFmts": 0, "cellXfs": 0}  # how many of these are open: counted, not searched for in ``place``

    def number(attrs: dict[str, str], name: str) -> int:
        value = attrs.get(name, "0")
        if not value.isdigit() or len(value) > 9:
            raise Unreadable(f"{part}: {name} {value[:40]!r} is not a number")
        return int(value)

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        place.append(local)
        if local in inside:
            inside[local] += 1
        elif local == "numFmt" and inside["numFmts"]:
            code = attrs.get("formatCode", "")
            if len(code) > MAX_FORMAT_CHARS:
                raise Unreadable(f"{part}: a number format longer than {MAX_FORMAT_CHARS} characters, Excel's limit")
            custom[number(attrs, "numFmtId")] = code
        elif local == "xf" and len(place) >= 2 and place[-2] == "cellXfs":
            formats.append(number(attrs, "numFmtId"))

    def end(tag: str) -> None:
        local = place.pop()
        if local in inside:
            inside[local] -= 1

    book.parse(part, start, end)
    dated: set[int] = set()
    verdicts: dict[int, bool] = {}
    for index, format_id in enumerate(formats):
        if format_id not in verdicts:
            code = custom.get(format_id, BUILTIN_FORMATS.get(format_id))
            # A duration format ([h]:mm) shows an amount of time, not a date: its number is kept as a number.
            verdicts[format_id] = code is not None and is_date_format(code) and not is_timedelta_format(code)
        if verdicts[format_id]:
            dated.add(index)
    return frozenset(dated)


def _shared_strings(book: _Book, part: str | None, max_chars: int) -> list[str | None]:
    """The shared strings in order; None for one longer than ``max_chars`` (an error only if a cell uses it)."""
    strings: list[str | None] = []
    if part is None or not book.has(part):
        return strings
    pieces: list[str] = []
    state = {"in_t": False, "phonetic": 0, "size": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            pieces.clear()
            state["size"] = 0
        elif local == "t":
            state["in_t"] = True
        elif local == "rPh":  # a phonetic guide (furigana) is not part of the text
            state["phonetic"] += 1

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "si":
            strings.append("".join(pieces) if state["size"] <= max_chars else None)
            pieces.clear()
        elif local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["in_t"] and not state["phonetic"]:
            state["size"] += len(data)
            if state["size"] <= max_chars:
                pieces.append(data)

    book.parse(part, start, end, text)
    return strings


def _number_text(text: str) -> str | None:
    """A number cell's value as text ('3', '2.5', '1000' for 1E3); None if it is not a number."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    whole = _INTEGER.fullmatch(text)
    if whole:  # kept digit for digit: int() of thousands of digits raises, and float() would round
        sign, digits = whole.groups()
        return f"-{digits}" if sign == "-" and digits != "0" else digits
    value = float(text)
    if not math.isfinite(value):
        return None
    return str(int(value)) if value.is_integer() else repr(value)


def date_text(value: dt.date | dt.datetime | dt.time) -> str:
    """A date cell as the log writes dates: '2022-02-22' at midnight, else the ISO datetime (no zone: Excel has none)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) and value.tzinfo is None else value.isoformat()
    return value.isoformat()


def _excel_date(serial: float, date1904: bool) -> dt.datetime | dt.time | None:
    """The date (or, below 1, the time of day) a serial number shows as; None if no date has that number."""
    if not math.isfinite(serial) or serial < 0:
        return None
    days, fraction = divmod(serial, 1)
    milliseconds = round(fraction * _DAY_MS)
    if serial < 1 and milliseconds < _DAY_MS:
        return (dt.datetime(2000, 1, 1) + dt.timedelta(milliseconds=milliseconds)).time()
    if not date1904 and serial < 60:
        days += 1  # serials before Excel's phantom 1900-02-29
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    if days > (_LAST_DAY - epoch).days:
        return None
    try:
        return epoch + dt.timedelta(days=days, milliseconds=milliseconds)
    except OverflowError:  # 9999-12-31 plus a fraction that rounds to a whole day
        return None


class _SheetReader:
    """Expat handlers for one worksheet: each row that holds a value or an issue lands in ``ready`` when it ends."""

    def __init__(
        self, part: str, strings: list[str | None], date_styles: frozenset[int], date1904: bool, *, max_chars: int, max_columns: int
    ) -> None:
        self.part = part
        self.max_columns = max_columns
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.max_chars = max_chars
        self.ready: list[SheetRow] = []
        self.in_data = False  # inside <sheetData>: <row> and <c> mean nothing elsewhere
        self.in_row = False
        self.row = 0
        self.column = 0
        self.cells: dict[int, str] = {}
        self.issues: list[tuple[int, str]] = []
        self.kind = "n"
        self.style = 0
        self.value: list[str] | None = None  # the text of the cell's <v>
        self.inline: list[str] | None = None  # the text of an inline string's <t> elements
        self.receiving: list[str] | None = None  # where text goes now: value, inline or nowhere
        self.phonetic = 0
        self.size = 0

    def fail(self, message: str) -> Unreadable:
        return Unreadable(f"{self.part}: {message}")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2] if ":" in tag else tag  # _local, inline: this runs for every element
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "c":
            self.start_cell(attrs)
        elif local == "v":
            self.value = self.receiving = []
        elif local == "row":
            self.start_row(attrs.get("r"))
        elif local == "is":
            self.inline = []
        elif local == "t" and self.inline is not None and not self.phonetic:
            self.receiving = self.inline
        elif local == "rPh":  # a phonetic guide (furigana) is not part of the text
            self.phonetic += 1

    def end(self, tag: str) -> None:
        if not self.in_data:
            return
        local = tag.rpartition(":")[2] if ":" in tag else tag
        if local == "c":
            self.end_cell()
        elif local in ("v", "t"):
            self.receiving = None
        elif local == "row":
            self.end_row()
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "sheetData":
            self.in_data = False

    def text(self, data: str) -> None:
        if self.receiving is None:
            return
        self.size += len(data)
        if self.size > self.max_chars:  # stop holding text at once: a cell may not grow to the whole part
            raise CellTooLong(self.row, self.column)
        self.receiving.append(data)

    def start_row(self, reference: str | None) -> None:
        if reference is None:
            number = self.row + 1
        elif reference.isdigit() and len(reference) <= 7:
            number = int(reference)
        else:
            number = 0
        if not 1 <= number <= LAST_ROW:
            raise self.fail(f"{str(reference)[:40]!r} is not a row number of a sheet (1 to {LAST_ROW:,})")
        if number <= self.row:
            raise self.fail(f"row {number} comes after row {self.row}")
        self.row, self.column, self.in_row = number, 0, True
        self.cells, self.issues = {}, []

    def end_row(self) -> None:
        if self.cells or self.issues:
            cells = [self.cells.get(column, "") for column in range(1, max(self.cells, default=0) + 1)]
            self.ready.append(SheetRow(self.row, cells, self.issues))
        self.cells, self.issues, self.in_row = {}, [], False

    def start_cell(self, attrs: dict[str, str]) -> None:
        if not self.in_row:
            raise self.fail(f"a cell outside any row (after row {self.row})")
        reference = attrs.get("r")
        if reference is None:
            column = self.column + 1
        else:
            match = _REFERENCE.fullmatch(reference)
            column = _column_number(match.group(1)) if match else 0
            if not match or column > LAST_COLUMN or int(match.group(2)) != self.row:
                raise self.fail(f"row {self.row}: {reference[:40]!r} is not a cell of that row (columns A to XFD)")
        if column <= self.column:
            raise self.fail(f"row {self.row}: cell {column_letters(column)}{self.row} comes after {column_letters(self.column)}{self.row}")
        if column > LAST_COLUMN:
            raise self.fail(f"row {self.row}: a cell past column XFD, the last one a sheet has")
        style = attrs.get("s", "0")
        if not style.isdigit() or len(style) > 9:
            raise self.fail(f"row {self.row}: cell {column_letters(column)}{self.row} has the style {style[:40]!r}, not a number")
        self.column, self.kind, self.style = column, attrs.get("t", "n"), int(style)
        self.value = self.inline = self.receiving = None
        self.size = 0

    def end_cell(self) -> None:
        raw = None if self.value is None else "".join(self.value)
        kind = self.kind
        if kind == "inlineStr":
            text = "".join(self.inline or [])
        elif raw is None:
            text = ""
        elif kind == "s":
            text = self.shared(raw)
        elif kind in ("str", "e"):  # a formula's text result; an error such as #N/A, as Excel shows it
            text = raw
        elif kind == "b":
            text = {"1": "True", "0": "False"}.get(raw.strip(), "")
            if not text:
                self.issue(f"{raw[:40]!r} is not TRUE or FALSE, though the cell is marked as one")
        elif kind == "d":
            text = self.iso_date(raw)
        else:  # "n", and any type Excel does not write, read as a number
            text = self.number(raw)
        if text:
            if self.column > self.max_columns:  # before any row is padded out to it
                raise ColumnPastLimit(self.row, self.column)
            self.cells[self.column] = text
        self.value = self.inline = self.receiving = None

    def issue(self, message: str) -> None:
        self.issues.append((self.column, message))

    def shared(self, raw: str) -> str:
        index = raw.strip()
        if not index.isdigit() or len(index) > 9 or int(index) >= len(self.strings):
            self.issue(f"refers to shared string {raw[:40]!r}, which the workbook does not have")
            return ""
        found = self.strings[int(index)]
        if found is None:
            raise CellTooLong(self.row, self.column)
        return found

    def iso_date(self, raw: str) -> str:
        try:
            return date_text(dt.datetime.fromisoformat(raw.strip()))
        except ValueError:
            self.issue(f"{raw[:40]!r} is not a date, though the cell is marked as one")
            return ""

    def number(self, raw: str) -> str:
        text = _number_text(raw)
        if text is None:
            self.issue(f"{raw[:40]!r} is not a number, though the cell is marked as one")
            return ""
        if self.style not in self.date_styles:
            return text
        value = _excel_date(float(text), self.date1904)
        if value is None:
            self.issue(f"{text[:40]} is formatted as a date, but no date has that number ({DATES_EXCEL_HAS})")
            return ""
        return date_text(value)


def read_sheet(data: bytes, sheet: str | None, *, max_xml_bytes: int, max_cell_chars: int, max_columns: int) -> Iterator[SheetRow]:
    """The rows of a worksheet (the first one unless ``sheet`` names another) that hold a value or an issue, in order.

    Raises `XlsxError`: `Unreadable`, `NoWorksheet`, `NoSuchSheet`, `PartTooLarge` (a part unpacks to more than
    ``max_xml_bytes``), `CellTooLong` (a cell holds more than ``max_cell_chars`` characters), `ColumnPastLimit` (a value
    lies past column ``max_columns``).
    """
    book = _open(data, max_xml_bytes)
    workbook = _of_type(_relationships(book, ""), "officeDocument") or "xl/workbook.xml"
    sheets = _sheets(book, workbook)
    related = _relationships(book, workbook)
    names = [name for name, _ in sheets.names]
    worksheets = [(name, related[rid][1]) for name, rid in sheets.names if rid in related and related[rid][0].endswith("/worksheet")]
    if sheet is not None and sheet not in names:
        raise NoSuchSheet(sheet, names)
    chosen = [part for name, part in worksheets if sheet is None or name == sheet]
    if not chosen:
        if sheet is not None:
            raise Unreadable(f"the sheet {sheet!r} holds no cells (a chart sheet?)")
        raise NoWorksheet()
    strings = _shared_strings(book, _of_type(related, "sharedStrings"), max_cell_chars)
    date_styles = _date_styles(book, _of_type(related, "styles"))
    reader = _SheetReader(chosen[0], strings, date_styles, sheets.date1904, max_chars=max_cell_chars, max_columns=max_columns)
    for _ in book.feed(chosen[0], _parser(chosen[0], reader.start, reader.end, reader.text)):
        # Rows are handed on after each chunk: only a chunk's worth of them ever waits here.
        yield from reader.ready
        reader.ready = []
