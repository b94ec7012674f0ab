"""The report's page of the paper: the replication README, and the paper's pages as
images with the PDF to download, in one self-contained HTML file (the rule
``paper_page``, shown in the report's category "Paper").

Decisions
---------
- The paper's pages are shown as PNG images (compiled by Typst from the same template
  and data as the PDF): a browser opens an embedded PDF in a viewer of its own, which a
  headless browser, and some reports' frames, do not have.
- The report opens the page from a data URI, which Chromium takes only up to 2 MB: the
  pages are reduced to a palette of :data:`PAGE_COLOURS` colours (text and figures stay
  legible, the page stays under 1 MB), and the PDF is named (``results/paper.pdf``
  beside the report), not embedded. The palette is Pillow's fast octree's: its median
  cut, Pillow's default, spent its colours on the grey edges of the text, which cover far
  more of a page than a figure's colour scales, and drew a figure's orange as brown and
  its purple as grey; it also took four times as long, and twice that with ``optimize``
  (a file 2% smaller).
- The README's Markdown is rendered by markdown-it-py (CommonMark with tables).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path

PAGE_COLOURS = 64
"""Colours of a page's image in the report (a palette PNG)."""

_STYLE = """\
body { font-family: Georgia, "DejaVu Serif", serif; color: #111; background: #fff;
       margin: 1.5rem; max-width: 72rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; font-size: 0.8rem; margin: 0.5rem 0 1rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.15rem 0.4rem; text-align: left;
         vertical-align: top; }
/* a README table wider than the page scrolls inside it; long paths and commands wrap */
section#replication table { display: block; max-width: 100%; overflow-x: auto; }
section#replication td { overflow-wrap: anywhere; min-width: 6rem; }
img.page { width: 100%; max-width: 48rem; border: 1px solid #999; margin: 0.5rem 0; }
section { margin-bottom: 2rem; }
"""


def palette_png(png: bytes, colours: int = PAGE_COLOURS) -> bytes:
    """A PNG reduced to a palette of ``colours`` colours (much smaller for text pages),
    chosen by octree so that a figure's few saturated colours keep colours of their own."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=colours, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def paper_page(pages: Sequence[bytes], pdf: bytes, replication: str, title: str) -> str:
    """The page's HTML: heading, where the PDF is, the README, the pages' images."""
    from markdown_it import MarkdownIt

    readme = MarkdownIt("commonmark").enable("table").render(replication)
    images = "\n".join(
        f'<img class="page" alt="Page {number} of the paper" '
        f'src="data:image/png;base64,{base64.b64encode(palette_png(png)).decode("ascii")}">'
        for number, png in enumerate(pages, start=1)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p>The paper (<code>results/paper.pdf</code>, {len(pdf) // 1024} KB, beside this "
        f"report; {len(pages)} pages, shown below) was built by this run from "
        "<code>manuscript/paper.typ</code>; its replication README "
        "(<code>results/REPLICATION.md</code>) comes first.</p>\n"
        f'<section id="replication">{readme}</section>\n'
        f'<section id="paper"><h2>The paper</h2>\n{images}\n</section>\n</body></html>\n'
    )


def write_paper_page(
    pages: Sequence[bytes], pdf: str | Path, replication: str | Path, output: str | Path
) -> None:
    """Write :func:`paper_page` of the files given to ``output``."""
    text = paper_page(
        pages,
        Path(pdf).read_bytes(),
        Path(replication).read_text(encoding="utf-8"),
        "The paper and its replication package",
    )
    Path(output).write_text(text, encoding="utf-8")
