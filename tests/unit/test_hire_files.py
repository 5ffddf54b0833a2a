"""Reading HR's uploads (CSV and XLSX) and writing the templates they start from."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from bot.content.catalog import Catalog
from bot.content.eligibility import load_municipalities
from bot.domain.hires import EXAMPLE_EMAIL, HIRE_COLUMNS, HIRE_ROUTES, HireDraft, check_hire_row
from bot.domain.language import Language
from bot.uploads.hire_files import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    UploadError,
    parse_upload,
    template_csv,
    template_xlsx,
    upload_error_text,
)
from tests.conftest import CONTENT

CATALOG = Catalog.load(CONTENT)
MUNICIPALITIES = load_municipalities(CONTENT)
TODAY = date(2026, 12, 1)
EN_HEADER = "Name,E-mail,Phone,Arrival date,Residence route,Municipality,Family members,Language"
NL_HEADER = "Naam;E-mail;Telefoon;Aankomstdatum;Verblijfsroute;Gemeente;Gezinsleden;Taal"


def values(**given: str) -> dict[str, str]:
    return {column: given.get(column, "") for column in HIRE_COLUMNS}


def refused(content: bytes, filename: str) -> UploadError:
    with pytest.raises(UploadError) as caught:
        parse_upload(content, filename)
    return caught.value


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- CSV --------------------------------------------------------------------------------------


def test_comma_separated_csv_with_english_headers() -> None:
    content = f"{EN_HEADER}\nAnn Lee,ann@firma.nl,,2027-01-10,hsm,Heerlen,1,en\n".encode()
    assert parse_upload(content, "hires.csv") == [
        (
            2,
            values(
                name="Ann Lee",
                email="ann@firma.nl",
                arrival_date="2027-01-10",
                route="hsm",
                municipality="Heerlen",
                family_members="1",
                language="en",
            ),
        )
    ]


def test_semicolon_separated_csv_with_dutch_headers_and_bom() -> None:
    content = (
        f"{NL_HEADER}\r\nJoão Silva;;06 12345678;10-01-2027;kennismigrant;Sittard-Geleen;0;nl\r\n"
    )
    rows = parse_upload(content.encode("utf-8-sig"), "HIRES.CSV")
    assert rows == [
        (
            2,
            values(
                name="João Silva",
                phone="06 12345678",
                arrival_date="10-01-2027",
                route="kennismigrant",
                municipality="Sittard-Geleen",
                family_members="0",
                language="nl",
            ),
        )
    ]


def test_the_separator_is_found_after_leading_blank_lines() -> None:
    content = f"\n;;;\n{NL_HEADER}\nAnn;a@x.nl;;2027-01-01;hsm;Beek;;\n".encode()
    assert parse_upload(content, "a.csv") == [
        (
            4,
            values(
                name="Ann",
                email="a@x.nl",
                arrival_date="2027-01-01",
                route="hsm",
                municipality="Beek",
            ),
        )
    ]


def test_utf16_tab_separated_text_from_excel() -> None:
    content = "Naam\tE-mail\tAankomstdatum\tVerblijfsroute\tGemeente\n"
    content += "Zoë\tz@x.nl\t2027-01-01\thsm\tBeek\n"
    rows = parse_upload(content.encode("utf-16"), "export.csv")
    assert rows[0][1]["name"] == "Zoë"
    assert rows[0][1]["municipality"] == "Beek"


def test_windows_1252_csv_is_read_too() -> None:
    content = "Name;Email;Arrival date;Route;Municipality\nRené;r@x.nl;2027-01-01;hsm;Vaals\n"
    rows = parse_upload(content.encode("cp1252"), "hires.csv")
    assert rows[0][1]["name"] == "René"


def test_headers_are_matched_loosely_and_the_columns_may_come_in_any_order() -> None:
    content = (
        b"  MUNICIPALITY ,arrival_date,Full name,e-mail address,Residence Route (hsm/researcher)\n"
        b"Beek,2027-02-01,Ann Lee,ann@firma.nl,researcher\n"
    )
    ((_, row),) = parse_upload(content, "hires.csv")
    assert (row["name"], row["municipality"], row["route"]) == ("Ann Lee", "Beek", "researcher")
    assert row["phone"] == row["family_members"] == row["language"] == ""


def test_every_template_header_of_both_languages_is_understood() -> None:
    for lang in ("nl", "en"):
        headers = [CATALOG.plain(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS]
        line = ",".join(headers) + "\n" + ",".join(str(i) for i in range(len(headers))) + "\n"
        ((_, row),) = parse_upload(line.encode(), "t.csv")
        assert [row[c] for c in HIRE_COLUMNS] == [str(i) for i in range(len(HIRE_COLUMNS))]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers() -> None:
    content = (
        f"\n{EN_HEADER}\n\n"
        "Ann Lee,a@x.nl,,2027-01-01,hsm,Beek,,\n"
        ",,,,,,,\n"
        "  ,  ,,,,,,\n"
        "Bo Li,b@x.nl,,2027-01-02,hsm,Beek,,\n"
    ).encode()
    rows = parse_upload(content, "hires.csv")
    assert [(number, row["name"]) for number, row in rows] == [(4, "Ann Lee"), (7, "Bo Li")]


def test_quoted_cells_keep_their_commas_and_quotes() -> None:
    content = f'{EN_HEADER}\n"Lee, Ann ""Annie""",a@x.nl,,2027-01-01,hsm,Beek,,\n'.encode()
    assert parse_upload(content, "hires.csv")[0][1]["name"] == 'Lee, Ann "Annie"'


def test_unknown_columns_are_listed() -> None:
    error = refused(f"{EN_HEADER},Salary,BSN\n".encode(), "hires.csv")
    assert (error.key, error.params) == ("unknown_columns", {"columns": "Salary, BSN"})


def test_missing_columns_are_listed_in_the_users_language() -> None:
    error = refused(b"Name,Phone\nAnn,0612345678\n", "hires.csv")
    assert (error.key, error.params) == (
        "missing_columns",
        {"columns": "arrival_date, route, municipality"},
    )
    text = upload_error_text(CATALOG, "nl", error)
    assert "Aankomstdatum, Verblijfsroute, Gemeente" in text


def test_a_contact_column_is_required() -> None:
    error = refused(b"Name,Arrival date,Route,Municipality\nAnn,2027-01-01,hsm,Beek\n", "a.csv")
    assert (error.key, error.params) == ("missing_columns", {"columns": "email"})


def test_a_column_given_twice_is_refused() -> None:
    error = refused(f"{EN_HEADER},Naam\n".encode(), "hires.csv")
    assert (error.key, error.params) == ("duplicate_column", {"column": "Naam"})


def test_data_under_an_empty_header_is_refused_but_an_empty_column_is_fine() -> None:
    fine = f"{EN_HEADER},\nAnn,a@x.nl,,2027-01-01,hsm,Beek,,,\n".encode()
    assert len(parse_upload(fine, "hires.csv")) == 1
    error = refused(f"{EN_HEADER},\nAnn,a@x.nl,,2027-01-01,hsm,Beek,,,oops\n".encode(), "a.csv")
    assert (error.key, error.params) == ("unnamed_column", {"position": "9", "row": "2"})


def test_empty_files_and_files_without_hires() -> None:
    assert refused(b"", "hires.csv").key == "empty"
    assert refused(b"\n \n,,\n", "hires.csv").key == "empty"
    assert refused(f"{EN_HEADER}\n,,,\n".encode(), "hires.csv").key == "no_rows"


def test_at_most_500_hires_per_file() -> None:
    row = "Ann,a@x.nl,,2027-01-01,hsm,Beek,,\n"
    assert len(parse_upload(f"{EN_HEADER}\n{row * MAX_ROWS}".encode(), "a.csv")) == MAX_ROWS
    error = refused(f"{EN_HEADER}\n{row * (MAX_ROWS + 1)}".encode(), "a.csv")
    assert (error.key, error.params) == ("too_many_rows", {"max": "500"})


def test_files_over_the_size_limit_are_refused_before_reading() -> None:
    content = f"{EN_HEADER}\n".encode() + b"x" * MAX_UPLOAD_BYTES
    for name in ("a.csv", "a.xlsx"):
        error = refused(content, name)
        assert (error.key, error.params) == ("too_big", {"max_kb": "1000"})


@pytest.mark.parametrize("name", ["hires.xls", "hires.pdf", "hires", "hires.csv.txt", ".xlsx.doc"])
def test_only_csv_and_xlsx_names_are_read(name: str) -> None:
    assert refused(f"{EN_HEADER}\n".encode(), name).key == "file_type"


def test_binary_data_named_csv_is_refused() -> None:
    assert refused(b"\x00\x01\x02binary", "hires.csv").key == "not_csv"
    workbook = xlsx([["Name"], ["Ann"]])
    assert refused(workbook, "hires.csv").key == "not_csv"


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_with_date_and_number_cells() -> None:
    content = xlsx(
        [
            [
                "Naam",
                "E-mail",
                "Telefoon",
                "Aankomstdatum",
                "Verblijfsroute",
                "Gemeente",
                "Gezinsleden",
                "Taal",
            ],
            [
                "Ann Lee",
                "ann@firma.nl",
                31612345678,
                datetime(2027, 1, 10),
                "hsm",
                "Heerlen",
                2.0,
                "nl",
            ],
            [None, None, None, None, None, None, None, None],
            ["Bo Li", None, 612345678, date(2027, 2, 1), "researcher", "Beek", 0, None],
        ]
    )
    rows = parse_upload(content, "Hires.XLSX")
    assert rows == [
        (
            2,
            values(
                name="Ann Lee",
                email="ann@firma.nl",
                phone="31612345678",
                arrival_date="2027-01-10",
                route="hsm",
                municipality="Heerlen",
                family_members="2",
                language="nl",
            ),
        ),
        (
            4,
            values(
                name="Bo Li",
                phone="612345678",
                arrival_date="2027-02-01",
                route="researcher",
                municipality="Beek",
                family_members="0",
            ),
        ),
    ]
    drafts = [
        check_hire_row(row, row=n, today=TODAY, municipalities=MUNICIPALITIES) for n, row in rows
    ]
    assert [d.phone for d in drafts if isinstance(d, HireDraft)] == ["+31612345678"] * 2


def test_a_fractional_number_is_kept_so_the_check_can_refuse_it() -> None:
    content = xlsx(
        [
            ["Name", "Phone", "Arrival date", "Route", "Municipality", "Family members"],
            ["Ann", "0612345678", "2027-01-01", "hsm", "Beek", 1.5],
        ]
    )
    assert parse_upload(content, "a.xlsx")[0][1]["family_members"] == "1.5"


def test_xlsx_unknown_and_missing_columns() -> None:
    assert refused(xlsx([[*EN_HEADER.split(","), "Salary"]]), "a.xlsx").key == "unknown_columns"
    assert refused(xlsx([["Name", "E-mail"], ["Ann", "a@x.nl"]]), "a.xlsx").key == (
        "missing_columns"
    )


def test_xlsx_too_many_rows() -> None:
    row: list[object] = ["Ann", "a@x.nl", None, "2027-01-01", "hsm", "Beek", None, None]
    header: list[object] = list(EN_HEADER.split(","))
    assert len(parse_upload(xlsx([header] + [row] * MAX_ROWS), "a.xlsx")) == MAX_ROWS
    error = refused(xlsx([header] + [row] * (MAX_ROWS + 1)), "a.xlsx")
    assert error.key == "too_many_rows"


def test_a_text_file_renamed_xlsx_is_refused() -> None:
    assert refused(f"{EN_HEADER}\n".encode(), "hires.xlsx").key == "not_xlsx"


def test_a_damaged_workbook_is_refused() -> None:
    good = xlsx([EN_HEADER.split(",")])
    assert refused(good[: len(good) // 2], "hires.xlsx").key == "not_xlsx"  # truncated zip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not really xml")
        archive.writestr("xl/workbook.xml", "garbage")
    assert refused(out.getvalue(), "hires.xlsx").key == "corrupt_xlsx"


def test_a_zip_bomb_is_refused_without_unpacking_it(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 40_000_000)
    assert len(out.getvalue()) < MAX_UPLOAD_BYTES

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    assert refused(out.getvalue(), "hires.xlsx").key == "corrupt_xlsx"


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_xlsx_template_round_trips_to_its_example_row(lang: Language) -> None:
    content = template_xlsx(CATALOG, lang, municipalities=MUNICIPALITIES, today=TODAY)
    rows = parse_upload(content, "template.xlsx")
    assert rows == [
        (
            2,
            values(
                name=CATALOG.plain(lang, "hire_files.example.name"),
                email=EXAMPLE_EMAIL,
                phone="+31 6 12345678",
                arrival_date="2026-12-31",
                route="hsm",
                municipality="Maastricht",
                family_members="2",
                language=lang,
            ),
        )
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    hires, help_sheet = workbook.worksheets
    assert [cell.value for cell in hires[1]] == [
        CATALOG.plain(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS
    ]
    assert hires["D2"].is_date
    help_text = [str(cell.value) for row in help_sheet.iter_rows() for cell in row if cell.value]
    assert help_sheet.title == CATALOG.plain(lang, "hire_files.sheet_help")
    for route in HIRE_ROUTES:
        assert route in help_text
    assert "Valkenburg aan de Geul" in help_text and "Sittard-Geleen" in help_text
    assert any("2026-11-01" in text and "2027-12-01" in text for text in help_text)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_csv_template_round_trips_to_its_example_row(lang: Language) -> None:
    content = template_csv(CATALOG, lang, today=TODAY)
    assert content.startswith(b"\xef\xbb\xbf")
    assert (b";" if lang == "nl" else b",") in content.splitlines()[0]
    ((number, row),) = parse_upload(content, "template.csv")
    assert number == 2
    assert row["name"] == CATALOG.plain(lang, "hire_files.example.name")
    assert row["arrival_date"] == "2026-12-31" and row["email"] == EXAMPLE_EMAIL


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_example_row_is_valid_apart_from_being_the_example(lang: Language) -> None:
    ((number, row),) = parse_upload(template_csv(CATALOG, lang, today=TODAY), "t.csv")
    problems = check_hire_row(row, row=number, today=TODAY, municipalities=MUNICIPALITIES)
    assert isinstance(problems, list) and problems[0].key == "hire_files.example_row"
    real = {**row, "email": "alex@firma.nl"}
    draft = check_hire_row(real, row=number, today=TODAY, municipalities=MUNICIPALITIES)
    assert isinstance(draft, HireDraft) and draft.language == lang


def test_the_xlsx_template_without_municipalities_still_explains_the_columns() -> None:
    content = template_xlsx(CATALOG, "en", today=TODAY)
    help_sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
    labels = [row[0] for row in help_sheet.iter_rows(values_only=True)]
    assert "Municipality" in labels and "Maastricht" not in labels
