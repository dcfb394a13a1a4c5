"""Word files in the layout of GB/T 9704-2012 (党政机关公文格式), with python-docx.

A4 with the margins of the standard (top 37, bottom 35, left 28, right 26 mm); the 版头: the
issuer's name in red 小标宋, the 发文字号 and the red separator line as wide as the text; the
title in 小标宋 二号 (22 pt); the body in 仿宋_GB2312 三号 (16 pt) on an exact 28-point line
(22 lines a page), headings in 黑体 (一、) and 楷体_GB2312 (（一）); the page number "— N —"
in 宋体 四号 (14 pt) below the text, on the right of odd pages and the left of even ones,
from a PAGE field; the 版记 with its lines, 抄送 and 印发. Fonts are named as offices have
them installed (WPS and Word substitute a missing one by its family).
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
COLOPHON_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四
LINE = Pt(28)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def set_font(run, name, size=None, bold=None, colour=None):
    """Name the font for Chinese as well as Latin text (w:eastAsia), as Word and WPS read it."""
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _exact(paragraph, points=LINE, before=0, after=0):
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = points
    layout.space_before = Pt(before)
    layout.space_after = Pt(after)
    return paragraph


def _border(paragraph, side, colour="000000", size=8):
    """A rule along one side of the paragraph (``size`` in eighths of a point)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), colour)
    borders.append(line)


def _page_field(paragraph):
    """ "— N —" with N Word's PAGE field (updated as the document is laid out)."""

    def add(kind=None, text=None):
        run = set_font(paragraph.add_run(), SONGTI, PAGE_NUMBER_SIZE)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        if text is not None:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        return run

    set_font(paragraph.add_run("— "), SONGTI, PAGE_NUMBER_SIZE)
    add("begin")
    add(text=" PAGE ")
    add("separate")
    add().text = "1"
    add("end")
    set_font(paragraph.add_run(" —"), SONGTI, PAGE_NUMBER_SIZE)


class OfficialDocument:
    """One document: ``heading`` (版头), ``title``, ``paragraph``/``text``, ``table``,
    ``signature``, ``colophon`` (版记), then ``save`` to bytes."""

    def __init__(self, *, title_for_properties="", author=""):
        self.document = Document()
        self._setup(title_for_properties, author)

    def _setup(self, title, author):
        document = self.document
        section = document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = MARGINS["top"]
        section.bottom_margin = MARGINS["bottom"]
        section.left_margin = MARGINS["left"]
        section.right_margin = MARGINS["right"]
        section.header_distance = Mm(15)
        section.footer_distance = Mm(22)  # the number sits about 7 mm below the text
        normal = document.styles["Normal"]
        normal.font.name = FANGSONG
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
        normal_layout = normal.paragraph_format
        normal_layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal_layout.line_spacing = LINE
        normal_layout.space_before = normal_layout.space_after = Pt(0)
        # Odd pages number on the right, even ones on the left (单页码居右，双页码居左).
        document.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(14)  # 一字
        _page_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(14)
        _page_field(even)
        properties = document.core_properties
        properties.title = title[:200]
        properties.author = author[:100]

    # 版头
    def heading(self, issuer, document_number=""):
        """The issuer's name in red, the number and the red line as wide as the text."""
        name = _exact(self.document.add_paragraph(), Pt(60), before=0, after=0)
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(name.add_run(issuer), XIAOBIAOSONG, Pt(36), colour=RED)
        _exact(self.document.add_paragraph())  # 空一行
        number = _exact(self.document.add_paragraph())
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if document_number:
            set_font(number.add_run(document_number), FANGSONG, BODY_SIZE)
        _border(number, "bottom", colour="FF0000", size=18)  # 红色分隔线
        _exact(self.document.add_paragraph())

    def title(self, text):
        for line in text.splitlines() or [""]:
            paragraph = _exact(self.document.add_paragraph(), Pt(36))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(paragraph.add_run(line), XIAOBIAOSONG, TITLE_SIZE)
        _exact(self.document.add_paragraph())

    def paragraph(self, segments, *, indent=True, align=None, font=FANGSONG, bold=False):
        """One paragraph of runs: ``segments`` a string, or a list of strings and
        ``(text, {"superscript": True})`` pairs (a footnote's number)."""
        paragraph = _exact(self.document.add_paragraph())
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)  # 空两字
        if align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for segment in [segments] if isinstance(segments, str) else segments:
            text, options = (segment, {}) if isinstance(segment, str) else segment
            run = set_font(paragraph.add_run(text), font, BODY_SIZE, bold=bold or None)
            if options.get("superscript"):
                run.font.superscript = True
        return paragraph

    def text(self, body):
        """Plain text as paragraphs: a line "一、…" is a 黑体 heading, "（一）…" a 楷体 one."""
        for line in body.splitlines():
            line = line.strip()
            if not line:
                continue
            if HEADING_1.match(line):
                self.paragraph(line, font=HEITI)
            elif HEADING_2.match(line):
                self.paragraph(line, font=KAITI)
            else:
                self.paragraph(line)

    def table(self, headers, rows):
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, header, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                self._cell(cell, "" if value is None else str(value))
        return table

    @staticmethod
    def _cell(cell, text, bold=False):
        paragraph = cell.paragraphs[0]
        layout = paragraph.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_font(paragraph.add_run(text), HEITI if bold else FANGSONG, TABLE_SIZE)

    def signature(self, issuer, day):
        """The issuer and the date (成文日期), right, four characters in from the edge."""
        _exact(self.document.add_paragraph())
        for text in (issuer, chinese_date(day)):
            paragraph = self.paragraph(text, indent=False, align="right")
            paragraph.paragraph_format.right_indent = Pt(64)

    def colophon(self, *, distribution=(), copy_to="", printed_by="", printed_on=None):
        """The 版记 at the end: lines (报/送/发 of a briefing), 抄送 and 印发, between rules."""
        _exact(self.document.add_paragraph())
        lines = [(label, value) for label, value in distribution if value]
        if copy_to:
            lines.append(("抄送", copy_to))
        first = True
        for label, value in lines:
            paragraph = _exact(self.document.add_paragraph())
            paragraph.paragraph_format.left_indent = Pt(14)
            paragraph.paragraph_format.right_indent = Pt(14)
            set_font(paragraph.add_run(f"{label}：{value}。"), FANGSONG, COLOPHON_SIZE)
            if first:
                _border(paragraph, "top", size=12)
                first = False
        printed = _exact(self.document.add_paragraph())
        printed.paragraph_format.left_indent = Pt(14)
        printed.paragraph_format.right_indent = Pt(14)
        printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
        set_font(printed.add_run(printed_by), FANGSONG, COLOPHON_SIZE)
        if printed_on:
            set_font(printed.add_run(f"\t{chinese_date(printed_on)}印发"), FANGSONG, COLOPHON_SIZE)
        if first:
            _border(printed, "top", size=12)
        else:
            _border(printed, "top", size=4)
        _border(printed, "bottom", size=12)

    def page_break(self):
        self.document.add_page_break()

    def save(self):
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def chinese_date(day):
    """2026年12月3日 (成文日期 in Arabic numerals, as GB/T 9704-2012 writes it)."""
    return f"{day.year}年{day.month}月{day.day}日"
