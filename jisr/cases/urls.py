"""Web routes of cases (jisr/core/routes.py classifies them)."""

from django.urls import path

from jisr.cases import (
    views,
    views_builder,
    views_calendar,
    views_casework,
    views_pathways,
    views_work,
)

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("work/", views_work.my_work, name="work"),
    path("work/queues/", views_work.centre_queues, name="queues"),
    path("reception/", views.reception_search, name="reception"),
    path("reception/<int:person_id>/", views.case_open, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/stage/", views.case_transition, name="transition"),
    path("<int:case_id>/close/", views.case_close, name="close"),
    path("<int:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("<int:case_id>/assign/", views.case_assign, name="assign"),
    path("<int:case_id>/restrict/", views.case_restrict, name="restrict"),
    path("<int:case_id>/appointments/", views.case_book, name="book"),
    path("<int:case_id>/confirmation/", views.confirmation, name="confirmation"),
    path("<int:case_id>/transfer/", views.transfer_propose, name="transfer_propose"),
    path("<int:case_id>/listening/", views.listening_page, name="listening"),
    path("<int:case_id>/listening/preview/", views.listening_preview,
         name="listening_preview"),
    path("<int:case_id>/listening/new/", views.listening_new, name="listening_new"),
    path("<int:case_id>/listenings/<int:listening_id>/", views.listening_detail,
         name="listening_detail"),
    path("transfers/<int:transfer_id>/", views.transfer_answer, name="transfer_answer"),
    # the appointments calendar (views_calendar.py)
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("<int:case_id>/appointments/new/", views_calendar.appointment_new,
         name="appointment_new"),
    path("appointments/<int:appointment_id>/", views_calendar.appointment_page,
         name="appointment"),
    path("appointments/<int:appointment_id>/no-show/", views_calendar.appointment_no_show,
         name="appointment_no_show"),
    path("appointments/<int:appointment_id>/cancel/", views_calendar.appointment_cancel,
         name="appointment_cancel"),
    path("appointments/<int:appointment_id>/card.pdf", views_calendar.appointment_card,
         name="appointment_card"),
    # notes, documents, caseload handover (views_casework.py)
    path("<int:case_id>/casework/", views_casework.casework_page, name="casework"),
    path("<int:case_id>/notes/", views_casework.note_add, name="note_add"),
    path("<int:case_id>/notes/<int:note_id>/", views_casework.note_detail, name="note"),
    path("<int:case_id>/documents/", views_casework.document_add, name="document_add"),
    path("<int:case_id>/documents/<int:document_id>/", views_casework.document_download,
         name="document"),
    path("caseload/", views_casework.caseload, name="caseload"),
    path("caseload/<int:user_id>/", views_casework.caseload_handover, name="handover"),
    path("questionnaires/", views_builder.questionnaire_list, name="questionnaires"),
    path("questionnaires/<int:questionnaire_id>/new-version/", views_builder.version_new,
         name="version_new"),
    path("questionnaires/versions/<int:version_id>/", views_builder.version_page,
         name="version"),
    # integration pathways: the template builder, a case's plans, follow-ups
    path("pathways/", views_pathways.template_list, name="pathway_templates"),
    path("pathways/<int:template_id>/", views_pathways.template_page,
         name="pathway_template"),
    path("pathways/<int:template_id>/steps/", views_pathways.template_steps,
         name="pathway_template_steps"),
    path("<int:case_id>/plans/", views_pathways.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views_pathways.plan_page, name="plan"),
    path("plans/<int:plan_id>/steps/", views_pathways.plan_step_add, name="plan_step_add"),
    path("plans/<int:plan_id>/finish/", views_pathways.plan_finish, name="plan_finish"),
    path("plans/steps/<int:plan_step_id>/", views_pathways.plan_step_action,
         name="plan_step"),
    path("<int:case_id>/follow-ups/", views_pathways.follow_up_schedule,
         name="follow_up_schedule"),
    path("follow-ups/<int:follow_up_id>/", views_pathways.follow_up_record,
         name="follow_up_record"),
]

from jisr.cases import views_referrals  # noqa: E402

urlpatterns += [
    path("<int:case_id>/referrals/", views_referrals.referral_create, name="referral_create"),
    path("<int:case_id>/referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("<int:case_id>/referrals/places/", views_referrals.referral_places,
         name="referral_places"),
    path("referrals/", views_referrals.referral_inbox, name="referral_inbox"),
    path("referrals/<int:referral_id>/", views_referrals.referral_detail,
         name="referral_detail"),
    path("referrals/<int:referral_id>/withdraw/", views_referrals.referral_withdraw,
         name="referral_withdraw"),
    path("referrals/<int:referral_id>/answer/", views_referrals.referral_answer,
         name="referral_answer"),
    path("referrals/<int:referral_id>/slip.pdf", views_referrals.referral_slip,
         name="referral_slip"),
]
