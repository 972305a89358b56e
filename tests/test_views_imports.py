from compliance.sources.event_files import ImportResult
from compliance.views.imports import import_lines, partial_import_line


def test_an_import_without_findings_prints_only_its_summary():
    result = ImportResult(files=1, imported=3, already_present=1, children={"C1", "C2"})
    assert import_lines(result) == ["imported 3 events for 2 children (1 already present)"]


def test_a_rejected_file_after_stored_ones_says_what_was_kept():
    kept = ImportResult(files=2, imported=1, children={"C1"})
    assert (
        partial_import_line(kept)
        == "imported 1 event for 1 child (0 already present) from the 2 file(s) before the one rejected"
    )


def test_a_rejected_first_file_says_nothing_about_what_was_kept():
    assert partial_import_line(ImportResult()) is None
    assert partial_import_line(None) is None
