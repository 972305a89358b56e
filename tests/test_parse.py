import json

import pytest

from events.parse import BadInput, read_file

GOOD = {"child": "C1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}


def write_jsonl(tmp_path, lines, name="events.jsonl"):
    path = tmp_path / name
    path.write_text(
        "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines), encoding="utf-8"
    )
    return path


def test_a_good_jsonl_file_gives_every_event_with_its_line_number(tmp_path):
    path = write_jsonl(tmp_path, [GOOD, "", {"child": "C1", "type": "review_held", "at": "2022-10-11"}])

    parsed = read_file(path)

    assert [(p.line, p.record["type"]) for p in parsed] == [(1, "entered_care"), (3, "review_held")]


def test_one_bad_line_among_good_ones_names_the_file_line_field_and_suggestion(tmp_path):
    path = write_jsonl(tmp_path, [GOOD, {**GOOD, "type": "review_hled"}, GOOD])

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert str(caught.value) == (
        f"{path}:2: type: unknown event type 'review_hled'; did you mean 'review_held'?"
    )


def test_the_message_counts_the_other_bad_lines(tmp_path):
    path = write_jsonl(tmp_path, [{**GOOD, "at": "2022-13-01"}, GOOD, {**GOOD, "legal_status": "Q1"}])

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert caught.value.line == 1
    assert caught.value.field == "at"
    assert str(caught.value).endswith("(1 more line with problems)")


def test_a_line_that_is_not_json_is_reported_with_its_number(tmp_path):
    path = write_jsonl(tmp_path, [GOOD, '{"child": "C1", "type": '])

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert caught.value.line == 2
    assert "not valid JSON" in caught.value.problem


def test_non_utf8_bytes_are_rejected_with_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"child": "C1", "note": "caf\xe9"}\n')

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert caught.value.line == 2
    assert "not UTF-8" in caught.value.problem


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["zero-bytes", "blank-lines"])
def test_an_empty_file_is_rejected(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)

    with pytest.raises(BadInput, match="empty"):
        read_file(path)


def test_a_csv_file_with_empty_cells_for_absent_fields_is_read(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "child,type,at,legal_status,placement_type,long_term\n"
        "C1,entered_care,2022-09-12,C2,,\n"
        "C1,placement_started,2022-09-12,,U4,true\n",
        encoding="utf-8",
    )

    parsed = read_file(path)

    assert [p.record["type"] for p in parsed] == ["entered_care", "placement_started"]
    assert parsed[1].record["long_term"] is True


def test_a_csv_without_a_header_row_is_rejected(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("C1,entered_care,2022-09-12,C2\n", encoding="utf-8")

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert caught.value.line == 1
    assert "header row" in caught.value.problem


def test_a_csv_with_a_filled_unknown_column_is_rejected(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("child,type,at,colour\nC1,dental_check,2022-09-12,red\n", encoding="utf-8")

    with pytest.raises(BadInput) as caught:
        read_file(path)

    assert (caught.value.line, caught.value.field) == (2, "colour")


def test_a_file_with_an_unknown_extension_is_rejected(tmp_path):
    path = tmp_path / "events.xlsx"
    path.write_bytes(b"PK")

    with pytest.raises(BadInput, match="expected .jsonl or .csv"):
        read_file(path)


def test_a_utf8_byte_order_mark_is_tolerated(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfchild,type,at\nC1,dental_check,2022-09-12\n")

    assert read_file(path)[0].record["type"] == "dental_check"


def test_a_line_separator_inside_a_json_string_is_data_not_a_line_break(tmp_path):
    path = tmp_path / "events.jsonl"
    note = "first\u2028second\u2029third\x85fourth"
    path.write_text(
        json.dumps(
            {"child": "C1", "type": "entered_care", "at": "2024-01-08", "legal_status": "C2", "note": note},
            ensure_ascii=False,
        )
        + "\r\n",
        encoding="utf-8",
    )

    parsed = read_file(path)

    assert len(parsed) == 1
    assert parsed[0].record["note"] == note
