#!/usr/bin/env bash
# glmm-demo against lme4 on the same data and machine (issue 5).
#
#   bench/compare-lme4.sh [--quick] [--no-big] [--no-opt2] [--no-real] [--out DIR]
#
# For the answer preset (400 rows), the question preset (1,000 rows) and 100,000 rows × 50 groups
# (n = 2,000 per group): R simulates the data with the same seed (bit-identical to `glmm-demo simulate`:
# checked on sum(y_bin) and x[1] to 17 digits) and bench/lme4_timing.R times lmer, glm and glmer
# (nAGQ = 1, 25; and 100 on the presets) in-process over repeats; `glmm-demo bench` times our fits of the
# same data in-process; `glmm-demo fit` gives our logLik, to check both stand at the same optimum.
# The answer's opt2 (pracma::integral2 inside Nelder–Mead) is timed once on the answer preset.
# Prints a table of medians and ratios (lme4 ÷ ours: how many times faster ours is), of wall-clock time
# and of CPU time (R's process, our thread: robust to other processes sharing the cores); the raw JSON goes
# to DIR (default: a fresh temporary directory). Without R (Rscript), only our timings are printed.
#
# Repeats: R 20 (presets) and 3 (100,000 rows); ours: at least 5 runs and about a second per entry.
# --quick: R 5 and 1, ours 3 runs.
#
# Real data (issue 12; --no-real skips them): VerbAgg (7,584 rows, 316 ids; logit, Laplace and nAGQ = 25) and
# grouseticks (Poisson, 403 rows, 118 broods; Laplace and nAGQ = 25), from tests/data/*.csv with the formulas
# of tests/reference/make_real_fixtures.R: lme4_timing.R --csv times glm and glmer (R repeats 3 on VerbAgg,
# 1 with --quick; as the presets on grouseticks). Our side runs once `glmm-demo bench` takes --formula
# (detected from its --help); until then the table shows lme4 only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

QUICK=0 BIG=1 OPT2=1 REAL=1 OUT=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --no-big) BIG=0 ;;
        --no-opt2) OPT2=0 ;;
        --no-real) REAL=0 ;;
        --out) OUT=$2; shift ;;
        -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare-lme4.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/glmm-bench.XXXXXX")}
mkdir -p "$OUT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

say "cargo build --release --bin glmm-demo"
cargo build --release --bin glmm-demo >&2
BIN="${CARGO_TARGET_DIR:-target}/release/glmm-demo"

HAVE_R=0
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'quit(status = !all(c("lme4", "jsonlite") %in% rownames(installed.packages())))' >/dev/null 2>&1; then
    HAVE_R=1
else
    echo "compare-lme4.sh: R with lme4 and jsonlite is not installed (Debian: apt-get install r-base-core r-cran-lme4 r-cran-jsonlite r-cran-pracma); timing glmm-demo only" >&2
fi

if [ "$QUICK" = 1 ]; then R_SMALL=5 R_BIG=1 R_REAL=1 OURS=3; else R_SMALL=20 R_BIG=3 R_REAL=3 OURS=0; fi

# name | data options (glmm-demo and lme4_timing.R take the same) | nAGQ values for R | R repeats
CASES=("answer|--preset answer|1,25,100|$R_SMALL" "question|--preset question|1,25,100|$R_SMALL")
[ "$BIG" = 1 ] && CASES+=("rows100k_g50|--groups 50 --n 2000|1,25|$R_BIG")

for c in "${CASES[@]}"; do
    IFS='|' read -r name opts nagqs reps <<<"$c"
    # shellcheck disable=SC2086
    for k in ${nagqs//,/ }; do
        [ "$k" = 1 ] && continue
        say "$name: glmm-demo bench $opts --nagq $k"
        "$BIN" bench $opts --nagq "$k" --runs "$OURS" >"$OUT/$name.ours.nagq$k.json"
        say "$name: glmm-demo fit $opts --nagq $k"
        "$BIN" fit $opts --nagq "$k" >"$OUT/$name.fit.nagq$k.json"
    done
    if [ "$HAVE_R" = 1 ]; then
        extra=()
        [ "$name" = answer ] && [ "$OPT2" = 1 ] && extra+=(--opt2)
        say "$name: Rscript bench/lme4_timing.R $opts --nagq $nagqs --reps $reps ${extra[*]:-}"
        Rscript bench/lme4_timing.R $opts --nagq "$nagqs" --reps "$reps" "${extra[@]}" --out "$OUT/$name.lme4.json"
    fi
done

# Real data (';'-separated: formulas contain '|'): name; CSV; formula; family; link; factor columns (read as
# factors); nAGQ values; R repeats
REAL_CASES=()
if [ "$REAL" = 1 ]; then
    REAL_CASES+=("verbagg;tests/data/VerbAgg.csv;r2 ~ Anger + Gender + btype + situ + (1 | id);binomial;logit;id,Gender,btype,situ;1,25;$R_REAL")
    REAL_CASES+=("grouseticks;tests/data/grouseticks.csv;TICKS ~ YEAR + HEIGHT_z + (1 | BROOD);poisson;log;BROOD,YEAR;1,25;$R_SMALL")
fi
# Our side of the real data needs `glmm-demo bench --csv FILE --formula F --family --link --nagq K` (issue 12,
# section 3), writing the same JSON keys as the presets' bench (standalone_laplace, standalone_agq, glm_pooled:
# median_ms, cpu_median_ms), and `glmm-demo fit` with the same options (glmm_laplace / glmm_agq: loglik, the
# true log-likelihood). Detected here; OURS_REAL=1 in the environment forces it.
OURS_REAL=${OURS_REAL:-0}
bench_help=$("$BIN" bench --help 2>&1 || true)
case "$bench_help" in *--formula*) OURS_REAL=1 ;; esac

for c in "${REAL_CASES[@]}"; do
    IFS=';' read -r name csv formula family link factors nagqs reps <<<"$c"
    if [ "$OURS_REAL" = 1 ]; then
        for k in ${nagqs//,/ }; do
            [ "$k" = 1 ] && continue
            say "$name: glmm-demo bench --csv $csv --formula \"$formula\" --family $family --link $link --nagq $k"
            "$BIN" bench --csv "$csv" --formula "$formula" --family "$family" --link "$link" --nagq "$k" \
                --factor "$factors" --runs "$OURS" >"$OUT/$name.ours.nagq$k.json"
            "$BIN" fit --csv "$csv" --formula "$formula" --family "$family" --link "$link" --nagq "$k" \
                --factor "$factors" >"$OUT/$name.fit.nagq$k.json"
        done
    else
        say "$name: glmm-demo bench does not take --formula yet: lme4's side only"
    fi
    if [ "$HAVE_R" = 1 ]; then
        say "$name: Rscript bench/lme4_timing.R --csv $csv --formula \"$formula\" --nagq $nagqs --reps $reps"
        Rscript bench/lme4_timing.R --csv "$csv" --formula "$formula" --family "$family" --link "$link" \
            --factors "$factors" --nagq "$nagqs" --reps "$reps" --out "$OUT/$name.lme4.json"
    fi
done

python3 - "$OUT" "$HAVE_R" "${CASES[@]}" "::real::" "${REAL_CASES[@]}" <<'EOF'
import json, os, platform, subprocess, sys, datetime

out, have_r, rest = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
cases, real_cases = rest[:rest.index("::real::")], rest[rest.index("::real::") + 1:]

def load(path):
    return json.load(open(path)) if os.path.exists(path) else None

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"glmm-demo vs lme4 · {os.cpu_count()} cores · {cpu} · {datetime.date.today()} · load {os.getloadavg()[0]:.1f}")
rows = []
summary = {}
for c in cases:
    name, _, nagqs, _ = c.split("|")
    ks = [int(k) for k in nagqs.split(",")]
    ours = {k: load(f"{out}/{name}.ours.nagq{k}.json") for k in ks if k != 1}
    fits = {k: load(f"{out}/{name}.fit.nagq{k}.json") for k in ks if k != 1}
    r = load(f"{out}/{name}.lme4.json") if have_r else None
    o25 = ours.get(25) or next(iter(ours.values()))
    d = o25["data"]
    check = ""
    if r:
        same = (r["data"]["sum_ybin"] == d["sum_ybin"] and float(r["data"]["x1"]) == d["head_x"][0])
        check = "same data" if same else f"DATA DIFFER: R sum(y_bin) {r['data']['sum_ybin']} x[1] {r['data']['x1']}, ours {d['sum_ybin']} {d['head_x'][0]!r}"
        if not same:
            print(check, file=sys.stderr)
    print(f"\n{name}: {d['n_obs']} rows, {d['groups']} groups, sum(y_bin) = {d['sum_ybin']:g}, x[1] = {d['head_x'][0]!r} ({check or 'R not run'})")
    print(f"  {'model':<30} {'lme4 ms':>9} {'ours ms':>9} {'lme4/ours':>9}  {'in fit_all':>10} {'chain':>9} {'lme4/chain':>10}  {'CPU ms lme4 / ours':>20} {'CPU ratio':>9}  logLik lme4 / ours")
    # lme4's glmer() from the data against ours from the data (standalone_*: first stage + fit at this
    # nAGQ + report, as one glmer() call); 'in fit_all' is the model alone as the full refit runs it (from
    # the previous fit's optimum); 'chain' is what fit_all spends to get it from the data (first stage,
    # + Laplace fit, + AGQ fit from the Laplace optimum).
    pairs = [("lmer (REML)", "lmer", 25, "lmm", "lmm"), ("glm", "glm", 25, "glm_pooled", "glm_pooled"),
             ("glmer nAGQ=1", "glmer_nagq1", 25, "standalone_laplace", "glmm_laplace")]
    pairs += [(f"glmer nAGQ={k}", f"glmer_nagq{k}", k, "standalone_agq", "glmm_agq") for k in ks if k != 1]
    summary[name] = {"n_obs": d["n_obs"], "groups": d["groups"]}
    for label, rk, k, ok, fk in pairs:
        o = ours[k][ok]["median_ms"]
        inside = ours[k][fk]["median_ms"]
        l = r[rk]["median_ms"] if r and rk in r else None
        ratio = l / o if l and o else None
        ll = ""
        if r and rk in r and "loglik" in r[rk]:
            f = fits[k][fk]
            if "loglik" in f:
                ll = f"{r[rk]['loglik']:.6f} / {f['loglik']:.6f}"
        oo = ours[k]
        chain = {"glmm_laplace": oo["glmm_start"]["median_ms"] + oo["glmm_laplace"]["median_ms"],
                 "glmm_agq": oo["glmm_start"]["median_ms"] + oo["glmm_laplace"]["median_ms"] + oo["glmm_agq"]["median_ms"]}.get(fk, inside)
        ratio2 = l / chain if l and chain else None
        # CPU time of the process (R) and of the thread (ours): what each costs when others share the cores.
        lc = r[rk].get("cpu_median_ms") if r and rk in r else None
        oc = ours[k][ok].get("cpu_median_ms")
        ratio3 = lc / oc if lc and oc else None
        summary[name][label] = {"lme4_ms": l, "ours_ms": o, "ratio": ratio, "ours_in_fit_all_ms": inside,
                                "ours_chain_ms": chain, "ratio_chain": ratio2, "lme4_cpu_ms": lc, "ours_cpu_ms": oc,
                                "ratio_cpu": ratio3}
        cpu = f"{lc:.1f} / {oc:.3f}" if lc is not None and oc is not None else "—"
        print(f"  {label:<30} {l if l is not None else float('nan'):>9.1f} {o:>9.3f} {('%.0f×' % ratio) if ratio else '—':>9}  {inside:>10.3f} {chain:>9.3f} {('%.0f×' % ratio2) if ratio2 else '—':>10}  {cpu:>20} {('%.0f×' % ratio3) if ratio3 else '—':>9}  {ll}")
    for k, o in ours.items():
        for key in ("glmm_start", "joint_mode", "marginal_exact", "full_refit", "surfaces"):
            if key in ("glmm_start", "joint_mode", "marginal_exact") and k != min(ours):
                continue  # the same at every nAGQ
            label = "ours: " + key + (f" (nAGQ={k})" if key in ("full_refit", "surfaces") else "")
            print(f"  {label:<30} {'':>9} {o[key]['median_ms']:>9.3f}")
            summary[name][label] = o[key]["median_ms"]
    if r and "opt2" in r:
        m = ours[min(ours)]["marginal_exact"]["median_ms"]
        print(f"  {'answer’s opt2 vs marginal_exact':<30} {r['opt2']['ms']:>9.0f} {m:>9.3f} {r['opt2']['ms'] / m:>8.0f}×  (opt2 once: {', '.join('%.7f' % v for v in r['opt2']['par'])}, {r['opt2']['evaluations']} integral2 calls)")
        summary[name]["opt2"] = {"lme4_ms": r["opt2"]["ms"], "ours_ms": m, "ratio": r["opt2"]["ms"] / m, "par": r["opt2"]["par"]}
# Real data: lme4's glmer() from the CSV against our standalone fit from the CSV (first stage + fit + report).
for c in real_cases:
    name, csv, formula, family, link, _, nagqs, _ = c.split(";")
    ks = [int(k) for k in nagqs.split(",")]
    r = load(f"{out}/{name}.lme4.json") if have_r else None
    ours = {k: load(f"{out}/{name}.ours.nagq{k}.json") for k in ks if k != 1}
    # The general engine's fit nests its models under "models".
    fits = {k: (load(f"{out}/{name}.fit.nagq{k}.json") or {}).get("models") for k in ks if k != 1}
    o25 = next((o for o in ours.values() if o), None)
    f25 = next((f for f in fits.values() if f), None)
    dd = r["data"] if r else {}
    print(f"\n{name}: {csv}, {formula}, {family}/{link}" + (f", {dd['n_obs']} rows, {dd['groups']} groups" if dd else "")
          + ("" if o25 else " (ours: glmm-demo bench has no --formula yet)"))
    print(f"  {'model':<30} {'lme4 ms':>9} {'ours ms':>9} {'lme4/ours':>9}  {'CPU ms lme4 / ours':>20} {'CPU ratio':>9}  logLik (true) lme4 / ours")
    first = min(ours) if ours else None  # glm and Laplace come with the bench at the first nAGQ > 1
    pairs = [("glm", "glm", first, "glm_pooled", "glm_pooled"),
             ("glmer nAGQ=1", "glmer_nagq1", first, "standalone_laplace", "glmm_laplace")]
    pairs += [(f"glmer nAGQ={k}", f"glmer_nagq{k}", k, "standalone_agq", "glmm_agq") for k in ks if k != 1]
    summary[name] = {"csv": csv, "formula": formula, "family": family, "link": link}
    for label, rk, k, ok, fk in pairs:
        oo = ours.get(k) or {}
        ff = fits.get(k) or {}
        l = r[rk]["median_ms"] if r and rk in r else None
        lc = r[rk].get("cpu_median_ms") if r and rk in r else None
        o = oo.get(ok, {}).get("median_ms")
        oc = oo.get(ok, {}).get("cpu_median_ms")
        ratio = l / o if l and o else None
        ratio3 = lc / oc if lc and oc else None
        lll = r[rk].get("loglik_true", r[rk].get("loglik")) if r and rk in r else None
        oll = ff.get(fk, {}).get("loglik") if isinstance(ff.get(fk), dict) else None
        ll = " / ".join("—" if v is None else f"{v:.6f}" for v in (lll, oll)) if (lll, oll) != (None, None) else ""
        summary[name][label] = {"lme4_ms": l, "ours_ms": o, "ratio": ratio, "lme4_cpu_ms": lc, "ours_cpu_ms": oc, "ratio_cpu": ratio3}
        fmt = lambda v, p: ("%." + str(p) + "f") % v if v is not None else "—"
        cpu = f"{fmt(lc, 1)} / {fmt(oc, 3)}"
        print(f"  {label:<30} {fmt(l, 1):>9} {fmt(o, 3):>9} {('%.0f×' % ratio) if ratio else '—':>9}  {cpu:>20} {('%.0f×' % ratio3) if ratio3 else '—':>9}  {ll}")
json.dump(summary, open(f"{out}/summary.json", "w"), indent=1)
print(f"\nRaw JSON: {out}/ (summary.json, *.lme4.json, *.ours.nagq*.json, *.fit.nagq*.json)")
EOF
