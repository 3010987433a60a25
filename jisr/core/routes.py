"""Every URL route is classified here as public or protected, by its name.

The route-walking test (core/tests/test_routes.py) finds all routes from the URL resolver and
fails on any route missing from this table, so a new page cannot ship without someone
deciding who may open it. *Public* routes are open without login and must never show personal
data; *protected* routes need a logged-in staff member (and then the access policy decides).
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, reverse

PUBLIC = "public"
PROTECTED = "protected"

ROUTES: dict[str, str] = {
    # core
    "core:home": PROTECTED,
    "core:audit_list": PROTECTED,
    # accounts: the ways in are public, the rest protected
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:two_factor": PROTECTED,
    "accounts:password_change": PROTECTED,
    "accounts:team": PROTECTED,
    "accounts:staff_list": PROTECTED,
    "accounts:staff_create": PROTECTED,
    "accounts:staff_detail": PROTECTED,
    "accounts:staff_action": PROTECTED,
    # language switch (Django's set_language)
    "set_language": PUBLIC,
    # territories and the public directory: open to citizens, no personal data
    "territory:index": PUBLIC,
    "territory:region": PUBLIC,
    "territory:province": PUBLIC,
    "territory:commune": PUBLIC,
    "directory:index": PUBLIC,
    "directory:services": PUBLIC,
    "directory:centre": PUBLIC,
    "directory:partner": PUBLIC,
    # network management (staff; the access policy scopes each page)
    "network:centre_list": PROTECTED,
    "network:centre_create": PROTECTED,
    "network:centre_edit": PROTECTED,
    "network:centre_offering_create": PROTECTED,
    "network:partner_list": PROTECTED,
    "network:partner_edit": PROTECTED,
    "network:partner_offering_create": PROTECTED,
    "network:offering_edit": PROTECTED,
    # the registry of persons (staff; persons_for scopes every page)
    "registry:search": PROTECTED,
    "registry:person_create": PROTECTED,
    "registry:duplicate_candidates": PROTECTED,
    "registry:person_detail": PROTECTED,
    "registry:person_edit": PROTECTED,
    "registry:document_add": PROTECTED,
    "registry:phone_add": PROTECTED,
    "registry:consent_record": PROTECTED,
    "registry:consent_withdraw": PROTECTED,
    "registry:consent_form": PROTECTED,
    "registry:sensitive": PROTECTED,
    "registry:break_glass": PROTECTED,
    "registry:household_create": PROTECTED,
    "registry:household_join": PROTECTED,
    "registry:household_detail": PROTECTED,
    "registry:duplicate_queue": PROTECTED,
    "registry:duplicate_scan_start": PROTECTED,
    "registry:duplicate_scan": PROTECTED,
    "registry:duplicate_pair": PROTECTED,
    "registry:duplicate_decide": PROTECTED,
    "registry:duplicate_merge": PROTECTED,
    "registry:merge_detail": PROTECTED,
    # cases (staff; cases_for and transfers_for scope every page)
    "cases:list": PROTECTED,
    "cases:reception": PROTECTED,
    "cases:open": PROTECTED,
    "cases:detail": PROTECTED,
    "cases:transition": PROTECTED,
    "cases:close": PROTECTED,
    "cases:reopen": PROTECTED,
    "cases:assign": PROTECTED,
    "cases:restrict": PROTECTED,
    "cases:book": PROTECTED,
    "cases:confirmation": PROTECTED,
    "cases:transfer_propose": PROTECTED,
    "cases:listening": PROTECTED,
    "cases:listening_preview": PROTECTED,
    "cases:listening_new": PROTECTED,
    "cases:listening_detail": PROTECTED,
    "cases:transfer_answer": PROTECTED,
    "cases:referral_create": PROTECTED,
    "cases:referral_new": PROTECTED,
    "cases:referral_places": PROTECTED,
    "cases:referral_inbox": PROTECTED,
    "cases:referral_detail": PROTECTED,
    "cases:referral_answer": PROTECTED,
    "cases:referral_withdraw": PROTECTED,
    "cases:referral_slip": PROTECTED,
    "cases:questionnaires": PROTECTED,
    "cases:version_new": PROTECTED,
    "cases:version": PROTECTED,
    "cases:calendar": PROTECTED,
    "cases:appointment_new": PROTECTED,
    "cases:appointment": PROTECTED,
    "cases:appointment_no_show": PROTECTED,
    "cases:appointment_cancel": PROTECTED,
    "cases:appointment_card": PROTECTED,
    "cases:casework": PROTECTED,
    "cases:note_add": PROTECTED,
    "cases:note": PROTECTED,
    "cases:document_add": PROTECTED,
    "cases:document": PROTECTED,
    "cases:caseload": PROTECTED,
    "cases:handover": PROTECTED,
    "cases:pathway_templates": PROTECTED,
    "cases:pathway_template": PROTECTED,
    "cases:pathway_template_steps": PROTECTED,
    "cases:plan_create": PROTECTED,
    "cases:plan": PROTECTED,
    "cases:plan_step_add": PROTECTED,
    "cases:plan_finish": PROTECTED,
    "cases:plan_step": PROTECTED,
    "cases:follow_up_schedule": PROTECTED,
    "cases:follow_up_record": PROTECTED,
    # the inbox (each staff member's own notifications)
    "notifications:inbox": PROTECTED,
    "notifications:read": PROTECTED,
    "notifications:read_all": PROTECTED,
    # bulk imports (staff; imports.selectors scopes every page to the manager's centre)
    "imports:index": PROTECTED,
    "imports:start": PROTECTED,
    "imports:run_detail": PROTECTED,
    "imports:mapping": PROTECTED,
    "imports:run_progress": PROTECTED,
    "imports:run_report": PROTECTED,
    "imports:run_for_real": PROTECTED,
    "imports:run_resume": PROTECTED,
    "imports:source_edit": PROTECTED,
    # activity figures (reports.selectors scopes them with policy.kpi_centres_for)
    "cases:work": PROTECTED,
    "cases:queues": PROTECTED,
    "reports:kpis": PROTECTED,
    "reports:kpis_centre": PROTECTED,
    "reports:monthly_request": PROTECTED,
    "reports:monthly_request_centre": PROTECTED,
    "reports:monthly_detail": PROTECTED,
    "reports:monthly_file": PROTECTED,
    # API
    "api:auth_token": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:me": PROTECTED,
    "api:roles": PROTECTED,
    "api:users": PROTECTED,
    "api:user_detail": PROTECTED,
    "api:user_deactivate": PROTECTED,
    "api:user_activate": PROTECTED,
    "api:audit": PROTECTED,
    "api:case_referrals": PROTECTED,
    "api:referrals": PROTECTED,
    "api:referral_detail": PROTECTED,
    "api:referral_accept": PROTECTED,
    "api:referral_withdraw": PROTECTED,
    "api:referral_decline": PROTECTED,
    "api:referral_deliver": PROTECTED,
    "api:referral_not_deliver": PROTECTED,
    "api:referral_slip": PROTECTED,
    "api:pathway_templates": PROTECTED,
    "api:pathway_template": PROTECTED,
    "api:pathway_template_versions": PROTECTED,
    "api:pathway_template_publish": PROTECTED,
    "api:pathway_template_steps": PROTECTED,
    "api:pathway_template_step": PROTECTED,
    "api:pathway_template_step_move": PROTECTED,
    "api:case_plans": PROTECTED,
    "api:case_follow_ups": PROTECTED,
    "api:plan_detail": PROTECTED,
    "api:plan_steps": PROTECTED,
    "api:plan_finish": PROTECTED,
    "api:plan_steps_overdue": PROTECTED,
    "api:plan_step": PROTECTED,
    "api:plan_step_move": PROTECTED,
    "api:plan_step_start": PROTECTED,
    "api:plan_step_complete": PROTECTED,
    "api:plan_step_skip": PROTECTED,
    "api:follow_up_record": PROTECTED,
    "api:duplicate_scans": PROTECTED,
    "api:duplicate_scan_detail": PROTECTED,
    "api:duplicate_pairs": PROTECTED,
    "api:duplicate_pair_detail": PROTECTED,
    "api:duplicate_pair_decision": PROTECTED,
    "api:merges": PROTECTED,
    "api:merge_detail": PROTECTED,
    "api:merge_undo": PROTECTED,
    "api:regions": PUBLIC,
    "api:region_detail": PUBLIC,
    "api:provinces": PUBLIC,
    "api:province_detail": PUBLIC,
    "api:cercles": PUBLIC,
    "api:communes": PUBLIC,
    "api:commune_detail": PUBLIC,
    "api:arrondissements": PUBLIC,
    "api:census_indicators": PUBLIC,
    "api:territory_sources": PUBLIC,
    "api:directory_centres": PUBLIC,
    "api:directory_centre": PUBLIC,
    "api:directory_partners": PUBLIC,
    "api:directory_partner": PUBLIC,
    "api:directory_services": PUBLIC,
    "api:directory_offerings": PUBLIC,
    "api:hsds_root": PUBLIC,
    "api:hsds_services": PUBLIC,
    "api:hsds_service": PUBLIC,
    "api:centres": PROTECTED,
    "api:centre_detail": PROTECTED,
    "api:partners": PROTECTED,
    "api:partner_detail": PROTECTED,
    "api:offerings": PROTECTED,
    "api:offering_detail": PROTECTED,
    "api:persons": PROTECTED,
    "api:persons_duplicates": PROTECTED,
    "api:person_detail": PROTECTED,
    "api:person_documents": PROTECTED,
    "api:person_phones": PROTECTED,
    "api:person_consents": PROTECTED,
    "api:person_sensitive": PROTECTED,
    "api:person_break_glass": PROTECTED,
    "api:person_move": PROTECTED,
    "api:consent_withdraw": PROTECTED,
    "api:households": PROTECTED,
    "api:notifications": PROTECTED,
    "api:notifications_read_all": PROTECTED,
    "api:notification_read": PROTECTED,
    "api:household_detail": PROTECTED,
    "api:household_members": PROTECTED,
    "api:cases": PROTECTED,
    "api:case_detail": PROTECTED,
    "api:case_transition": PROTECTED,
    "api:case_close": PROTECTED,
    "api:case_reopen": PROTECTED,
    "api:case_assign": PROTECTED,
    "api:case_restrict": PROTECTED,
    "api:case_appointments": PROTECTED,
    "api:case_transfers": PROTECTED,
    "api:case_listening": PROTECTED,
    "api:case_listening_complete": PROTECTED,
    "api:case_listenings": PROTECTED,
    "api:case_listening_detail": PROTECTED,
    "api:appointments": PROTECTED,
    "api:appointment_slots": PROTECTED,
    "api:appointment_cancel": PROTECTED,
    "api:transfers": PROTECTED,
    "api:calendar": PROTECTED,
    "api:appointment_detail": PROTECTED,
    "api:appointment_reschedule": PROTECTED,
    "api:appointment_no_show": PROTECTED,
    "api:appointment_card": PROTECTED,
    "api:case_notes": PROTECTED,
    "api:case_note": PROTECTED,
    "api:case_documents": PROTECTED,
    "api:case_document": PROTECTED,
    "api:caseload": PROTECTED,
    "api:caseload_handover": PROTECTED,
    "api:transfer_accept": PROTECTED,
    "api:transfer_decline": PROTECTED,
    "api:transfer_cancel": PROTECTED,
    "api:questionnaire_version": PROTECTED,
    "api:questionnaires": PROTECTED,
    "api:questionnaire_versions": PROTECTED,
    "api:questionnaire_version_publish": PROTECTED,
    "api:questionnaire_sections": PROTECTED,
    "api:questionnaire_section": PROTECTED,
    "api:questionnaire_questions": PROTECTED,
    "api:questionnaire_question": PROTECTED,
    "api:questionnaire_options": PROTECTED,
    "api:questionnaire_option": PROTECTED,
    "api:questionnaire_rules": PROTECTED,
    "api:questionnaire_rule": PROTECTED,
    "api:import_sources": PROTECTED,
    "api:import_runs": PROTECTED,
    "api:import_run_detail": PROTECTED,
    "api:import_run_issues": PROTECTED,
}


# --- links to one object, many times a page ---------------------------------------------

_MARK = 918273645  # an id no route's pattern could mistake for anything else


@functools.lru_cache(maxsize=256)
def _around_pk(name: str, prefix: str) -> tuple[str, str]:
    # Forgotten with the URL configuration (``_forget_routes``), as reverse's own caches are
    head, found, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    if not found:
        raise NoReverseMatch(f"{name} does not take one id")
    return head, tail


def pk_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a route whose one argument is an integer id, from
    the route's text around the id, found once per route: a work list links each of its
    lines, and Django's ``reverse`` searches the URL patterns every time (188 searches
    on a busy worker's "My work")."""
    head, tail = _around_pk(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@functools.lru_cache(maxsize=256)
def _address(name: str, prefix: str) -> str:
    return reverse(name)


def url(name: str) -> str:
    """``reverse(name)`` for a route without arguments, found once per route: the menu
    links twenty of them on every page."""
    return _address(name, get_script_prefix())


@receiver(setting_changed)
def _forget_routes(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _around_pk.cache_clear()
        _address.cache_clear()
