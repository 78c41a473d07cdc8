"""Forms of the programs area. They validate input; the services decide and write (STYLE 2).

Admin forms read the request from ``admin_request`` (set by ``core.admin_mixins.ScopedAdmin``)
to scope their choices to what the user may see.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError

from . import selectors, services
from .models import Cadre, Placement, Program


class CadreAdminForm(forms.ModelForm):
    """Registration and change of a cadre (R3). On registration, gender, birth date and managing
    department may be left empty: the first two come from the ID number, the last by D1."""

    managing_change_date = forms.DateField(
        label=_("管理权限变更生效日期"), required=False, help_text=_("变更管理组织部时填写；留空为今天。")
    )
    managing_change_reason = forms.CharField(
        label=_("管理权限变更原因"), required=False, max_length=200, help_text=_("如：职级晋升为县处级，改由市委组织部管理。")
    )

    class Meta:
        model = Cadre
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            optional = {
                "gender": _("留空则按身份证号第17位确定。"),
                "birth_date": _("留空则按身份证号中的出生日期填写。"),
                "managing_department": _("留空则按干部管理权限确定：县处级以上由市委组织部管理，其余由派出单位所属组织部管理。"),
            }
            for name, help_text in optional.items():
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].help_text = help_text


class ProgramAddForm(forms.ModelForm):
    """A new program picks a policy preset; the program gets its own copy of it (D2)."""

    preset = forms.ModelChoiceField(
        label=_("政策模板"),
        queryset=None,
        required=False,
        empty_label=_("默认模板（晋城）"),
        help_text=_("项目创建时复制所选模板的政策，之后修改模板不影响本项目。"),
    )

    class Meta:
        model = Program
        fields = [
            "name", "secondment_type", "year", "organising_department", "reference_date", "planned_start",
            "planned_end", "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].queryset = selectors.policy_presets_visible_to(self.admin_request.user)
        if "planned_end" in self.fields:
            self.fields["planned_end"].required = False
            self.fields["planned_end"].help_text = _("留空则按政策模板的挂职期限计算。")


class PlacementAddForm(forms.ModelForm):
    """Proposing a cadre for a host post (拟任). The program is the post's program."""

    class Meta:
        model = Placement
        fields = ["cadre", "host_post", "planned_start", "planned_end", "division_of_work", "work_targets"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("planned_start", "planned_end"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = _("留空则采用项目的计划日期。")

    def clean(self):
        cleaned_data = super().clean()
        cadre, host_post = cleaned_data.get("cadre"), cleaned_data.get("host_post")
        if cadre and host_post:
            # R4 shows on the form before anything is written.
            try:
                services.placement_check_direction(program=host_post.program, cadre=cadre, host_post=host_post)
            except ApplicationError as exc:
                self.add_error(None, exc.message)
        return cleaned_data

    def _post_clean(self):
        # The program comes from the post; set it so the model's own validation sees a whole row.
        host_post = self.cleaned_data.get("host_post")
        if host_post is not None:
            self.instance.program = host_post.program
        super()._post_clean()


class PlacementTransitionForm(forms.Form):
    """The small form of a status action: when it takes effect and why (R9; 提前结束、召回 need a reason)."""

    effective_date = forms.DateField(label=_("生效日期"), help_text=_("到岗、期满、提前结束或召回的日期。"))
    note = forms.CharField(label=_("说明或原因"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()
        if note_required:
            self.fields["note"].required = True
            self.fields["note"].label = _("原因")
