from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from houston.graphql.views import HoustonGraphQLView

urlpatterns = [
    # The API authenticates with the Authorization header only, never with
    # cookies, so cross-site requests carry no credentials and need no CSRF
    # token.
    path("graphql", csrf_exempt(HoustonGraphQLView.as_view())),
    path("accounts/", include("accounts.urls")),
    path("organizations/", include("organizations.urls")),
    path("admin/", admin.site.urls),
]
