"""R4 外挂, the sending side: only cadres of a 市直综合部门 (a flag on the city unit) or county and
township leadership cadres go on an external secondment; the refusal says the rule in words.
The flag is kept, imported, exported and edited like the unit's other facts."""

import datetime as dt

import pytest

from core.models import AuditLog
from programs import services
from programs.exceptions import DirectionRuleViolation, ProgramsError
from programs.imports.resources import UnitResource
from programs.models import Cadre, Placement, SecondmentType, Unit
from programs.rules import secondment_direction_check
from tests.factories import make_cadre, make_unit
from tests.programs.test_admin import PLACEMENT_INLINES, changeform_data, login, rows, url
from tests.programs.test_exports import export_url, records, sheet_of
from tests.programs.test_imports import importer, run_import, workbook

L, K, R = Unit.Level, Unit.Kind, Cadre.Rank
RULE = "“外挂”只选派市直综合部门的干部或县、乡（镇）领导干部"
SHANGHAI = Unit(name="上海市浦东新区发改委", level=L.COUNTY, kind=K.PARTY_GOVERNMENT, region="上海市浦东新区", is_external=True)


def sender(name, level, kind=K.PARTY_GOVERNMENT, *, comprehensive=False):
    return Unit(name=name, level=level, kind=kind, region="测试", is_comprehensive_department=comprehensive)


def cadre(unit, rank=R.TOWNSHIP_DEPUTY, *, leadership=True, name="王强"):
    """An unsaved cadre: the rule reads the sending unit, the rank and the leadership post."""
    return Cadre(name=name, sending_unit=unit, rank=rank, is_leadership=leadership)


def check(who):
    secondment_direction_check(secondment_type=SecondmentType.EXTERNAL, cadre=who, host_unit=SHANGHAI)


@pytest.mark.parametrize("who", [
    cadre(sender("晋城市发展和改革委员会", L.CITY, comprehensive=True), R.GENERAL, leadership=False),
    cadre(sender("中共晋城市委办公室", L.CITY, comprehensive=True), R.COUNTY_DEPUTY),
    cadre(sender("泽州县发展和改革局", L.COUNTY), R.TOWNSHIP_FULL),
    cadre(sender("泽州县人民政府", L.COUNTY), R.COUNTY_DEPUTY),
    cadre(sender("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), R.TOWNSHIP_DEPUTY),
], ids=["city-comprehensive-general", "city-comprehensive-leader", "county-leader", "county-head", "township-leader"])
def test_R4_external_allowed_senders(who):
    check(who)


def test_R4_external_from_a_city_department_that_is_not_comprehensive_is_refused():
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(cadre(sender("晋城市住房和城乡建设局", L.CITY), R.COUNTY_DEPUTY, name="赵磊"))
    message = str(excinfo.value)
    assert message == (
        f"挂职方式与干部不符：{RULE}；干部“赵磊”的派出单位“晋城市住房和城乡建设局”为市级单位，不是市直综合部门。"
    )
    assert "R4" not in message


@pytest.mark.parametrize("level, kind, unit_name", [
    (L.COUNTY, K.PARTY_GOVERNMENT, "泽州县发展和改革局"), (L.TOWNSHIP, K.TOWNSHIP, "泽州县巴公镇"),
], ids=["county", "township"])
def test_R4_external_from_a_county_or_township_cadre_without_a_leadership_post_is_refused(level, kind, unit_name):
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(cadre(sender(unit_name, level, kind), R.TOWNSHIP_DEPUTY, leadership=False, name="孙悦"))
    level_word = "县级" if level == L.COUNTY else "乡镇/街道级"
    assert str(excinfo.value) == (
        f"挂职方式与干部不符：{RULE}；派出单位“{unit_name}”为{level_word}单位，干部“孙悦”为副乡科级，未任领导职务，不是县乡领导干部。"
    )


def test_R4_external_from_a_county_general_cadre_is_refused_even_if_marked_leadership():
    with pytest.raises(DirectionRuleViolation, match="干部“孙悦”为一般干部，不是县乡领导干部"):
        check(cadre(sender("泽州县发展和改革局", L.COUNTY), R.GENERAL, leadership=True, name="孙悦"))


@pytest.mark.parametrize("level, kind", [(L.VILLAGE, K.VILLAGE), (L.PROVINCE, K.PARTY_GOVERNMENT), (L.CENTRAL, K.PARTY_GOVERNMENT)],
                         ids=["village", "province", "central"])
def test_R4_external_from_other_levels_is_refused_whoever_the_cadre_is(level, kind):
    with pytest.raises(DirectionRuleViolation, match="挂职方式与单位层级不符"):
        check(cadre(sender("某单位", level, kind), R.COUNTY_FULL))


def test_R4_the_host_side_is_still_checked_first():
    local = Unit(name="晋城市商务局", level=L.CITY, kind=K.PARTY_GOVERNMENT, region="测试")
    with pytest.raises(DirectionRuleViolation, match="本地单位"):
        secondment_direction_check(
            secondment_type=SecondmentType.EXTERNAL, cadre=cadre(sender("泽州县发展和改革局", L.COUNTY), leadership=False),
            host_unit=local,
        )


def test_R4_other_types_do_not_ask_for_the_sending_side_of_external():
    # A city cadre of an ordinary department without a leadership post may still go 下挂.
    secondment_direction_check(
        secondment_type=SecondmentType.DOWN, cadre=cadre(sender("晋城市住房和城乡建设局", L.CITY), R.GENERAL, leadership=False),
        host_unit=Unit(name="泽州县巴公镇", level=L.TOWNSHIP, kind=K.TOWNSHIP, region="测试"),
    )


# --- through the placement service ------------------------------------------------------------


@pytest.fixture
def external_program(world):
    program = services.program_create(
        acting_user=world.users["orgstaff"], name="外挂锻炼", secondment_type=SecondmentType.EXTERNAL, year=2026,
        organising_department=world.city, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 9, 1),
    )
    post = services.host_post_create(acting_user=world.users["orgstaff"], program=program, host_unit=world.units["external"],
                                     title="主任助理", places=5)
    return program, post


def _counts():
    return Placement.objects.count(), AuditLog.objects.filter(action="placement_create").count()


@pytest.mark.parametrize("unit_key, rank, leadership, allowed", [
    ("city_drc", R.GENERAL, False, True),  # flagged 市直综合部门 below
    ("city_drc", R.GENERAL, False, False),  # the same unit, not flagged
    ("zz_drc", R.TOWNSHIP_FULL, True, True),
    ("zz_drc", R.GENERAL, False, False),
    ("zz_township", R.TOWNSHIP_DEPUTY, True, True),
    ("zz_township", R.TOWNSHIP_DEPUTY, False, False),
    ("zz_village", R.TOWNSHIP_DEPUTY, True, False),
], ids=["city-flagged", "city-unflagged", "county-leader", "county-general", "township-leader", "township-no-post",
        "village"])
def test_R4_placement_create_enforces_the_external_sending_side(world, external_program, unit_key, rank, leadership, allowed):
    _program, post = external_program
    unit = world.units[unit_key]
    if unit_key == "city_drc" and allowed:
        unit = services.unit_update(acting_user=world.users["orgstaff"], unit=unit, is_comprehensive_department=True)
    who = make_cadre(acting_user=world.admin, name="吴昊", sending_unit=unit, rank=rank, is_leadership=leadership)
    before = _counts()
    if allowed:
        placement = services.placement_create(acting_user=world.users["orgstaff"], cadre=who, host_post=post)
        assert placement.status == Placement.Status.PROPOSED
        assert _counts() == (before[0] + 1, before[1] + 1)
    else:
        with pytest.raises(DirectionRuleViolation, match="挂职方式与"):
            services.placement_create(acting_user=world.users["orgstaff"], cadre=who, host_post=post)
        assert _counts() == before


def test_R4_the_admin_placement_form_shows_the_sending_side_refusal(client, world, external_program):
    _program, post = external_program
    who = make_cadre(acting_user=world.admin, name="吴昊", sending_unit=world.units["zz_drc"], rank=R.GENERAL)
    login(client, world.users["orgstaff"])
    response = client.post(url("placement", "add"), {"cadre": who.pk, "host_post": post.pk, **PLACEMENT_INLINES})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "干部“吴昊”为一般干部，未任领导职务，不是县乡领导干部" in errors
    assert not Placement.objects.filter(cadre=who).exists()


# --- the unit flag ---------------------------------------------------------------------------


def test_R4_only_a_city_unit_is_a_comprehensive_department(world):
    with pytest.raises(ProgramsError, match="只有市级单位可以标为市直综合部门"):
        services.unit_update(acting_user=world.users["countystaff"], unit=world.units["zz_drc"], is_comprehensive_department=True)
    with pytest.raises(ProgramsError, match="只有市级单位可以标为市直综合部门"):
        services.unit_create(acting_user=world.users["countystaff"], name="泽州县委办公室", level=L.COUNTY,
                             kind=K.PARTY_GOVERNMENT, region="山西省晋城市泽州县", department=world.zezhou,
                             is_comprehensive_department=True)
    unit = make_unit("中共晋城市委办公室", level=L.CITY, kind=K.PARTY_GOVERNMENT, department=world.city)
    services.unit_update(acting_user=world.users["orgstaff"], unit=unit, is_comprehensive_department=True)
    unit.refresh_from_db()
    assert unit.is_comprehensive_department
    assert AuditLog.objects.get(action="unit_update", target_id=str(unit.pk)).data == {"is_comprehensive_department": [False, True]}


def test_R4_the_flag_is_edited_and_filtered_in_the_unit_admin(client, world):
    staff = world.users["orgstaff"]
    login(client, staff)
    unit = world.units["city_drc"]
    page = client.get(url("unit", "change", unit.pk))
    assert "is_comprehensive_department" in page.context["adminform"].form.fields
    data = changeform_data(page)
    data["is_comprehensive_department"] = "on"
    assert client.post(url("unit", "change", unit.pk), data).status_code == 302
    unit.refresh_from_db()
    assert unit.is_comprehensive_department
    assert rows(client.get(url("unit"), {"is_comprehensive_department__exact": "1"})) == {unit}


def test_R4_the_flag_is_imported_and_exported(client, world):
    headers = ["名称", "层级", "类别", "地区", "上级单位", "所属组织部", "市直综合部门"]
    user = importer(world.users["orgstaff"])
    good = run_import(UnitResource, user, workbook([
        ["中共晋城市委宣传部", "市", "党政机关", "山西省晋城市", "", "晋城市委组织部", "是"],
        ["晋城市文化和旅游局", "市", "党政机关", "山西省晋城市", "", "晋城市委组织部", "否"],
    ], headers), name="单位.xlsx")
    assert good.totals["new"] == 2, good.error_lines
    assert Unit.objects.get(name="中共晋城市委宣传部").is_comprehensive_department
    assert not Unit.objects.get(name="晋城市文化和旅游局").is_comprehensive_department
    bad = run_import(UnitResource, user, workbook([
        ["泽州县委宣传部", "县", "党政机关", "山西省晋城市泽州县", "", "泽州县委组织部", "是"],
    ], headers), name="单位.xlsx")
    assert "第 2 行“市直综合部门”：只有市级单位可以标为市直综合部门。" in bad.error_lines
    assert not Unit.objects.filter(name="泽州县委宣传部").exists()

    client.force_login(world.users["orgstaff"])
    exported = {r["名称"].value: r["市直综合部门"].value for r in records(sheet_of(client.get(export_url("unit"))))}
    assert exported["中共晋城市委宣传部"] == "是" and exported["晋城市发展和改革委员会"] == "否"
