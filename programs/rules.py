"""Pure business rules of the programs area, without database writes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import DirectionRuleViolation
from .models import Cadre, SecondmentType, Unit

L = Unit.Level

# R4: which sending levels may go to which host levels for each type, as the seed's table says.
DIRECTION_RULES = {
    SecondmentType.UP: {L.CITY: {L.CENTRAL, L.PROVINCE}, L.COUNTY: {L.CENTRAL, L.PROVINCE, L.CITY}, L.TOWNSHIP: {L.CITY}},
    SecondmentType.DOWN: {L.CITY: {L.TOWNSHIP, L.VILLAGE}, L.COUNTY: {L.TOWNSHIP, L.VILLAGE}},
    SecondmentType.LATERAL: {L.CITY: {L.CITY}, L.COUNTY: {L.COUNTY}},
    SecondmentType.EXTERNAL: {L.CITY: None, L.COUNTY: None, L.TOWNSHIP: None},  # None: any level, if external
}
DIRECTION_DESCRIPTIONS = {
    SecondmentType.UP: gettext_lazy("“上挂”是从市、县直单位到中央、省直单位，或从县直单位、乡镇（街道）到市直单位，挂职单位层级须高于派出单位"),
    SecondmentType.DOWN: gettext_lazy("“下挂”是从市、县直单位到乡镇（街道）、村（社区）"),
    SecondmentType.LATERAL: gettext_lazy("“平挂”是从市、县直单位到同级的信访部门或重点工程建设项目"),
    SecondmentType.EXTERNAL: gettext_lazy("“外挂”是选派市直综合部门的干部或县、乡（镇）领导干部到沿海发达地区、周边先进地市或境外的单位"),
}
EXTERNAL_SENDER_RULE = gettext_lazy("“外挂”只选派市直综合部门的干部或县、乡（镇）领导干部")
LATERAL_HOST_KINDS = {Unit.Kind.PETITION, Unit.Kind.KEY_PROJECT}


def secondment_direction_check(*, secondment_type: str, cadre: Cadre, host_unit: Unit) -> None:
    """R4: refuse a placement whose units contradict its type, naming both units' levels; for
    外挂, also a cadre the sending side does not allow (``external_sender_check``)."""
    sending_unit = cadre.sending_unit
    _units_check(secondment_type=secondment_type, sending_unit=sending_unit, host_unit=host_unit)
    if secondment_type == SecondmentType.EXTERNAL:
        external_sender_check(cadre)


def is_county_township_leader(cadre: Cadre) -> bool:
    """"县乡领导干部": a cadre holding a leadership post (领导职务) at a rank tier above 一般干部."""
    return cadre.is_leadership and cadre.rank_tier != Cadre.RankTier.GENERAL


def external_sender_check(cadre: Cadre) -> None:
    """R4 外挂, the sending side: a cadre of a city unit flagged 市直综合部门, or a leadership
    cadre of a county or township unit. Other levels are refused by the unit rule."""
    unit = cadre.sending_unit
    if unit.level == L.CITY:
        if unit.is_comprehensive_department:
            return
        why = _("干部“%(cadre)s”的派出单位“%(unit)s”为%(level)s级单位，不是市直综合部门") % {
            "cadre": cadre.name, "unit": unit.name, "level": unit.get_level_display(),
        }
    elif unit.level in (L.COUNTY, L.TOWNSHIP):
        if is_county_township_leader(cadre):
            return
        values = {"unit": unit.name, "level": unit.get_level_display(), "cadre": cadre.name, "rank": cadre.get_rank_display()}
        if cadre.is_leadership:
            why = _("派出单位“%(unit)s”为%(level)s级单位，干部“%(cadre)s”为%(rank)s，不是县乡领导干部") % values
        else:
            why = _("派出单位“%(unit)s”为%(level)s级单位，干部“%(cadre)s”为%(rank)s，未任领导职务，不是县乡领导干部") % values
    else:
        return
    raise DirectionRuleViolation(_("挂职方式与干部不符：%(rule)s；%(why)s。") % {"rule": EXTERNAL_SENDER_RULE, "why": why})


def _units_check(*, secondment_type: str, sending_unit: Unit, host_unit: Unit) -> None:
    allowed = DIRECTION_RULES[secondment_type].get(sending_unit.level, set())
    if secondment_type == SecondmentType.EXTERNAL:
        ok = sending_unit.level in DIRECTION_RULES[secondment_type] and (
            host_unit.is_external or host_unit.kind == Unit.Kind.OVERSEAS
        )
    else:
        ok = host_unit.level in allowed
        if ok and secondment_type == SecondmentType.LATERAL:
            ok = host_unit.kind in LATERAL_HOST_KINDS
    if ok:
        return
    raise DirectionRuleViolation(
        _(
            "挂职方式与单位层级不符：%(rule)s；而派出单位“%(sending)s”为%(sending_level)s级%(sending_kind)s，"
            "挂职单位“%(host)s”为%(host_level)s级%(host_kind)s%(external)s。"
        )
        % {
            "rule": DIRECTION_DESCRIPTIONS[secondment_type],
            "sending": sending_unit.name,
            "sending_level": sending_unit.get_level_display(),
            "sending_kind": _("（%(kind)s）") % {"kind": sending_unit.get_kind_display()},
            "host": host_unit.name,
            "host_level": host_unit.get_level_display(),
            "host_kind": _("（%(kind)s）") % {"kind": host_unit.get_kind_display()},
            "external": _("，外地单位") if host_unit.is_external else _("，本地单位"),
        }
    )
