"""URLs of sales and purchase documents under /o/<slug>/sales/."""

from django.urls import path

from sales import views

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("panel/<str:kind>/<int:pk>/", views.sales_panel, name="sales_panel"),
    path("report/<str:kind>/<int:pk>/", views.sales_report, name="sales_report"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:pk>/send/", views.document_send, name="document_send"),
    path("recipients/<int:pk>/", views.recipient_preferences, name="recipient_preferences"),
    path("<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/issue/", views.document_issue, name="document_issue"),
    path("<int:pk>/convert/", views.document_convert, name="document_convert"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/lines/", views.line_add, name="line_add"),
    path("<int:pk>/lines/<int:line>/", views.line_edit, name="line_edit"),
    path("<int:pk>/lines/<int:line>/delete/", views.line_delete, name="line_delete"),
    path("catalog/", views.product_list, name="product_list"),
    path("catalog/new/", views.product_create, name="product_create"),
    path("catalog/search/", views.product_autocomplete, name="product_autocomplete"),
    path("catalog/<int:pk>/", views.product_edit, name="product_edit"),
    path("details/", views.issuer_edit, name="issuer_edit"),
    path("series/", views.series_list, name="series_list"),
    path("series/<int:pk>/", views.series_edit, name="series_edit"),
]
