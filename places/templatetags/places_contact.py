"""Public e-mail and phone links on a Steckbrief.

The e-mail address is written with character references for "@" and ".", in the link text and
in the ``mailto:`` target alike: browsers and screen readers read the plain address, naive
scrapers that grep the HTML for ``name@host`` do not find it.
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _obscure(text):
    return mark_safe(escape(text).replace("@", "&#64;").replace(".", "&#46;"))


@register.simple_tag
def email_link(address):
    """``<a href="mailto:…">`` with the address obscured from scrapers, readable for people."""
    local, _, domain = address.partition("@")
    return format_html(
        '<a href="mailto:{}">{}<span class="email__at">&#64;</span>{}</a>',
        _obscure(address),
        _obscure(local),
        _obscure(domain),
    )


@register.filter
def tel_href(number):
    """A ``tel:`` target from a number as typed: "+49 (0) 3901 123-45" → "tel:+49390112345"."""
    number = number.strip().replace("(0)", "")
    digits = re.sub(r"[^\d+]", "", number)
    return f"tel:{digits[0]}{digits[1:].replace('+', '')}" if digits else ""
