# compare_fixture.py DIR [JSON]: a hand-made reported results folder for the
# compare tests (compare_test.sh, compare_html_test.sh); see mk() there.
import json, os, sys, zlib
d, o = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
reps = o.get("reps", 10)
designs = o.get("designs", ["rcu", "mutex"])
points = o.get("points", {
    "gs.group_size=1": {"group_size": 1, "rate_per_s": 20000, "unbinders": 0},
    "gs.group_size=4": {"group_size": 4, "rate_per_s": 20000, "unbinders": 0},
    "unbind.unbinders=1": {"group_size": 1, "rate_per_s": 20000, "unbinders": 1}})
for pid, extra in o.get("params", {}).items():
    points[pid] = dict(points.get(pid, {}), **extra)
names = ["throughput_rps", "offered_rps", "response_p50_ns", "response_p99_ns", "response_p999_ns",
         "report_p50_ns", "report_p99_ns", "report_p999_ns", "report_in_flush_p50_ns", "report_in_flush_p99_ns",
         "queue_in_flush_p50_ns", "queue_in_flush_p99_ns", "queue_p50_ns", "queue_p99_ns", "flush_p50_ns", "flush_p99_ns", "unbind_p50_ns", "unbind_p99_ns", "overflows",
         "invariant_violations", "incomplete_groups"]
units = {"throughput_rps": "requests/s", "offered_rps": "requests/s"}
base = {"throughput_rps": 20000, "offered_rps": 20000, "response_p50_ns": 150000, "response_p99_ns": 400000,
        "response_p999_ns": 800000, "report_p50_ns": 3000, "report_p99_ns": 10000, "report_p999_ns": 20000,
        "queue_p50_ns": 8000, "queue_p99_ns": 50000, "overflows": 0, "invariant_violations": 0, "incomplete_groups": 0}
def value(pid, de, m, r, params):
    key = f"{pid}/{de}/{m}"
    if key in o.get("values", {}):
        v = o["values"][key]
        return v[r % len(v)]
    b = base.get(m)
    if m.startswith("unbind_") or m.startswith("flush_"):
        b = {"unbind_p50_ns": 80000, "unbind_p99_ns": 300000, "flush_p50_ns": 5000,
             "flush_p99_ns": 90000}[m] if params.get("unbinders") else None
    if b is None:
        return None
    if m in ("offered_rps", "overflows", "invariant_violations", "incomplete_groups"):
        return b
    s = o.get("wide", {}).get(key, o.get("spread", 0.01))
    h = zlib.crc32(key.encode()) + o.get("shift", 0)
    p = ((r + h) % reps) / (reps - 1) * 2 - 1 if reps > 1 else 0
    return round(b * o.get("scale", {}).get(key, 1) * (1 + s * p), 3)
def med(v):
    v = sorted(v); n = len(v)
    return None if not n else v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
sweeps, rpoints, runs, counts = {}, [], [], dict(success=0, failure=0, error=0, skipped=0, missing=0)
for pid, params in list(points.items()) + [(i, {"group_size": 2}) for i in o.get("ids_extra", [])]:
    sw = pid.split(".")[0]
    sweeps.setdefault(sw, []).append(pid)
    dd, failed = {}, 0
    for de in designs:
        rl, c = [], dict(success=0, failure=0, error=0, skipped=0, missing=0)
        for r in range(reps):
            mv = {m: value(pid, de, m, r, params) for m in names}
            st, why = "success", None
            if o.get("fail", {}).get(f"{pid}/{de}") == r + 1:
                st, why = "failure", "3 invariant violations (unexpected 0, late 0, lost 3, group 0)"
                mv["invariant_violations"] = 3
            if o.get("skip", {}).get(f"{pid}/{de}") == r + 1:
                st, why = "skipped", "this point cannot exist here (exit 4)"
                mv = {m: None for m in names}
            c[st] += 1; counts[st] += 1; failed += st != "success"
            drop = {m: 12 for m in names if o.get("drop", {}).get(f"{pid}/{de}/{m}") in (r + 1, "all")}
            for m in drop:
                mv[m] = None
            smp = {k.split("/")[2]: v[r % len(v)] for k, v in o.get("samples", {}).items()
                   if k.startswith(f"{pid}/{de}/")}
            rl.append({"rep": r + 1, "status": st, "reason": why,
                       "files": {"json": f"raw/{pid}/{de}-r{r + 1}.json", "hist": None, "timeseries": None,
                                 "stderr": None}, "metrics": mv, **({"dropped": drop} if drop else {}),
                       **({"samples": smp} if smp else {})})
            runs.append({"point": pid, "design": de, "rep": r + 1, "boot": r + 1, "order": len(runs) + 1})
        summ = {}
        for m in names:
            v = [x["metrics"][m] for x in rl if x["status"] == "success" and x["metrics"][m] is not None]
            summ[m] = {"n": len(v), "median": med(v), "min": min(v) if v else None, "max": max(v) if v else None}
        dd[de] = {"counts": c, "repetitions": rl, "summary": summ}
    rpoints.append({"id": pid, "label": pid.split(".", 1)[1], "axis_values": {}, "params": params,
                    "skip_reason": None, "point_status": "failed" if failed else "ok",
                    "failed_repetitions": failed, "designs": dd, "comparisons": {}})
status = o.get("status", "failed" if counts["failure"] else "incomplete" if o.get("marker") else "complete")
problems = [] if status == "complete" else (["INCOMPLETE marker present: the sweep did not finish"] if o.get("marker")
                                             else ["1 of 60 repetitions missing"] if status == "incomplete"
                                             else ["1 repetition failed"])
spec = {"name": o.get("spec", "fixture"), "file": "bench/specs/fixture.ini", "description": "hand-made <&>"}
vm = {"emulated": True, "note": "emulated"}
kern = o.get("kernels", {})
prov = {"git": {"revision": o.get("git", "0123456789abcdef0123"), "dirty": False}, "date": "2026-11-22T04:29:02Z",
        "host": {"name": "vm", "cpu": o.get("cpu", "AMD EPYC"), "topology": {"pus": 2, "cores": 2, "numa_nodes": 1}},
        "kernels": [{"design": de, "flavor": "perf", "key": kern.get(de, {}).get("key", "k-" + de),
                     "config_sha256": kern.get(de, {}).get("config_sha256", "0f22a1d6a51c8a85"),
                     "kernelrelease": kern.get(de, {}).get("kernelrelease", "6.12.117")} for de in designs],
        "qemu": {"version": "7.2", "accel": o.get("accel", "tcg")} if o.get("accel", "tcg") else None}
plan = {"schema_version": 1, "spec": spec, "target": "vm", "baseline_design": designs[0], "designs": designs,
        "repetitions": reps, "vm": vm,
        "sweeps": [{"name": s, "description": s, "axes": ["group_size"], "points": p} for s, p in sweeps.items()],
        "points": [{"id": p["id"], "sweep": p["id"].split(".")[0], "label": p["label"], "axis_values": {},
                    "params": dict(p["params"], **({"regress": o["regress"]} if "regress" in o else {})),
                    "args": [], "skip_reason": None} for p in rpoints],
        "runs": runs}
if "regress" in o:
    plan["regress"] = o["regress"]
metrics = [{"name": m, "label": m, "unit": units.get(m, "count" if m in ("overflows", "invariant_violations",
            "incomplete_groups") else "ns"), "better": None if m == "offered_rps" else "higher"
            if m == "throughput_rps" else "lower", "source": m} for m in names]
run = {"schema_version": 2, "generated": "2026-11-22T05:00:00Z", "tool": "iopf-bench 1.0.0", "status": status,
       "problems": problems, "counts": dict(counts, planned=len(runs)), "spec": spec, "target": "vm", "vm": vm,
       "baseline_design": designs[0], "designs": designs, "repetitions": reps, "rule_version": 2,
       "alpha": 0.05, "family": 0, "min_reps": 3, "confidence": 0.99, "threshold": 0.05, "metrics": metrics, "provenance": None if o.get("no_prov") else prov,
       "sweeps": [{"name": s, "description": s, "axes": ["group_size"], "csv": f"csv/{s}.csv", "figures": [],
                   "points": [p for p in rpoints if p["id"] in ids]} for s, ids in sweeps.items()]}
os.makedirs(d + "/csv", exist_ok=True)
os.makedirs(d + "/raw/x", exist_ok=True)
for name, doc in (("run.json", run), ("plan.json", plan)) + ((("provenance.json", prov),) if not o.get("no_prov") else ()):
    with open(f"{d}/{name}", "w") as f:
        json.dump(doc, f, indent=1)
for s in sweeps:
    open(f"{d}/csv/{s}.csv", "w").write("group_size,design\n")
open(d + "/spec.ini", "w").write("[global]\n")
config = ("#\n# Linux/x86 6.12.117 Kernel Configuration\n#\nCONFIG_CC_VERSION_TEXT=\"gcc 12.2.0\"\n"
          "CONFIG_GCC_VERSION=120200\nCONFIG_CC_HAS_ASM_GOTO=y\nCONFIG_X=y\n# CONFIG_Y is not set\nCONFIG_Z=64\n")
if not o.get("no_configs"):
    for de in designs:
        open(f"{d}/config-{de}-perf", "w").write(o.get("configs", {}).get(de, config))
open(d + "/raw/x/rcu-r1.json", "w").write("{}\n")
open(d + "/report.html", "w").write("<html></html>\n")
if o.get("marker"):
    open(d + "/INCOMPLETE", "w").close()
