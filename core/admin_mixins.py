"""Admin building blocks shared by every app: row scope by role (D1, D6) and service writes.

``ScopedAdmin`` makes a model admin read through the model's ``<model>s_visible_to`` selector,
so the change list, change/delete/history views, autocomplete, filters and actions all see the
same rows; an object outside that set answers 404, exactly like one that does not exist.
Writes go through the services (STYLE 2): a business refusal (``ApplicationError``) raised while
saving rolls the whole request back and is shown on the form it came from.

Some fields are shown masked to most users (the ID number, R3). A user who may not read such a
field may not query it either: ``admin_field_restrict`` registers it, and every scoped admin then
refuses URL lookups that reach it — on its own model or through a relation, in the change list
and in the export that reads it (``lookup_allowed``: Django answers 400) — and leaves it out of
the search box and the autocomplete. Each narrowed answer would give away a digit.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.display import days_text
from core.exceptions import ApplicationError

SERVICE_ERROR_ATTR = "_admin_service_error"


class ServiceErrorFormMixin:
    """Adds the refusal of a rolled-back save to the form as a non-field error."""

    admin_request = None
    admin_service_error = None

    def clean(self):
        cleaned_data = super().clean()
        if self.admin_service_error:
            self.add_error(None, self.admin_service_error)
        return cleaned_data


def object_adopt(target, source) -> None:
    """Copy a saved row into the admin's in-memory object, so the inline formsets, the log
    entry and the redirect that follow refer to what the service actually wrote."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


# (model label, field name) → function(user) → whether the user may read the field unmasked
_RESTRICTED_FIELDS: dict[tuple[str, str], Callable[[object], bool]] = {}


def admin_field_restrict(model, field_name: str, *, readable_by: Callable[[object], bool]) -> None:
    """Keep ``model.field_name`` out of the admin's URL lookups and searches for the users
    ``readable_by`` refuses."""
    _RESTRICTED_FIELDS[(model._meta.label_lower, field_name)] = readable_by


def lookup_reaches_restricted_field(model, lookup: str, user) -> bool:
    """Whether a lookup path (``placement__cadre__id_number__startswith``, a search field) reaches
    a field the user may not read. Walks the relations part by part; the first part that is no
    field is a lookup or transform name, and the path ends there."""
    opts = model._meta
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        readable_by = _RESTRICTED_FIELDS.get((opts.label_lower, field.name))
        if readable_by is not None and not readable_by(user):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


class ScopedAdmin:
    """Mixin for ``admin.ModelAdmin``: rows come from a selector, out of scope is 404.

    Subclasses set ``scope_selector = staticmethod(selectors.<model>s_visible_to)`` and, where an
    object may be visible but not changeable, override ``can_change_object``.
    ``scope_select_related`` names what ``__str__`` needs, so autocomplete answers and filter
    choices cost one query however many rows they list; ``list_select_related`` is added to it.
    """

    scope_selector = None
    scope_select_related: tuple = ()
    # Shown instead of ``search_help_text`` to users for whom a restricted field left the search.
    search_help_text_restricted = None

    # --- reading -------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = self.scope_selector(request.user)
        # The change list skips list_select_related once the queryset has any select_related,
        # so both are applied here.
        related = [*self.scope_select_related]
        if isinstance(self.list_select_related, (list, tuple)):
            related += self.list_select_related
        if related:
            queryset = queryset.select_related(*related)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # D6: out of scope must look exactly like a non-existent id, never a redirect
            # with a message that tells the two apart.
            raise Http404(_("未找到该记录。"))
        return obj

    # --- restricted fields: no filter, export or search on what the user sees masked ---------

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and lookup_reaches_restricted_field(self.model, lookup, request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        return [
            name for name in super().get_search_fields(request)
            if not lookup_reaches_restricted_field(self.model, name.lstrip("^=@"), request.user)
        ]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.search_help_text_restricted and len(self.get_search_fields(request)) < len(self.search_fields):
            changelist.search_help_text = self.search_help_text_restricted
        return changelist

    def get_field_queryset(self, db, db_field, request):
        """Foreign-key choices come from the related model's scoped admin."""
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return super().get_field_queryset(db, db_field, request)
        if isinstance(related_admin, ScopedAdmin):
            return related_admin.get_queryset(request)
        return super().get_field_queryset(db, db_field, request)

    # --- permissions ---------------------------------------------------------------------------

    def can_change_object(self, request, obj) -> bool:
        """Whether the user may change this visible object. Visible is not always changeable:
        e.g. a program another department organises in which one of our cadres serves."""
        return True

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.can_change_object(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self.can_change_object(request, obj)

    # --- writing through services --------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"admin_request": request, "admin_service_error": getattr(request, SERVICE_ERROR_ATTR, None)}
        return type(form.__name__, (ServiceErrorFormMixin, form), attrs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # AccessDenied is also PermissionDenied: in scope but not allowed is 403 (D6).
            if isinstance(exc, PermissionDenied) or getattr(request, SERVICE_ERROR_ATTR, None):
                raise
            # The atomic block of the view has rolled the write back; render the same POST
            # again with the service's message on the form.
            setattr(request, SERVICE_ERROR_ATTR, exc.message)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        """Inline rows are saved by their inline's service hooks (``ServiceInline``)."""
        inline = next((cls for cls in self.inlines if cls.model is formset.model), None)
        if inline is None or not issubclass(inline, ServiceInline):
            raise NoServiceWrite(formset.model)
        instances = formset.save(commit=False)
        changed = {obj.pk: fields for obj, fields in formset.changed_objects}
        for obj in formset.deleted_objects:
            inline.service_delete(request, obj)
        for obj in instances:
            if obj.pk in changed:
                inline.service_update(request, obj, changed[obj.pk])
            else:
                inline.service_create(request, obj)
        formset.save_m2m()

    def delete_queryset(self, request, queryset):
        # One service call per row, so each deletion is checked and audited like a single one.
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.delete_model(request, obj)
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                self.message_user(
                    request, _("%(object)s：%(error)s") % {"object": obj, "error": exc.message}, messages.ERROR
                )

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            self.message_user(request, exc.message, messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id], current_app=self.admin_site.name)
            )


class NoServiceWrite(RuntimeError):
    """An inline write reached the admin with no service behind it: a programming error, not
    something to fall back to a raw save for."""

    def __init__(self, model):
        super().__init__(f"no service write configured for {model._meta.label}")


class ServiceInline:
    """Mixin for inlines: rows are written by services, and the inline is changeable exactly
    when its parent object is (the parent admin's ``can_change_object``)."""

    readonly_inline = False
    # Most inlines name a save service (new and changed rows) and a delete service taking the
    # row as ``service_arg``; inlines with other needs override the service_* hooks.
    save_service = None
    delete_service = None
    service_arg = ""

    @classmethod
    def _service_call(cls, service, request, obj):
        if service is None:
            raise NoServiceWrite(cls.model)
        return service(acting_user=request.user, **{cls.service_arg: obj})

    @classmethod
    def service_create(cls, request, obj):
        cls._service_call(cls.save_service, request, obj)

    @classmethod
    def service_update(cls, request, obj, changed_fields):
        cls._service_call(cls.save_service, request, obj)

    @classmethod
    def service_delete(cls, request, obj):
        cls._service_call(cls.delete_service, request, obj)

    def _parent_allows(self, request, obj) -> bool:
        if self.readonly_inline:
            return False
        if obj is None:
            return True
        parent_admin = self.admin_site.get_model_admin(self.parent_model)
        return parent_admin.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_allows(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_allows(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_allows(request, obj) and super().has_delete_permission(request, obj)

    def get_field_queryset(self, db, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return super().get_field_queryset(db, db_field, request)
        if isinstance(related_admin, ScopedAdmin):
            return related_admin.get_queryset(request)
        return super().get_field_queryset(db, db_field, request)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter whose choices are the related rows both used by the visible rows
    and visible themselves: another department's units or departments never appear."""

    def field_choices(self, field, request, model_admin):
        related_model = field.remote_field.model
        try:
            related_admin = model_admin.admin_site.get_model_admin(related_model)
        except NotRegistered:
            related_admin = None
        if isinstance(related_admin, ScopedAdmin):
            related = related_admin.get_queryset(request)
        else:
            related = related_model._default_manager.all()
        used = model_admin.get_queryset(request).order_by().values(self.field_path)
        related = related.filter(pk__in=used)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in related]


class ScopedValuesFilter(admin.AllValuesFieldListFilter):
    """Django's all-values filter reads an unscoped table when the path crosses a relation;
    this one always reads the values from the visible rows."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        # Still lazy: no query has run yet, so replacing it costs nothing.
        self.lookup_choices = (
            model_admin.get_queryset(request)
            .order_by(field_path)
            .values_list(field_path, flat=True)
            .distinct()
        )


def form_model_values(form, *, changed_only: bool) -> dict:
    """The model fields of a valid admin form as service keyword arguments: all of them for
    an add, only the changed ones for a change (so the audit diff lists what the user changed).
    A cleared file becomes the empty name, as the model stores it."""
    model = form._meta.model
    names = form.changed_data if changed_only else list(form.cleaned_data)
    values = {}
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # an extra form field, e.g. a change reason
        if not field.concrete or field.many_to_many or field.primary_key:
            continue
        value = form.cleaned_data.get(name)
        if isinstance(field, models.FileField) and not value:
            value = ""
        values[name] = value
    return values


class PlacementColumns:
    """The cadre and host-unit columns of a record that belongs to a placement (``obj.placement``);
    the admin selects ``placement__cadre`` and ``placement__host_post__host_unit`` with the rows."""

    @admin.display(description=gettext_lazy("挂职干部"), ordering="placement__cadre__name")
    def cadre(self, obj):
        return obj.placement.cadre.name

    @admin.display(description=gettext_lazy("挂职单位"), ordering="placement__host_post__host_unit__name")
    def host_unit(self, obj):
        return obj.placement.host_post.host_unit


def days_column(model, field: str):
    """A model admin method showing a number of days as people write it (3, 3.5, 21; the admin
    prints a decimal field as 21.0), titled and sorted like the field:
    ``days_shown = days_column(LeaveRequest, "days")``."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(self, obj):
        return days_text(getattr(obj, field))

    return column


class FlagFilter(admin.SimpleListFilter):
    """A filter with one choice, e.g. 超期未销假: subclasses name the title, the parameter, the
    choice's ``label`` and how it narrows the rows (``narrow``)."""

    label: str

    def lookups(self, request, model_admin):
        return [("1", self.label)]

    def queryset(self, request, queryset):
        return self.narrow(request, queryset) if self.value() == "1" else queryset

    def narrow(self, request, queryset):
        raise NotImplementedError


class DoneFilter(admin.SimpleListFilter):
    """A filter on whether something was done: ``field`` (a timestamp) set or not. Subclasses name
    the title, the parameter, the field and the two choices, e.g. 未确认 / 已确认."""

    field: str
    not_done_label: str
    done_label: str

    def lookups(self, request, model_admin):
        return [("no", self.not_done_label), ("yes", self.done_label)]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ActionPageMixin:
    """The intermediate page of an admin action that needs input (a date, a document number, a
    reason) before it calls its service: the selected objects, the form, confirm or cancel."""

    action_template = "admin/action_form.html"

    def action_page(self, request, objects, *, form, title, intro, submit_label=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": self.model._meta,
            "objects": list(objects),
            "form": form,
            "action": request.POST.get("action", ""),
            "submit_label": submit_label,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.action_template, context)

    def applying(self, request) -> bool:
        """Whether the action's page was submitted (rather than the action chosen in the list)."""
        return "apply" in request.POST


class GapReportMixin:
    """Read-only reports of what is missing, linked above a model's change list.

    Subclasses list ``gap_reports = [(slug, label, method name)]``; each method takes the request
    and returns a dict with ``title``, ``intro``, ``headers``, ``rows`` ((url or "", cells)) and
    ``empty``, built through the scoped selectors. URL name: ``<app>_<model>_<slug>``.
    """

    gap_reports: list = []
    change_list_template = "admin/change_list_tools.html"

    def _gap_url_name(self, slug: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{slug.replace('-', '_')}"

    def get_urls(self):
        from django.urls import path

        def view_for(method_name):
            def view(request):
                if not self.has_view_permission(request):
                    raise PermissionDenied
                report = getattr(self, method_name)(request)
                context = {**self.admin_site.each_context(request), "opts": self.model._meta, **report}
                return TemplateResponse(request, "admin/gap_report.html", context)
            return self.admin_site.admin_view(view)

        return [
            path(f"{slug}/", view_for(method_name), name=self._gap_url_name(slug))
            for slug, _label, method_name in self.gap_reports
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        tools = [(reverse(f"admin:{self._gap_url_name(slug)}"), label) for slug, label, _method in self.gap_reports]
        return super().changelist_view(request, {**(extra_context or {}), "extra_tools": tools})
