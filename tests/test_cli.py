"""The command line: every command helps with an example, and does what its help says."""

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from audioroutine.cache import NOTE_FIELDS, ClipCache, clip_key
from audioroutine.cli import app
from audioroutine.clips import clip_stats
from audioroutine.templates import builtin_templates_dir

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def commands():
    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names += [f"{name} {sub}" for sub in command.commands]
        else:
            names.append(name)
    return names


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Example: audioroutine " + command in result.stdout


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command):
    readme = (REPO / "README.md").read_text() + "".join(p.read_text() for p in (REPO / "docs").glob("*.md"))
    assert f"audioroutine {command}" in readme


def test_docs_example_routine_is_valid(tmp_path):
    text = (REPO / "docs" / "routine-format.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_counts_of_one_are_singular(write_routine):
    one = write_routine("""
        title: One
        exercises:
          - {name: Toe spread, hold: 30s}
        """)
    result = runner.invoke(app, ["validate", str(one)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("(1 exercise)")


def test_show_prints_the_timed_script_with_estimates_marked(tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--cache-dir", str(tmp_path / "empty-cache")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Calf care in five minutes")
    assert "00:00~ speech   Calf care in five minutes." in result.stdout
    assert any("hold" in line and "(30s)" in line for line in lines)
    assert any(line.split()[1:3] == ["count", "three"] for line in lines if len(line.split()) > 2)
    assert lines[-1].startswith("total ~")


def test_show_uses_cached_lengths_once_built(build_piper, clip_cache):
    build_piper("example-calf-care")
    result = runner.invoke(app, ["show", "example-calf-care", "--engine", "piper", "--cache-dir", str(clip_cache)])
    assert result.exit_code == 0
    assert "~" not in result.stdout.split("\n", 3)[3]


def test_list_shows_every_routine_with_title_and_length():
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    routines = sorted(p.stem for p in (REPO / "routines").glob("*.yaml"))
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == routines
    assert "Calf care in five minutes" in result.stdout


def test_build_prints_one_summary_line_per_file(build_piper, clip_cache, tmp_path):
    out = tmp_path / "cli-out"
    result = runner.invoke(app, ["build", "example-calf-care", "--engine", "piper", "--out", str(out),
                                 "--cache-dir", str(clip_cache)])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith(f"{out}/example-calf-care.mp3  03:") and " MB" in line
    assert "voice: piper (en_US-joe-medium)" in result.stderr
    again = runner.invoke(app, ["build", "example-calf-care", "--engine", "piper", "--out", str(out),
                                "--cache-dir", str(clip_cache)])
    assert again.stdout.strip().endswith("up to date")


def test_build_needs_a_routine_or_all():
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2 and "--all" in result.output


def test_engines_lists_what_is_here_and_what_auto_picks(monkeypatch):
    monkeypatch.setenv("AUDIOROUTINE_GTTS_URL", "http://127.0.0.1:9")  # nothing listens there
    result = runner.invoke(app, ["engines"])
    assert result.exit_code == 0, result.output
    assert "piper   yes  en_US-joe-medium" in result.stdout
    assert "auto picks piper: http://127.0.0.1:9 did not answer" in result.stdout


def test_cache_info_clear_and_prune(tmp_path, private_cache, monkeypatch):
    cache = private_cache("example-calf-care")
    from audioroutine import BuildOptions, build

    build(["example-calf-care"], BuildOptions(engine="piper", out=tmp_path / "o", cache_dir=cache))
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    clips = int(info.stdout.splitlines()[1].split()[0])
    assert info.stdout.startswith(str(cache)) and clips > 10
    # a phrase no routine speaks any more is pruned; every used one stays
    build(["example-calf-care"], BuildOptions(engine="piper", out=tmp_path / "o2", cache_dir=cache,
                                              overrides=__import__("audioroutine").Overrides(hold="31s")))
    # a clip an earlier version prepared is never read again: pruned, though its words are used
    note = json.loads(next((cache / "clips").rglob("*.json")).read_text(encoding="utf-8"))
    identity = {k: v for k, v in note.items() if k not in NOTE_FIELDS}
    clips_module = ClipCache.__module__
    monkeypatch.setattr(f"{clips_module}.PREPARATION", "0")
    ClipCache(cache).put(identity, note["text"], np.ones(4410, np.int16), clip_stats(np.ones(4410, np.int16)))
    stale = ClipCache(cache)._path(clip_key(identity, note["text"]))
    monkeypatch.undo()
    assert stale.is_file() and ClipCache(cache).has(identity, note["text"])
    pruned = runner.invoke(app, ["cache", "prune", "--yes", "--cache-dir", str(cache)])
    assert pruned.exit_code == 0, pruned.output
    assert not stale.exists() and ClipCache(cache).has(identity, note["text"])
    done = pruned.stdout.splitlines()[-1]
    assert done.startswith("removed ") and not done.startswith("removed 0 ")
    after = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert int(after.stdout.splitlines()[1].split()[0]) >= clips - 2  # at most the two replaced phrases go
    again = build(["example-calf-care"], BuildOptions(engine="piper", out=tmp_path / "o3", cache_dir=cache))
    assert again[0].synthesized == 0
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0
    assert "0 clips" in runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)]).stdout


def _options(command: str) -> set[str]:
    click_command = typer.main.get_command(app).commands[command]
    return {name for param in click_command.params for name in param.opts}


def test_build_show_and_share_take_the_same_build_options():
    shared = {"--engine", "--voice", "--lang", "--tld", "--slow", "--speed", "--templates", "--cache-dir", "--hold",
              "--breath", "--rest", "--scale", "--set", "--overrides", "--no-chimes"}
    for command in ("build", "show", "share"):
        assert shared <= _options(command), command


def test_verbose_says_what_was_chosen_and_why(tmp_path):
    quiet = runner.invoke(app, ["show", "example-calf-care", "--cache-dir", str(tmp_path)])
    loud = runner.invoke(app, ["-v", "show", "example-calf-care", "--cache-dir", str(tmp_path)])
    assert quiet.exit_code == loud.exit_code == 0
    assert quiet.stderr == "" and loud.stdout == quiet.stdout
    assert "engine: piper (en_US-joe-medium) - not every phrase is cached for Google's voice" in loud.stderr
    assert "cue templates for en from" in loud.stderr
    again = runner.invoke(app, ["show", "example-calf-care", "--cache-dir", str(tmp_path)])
    assert again.stderr == ""


def test_library_messages_get_the_flags_of_the_command_line(tmp_path):
    result = runner.invoke(app, ["share", "example-calf-care", "--title", "Club", "--base-url", "ftp://example.org/",
                                 "--out", str(tmp_path / "club")])
    assert result.exit_code == 2
    assert "error: --base-url 'ftp://example.org/' is not a web address" in result.stderr


def test_an_unknown_language_names_those_there_are(tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--lang", "xq", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2
    message = "error: there are no cue templates for the language 'xq'; languages available: de, en, es, fr"
    assert message in result.stderr
    assert "no voice here speaks 'xq' either" in result.stderr and "--templates" in result.stderr
    assert "Traceback" not in result.output


def test_a_language_without_templates_names_the_voices_that_speak_it(tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--lang", "nl", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "there are no cue templates for the language 'nl'" in result.stderr
    assert "voices here that speak 'nl': gtts (google-nl-com), espeak (nl)" in result.stderr
    assert f"copy the folder {builtin_templates_dir() / 'en'} to FOLDER/nl" in result.stderr
