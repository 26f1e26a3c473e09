"""Keeping a tuning (``editing``): an overrides file read back as a tuning and written again."""

from __future__ import annotations

from audioroutine.editing import overrides_text, read_tuning
from audioroutine.yamlfile import plain, read_yaml_mapping

OVERRIDES = """\
# my calf care
pronounce:
  Oiselle: wah-ZELL
settings:
  rest: 20s
exercises:
  calf-stretch:
    hold: 45s
"""


def test_an_overrides_files_pronunciations_are_kept_and_are_not_a_tuning(tmp_path):
    path = tmp_path / "calf.overrides.yaml"
    path.write_text(OVERRIDES, encoding="utf-8")
    tuning = read_tuning(path)
    assert tuning == {"settings.rest": "20s", "calf-stretch.hold": "45s"}
    path.write_text(overrides_text({**tuning, "calf-stretch.hold": "1m"}, path), encoding="utf-8")
    assert plain(read_yaml_mapping(path, what="overrides")) == {
        "pronounce": {"Oiselle": "wah-ZELL"}, "settings": {"rest": "20s"},
        "exercises": {"calf-stretch": {"hold": "1m"}},
    }
