"""Issue 21: the course in Welsh beside English. The real course declares `cy` and has Welsh for every
learner-facing field, with the English one's phone numbers, signs and resources; the loader refuses a course
that declares Welsh and misses a field (file, line, field) or changes a number; the admin shows both."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from courses.loading import ContentError, load_courses
from courses.loading.versions import numbers_in
from courses.loading.welsh import value_problems
from courses.models import Block, ContactBlock, Course, Pathway, ResourceBlock, SignsBlock, StoryBlock, Unit
from quizzes.models import Choice, Question, Scenario, TopicTag
from tests.courses.content_edits import copy_sample, edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_course(db):
    load_courses()
    return Course.objects.get(slug="cse-awareness")


def _translated_rows(course: Course):
    """Every row of the course that carries translated fields, with those fields' names."""
    blocks = Block.objects.filter(unit__course=course)  # polymorphic: each as its own type
    rows = [course, *Pathway.objects.filter(course=course), *Unit.objects.filter(course=course), *blocks]
    rows += list(Scenario.objects.filter(quiz__unit__course=course))
    rows += list(Question.objects.filter(quiz__unit__course=course, is_active=True))
    rows += list(Choice.objects.filter(question__quiz__unit__course=course, question__is_active=True))
    rows += list(TopicTag.objects.filter(course=course))
    return [(row, translator.get_options_for_model(type(row)).all_fields) for row in rows]


def test_the_course_declares_welsh_and_every_learner_facing_field_has_it(real_course):
    missing = []
    checked = 0
    for row, fields in _translated_rows(real_course):
        for name in fields:
            english, welsh = getattr(row, f"{name}_en"), getattr(row, f"{name}_cy")
            if english in (None, "", []):
                continue
            checked += 1
            if welsh in (None, "", []) or value_problems(english, welsh):  # the loader's own checks
                missing.append(f"{type(row).__name__} {row.pk}.{name}: {value_problems(english, welsh)}")
    assert checked > 1900  # the whole course: units, blocks, stories, questions, options, feedback
    assert not missing, missing[:20]


def _unit_texts(unit: Unit, language: str) -> list[str]:
    texts = [getattr(unit, f"title_{language}")] + list(getattr(unit, f"outcomes_{language}") or [])
    for block in Block.objects.filter(unit=unit):
        for name in translator.get_options_for_model(type(block)).all_fields:
            value = getattr(block, f"{name}_{language}")
            if isinstance(value, list):
                texts += [str(item) for item in value]
            else:
                texts.append(str(value or ""))
    for question in Question.objects.filter(quiz__unit=unit, is_active=True):
        texts += [getattr(question, f"{n}_{language}") or "" for n in ("prompt", "explanation")]
        for choice in question.choices.all():
            texts += [getattr(choice, f"{n}_{language}") or "" for n in ("text", "match", "feedback")]
    return texts


def test_each_welsh_unit_has_the_english_phone_numbers_signs_and_resources(real_course):
    for unit in Unit.objects.filter(course=real_course):
        numbers = {
            language: Counter(n for text in _unit_texts(unit, language) for n in numbers_in(text))
            for language in ("en", "cy")
        }
        assert numbers["cy"] == numbers["en"], unit.slug
        for block in SignsBlock.objects.filter(unit=unit):
            assert len(block.signs_cy) == len(block.signs_en), unit.slug
        for block in ResourceBlock.objects.filter(unit=unit):
            assert block.description_cy and block.name  # names stay as they are, in both languages
    for story in StoryBlock.objects.filter(unit__course=real_course):
        def shape(steps):
            return [(s["key"], [c["key"] for c in s.get("choices", [])], s.get("ending")) for s in steps]

        assert shape(story.steps_en) == shape(story.steps_cy)
    cardiff = ContactBlock.objects.filter(unit__course=real_course, number="02920 536490")
    assert cardiff and all("Caerdydd" in f"{card.who_cy} {card.when_cy} {card.note_cy}" for card in cardiff)


def test_a_row_reads_the_active_languages_text(real_course):
    unit = Unit.objects.get(course=real_course, slug="pass-it-on")
    with translation.override("cy"):
        assert Unit.objects.get(pk=unit.pk).title == unit.title_cy
    with translation.override("en"):
        assert Unit.objects.get(pk=unit.pk).title == unit.title_en


def _welsh_sample(tmp_path):
    course = copy_sample(tmp_path)
    edit(course / "course.yaml", "slug: sample-course\n", "slug: sample-course\nlanguages: [en, cy]\n")
    return course


def test_a_course_that_declares_welsh_and_misses_a_field_is_refused_with_file_line_and_field(tmp_path):
    _welsh_sample(tmp_path)
    with pytest.raises(ContentError) as refused:
        load_courses(tmp_path)
    errors = refused.value.errors
    assert any("course.yaml: title (line" in e and "missing Welsh" in e and "'title_cy'" in e for e in errors)
    assert any("units/01-" in e and "missing Welsh" in e for e in errors)
    assert any("quizzes/" in e and "missing Welsh" in e for e in errors)
    assert not Course.objects.filter(slug="sample-course").exists()  # nothing written


def test_a_welsh_twin_with_other_numbers_is_refused(tmp_path):
    course = copy_sample(tmp_path)
    text = (course / "course.yaml").read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    edit(course / "course.yaml", f"title: {title}\n", f'title: {title}\ntitle_cy: "Cwrs enghreifftiol 101"\n')
    with pytest.raises(ContentError) as refused:
        load_courses(tmp_path)
    assert any("title_cy" in e and "numbers stay exactly" in e for e in refused.value.errors)


def test_without_languages_a_course_may_add_welsh_field_by_field(tmp_path):
    course = copy_sample(tmp_path)
    text = (course / "course.yaml").read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    edit(course / "course.yaml", f"title: {title}\n", f'title: {title}\ntitle_cy: "Cwrs enghreifftiol"\n')
    load_courses(tmp_path)
    loaded = Course.objects.get(slug="sample-course")
    assert (loaded.title_en, loaded.title_cy) == (title.strip('"'), "Cwrs enghreifftiol")
    with translation.override("cy"):  # a field without Welsh shows the English
        assert Unit.objects.filter(course=loaded).first().title


def test_authors_edit_english_and_welsh_side_by_side_in_the_admin(admin_client, real_course):
    card = ContactBlock.objects.filter(unit__course=real_course, number="02920 536490").first()
    page = admin_client.get(reverse("admin:courses_contactblock_change", args=[card.pk]))
    fields = page.context["adminform"].form.fields
    assert {"who_en", "who_cy", "when_en", "when_cy"} <= set(fields) and "who" not in fields
    unit_page = admin_client.get(reverse("admin:courses_unit_change", args=[card.unit_id])).content.decode()
    assert 'name="title_en"' in unit_page and 'name="title_cy"' in unit_page
    assert re.search(r'name="blocks-\d+-body_cy"', unit_page)
