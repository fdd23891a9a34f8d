from knowledge.render import plain_text, render_markdown, summarize


def test_raw_html_in_an_article_is_shown_as_text():
    html = render_markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_script_links_are_not_rendered_as_links():
    html = render_markdown("[click](javascript:alert(1)) [ok](https://example.com)")
    assert 'href="javascript:' not in html
    assert '<a href="https://example.com">ok</a>' in html


def test_plain_text_drops_markup_and_keeps_words():
    assert plain_text("Use a **track pump**,\n*not* `air`.") == "Use a track pump, not air."


def test_summaries_keep_whole_sentences():
    text = "First sentence here. " * 30
    summary = summarize(text, limit=60)
    assert summary == "First sentence here. First sentence here."
