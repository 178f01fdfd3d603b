from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from .views import actions, deadlines, home, inbox, items, login, portfolio, pwa, reports, talk

app_name = "web"
urlpatterns = [
    path("", home.todo, name="todo"),
    path("login/", login.LoginView.as_view(), name="login"),
    # The second login step (two-factor): the code, or setting up the phone (issue 15.1).
    path("login/verify/", login.verify, name="otp_verify"),
    path("login/enrol/", login.enrol, name="otp_enrol"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("lang/", set_language, name="set_language"),
    path("items/", items.item_list, name="items"),
    path("items/export.xlsx", items.item_export, name="items_export"),
    path("items/new/", items.item_new, name="item_new"),
    path("items/<int:item_id>/", items.item_page, name="item"),
    path("items/<int:item_id>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:item_id>/do/<str:action>/", actions.do_action, name="do"),
    path("items/<int:item_id>/files/<int:attachment_id>/", items.attachment, name="attachment"),
    path("deadlines/", deadlines.deadlines, name="deadlines"),
    path("deadlines/export.xlsx", deadlines.deadlines_export, name="deadlines_export"),
    path("portfolio/", portfolio.portfolio_page, name="portfolio"),
    path("questions/", talk.questions, name="questions"),
    path("questions/<int:question_id>/answer/", talk.answer, name="answer"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.mark_read, name="inbox_read"),
    path("reports/", reports.report_page, name="reports"),
    path("reports/yearly.docx", reports.yearly_docx, name="report_docx"),
    path("reports/report.xlsx", reports.report_xlsx, name="report_xlsx"),
    path("reports/units.xlsx", reports.units_xlsx, name="units_xlsx"),
    path("reports/situation.docx", reports.situation_docx, name="situation_docx"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="sw"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("web/icon-192.png"), permanent=True)),
]

# The year-end assessment (年度考核): the years, a year's table, its scheme, a unit's page.
from .views import assessment, assessment_scheme, assessment_unit  # noqa: E402

urlpatterns += [
    path("assessment/", assessment.index, name="assessment"),
    path("assessment/<int:year>/", assessment.year_page, name="assessment_year"),
    path("assessment/<int:year>/finalise/", assessment.finalise, name="assessment_finalise"),
    path("assessment/<int:year>/publish/", assessment.publish, name="assessment_publish"),
    path("assessment/<int:year>/scheme/", assessment_scheme.scheme_page, name="assessment_scheme"),
    path("assessment/<int:year>/scheme/indicators/", assessment_scheme.save_indicator, name="assessment_indicator"),
    path("assessment/<int:year>/scheme/indicators/<int:indicator_id>/remove/", assessment_scheme.remove_indicator,
         name="assessment_indicator_remove"),
    path("assessment/<int:year>/units/<int:unit_id>/", assessment_unit.unit_page, name="assessment_unit"),
    path("assessment/<int:year>/units/<int:unit_id>/points/", assessment_unit.enter_points, name="assessment_points"),
    path("assessment/<int:year>/units/<int:unit_id>/adjust/", assessment_unit.adjust, name="assessment_adjust"),
    path("assessment/<int:year>/units/<int:unit_id>/withdraw/", assessment_unit.withdraw, name="assessment_withdraw"),
    path("assessment/<int:year>/units/<int:unit_id>/self/", assessment_unit.self_assessment, name="assessment_self"),
    path("assessment/<int:year>/units/<int:unit_id>/files/<int:file_id>/", assessment_unit.self_assessment_file, name="assessment_file"),
]

# One case, one file (一案一册): an item's dossier, and every dossier of a session as a ZIP.
from .views import dossier  # noqa: E402

urlpatterns += [
    path("items/<int:item_id>/dossier.pdf", dossier.item_pdf, name="dossier_pdf"),
    path("items/<int:item_id>/dossier.docx", dossier.item_docx, name="dossier_docx"),
    path("reports/dossiers/", dossier.export_page, name="dossier_export"),
    path("reports/jobs/<int:job_id>.json", dossier.job_json, name="report_job"),
    path("reports/jobs/<int:job_id>/download/", dossier.job_download, name="report_job_download"),
]

# The year's assessment result as files: the results notice (Word) and the whole table (Excel).
from .views import assessment_files  # noqa: E402

urlpatterns += [
    path("assessment/<int:year>/results.docx", assessment_files.results_docx, name="assessment_docx"),
    path("assessment/<int:year>/results.xlsx", assessment_files.results_xlsx, name="assessment_xlsx"),
]

# The office's publication queue (公开审核): replies awaiting its decision, decided in a batch.
from .views import publication  # noqa: E402

urlpatterns += [
    path("publication/", publication.publication_page, name="publication"),
]

# 系统管理: the office's everyday administration without the Django admin; and each person's own
# account (password, notification channels) and the forgotten-password reset by e-mail.
from .views import account, office_calendar, office_home, office_notify, office_sessions, office_units, office_users  # noqa: E402
from .views import office_lockouts  # noqa: E402
from .views import office_security  # noqa: E402

urlpatterns += [
    path("office/", office_home.index, name="office"),
    path("office/users/", office_users.user_list, name="office_users"),
    path("office/users/new/", office_users.user_new, name="office_user_new"),
    path("office/users/<int:user_id>/", office_users.user_page, name="office_user"),
    path("office/users/<int:user_id>/active/", office_users.user_active, name="office_user_active"),
    path("office/users/<int:user_id>/password/", office_users.user_password, name="office_user_password"),
    path("office/users/<int:user_id>/otp/reset/", office_users.otp_reset, name="office_user_otp_reset"),
    path("office/users/<int:user_id>/roles/", office_users.role_add, name="office_role_add"),
    path("office/roles/<int:role_id>/remove/", office_users.role_remove, name="office_role_remove"),
    path("office/users/<int:user_id>/people/", office_users.person_link, name="office_person_link"),
    path("office/people/<int:person_id>/unlink/", office_users.person_unlink, name="office_person_unlink"),
    path("office/units/", office_units.unit_list, name="office_units"),
    path("office/units/new/", office_units.unit_new, name="office_unit_new"),
    path("office/units/<int:unit_id>/", office_units.unit_page, name="office_unit"),
    path("office/units/<int:unit_id>/liaisons/", office_units.liaison_add, name="office_liaison_add"),
    path("office/units/<int:unit_id>/liaisons/<int:liaison_id>/end/", office_units.liaison_end, name="office_liaison_end"),
    path("office/leaders/", office_units.leaders, name="office_leaders"),
    path("office/leaders/<int:leader_id>/", office_units.portfolio, name="office_portfolio"),
    path("office/sessions/", office_sessions.session_list, name="office_sessions"),
    path("office/sessions/terms/", office_sessions.term_new, name="office_term_new"),
    path("office/sessions/new/", office_sessions.session_new, name="office_session_new"),
    path("office/sessions/<int:session_id>/", office_sessions.session_page, name="office_session"),
    path("office/sessions/<int:session_id>/policy/", office_sessions.policy, name="office_policy"),
    path("office/calendar/", office_calendar.years, name="office_calendar"),
    path("office/calendar/<int:year>/", office_calendar.year_page, name="office_calendar_year"),
    path("office/calendar/<int:year>/days/<int:day_id>/remove/", office_calendar.day_remove, name="office_calendar_day_remove"),
    path("office/notifications/", office_notify.minimums, name="office_notifications"),
    path("office/notifications/<int:minimum_id>/remove/", office_notify.minimum_remove, name="office_minimum_remove"),
    # Login lockouts (issue 15.1): who is locked out, and the office's unlock.
    path("office/lockouts/", office_lockouts.lockout_list, name="office_lockouts"),
    path("office/lockouts/unlock/", office_lockouts.unlock, name="office_lockouts_unlock"),
    # Security audit (issue 15.2): the security events, their Excel export, the trail of changes.
    path("office/security/", office_security.events, name="office_security"),
    path("office/security/export.xlsx", office_security.events_export, name="office_security_export"),
    path("office/audit/", office_security.changes, name="office_audit"),
    path("account/", account.account_page, name="account"),
    path("account/password/", account.change_password, name="account_password"),
    path("account/notifications/", account.notifications, name="account_notifications"),
    path("password/reset/", account.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", account.PasswordResetSent.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", account.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password/reset/complete/", account.PasswordResetComplete.as_view(), name="password_reset_complete"),
]

# Reply drafting: the office's reply templates, and the reply form's "套用模板" (fill a template in).
from .views import reply_templates  # noqa: E402

urlpatterns += [
    path("reply-templates/", reply_templates.template_page, name="reply_templates"),
    path("reply-templates/<int:template_id>/", reply_templates.edit_template, name="reply_template_edit"),
    path("reply-templates/<int:template_id>/active/", reply_templates.set_active, name="reply_template_active"),
    path("items/<int:item_id>/reply-template/", reply_templates.fill_template, name="reply_template_fill"),
]

# Paper that can be signed (公文): an item's notices, reply letters and closure reports as PDF and
# Word; the office's batch of notices for the list's filter; the office's letterhead.
from .views import paper  # noqa: E402

urlpatterns += [
    path("items/<int:item_id>/paper/<str:kind>/<int:record_id>.pdf", paper.paper_pdf, name="paper_pdf"),
    path("items/<int:item_id>/paper/<str:kind>/<int:record_id>.docx", paper.paper_docx, name="paper_docx"),
    path("items/notices.pdf", paper.notices_pdf, name="paper_notices_pdf"),
    path("items/notices.zip", paper.notices_zip, name="paper_notices_zip"),
    path("paper/letterhead/", paper.letterhead_page, name="paper_letterhead"),
]

# Bulk steps from the item list (批量办理): register, assign the same units, mark key items.
from .views import bulk  # noqa: E402

urlpatterns += [
    path("items/bulk/", bulk.confirm, name="bulk_confirm"),
    path("items/bulk/run/", bulk.run, name="bulk_run"),
    path("items/bulk/<str:token>/", bulk.result, name="bulk_result"),
]

# The busy weeks' suggestions: the items like the one being drafted (the draft form asks as one types).
from .views import similar  # noqa: E402

urlpatterns += [
    path("items/similar/", similar.similar_draft, name="similar_draft"),
]

# 批量导入: the year's items and the reference data from Excel (preview, confirm, progress).
from .views import imports  # noqa: E402

urlpatterns += [
    path("imports/", imports.index, name="imports"),
    path("imports/template/<str:kind>.xlsx", imports.template, name="import_template"),
    path("imports/<int:batch_id>/", imports.batch_page, name="import"),
    path("imports/<int:batch_id>/start/", imports.start, name="import_start"),
    path("imports/<int:batch_id>.json", imports.batch_json, name="import_json"),
]
