from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="accept"),
    path("proposals/<int:pk>/map-unit/", views.proposal_map_unit, name="map_unit"),
    path("proposals/<int:pk>/drop/", views.proposal_drop, name="drop"),
    path("proposals/<int:pk>/restore/", views.proposal_restore, name="restore"),
]
