"""Every URL route is classified here as public or protected, by its name.

The route-walking test (core/tests/test_routes.py) finds all routes from the URL resolver and
fails on any route missing from this table, so a new page cannot ship without someone
deciding who may open it. *Public* routes are open without login and must never show personal
data; *protected* routes need a logged-in staff member (and then the access policy decides).
"""

PUBLIC = "public"
PROTECTED = "protected"

ROUTES: dict[str, str] = {
    # core
    "core:home": PROTECTED,
    "core:audit_list": PROTECTED,
    # accounts: the ways in are public, the rest protected
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:two_factor": PROTECTED,
    "accounts:password_change": PROTECTED,
    "accounts:team": PROTECTED,
    "accounts:staff_list": PROTECTED,
    "accounts:staff_create": PROTECTED,
    "accounts:staff_detail": PROTECTED,
    "accounts:staff_action": PROTECTED,
    # language switch (Django's set_language)
    "set_language": PUBLIC,
    # API
    "api:auth_token": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:me": PROTECTED,
    "api:roles": PROTECTED,
    "api:users": PROTECTED,
    "api:user_detail": PROTECTED,
    "api:user_deactivate": PROTECTED,
    "api:user_activate": PROTECTED,
    "api:audit": PROTECTED,
}
