"""Write an exhibit the same way every time: CSV, Markdown, LaTeX (booktabs), HTML, sidecar.

:func:`write_tables` is the writer of every table job (:mod:`coprod.jobs`): it writes
each exhibit a table function returns to the job's outputs ``<stem>_<form>``, one per
form of :data:`FORMS`.

Decisions
---------
- CSV keeps numbers, rounded to ``csv_digits`` (config ``exhibits.csv_digits``; p values
  to as many significant digits) so that reruns are byte-identical across platforms'
  last-digit float noise; masked and missing cells are empty there.
- Markdown, LaTeX and HTML show the cells as the paper prints them; masked cells as
  ``<min_cell`` (a count under the minimum) or a dash (everything masked with it).
- The HTML form is a page of its own (caption, table, note; its style inline, nothing
  fetched), the table's item in the ``snakemake --report`` report, which shows an HTML
  file as a page but a CSV only as a download.
- The sidecar ``<stem>.disclosure.json`` declares the CSV's counts of people, for the
  last check (:mod:`coprod.exhibits.disclosure_check`), and the blank cells that are not
  masked: per kind, the mark printed, how many cells and the footnote
  (:class:`coprod.exhibits.model.Blank`).

Example
-------
>>> import pandas as pd
>>> from coprod.exhibits.model import Column, Exhibit
>>> table = pd.DataFrame({"Group": ["A & B"], "p": [0.00012345678]})
>>> exhibit = Exhibit("t", "1", "Groups", table, [Column("Group", ("Group",), numeric=False)])
>>> print(to_csv(exhibit, 3), end="")
Group,p
A & B,0.000123
>>> '<p class="caption" id="t-caption"><b>Table 1.</b> Groups</p>' in to_html(exhibit)
True
>>> print(latex_text("A & B 5%"))
A \\& B 5\\%
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod.exhibits.formatting import is_missing
from coprod.exhibits.model import DASH, Exhibit

FORMS = ("csv", "markdown", "latex", "html", "disclosure")
"""The files of one exhibit: the four forms of the table and its disclosure sidecar."""

_LATEX_TOKENS = {
    "ε²": r"$\varepsilon^2$",
    "χ²": r"$\chi^2$",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "κ": r"$\kappa$",
    "ρ": r"$\rho$",
    "ω": r"$\omega$",
    "ε": r"$\varepsilon$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "²": r"$^2$",
    "†": r"\textsuperscript{\dag}",
    "–": "--",
    "—": "---",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_LATEX = re.compile(
    "|".join(re.escape(token) for token in sorted(_LATEX_TOKENS, key=len, reverse=True))
    + r"|(?<![\w.])-(?=\d)"
)


def latex_text(text: str) -> str:
    """Text for LaTeX: specials escaped, Greek letters and a minus sign as math.

    Examples
    --------
    >>> latex_text("ε² [-0.10, 0.20] <5 & 12%")
    '$\\\\varepsilon^2$ [$-$0.10, 0.20] \\\\textless{}5 \\\\& 12\\\\%'
    """
    return _LATEX.sub(lambda m: _LATEX_TOKENS.get(m.group(0), "$-$"), str(text))


def _markdown_text(text: str) -> str:
    return str(text).replace("|", r"\|")


def to_markdown(exhibit: Exhibit) -> str:
    """The exhibit as a Markdown caption, pipe table and note."""
    cells = exhibit.rendered()
    cells = cells.map(_markdown_text)
    align = tuple("right" if column.numeric else "left" for column in exhibit.columns)
    body = cells.to_markdown(index=False, disable_numparse=True, colalign=align)
    parts = [f"**Table {exhibit.number}.** {exhibit.title}", "", body]
    if exhibit.notes:
        parts += ["", "*Note.* " + " ".join(exhibit.notes)]
    return "\n".join(parts) + "\n"


def to_latex(exhibit: Exhibit) -> str:
    """The exhibit as a LaTeX booktabs ``table`` with caption, label and note."""
    cells = exhibit.rendered()
    align = "".join("r" if column.numeric else "l" for column in exhibit.columns)
    header = " & ".join(latex_text(column.header) for column in exhibit.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{latex_text(exhibit.title)}}}",
        rf"\label{{tab:{exhibit.stem}}}",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        header + r" \\",
        r"\midrule",
    ]
    previous = None
    for position, row in enumerate(cells.index):
        if exhibit.section is not None:
            current = exhibit.table.loc[row, exhibit.section]
            if position > 0 and current != previous:
                lines.append(r"\midrule")
            previous = current
        lines.append(" & ".join(latex_text(cell) for cell in cells.loc[row]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if exhibit.notes:
        note = latex_text(" ".join(exhibit.notes))
        lines += [
            r"\par\smallskip",
            rf"\parbox{{\linewidth}}{{\footnotesize\emph{{Note.}} {note}}}",
        ]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


_HTML_STYLE = """\
body { font-family: Georgia, "DejaVu Serif", serif; color: #111; background: #fff;
       margin: 1.5rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
p.caption { font-size: 1rem; max-width: 60rem; margin: 0 0 0.5rem; }
thead th { border-top: 2px solid #111; border-bottom: 1px solid #111; }
tbody + tbody tr:first-child td { border-top: 1px solid #999; }
tbody:last-of-type tr:last-child td { border-bottom: 2px solid #111; }
th, td { padding: 0.2rem 0.6rem; vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.text { text-align: left; }
td.text { min-width: 9em; }
p.note { max-width: 60rem; font-size: 0.85rem; line-height: 1.35; }
div.wide { overflow-x: auto; max-width: 100%; padding-bottom: 2px;
  /* a table wider than the page: a shadow at the edge with more columns beyond it */
  background:
    linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 2rem 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 2rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.25), transparent)
      left / 0.8rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.25), transparent)
      right / 0.8rem 100% no-repeat scroll;
  scrollbar-color: #999 #eee; }
/* a scroll bar always drawn (overlay scroll bars show only while scrolling) */
div.wide::-webkit-scrollbar { height: 10px; }
div.wide::-webkit-scrollbar-track { background: #eee; }
div.wide::-webkit-scrollbar-thumb { background: #999; border-radius: 5px; }
"""


def to_html(exhibit: Exhibit) -> str:
    """The exhibit as a standalone HTML page: caption, table (a ``<tbody>`` per block of
    rows of its ``section``) and note, everything escaped; a table wider than the page
    scrolls sideways inside its ``<div class="wide">``, with a shadow at the edge that has
    more columns beyond it and a scroll bar always drawn. The caption and the note stay in
    view, wrapped to the page, outside it (a ``<caption>`` is as wide as its table, and was
    cut off at the page's edge)."""
    cells = exhibit.rendered()
    classes = ["num" if column.numeric else "text" for column in exhibit.columns]
    title = f"Table {exhibit.number}. {exhibit.title}"
    header = "".join(
        f'<th class="{kind}" scope="col">{html.escape(column.header)}</th>'
        for kind, column in zip(classes, exhibit.columns, strict=True)
    )
    blocks: list[list[str]] = []
    previous = None
    for position, row in enumerate(cells.index):
        current = None if exhibit.section is None else exhibit.table.loc[row, exhibit.section]
        if position == 0 or current != previous:
            blocks.append([])
        previous = current
        tds = "".join(
            f'<td class="{kind}">{html.escape(str(cell))}</td>'
            for kind, cell in zip(classes, cells.loc[row], strict=True)
        )
        blocks[-1].append(f"<tr>{tds}</tr>")
    body = "\n".join("<tbody>\n" + "\n".join(rows) + "\n</tbody>" for rows in blocks)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{_HTML_STYLE}</style>",
        "</head>",
        "<body>",
        f'<p class="caption" id="{html.escape(exhibit.stem)}-caption">'
        f"<b>Table {html.escape(exhibit.number)}.</b> {html.escape(exhibit.title)}</p>",
        '<div class="wide">',
        f'<table id="{html.escape(exhibit.stem)}" '
        f'aria-labelledby="{html.escape(exhibit.stem)}-caption">',
        f"<thead><tr>{header}</tr></thead>",
        body,
        "</table>",
        "</div>",
    ]
    if exhibit.notes:
        lines.append(f'<p class="note"><em>Note.</em> {html.escape(" ".join(exhibit.notes))}</p>')
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


def to_csv(exhibit: Exhibit, digits: int = 6) -> str:
    """The exhibit's numbers as CSV: masked and missing cells empty, floats rounded.

    Floats are rounded to ``digits`` decimals (p values to ``digits`` significant
    digits, so that a very small p is not written as 0), so that reruns are
    byte-identical across platforms' last-digit float noise.
    """
    numbers = exhibit.table.drop(columns=exhibit.hidden)
    for column in numbers.columns:
        values = numbers[column]
        if pd.api.types.is_float_dtype(values) and _is_p(column):
            numbers[column] = [
                v if math.isnan(v) else float(f"{v:.{digits}g}")
                for v in values.astype("float64").to_numpy()
            ]
        elif pd.api.types.is_float_dtype(values):
            rounded = np.round(values.astype("float64").to_numpy(), digits) + 0.0
            numbers[column] = rounded
        elif pd.api.types.is_bool_dtype(values):
            numbers[column] = values.astype("object").map(
                lambda v: "" if is_missing(v) else ("yes" if v else "no")
            )
    return numbers.to_csv(index=False, lineterminator="\n")


def _is_p(column: str) -> bool:
    """A column of p values ("p", "p (Holm)"): kept to significant digits in the CSV."""
    return column == "p" or column.startswith("p (")


def sidecar(exhibit: Exhibit, csv_name: str) -> dict[str, Any]:
    """What :func:`scan_published` needs to check the table CSV, and what was masked."""
    masked = exhibit.masked.to_numpy(dtype=bool)
    small = exhibit.small.to_numpy(dtype=bool)
    label_columns = [c.sources[0] for c in exhibit.columns if not c.numeric][:4]
    return {
        "table": csv_name,
        "number": exhibit.number,
        "title": exhibit.title,
        "min_cell": exhibit.min_cell,
        "count_columns": list(exhibit.counts),
        "complements": dict(exhibit.complements),
        "not_counts_of_people": dict(exhibit.not_counts_of_people),
        "row_label_columns": label_columns,
        "masked_cells": {
            "under_min_cell": int(small.sum()),
            "other": int(masked.sum() - small.sum()),
        },
        "blank_cells": exhibit.blank_summary(),
        "display_of_masked_cells": {
            "csv": "empty",
            "markdown_latex_count_under_min_cell": f"<{exhibit.min_cell}",
            "markdown_latex_other": DASH,
        },
    }


def write_exhibit(
    exhibit: Exhibit,
    *,
    csv: str | Path,
    markdown: str | Path,
    latex: str | Path,
    html: str | Path,
    disclosure: str | Path,
    csv_digits: int = 6,
) -> None:
    """Write one exhibit: CSV, Markdown, LaTeX, HTML and the disclosure sidecar (JSON)."""
    Path(csv).write_text(to_csv(exhibit, csv_digits), encoding="utf-8")
    Path(markdown).write_text(to_markdown(exhibit), encoding="utf-8")
    Path(latex).write_text(to_latex(exhibit), encoding="utf-8")
    Path(html).write_text(to_html(exhibit), encoding="utf-8")
    Path(disclosure).write_text(
        json.dumps(sidecar(exhibit, Path(csv).name), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def write_tables(
    exhibits: Sequence[Exhibit], outputs: Mapping[str, str], render: Mapping[str, Any]
) -> None:
    """The writer of a table job: every exhibit in every form, to ``<stem>_<form>``.

    ``render["csv_digits"]`` is config ``exhibits.csv_digits``.
    """
    for exhibit in exhibits:
        files = {form: outputs[f"{exhibit.stem}_{form}"] for form in FORMS}
        write_exhibit(exhibit, csv_digits=render["csv_digits"], **files)
