"""Topic tags in quiz files: the vocabulary (tags.yaml), the loader's checks, and the real course."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from courses.loading import ContentError, load_courses
from courses.models import Course
from quizzes.models import Question, TopicTag
from tests.conftest import SAMPLE_CONTENT

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parents[2] / "courses" / "content" / "cse-awareness"
VOCABULARY = 'sign:\n  - {key: older-partner, label: "They have a much older boyfriend or girlfriend"}\n'


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


def _tag_first_question(content: Path, tags: list[str]) -> Path:
    path = content / "sample-course" / "quizzes" / "01-signs.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"][0]["tags"] = tags
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_known_tags_are_loaded(content):
    (content / "sample-course" / "tags.yaml").write_text(VOCABULARY)
    _tag_first_question(content, ["sign:older-partner"])
    load_courses(content)
    course = Course.objects.get(slug="sample-course")
    assert list(TopicTag.objects.filter(course=course).values_list("name", "kind", "label")) == [
        ("sign:older-partner", "sign", "They have a much older boyfriend or girlfriend")
    ]
    assert Question.objects.filter(tags=["sign:older-partner"]).count() == 1


def test_unknown_tag_is_refused_with_file_and_line(content):
    (content / "sample-course" / "tags.yaml").write_text(VOCABULARY)
    path = _tag_first_question(content, ["sign:made-up"])
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if text.strip().startswith("tags:")
    )
    with pytest.raises(ContentError) as raised:
        load_courses(content)
    [error] = raised.value.errors
    assert error.startswith(f"content/sample-course/quizzes/01-signs.yaml: questions[0].tags (line {line}): ")
    assert "unknown tag 'sign:made-up'" in error
    assert not Course.objects.exists()


def test_tags_without_a_vocabulary_are_refused(content):
    _tag_first_question(content, ["sign:older-partner"])
    with pytest.raises(ContentError) as raised:
        load_courses(content)
    assert "has no tags.yaml" in raised.value.errors[0]


def test_bad_vocabulary_names_the_file(content):
    (content / "sample-course" / "tags.yaml").write_text("colour:\n  - {key: red, label: Red}\n")
    with pytest.raises(ContentError) as raised:
        load_courses(content)
    assert raised.value.errors[0].startswith("content/sample-course/tags.yaml")


def test_every_question_of_the_real_course_is_tagged_from_its_vocabulary():
    vocabulary = yaml.safe_load((REAL / "tags.yaml").read_text())
    names = {f"{kind}:{item['key']}" for kind, items in vocabulary.items() for item in items}
    seen_signs = set()
    for path in sorted((REAL / "quizzes").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text())["questions"]:
            assert question.get("tags"), f"{path.name}: {question['key']} has no tags"
            assert set(question["tags"]) <= names, (path.name, question["key"])
            seen_signs |= {t for t in question["tags"] if t.startswith("sign:")}
    # Every sign on the guide's list is tested by at least one question.
    assert seen_signs == {n for n in names if n.startswith("sign:")}


def test_sign_labels_are_the_guides_words():
    guide = Path("/work/shared/guide/000_4375a54b67e3568f.txt")
    if not guide.exists():
        pytest.skip("the guide is not on this machine")
    text = guide.read_text()
    for item in yaml.safe_load((REAL / "tags.yaml").read_text())["sign"]:
        assert f"- {item['label']}" in text, item["label"]


def test_the_real_course_loads_with_its_tags():
    load_courses()
    course = Course.objects.get(slug="cse-awareness")
    assert TopicTag.objects.filter(course=course, kind="sign").count() == 11
    assert not Question.objects.filter(quiz__unit__course=course, is_active=True, tags=[]).exists()
