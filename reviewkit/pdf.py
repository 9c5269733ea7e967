"""PDF from HTML with WeasyPrint, fetching nothing: only ``data:`` URIs are allowed, so
everything a document shows (CSS, pictures, QR codes) is inlined by its template."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

PICTOGRAMS = Path(__file__).parent / "static" / "pictograms"


@lru_cache(maxsize=128)
def inline_pictogram(name: str) -> Markup:
    """A pictogram as inline SVG (decorative: hidden from screen readers), for PDFs."""
    svg = (PICTOGRAMS / f"{name}.svg").read_text(encoding="utf-8")
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r'\s(width|height|role)="[^"]*"', "", svg, count=3)
    return Markup(svg.replace("<svg ", '<svg class="pictogram" aria-hidden="true" ', 1))


def local_only_fetcher():
    """A WeasyPrint URL fetcher that refuses anything but ``data:`` URIs (no network, no files)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 66: fetchers are plain functions
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"reviewkit PDFs fetch nothing: {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise ValueError(f"reviewkit PDFs fetch nothing: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"data"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=local_only_fetcher(), base_url=None).write_pdf()
