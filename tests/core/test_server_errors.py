"""Requests that used to end in a server error (issue 10, part 6) get a plain refusal instead:
a NUL character in a search, filter or path (PostgreSQL cannot hold it in a text value), and
the admin's "view on site" link for a malformed id of a UUID-keyed model."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import ImportJob, Job

NUL = "\x00"


def nul_requests(world) -> list[tuple[str, dict]]:
    return [
        (reverse("admin:autocomplete"),
         {"app_label": "programs", "model_name": "placement", "field_name": "cadre", "term": NUL}),
        (reverse("admin:autocomplete"),
         {"app_label": "programs", "model_name": "placement", "field_name": "cadre", "term": f"李{NUL}明"}),
        (reverse("admin:programs_cadre_changelist"), {"q": NUL}),
        (reverse("admin:programs_placement_changelist"), {"q": f"巴公{NUL}"}),
        (reverse("admin:programs_cadre_changelist"), {"rank": NUL}),
        (reverse("admin:programs_cadre_changelist"), {f"name{NUL}": "李明"}),
        (reverse("admin:programs_cadre_export_xlsx"), {"q": NUL}),
        (reverse("admin:auth_user_changelist"), {"q": NUL}),
        (reverse("admin:core_auditlog_changelist"), {"q": NUL}),
        (f"/files/cadres/photos/{NUL}.png", {}),
        (reverse("portal:home"), {"q": NUL}),
    ]


def test_nul_in_a_search_a_filter_or_a_path_is_refused_not_a_server_error(client, world):
    """On PostgreSQL these were 500s ("text fields cannot contain NUL (0x00) bytes"); one guard refuses
    them before any view, so SQLite answers the same."""
    for user in (world.admin, world.users["countystaff"]):
        client.force_login(user)
        for path, params in nul_requests(world):
            response = client.get(path, params)
            assert response.status_code == 400, (user, path, params, response.status_code)


@pytest.mark.postgres
def test_nul_in_the_autocomplete_term_on_postgresql(client, world):
    """The case as reported: the admin autocomplete searched PostgreSQL for a NUL and failed."""
    client.force_login(world.users["countystaff"])
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "programs", "model_name": "placement", "field_name": "cadre", "term": NUL,
    })
    assert response.status_code == 400
    # The same search without the NUL still works.
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "programs", "model_name": "placement", "field_name": "cadre", "term": "李",
    })
    assert response.status_code == 200 and [r["text"] for r in response.json()["results"]] == ["李明"]


def test_text_without_nul_is_untouched(client, world):
    client.force_login(world.users["countystaff"])
    response = client.get(reverse("admin:programs_cadre_changelist"), {"q": "李明"})
    assert response.status_code == 200 and [c.name for c in response.context["cl"].result_list] == ["李明"]


# --- /admin/r/<content type>/<id>/ ------------------------------------------------------------


def view_on_site(model, object_id) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(model).pk}/{object_id}/"


# Job is keyed by a UUID (the 500), ImportJob by an integer.
@pytest.mark.parametrize("model", [Job, ImportJob])
@pytest.mark.parametrize("object_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-00000000000g",
                                       "08c0218b-7f8d-4e47-8ae1-25844062251b"])  # the last: well formed, no such row
def test_view_on_site_with_a_malformed_or_unknown_id_is_404(client, world, model, object_id):
    client.force_login(world.admin)
    assert client.get(view_on_site(model, object_id)).status_code == 404


def test_view_on_site_answers_404_for_rows_that_exist_and_for_unknown_types(client, world):
    from core.jobs import job_enqueue

    job = job_enqueue("core.notification_email", kwargs={})
    client.force_login(world.admin)
    # No model here has a page of its own outside the admin: existing or not, the answer is 404.
    assert client.get(view_on_site(Job, job.pk)).status_code == 404
    assert client.get(view_on_site(Job, str(job.pk).upper())).status_code == 404
    assert client.get("/admin/r/999999/1/").status_code == 404
    assert client.get("/admin/r/abc/1/").status_code == 404


@pytest.mark.parametrize("username", ["hostunit", "cadre", "sendunit", "nobody"])
def test_view_on_site_is_for_staff_only(client, world, username):
    client.force_login(world.users[username])
    response = client.get(view_on_site(Job, "not-a-uuid"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.logout()
    response = client.get(view_on_site(Job, "not-a-uuid"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
