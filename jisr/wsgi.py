import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.settings")
application = get_wsgi_application()

# Import the URLconf and with it every view now rather than at the first request, then set
# aside what a server process holds for its life (modules, models, settings, routes): the
# collector no longer walks it. At 2,000,000 cases a full collection of a web process
# paused one request in about 160 for 60 ms; after this, 3 ms (benchmarks/README.md).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
gc.freeze()

# A page allocates tens of thousands of objects (querysets, template contexts, form
# fields), nearly all freed by reference counting as soon as the response is written. With
# Python's default thresholds (700, 10, 10) the collector still ran about six times a page
# and walked the older generations every other page; collecting the youngest generation
# every 10,000 net allocations and the older ones seldom takes most of that time back
# (benchmarks/README.md, "Load", session 11).
gc.set_threshold(10_000, 50, 100)
