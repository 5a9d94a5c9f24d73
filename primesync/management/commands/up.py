"""``make run``: start everything PrimeSync needs, in the foreground, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from primesync import embedded
from primesync.management.commands.seed_demo import ADMIN_EMAIL, TEAMS

BASE_DIR = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Start PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL are set), migrate, seed, serve."

    def handle(self, *args, **options):
        env = os.environ.copy()
        data_dir = settings.DATA_DIR
        data_dir.mkdir(parents=True, exist_ok=True)
        started = embedded.start_missing(data_dir, env)
        env.update(started)
        env["DATA_DIR"] = str(data_dir)
        env["WEB_PORT"] = str(settings.PORT)
        env["PROVIDER_SIM_PORT"] = str(self._simulator_port(env))
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.setdefault("PYTHONUNBUFFERED", "1")
        for name in started:
            self.stdout.write(f"embedded {name.split('_')[0].lower()}: {started[name]}")
        try:
            self._prepare(env)
            self._banner()
            return_code = self._serve(env)
        finally:
            if "REDIS_URL" in started:
                embedded.stop_redis(data_dir)
            if "DATABASE_URL" in started:
                embedded.stop_postgres(data_dir)
            if started:
                self.stdout.write("embedded services stopped")
        if return_code not in (0, -signal.SIGINT, -signal.SIGTERM, 130, 143):
            sys.exit(return_code)

    def _simulator_port(self, env) -> int:
        """The provider simulator's port, shared with every process: PROVIDER_SIM_PORT if set, else
        PORT + 765, or any free port when that one is taken (a second checkout running, say)."""
        port = settings.PROVIDER_SIM_PORT
        if embedded.port_is_free(port):
            return port
        if "PROVIDER_SIM_PORT" in env:
            raise CommandError(f"PROVIDER_SIM_PORT {port} is in use: free it or choose another port.")
        free = embedded.free_port()
        self.stdout.write(f"port {port} is in use: the provider simulator takes {free}")
        return free

    def _manage(self, env, *args):
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True, cwd=BASE_DIR)

    def _prepare(self, env) -> None:
        self._manage(env, "db_bootstrap")
        self._manage(env, "migrate", "--database", "owner", "--noinput", "-v", "0")
        if settings.DEMO_MODE:
            self._manage(env, "seed_demo")

    def _banner(self) -> None:
        url = f"http://127.0.0.1:{settings.PORT}"
        lines = ["", "=" * 64, f"  PrimeSync is starting on {url}", f"  Log in at {url}/accounts/login/"]
        if settings.DEMO_MODE:
            lines.append(f"  Demo logins (password {settings.DEMO_PASSWORD}):")
            lines.append(f"    {ADMIN_EMAIL:<24} platform admin (Django admin at {url}/admin/)")
            for slug, (_, manager, reps) in TEAMS.items():
                lines.append(f"    {manager:<24} manager, team {slug}")
                lines.extend(f"    {rep:<24} rep, team {slug}" for rep in reps)
        lines += ["  Ctrl-C stops everything.", "=" * 64, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

    def _serve(self, env) -> int:
        """Run the Procfile under honcho; Ctrl-C reaches honcho, which stops every process."""
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", str(BASE_DIR / "Procfile"), "-d", str(BASE_DIR)],
            env=env,
        )

        def forward(signum, frame):
            if honcho.poll() is None:
                honcho.send_signal(signum)

        # The terminal's Ctrl-C reaches honcho too; we only wait for it, then clean up.
        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        threading.Thread(target=_stop_when_orphaned, args=(honcho,), daemon=True).start()
        return honcho.wait()


def _stop_when_orphaned(honcho: subprocess.Popen) -> None:
    """If whatever started us (make, a supervisor) dies without a Ctrl-C, stop everything too."""
    parent = os.getppid()
    while honcho.poll() is None:
        if os.getppid() != parent:
            honcho.send_signal(signal.SIGTERM)
            return
        time.sleep(1)
