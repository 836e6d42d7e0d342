from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("<slug:kind>/<slug:code>/", views.item, name="item"),
]
