"""QR codes as inline SVG, drawn offline by segno (pure Python), for printed receipts and reply
letters: an offline submitter scans the code to open their suggestion or its claim page.

The SVG has a ``viewBox`` and no size, no ``style`` attribute and no script, so it passes the
Content-Security-Policy and is sized by its CSS class (``tz-qr``, in taizhang.css). Medium error
correction (15 %) survives a smudged print. Refused with :class:`QRCodeError` (a ``ValueError``):
empty text, text with whitespace or control characters inside (a URL has none: a stray newline is a
bug in the caller), and more than ``MAX_BYTES`` of UTF-8, far above any URL of ours and well within
what a phone still scans from a receipt (version 40 holds 2,331 bytes at this level, but such
a dense code needs a large print).
"""

import io

import segno

MAX_BYTES = 2048
ERROR_CORRECTION = "m"
BORDER = 4  # the quiet zone the standard asks for, in modules
CSS_CLASS = "tz-qr"


class QRCodeError(ValueError):
    """The text cannot be made into a QR code for a receipt."""


def qr_svg(url, *, title="", css_class=CSS_CLASS):
    """``url`` as a QR code: an SVG element as a string, safe to ``mark_safe``.

    ``title`` becomes the SVG's ``<title>`` (its accessible name; segno escapes it).
    """
    text = _checked(url)
    out = io.BytesIO()
    segno.make(text, error=ERROR_CORRECTION, boost_error=False, micro=False).save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=BORDER,
        dark="#000",
        light="#fff",  # a white ground: readable on a dark page or a tinted paper too
        svgclass=css_class or None,
        lineclass=None,
        title=title or None,
    )
    return out.getvalue().decode("utf-8")


def _checked(url):
    if not isinstance(url, str):
        raise QRCodeError(f"a QR code encodes text, not {type(url).__name__}")
    text = url.strip()
    if not text:
        raise QRCodeError("a QR code needs a URL: the text is empty")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise QRCodeError("a URL for a QR code has no whitespace or control characters inside")
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise QRCodeError(f"a URL of {size} bytes is too long for a QR code (at most {MAX_BYTES})")
    return text
