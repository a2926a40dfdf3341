"""Starting `tessera serve` for the test scripts: on a database file and port, with a known
admin credential, waiting until it answers."""
import os
import subprocess
import time
import urllib.request

BIN = os.path.abspath(os.environ.get("TESSERA_BIN", ".build/debug/tessera"))


def start(database, port, key, secret, *arguments, log=None):
    """Runs the server and returns its process once /health answers; its output goes to the
    file object `log`, or is discarded."""
    env = dict(os.environ, TESSERA_ADMIN_KEY=key, TESSERA_ADMIN_SECRET=secret)
    output = log or subprocess.DEVNULL
    server = subprocess.Popen([BIN, "serve", "--db", database, "--port", str(port), *arguments],
                              env=env, stdout=output, stderr=output)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")
