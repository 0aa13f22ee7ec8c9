"""Admin guard for material content: phone numbers, signs, routes and resources come from the course files
(a change there needs a major release and tells holders), so the block admins refuse to change them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from polymorphic.formsets import BasePolymorphicInlineFormSet

from .loading.parse import BLOCK_FIELD_PARSERS
from .loading.versions import block_items, numbers_in
from .loading.welsh import value_problems
from .models import Block

REFUSED = (
    "This changes material content ({changes}). Phone numbers, signs, routes and resources come from the "
    "course files: change them there and release a major version, so certificate holders are told."
)


def _items(block: Block, *, heading: str, values: dict[str, Any], pathways: list[str]) -> set[str]:
    return set(
        block_items(
            type_name=block.type_name, heading=heading, values=values, pathways=pathways, material=False
        )
    )


def _fields(block: Block) -> list[str]:
    return [*type(block).content_fields, *BLOCK_FIELD_PARSERS.get(block.type_name, {})]


def _english(row: Any, name: str) -> Any:
    """The English of a field, whatever the admin's language (the `_en` column, if it is translated)."""
    return getattr(row, f"{name}_en", None) if hasattr(row, f"{name}_en") else getattr(row, name, None)


def _cleaned_english(cleaned: dict, row: Any, name: str) -> Any:
    """The English the form will save: the side-by-side form's `<name>_en`, else `<name>`, else unchanged."""
    for key in (f"{name}_en", name):
        if key in cleaned:
            return cleaned[key]
    return _english(row, name)


def welsh_problems(cleaned: dict, row: Any, names: list[str]) -> list[str]:
    """Each Welsh field the form fills must keep its English one's numbers, addresses and list items."""
    problems = []
    for name in names:
        welsh = cleaned.get(f"{name}_cy")
        if welsh in (None, "", []):
            continue
        english = _cleaned_english(cleaned, row, name)
        problems += [f"Welsh {name}: {problem}" for problem in value_problems(english, welsh)]
    return problems


def material_items_of(block: Block) -> set[str]:
    if block.pk is None:
        return set()
    values = {name: _english(block, name) for name in _fields(block)}
    pathways = [p.slug for p in block.pathways.all()]
    return _items(block, heading=_english(block, "heading"), values=values, pathways=pathways)


def _describe(added: set[str], removed: set[str]) -> str:
    return "; ".join(
        [f"adds {item}" for item in sorted(added)] + [f"removes {item}" for item in sorted(removed)]
    )


class MaterialContentForm(forms.ModelForm):
    """An edit that keeps the block's material items as they are is saved; one that changes them is not."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        block = self.instance
        values = {name: _cleaned_english(cleaned, block, name) for name in _fields(block)}
        if "pathways" in cleaned:
            pathways = [p.slug for p in cleaned["pathways"] or []]
        else:
            pathways = [p.slug for p in block.pathways.all()] if block.pk else []
        heading = _cleaned_english(cleaned, block, "heading")
        after = _items(block, heading=heading, values=values, pathways=pathways)
        before = material_items_of(block)
        if after != before:
            raise ValidationError(REFUSED.format(changes=_describe(after - before, before - after)))
        if problems := welsh_problems(cleaned, block, ["heading", *_fields(block)]):
            raise ValidationError(problems)
        return cleaned


class MaterialContentFormSet(BasePolymorphicInlineFormSet):
    """Deleting a block that holds material content is refused too (a deleted form is not validated)."""

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if items := material_items_of(form.instance):
                raise ValidationError(REFUSED.format(changes=_describe(set(), items)))


class NumbersUnchangedForm(forms.ModelForm):
    """For the course, pathway and unit admins: the phone numbers in `number_fields` (titles, summary,
    introductions, outcomes) stay as they are; the words around them may change."""

    number_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        instance = self.instance
        names = [name for name in self.number_fields if name in cleaned or f"{name}_en" in cleaned]

        def numbers(get) -> set[str]:
            texts = []
            for name in names:
                value = get(name)
                texts += value if isinstance(value, list) else [value]
            return {f"phone number {n}" for text in texts for n in numbers_in(str(text or ""))}

        before = numbers(lambda name: _english(instance, name)) if instance.pk else set()
        after = numbers(lambda name: _cleaned_english(cleaned, instance, name))
        if after != before:
            raise ValidationError(REFUSED.format(changes=_describe(after - before, before - after)))
        if problems := welsh_problems(cleaned, instance, list(self.number_fields)):
            raise ValidationError(problems)
        return cleaned


def numbers_unchanged_form(*fields: str) -> type[NumbersUnchangedForm]:
    return type("NumbersUnchangedForm", (NumbersUnchangedForm,), {"number_fields": fields})
