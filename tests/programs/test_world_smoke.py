from programs.models import Placement


def test_world_builds_through_services(world):
    assert world.placement.status == Placement.Status.ACTIVE
    assert world.hz_placement.status == Placement.Status.PROPOSED
    assert world.cadres["city_cadre"].managing_department == world.city
    assert world.cadres["cadre"].managing_department == world.zezhou
