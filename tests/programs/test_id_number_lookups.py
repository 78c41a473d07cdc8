"""Masked ID numbers stay masked (R3, issue 10, part 6): staff without the full-ID permission
cannot filter, export or search by the ID number — from the cadre list, its export, or any other
admin through a relation — since each answer that narrows the list tells them a digit, and about
ten requests recover a whole number. Django answers a lookup ``lookup_allowed`` refuses with 400
(``DisallowedModelAdminLookup``), not with the ``?e=1`` redirect of a malformed one.

``countystaff`` (泽州) lacks the permission; ``orgstaff`` (晋城, 可查看完整身份证号) holds it.
"""

import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from programs.models import Cadre

LOOKUPS = [
    "id_number", "id_number__exact", "id_number__iexact", "id_number__startswith", "id_number__istartswith",
    "id_number__endswith", "id_number__iendswith", "id_number__contains", "id_number__icontains",
    "id_number__regex", "id_number__iregex", "id_number__in", "id_number__gt", "id_number__gte", "id_number__lt",
    "id_number__lte", "id_number__range", "id_number__isnull", "id_number__", "id_number__lower__startswith",
]


def lookup_value(lookup: str, id_number: str) -> str:
    if lookup.endswith("__in") or lookup.endswith("__range"):
        return f"{id_number[:6]}0000000000000,{id_number}"
    if lookup.endswith("__isnull"):
        return "False"
    if lookup.endswith("regex"):
        return f"^{id_number[:8]}"
    return id_number[:8] if "start" in lookup or "contains" in lookup or "__g" in lookup or "__l" in lookup else id_number


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def export(model) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export_xlsx")
    except NoReverseMatch:
        return None


def exported_names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    return [row[headers.index("姓名")].value for row in sheet.iter_rows(min_row=2)]


# --- the cadre list and its export ------------------------------------------------------------


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_R3_without_the_permission_no_url_lookup_on_the_id_number_is_accepted(client, world, lookup):
    client.force_login(world.users["countystaff"])
    value = lookup_value(lookup, world.cadres["cadre"].id_number)
    for path in (changelist(Cadre), export(Cadre)):
        response = client.get(path, {lookup: value})
        assert response.status_code == 400, (path, lookup, response.status_code)


@pytest.mark.parametrize("lookup", ["id_number", "id_number__startswith", "id_number__regex", "id_number__contains"])
def test_R3_with_the_permission_the_id_number_filters_the_list_and_the_export(client, world, lookup):
    li = world.cadres["cadre"]
    client.force_login(world.users["orgstaff"])
    value = li.id_number[:17] if lookup != "id_number" else li.id_number
    value = f"^{value}" if lookup.endswith("regex") else value
    response = client.get(changelist(Cadre), {lookup: value})
    assert response.status_code == 200
    assert [cadre.name for cadre in response.context["cl"].result_list] == ["李明"]
    assert exported_names(client.get(export(Cadre), {lookup: value})) == ["李明"]


def test_R3_the_superuser_may_filter_by_the_id_number(client, world):
    client.force_login(world.admin)
    response = client.get(changelist(Cadre), {"id_number": world.cadres["cadre"].id_number})
    assert [cadre.name for cadre in response.context["cl"].result_list] == ["李明"]


def test_R3_a_refusal_is_not_a_prefix_oracle(client, world):
    """A right and a wrong first digit get the same answer."""
    client.force_login(world.users["countystaff"])
    id_number = world.cadres["cadre"].id_number
    wrong = "9" if id_number[4] != "9" else "8"
    right_answer = client.get(changelist(Cadre), {"id_number__startswith": id_number[:5]})
    wrong_answer = client.get(changelist(Cadre), {"id_number__startswith": id_number[:4] + wrong})
    assert right_answer.status_code == wrong_answer.status_code == 400
    # The page (the admin's look, with its logout form) differs only by its per-request CSRF token.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub(b"", right_answer.content) == token.sub(b"", wrong_answer.content)


# --- every other admin, through its relations to the cadre ------------------------------------


def id_number_paths(model, depth: int = 3) -> list[str]:
    """Every relation path (forward and reverse) from ``model`` to ``Cadre.id_number`` of at most
    ``depth`` hops, without going back through the model just left."""
    found = []

    def walk(current, prefix, hops, came_from):
        if current is Cadre and prefix:
            found.append(f"{prefix}__id_number")
            return
        if hops == depth:
            return
        for field in current._meta.get_fields():
            if not field.is_relation or field.related_model is None or field.related_model is came_from:
                continue
            # A reverse relation's name is the one lookups use (its related query name).
            name = field.name
            walk(field.related_model, f"{prefix}__{name}" if prefix else name, hops + 1, current)

    walk(model, "", 0, None)
    return sorted(set(found))


def test_R3_no_admin_filters_by_the_id_number_through_a_relation(client, world):
    client.force_login(world.users["countystaff"])
    tried = 0
    for model in admin.site._registry:
        for path in id_number_paths(model):
            # The exports read the same change list (their own test below).
            response = client.get(changelist(model), {f"{path}__startswith": world.cadres["cadre"].id_number[:8]})
            # 400: refused; 403: the list is not theirs at all. Never a narrowed list.
            assert response.status_code in (400, 403), (model, path, response.status_code)
            tried += 1
    # The placement list, the records of a placement, applications, leave, reports, units…
    assert tried > 100


@pytest.mark.parametrize(("app", "model", "lookup"), [
    ("programs", "placement", "cadre__id_number__startswith"),
    ("programs", "placement", "cadre__id_number"),
    ("programs", "placementstatuschange", "placement__cadre__id_number__regex"),
    ("programs", "targetletter", "placement__cadre__id_number__contains"),
    ("programs", "unit", "cadres__id_number__startswith"),
    ("selection", "application", "cadre__id_number__startswith"),
    ("daily", "leaverequest", "placement__cadre__id_number__startswith"),
    ("archives", "archiveversion", "placement__cadre__id_number__startswith"),
])
def test_R3_the_related_lists_named_in_the_report_refuse_it_too(client, world, app, model, lookup):
    client.force_login(world.users["countystaff"])
    response = client.get(reverse(f"admin:{app}_{model}_changelist"), {lookup: world.cadres["cadre"].id_number[:8]})
    assert response.status_code == 400


@pytest.mark.parametrize(("app", "model"), [("programs", "placement"), ("selection", "application")])
def test_R3_the_exports_of_related_lists_refuse_it(client, world, app, model):
    client.force_login(world.users["countystaff"])
    response = client.get(reverse(f"admin:{app}_{model}_export_xlsx"),
                          {"cadre__id_number__startswith": world.cadres["cadre"].id_number[:8]})
    assert response.status_code == 400


# --- search boxes and autocompletes -----------------------------------------------------------


def test_R3_without_the_permission_a_search_does_not_match_the_id_number(client, world):
    li = world.cadres["cadre"]
    client.force_login(world.users["countystaff"])
    for model, q in ((Cadre, li.id_number), (Cadre, li.id_number.lower()), (Cadre, li.id_number[:10])):
        response = client.get(changelist(model), {"q": q})
        assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    for url in (reverse("admin:programs_placement_changelist"), reverse("admin:selection_application_changelist"),
                reverse("admin:daily_leaverequest_changelist"), reverse("admin:programs_placementstatuschange_changelist")):
        response = client.get(url, {"q": li.id_number})
        assert response.status_code == 200 and list(response.context["cl"].result_list) == [], url
    assert exported_names(client.get(export(Cadre), {"q": li.id_number})) == []
    # The help text does not offer what the box does not do.
    response = client.get(changelist(Cadre))
    assert "身份证号" not in response.context["cl"].search_help_text
    assert "按姓名、派出单位或现任职务查找。" == response.context["cl"].search_help_text


def test_R3_with_the_permission_a_whole_id_number_is_searched(client, world):
    li = world.cadres["cadre"]
    client.force_login(world.users["orgstaff"])
    response = client.get(changelist(Cadre), {"q": li.id_number})
    assert [cadre.name for cadre in response.context["cl"].result_list] == ["李明"]
    assert "完整身份证号" in response.context["cl"].search_help_text
    response = client.get(reverse("admin:programs_placement_changelist"), {"q": li.id_number})
    assert [placement.cadre.name for placement in response.context["cl"].result_list] == ["李明"]
    assert exported_names(client.get(export(Cadre), {"q": li.id_number})) == ["李明"]
