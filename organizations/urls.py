from django.urls import path

from organizations import views

urlpatterns = [
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
