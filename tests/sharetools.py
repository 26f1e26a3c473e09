"""Routines for the tag, share and page tests: short, with text that needs escaping everywhere
(``&``, ``<``, quotes, accents) and a file name that is not safe as it stands."""

from __future__ import annotations

import re
from pathlib import Path

TRICKY_FILE = "Ankles & Hips (Été).yaml"
TRICKY_SLUG = "ankles-hips-ete"
TRICKY = """
title: "Ankles & hips <quick> — été"
description: A short one for the tests, with "quotes" & <brackets>.
when: post-run
source: {publication: Test Monthly, author: Ada Runner, link: "https://example.org/a?b=1&c=2"}
equipment: [wall, "mat & strap"]
settings: {rest: 2s, settle: 1s, countdown: 2}
exercises:
  - name: Wall calf stretch
    instructions: [Face the wall.]
    equipment: [wall]
    hold: 4s
    sides: [right, left]
  - name: Ankle circles
    reps: 2
    rep_time: 1s
  - name: Hip "opener" & twist
    hold: 3s
"""

PLAIN_FILE = "quick-toes.yaml"
PLAIN_SLUG = "quick-toes"
PLAIN = """
title: Quick toes
when: pre-run
artist: Coach Kim
exercises:
  - name: Toe raises
    reps: 2
    rep_time: 1s
  - name: Ankle rocks
    hold: 3s
settings: {rest: 2s, settle: 1s, countdown: 2}
"""

SAFE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)+$")
"""A file name every OS, web host and messaging app keeps as it is."""


def write_routines(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in ((TRICKY_FILE, TRICKY), (PLAIN_FILE, PLAIN)):
        path = folder / name
        path.write_text(text.lstrip(), encoding="utf-8")
        paths.append(path)
    return paths


def one_line(text: str) -> str:
    return " ".join(text.split())
