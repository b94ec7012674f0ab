"""Derive a second coder's project from qc's demo project (documented in README.md).

The demo (``demo.qdpx``, written by qc 1.3.2) has one coder. A second coder's
export of the same sources is made from it by fixed rules on the selections, in
document order (index ``i`` from 0): ``i % 5 == 4`` the second coder did not code it
(dropped); ``i % 3 == 1`` their selection runs 40 characters further (into the next
line, so it overlaps the neighbouring selection and may reach the next turn);
``i % 7 == 3`` they applied the code of the previous selection instead. The user is
renamed ``cp2`` with a new GUID, selection and coding GUIDs are new (as in a second
copy of a project), and the source files are copied byte for byte.

Run from the repository root::

    python tests/data/qdpx/qc_demo/derive_second_coder.py
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
NS = "urn:QDA-XML:project:1.0"
SEED = uuid.UUID("0b5a8f7e-2c41-4d6a-9e3b-7f1c2d3e4a5b")


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def derive(source: Path = HERE / "demo.qdpx", target: Path = HERE / "demo_second_coder.qdpx"):
    ElementTree.register_namespace("", NS)
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = ElementTree.fromstring(files["project.qde"])
    (user,) = root.find(_tag("Users"))
    old, new = user.get("guid"), str(uuid.uuid5(SEED, "cp2"))
    user.set("guid", new)
    user.set("name", "cp2")
    index = 0
    for text_source in root.find(_tag("Sources")):
        path = "sources/" + text_source.get("plainTextPath")
        length = len(files[path].decode("utf-8"))
        previous_code = None
        for selection in list(text_source.findall(_tag("PlainTextSelection"))):
            i, index = index, index + 1
            codes = [c.find(_tag("CodeRef")) for c in selection.findall(_tag("Coding"))]
            first_code = codes[0].get("targetGUID")
            if i % 5 == 4:
                text_source.remove(selection)
                previous_code = first_code
                continue
            if i % 3 == 1:
                end = min(length, int(selection.get("endPosition")) + 40)
                selection.set("endPosition", str(end))
            if i % 7 == 3 and previous_code is not None:
                codes[0].set("targetGUID", previous_code)
            selection.set("guid", str(uuid.uuid5(SEED, f"selection {i}")))
            for number, coding in enumerate(selection.findall(_tag("Coding"))):
                coding.set("guid", str(uuid.uuid5(SEED, f"coding {i} {number}")))
                if coding.get("creatingUser") == old:
                    coding.set("creatingUser", new)
            previous_code = first_code
    files["project.qde"] = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, (2024, 8, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    target.write_bytes(out.getvalue())


if __name__ == "__main__":
    derive()
