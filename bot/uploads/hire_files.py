"""Reads HR's hire uploads (CSV or XLSX) and writes the templates they fill in."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date

from bot.content.catalog import LOCALES, Catalog, Markup
from bot.content.eligibility import Municipality
from bot.domain.csv_files import csv_file, unguarded
from bot.domain.hires import (
    EXAMPLE_EMAIL,
    HIRE_COLUMNS,
    HIRE_ROUTES,
    REQUIRED_COLUMNS,
    RowProblem,
    arrival_window,
    message_key,
)
from bot.domain.language import LANGUAGES, Language
from bot.domain.validators import Invalid

MAX_UPLOAD_BYTES = 1_000_000
MAX_ROWS = 500
MAX_XLSX_UNPACKED = 25_000_000  # a 1 MB workbook unpacks to far less; more smells of a zip bomb
MAX_SHEET_ROWS = 20 * MAX_ROWS  # physical rows read, blank ones included
MAX_COLUMNS = 50
CONTACT_COLUMNS = ("email", "phone")

# Headers a file may use for each column besides the template's own (compared after _fold).
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "name": ("name", "naam", "full name", "volledige naam", "employee", "medewerker"),
    "email": ("email", "e-mail", "e-mail address", "email address", "e-mailadres", "mail"),
    "phone": (
        "phone",
        "telephone",
        "phone number",
        "mobile",
        "telefoon",
        "telefoonnummer",
        "mobiel",
    ),
    "arrival_date": (
        "arrival date",
        "expected arrival date",
        "arrival",
        "aankomstdatum",
        "verwachte aankomstdatum",
        "aankomst",
    ),
    "route": ("route", "residence route", "verblijfsroute", "permit", "verblijfsvergunning"),
    "municipality": ("municipality", "gemeente", "woonplaats gemeente"),
    "family_members": (
        "family members",
        "family",
        "number of family members",
        "gezinsleden",
        "aantal gezinsleden",
    ),
    "language": ("language", "taal"),
}


class UploadError(ValueError):
    """A whole file HR cannot use; key names a text under `hire_files.`."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, str] = params


def _fold(text: str) -> str:
    """Compares headers leniently: case, accents, spaces, punctuation and '(...)' ignored."""
    text = re.sub(r"\(.*?\)", " ", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def header_lookup(catalog: Catalog | None = None) -> dict[str, str]:
    """Folded header text -> column, from the aliases and (when given) the template headers."""
    lookup = {_fold(alias): column for column, names in HEADER_ALIASES.items() for alias in names}
    lookup.update({_fold(column): column for column in HIRE_COLUMNS})
    if catalog is not None:
        for lang in LANGUAGES:
            for column in HIRE_COLUMNS:
                lookup[_fold(catalog.plain(lang, f"hire_files.headers.{column}"))] = column
    return lookup


def parse_upload(
    content: bytes, filename: str, *, catalog: Catalog | None = None
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of an upload as (row number as the user sees it, values by column)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError("too_big", max_kb=str(MAX_UPLOAD_BYTES // 1000))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    table: Iterable[tuple[int, list[str]]]
    if suffix == "csv":
        table = _csv_rows(content)
    elif suffix == "xlsx":
        table = _xlsx_rows(content)
    else:
        raise UploadError("file_type")
    return _records(table, header_lookup(catalog))


UploadRows = list[tuple[int, dict[str, str]]]


def read_upload(content: bytes, filename: str, catalog: Catalog) -> UploadRows | UploadError:
    """parse_upload with its refusal as a value: made to run in a worker thread."""
    try:
        return parse_upload(content, filename, catalog=catalog)
    except UploadError as error:
        return error


def _records(
    table: Iterable[tuple[int, list[str]]], lookup: Mapping[str, str]
) -> list[tuple[int, dict[str, str]]]:
    """Maps the first non-blank row to columns and every later non-blank row to values."""
    rows = iter(table)
    header: list[str] | None = None
    for _, cells in rows:
        if any(cells):
            header = cells
            break
    if header is None:
        raise UploadError("empty")
    columns = _columns(header, lookup)
    records: list[tuple[int, dict[str, str]]] = []
    for number, cells in rows:
        if not any(cells):
            continue
        values = dict.fromkeys(HIRE_COLUMNS, "")
        for index, cell in enumerate(cells):
            column = columns.get(index)
            if column is not None:
                values[column] = cell
            elif cell:
                raise UploadError("unnamed_column", position=str(index + 1), row=str(number))
        if len(records) == MAX_ROWS:
            raise UploadError("too_many_rows", max=str(MAX_ROWS))
        records.append((number, values))
    if not records:
        raise UploadError("no_rows")
    return records


def _columns(header: list[str], lookup: Mapping[str, str]) -> dict[int, str]:
    """Header position -> column; unknown, duplicate and missing columns are errors."""
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        if not title:
            continue
        column = lookup.get(_fold(title))
        if column is None:
            unknown.append(title[:40])
        elif column in columns.values():
            raise UploadError("duplicate_column", column=title[:40])
        else:
            columns[index] = column
    if unknown:
        raise UploadError("unknown_columns", columns=", ".join(unknown[:10]))
    present = set(columns.values())
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if not present.intersection(CONTACT_COLUMNS):
        missing.append("email")
    if missing:
        raise UploadError("missing_columns", columns=", ".join(missing))
    return columns


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode text'), else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError("not_csv") from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text or content.startswith(b"PK\x03\x04"):
        raise UploadError("not_csv")
    return text


def _delimiter(text: str) -> str:
    """The separator of the first line with text: ';' (Dutch Excel), ',' or tab, the most used."""
    first = next((line for line in text.splitlines() if line.strip(" \t,;")), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """Each record with its number (header = 1), cells trimmed."""
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                raise UploadError("too_many_columns", max=str(MAX_COLUMNS))
            yield number, [unguarded(cell.strip()) for cell in cells]
    except csv.Error:
        raise UploadError("not_csv") from None


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a user would have typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _check_zip(content: bytes) -> None:
    """Refuses what is not a zip, or unpacks to far more than a hires sheet can hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError("not_xlsx") from None
    if sum(info.file_size for info in infos) > MAX_XLSX_UNPACKED:
        raise UploadError("corrupt_xlsx")


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows with their sheet row numbers."""
    import openpyxl  # imported here: only uploads need it, and it is slow to import

    _check_zip(content)
    rows: list[tuple[int, list[str]]] = []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet: Any = workbook.worksheets[0]
            for number, cells in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1
            ):
                if number > MAX_SHEET_ROWS:
                    raise UploadError("too_many_rows", max=str(MAX_ROWS))
                texts = [_cell_text(cell) for cell in cells]
                if len(texts) > MAX_COLUMNS and texts[MAX_COLUMNS]:
                    raise UploadError("too_many_columns", max=str(MAX_COLUMNS))
                rows.append((number, texts[:MAX_COLUMNS]))
        finally:
            workbook.close()
    except UploadError:
        raise
    except Exception:  # openpyxl raises many types on a damaged file; all mean the same here
        raise UploadError("corrupt_xlsx") from None
    return rows


DATE_PARAMS = ("date", "earliest", "latest")


def problem_text(catalog: Catalog, lang: Language, key: str, params: Mapping[str, str]) -> Markup:
    """A hire problem's message: ISO dates written out, route ids named, in HR's language."""
    shown = dict(params)
    for name in DATE_PARAMS:
        if name in shown:
            with suppress(ValueError):  # not an ISO date: shown as given
                shown[name] = format_date(
                    date.fromisoformat(shown[name]), "d MMMM y", locale=LOCALES[lang]
                )
    if "routes" in shown:
        shown["routes"] = ", ".join(
            f"{route} ({catalog.plain(lang, f'eligibility.options.route.{route}')})"
            for route in shown["routes"].split(", ")
            if route in HIRE_ROUTES
        )
    return catalog.text(lang, key, **shown)


def invalid_text(catalog: Catalog, lang: Language, error: Invalid) -> Markup:
    """The message for an answer check_hire_field refused (typed in a conversation)."""
    return problem_text(catalog, lang, message_key(error), error.params)


def upload_error_text(catalog: Catalog, lang: Language, error: UploadError) -> Markup:
    """The message for a whole-file problem, column names in HR's language."""
    params = dict(error.params)
    if error.key == "missing_columns":
        params["columns"] = ", ".join(
            catalog.plain(lang, f"hire_files.headers.{column}")
            for column in error.params["columns"].split(", ")
        )
    return catalog.text(lang, f"hire_files.{error.key}", **params)


def row_problem_text(catalog: Catalog, lang: Language, problem: RowProblem) -> Markup:
    """One line of the row report: row, column and what is wrong, in HR's language."""
    what = problem_text(catalog, lang, problem.key, problem.params)
    if problem.row == 0:
        return what
    column = catalog.plain(lang, f"hire_files.headers.{problem.column}") if problem.column else ""
    key = "hire_files.row_problem" if column else "hire_files.row_problem_whole"
    return catalog.text(lang, key, row=problem.row, column=column, problem=what)


def template_filename(lang: Language, extension: str) -> str:
    """'hires-template-en.xlsx' and the like."""
    return f"hires-template-{lang}.{extension}"


def _example(catalog: Catalog, lang: Language, today: date) -> dict[str, str]:
    """The example row of the template (its e-mail marks it, so it is never created)."""
    values = {
        column: catalog.plain(lang, f"hire_files.example.{column}")
        for column in HIRE_COLUMNS
        if column not in ("email", "arrival_date")
    }
    values["email"] = EXAMPLE_EMAIL
    earliest, latest = arrival_window(today)
    values["arrival_date"] = min(latest, max(earliest, today + timedelta(days=30))).isoformat()
    return values


def template_csv(catalog: Catalog, lang: Language, *, today: date | None = None) -> bytes:
    """Headers in lang and one example row; UTF-8 with BOM, ';' for Dutch Excel, ',' else."""
    example = _example(catalog, lang, today or date.today())
    header = [catalog.plain(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS]
    return csv_file([header, [example[c] for c in HIRE_COLUMNS]], delimiter=csv_delimiter(lang))


def csv_delimiter(lang: Language) -> str:
    """';' for Dutch Excel, ',' for the rest."""
    return ";" if lang == "nl" else ","


def _help_rows(
    catalog: Catalog, lang: Language, municipalities: Sequence[Municipality], today: date
) -> list[tuple[str, str]]:
    """Column header and explanation, then the allowed routes and municipalities."""
    earliest, latest = arrival_window(today)
    rows = [
        (
            catalog.plain(lang, f"hire_files.headers.{column}"),
            catalog.plain(
                lang,
                f"hire_files.help.{column}",
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            ),
        )
        for column in HIRE_COLUMNS
    ]
    rows.append(("", ""))
    rows.append((catalog.plain(lang, "hire_files.help_routes"), ""))
    rows.extend(
        (route, catalog.plain(lang, f"eligibility.options.route.{route}")) for route in HIRE_ROUTES
    )
    current = [m for m in municipalities if m.valid_on(today)]
    if current:
        rows.append(("", ""))
        rows.append((catalog.plain(lang, "hire_files.help_municipalities"), ""))
        rows.extend((m.id, m.name) for m in current)
    return rows


def template_xlsx(
    catalog: Catalog,
    lang: Language,
    *,
    municipalities: Sequence[Municipality] = (),
    today: date | None = None,
) -> bytes:
    """The hires sheet (headers, example row, text-formatted columns) and a help sheet."""
    import openpyxl
    from openpyxl.styles import Font

    today = today or date.today()
    example = _example(catalog, lang, today)
    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = catalog.plain(lang, "hire_files.sheet_hires")
    sheet.append([catalog.plain(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS])
    row: list[object] = [example[c] for c in HIRE_COLUMNS]
    row[HIRE_COLUMNS.index("arrival_date")] = date.fromisoformat(example["arrival_date"])
    row[HIRE_COLUMNS.index("family_members")] = int(example["family_members"])
    sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(HIRE_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 28 if column in ("name", "email") else 18
        if column == "phone":  # so Excel keeps a leading + or 0
            for number in range(2, MAX_ROWS + 2):
                sheet.cell(row=number, column=index).number_format = "@"
        if column == "arrival_date":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
    help_sheet: Any = workbook.create_sheet(catalog.plain(lang, "hire_files.sheet_help"))
    help_sheet.append([catalog.plain(lang, "hire_files.help_title")])
    help_sheet["A1"].font = Font(bold=True)
    for label, text in _help_rows(catalog, lang, municipalities, today):
        help_sheet.append([label, text])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
