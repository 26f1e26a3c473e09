"""Realistic synthetic routines for the benchmark: distinct exercises with the usual doses.

Each exercise is a base movement (name, instructions, equipment, dose) and, for longer routines,
a variant of it (a position or tool with its own instruction sentence), so that every exercise
has its own name and words, as a real long routine would. Doses cycle through the kinds a
routine file allows: timed holds with sides, holds counted in breaths, counted reps with a slow
lowering, reps at your own pace, sets, variations and one flow.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

BASES: list[dict[str, Any]] = [
    {"name": "Wall calf stretch", "equipment": ["wall"], "instructions": [
        "Face a wall with your hands on it at shoulder height.",
        "Step one foot back and press that heel into the floor, back knee straight."],
     "dose": {"hold": "30s", "sides": ["right", "left"], "side_label": "foot"}},
    {"name": "Heel drops", "equipment": ["stair"], "instructions": [
        "Stand with the balls of your feet on a stair and hold the rail.",
        "Rise up on your toes, then lower your heels slowly below the step."],
     "dose": {"reps": 10, "rep_time": "2s", "lower": "3s", "sets": 2}},
    {"name": "Child's pose", "instructions": [
        "Kneel, sit back on your heels and fold forward, arms long."],
     "dose": {"hold": "6 breaths"}},
    {"name": "Standing quad stretch", "instructions": [
        "Stand tall and hold something steady with one hand.",
        "Bend one knee and hold that ankle behind you, knees together."],
     "dose": {"hold": "45s", "sides": ["left", "right"], "side_label": "leg"}},
    {"name": "Glute bridge", "equipment": ["mat"], "instructions": [
        "Lie on your back with knees bent and feet flat, hip width apart.",
        "Squeeze your glutes and lift your hips until your body is a straight line."],
     "dose": {"reps": 12, "rep_time": "2s", "lower": "2s"}},
    {"name": "Hip flexor lunge stretch", "equipment": ["mat"], "instructions": [
        "Kneel on one knee with the other foot flat in front of you.",
        "Tuck your pelvis under and shift forward until you feel the front of the hip."],
     "dose": {"hold": "1m", "sides": ["right", "left"], "side_label": "side"}},
    {"name": "Cat and cow", "equipment": ["mat"], "instructions": [
        "Come onto your hands and knees, wrists under shoulders.",
        "Round your back up to the ceiling, then let your belly sink and lift your chest."],
     "dose": {"reps": 8, "window": "40s"}},
    {"name": "Hamstring stretch on a step", "equipment": ["step"], "instructions": [
        "Put one heel on a low step with the leg straight.",
        "Hinge forward from the hips with a long back until you feel the back of the thigh."],
     "dose": {"hold": "40s", "sides": ["right", "left"], "side_label": "leg"}},
    {"name": "Side plank", "equipment": ["mat"], "instructions": [
        "Lie on one side and prop yourself up on your forearm, elbow under shoulder.",
        "Lift your hips so that your body is straight from head to feet."],
     "dose": {"hold": "30s", "sides": ["left", "right"], "side_label": "side", "sets": 2,
              "set_rest": "20s"}},
    {"name": "Figure four stretch", "equipment": ["mat"], "instructions": [
        "Lie on your back and cross one ankle over the opposite knee.",
        "Pull the bottom leg towards your chest until you feel the outer hip."],
     "dose": {"hold": "8 breaths", "sides": ["right", "left"], "side_label": "leg"}},
    {"name": "Single leg balance", "instructions": [
        "Stand on one foot with a soft knee and your eyes on a point ahead.",
        "Keep your hips level and your foot relaxed."],
     "dose": {"hold": "1m", "sides": ["left", "right"], "side_label": "foot"}},
    {"name": "Clamshells", "equipment": ["mat", "resistance band"], "instructions": [
        "Lie on your side with knees bent and a band just above the knees.",
        "Keep your feet together and open the top knee like a clam."],
     "dose": {"reps": 15, "rep_time": "2s", "sides": ["right", "left"], "side_label": "side"}},
    {"name": "Downward dog calf pedal", "equipment": ["mat"], "instructions": [
        "From hands and knees, lift your hips into an upside down V.",
        "Bend one knee and press the other heel down, then switch, slowly."],
     "dose": {"hold": "5 breaths", "sets": 2, "set_rest": "15s"}},
    {"name": "Dead bug", "equipment": ["mat"], "instructions": [
        "Lie on your back with arms to the ceiling and knees over hips.",
        "Lower the opposite arm and leg towards the floor, keeping your back down."],
     "dose": {"reps": 10, "rep_time": "3s"}},
    {"name": "Ankle circles", "instructions": [
        "Sit or stand and lift one foot off the floor.",
        "Draw slow, big circles with your toes, first one way, then the other."],
     "dose": {"reps": 10, "window": "30s", "sides": ["right", "left"], "side_label": "foot"}},
    {"name": "Thread the needle", "equipment": ["mat"], "instructions": [
        "On hands and knees, slide one arm under the other along the floor.",
        "Rest your shoulder and ear down and breathe into the upper back."],
     "dose": {"hold": "6 breaths", "sides": ["left", "right"], "side_label": "side"}},
    {"name": "Toe yoga", "instructions": [
        "Sit with both feet flat on the floor.",
        "Lift only your big toes, keep the others down, then swap."],
     "dose": {"reps": 10, "rep_time": "3s",
              "variations": [{"name": "big toes only", "instructions": ["Lift just the big toes."]},
                             {"name": "little toes only",
                              "instructions": ["Press the big toes down and lift the others."]}]}},
    {"name": "Pigeon pose", "equipment": ["mat"], "instructions": [
        "From hands and knees, bring one knee forward behind your wrist.",
        "Slide the other leg back long and lower your hips towards the floor."],
     "dose": {"hold": "1m30s", "sides": ["right", "left"], "side_label": "leg"}},
    {"name": "Bird dog", "equipment": ["mat"], "instructions": [
        "On hands and knees, reach one arm forward and the opposite leg back.",
        "Keep your hips square and your lower back still."],
     "dose": {"reps": 8, "rep_time": "3s", "lower": "2s", "sets": 2}},
    {"name": "Doorway chest stretch", "equipment": ["doorway"], "instructions": [
        "Place your forearms on either side of a doorway, elbows at shoulder height.",
        "Step through gently until you feel the front of the chest open."],
     "dose": {"hold": "45s"}},
    {"name": "Soleus wall stretch", "equipment": ["wall"], "instructions": [
        "Stand facing a wall with one foot back.",
        "Bend both knees and keep the back heel down to reach the lower calf."],
     "dose": {"hold": "30s", "sides": ["left", "right"], "side_label": "foot", "sets": 2}},
    {"name": "Sun salutation", "equipment": ["mat"], "instructions": [
        "Stand at the front of your mat with your feet together."],
     "dose": {"rounds": 2, "flow": [
         {"breath": "in", "pose": "reach your arms up"},
         {"breath": "out", "pose": "fold forward"},
         {"breath": "in", "pose": "halfway lift"},
         {"breath": "out", "pose": "step back to plank and lower"},
         {"breath": "in", "pose": "upward dog"},
         {"breath": "out", "pose": "downward dog", "breaths": 3},
         {"breath": "in", "pose": "step forward and rise up"}]}},
    {"name": "Copenhagen plank", "equipment": ["bench"], "instructions": [
        "Lie on your side with your top foot resting on a bench.",
        "Lift your hips and hold the bottom leg just off the floor."],
     "dose": {"hold": "20s", "sides": ["right", "left"], "side_label": "side", "sets": 3,
              "set_rest": "30s"}},
    {"name": "Seated spinal twist", "equipment": ["mat"], "instructions": [
        "Sit tall with one leg crossed over the other, foot flat.",
        "Hug the knee and turn your chest towards it, growing taller as you breathe in."],
     "dose": {"hold": "5 breaths", "sides": ["right", "left"], "side_label": "side"}},
]

VARIANTS: list[tuple[str, str]] = [
    ("", ""),
    ("Slow", "Move at half your usual speed and keep breathing evenly."),
    ("Banded", "Loop a light band where it adds a little resistance without pulling you out of line."),
    ("Eyes closed", "Close your eyes if you feel steady, and open them whenever you need to."),
    ("Deep", "Go a little further than last time, but stop well short of pain."),
    ("Supported", "Use a chair or the wall for support so you can relax into the position."),
]


def exercises() -> Callable[[], dict[str, Any]]:
    """Distinct exercises, one per call: every base, then every base with the next variant."""
    numbers = count()

    def next_exercise() -> dict[str, Any]:
        n = next(numbers)
        base = BASES[n % len(BASES)]
        prefix, sentence = VARIANTS[(n // len(BASES)) % len(VARIANTS)]
        name = f"{prefix} {base['name'].lower()}" if prefix else base["name"]
        exercise: dict[str, Any] = {"name": name, "instructions": list(base["instructions"])}
        if sentence:
            exercise["instructions"].append(sentence)
        if base.get("equipment"):
            exercise["equipment"] = list(base["equipment"])
        exercise.update(base["dose"])
        return exercise

    return next_exercise


def routine(title: str, exercise_list: list[dict[str, Any]]) -> dict[str, Any]:
    equipment = sorted({item for e in exercise_list for item in e.get("equipment", [])})
    return {
        "title": title,
        "description": "A synthetic routine written by the benchmark.",
        "when": "post-run",
        "source": {"publication": "audioroutine benchmark", "author": "the benchmark"},
        "equipment": equipment,
        "settings": {"breath": "5s", "rest": "15s", "countdown": 3},
        "exercises": exercise_list,
    }


def write_routine(path: Path, title: str, target_s: float,
                  estimate: Callable[[Path], float]) -> float:
    """Write a routine of about ``target_s`` seconds (by the build's own estimate, before any
    audio) to ``path``: the number of exercises whose estimate is closest. Returns the estimate."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    take = exercises()
    pool = [take() for _ in range(400)]
    known: dict[int, float] = {}

    def write(n: int) -> None:
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(routine(title, pool[:n]), handle)

    def length(n: int) -> float:
        if n not in known:
            write(n)
            known[n] = estimate(path)
        return known[n]

    n = 1
    while length(n) < target_s:  # jump in proportion, then walk back
        n = min(len(pool), max(n + 1, round(n * target_s / length(n))))
    while n > 1 and length(n - 1) >= target_s:
        n -= 1
    if n > 1 and target_s - length(n - 1) < length(n) - target_s:
        n -= 1
    write(n)
    return length(n)
