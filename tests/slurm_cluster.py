"""A single-node SLURM cluster on localhost, for the tests that run the workflow on SLURM.

Uses Debian's ``slurm-wlm`` and ``munge`` (installed with apt-get when missing:
this needs root, as CI has). The cluster's ``slurm.conf`` goes to
``/etc/slurm/slurm.conf``, where ``srun`` inside a job looks for it; an existing
configuration that this module did not write is left alone and the cluster is
not started (a real cluster's node must not be reconfigured by a test).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

CONF = Path("/etc/slurm/slurm.conf")
MARK = "# written by the coprod test suite"
PACKAGES = ("slurm-wlm", "munge")


def why_not_available() -> str | None:
    """The reason the cluster cannot be started here, or None."""
    if os.geteuid() != 0:
        return "starting a SLURM cluster needs root (to install packages and run munged)"
    if CONF.exists() and MARK not in CONF.read_text():
        return f"{CONF} belongs to another SLURM installation; not reconfiguring it"
    return None


def install() -> None:
    """Install slurm-wlm and munge with apt-get unless they are present."""
    if all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "munged", "squeue")):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env)


def _config(state: Path, cpus: int, memory_mb: int) -> str:
    host = socket.gethostname().split(".")[0]
    return f"""{MARK}
ClusterName=coprodtest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={state}/state
SlurmdSpoolDir={state}/spool
SlurmctldPidFile={state}/slurmctld.pid
SlurmdPidFile={state}/slurmd.pid
SlurmctldLogFile={state}/slurmctld.log
SlurmdLogFile={state}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName={host} CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def _start_munge() -> None:
    if subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode == 0:
        return
    for folder in ("/run/munge", "/var/log/munge", "/var/lib/munge", "/etc/munge"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "munge", "munge")
        for path in Path(folder).iterdir():
            shutil.chown(path, "munge", "munge")
    if not Path("/etc/munge/munge.key").exists():
        subprocess.run(["runuser", "-u", "munge", "--", "mungekey", "--create"], check=True)
    subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged"], check=True)


def start(state: Path, cpus: int = 2, memory_mb: int = 8000, timeout: float = 60) -> None:
    """Start munged, slurmctld and slurmd; wait until the node takes jobs."""
    state.mkdir(parents=True, exist_ok=True)
    for sub in ("state", "spool"):
        (state / sub).mkdir(exist_ok=True)
    CONF.parent.mkdir(parents=True, exist_ok=True)
    CONF.write_text(_config(state, cpus, memory_mb))
    _start_munge()
    subprocess.run(["slurmctld"], check=True)
    subprocess.run(["slurmd"], check=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = subprocess.run(
            ["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True
        )
        if result.returncode == 0 and result.stdout.strip() in ("idle", "mixed"):
            return
        time.sleep(0.5)
    log = (state / "slurmctld.log").read_text() if (state / "slurmctld.log").exists() else ""
    raise RuntimeError(f"the SLURM node did not come up within {timeout} s:\n{log[-2000:]}")


def stop() -> None:
    """Stop the SLURM daemons and remove the configuration this module wrote."""
    subprocess.run(["scancel", "--user=root"], capture_output=True)
    for daemon in ("slurmd", "slurmctld"):
        subprocess.run(["pkill", "-x", daemon], capture_output=True)
    if CONF.exists() and MARK in CONF.read_text():
        CONF.unlink()
