"""The site's icon: every page links our own SVG icon, and /favicon.ico (which browsers ask for
whatever a page links) leads to it instead of a 404 in the console."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from flask.testing import FlaskClient


def test_favicon_ico_leads_to_our_svg_icon(client: FlaskClient):
    r = client.get("/favicon.ico")
    assert r.status_code == 301
    assert r.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(icon.data)  # well-formed SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_pages_link_the_icon(client: FlaskClient):
    for url in ("/", "/about", "/staff/login"):
        html = client.get(url).get_data(as_text=True)
        link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
        assert link, f"{url}: no icon link"
        assert client.get(link.group(1)).status_code == 200
