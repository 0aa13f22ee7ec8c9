import factory
from django.utils import timezone

from courses.models import (
    CalloutBlock,
    ContactBlock,
    Course,
    Enrolment,
    KeyPointsBlock,
    Pathway,
    ReflectionBlock,
    ResourceBlock,
    SignsBlock,
    TextBlock,
    Unit,
    UnitProgress,
)
from tests.elearning.factories import UserFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course."
    cpd_minutes = 60


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"pathway-{n}")
    title = factory.Sequence(lambda n: f"Pathway {n}")
    introduction = "Why this matters in your role."
    order = factory.Sequence(lambda n: n)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Unit {n}")
    outcomes = factory.LazyFunction(lambda: ["explain something"])
    minutes = 5


class BlockFactoryBase(factory.django.DjangoModelFactory):
    unit = factory.SubFactory(UnitFactory)
    order = factory.Sequence(lambda n: n)
    heading = factory.Sequence(lambda n: f"Heading {n}")


class TextBlockFactory(BlockFactoryBase):
    class Meta:
        model = TextBlock

    body = "Some **text**."


class KeyPointsBlockFactory(BlockFactoryBase):
    class Meta:
        model = KeyPointsBlock

    points = factory.LazyFunction(lambda: ["one", "two"])


class SignsBlockFactory(BlockFactoryBase):
    class Meta:
        model = SignsBlock

    signs = factory.LazyFunction(lambda: ["You don't know where your child is"])


class ContactBlockFactory(BlockFactoryBase):
    class Meta:
        model = ContactBlock

    who = "Police"
    number = "101"
    when = "If you suspect a child is being sexually exploited."


class CalloutBlockFactory(BlockFactoryBase):
    class Meta:
        model = CalloutBlock

    style = CalloutBlock.Style.EMERGENCY
    body = "Always call 999 if you think any child is in immediate danger."


class ReflectionBlockFactory(BlockFactoryBase):
    class Meta:
        model = ReflectionBlock

    prompt = "What would you do?"


class ResourceBlockFactory(BlockFactoryBase):
    class Meta:
        model = ResourceBlock

    name = "Say Something"
    kind = ResourceBlock.Kind.HELPLINE
    description = "A 24/7, free and anonymous helpline."
    number = "116000"


BLOCK_FACTORIES = (
    TextBlockFactory,
    KeyPointsBlockFactory,
    SignsBlockFactory,
    ContactBlockFactory,
    CalloutBlockFactory,
    ReflectionBlockFactory,
    ResourceBlockFactory,
)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    learner = factory.SubFactory(UserFactory)
    pathway = factory.SubFactory(PathwayFactory)
    course = factory.SelfAttribute("pathway.course")


class UnitProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitProgress

    enrolment = factory.SubFactory(EnrolmentFactory)
    unit = factory.SubFactory(UnitFactory, course=factory.SelfAttribute("..enrolment.course"))
    completed_at = factory.LazyFunction(timezone.now)


def make_mixed_blocks(unit, *, pathways) -> list:
    """Every block type once for everyone, then a role callout limited to each pathway and a key points block
    limited to all of them: len(BLOCK_FACTORIES) + len(pathways) + 1 blocks, in order."""
    blocks = [block_factory(unit=unit) for block_factory in BLOCK_FACTORIES]
    for pathway in pathways:
        callout = CalloutBlockFactory(
            unit=unit, style=CalloutBlock.Style.ROLE, heading=f"In your role: {pathway.title}"
        )
        callout.pathways.set([pathway])
        blocks.append(callout)
    shared = KeyPointsBlockFactory(unit=unit, heading="For every listed pathway")
    shared.pathways.set(pathways)
    blocks.append(shared)
    return blocks
