"""Permission matrix: central editor, Altmark regional editor, superuser."""

from django.test import TestCase
from django.urls import reverse

from inquiries.models import Inquiry
from places.models import Place
from tests.editorial.helpers import MatrixData, potsdam_mittelmark, stendal
from tests.factories import make_place


def make_inquiry(place, **fields):
    from django.utils import timezone

    return Inquiry.objects.create(
        token=__import__("uuid").uuid4(),
        place=place,
        concern=fields.pop("concern", Inquiry.Concern.JOIN),
        name="Anna Beispiel",
        email="anna@example.org",
        message="Wir möchten mitmachen.",
        consent_at=timezone.now(),
        **fields,
    )


class PermissionMatrixTests(MatrixData, TestCase):
    changelist = reverse("admin:places_place_changelist")

    def change_url(self, place):
        return reverse("admin:places_place_change", args=[place.pk])

    def listed(self, user):
        self.client.force_login(user)
        response = self.client.get(self.changelist)
        assert response.status_code == 200
        return {place.name for place in response.context["cl"].result_list}

    def test_list(self):
        assert self.listed(self.editor) == {"Elbehof Wahrenberg", "Coconat"}
        assert self.listed(self.admin) == {"Elbehof Wahrenberg", "Coconat"}
        assert self.listed(self.altmark) == {"Elbehof Wahrenberg"}

    def test_change_page(self):
        for user, place, status in [
            (self.editor, self.in_brandenburg, 200),
            (self.admin, self.in_brandenburg, 200),
            (self.altmark, self.in_altmark, 200),
            # Outside the regions the entry does not exist for the editor: back to the index.
            (self.altmark, self.in_brandenburg, 302),
        ]:
            with self.subTest(user=user.username, place=place.name):
                self.client.force_login(user)
                assert self.client.get(self.change_url(place)).status_code == status

    def test_regional_editor_cannot_move_an_entry_out_of_the_region(self):
        self.client.force_login(self.altmark)
        response = self.client.get(self.change_url(self.in_altmark))
        choices = {
            pk for pk, _label in response.context["adminform"].form.fields["district"].choices
        }
        assert potsdam_mittelmark().pk not in {getattr(pk, "value", pk) for pk in choices}
        data = _form_data(response, district=potsdam_mittelmark().pk)
        response = self.client.post(self.change_url(self.in_altmark), data)
        assert response.status_code == 200
        self.assertContains(response, "nicht zu Ihren Regionen")
        self.in_altmark.refresh_from_db()
        assert self.in_altmark.district == stendal()

    def test_actions_reach_only_the_regions_entries(self):
        self.client.force_login(self.altmark)
        draft = make_place(name="Dorfschule Brandenburg", district=potsdam_mittelmark())
        response = self.client.post(
            self.changelist,
            {
                "action": "archive_selected",
                "_selected_action": [self.in_altmark.pk, self.in_brandenburg.pk, draft.pk],
            },
        )
        assert response.status_code == 302
        statuses = dict(Place.objects.values_list("name", "status"))
        assert statuses["Elbehof Wahrenberg"] == Place.Status.ARCHIVED
        assert statuses["Coconat"] == Place.Status.PUBLISHED
        assert statuses["Dorfschule Brandenburg"] == Place.Status.PUBLISHED

    def test_change_form_buttons_refuse_other_regions(self):
        self.client.force_login(self.altmark)
        url = reverse("admin:places_place_history", args=[self.in_brandenburg.pk])
        assert self.client.get(url).status_code == 403

    def test_export(self):
        export = reverse("admin:places_place_export")
        for user, expected in [
            (self.editor, {"Elbehof Wahrenberg", "Coconat"}),
            (self.admin, {"Elbehof Wahrenberg", "Coconat"}),
            (self.altmark, {"Elbehof Wahrenberg"}),
        ]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(
                    export, {"format": "0", "resource": "0", **_all_export_fields()}
                )
                assert response.status_code == 200, response.content[:500]
                body = response.content.decode("utf-8-sig")
                found = {name for name in ("Elbehof Wahrenberg", "Coconat") if name in body}
                assert found == expected

    def test_inquiries_and_submissions(self):
        about_altmark = make_inquiry(self.in_altmark)
        about_brandenburg = make_inquiry(self.in_brandenburg)
        general = make_inquiry(None, concern=Inquiry.Concern.PRESS)
        url = reverse("admin:inquiries_inquiry_changelist")
        for user, expected in [
            (self.editor, {about_altmark.pk, about_brandenburg.pk, general.pk}),
            (self.admin, {about_altmark.pk, about_brandenburg.pk, general.pk}),
            (self.altmark, {about_altmark.pk}),
        ]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(url)
                assert {i.pk for i in response.context["cl"].result_list} == expected
        self.client.force_login(self.altmark)
        change = reverse("admin:inquiries_inquiry_change", args=[about_brandenburg.pk])
        assert self.client.get(change).status_code == 302
        change = reverse("admin:inquiries_inquiry_change", args=[about_altmark.pk])
        assert self.client.get(change).status_code == 200

    def test_redaktion_group_has_nothing_over_users_and_groups(self):
        from django.contrib.auth.models import Group

        codenames = set(
            Group.objects.get(name="Redaktion").permissions.values_list("codename", flat=True)
        )
        assert {"add_place", "change_place", "delete_place", "change_inquiry"} <= codenames
        assert {"view_category", "view_district", "view_region"} <= codenames
        assert not {"change_category", "change_district", "change_region"} & codenames
        assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
        assert "change_regionassignment" not in codenames
        self.client.force_login(self.editor)
        assert self.client.get(reverse("admin:auth_user_changelist")).status_code == 403


def _form_data(response, **overrides):
    """The change form's current values as POST data, inline management forms included."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = getattr(value, "pk", value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    data.update(overrides)
    return data


def _all_export_fields():
    from editorial.resources import EXPORT_ONLY, FIELDS

    return {f"placeresource_{name}": "on" for name in [*FIELDS, *EXPORT_ONLY]}
