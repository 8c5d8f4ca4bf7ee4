"""What an editor's browser posts when saving an entry's admin page."""

from django.forms import ModelMultipleChoiceField
from django.urls import reverse
from django.utils import timezone


def change_form_data(client, place, **changes):
    """The entry's change form as shown, with ``changes`` applied, ready to post.

    Browsers send text areas with CRLF line endings (HTML's form submission rules), so this
    does too: a form saved unchanged is posted as a browser posts it.
    """
    url = reverse("admin:places_place_change", args=[place.pk])
    context = client.get(url).context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(field, ModelMultipleChoiceField):
            data[name] = [item.pk for item in value or []]
        elif name == "published_at":
            local = timezone.localtime(value) if value else None
            data["published_at_0"] = local.date().isoformat() if local else ""
            data["published_at_1"] = local.time().isoformat() if local else ""
        elif name == "district":
            data[name] = place.district_id
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            text = str(value)
            if getattr(field.widget, "template_name", "").endswith("textarea.html"):
                text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            data[name] = text
    for inline in context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return url, data
