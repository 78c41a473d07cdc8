"""R4: the direction rule of the four secondment types (上挂, 下挂, 平挂, 外挂)."""

import datetime as dt

import pytest

from core.models import AuditLog, Job
from programs import services
from programs.exceptions import DirectionRuleViolation
from programs.models import Cadre, Placement, PlacementStatusChange, SecondmentType, Unit
from programs.rules import secondment_direction_check
from tests.factories import make_cadre, make_unit

L, K, T = Unit.Level, Unit.Kind, SecondmentType
LEVEL_WORDS = {L.CENTRAL: "中央级", L.PROVINCE: "省级", L.CITY: "市级", L.COUNTY: "县级", L.TOWNSHIP: "乡镇/街道级",
               L.VILLAGE: "村/社区级"}


def unit(name, level, kind=K.PARTY_GOVERNMENT, *, external=False, comprehensive=False):
    """An unsaved unit: the rule reads only level, kind and the external and comprehensive flags."""
    return Unit(name=name, level=level, kind=kind, region="测试", is_external=external,
                is_comprehensive_department=comprehensive)


def check(*, secondment_type, sending_unit, host_unit):
    """The rule for a leadership cadre of ``sending_unit`` (外挂's sending side: test_rules_external_sender)."""
    cadre = Cadre(name="王强", sending_unit=sending_unit, rank=Cadre.Rank.TOWNSHIP_DEPUTY, is_leadership=True)
    secondment_direction_check(secondment_type=secondment_type, cadre=cadre, host_unit=host_unit)


ALLOWED = [
    # 上挂: 市/县直 → 中央/省直; 县直/乡镇 → 市直
    (T.UP, unit("晋城市财政局", L.CITY), unit("国家发展和改革委员会", L.CENTRAL)),
    (T.UP, unit("晋城市财政局", L.CITY), unit("山西省财政厅", L.PROVINCE)),
    (T.UP, unit("泽州县财政局", L.COUNTY), unit("山西省财政厅", L.PROVINCE)),
    (T.UP, unit("泽州县财政局", L.COUNTY), unit("国家发展和改革委员会", L.CENTRAL)),
    (T.UP, unit("泽州县财政局", L.COUNTY), unit("晋城市财政局", L.CITY)),
    (T.UP, unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), unit("晋城市财政局", L.CITY)),
    # 下挂: 市/县直 → 乡镇/街道, 村/社区
    (T.DOWN, unit("晋城市财政局", L.CITY), unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP)),
    (T.DOWN, unit("晋城市财政局", L.CITY), unit("泽州县巴公镇西郜村", L.VILLAGE, K.VILLAGE)),
    (T.DOWN, unit("泽州县财政局", L.COUNTY), unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP)),
    (T.DOWN, unit("泽州县财政局", L.COUNTY), unit("泽州县巴公镇西郜村", L.VILLAGE, K.VILLAGE)),
    # 平挂: 市/县直 → same-level 信访部门 or 重点工程项目
    (T.LATERAL, unit("晋城市财政局", L.CITY), unit("晋城市信访局", L.CITY, K.PETITION)),
    (T.LATERAL, unit("杭州市建设委员会", L.CITY), unit("杭州市地铁建设工程指挥部", L.CITY, K.KEY_PROJECT)),
    (T.LATERAL, unit("泽州县财政局", L.COUNTY), unit("泽州县信访局", L.COUNTY, K.PETITION)),
    (T.LATERAL, unit("泽州县财政局", L.COUNTY), unit("泽州县高速公路建设指挥部", L.COUNTY, K.KEY_PROJECT)),
    # 外挂: 市直综合部门, 县乡领导 → coastal developed areas, advanced nearby cities, abroad
    (T.EXTERNAL, unit("晋城市发展和改革委员会", L.CITY, comprehensive=True), unit("上海市浦东新区发改委", L.COUNTY, external=True)),
    (T.EXTERNAL, unit("泽州县发展和改革局", L.COUNTY), unit("深圳市前海管理局", L.CITY, external=True)),
    (T.EXTERNAL, unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), unit("苏州工业园区管委会", L.COUNTY, external=True)),
    (T.EXTERNAL, unit("中共晋城市委办公室", L.CITY, comprehensive=True), unit("中国驻新加坡经商处", L.CENTRAL, K.OVERSEAS)),
]

REFUSED = [
    # 上挂 needs a host above the sender
    (T.UP, unit("泽州县财政局", L.COUNTY), unit("高平市财政局", L.COUNTY)),
    (T.UP, unit("晋城市财政局", L.CITY), unit("太原市财政局", L.CITY)),
    (T.UP, unit("晋城市财政局", L.CITY), unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP)),
    (T.UP, unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), unit("山西省财政厅", L.PROVINCE)),
    (T.UP, unit("泽州县巴公镇西郜村", L.VILLAGE, K.VILLAGE), unit("晋城市财政局", L.CITY)),
    (T.UP, unit("山西省财政厅", L.PROVINCE), unit("国家发展和改革委员会", L.CENTRAL)),
    # 下挂 goes to a township or village from a city or county unit
    (T.DOWN, unit("泽州县发展和改革局", L.COUNTY), unit("泽州县信访局", L.COUNTY, K.PETITION)),
    (T.DOWN, unit("晋城市财政局", L.CITY), unit("泽州县财政局", L.COUNTY)),
    (T.DOWN, unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), unit("泽州县巴公镇西郜村", L.VILLAGE, K.VILLAGE)),
    (T.DOWN, unit("山西省财政厅", L.PROVINCE), unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP)),
    (T.DOWN, unit("泽州县财政局", L.COUNTY), unit("晋城市财政局", L.CITY)),
    # 平挂: same level and only to a petition office or a key project
    (T.LATERAL, unit("泽州县财政局", L.COUNTY), unit("晋城市信访局", L.CITY, K.PETITION)),
    (T.LATERAL, unit("晋城市财政局", L.CITY), unit("泽州县信访局", L.COUNTY, K.PETITION)),
    (T.LATERAL, unit("泽州县财政局", L.COUNTY), unit("泽州县农业农村局", L.COUNTY)),
    (T.LATERAL, unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP), unit("泽州县大东沟镇", L.TOWNSHIP, K.PETITION)),
    # 外挂: only to an external or overseas unit, from a city, county or township unit
    (T.EXTERNAL, unit("晋城市发展和改革委员会", L.CITY), unit("晋城市商务局", L.CITY)),
    (T.EXTERNAL, unit("泽州县发展和改革局", L.COUNTY), unit("山西省商务厅", L.PROVINCE)),
    (T.EXTERNAL, unit("泽州县巴公镇西郜村", L.VILLAGE, K.VILLAGE), unit("上海市浦东新区发改委", L.COUNTY, external=True)),
    (T.EXTERNAL, unit("山西省商务厅", L.PROVINCE), unit("上海市浦东新区发改委", L.COUNTY, external=True)),
]


def _case_id(case):
    secondment_type, sending, host = case
    return f"{secondment_type.label}:{sending.name}->{host.name}"


@pytest.mark.parametrize("case", ALLOWED, ids=_case_id)
def test_R4_allowed_directions_pass(case):
    secondment_type, sending, host = case
    check(secondment_type=secondment_type, sending_unit=sending, host_unit=host)


@pytest.mark.parametrize("case", REFUSED, ids=_case_id)
def test_R4_refused_direction_names_both_units_and_both_levels(case):
    secondment_type, sending, host = case
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(secondment_type=secondment_type, sending_unit=sending, host_unit=host)
    message = str(excinfo.value)
    assert f"“{secondment_type.label}”" in message
    assert f"派出单位“{sending.name}”为{LEVEL_WORDS[sending.level]}" in message
    assert f"挂职单位“{host.name}”为{LEVEL_WORDS[host.level]}" in message


def test_R4_down_to_a_county_unit_message_reads_in_chinese():
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(
            secondment_type=T.DOWN, sending_unit=unit("泽州县发展和改革局", L.COUNTY),
            host_unit=unit("泽州县信访局", L.COUNTY, K.PETITION),
        )
    message = str(excinfo.value)
    assert message.startswith("挂职方式与单位层级不符")
    assert "泽州县发展和改革局" in message and "泽州县信访局" in message
    assert message.count("县级") == 2
    assert "乡镇（街道）、村（社区）" in message  # what 下挂 would need


def test_R4_lateral_to_an_ordinary_department_names_the_kind():
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(
            secondment_type=T.LATERAL, sending_unit=unit("泽州县财政局", L.COUNTY),
            host_unit=unit("泽州县农业农村局", L.COUNTY),
        )
    message = str(excinfo.value)
    assert "信访部门或重点工程建设项目" in message
    assert "县级（党政机关）" in message


def test_R4_external_to_a_local_unit_says_it_is_local():
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(
            secondment_type=T.EXTERNAL, sending_unit=unit("晋城市发展和改革委员会", L.CITY),
            host_unit=unit("晋城市商务局", L.CITY),
        )
    message = str(excinfo.value)
    assert "本地单位" in message and message.count("市级") == 2


def test_R4_up_refusal_names_city_and_township_levels():
    with pytest.raises(DirectionRuleViolation) as excinfo:
        check(
            secondment_type=T.UP, sending_unit=unit("晋城市财政局", L.CITY),
            host_unit=unit("泽州县巴公镇", L.TOWNSHIP, K.TOWNSHIP),
        )
    message = str(excinfo.value)
    assert "“上挂”" in message and "市级" in message and "乡镇/街道级" in message


# --- Through the service: refused placements write nothing ---------------------------------


def _counts():
    return (Placement.objects.count(), PlacementStatusChange.objects.count(), AuditLog.objects.count(), Job.objects.count())


def test_R4_placement_create_refuses_down_to_a_county_unit_and_writes_nothing(world):
    post = services.host_post_create(acting_user=world.users["countystaff"], program=world.program, host_unit=world.units["zz_petition"], title="信访局副局长")
    before = _counts()
    with pytest.raises(DirectionRuleViolation) as excinfo:
        services.placement_create(acting_user=world.users["countystaff"], cadre=world.cadres["zz_second"], host_post=post)
    message = str(excinfo.value)
    assert "泽州县发展和改革局" in message and "泽州县信访局" in message and message.count("县级") == 2
    assert _counts() == before
    assert not Placement.objects.filter(cadre=world.cadres["zz_second"]).exists()


def test_R4_placement_create_refuses_lateral_to_an_ordinary_bureau_and_writes_nothing(world):
    # 杭州's 平挂 program: a city bureau is not a petition office or a key project.
    post = services.host_post_create(acting_user=world.users["hzstaff"], program=world.hz_program, host_unit=world.units["hz_bureau"], title="副主任")
    sender = make_unit("杭州市财政局", level=L.CITY, kind=K.PARTY_GOVERNMENT, department=world.hangzhou)
    cadre = make_cadre(acting_user=world.admin, name="周洁", sending_unit=sender, male=False, region="330106")
    before = _counts()
    with pytest.raises(DirectionRuleViolation) as excinfo:
        services.placement_create(acting_user=world.users["hzstaff"], cadre=cadre, host_post=post)
    assert "杭州市财政局" in str(excinfo.value) and "杭州市建设委员会" in str(excinfo.value)
    assert str(excinfo.value).count("市级") == 2
    assert _counts() == before


def test_R4_placement_create_refuses_up_from_a_township_to_the_province(world):
    program = services.program_create(
        acting_user=world.users["orgstaff"], name="乡镇干部上挂省直", secondment_type=T.UP, year=2026,
        organising_department=world.city, reference_date=dt.date(2026, 3, 1), planned_start=dt.date(2026, 4, 1),
    )
    post = services.host_post_create(acting_user=world.users["orgstaff"], program=program, host_unit=world.units["province_drc"], title="处长助理")
    township_cadre = make_cadre(acting_user=world.admin, name="郭亮", sending_unit=world.units["zz_township"])
    before = _counts()
    with pytest.raises(DirectionRuleViolation) as excinfo:
        services.placement_create(acting_user=world.users["orgstaff"], cadre=township_cadre, host_post=post)
    message = str(excinfo.value)
    assert "乡镇/街道级" in message and "省级" in message
    assert _counts() == before


@pytest.mark.parametrize(
    ("secondment_type", "sender_key", "host_key", "rank"),
    [
        (T.UP, "city_drc", "province_drc", Cadre.Rank.COUNTY_DEPUTY),
        (T.UP, "zz_drc", "city_drc", Cadre.Rank.TOWNSHIP_DEPUTY),
        (T.DOWN, "city_drc", "zz_village", Cadre.Rank.GENERAL),
        (T.LATERAL, "zz_drc", "zz_petition", Cadre.Rank.TOWNSHIP_FULL),
        (T.EXTERNAL, "zz_drc", "external", Cadre.Rank.COUNTY_DEPUTY),
    ],
)
def test_R4_placement_create_accepts_each_type_in_its_direction(world, secondment_type, sender_key, host_key, rank):
    program = services.program_create(
        acting_user=world.users["orgstaff"], name=f"{secondment_type.label}项目", secondment_type=secondment_type,
        year=2026, organising_department=world.city, reference_date=dt.date(2026, 3, 1),
        planned_start=dt.date(2026, 4, 1),
    )
    post = services.host_post_create(acting_user=world.users["orgstaff"], program=program, host_unit=world.units[host_key], title="挂职岗位")
    cadre = make_cadre(acting_user=world.admin, name="吴昊", sending_unit=world.units[sender_key], rank=rank)
    placement = services.placement_create(acting_user=world.users["orgstaff"], cadre=cadre, host_post=post)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    assert (placement.planned_start, placement.planned_end) == (program.planned_start, program.planned_end)
    assert placement.status_changes.get().to_status == Placement.Status.PROPOSED
    assert AuditLog.objects.filter(
        action="placement_create", target_type="programs.placement", target_id=str(placement.pk),
        actor=world.users["orgstaff"],
    ).exists()
