from django.urls import path

from frontend import print_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "cases/<int:pk>/assessment-draft/print/",
        print_views.assessment_draft_print,
        name="draft-print",
    ),
]
