

def test_an_english_browser_still_gets_chinese_until_the_user_switches(cast):
    client = cast.client("viewer")
    page = client.get("/plans/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/plans/"})
    assert client.get("/plans/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "en"


def test_on_a_390_px_phone_the_language_switch_keeps_both_words_and_the_name_gives_way() -> None:
    from pathlib import Path

    import shigongtu

    css = (Path(shigongtu.__file__).parent / "web/static/shigongtu/app.css").read_text(encoding="utf-8")
    assert ".lang-switch { flex-shrink: 0; }" in css
    assert "@media (max-width: 419.98px) { .topbar .brand-name { display: none; } }" in css
