"""Ways through a story's steps for tests: the shortest way to an end of a given kind (good: the guide's way
through; poor: a wrong turn), and walking it with a test client."""

from __future__ import annotations

from collections import deque

from django.urls import reverse

from courses.loading.stories import story_texts

__all__ = [
    "finish_stories",
    "play_stories_at_random",
    "story_texts",
    "walk_story",
    "walk_unit_stories",
    "way_to",
]


def way_to(steps: list[dict], ending: str = "good") -> list[tuple[str, str]]:
    """The shortest list of (step key, choice key) from the first step to an end step with this ending."""
    by_key = {step["key"]: step for step in steps}
    first = steps[0]["key"]
    came_from: dict[str, tuple[str, str] | None] = {first: None}
    todo = deque([first])
    while todo:
        key = todo.popleft()
        if by_key[key].get("ending") == ending:
            path = []
            while came_from[key] is not None:
                previous, choice = came_from[key]
                path.append((previous, choice))
                key = previous
            return path[::-1]
        for choice in by_key[key].get("choices", []):
            if choice["next"] not in came_from:
                came_from[choice["next"]] = (key, choice["key"])
                todo.append(choice["next"])
    raise AssertionError(f"no way to a {ending} end")


def walk_story(client, *, course_slug: str, unit_slug: str, block, ending: str = "good") -> None:
    """Play the story with the client (one POST per choice), to an end of this kind."""
    url = reverse("courses:story", args=[course_slug, unit_slug, block.key])
    for step_key, choice_key in way_to(block.steps, ending):
        response = client.post(url, {"step": step_key, "choice": choice_key})
        assert response.status_code == 302, (block.key, step_key, response.status_code)


def walk_unit_stories(client, *, course_slug: str, unit, pathway, ending: str = "good") -> int:
    """Play every story of the unit that the pathway sees (its quiz opens after them); returns how many."""
    from courses.stories import unit_stories_for_pathway

    stories = unit_stories_for_pathway(unit=unit, pathway=pathway)
    for block in stories:
        walk_story(client, course_slug=course_slug, unit_slug=unit.slug, block=block, ending=ending)
    return len(stories)


def finish_stories(*, enrolment, unit, ending: str = "good") -> int:
    """Play every story of the unit the enrolment's pathway sees to an end, through the services."""
    from courses import stories

    played = stories.unit_stories_for_pathway(unit=unit, pathway=enrolment.pathway)
    for block in played:
        story = stories.Story.of(block)
        for step_key, choice_key in way_to(block.steps, ending):
            stories.story_choose(
                enrolment=enrolment, unit=unit, story=story, step_key=step_key, choice_key=choice_key
            )
    return len(played)


def play_stories_at_random(*, enrolment, unit, rng, max_choices: int = 200) -> int:
    """A bot's way through each story of the unit: a random choice at every step, until an end (every step
    has a way to an end, which the loader checks, so this stops). Returns the choices made."""
    from courses import stories

    made = 0
    for block in stories.unit_stories_for_pathway(unit=unit, pathway=enrolment.pathway):
        story = stories.Story.of(block)
        step = story.first
        while not step.is_end:
            choice = rng.choice(step.choices)
            stories.story_choose(
                enrolment=enrolment, unit=unit, story=story, step_key=step.key, choice_key=choice.key
            )
            step, made = story.steps[choice.next], made + 1
            assert made <= max_choices, "a story that does not end"
    return made
