#!/usr/bin/env python3
"""One-page, self-contained HTML of a bench/overcommit run (for a talk):
reclaimed MiB vs. performance cost per mechanism, the governor's actions on
a time line (from its JSON log), and the (a)/(b) side by side. gnuplot
draws SVG that is inlined.   usage: overcommit_report.py RUN_DIR"""
import html
import json
import os
import subprocess
import sys


def gnuplot(script):
    r = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else "<p>gnuplot failed: %s</p>" % html.escape(r.stderr[-300:])


def cases(d):
    out = {}
    for f in sorted(os.listdir(d)):
        if f.startswith("case-") and f.endswith(".json"):
            out[f[5:-5]] = json.load(open(os.path.join(d, f)))
    return out


def ladder_plot(c, d):
    base = c.get("base", {}).get("run_ops")
    rows = []
    for m in ("ksm", "balloon", "zswap", "swap"):
        r = c.get(m, {})
        if r.get("reclaimed_mib") is None or not base or r.get("during_ops") is None:
            continue
        rows.append("%s %.1f %.1f" % (m, r["reclaimed_mib"], max(0.0, 100 * (1 - r["during_ops"] / base))))
    data = os.path.join(d, "ladder.dat")
    open(data, "w").write("\n".join(rows) + "\n")
    return gnuplot("""set terminal svg size 560,380 font 'sans,12' background '#ffffff'
set title 'the ladder: memory reclaimed vs. what it cost ovcload'
set xlabel 'reclaimed (MiB)'; set ylabel 'throughput lost during reclaim (%%)'
set grid; set key off; set offsets 8, 20, 8, 4
plot '%s' using 2:3 with points pt 7 ps 2 lc rgb '#c0392b', '' using 2:3:1 with labels offset 0,1.2
""" % data)


def timeline_plot(d):
    log = os.path.join(d, "governor.log")
    if not os.path.exists(log):
        return "<p>no governor log</p>", []
    acts, samples = [], []
    for line in open(log):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("event") == "action":
            acts.append(o)
        elif o.get("event") == "sample":
            samples.append(o)
    pf = os.path.join(d, "pool.dat")
    with open(pf, "w") as f:
        for s in samples:
            f.write("%.2f %s\n" % (s["t_ms"] / 1000.0, s.get("pool_free_mib", s.get("pool", {}).get("free_mib", "NaN"))))
    af = os.path.join(d, "actions.dat")
    lanes = {"host": 0, "dup": 1, "lo": 2, "hi": 3}
    with open(af, "w") as f:
        for a in acts:
            f.write('%.2f %d "%s %s"\n' % (a["t_ms"] / 1000.0, lanes.get(a.get("vm"), 0),
                                         a.get("action"), "+" if a.get("direction") == "escalate" else "-"))
    svg = gnuplot("""set terminal svg size 560,380 font 'sans,12' background '#ffffff'
set title "hvperf govern: actions on a time line"
set xlabel 'seconds'; set ylabel 'pool free (MiB)'; set y2label 'VM'
set y2range [-0.5:3.8]; set y2tics ('host' 0, 'dup' 1, 'lo' 2, 'hi' 3)
set grid; set key top left
plot '%s' using 1:2 with lines lw 2 lc rgb '#2980b9' title 'pool free', \\
     '%s' using 1:2 axes x1y2 with points pt 9 ps 1.6 lc rgb '#c0392b' title 'action', \\
     '' using 1:2:3 axes x1y2 with labels offset 0,0.9 font 'sans,9' notitle
""" % (pf, af))
    return svg, acts


def main():
    d = os.path.abspath(sys.argv[1])
    c = cases(d)
    base = c.get("base", {}).get("run_ops")
    rows = ""
    for m in ("ksm", "balloon", "zswap", "swap"):
        r = c.get(m, {})
        if "error" in r or "unavailable" in r:
            rows += "<tr><td>%s</td><td colspan=6>%s</td></tr>" % (m, html.escape(r.get("error") or r.get("unavailable")))
            continue
        cpu = r.get("ksmd_cpu_s") if m == "ksm" else r.get("vm_system_cpu_s")
        f = lambda v, p="%.1f": "–" if v is None else p % v
        rows += "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            m, f(r.get("reclaimed_mib")), f(r.get("time_to_reclaim_s"), "%.2f"),
            f(100 * (1 - r["during_ops"] / base) if base and r.get("during_ops") else None, "%.0f%%"),
            f(r.get("during_p99_ns"), "%.0f"), f(cpu, "%.2f"), f(r.get("compression_ratio")))
    l0, la, lb = c.get("ladder0", {}), c.get("ladder-a", {}), c.get("ladder-b", {})
    side = ""
    for label, r in (("(a) host defaults", la), ("(b) hvperf govern", lb)):
        rel = 100 * r["hi_ops"] / l0["hi_ops"] if r.get("hi_ops") and l0.get("hi_ops") else None
        saved = l0["usage_mib"] - r["usage_mib"] if l0.get("usage_mib") and r.get("usage_mib") else None
        side += "<div class=card><h3>%s</h3><p class=big>%s</p><p>high-priority VM throughput vs. no overcommit" \
                "<br>p99 %s ns · saved %s MiB · OOM kills %s</p></div>" % (
                    label, "–" if rel is None else "%.0f%%" % rel,
                    "–" if r.get("hi_p99_ns") is None else "%.0f" % r["hi_p99_ns"],
                    "–" if saved is None else "%.0f" % saved, r.get("oom_kills", "–"))
    tl, acts = timeline_plot(d)
    page = """<!doctype html><html><head><meta charset=utf-8><title>Memory overcommit on KVM, measured</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:1.5em auto;color:#222}
h1{font-size:1.9em;margin:0} .sub{color:#666} .row{display:flex;gap:1em;flex-wrap:wrap}
.card{flex:1;border:1px solid #ddd;border-radius:8px;padding:.6em 1em} .big{font-size:2.6em;margin:.1em 0;color:#c0392b}
table{border-collapse:collapse;font-size:.95em} td,th{border-bottom:1px solid #eee;padding:.25em .7em;text-align:right}
td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>Memory overcommit on KVM: the reclamation ladder, measured</h1>
<p class=sub>hvperf · micro-guests under hv · host %s · %d governor actions · run %s</p>
<div class=row><div class=card>%s</div><div class=card>%s</div></div>
<div class=row><div class=card><h3>each mechanism alone (ovcload next to the reclaimed VM)</h3>
<table><tr><th>mechanism</th><th>reclaimed MiB</th><th>to 90%% (s)</th><th>ops lost</th><th>p99 ns</th><th>host CPU s</th><th>zswap ratio</th></tr>%s</table>
<p class=sub>CPU: ksmd for KSM, the VM's system time (cpuacct) otherwise. Throughput is noisy on 2 shared cores: single runs.</p></div>
%s</div></body></html>""" % (html.escape(os.uname().release), len(acts), html.escape(os.path.basename(d)),
                             ladder_plot(c, d), tl, rows, side)
    out = os.path.join(d, "report.html")
    open(out, "w").write(page)
    print(out)


if __name__ == "__main__":
    main()
