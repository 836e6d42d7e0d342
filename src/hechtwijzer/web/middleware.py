"""Response headers for pages that may show pupil data."""

from django.utils.cache import add_never_cache_headers


def private_pages(get_response):
    """Keep every page out of browser and proxy caches (`Cache-Control: no-store`).

    Pages of this product show data about children; a shared school computer's cache or a
    proxy must not keep them. Static files are served before this middleware runs (WhiteNoise),
    so they stay cacheable.
    """

    def middleware(request):
        response = get_response(request)
        add_never_cache_headers(response)
        return response

    return middleware
