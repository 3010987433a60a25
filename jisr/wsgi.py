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
