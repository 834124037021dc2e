"""A URL configuration with no pages (tests/core/test_registry.py: the menu under another one)."""

urlpatterns: list[object] = []
