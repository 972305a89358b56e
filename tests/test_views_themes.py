from compliance.views.themes import themes_json, themes_lines


def test_the_theme_list_heads_each_kind_with_the_command_that_takes_it():
    lines = themes_lines()
    headings = [text for text, style in lines if style == "bold"]
    assert headings == ["Practice-alert themes (alert raise)", "Good-practice themes (alert praise)"]


def test_every_theme_is_listed_indented_under_its_heading():
    lines = themes_lines()
    split = lines.index(("Good-practice themes (alert praise)", "bold"))
    data = themes_json()
    assert "Safeguarding issues" in data["practice_alert"]
    assert "Consistently good practice" in data["good_practice"]
    assert [text for text, _ in lines[1:split]] == [f"  {t}" for t in data["practice_alert"]]
    assert [text for text, _ in lines[split + 1 :]] == [f"  {t}" for t in data["good_practice"]]
