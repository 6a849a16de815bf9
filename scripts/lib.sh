# Shared shell helpers for iopf-bench scripts. Source it; do not run it.
# shellcheck shell=bash

IOPF_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IOPF_CACHE=${IOPF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iopf-bench}
IOPF_DESIGNS_TSV=$IOPF_TOP/kernel/designs.tsv
IOPF_FLAVORS="perf debug noiopf"
IOPF_KSRC_TARBALL=${IOPF_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

_prog=$(basename "$0")
die() { printf '%s: error: %s\n' "$_prog" "$*" >&2; exit "${DIE_CODE:-1}"; }
warn() { printf '%s: warning: %s\n' "$_prog" "$*" >&2; }
info() { printf '%s: %s\n' "$_prog" "$*" >&2; }

# design_field NAME COLUMN: print one column of kernel/designs.tsv
# (1=name 2=patches 3=role 4=description). Fails if NAME is unknown.
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

# --- The stress suite's table: kernel/stress.tsv --------------------------------
# Rows are scenarios, columns designs; each cell is the verdict the stress
# suite expects (see the file's header for the syntax).
IOPF_STRESS_TSV=$IOPF_TOP/kernel/stress.tsv
IOPF_STRESS_VERDICTS="pass deadlock splat leak lost-response"
# stress_table: check kernel/stress.tsv against kernel/designs.tsv and print it
# as records, one a line, fields separated by one tab:
#   D  design                                      (the columns, in order)
#   S  scenario  bench-options                     (the rows, in order)
#   C  scenario  design  verdict  short(1|0)  note (every cell; note may be empty)
# On any error, prints "kernel/stress.tsv:LINE: what" for each and fails.
stress_table() {
	[[ -f $IOPF_STRESS_TSV ]] || { printf '%s: error: %s not found\n' "$_prog" "$IOPF_STRESS_TSV" >&2; return 1; }
	awk -v file="${IOPF_STRESS_TSV#"$IOPF_TOP"/}" -v designs="$(design_names | tr '\n' ' ')" \
		-v verdicts="$IOPF_STRESS_VERDICTS" '
	function err(ln, msg) { printf "%s:%d: %s\n", file, ln, msg > "/dev/stderr"; bad = 1 }
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	BEGIN {
		nd = split(designs, D, " "); for (i = 1; i <= nd; i++) known[D[i]] = 1
		nv = split(verdicts, V, " "); for (i = 1; i <= nv; i++) isverdict[V[i]] = 1
	}
	{ sub(/\r$/, "") }
	/^[ \t]*$/ { next }
	/^#[ \t]*note[ \t]/ {
		# "# note SCENARIO DESIGN: text"
		l = $0; sub(/^#[ \t]*note[ \t]+/, "", l)
		ns = l; sub(/[ \t].*/, "", ns)
		l = substr(l, length(ns) + 1); sub(/^[ \t]+/, "", l)
		c = index(l, ":")
		if (ns == "" || c < 2) { err(NR, "a note is \"# note SCENARIO DESIGN: text\""); next }
		nnote++; note_line[nnote] = NR; note_s[nnote] = ns
		note_d[nnote] = trim(substr(l, 1, c - 1)); note_t[nnote] = trim(substr(l, c + 1))
		gsub(/\t/, " ", note_t[nnote])
		next
	}
	/^#/ { next }
	{
		n = split($0, f, /\t+/)
		for (i = 1; i <= n; i++) f[i] = trim(f[i])
	}
	!hdr {
		hdr = NR
		if (f[1] != "scenario" || f[n] != "options" || n < 3) {
			err(NR, "the header is \"scenario<TAB>DESIGN...<TAB>options\""); fatal = 1; exit 1
		}
		ncol = n - 2
		for (i = 1; i <= ncol; i++) {
			col[i] = f[i + 1]
			if (!(col[i] in known)) err(NR, "column \"" col[i] "\" is not a design of kernel/designs.tsv")
			if (col[i] in hascol) err(NR, "design \"" col[i] "\" has two columns")
			hascol[col[i]] = 1
		}
		next
	}
	{
		s = f[1]
		if (s !~ /^[a-z0-9][a-z0-9-]*$/) { err(NR, "bad scenario name \"" s "\""); next }
		if (s in row) { err(NR, "scenario " s " is already on line " row[s]); next }
		row[s] = NR; nrow++; order[nrow] = s
		if (n != ncol + 2) {
			err(NR, "scenario " s ": " n - 1 " field(s) after the name, but the header (line " hdr ") wants a cell for each of its " ncol " designs, then the options")
			next
		}
		opts[s] = f[n]
		if (opts[s] !~ /^--/) err(NR, "scenario " s ": the last field must be its bench options, not \"" opts[s] "\"")
		for (i = 1; i <= ncol; i++) {
			v = f[i + 1]; sh = 0
			if (v ~ /\*$/) { sh = 1; v = substr(v, 1, length(v) - 1) }
			if (!(v in isverdict)) {
				err(NR, "scenario " s ", design " col[i] ": \"" f[i + 1] "\" is not a verdict (" verdicts ", optionally followed by *)")
				continue
			}
			verdict[s, col[i]] = v; short[s, col[i]] = sh
		}
	}
	END {
		if (fatal) exit 1
		if (!hdr) { err(NR, "no header line"); exit 1 }
		for (i = 1; i <= nd; i++)
			if (!(D[i] in hascol)) err(hdr, "no column for design " D[i] " (kernel/designs.tsv): every design needs one verdict per scenario")
		if (!nrow) err(NR, "no scenarios")
		for (k = 1; k <= nnote; k++) {
			if (!(note_s[k] in row)) { err(note_line[k], "note for unknown scenario " note_s[k]); continue }
			if (!(note_d[k] in hascol)) { err(note_line[k], "note for " note_s[k] " names no design column: \"" note_d[k] "\""); continue }
			key = note_s[k] SUBSEP note_d[k]
			if (key in note) note[key] = note[key] "; " note_t[k]
			else note[key] = note_t[k]
		}
		if (bad) exit 1
		for (i = 1; i <= ncol; i++) print "D\t" col[i]
		for (r = 1; r <= nrow; r++) print "S\t" order[r] "\t" opts[order[r]]
		for (r = 1; r <= nrow; r++)
			for (i = 1; i <= ncol; i++) {
				key = order[r] SUBSEP col[i]
				print "C\t" order[r] "\t" col[i] "\t" verdict[key] "\t" short[key] "\t" ((key in note) ? note[key] : "")
			}
	}' "$IOPF_STRESS_TSV"
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
# ksrc_version TREE: the kernel version of a source tree (its top Makefile),
# e.g. 7.3.4.
ksrc_version() {
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 } $1 == "SUBLEVEL" { s = $2 }
		v != "" && p != "" && s != "" { print v "." p "." s; exit }' "$1/Makefile"
}
# IOPF_SUPPORTED: the kernel lines the module and the designs support.
IOPF_SUPPORTED="6.12 and 7.x (7.2 or later)"
# ksrc_family VERSION: the kernel line the module and patches know it as
# (6.12 or 7.x); any other version is one clear error.
ksrc_family() {
	case $1 in
	6.12 | 6.12.*) echo 6.12 ;;
	7.[2-9] | 7.[2-9].* | 7.[1-9][0-9] | 7.[1-9][0-9].*) echo 7.x ;;
	*) die "kernel ${1:-of unknown version} is not supported: iopf-bench supports $IOPF_SUPPORTED" ;;
	esac
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

# --- A private apt, for packages of other suites (trixie-backports, sid) -----
# The system's apt sources and state are never changed: the suites' lists,
# the archive cache and the sources list live under $IOPF_CACHE/apt. The
# archive is the one the system's bookworm sources name (deb.debian.org
# unless the system says otherwise); the keyring is bookworm's
# debian-archive-keyring, which holds the trixie and sid keys too.
IOPF_APT_SUITES="trixie-backports"
apt_private_opts() {
	local a=$IOPF_CACHE/apt
	printf '%s\n' -o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=- \
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o Dir::State::status=/dev/null \
		-o APT::Sandbox::User=root
}
# apt_private_update [--force]: write the sources list and fetch the lists
# (once a day, or when forced). Fails with one line when the archive cannot
# be reached.
apt_private_update() {
	local a=$IOPF_CACHE/apt uri opts log
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	uri=$(grep -hoE '^URIs: *[^ ]+/debian/?$|^deb +(\[[^]]*\] +)?[a-z]+://[^ ]+/debian/? ' \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1 |
		grep -oE '[a-z]+://[^ ]+/debian' || true)
	[[ -n $uri ]] || uri=http://deb.debian.org/debian
	{
		echo "# written by iopf-bench (scripts/lib.sh apt_private_update): never the system's apt"
		for s in $IOPF_APT_SUITES; do
			echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main"
		done
	} >"$a/sources.list.tmp"
	if [[ ${1:-} != --force ]] && cmp -s "$a/sources.list" "$a/sources.list.tmp" &&
		[[ -n $(find "$a/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null) ]]; then
		rm -f "$a/sources.list.tmp"
		return 0
	fi
	mv "$a/sources.list.tmp" "$a/sources.list"
	mapfile -t opts < <(apt_private_opts)
	log=$a/update.log
	if ! apt-get "${opts[@]}" update >"$log" 2>&1 || grep -qE '^(E:|W: Failed to fetch)' "$log"; then
		printf '%s: error: %s\n' "$_prog" "cannot reach the Debian archive $uri for $IOPF_APT_SUITES ($(grep -m1 -E '^(E|W):' "$log" || echo "apt-get update failed"); log: $log)" >&2
		return 1
	fi
}
# apt_private_download DIR PKG[=VERSION]...: download the packages' .debs into DIR.
apt_private_download() {
	local dir=$1 opts
	shift
	mapfile -t opts < <(apt_private_opts)
	(cd "$dir" && apt-get "${opts[@]}" download "$@") >"$dir/apt.log" 2>&1 || {
		printf '%s: error: %s\n' "$_prog" "apt-get download $* failed: $(grep -m1 -E '^(E|W):' "$dir/apt.log" || tail -n1 "$dir/apt.log")" >&2
		return 1
	}
}
# apt_private_policy PKG: the candidate version of PKG in the private suites.
apt_private_policy() {
	local opts
	mapfile -t opts < <(apt_private_opts)
	apt-cache "${opts[@]}" policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'
}
