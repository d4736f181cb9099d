"""Where each number of a scenario comes from, for the assumptions sheet.

Two kinds of source: an official figure referred to through :mod:`indsats.dk`
(``{ rate = ... }`` or ``{ dk = ... }``), whose source travels with it, and the
comment a planner wrote beside the number in the scenario's TOML file.
"""

from __future__ import annotations

import re
from typing import Any

from . import _paths, dk

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"' ]+?)\s*=")
_INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")


_KIND = {"en": ("ASSUMPTION", "derived"), "da": ("ANTAGELSE", "afledt")}


def reference_sources(
    raw: Any, path: str = "", start_year: int | None = None, *, lang: str = "en"
) -> dict[str, str]:
    """Field path → source, for every dk reference in an unresolved scenario dict."""
    out: dict[str, str] = {}
    if path == "" and isinstance(raw, dict):
        start = raw.get("start")
        if isinstance(start, str) and start[:4].isdigit():
            start_year = int(start[:4])
    if isinstance(raw, dict):
        if isinstance(raw.get("rate"), str):
            year = raw.get("year", start_year)
            if not isinstance(year, int):
                return out
            try:
                entry = dk.rate_entry(str(raw["rate"]), year)
                out[path] = f"dk.rate({entry.group!r}, {entry.year}): {entry.source}"
            except (ValueError, TypeError):
                pass
            return out
        if isinstance(raw.get("dk"), str):
            try:
                fig = dk.figure(str(raw["dk"]))
                assumption, derived = _KIND[lang]
                kind = assumption if fig.assumption else (derived if fig.derived else "")
                prefix = f"dk.{fig.name} ({kind})" if kind else f"dk.{fig.name}"
                out[path] = f"{prefix}: {fig.source}"
            except (ValueError, KeyError):
                pass
            return out
        for k, v in raw.items():
            out.update(
                reference_sources(v, f"{path}.{k}" if path else str(k), start_year, lang=lang)
            )
    elif isinstance(raw, list):
        for i, v in enumerate(raw):
            out.update(reference_sources(v, f"{path}[{i}]", start_year, lang=lang))
    return out


def toml_comments(text: str) -> dict[str, str]:
    """Field path → the comment on its line (and the comment block just above it).

    Understands table headers, arrays of tables (``[[segments]]`` counts
    entries) and inline tables on one line, which is how scenario files are
    written; anything fancier simply gets no comment.
    """
    out: dict[str, str] = {}
    table = ""
    counts: dict[str, int] = {}
    pending: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        if not stripped:
            pending = []
            continue
        comment = ""
        code = line
        if "#" in line:
            # A '#' inside a quoted string is not a comment; scenario strings rarely hold one.
            quoted = re.sub(r'"[^"]*"', lambda m: "_" * len(m.group(0)), line)
            cut = quoted.find("#")
            if cut >= 0:
                comment = line[cut + 1 :].strip()
                code = line[:cut]
        header = _HEADER.match(code)
        if header:
            name = header.group(2).strip()
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = _index_nested(name, counts)
            text_here = " ".join([*pending, comment]).strip()
            if text_here:
                out.setdefault(table, text_here)
            pending = []
            continue
        key = _KEY.match(code)
        if key:
            name = key.group(1).strip().strip("\"'")
            path = f"{table}.{name}" if table else name
            text_here = " ".join([*pending, comment]).strip()
            if text_here:
                out[path] = text_here
                rest = code[key.end() :]
                if "{" in rest:
                    for inner in _INLINE_KEY.findall(rest):
                        out.setdefault(f"{path}.{inner}", text_here)
        pending = []
    return out


def _index_nested(name: str, counts: dict[str, int]) -> str:
    """``intervention.components`` under ``[[intervention.components]]`` etc."""
    parts = name.split(".")
    out = []
    for i in range(len(parts)):
        prefix = ".".join(parts[: i + 1])
        out.append(parts[i] + (f"[{counts[prefix]}]" if prefix in counts else ""))
    return ".".join(out)


def source_of(path: str, refs: dict[str, str], comments: dict[str, str]) -> str:
    """The most specific source known for a parameter path."""
    probe = path
    while probe:
        if probe in refs:
            return refs[probe]
        if probe in comments:
            return comments[probe]
        probe = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe) if re.search(r"[.\[]", probe) else ""
    return ""


def comments_by_name(
    comments: dict[str, str], file_data: Any, segments: list[str], components: list[str]
) -> dict[str, str]:
    """The file's comments keyed by the scenario's positions, matched by name.

    A comment is keyed by the position of its segment or component in the file
    (``intervention.components[1].participants``); a scenario derived from the
    file (``without``, ``replace`` of a list) may hold its entries at other
    positions or not at all. Entries are matched by name (``name``, or
    ``"<what> <i>"`` without one, as the core names them); a comment of an
    entry the scenario no longer has is dropped, never given to another."""
    lists = (
        ("segments", "segment", segments),
        ("intervention.components", "component", components),
    )
    moved: dict[str, dict[int, int | None]] = {}
    for key, what, now in lists:
        entries = _paths.get(file_data, key, [])
        entries = entries if isinstance(entries, list) else []
        position = {name: i for i, name in enumerate(now)}
        moved[key] = {
            i: position.get(
                str(e.get("name")) if isinstance(e, dict) and e.get("name") else f"{what} {i}"
            )
            for i, e in enumerate(entries)
        }
    out: dict[str, str] = {}
    for path, text in comments.items():
        for key, _, _ in lists:
            m = re.match(rf"^{re.escape(key)}\[(\d+)\](.*)$", path)
            if m:
                new = moved[key].get(int(m.group(1)))
                path = "" if new is None else f"{key}[{new}]{m.group(2)}"
                break
        if path:
            out[path] = text
    return out
