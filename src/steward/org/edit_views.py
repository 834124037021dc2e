"""Editing the organization in the browser: forms for people, teams, moves, departments, roles.

Each page is for the org editors (policy.may_change_org); others get 403. The services check
the policy again and write the audit log.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from steward.core import policy
from steward.core.deletion import deletion_summary
from steward.core.editing import delete_page, form_page, require
from steward.org import forms, selectors, services
from steward.org.models import Department


def _editor(request: HttpRequest) -> None:
    require(policy.may_change_org(request.user))


def pick(request: HttpRequest, kind: str) -> HttpResponse:
    """HTMX: `<option>`s of visible people or teams whose name contains what was typed."""
    text = request.GET.get(request.GET.get("field", "q"), "") or request.GET.get("q", "")
    options = forms.picker_options(request.user, kind, text)
    return render(request, "org/edit/_options.html", {"options": options})


def pick_people(request: HttpRequest) -> HttpResponse:
    """HTMX picker suggestions: people by name."""
    return pick(request, "people")


def pick_teams(request: HttpRequest) -> HttpResponse:
    """HTMX picker suggestions: teams by name."""
    return pick(request, "teams")


def person_create(request: HttpRequest) -> HttpResponse:
    """Add a person."""
    _editor(request)
    form = forms.PersonForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="Add a person",
        back=reverse("org:person_list"),
        done=lambda p: reverse("org:person_detail", args=[p.employee_id]),
    )


def person_edit(request: HttpRequest, employee_id: str) -> HttpResponse:
    """Edit a person: the fields the user may see and change."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    _editor(request)
    form = forms.PersonForm(request.POST or None, actor=request.user, instance=person)
    back = reverse("org:person_detail", args=[employee_id])
    return form_page(request, form, title=f"Edit {person.name}", back=back, done=lambda p: back)


def team_move(request: HttpRequest) -> HttpResponse:
    """Move a person to another team from a date."""
    _editor(request)
    initial = {}
    employee_id = request.GET.get("person")
    if employee_id:
        initial["person"] = selectors.person_get(actor=request.user, employee_id=employee_id)
    form = forms.TeamMoveForm(request.POST or None, actor=request.user, initial=initial)
    return form_page(
        request,
        form,
        title="Move a person to another team",
        intro="The old membership ends the day before; the history keeps it.",
        back=reverse("org:team_list"),
        done=lambda p: reverse("org:person_detail", args=[p.employee_id]),
    )


def team_create(request: HttpRequest) -> HttpResponse:
    """Create a team."""
    _editor(request)
    form = forms.TeamForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="Create a team",
        back=reverse("org:team_list"),
        done=lambda t: reverse("org:team_detail", args=[t.slug]),
    )


def _team(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    _editor(request)
    return team


def team_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a team."""
    team = _team(request, slug)
    form = forms.TeamForm(request.POST or None, actor=request.user, instance=team)
    back = reverse("org:team_detail", args=[slug])
    return form_page(request, form, title=f"Edit {team.name}", back=back, done=lambda t: back)


def team_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete a team after confirmation (refused while people or history refer to it)."""
    team = _team(request, slug)
    return delete_page(
        request,
        what=f"team {team.name}",
        summary=deletion_summary(team),
        back=reverse("org:team_detail", args=[slug]),
        done=reverse("org:team_list"),
        delete=lambda: services.team_delete(actor=request.user, team=team),  # type: ignore[arg-type]
    )


def department_list(request: HttpRequest) -> HttpResponse:
    """Departments with their teams."""
    departments = selectors.department_list(actor=request.user).prefetch_related("teams")
    return render(
        request,
        "org/edit/department_list.html",
        {"departments": departments, "may_edit": policy.may_change_org(request.user)},
    )


def department_create(request: HttpRequest) -> HttpResponse:
    """Create a department."""
    _editor(request)
    form = forms.DepartmentForm(request.POST or None, actor=request.user)
    back = reverse("org:department_list")
    return form_page(request, form, title="Create a department", back=back, done=lambda d: back)


def _department(request: HttpRequest, slug: str) -> Department:
    department = selectors.department_list(actor=request.user).filter(slug=slug).first()
    if department is None:
        raise Http404("no such department")
    _editor(request)
    return department


def department_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Rename a department or move it."""
    department = _department(request, slug)
    form = forms.DepartmentForm(request.POST or None, actor=request.user, instance=department)
    back = reverse("org:department_list")
    return form_page(request, form, title=f"Edit {department.name}", back=back, done=lambda d: back)


def department_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete a department after confirmation."""
    department = _department(request, slug)
    return delete_page(
        request,
        what=f"department {department.name}",
        summary=deletion_summary(department),
        back=reverse("org:department_list"),
        done=reverse("org:department_list"),
        delete=lambda: services.department_delete(actor=request.user, department=department),  # type: ignore[arg-type]
    )


def role_create(request: HttpRequest) -> HttpResponse:
    """Write a new role description."""
    _editor(request)
    form = forms.RoleForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New role description",
        back=reverse("org:role_list"),
        done=lambda r: reverse("org:role_detail", args=[r.slug]),
    )


def _role(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    role = selectors.role_get(actor=request.user, slug=slug)
    if role is None:
        raise Http404("no such role")
    _editor(request)
    return role


def role_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a role description's Markdown."""
    role = _role(request, slug)
    form = forms.RoleForm(request.POST or None, actor=request.user, instance=role)
    back = reverse("org:role_detail", args=[slug])
    return form_page(request, form, title=f"Edit {role.title}", back=back, done=lambda r: back)


def role_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete a role description after confirmation."""
    role = _role(request, slug)
    return delete_page(
        request,
        what=f"role description {role.title}",
        summary=deletion_summary(role),
        back=reverse("org:role_detail", args=[slug]),
        done=reverse("org:role_list"),
        delete=lambda: services.role_description_delete(actor=request.user, role=role),  # type: ignore[arg-type]
    )
