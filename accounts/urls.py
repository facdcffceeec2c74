from django.urls import path

from accounts import views

urlpatterns = [
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm-email"),
]
