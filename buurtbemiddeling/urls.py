from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from buurtbemiddeling import ratelimit, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        views.limit_failed_logins(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Each request sends an email: limited per client address like the other public forms.
    path(
        "wachtwoord/vergeten/",
        ratelimit.limit_submissions("password_reset", template="registration/password_reset_rate_limited.html")(
            auth_views.PasswordResetView.as_view()
        ),
        name="password_reset",
    ),
    path("wachtwoord/vergeten/verstuurd/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("wachtwoord/nieuw/klaar/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("wachtwoord/wijzigen/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/wijzigen/klaar/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Two-step verification: the account page, the code after the password, enrolment.
    path("tweestaps/", include("accounts.urls")),
    path("", include("cases.public_urls")),
    path("zaken/", include("cases.urls")),
    path("", include("audit.urls")),
    path("bemiddelaar/", include("mediators.urls")),
    path("partners/", include("partners.urls")),
    path("notificaties/", include("buurtbemiddeling.notification_views")),
    # The admin's own login page, under the same limit on failed attempts as ours.
    path("admin/login/", views.limit_failed_logins(admin.site.login)),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Buurtbemiddeling"
admin.site.site_title = "Buurtbemiddeling"
