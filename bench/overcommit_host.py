"""Host side of bench/overcommit: a memory pool cgroup (v1 or v2), micro-guest
VMs started inside it with their output timestamped as it arrives, cpuacct
accounting per VM where the v1 cpuacct controller is mounted, and a sampler
of the host's reclaim counters (/proc/vmstat, /proc/meminfo, KSM, ksmd CPU)."""
import json
import os
import subprocess
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HV = os.environ.get("HV", os.path.join(TOP, "build/bin/hv"))
MIB = 1 << 20
TICK = os.sysconf("SC_CLK_TCK")


def _mount(fstype, opt):
    for line in open("/proc/mounts"):
        f = line.split()
        if f[2] == fstype and (opt is None or opt in f[3].split(",")):
            return f[1]
    return None


def _read(path, default=None):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def _keyed(path, sep=None):
    out = {}
    for line in (_read(path, "") or "").splitlines():
        f = line.replace(":", " ").split() if sep is None else line.split(sep)
        if len(f) >= 2 and f[1].lstrip("-").isdigit():
            out[f[0]] = int(f[1])
    return out


class Pool:
    """A memory cgroup standing for a small host; VMs' cgroups live inside."""

    def __init__(self, tag):
        v1 = _mount("cgroup", "memory")
        if v1:
            self.v = 1
            rel = [l.split(":")[2] for l in open("/proc/self/cgroup")
                   if "memory" in l.split(":")[1].split(",")][0].strip()
            self.dir = os.path.join(v1 + rel.rstrip("/"), "hvperf-ovc-%s" % tag)
        else:
            v2 = _mount("cgroup2", None)
            if not v2 or "memory" not in (_read(v2 + "/cgroup.controllers", "") or ""):
                raise RuntimeError("no memory cgroup controller (v1 or v2)")
            self.v = 2
            self.dir = os.path.join(v2, "hvperf-ovc-%s" % tag)
        os.makedirs(self.dir, exist_ok=True)
        if self.v == 2:
            with open(self.dir + "/cgroup.subtree_control", "w") as f:
                f.write("+memory")
        self.limit_file = "memory.limit_in_bytes" if self.v == 1 else "memory.max"
        self.usage_file = "memory.usage_in_bytes" if self.v == 1 else "memory.current"
        acct = _mount("cgroup", "cpuacct")
        self.acct = os.path.join(acct, "hvperf-ovc-%s" % tag) if acct else None
        if self.acct:
            os.makedirs(self.acct, exist_ok=True)

    def vm_dir(self, name):
        if self.v == 1:
            return os.path.join(self.dir, "hvperf-" + name)
        return os.path.join(os.path.dirname(self.dir), "hvperf", name)

    def set_limit(self, d, nbytes):
        """Returns (ok, seconds the write took, error)."""
        t0 = time.monotonic()
        try:
            with open(os.path.join(d, self.limit_file), "w") as f:
                f.write(str(nbytes) if nbytes else ("-1" if self.v == 1 else "max"))
            return True, time.monotonic() - t0, None
        except OSError as e:
            return False, time.monotonic() - t0, e.strerror

    def usage(self, d):
        v = _read(os.path.join(d, self.usage_file))
        return int(v) if v else None

    def stat(self, d):
        return _keyed(os.path.join(d, "memory.stat"))

    def oom_kills(self, d):
        f = "memory.oom_control" if self.v == 1 else "memory.events"
        return _keyed(os.path.join(d, f)).get("oom_kill")

    def cpu_system_s(self, name):
        """System CPU seconds of a VM's processes (cpuacct.stat), or None."""
        if not self.acct:
            return None
        st = _keyed(os.path.join(self.acct, name, "cpuacct.stat"))
        return st["system"] / TICK if "system" in st else None

    def remove(self):
        for base in filter(None, (self.dir, self.acct)):
            for d in sorted(os.listdir(base)) if os.path.isdir(base) else []:
                p = os.path.join(base, d)
                if os.path.isdir(p):
                    try:
                        os.rmdir(p)
                    except OSError:
                        pass
            try:
                os.rmdir(base)
            except OSError:
                pass


class VM:
    """hv running one micro-guest workload inside the pool; every output line
    is kept with the host's monotonic time of its arrival."""

    def __init__(self, pool, name, workload, mem, args, ksm=False, api=None, extra=()):
        self.name, self.lines, self.pool = name, [], pool
        cmd = [HV, "run", "--quiet", "--guest", "micro:" + workload, "--mem", mem,
               "--cgroup", name, "--ksm", "on" if ksm else "off"]
        if api:
            cmd += ["--api", api]
        cmd += list(extra) + ["--"] + ["%s=%s" % kv for kv in args.items()]
        procs = os.path.join(pool.dir, "cgroup.procs")
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL,
                                  preexec_fn=lambda: open(procs, "w").write(str(os.getpid())))
        if pool.acct:
            d = os.path.join(pool.acct, name)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(self.p.pid))
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()
        self.dir = pool.vm_dir(name)

    def _reader(self):
        for raw in self.p.stdout:
            line = raw.decode(errors="replace").strip()
            if line.startswith("{"):
                try:
                    self.lines.append((time.monotonic(), json.loads(line)))
                except ValueError:
                    pass

    def wait_line(self, metric, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.p.poll() is None:
            if any(o.get("metric") == metric for _, o in self.lines):
                return True
            time.sleep(0.05)
        return any(o.get("metric") == metric for _, o in self.lines)

    def finish(self, kill=False):
        if kill and self.p.poll() is None:
            self.p.terminate()
        rc = self.p.wait()
        self.t.join(5)
        self.err = self.p.stderr.read().decode(errors="replace")
        return rc

    def windows(self):
        return [(t, o) for t, o in self.lines if o.get("params", {}).get("scope") == "window"]

    def run_figures(self):
        r = [o for _, o in self.lines if o.get("params", {}).get("scope") == "run"]
        return (r[-1]["value"], r[-1]["extra"]["p99_ns"]) if r else (None, None)


def ksmd_ticks():
    for pid in os.listdir("/proc"):
        if pid.isdigit() and _read("/proc/%s/comm" % pid) == "ksmd":
            st = _read("/proc/%s/stat" % pid, "")
            f = st[st.rfind(")") + 2:].split()
            return int(f[11]) + int(f[12])
    return None


def host_counters():
    vm = _keyed("/proc/vmstat")
    mi = _keyed("/proc/meminfo")
    ksm = {k: int(_read("/sys/kernel/mm/ksm/" + k, "0") or 0)
           for k in ("pages_sharing", "pages_shared", "full_scans")}
    return {"pswpin": vm.get("pswpin"), "pswpout": vm.get("pswpout"),
            "refault_anon": vm.get("workingset_refault_anon"),
            "zswap_kib": mi.get("Zswap"), "zswapped_kib": mi.get("Zswapped"),
            "swap_used_kib": (mi.get("SwapTotal", 0) - mi.get("SwapFree", 0)),
            "ksmd_ticks": ksmd_ticks(), **ksm}


class Sampler(threading.Thread):
    """Every period: the host counters and each VM's cgroup usage."""

    def __init__(self, pool, vms, period=0.2):
        super().__init__(daemon=True)
        self.pool, self.vms, self.period = pool, vms, period
        self.samples, self.stop = [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            s = host_counters()
            s["t"] = time.monotonic()
            s["usage"] = {v.name: self.pool.usage(v.dir) for v in self.vms}
            self.samples.append(s)
            self.stop.wait(self.period)

    def halt(self):
        self.stop.set()
        self.join()
        return self.samples
