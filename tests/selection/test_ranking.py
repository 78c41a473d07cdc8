"""R6 orders eligible candidates by priority; it never excludes anyone (R5 decides eligibility)."""

from selection import selectors
from selection.models import Application
from tests.selection.steps import applied


def test_R6_eligible_candidates_come_first_ordered_by_priority(scene):
    applied(scene)
    applications = (
        Application.objects.filter(selection=scene.selection)
        .select_related(*selectors.APPLICATION_RELATED).prefetch_related("cadre__resume_entries")
    )
    ranked = selectors.applications_ranked(applications)
    assert len(ranked) == 6  # nobody is left out
    names = [application.cadre.name for application, _failures, _score in ranked]
    assert names[-1] == "孙涛"  # over the 乡科级 age cap: ranked, but after every eligible candidate
    eligible_scores = [score.total for _application, failures, score in ranked if not failures]
    assert len(eligible_scores) == 5
    assert eligible_scores == sorted(eligible_scores, reverse=True)
    assert all(score.factors is not None for _a, _f, score in ranked)


def test_R6_ranking_costs_a_fixed_number_of_queries(scene, django_assert_num_queries):
    applied(scene)
    with django_assert_num_queries(2):  # the applications, and their cadres' résumé lines
        selectors.applications_ranked(
            Application.objects.filter(selection=scene.selection)
            .select_related(*selectors.APPLICATION_RELATED).prefetch_related("cadre__resume_entries")
        )


def test_R6_the_selection_page_shows_candidates_in_ranked_order(client, scene):
    applied(scene)
    client.force_login(scene.staff)
    page = client.get(f"/admin/selection/selection/{scene.selection.pk}/change/").content.decode()
    assert "报名人选排序" in page
    ranked = selectors.applications_ranked(
        Application.objects.filter(selection=scene.selection).select_related(*selectors.APPLICATION_RELATED)
    )
    positions = [page.index(f"<td>{application.cadre.name}</td>") for application, _f, _s in ranked]
    assert positions == sorted(positions)
    assert "年龄 42 岁，超过乡科级 40 岁的上限" in page
