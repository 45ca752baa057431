"""URLs of opportunities under /o/<slug>/opportunities/."""

from django.urls import path

from opportunities import views

urlpatterns = [
    path("", views.opportunity_list, name="opportunity_list"),
    path("new/", views.opportunity_create, name="opportunity_create"),
    path("board/", views.opportunity_board, name="opportunity_board"),
    path("forecast/", views.opportunity_forecast, name="opportunity_forecast"),
    path("panel/<str:kind>/<int:pk>/", views.opportunity_panel, name="opportunity_panel"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("<int:pk>/delete/", views.opportunity_delete, name="opportunity_delete"),
    path("<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("<int:pk>/close/", views.opportunity_close, name="opportunity_close"),
    path("pipelines/", views.pipeline_list, name="pipeline_list"),
    path("pipelines/<int:pk>/", views.pipeline_edit, name="pipeline_edit"),
    path("pipelines/<int:pk>/delete/", views.pipeline_delete, name="pipeline_delete"),
    path("pipelines/<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("stages/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/delete/", views.stage_delete, name="stage_delete"),
]
