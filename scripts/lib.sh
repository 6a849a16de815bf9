# Shared shell helpers for iopf-bench scripts. Source it; do not run it.
# shellcheck shell=bash

IOPF_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IOPF_CACHE=${IOPF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iopf-bench}
IOPF_DESIGNS_TSV=$IOPF_TOP/kernel/designs.tsv
IOPF_FLAVORS="perf debug"
IOPF_KSRC_TARBALL=${IOPF_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

_prog=$(basename "$0")
die() { printf '%s: error: %s\n' "$_prog" "$*" >&2; exit "${DIE_CODE:-1}"; }
warn() { printf '%s: warning: %s\n' "$_prog" "$*" >&2; }
info() { printf '%s: %s\n' "$_prog" "$*" >&2; }

# design_field NAME COLUMN: print one column of kernel/designs.tsv
# (1=name 2=patches 3=role 4=stress 5=description). Fails if NAME is unknown.
design_field() {
	awk -F'\t' -v n="$1" -v c="$2" '!/^#/ && NF && $1 == n { print $c; f = 1 } END { exit !f }' "$IOPF_DESIGNS_TSV"
}
design_names() { awk -F'\t' '!/^#/ && NF { print $1 }' "$IOPF_DESIGNS_TSV"; }
design_check() {
	design_field "$1" 1 >/dev/null ||
		die "unknown design '$1' (valid: $(design_names | tr '\n' ' '| sed 's/ $//'))"
}
flavor_check() {
	case " $IOPF_FLAVORS " in *" $1 "*) ;; *) die "unknown flavor '$1' (valid: $IOPF_FLAVORS)";; esac
}
# fmt_secs N: 125 -> 2m05s
fmt_secs() { local s=$1; if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi; }

# --- Guest kernel log verdicts (scripts/vm-run, scripts/run-tests, scripts/stress)
# Exit codes of vm-run. CMD's own status passes through when the log is clean.
VMRUN_TIMEOUT=124 VMRUN_ERROR=125
VMRUN_PANIC=240 VMRUN_BUG=241 VMRUN_WARN=242 VMRUN_LOCKDEP=243
VMRUN_KASAN=244 VMRUN_HUNG=245 VMRUN_NOSTATUS=246
# Patterns (grep -E) for each kind of kernel report, checked in this order:
# the first kind found decides the exit code.
VMRUN_RE_PANIC='Kernel panic - not syncing'
VMRUN_RE_KASAN='BUG: KASAN: |KASAN: .* in '
VMRUN_RE_LOCKDEP='WARNING: (possible (circular|recursive|irq lock)|inconsistent lock state|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning|[A-Z]+-safe -> [A-Z]+-unsafe|Nested lock was not taken)|BUG: MAX_LOCK|DEBUG_LOCKS_WARN_ON'
VMRUN_RE_HUNG='INFO: task .* blocked for more than|BUG: soft lockup|Watchdog detected hard LOCKUP|BUG: workqueue lockup|rcu: INFO: .* detected stall|detected stalls on CPUs'
VMRUN_RE_BUG='BUG: |Oops: |kernel BUG at|general protection fault|Unable to handle kernel'
VMRUN_RE_WARN='WARNING: CPU: [0-9]+ PID: [0-9]+ at|WARNING: at |------------\[ cut here \]------------'
VMRUN_KINDS="PANIC KASAN LOCKDEP HUNG BUG WARN"

# vmrun_re KIND...: one grep -E pattern matching any of those kinds' reports.
vmrun_re() {
	local k re out=
	for k in "$@"; do
		re=VMRUN_RE_$k
		out+=${out:+|}${!re}
	done
	echo "$out"
}
# vmrun_kinds LOG: every kind of report found in LOG, in precedence order.
vmrun_kinds() {
	local k re out=()
	for k in $VMRUN_KINDS; do
		re=VMRUN_RE_$k
		grep -qE "${!re}" "$1" 2>/dev/null && out+=("$k")
	done
	echo "${out[*]}"
}
# vmrun_classify LOG: the exit code of the highest-precedence report, or nothing.
vmrun_classify() {
	local kinds k
	kinds=$(vmrun_kinds "$1")
	[[ -n $kinds ]] || return 0
	k=VMRUN_${kinds%% *}
	echo "${!k}"
}
vmrun_name() {
	case $1 in
	"$VMRUN_PANIC") echo panic ;; "$VMRUN_KASAN") echo "KASAN report" ;;
	"$VMRUN_LOCKDEP") echo "lockdep report" ;; "$VMRUN_HUNG") echo "hung task/lockup" ;;
	"$VMRUN_BUG") echo "BUG/Oops" ;; "$VMRUN_WARN") echo WARNING ;;
	"$VMRUN_TIMEOUT") echo timeout ;; "$VMRUN_NOSTATUS") echo "exit without status" ;;
	*) echo "code $1" ;;
	esac
}
# vmrun_first_line CODE LOG: the first log line of that kind, without its timestamp.
vmrun_first_line() {
	local k re
	for k in $VMRUN_KINDS; do
		re=VMRUN_$k
		[[ ${!re} == "$1" ]] || continue
		re=VMRUN_RE_$k
		grep -m1 -E "${!re}" "$2" | sed -E 's/^\[ *[0-9.]+\] //' | tr -d '\r'
		return
	done
}

# --- The kernel source --------------------------------------------------------
# ksrc_sum: sha256 of the source tarball (cached by path, size and mtime).
ksrc_sum() {
	local st f=$IOPF_CACHE/src/tarball.sha256 sum
	st=$(stat -c '%s %Y' "$IOPF_KSRC_TARBALL")
	if [[ -f $f && $(head -n1 "$f") == "$IOPF_KSRC_TARBALL $st" ]]; then
		sed -n 2p "$f"
	else
		sum=$(sha256sum "$IOPF_KSRC_TARBALL" | cut -c1-64)
		printf '%s %s\n%s\n' "$IOPF_KSRC_TARBALL" "$st" "$sum" >"$f"
		echo "$sum"
	fi
}
# ksrc_dir: where the pristine tree of this source version goes.
ksrc_dir() {
	local sum
	sum=$(ksrc_sum) || return
	echo "$IOPF_CACHE/src/linux-${sum:0:12}"
}
# ksrc_pristine: unpack the tarball once per source version; print the tree.
ksrc_pristine() {
	local dir
	dir=$(ksrc_dir)
	if [[ ! -f $dir/.unpacked ]]; then
		info "unpacking $(basename "$IOPF_KSRC_TARBALL") (once per source version)"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xf "$IOPF_KSRC_TARBALL" -C "$dir.tmp" --strip-components=1
		touch "$dir.tmp/.unpacked"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}
