"""Form rendering in GOV.UK style: an error summary at the top, errors beside each field."""

from django.forms.renderers import TemplatesSetting


class GovFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
