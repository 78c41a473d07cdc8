"""Telling people what happened. E-mail goes out only to users with an address on file."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from .models import Placement, RoleAssignment


def placement_status_notify(*, placement_id: int, status: str) -> int:
    """E-mail the cadre and the host unit's approvers that a placement changed status.

    Sends nothing when the placement has since moved on (the job is stale), so a job sent
    twice never mails about a state the placement no longer has. Returns messages sent.
    """
    placement = (
        Placement.objects.select_related("cadre__user", "host_post__host_unit", "program")
        .filter(pk=placement_id, status=status)
        .first()
    )
    if placement is None:
        return 0
    recipients = set()
    if placement.cadre.user and placement.cadre.user.email:
        recipients.add(placement.cadre.user.email)
    recipients |= set(
        RoleAssignment.objects.filter(
            role=RoleAssignment.Role.HOST_APPROVER, unit=placement.host_post.host_unit
        ).exclude(user__email="").values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    subject = _("挂职安排状态变更：%(cadre)s") % {"cadre": placement.cadre.name}
    body = _("%(cadre)s 在“%(program)s”中挂任“%(post)s”的安排，状态已变为“%(status)s”。") % {
        "cadre": placement.cadre.name,
        "program": placement.program,
        "post": placement.host_post,
        "status": placement.get_status_display(),
    }
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in sorted(recipients)]
    return send_mass_mail(messages, fail_silently=False)
