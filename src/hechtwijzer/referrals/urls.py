from django.urls import path

from . import views

app_name = "referrals"
P = "pupils/<public_id:public_id>/referrals/"
urlpatterns = [
    path(P, views.referral_list, name="list"),
    path(P + "new/", views.referral_new, name="new"),
    path(P + "<uuid:uid>/", views.referral_detail, name="detail"),
    path(P + "<uuid:uid>/edit/", views.referral_edit, name="edit"),
    path(P + "<uuid:uid>/observations/", views.choose_observations, name="observations"),
    path(P + "<uuid:uid>/consent/", views.consent, name="consent"),
    path(P + "<uuid:uid>/without-consent/", views.exception, name="exception"),
    path(P + "<uuid:uid>/safeguarding/", views.safeguarding, name="safeguarding"),
    path(P + "<uuid:uid>/send/", views.send, name="send"),
    path(P + "<uuid:uid>/answer/", views.answer, name="answer"),
    path(P + "<uuid:uid>/revoke/", views.revoke, name="revoke"),
    path(P + "<uuid:uid>/close/", views.close, name="close"),
    path(P + "<uuid:uid>/summary.pdf", views.summary_pdf, name="summary_pdf"),
]
