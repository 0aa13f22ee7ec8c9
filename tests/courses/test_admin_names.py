"""Blocks have readable names in the admin (their type and heading, not "block: 81")."""

import pytest
from django.urls import reverse

from courses.models import Block

from .factories import KeyPointsBlockFactory, TextBlockFactory

pytestmark = pytest.mark.django_db


def test_a_block_is_named_by_its_type_and_heading_even_as_a_base_row():
    text = TextBlockFactory(heading="What CSE is", order=3)
    points = KeyPointsBlockFactory(heading="", order=4)
    base = {b.pk: str(b) for b in Block.objects.non_polymorphic().filter(pk__in=[text.pk, points.pk])}
    assert base[text.pk] == "Text block: What CSE is"
    assert base[points.pk] == "Key points block (position 4, no heading)"
    assert str(text) == "Text block: What CSE is"


def test_the_admin_block_list_shows_readable_names(admin_client):
    block = TextBlockFactory(heading="Signs to look for")
    html = admin_client.get(reverse("admin:courses_block_changelist")).content.decode()
    assert "Text block: Signs to look for" in html
    assert f"block: {block.pk}<" not in html
