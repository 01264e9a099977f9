from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.two_factor, name="two_factor"),
    path("controle/", views.verify, name="verify"),
    path("instellen/", views.enrol, name="enrol"),
    path("reservecodes/", views.backup_codes, name="backup_codes"),
    path("uitschakelen/", views.disable, name="disable"),
]
