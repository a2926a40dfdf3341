"""A new database on the test PostgreSQL server (TESSERA_TEST_POSTGRES, started by
postgres_cluster.sh), for the scripts that run Tessera on PostgreSQL."""
import glob
import os
import subprocess
import urllib.parse
import uuid

SERVER = os.environ.get("TESSERA_TEST_POSTGRES")


def psql(sql):
    """Runs `sql` on the server's maintenance database with the cluster's own psql."""
    if not SERVER:
        raise SystemExit("TESSERA_TEST_POSTGRES names no PostgreSQL server (source Tests/Scripts/postgres_cluster.sh start)")
    binary = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    parts = urllib.parse.urlsplit(SERVER)
    subprocess.run([binary, "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username, "-d", parts.path.lstrip("/"),
                    "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def create(prefix):
    """Creates a new database; returns its name and URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {name}")
    return name, urllib.parse.urlunsplit(urllib.parse.urlsplit(SERVER)._replace(path="/" + name))


def drop(name):
    """Drops the database `name`, closing its connections."""
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
