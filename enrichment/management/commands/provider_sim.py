import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the vendor APIs (ZoomInfo, Apollo, profile source, ZeroBounce) on loopback, with settable faults."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PROVIDER_SIM_PORT)

    def handle(self, *args, **options):
        self.stdout.write(f"provider simulator on http://{options['host']}:{options['port']} (faults: /_sim/config)")
        self.stdout.flush()  # a pipe (honcho) buffers: say where it listens now, not at exit
        uvicorn.run("enrichment.simulator:app", host=options["host"], port=options["port"], log_level="warning",
                    access_log=False, lifespan="off", backlog=4096, timeout_keep_alive=30)
