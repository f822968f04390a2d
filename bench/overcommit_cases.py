"""The cases of bench/overcommit, each run in its own process under
`hvperf tune --set ... --` (so host knobs are journaled and restored):
base (no reclaim), ksm, balloon, zswap, swap (each mechanism alone on the
ovcload VM "lo" next to the dupages VM "dup"), and the ladder: ladder0 (no
limit), ladder-a (pool limit, host defaults) and ladder-b (pool limit, the
governor)."""
import json
import os
import subprocess
import tempfile
import time

import overcommit_host as oh

HVPERF = os.environ.get("HVPERF", os.path.join(oh.TOP, "build/bin/hvperf"))

# host knobs per case (hvperf tune --set); ladder-b: the governor sets its own
KNOBS = {
    "base": [], "balloon": [], "ladder0": [], "ladder-b": [],
    "ksm": ["ksm.run=1", "ksm.pages_to_scan=4000", "ksm.sleep_millisecs=10"],
    "zswap": ["swap.file=1G", "zswap.enabled=Y", "zswap.compressor=lzo"],
    "swap": ["swap.file=1G", "zswap.enabled=N"],
    "ladder-a": ["swap.file=1G"],
}


def _size(s):
    return int(s[:-1]) << {"K": 10, "M": 20, "G": 30}[s[-1]]


def _vm_args(sc, name, quick, secs):
    v = sc["vms"][name]
    a = dict(v["quick_args"] if quick else v["args"])
    if v["workload"] == "ovcload":
        a.update(seconds=secs, fill_s=0, window_ms=500)
    else:
        a.update(hold=secs + 30)
    return v["workload"], v["mem"], a


def _demand(sc, name, quick):
    a = sc["vms"][name]["quick_args" if quick else "args"]
    return _size(a["size"]) + 8 * oh.MIB   # + hv and runtime pages


def _during(vm, t0, t1):
    """ovcload windows that arrived between t0 and t1: mean ops/s, worst p99."""
    w = [o for t, o in vm.windows() if t0 <= t <= t1]
    if not w:
        return None, None
    return (sum(o["value"] for o in w) / len(w), max(o["extra"]["p99_ns"] for o in w))


def _reclaim_curve(samples, t_act, amount):
    """Bytes reclaimed at the end, and seconds until 90% of it."""
    before = [s for s in samples if s["t"] <= t_act]
    after = [s for s in samples if s["t"] > t_act]
    if not before or not after:
        return None, None
    base = amount(before[-1])
    final = amount(after[-1]) - base
    if final <= 0:
        return final, None
    for s in after:
        if amount(s) - base >= 0.9 * final:
            return final, s["t"] - t_act
    return final, None


def _delta(samples, t_act, key):
    b = [s for s in samples if s["t"] <= t_act][-1:]
    if not b or samples[-1].get(key) is None or b[0].get(key) is None:
        return None
    return samples[-1][key] - b[0][key]


def mechanism(case, sc, quick):
    secs = sc["quick_seconds" if quick else "seconds"]
    tag = "%d-%s" % (os.getpid(), case)
    if case == "balloon" and not os.path.exists(os.path.join(oh.TOP, "build/workloads/micro/vballoon.elf")):
        return {"unavailable": "no micro-guest balloon driver (workload vballoon not built)"}
    pool = oh.Pool(tag)
    tmp = tempfile.mkdtemp()
    out = {"case": case}
    try:
        wl, mem, args = _vm_args(sc, "lo", quick, secs)
        lo = oh.VM(pool, "lo", wl, mem, args)
        wl, mem, args = _vm_args(sc, "dup", quick, secs)
        extra = ()
        if case == "balloon":
            # the guest's own driver inflates by mib after touching it
            # (vballoon: it does not follow host targets), then deflates
            wl, args = "vballoon", {"mib": _size(args["size"]) >> 20, "hold": 3}
            extra = ("--balloon", "stats=on")
        dup = oh.VM(pool, "dup", wl, mem, args, api=os.path.join(tmp, "dup.sock"), extra=extra)
        if not (lo.wait_line("ops_per_sec", 60) and (case == "balloon" or dup.wait_line("bandwidth_mbs", 60))):
            raise RuntimeError("VMs did not start: " + lo.finish(True).__str__())
        smp = oh.Sampler(pool, [lo, dup])
        smp.start()
        time.sleep(2.0)
        t_act = time.monotonic()
        cpu0 = pool.cpu_system_s("lo")
        cold = _size(sc["vms"]["lo"]["quick_args" if quick else "args"]["size"]) - \
            _size(sc["vms"]["lo"]["quick_args" if quick else "args"]["hot"])
        if case == "ksm":
            r = subprocess.run(["python3", os.path.join(oh.TOP, "tests/lib/hvapi.py"),
                                os.path.join(tmp, "dup.sock"), '{"cmd":"ksm","mergeable":true}'],
                               capture_output=True, text=True)
            out["action"] = r.stdout.strip()
        elif case in ("zswap", "swap"):
            u = pool.usage(lo.dir)
            ok, took, err = pool.set_limit(lo.dir, u - cold)
            out["action"] = {"limit_mib": (u - cold) / oh.MIB, "usage_mib": u / oh.MIB,
                             "ok": ok, "write_s": took, "error": err}
        lo_rc = lo.finish()
        samples = smp.halt()
        dup.finish(kill=True)
        # only while lo ran: its cgroup empties when hv exits
        w = lo.windows()
        samples = [s for s in samples if w and s["t"] <= w[-1][0]]
        if case == "balloon":
            return _balloon(out, lo, dup, samples, lo_rc)
        out["lo_rc"] = lo_rc
        out["run_ops"], out["run_p99_ns"] = lo.run_figures()
        out["pre_ops"], out["pre_p99_ns"] = _during(lo, t_act - 2.0, t_act)
        # reclaimed = the drop of the squeezed VM's cgroup usage (merged
        # KSM duplicates are uncharged too, so other mergeable processes on
        # the host do not count)
        who = "dup" if case == "ksm" else "lo"
        u0 = [s for s in samples if s["t"] <= t_act][-1]["usage"][who]
        amt = lambda s: (u0 - s["usage"][who]) if s["usage"][who] is not None else 0
        rec, ttr = _reclaim_curve(samples, t_act, amt)
        out["reclaimed_mib"] = rec / oh.MIB if rec is not None else None
        out["time_to_reclaim_s"] = ttr
        out["during_ops"], out["during_p99_ns"] = _during(lo, t_act, t_act + (ttr or 0) + 1.0)
        k = _delta(samples, t_act, "ksmd_ticks")
        out["ksmd_cpu_s"] = k / oh.TICK if k is not None else None
        out["ksm_full_scans"] = _delta(samples, t_act, "full_scans")
        cpu1 = pool.cpu_system_s("lo")
        out["vm_system_cpu_s"] = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
        if out["vm_system_cpu_s"] is None:
            out["vm_system_cpu_reason"] = "no v1 cpuacct controller mounted"
        zs = max(samples, key=lambda s: s["zswapped_kib"] or 0)
        out["zswap_stored_mib"] = (zs["zswap_kib"] or 0) / 1024
        out["zswapped_mib"] = (zs["zswapped_kib"] or 0) / 1024
        out["compression_ratio"] = (zs["zswapped_kib"] / zs["zswap_kib"]) if zs["zswap_kib"] else None
        out["pswpin"] = _delta(samples, t_act, "pswpin")
        out["pswpout"] = _delta(samples, t_act, "pswpout")
        out["refaults"] = _delta(samples, t_act, "refault_anon")
        out["swap_used_mib"] = max((s["swap_used_kib"] or 0) for s in samples) / 1024
        return out
    finally:
        pool.remove()


def _balloon(out, lo, dup, samples, lo_rc):
    """vballoon inflates on its own: reclaimed = the drop of its cgroup usage
    from the peak, time = its inflate time_ms; lo's windows meanwhile."""
    ops = {o.get("params", {}).get("op"): (t, o) for t, o in dup.lines if o.get("metric") == "time_ms"}
    out["lo_rc"] = lo_rc
    out["run_ops"], out["run_p99_ns"] = lo.run_figures()
    if "inflate" not in ops or not samples:
        out["error"] = "vballoon reported no inflate: " + dup.err[-200:]
        return out
    t_inf, o = ops["inflate"]
    t_def = ops.get("deflate", (samples[-1]["t"], None))[0]
    t0 = t_inf - o["value"] / 1000.0
    pre = [s["usage"]["dup"] for s in samples if s["t"] <= t0 and s["usage"]["dup"]]
    post = [s["usage"]["dup"] for s in samples if t_inf <= s["t"] <= t_def and s["usage"]["dup"]]
    out["reclaimed_mib"] = (max(pre) - min(post)) / oh.MIB if pre and post else None
    out["time_to_reclaim_s"] = o["value"] / 1000.0
    out["balloon_pages"] = o.get("extra", {}).get("pages")
    out["during_ops"], out["during_p99_ns"] = _during(lo, t0, t_inf + 1.0)
    out.update(ksmd_cpu_s=None, ksm_full_scans=None, vm_system_cpu_s=None, compression_ratio=None,
               zswap_stored_mib=0.0, zswapped_mib=0.0, swap_used_mib=0.0, pswpin=None, pswpout=None,
               refaults=None)
    return out


def _gov_config(sc, pool, vms, path, quick):
    pr = sc["ladder"]["priorities"]
    h = sc["host"]
    cfg = {"policy": sc["ladder"]["policy"], "pool": {"cgroup": pool.dir},
           "host": {"swap_file": h["swap_file"], "zswap_compressor": h["zswap_compressor"],
                    "zswap_max_pool_percent": h["zswap_max_pool_percent"],
                    "ksm_pages_to_scan": h["ksm_pages_to_scan"], "ksm_sleep_ms": h["ksm_sleep_ms"]},
           "vms": []}
    for n, (mem, sock) in vms.items():
        v = {"name": n, "cgroup_path": pool.vm_dir(n), "priority": pr[n],
             "min_mib": 64, "max_mib": _size(mem) >> 20}
        if n == "dup":
            v.update(ksm=True, api=sock)
        if n == "lo":
            # never below the hot set: on this host a limit under it ends
            # in a memcg OOM kill (docs/overcommit.md)
            hot = _size(sc["vms"][n]["quick_args" if quick else "args"]["hot"]) >> 20
            v.update(compress=True, swap=True, min_mib=hot + 16)
        cfg["vms"].append(v)
    json.dump(cfg, open(path, "w"))


def ladder(case, sc, quick, log_path):
    secs = sc["quick_seconds" if quick else "seconds"]
    pool = oh.Pool("%d-%s" % (os.getpid(), case))
    tmp = tempfile.mkdtemp()
    names = ("hi", "lo", "dup")
    demand = sum(_demand(sc, n, quick) for n in names)
    out = {"case": case, "demand_mib": demand / oh.MIB}
    gov = None
    try:
        if case != "ladder0":
            limit = int(demand * (100 + sc["ladder"]["pool_slack_pct"]) / 100)
            pool.set_limit(pool.dir, limit)
            out["pool_mib"] = limit / oh.MIB
        socks = {n: os.path.join(tmp, n + ".sock") for n in names}
        if case == "ladder-b":
            _gov_config(sc, pool, {n: (sc["vms"][n]["mem"], socks[n]) for n in names},
                        os.path.join(tmp, "gov.json"), quick)
            swaps = len(open("/proc/swaps").readlines())
            gov = subprocess.Popen([HVPERF, "govern", "--config", os.path.join(tmp, "gov.json"),
                                    "--interval", "200", "--duration", str(secs + 8),
                                    "--log", log_path], stderr=subprocess.PIPE)
            for _ in range(100):
                if len(open("/proc/swaps").readlines()) > swaps:
                    break
                time.sleep(0.1)
        vms = {}
        for n in names:
            wl, mem, args = _vm_args(sc, n, quick, secs)
            vms[n] = oh.VM(pool, n, wl, mem, args, api=socks[n])
        smp = oh.Sampler(pool, list(vms.values()))
        smp.start()
        rcs = {n: vms[n].finish() for n in ("hi", "lo")}
        samples = smp.halt()
        rcs["dup"] = vms["dup"].finish(kill=True)
        if gov:
            gov.terminate()
            gov.wait()
        for n in ("hi", "lo"):
            out[n + "_rc"] = rcs[n]
            out[n + "_ops"], out[n + "_p99_ns"] = vms[n].run_figures()
        tail = [s for s in samples if s["t"] >= samples[-1]["t"] - 3.0]
        out["usage_mib"] = sum(sum(u or 0 for u in s["usage"].values()) for s in tail) / \
            max(len(tail), 1) / oh.MIB
        # an OOM-killed hv dies of SIGKILL (Popen: -9)
        out["oom_kills"] = sum(1 for n in ("hi", "lo") if rcs[n] in (-9, 137))
        out["pswpout"] = samples[-1]["pswpout"] - samples[0]["pswpout"]
        out["pswpin"] = samples[-1]["pswpin"] - samples[0]["pswpin"]
        out["zswapped_mib"] = max((s["zswapped_kib"] or 0) for s in samples) / 1024
        return out
    finally:
        if gov and gov.poll() is None:
            gov.terminate()
            gov.wait()
        pool.remove()
