import asyncio
import signal

from django.core.management.base import BaseCommand

from primesync.relay import Relay


class Command(BaseCommand):
    help = "Deliver outbox events to live pages and workflows (LISTEN/NOTIFY plus a sweep). Several may run."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--sweep-interval", type=float, default=1.0, help="seconds between sweeps")

    def handle(self, *args, **options):
        relay = Relay(batch_size=options["batch_size"], sweep_interval=options["sweep_interval"])

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await relay.run(stop)

        asyncio.run(main())
        self.stdout.write(f"relay stopped after delivering {relay.stats.delivered} events")
