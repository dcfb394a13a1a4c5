"""QR codes and chart boxes as the templates write them: markup the CSP lets through."""

import html
import json
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from taizhang.utils.qr import MAX_BYTES, QRCodeError, qr_svg

SVG = "{http://www.w3.org/2000/svg}"
URL = "https://taizhang.example.cn/suggestions/claim/?code=7KQ2-M9XD"


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_a_qr_code_is_an_svg_with_a_path_sized_by_its_class_only():
    root = parse(qr_svg(URL))
    assert root.findall(f"{SVG}path"), "the modules are drawn as a path"
    assert root.get("class") == "tz-qr"
    assert root.get("width") is None and root.get("height") is None
    _, _, width, height = root.get("viewBox").split()
    assert width == height and int(width) >= 21 + 8, "a square of modules with its quiet zone"
    for element in root.iter():
        assert "style" not in element.attrib, "the CSP forbids style attributes"
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag != f"{SVG}script"


def test_the_title_names_the_code_and_is_escaped():
    root = parse(qr_svg(URL, title='扫码查看<script>"回执"'))
    assert root.find(f"{SVG}title").text == '扫码查看<script>"回执"'
    assert root.find(f"{SVG}script") is None


def test_different_urls_give_different_codes_and_longer_ones_bigger_codes():
    short = parse(qr_svg("https://t.cn/s/1"))
    long = parse(qr_svg(URL + "&x=" + "9" * 300))
    assert int(long.get("viewBox").split()[2]) > int(short.get("viewBox").split()[2])
    assert qr_svg("https://t.cn/s/1") != qr_svg("https://t.cn/s/2")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "not NoneType"),
        ("https://t.cn/s/1\nhttps://evil", "whitespace"),
        ("https://t.cn/" + "a" * MAX_BYTES, "too long"),
        ("https://t.cn/" + "建" * (MAX_BYTES // 3), "too long"),  # counted in UTF-8 bytes
    ],
)
def test_bad_input_is_refused_with_a_clear_error(bad, message):
    with pytest.raises(QRCodeError, match=message):
        qr_svg(bad)


def test_a_url_at_the_limit_is_still_drawn():
    url = "https://t.cn/" + "a" * (MAX_BYTES - len("https://t.cn/"))
    assert parse(qr_svg(url)).findall(f"{SVG}path")


def render(source, **context):
    return Template(source).render(Context(context))


def test_the_template_tag_makes_a_path_absolute_for_the_phone_that_scans_it(settings):
    settings.ALLOWED_HOSTS = ["taizhang.example.cn"]
    request = RequestFactory().get("/", HTTP_HOST="taizhang.example.cn", secure=True)
    out = render(
        '{% load qr %}{% qr_svg url title="回执" size="lg" %}', request=request, url="/s/1/"
    )
    root = parse(out)
    assert root.get("class") == "tz-qr tz-qr-lg"
    assert out == qr_svg(
        "https://taizhang.example.cn/s/1/", title="回执", css_class="tz-qr tz-qr-lg"
    )
    with pytest.raises(QRCodeError, match="empty"):
        render("{% load qr %}{% qr_svg url %}", request=request, url="")


def test_a_chart_is_a_box_with_its_option_as_json_in_an_escaped_attribute():
    option = {"title": {"text": '"><script>alert(1)</script> 答复'}, "series": [], "n": 1.5}
    out = render('{% load charts %}{% chart option "by-unit" size="lg" %}', option=option)
    assert out.startswith('<div class="tz-chart tz-chart-lg" id="by-unit" data-renderer="canvas"')
    assert "<script>" not in out and "style=" not in out
    attribute = out.split('data-chart-option="')[1].split('"></div>')[0]
    assert '"' not in attribute, "quotes are escaped: the JSON cannot end the attribute"
    assert json.loads(html.unescape(attribute)) == option


def test_a_chart_refuses_an_unknown_size_or_renderer():
    with pytest.raises(TemplateSyntaxError, match="size"):
        render('{% load charts %}{% chart option "c" size="huge" %}', option={})
    with pytest.raises(TemplateSyntaxError, match="renderer"):
        render('{% load charts %}{% chart option "c" renderer="webgl" %}', option={})


def test_echarts_is_loaded_only_by_pages_that_ask_for_it(client, db):
    assert "echarts" not in client.get("/login/").content.decode()
    script = render("{% load charts %}{% echarts_script %}")
    assert script == '<script src="/static/vendor/echarts/echarts.min.js"></script>'
