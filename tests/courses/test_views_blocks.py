"""courses.views: pathway-limited blocks and the rendering of every block type."""

from __future__ import annotations

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from courses import services
from courses.loading import load_courses
from courses.models import CalloutBlock, Course, ResourceBlock
from tests.courses.content_edits import edit
from tests.courses.factories import (
    CalloutBlockFactory,
    ContactBlockFactory,
    CourseFactory,
    KeyPointsBlockFactory,
    PathwayFactory,
    ReflectionBlockFactory,
    ResourceBlockFactory,
    SignsBlockFactory,
    TextBlockFactory,
    UnitFactory,
)
from tests.courses.view_helpers import enrol_in_sample, unit_url

# Pathway-limited blocks and rendering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway", "sees", "does_not_see"),
    [
        ("taxi-drivers", "In your role: drivers", "In your role: foster carers"),
        ("foster-carers", "In your role: foster carers", "In your role: drivers"),
    ],
)
def test_unit_page_shows_common_blocks_and_only_my_pathways(
    learner_client, user, sample_course, pathway, sees, does_not_see
):
    enrol_in_sample(user, sample_course, pathway)

    response = learner_client.get(unit_url(sample_course, "signs"))

    assertContains(response, "Children often show rather than tell")
    assertContains(response, "They take taxis and you don&#x27;t know who is paying")
    assertContains(response, "Reassure them it is not their fault")
    assertContains(response, sees)
    assertNotContains(response, does_not_see)
    assert len(response.context["blocks"]()) == 6  # a callable: the page runs it only on a cache miss


@pytest.fixture
def one_of_each(user):
    """A unit with one block of every type, each with values that only its own template would show."""
    course = CourseFactory()
    pathway = PathwayFactory(course=course)
    unit = UnitFactory(course=course, order=1, slug="all-blocks")
    services.enrolment_create(learner=user, pathway=pathway)
    TextBlockFactory(unit=unit, order=1, heading="Plain text", body="Children may be **groomed** online.")
    KeyPointsBlockFactory(
        unit=unit, order=2, heading="", points=["Talk to them", "Write it down", "Pass it on"]
    )
    SignsBlockFactory(
        unit=unit,
        order=3,
        heading="",
        intro="From the *guide*.",
        signs=["Going missing", "Unexplained gifts", "Older boyfriend"],
    )
    ContactBlockFactory(
        unit=unit,
        order=4,
        heading="",
        who="MASH",
        number="02920 536490",
        when="For *advice*.",
        note="Office hours.",
    )
    CalloutBlockFactory(
        unit=unit, order=5, heading="", style=CalloutBlock.Style.EMERGENCY, body="Call **999**."
    )
    ReflectionBlockFactory(unit=unit, order=6, heading="", prompt="What would *you* do?")
    ResourceBlockFactory(
        unit=unit,
        order=7,
        heading="",
        name="Say Something",
        kind=ResourceBlock.Kind.HELPLINE,
        description="Free and anonymous.",
        number="116 000",
        url="https://example.org/say",
    )
    return course, unit


def sections(response, css_class: str) -> list[str]:
    return re.findall(rf'<section class="{css_class}".*?</section>', response.content.decode(), re.S)


def test_every_block_type_renders_with_its_own_template(learner_client, one_of_each):
    course, unit = one_of_each

    response = learner_client.get(unit_url(course, unit.slug))

    used = {t.name for t in response.templates if t.name.startswith("courses/blocks/")}
    assert used >= {
        f"courses/blocks/{name}.html"
        for name in ("text", "key_points", "signs", "contact", "callout", "reflection", "resource")
    }
    (text,) = sections(response, "block block--text")
    assert "Plain text</h2>" in text and "<strong>groomed</strong>" in text
    (points,) = sections(response, "block key-points")
    assert ">Key points</h2>" in points
    assert re.findall(r"<li>(.*?)</li>", points) == ["Talk to them", "Write it down", "Pass it on"]
    (signs,) = sections(response, "block signs")
    assert ">Signs to look out for</h2>" in signs and "<em>guide</em>" in signs
    assert re.findall(r"<li>(.*?)</li>", signs) == ["Going missing", "Unexplained gifts", "Older boyfriend"]
    (contact,) = sections(response, "block contact")
    assert ">MASH</h2>" in contact
    assert 'Call <a href="tel:02920536490">02920 536490</a>' in contact
    assert "<em>advice</em>" in contact and "Office hours." in contact
    (callout,) = sections(response, "block callout callout--emergency")
    assert '<p class="callout__label">Emergency</p>' in callout and "<strong>999</strong>" in callout
    (reflection,) = sections(response, "block reflection")
    assert ">Stop and think</h2>" in reflection and "<em>you</em>" in reflection
    assert "Your answer is not recorded." in reflection
    (resource,) = sections(response, "block resource")
    assert ">Say Something</h3>" in resource and ">Helpline</span>" in resource
    assert '<a href="tel:116000"><strong>116 000</strong></a>' in resource
    assert 'href="https://example.org/say"' in resource


@pytest.mark.parametrize(
    ("style", "label"), [("emergency", "Emergency"), ("important", "Important"), ("role", "In your role")]
)
def test_callout_styles_have_their_own_label(learner_client, one_of_each, style, label):
    course, unit = one_of_each
    CalloutBlock.objects.update(style=style)

    response = learner_client.get(unit_url(course, unit.slug))

    (callout,) = sections(response, f"block callout callout--{style}")
    assert f'<p class="callout__label">{label}</p>' in callout


def test_markdown_in_content_files_is_sanitised_on_the_unit_page(db, content_root, user, client):
    edit(
        content_root / "sample-course/units/03-next-steps.yaml",
        "    body: A meeting will take place with all the people working with the child.\n",
        "    body: |\n"
        "      A **meeting** will take place.\n"
        "      <script>alert('boom')</script>\n"
        '      <img src="x.png" onerror="alert(1)">\n'
        '      [Click here](javascript:alert(2)) or <a href="javascript:alert(3)">here</a>.\n'
        '      <p onclick="alert(4)" style="color:red">Styled</p>\n',
    )
    load_courses(content_root)
    course = Course.objects.get()
    enrol_in_sample(user, course)
    client.force_login(user)

    response = client.get(unit_url(course, "next-steps"))

    html = response.content.decode()
    (block,) = [s for s in sections(response, "block block--text") if "meeting" in s]
    assert "A <strong>meeting</strong> will take place." in block
    assert "Click here" in block and "Styled" in block
    for dangerous in ("<script", "alert(", "onerror", "javascript:", "onclick", "style=", "<img"):
        assert dangerous not in block, dangerous
    assert "alert(" not in html and "javascript:" not in html
