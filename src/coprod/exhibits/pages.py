"""The report's page of each figure: its number and title, the figure, and its caption.

``snakemake --report`` shows a PNG as a bare image and its caption only in a side panel,
so each figure goes into the report as a page of its own (the rule ``figure_pages``):
"Figure N. Title" as its heading, the PNG, and the caption of
``workflow/report/<stem>.rst`` below it, rendered as the report renders captions (Jinja,
then reStructuredText) with the same ``snakemake.params.settings`` (the figure job's
settings) and ``snakemake.config`` values.

Decisions
---------
- The caption is rendered from the same file as the report's own caption, so the two
  cannot differ; a caption may use ``snakemake.params.settings`` and
  ``snakemake.config``. Only the config values the captions name
  (:func:`caption_config`) are the rule's params, so that changing any other config
  value does not rerun the pages.
- The page holds everything it shows (the PNG as a data URI, the style inline): the
  report opens it in a frame from a data URI, where nothing else can be fetched.

Example
-------
>>> caption_config({"f.rst": "A **{{ snakemake.config.compare.alpha }}** b"},
...                {"compare": {"alpha": 0.05, "other": 1}, "x": 2})
{'compare': {'alpha': 0.05}}
>>> render_caption("**Figure 1. Bars.** n = {{ snakemake.params.settings.n }}.",
...                {"n": 5}, {})
'<p><strong>Figure 1. Bars.</strong> n = 5.</p>\\n'
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from coprod.errors import StudyInputError

_CONFIG_REFERENCE = re.compile(r"snakemake\.config((?:\.\w+)+)")

_STYLE = """\
body { font-family: Georgia, "DejaVu Serif", serif; color: #111; background: #fff;
       margin: 1.5rem; max-width: 64rem; }
h1 { font-size: 1.15rem; margin: 0 0 0.8rem; }
img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9rem; line-height: 1.4; margin-top: 0.8rem; }
figure { margin: 0; }
"""


def caption_config(captions: Mapping[str, str], config: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``config`` the captions (file name -> text) name by
    ``snakemake.config.<key>...`` (nested as in the config); a reference to a key the
    config lacks is an error."""
    wanted: dict[str, Any] = {}
    for name, text in captions.items():
        for match in _CONFIG_REFERENCE.finditer(text):
            keys = match.group(1).strip(".").split(".")
            value: Any = config
            for depth, key in enumerate(keys):
                if not isinstance(value, Mapping) or key not in value:
                    raise StudyInputError(
                        name,
                        f"the caption names snakemake.config.{'.'.join(keys)}, but the "
                        f"config has no key '{'.'.join(keys[: depth + 1])}'.",
                        fix="Correct the caption, or add the key to the config.",
                    )
                value = value[key]
            target = wanted
            for key in keys[:-1]:
                target = target.setdefault(key, {})
            target[keys[-1]] = value
    return wanted


def render_caption(source: str, settings: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """A caption file's text as HTML, rendered as ``snakemake --report`` renders it."""
    from docutils.core import publish_parts
    from jinja2 import Environment

    context = SimpleNamespace(params=SimpleNamespace(settings=settings), config=config)
    text = Environment().from_string(source).render(snakemake=context)
    return publish_parts(text, writer="html")["body"]


def figure_page(png: bytes, heading: str, caption: str) -> str:
    """A standalone HTML page: the ``heading`` ("Figure 3. Effect sizes"), the PNG, the
    caption (HTML, from :func:`render_caption`)."""
    image = base64.b64encode(png).decode("ascii")
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>{html.escape(heading)}</title>",
                f"<style>\n{_STYLE}</style>",
                "</head>",
                "<body>",
                f"<h1>{html.escape(heading)}</h1>",
                "<figure>",
                f'<img src="data:image/png;base64,{image}" alt="{html.escape(heading)}">',
                f"<figcaption>\n{caption}</figcaption>",
                "</figure>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def write_figure_pages(
    figures: Mapping[str, Mapping[str, Any]],
    inputs: Mapping[str, str],
    outputs: Mapping[str, str],
    config: Mapping[str, Any],
) -> None:
    """Write each figure's page to ``outputs[stem]``: ``figures[stem]`` gives its
    ``heading`` and ``settings``; ``inputs[stem]`` is its PNG and
    ``inputs[stem + "_caption"]`` its caption file."""
    for stem, figure in figures.items():
        source = Path(inputs[f"{stem}_caption"]).read_text(encoding="utf-8")
        caption = render_caption(source, figure["settings"], config)
        page = figure_page(Path(inputs[stem]).read_bytes(), figure["heading"], caption)
        Path(outputs[stem]).write_text(page, encoding="utf-8")
