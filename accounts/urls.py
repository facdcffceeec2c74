from django.urls import path

from accounts import views

urlpatterns = [
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm-email"),
    path("change-email/<str:token>/", views.change_email, name="change-email"),
    path(
        "reset-password/<str:token>/",
        views.ResetPasswordView.as_view(),
        name="reset-password",
    ),
]
