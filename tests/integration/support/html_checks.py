"""Checks for HTML email bodies, with nothing but Python's html.parser.

``check_html(text)`` returns a list of problems (empty when the document is fine):
- tags must balance: every non-void element closed, in order, none closed that was not open;
- one ``<html>`` with a ``lang`` attribute, a ``<title>``, exactly one ``<h1>``;
- nothing a mail client would fetch or run: no ``<script>``, ``<img>``, ``<link>``, ``<iframe>``,
  ``<object>``, ``<form>``, no ``src=`` attribute, no ``url(`` in styles, no ``on*=`` handlers;
- links are ``https://``, ``http://`` or ``mailto:``;
- text colour against the background it sits on meets WCAG 2.1 AA (4.5:1; 3:1 for large text,
  i.e. >= 24px, or >= 18.66px bold), following inline ``color`` and ``background-color`` down the
  tree; elements hidden with ``display:none`` (the preheader) are exempt.
"""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
FORBIDDEN = {"script", "img", "link", "iframe", "object", "embed", "form", "video", "audio"}


def parse_style(style):
    out = {}
    for declaration in (style or "").split(";"):
        if ":" in declaration:
            name, value = declaration.split(":", 1)
            out[name.strip().lower()] = value.strip().lower()
    return out


def hex_colour(value):
    match = re.fullmatch(r"#([0-9a-f]{6}|[0-9a-f]{3})", (value or "").split("!")[0].strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        # (tag, colour, background, font size px, bold, hidden) per open element.
        self.stack = [("#document", (0, 0, 0), (255, 255, 255), 16.0, False, False)]
        self.problems = []
        self.counts = {}
        self.html_lang = None

    def where(self):
        line, column = self.getpos()
        return f"line {line}, column {column}"

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID:
            self._push(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def _element(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        attributes = dict(attrs)
        if tag in FORBIDDEN:
            self.problems.append(f"<{tag}> at {self.where()}")
        if tag == "html":
            self.html_lang = attributes.get("lang")
        for name, value in attrs:
            if name == "src" or name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at {self.where()}")
            if name == "style" and value and "url(" in value.lower():
                self.problems.append(f"url( in a style at {self.where()}")
        href = attributes.get("href")
        if tag == "a" and not re.match(r"(https?://|mailto:)", href or ""):
            self.problems.append(f"link {href!r} at {self.where()} is not http(s) or mailto")

    def _push(self, tag, attrs):
        _, colour, background, size, bold, hidden = self.stack[-1]
        attributes = dict(attrs)
        style = parse_style(attributes.get("style"))
        hidden = hidden or style.get("display") == "none"
        background = (hex_colour(style.get("background-color")) or
                      hex_colour(attributes.get("bgcolor")) or background)
        colour = hex_colour(style.get("color")) or colour
        if tag == "h1":
            size, bold = 32.0, True
        if tag in ("strong", "b", "th", "h2", "h3"):
            bold = True
        match = re.match(r"([\d.]+)px", style.get("font-size", ""))
        if match:
            size = float(match.group(1))
        if style.get("font-weight") in ("600", "700", "800", "bold"):
            bold = True
        elif style.get("font-weight") in ("400", "normal"):
            bold = False
        self.stack.append((tag, colour, background, size, bold, hidden))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if len(self.stack) == 1:
            self.problems.append(f"</{tag}> at {self.where()} closes nothing")
            return
        if self.stack[-1][0] != tag:
            self.problems.append(
                f"</{tag}> at {self.where()} but <{self.stack[-1][0]}> is open")
            # Recover by closing up to the matching tag, if any, so one slip is one problem.
            for depth in range(len(self.stack) - 1, 0, -1):
                if self.stack[depth][0] == tag:
                    del self.stack[depth:]
                    return
            return
        self.stack.pop()

    def handle_data(self, data):
        if not data.strip():
            return
        tag, colour, background, size, bold, hidden = self.stack[-1]
        if hidden or tag in ("title", "style"):
            return
        large = size >= 24 or (bold and size >= 18.66)
        needed = 3.0 if large else 4.5
        ratio = contrast(colour, background)
        if ratio < needed:
            self.problems.append(
                f"text {data.strip()[:30]!r} at {self.where()}: contrast {ratio:.2f} < {needed}")

    def close(self):
        super().close()
        for tag, *_ in self.stack[1:]:
            self.problems.append(f"<{tag}> is never closed")


def check_html(text):
    checker = _Checker()
    checker.feed(text)
    checker.close()
    problems = list(checker.problems)
    if checker.counts.get("html") != 1 or not checker.html_lang:
        problems.append("expected one <html> with a lang attribute")
    if checker.counts.get("title") != 1:
        problems.append("expected one <title>")
    if checker.counts.get("h1") != 1:
        problems.append(f"expected one <h1>, found {checker.counts.get('h1', 0)}")
    return problems
