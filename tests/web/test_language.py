

def test_an_english_browser_still_gets_chinese_until_the_user_switches(cast):
    client = cast.client("viewer")
    page = client.get("/plans/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/plans/"})
    assert client.get("/plans/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "en"
