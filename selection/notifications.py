"""Telling candidates what happened to the selection they are in. E-mail only to users with an
address on file."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from .models import Application, Selection

# Candidates still in the running at each stage hear of it.
_NOTIFIED = {
    Selection.Stage.SHORTLISTED: (Application.Status.SHORTLISTED,),
    Selection.Stage.DECIDED: (Application.Status.CHOSEN,),
    Selection.Stage.CONCLUDED: (Application.Status.PLACED,),
}


def selection_stage_notify(*, selection_id: int, stage: str) -> int:
    """E-mail the candidates concerned by a stage. Stale jobs (the selection has moved on) send
    nothing, so a job run twice never mails about a stage that is over. Returns messages sent."""
    selection = Selection.objects.select_related("program").filter(pk=selection_id, stage=stage).first()
    if selection is None or stage not in _NOTIFIED:
        return 0
    addresses = (
        Application.objects.filter(selection=selection, status__in=_NOTIFIED[stage])
        .exclude(cadre__user__isnull=True).exclude(cadre__user__email="")
        .values_list("cadre__name", "cadre__user__email")
    )
    subject = _("选派工作进展：%(program)s") % {"program": selection.program}
    messages = [
        (subject, _("%(cadre)s：您报名的“%(program)s”选派工作已进入“%(stage)s”阶段。") % {
            "cadre": name, "program": selection.program, "stage": selection.get_stage_display(),
        }, settings.DEFAULT_FROM_EMAIL, [email])
        for name, email in addresses
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
