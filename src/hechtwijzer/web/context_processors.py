from hechtwijzer.admin_site import site


def navigation(request):
    """What the site header needs on every page."""
    return {"show_admin_link": site.has_permission(request)}
