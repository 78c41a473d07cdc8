"""Steps of a selection in the 泽州 world (R7), built through the services, and helpers that walk it
through its steps. Dates are in 2027: the application window is 4–15 January, the notice runs
1–5 February (five working days, D3)."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from programs import services as program_services
from programs.models import Program, RoleAssignment, SecondmentType
from selection import services
from selection.models import Application, Selection
from tests.factories import assign_role, make_cadre, make_user

APPLY_FROM = dt.date(2027, 1, 4)
APPLY_UNTIL = dt.date(2027, 1, 15)
APPLY_DAY = dt.date(2027, 1, 10)
SHORTLIST_DAY = dt.date(2027, 1, 20)
DECISION_DAY = dt.date(2027, 1, 27)
NOTICE_START = dt.date(2027, 2, 1)  # a Monday
NOTICE_END = dt.date(2027, 2, 5)  # the fifth working day
AFTER_NOTICE = dt.date(2027, 2, 8)


@dataclass
class Scene:
    world: object
    program: Program
    selection: Selection
    posts: dict
    cadres: dict
    users: dict
    applications: dict = field(default_factory=dict)

    @property
    def staff(self):
        return self.world.users["countystaff"]


def make_program(world, *, name="泽州县机关干部下挂乡镇(2027年)", preset=None, **policy) -> Program:
    program = program_services.program_create(
        acting_user=world.admin, name=name, secondment_type=SecondmentType.DOWN, year=2027,
        organising_department=world.zezhou, reference_date=dt.date(2027, 3, 1), planned_start=dt.date(2027, 4, 1),
        preset=preset,
    )
    if policy:
        program_services.program_policy_update(acting_user=world.admin, program=program, **policy)
    program.refresh_from_db()
    return program


@pytest.fixture
def scene(world):
    return build_scene(world)


@pytest.fixture
def transactional_scene(transactional_world):
    return build_scene(transactional_world)


def build_scene(world) -> Scene:
    """Program (晋城 default policy: 双向选择, 1:2 per program), two posts of one place each, and
    six applicants-to-be: five eligible 泽州 cadres and 孙涛, over the 乡科级 age cap.

    The dates count as written (weekends only): 2027 is recorded as entered with no day off in
    those weeks. Provisional counting over 春节 2027 is tested in test_notice_holidays."""
    w = world
    from django.utils import timezone

    from programs.models import HolidayYear

    HolidayYear.objects.get_or_create(year=2027, defaults={"source": HolidayYear.Source.STAFF, "entered_at": timezone.now()})
    program = make_program(w)
    posts = {
        "township": program_services.host_post_create(
            acting_user=w.admin, program=program, host_unit=w.units["zz_township"], title="党委委员、副镇长", places=1
        ),
        "village": program_services.host_post_create(
            acting_user=w.admin, program=program, host_unit=w.units["zz_village"], title="村党支部第一书记", places=1
        ),
    }
    users = {
        "zhou": make_user("zhou"),
        "petitionunit": make_user("petitionunit"),
    }
    assign_role(users["petitionunit"], RoleAssignment.Role.SENDING_CONTACT, unit=w.units["zz_petition"])
    drc, petition = w.units["zz_drc"], w.units["zz_petition"]
    cadres = {
        "周杰": make_cadre(acting_user=w.admin, name="周杰", sending_unit=drc, birth=dt.date(1990, 6, 1), user=users["zhou"]),
        "王芳": w.cadres["zz_second"],
        "吴敏": make_cadre(acting_user=w.admin, name="吴敏", sending_unit=drc, male=False, birth=dt.date(1991, 2, 3)),
        "郑浩": make_cadre(acting_user=w.admin, name="郑浩", sending_unit=petition, birth=dt.date(1989, 9, 9)),
        "冯丽": make_cadre(acting_user=w.admin, name="冯丽", sending_unit=petition, male=False, birth=dt.date(1992, 4, 4)),
        # 42 on the reference date 2027-03-01: over the 乡科级 cap of 40 (R5).
        "孙涛": make_cadre(acting_user=w.admin, name="孙涛", sending_unit=petition, birth=dt.date(1984, 12, 1)),
    }
    selection = services.selection_create(acting_user=w.users["countystaff"], program=program, effective_date=dt.date(2026, 12, 1))
    return Scene(world=w, program=program, selection=selection, posts=posts, cadres=cadres, users=users)


def announce(scene, **extra):
    values = {
        "apply_from": APPLY_FROM, "apply_until": APPLY_UNTIL, "announced_on": dt.date(2026, 12, 28),
        "announcement_number": "泽组通〔2026〕51号", "scope_text": "泽州县直机关在职在编干部",
        "standards": "大专以上学历,乡科级40周岁以下", **extra,
    }
    services.selection_announce(acting_user=scene.staff, selection=scene.selection, **values)
    scene.selection.refresh_from_db()
    return scene.selection


def register(scene, name, *, source=Application.Source.STAFF, post=None, applied_on=APPLY_DAY):
    application = services.application_create(
        acting_user=scene.staff, selection=scene.selection, cadre=scene.cadres[name], source=source,
        statement=f"{name}的书面申请", preferred_post=scene.posts[post] if post else None, applied_on=applied_on,
        today=APPLY_DAY,
    )
    scene.applications[name] = application
    return application


def recommend(scene, names, *, not_recommended=()):
    """Each sending unit's meeting recommends its applicants among ``names``."""
    by_unit = {}
    for name in names:
        by_unit.setdefault(scene.cadres[name].sending_unit, ([], []))[0].append(scene.applications[name])
    for name in not_recommended:
        by_unit.setdefault(scene.cadres[name].sending_unit, ([], []))[1].append(scene.applications[name])
    for unit, (yes, no) in by_unit.items():
        services.unit_recommendation_record(
            acting_user=scene.staff, selection=scene.selection, sending_unit=unit, meeting_on=dt.date(2027, 1, 18),
            report_text=f"{unit.name}党组会议研究推荐", recommended=yes, not_recommended=no,
        )
    for application in scene.applications.values():
        application.refresh_from_db()


ELIGIBLE = ["周杰", "王芳", "吴敏", "郑浩", "冯丽"]


def applied(scene, names=(*ELIGIBLE, "孙涛"), posts=None):
    announce(scene)
    for name in names:
        register(scene, name, post=(posts or {}).get(name))
    return scene


def shortlisted(scene, names=("周杰", "王芳", "吴敏", "郑浩")):
    applied(scene)
    recommend(scene, [*ELIGIBLE, "孙涛"])
    services.selection_shortlist(
        acting_user=scene.staff, selection=scene.selection, applications=[scene.applications[n] for n in names],
        meeting_on=SHORTLIST_DAY, document_number="泽组部务会〔2027〕3号", today=SHORTLIST_DAY,
    )
    scene.selection.refresh_from_db()
    return scene


def decided(scene):
    shortlisted(scene)
    services.selection_decide(
        acting_user=scene.staff, selection=scene.selection, meeting_on=DECISION_DAY, document_number="泽常〔2027〕7号",
        choices=[(scene.applications["周杰"], scene.posts["township"]), (scene.applications["王芳"], scene.posts["village"])],
    )
    scene.selection.refresh_from_db()
    return scene


def in_notice(scene):
    decided(scene)
    services.selection_notice_start(acting_user=scene.staff, selection=scene.selection, start=NOTICE_START)
    scene.selection.refresh_from_db()
    return scene


def status_of(scene, name) -> str:
    return Application.objects.get(pk=scene.applications[name].pk).status



