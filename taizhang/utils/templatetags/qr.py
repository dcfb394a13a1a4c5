"""``{% load qr %}``, then ``{% qr_svg url %}``: the URL as an inline SVG QR code.

A path (``/suggestions/12/``) is made absolute with the request's scheme and host, since a phone
that scans a printed receipt has no page to resolve it against. ``title="…"`` names the code for
screen readers; ``size="lg"`` draws it larger (CSS classes in taizhang.css: ``tz-qr``,
``tz-qr-lg``; no style attribute). Bad input raises :class:`taizhang.utils.qr.QRCodeError`: the
URL comes from our own code, so an empty or overlong one is a bug to see, not to hide.
"""

from django import template
from django.utils.safestring import mark_safe

from taizhang.utils import qr as codes

register = template.Library()

SIZES = {"": codes.CSS_CLASS, "lg": f"{codes.CSS_CLASS} {codes.CSS_CLASS}-lg"}


@register.simple_tag(takes_context=True)
def qr_svg(context, url, *, title="", size=""):
    if size not in SIZES:
        raise codes.QRCodeError(f"QR code size must be one of {sorted(SIZES)}")
    url = str(url)
    request = context.get("request")
    if request is not None and url.startswith("/") and not url.startswith("//"):
        url = request.build_absolute_uri(url)
    # segno writes only its own elements and escapes the title: nothing of ours is unescaped.
    return mark_safe(codes.qr_svg(url, title=str(title), css_class=SIZES[size]))
