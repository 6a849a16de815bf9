# Shared shell helpers for iopf-bench scripts. Source it; do not run it.
# shellcheck shell=bash

IOPF_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IOPF_CACHE=${IOPF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iopf-bench}
IOPF_DESIGNS_TSV=$IOPF_TOP/kernel/designs.tsv
IOPF_FLAVORS="perf debug noiopf"
# IOPF_KSRC_TARBALL set by the caller (the older way of naming a source):
# the source of a design ref that names none (see design_resolve).
IOPF_KSRC_TARBALL_GIVEN=${IOPF_KSRC_TARBALL:-}
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
		if (opts[s] !~ /^(@7\.x |@6\.12 )?--/) err(NR, "scenario " s ": the last field must be its bench options (optionally after @7.x or @6.12), not \"" opts[s] "\"")
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
# ksrc_tarball_sum FILE: sha256 of a tarball, cached by path, size and mtime
# under $IOPF_CACHE/src/sums/ (a read-only cache just means computing it).
ksrc_tarball_sum() {
	local t=$1 st f sum
	st=$(stat -c '%s %Y' "$t") || return 1
	f=$IOPF_CACHE/src/sums/$(printf '%s' "$t" | sha256sum | cut -c1-16)
	if [[ -f $f && $(head -n1 "$f") == "$t $st" ]]; then
		sed -n 2p "$f"
		return 0
	fi
	sum=$(sha256sum "$t" | cut -c1-64) || return 1
	{ mkdir -p "${f%/*}" && printf '%s %s\n%s\n' "$t" "$st" "$sum" >"$f.tmp.$$" && mv "$f.tmp.$$" "$f"; } 2>/dev/null ||
		rm -f "$f.tmp.$$" 2>/dev/null || true
	echo "$sum"
}
# ksrc_sum: sha256 of the source tarball $IOPF_KSRC_TARBALL.
ksrc_sum() { ksrc_tarball_sum "$IOPF_KSRC_TARBALL"; }
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
	# IOPF_APT_URI: another archive (a mirror; the tests: one that cannot be reached).
	[[ -n ${IOPF_APT_URI:-} ]] && uri=$IOPF_APT_URI
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

# --- Kernel sources (kernel/sources.tsv) and design references ----------------
# A design reference names the kernel under test: a design of
# kernel/designs.tsv (its patches and role), the source it is built from,
# and a user's own patches. The grammar (README "Kernels", kernel/sources.tsv):
#   NAME                  a design on the default source (debian-6.12)
#   NAME@SOURCE           a design on another source (split at the first '@')
#   LABEL=BASE[+PATCH...] a user's design (role compare): BASE is a SOURCE or
#                         NAME or NAME@SOURCE; each PATCH a file (a patch or a
#                         series of them, applied with patch -p1)
#   distro[@SOURCE]       Debian's prebuilt kernel of a named source (scripts/distro-kernel)
# and a SOURCE is one of
#   NAME[:VERSION]        a line of kernel/sources.tsv (its pinned package
#                         version, or VERSION)
#   tarball:PATH          a .tar/.tar.xz/.tar.gz of a kernel tree
#   tree:PATH[@REV]       a git tree, read at REV with git archive; without
#                         @REV: HEAD plus the tracked files' uncommitted diff
# The C twin of design_resolve is bench/sweep/spec.c (spec_design_ref): the same
# rules, the same labels.
IOPF_SOURCES_TSV=$IOPF_TOP/kernel/sources.tsv
IOPF_DEFAULT_SOURCE=debian-6.12

# die_input MSG: bad input (a design ref, a source): one line, exit
# $IOPF_INPUT_CODE (2; scripts/vm-run sets its own 125).
die_input() { DIE_CODE=${IOPF_INPUT_CODE:-2} die "$@"; }

# source_field NAME COLUMN: one column of kernel/sources.tsv
# (1=name 2=kind 3=package 4=version 5=apt 6=description). Fails if unknown.
source_field() {
	[[ -f $IOPF_SOURCES_TSV ]] || return 1
	awk -F'\t' -v n="$1" -v c="$2" '!/^#/ && NF && $1 == n { print $c; f = 1 } END { exit !f }' "$IOPF_SOURCES_TSV"
}
source_names() { awk -F'\t' '!/^#/ && NF { print $1 }' "$IOPF_SOURCES_TSV" 2>/dev/null; }

# Cleanup of temporary directories (a failed or interrupted fetch or unpack
# leaves nothing in the cache). Scripts whose own EXIT trap replaces this one
# call tmp_cleanup from it.
IOPF_TMPS=()
tmp_cleanup() { ((${#IOPF_TMPS[@]})) && rm -rf "${IOPF_TMPS[@]}"; IOPF_TMPS=(); return 0; }
tmp_register() {
	IOPF_TMPS+=("$1")
	trap tmp_cleanup EXIT
	trap 'tmp_cleanup; trap - INT EXIT; kill -INT $$' INT
	trap 'tmp_cleanup; trap - TERM EXIT; kill -TERM $$' TERM
}

# path_abs PATH: PATH with a leading ~ expanded, made absolute against the
# current directory (symlinks kept, . and .. folded).
path_abs() {
	local p=$1
	[[ $p == '~' || $p == '~/'* ]] && p=$HOME${p#\~}
	realpath -m -s -- "$p"
}

# _tree_split TEXT: PATH[@REV] -> SR_PATH, SR_REV. A path may contain '@':
# the split is at the first '@' whose left side is a directory.
_tree_split() {
	local t=$1 i left
	SR_PATH= SR_REV=
	for ((i = 0; i < ${#t}; i++)); do
		[[ ${t:i:1} == @ ]] || continue
		left=${t:0:i}
		if [[ -n $left && -d $(path_abs "$left") ]]; then
			SR_PATH=$(path_abs "$left") SR_REV=${t:i+1}
			[[ -n $SR_REV ]] || die_input "source 'tree:$t': nothing after '@' (tree:PATH@REV)"
			return 0
		fi
	done
	if [[ $t == *@* && ! -d $(path_abs "$t") ]]; then
		SR_PATH=$(path_abs "${t%%@*}") SR_REV=${t#*@}
	else
		SR_PATH=$(path_abs "$t")
	fi
	[[ -n $t && -n $SR_PATH ]] || die_input "source 'tree:': tree:PATH[@REV] needs a path"
}

# source_parse SPEC: a source spec's syntax and its line of kernel/sources.tsv;
# no download, no unpacking. Sets SR_SPEC (normalized: paths absolute, a
# version equal to the pinned one dropped), SR_NAME (the table's name, or
# tarball/tree), SR_KIND (deb, tarball, tree), SR_PKG, SR_VERSION (the
# package version taken), SR_PINNED, SR_APT (system or private), SR_PATH, SR_REV.
source_parse() {
	local s=$1 name ver
	SR_SPEC= SR_NAME= SR_KIND= SR_PKG= SR_VERSION= SR_PINNED= SR_APT= SR_PATH= SR_REV=
	SR_TARBALL= SR_SHA256= SR_COMMIT= SR_DIFF_FILE= SR_DIFF_SHA256= SR_TREE= SR_KVER= SR_FAMILY= SR_DEB_SHA256=
	case $s in
	tarball:*)
		SR_KIND=tarball SR_NAME=tarball
		[[ -n ${s#tarball:} ]] || die_input "source 'tarball:': tarball:PATH needs a path"
		SR_PATH=$(path_abs "${s#tarball:}")
		SR_SPEC=tarball:$SR_PATH ;;
	tree:*)
		SR_KIND=tree SR_NAME=tree
		_tree_split "${s#tree:}"
		SR_SPEC=tree:$SR_PATH${SR_REV:+@$SR_REV} ;;
	*)
		name=${s%%:*} ver=
		[[ $s == *:* ]] && ver=${s#*:}
		if ! source_field "$name" 1 >/dev/null; then
			die_input "unknown source '$name' (kernel/sources.tsv has: $(source_names | tr "\n" " " | sed "s/ $//"); or tarball:PATH, tree:PATH[@REV])"
		fi
		[[ $s != *: ]] || die_input "source '$s': nothing after ':' (NAME:VERSION)"
		[[ -z $ver || $ver =~ ^[A-Za-z0-9][A-Za-z0-9.+~:-]*$ ]] ||
			die_input "source '$s': '$ver' is not a Debian package version"
		SR_KIND=$(source_field "$name" 2) SR_PKG=$(source_field "$name" 3)
		SR_PINNED=$(source_field "$name" 4) SR_APT=$(source_field "$name" 5) SR_NAME=$name
		[[ $ver == "$SR_PINNED" ]] && ver=
		SR_VERSION=${ver:-$SR_PINNED}
		SR_SPEC=$name${ver:+:$ver} ;;
	esac
}

# _looks_like_patch TOKEN: a file name meant as a patch (so that a missing one
# is an error rather than part of a version such as 7.3.4-1~bpo13+1).
_looks_like_patch() { [[ $1 == */* || $1 == '~'* || $1 =~ \.(patch|diff|mbox|series|eml)$ ]]; }

# _label_safe TEXT: TEXT with every character but [A-Za-z0-9._@+-] made '_'.
_label_safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._@+-' '_'; }

# design_resolve REF: parse a design reference (the only place in shell).
# Sets, without fetching anything:
#   DR_REF      the ref, normalized (patch and source paths absolute)
#   DR_LABEL    its name in results folders, build directories, VM logs:
#               NAME, NAME@SOURCE for a named source (a version: ':' and
#               '~' become '_'), NAME@tarball-FILE / NAME@tree-DIR[-REV] for
#               a user's source, LABEL for LABEL= refs
#   DR_DESIGN   the designs.tsv design whose patches apply ('' when a LABEL=
#               ref's base is a source; 'distro' for Debian's kernels)
#   DR_SOURCE   the source spec, normalized ('' for a bare 'distro': scripts/distro-kernel's default)
#   DR_PATCHES  (array) a LABEL= ref's patches, absolute
#   DR_ROLE     baseline, compare, broken or test (designs.tsv; LABEL= and distro: compare)
#   DR_KIND     kernel (scripts/kernel-build) or distro (scripts/distro-kernel)
#   DR_DIRNAME  the design part of a build directory's name
# Bad input: one line, exit 2 (die_input).
design_resolve() {
	local ref=$1 label= rest base tok f srcgiven=0 p
	DR_REF= DR_LABEL= DR_DESIGN= DR_SOURCE= DR_PATCHES=() DR_ROLE= DR_KIND=kernel DR_DIRNAME=
	[[ -n $ref ]] || die_input "empty design reference"
	[[ $ref != *[[:space:]]* ]] || die_input "design '$ref': a design reference has no whitespace"
	if [[ $ref =~ ^([^@:/+=~]*)=(.*)$ ]]; then
		label=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
		[[ $label =~ ^[a-z0-9][a-z0-9-]*$ ]] ||
			die_input "design '$ref': the label '$label' must be lower-case letters, digits and '-', starting with a letter or digit"
		((${#label} <= 63)) || die_input "design '$ref': the label is longer than 63 characters"
		[[ $label != distro ]] && ! design_field "$label" 1 >/dev/null ||
			die_input "design '$ref': '$label' is the name of a design; give a LABEL of your own"
		[[ -n $rest ]] || die_input "design '$ref': nothing after '$label=' (LABEL=SOURCE[+PATCH...] or LABEL=NAME@SOURCE[+PATCH...])"
		# BASE+PATCH+...: a '+' starts a patch when what follows is a file
		# (or is named like one); before the first patch any other '+' is
		# part of BASE (a Debian version: debian-7.3:7.3.4-1~bpo13+1).
		base=${rest%%+*} rest=${rest#"$base"}
		while [[ -n $rest ]]; do
			rest=${rest#+}
			tok=${rest%%+*} rest=${rest#"$tok"}
			f=
			[[ -n $tok ]] && f=$(path_abs "$tok")
			if ((${#DR_PATCHES[@]} == 0)) && [[ -z $tok || ! -f $f ]] && ! _looks_like_patch "$tok"; then
				base+=+$tok
				continue
			fi
			[[ -n $tok && -f $f && -r $f ]] || die_input "design '$ref': patch '$tok' is not a readable file"
			DR_PATCHES+=("$f")
		done
		case $base in
		tarball:* | tree:*) DR_SOURCE=$base srcgiven=1 ;;
		*@*) DR_DESIGN=${base%%@*} DR_SOURCE=${base#*@} srcgiven=1 ;;
		*)
			if source_field "${base%%:*}" 1 >/dev/null; then
				DR_SOURCE=$base srcgiven=1
			elif [[ $base != *:* ]] && design_field "$base" 1 >/dev/null; then
				DR_DESIGN=$base
			else
				die_input "design '$ref': '$base' is neither a design of kernel/designs.tsv ($(design_names | tr '\n' ' ' | sed 's/ $//')) nor a source of kernel/sources.tsv ($(source_names | tr '\n' ' ' | sed 's/ $//')), tarball:PATH or tree:PATH[@REV]"
			fi ;;
		esac
		[[ $DR_DESIGN != distro ]] || die_input "design '$ref': Debian's prebuilt kernels take no patches (distro@SOURCE has no LABEL= form)"
		# An unknown design is a plain error (exit 1, as it always was).
		[[ -z $DR_DESIGN ]] || design_field "$DR_DESIGN" 1 >/dev/null ||
			die "design '$ref': unknown design '$DR_DESIGN' (valid: $(design_names | tr '\n' ' ' | sed 's/ $//'))"
		DR_ROLE=compare DR_LABEL=$label DR_DIRNAME=$label
	else
		if [[ $ref == *@* ]]; then
			DR_DESIGN=${ref%%@*} DR_SOURCE=${ref#*@} srcgiven=1
			[[ -n $DR_SOURCE ]] || die_input "design '$ref': nothing after '@' (NAME@SOURCE)"
		else
			DR_DESIGN=$ref
		fi
		p=${DR_SOURCE##*+}
		if [[ $DR_SOURCE == *+* ]] && _looks_like_patch "$p"; then
			die_input "design '$ref': extra patches need a label of their own: LABEL=$ref (LABEL: lower-case letters, digits, '-')"
		fi
		if [[ $DR_DESIGN == distro ]]; then
			DR_KIND=distro DR_ROLE=compare DR_DIRNAME=distro
			if ((srcgiven)); then
				source_parse "$DR_SOURCE"
				[[ $SR_KIND == deb && $SR_SPEC == "$SR_NAME" ]] ||
					die_input "design '$ref': distro@SOURCE takes a named Debian source without a version ($(source_names | tr '\n' ' ' | sed 's/ $//'))"
				DR_SOURCE=$SR_SPEC DR_REF=distro@$SR_SPEC DR_LABEL=distro@$SR_SPEC
			else
				DR_REF=distro DR_LABEL=distro
			fi
			return 0
		fi
		design_field "$DR_DESIGN" 1 >/dev/null ||
			die "unknown design '$DR_DESIGN' (valid: $(design_names | tr '\n' ' ' | sed 's/ $//'); or NAME@SOURCE, LABEL=SOURCE[+PATCH...])"
		DR_ROLE=$(design_field "$DR_DESIGN" 3) DR_DIRNAME=$DR_DESIGN
	fi
	if ((srcgiven)); then
		source_parse "$DR_SOURCE"
		DR_SOURCE=$SR_SPEC
	elif [[ -n $IOPF_KSRC_TARBALL_GIVEN ]]; then
		DR_SOURCE=tarball:$(path_abs "$IOPF_KSRC_TARBALL_GIVEN")
	else
		DR_SOURCE=$IOPF_DEFAULT_SOURCE
	fi
	if [[ -n $label ]]; then
		DR_REF=$label=${DR_DESIGN:+$DR_DESIGN@}$DR_SOURCE
		for p in "${DR_PATCHES[@]}"; do DR_REF+=+$p; done
	elif ((srcgiven)); then
		DR_REF=$DR_DESIGN@$DR_SOURCE
		case $SR_KIND in
		tarball)
			f=${SR_PATH##*/}
			f=$(sed -E 's/\.(tar(\.(xz|gz|bz2|zst))?|tgz|txz)$//' <<<"$f")
			DR_LABEL=$DR_DESIGN@tarball-$(_label_safe "$f") ;;
		tree) DR_LABEL=$DR_DESIGN@tree-$(_label_safe "${SR_PATH##*/}${SR_REV:+-$SR_REV}") ;;
		*) DR_LABEL=$DR_DESIGN@$(_label_safe "$SR_SPEC") ;;
		esac
		((${#DR_LABEL} <= 63)) ||
			die_input "design '$ref': its label '$DR_LABEL' is longer than 63 characters: name it, LABEL=$ref"
	else
		DR_REF=$DR_DESIGN DR_LABEL=$DR_DESIGN
	fi
}

# source_fetch [CACHED_ONLY]: make the parsed source (source_parse) present
# and name its identity: SR_TARBALL and SR_SHA256 (the tarball's sha256: the
# identity of every tarball kind), or SR_COMMIT and SR_DIFF_SHA256 (tree; the
# diff is in SR_DIFF_FILE, a temporary file). A Debian source of another
# version than the one installed in /usr/src is downloaded once into
# $IOPF_CACHE/src/NAME/VERSION/ (the .deb checked against the archive's
# sha256 and dropped; the tarball kept). With CACHED_ONLY=1 nothing is
# downloaded: returns 1 instead. Bad input or an unreachable archive: one
# line, exit 2, nothing left in the cache.
source_fetch() {
	local cached_only=${1:-0} inst d
	case $SR_KIND in
	tarball)
		[[ -f $SR_PATH && -r $SR_PATH ]] || die_input "source tarball:$SR_PATH: no such readable file"
		SR_TARBALL=$SR_PATH ;;
	tree)
		[[ -d $SR_PATH ]] || die_input "source tree:$SR_PATH: no such directory"
		GIT_OPTIONAL_LOCKS=0 git -C "$SR_PATH" rev-parse --git-dir >/dev/null 2>&1 ||
			die_input "source tree:$SR_PATH: not a git repository"
		SR_COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$SR_PATH" rev-parse --verify -q "${SR_REV:-HEAD}^{commit}" 2>/dev/null) ||
			die_input "source tree:$SR_PATH: '${SR_REV:-HEAD}' does not name a commit there"
		if [[ -z $SR_REV ]]; then
			# The tracked files' uncommitted changes, in a form git apply
			# takes back whatever the user's diff settings.
			SR_DIFF_FILE=$(mktemp "${TMPDIR:-/tmp}/iopf-tree-diff.XXXXXX")
			tmp_register "$SR_DIFF_FILE"
			GIT_OPTIONAL_LOCKS=0 git -C "$SR_PATH" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
				diff --no-ext-diff --no-textconv --no-color --binary --full-index \
				--src-prefix=a/ --dst-prefix=b/ HEAD -- >"$SR_DIFF_FILE" 2>/dev/null ||
				die_input "source tree:$SR_PATH: git diff HEAD failed"
			[[ -s $SR_DIFF_FILE ]] && SR_DIFF_SHA256=$(sha256sum "$SR_DIFF_FILE" | cut -c1-64)
		fi
		return 0 ;;
	deb)
		inst=
		[[ $SR_APT == system ]] && inst=$(dpkg-query -W -f='${Version}' "$SR_PKG" 2>/dev/null || true)
		d=$IOPF_CACHE/src/$SR_NAME/$SR_VERSION
		if [[ $inst == "$SR_VERSION" && -f /usr/src/$SR_PKG.tar.xz ]]; then
			SR_TARBALL=/usr/src/$SR_PKG.tar.xz
		elif [[ -f $d/$SR_PKG.tar.xz ]]; then
			SR_TARBALL=$d/$SR_PKG.tar.xz
			SR_DEB_SHA256=$(sed -n 's/^deb_sha256=//p' "$d/info" 2>/dev/null)
		else
			((cached_only)) && return 1
			_source_download
		fi ;;
	*) die_input "source $SR_SPEC: kernel/sources.tsv gives it kind '$SR_KIND' (known: deb)" ;;
	esac
	SR_SHA256=$(ksrc_tarball_sum "$SR_TARBALL") || die_input "source $SR_SPEC: cannot read $SR_TARBALL"
}

# _source_download: the .deb of SR_PKG=SR_VERSION through apt-get download
# (the private apt for a source whose apt column says private, else the
# system's, whose state a download does not change), into the cache.
_source_download() {
	local opts=() where show cand want have deb d=$IOPF_CACHE/src/$SR_NAME/$SR_VERSION tmp
	if [[ $SR_APT == private ]]; then
		apt_private_update || exit "${IOPF_INPUT_CODE:-2}"
		mapfile -t opts < <(apt_private_opts)
		where="the archive's $IOPF_APT_SUITES"
	else
		where="the system's apt sources"
	fi
	if ! show=$(apt-cache "${opts[@]}" show "$SR_PKG=$SR_VERSION" 2>/dev/null) || [[ -z $show ]]; then
		cand=$(apt-cache "${opts[@]}" policy "$SR_PKG" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		if [[ -n $cand && $cand != '(none)' ]]; then
			die_input "source $SR_NAME: $SR_PKG $SR_VERSION is not in $where, which has $cand: take it with $SR_NAME:$cand (e.g. --design rcu@$SR_NAME:$cand), or pin it in kernel/sources.tsv"
		fi
		die_input "source $SR_NAME: $SR_PKG is not in $where at all (apt-get update?)"
	fi
	want=$(awk '/^SHA256:/ { print $2; exit }' <<<"$show")
	info "$SR_NAME: downloading $SR_PKG $SR_VERSION (once; kept in ${d#"$IOPF_CACHE"/})"
	mkdir -p "$IOPF_CACHE/src/$SR_NAME"
	tmp=$(mktemp -d "$IOPF_CACHE/src/$SR_NAME/.tmp-XXXXXX")
	tmp_register "$tmp"
	if [[ $SR_APT == private ]]; then
		apt_private_download "$tmp" "$SR_PKG=$SR_VERSION" || exit "${IOPF_INPUT_CODE:-2}"
	else
		(cd "$tmp" && apt-get download "$SR_PKG=$SR_VERSION") >"$tmp/apt.log" 2>&1 ||
			die_input "apt-get download $SR_PKG=$SR_VERSION failed: $(grep -m1 -E '^(E|W):' "$tmp/apt.log" || tail -n1 "$tmp/apt.log")"
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	[[ -n $deb ]] || die_input "apt-get download $SR_PKG=$SR_VERSION left no .deb"
	have=$(sha256sum "$deb" | cut -c1-64)
	[[ -z $want || $have == "$want" ]] ||
		die_input "source $SR_NAME: $(basename "$deb") has sha256 $have, the archive says $want"
	dpkg-deb -x "$deb" "$tmp/x" || die_input "source $SR_NAME: dpkg-deb cannot unpack $(basename "$deb")"
	[[ -f $tmp/x/usr/src/$SR_PKG.tar.xz ]] || die_input "source $SR_NAME: $(basename "$deb") has no usr/src/$SR_PKG.tar.xz"
	mkdir -p "$tmp/out"
	mv "$tmp/x/usr/src/$SR_PKG.tar.xz" "$tmp/out/"
	printf 'package=%s\nversion=%s\ndeb=%s\ndeb_sha256=%s\ndownloaded=%s\n' "$SR_PKG" "$SR_VERSION" \
		"$(basename "$deb")" "$have" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/out/info"
	rm -rf "$d"
	mv "$tmp/out" "$d"
	rm -rf "$tmp"
	SR_TARBALL=$d/$SR_PKG.tar.xz SR_DEB_SHA256=$have
}

# source_pristine: the unpacked, unpatched tree of the fetched source, once
# per identity: $IOPF_CACHE/src/linux-<sha256:12> for tarballs (as before),
# src/tree-<commit:12>[-<diff sha256:12>] for git trees. It must be a kernel
# tree (a top Makefile with its version) of a supported line (ksrc_family),
# else one line, exit 2, and nothing is left behind. Sets SR_TREE, SR_KVER,
# SR_FAMILY. The caller holds $IOPF_CACHE/src/.lock.
source_pristine() {
	local dir tmp t what n
	if [[ $SR_KIND == tree ]]; then
		dir=$IOPF_CACHE/src/tree-${SR_COMMIT:0:12}${SR_DIFF_SHA256:+-${SR_DIFF_SHA256:0:12}}
		what="$SR_PATH at ${SR_COMMIT:0:12}${SR_DIFF_SHA256:+ with its uncommitted diff}"
	else
		dir=$IOPF_CACHE/src/linux-${SR_SHA256:0:12}
		what=$(basename "$SR_TARBALL")
	fi
	if [[ ! -f $dir/.unpacked ]]; then
		mkdir -p "$IOPF_CACHE/src"
		tmp=$(mktemp -d "$IOPF_CACHE/src/.unpack-XXXXXX")
		tmp_register "$tmp"
		info "unpacking $what (once per source version)"
		mkdir -p "$tmp/x"
		if [[ $SR_KIND == tree ]]; then
			GIT_OPTIONAL_LOCKS=0 git -C "$SR_PATH" archive --format=tar "$SR_COMMIT" 2>"$tmp/err" | tar -x -C "$tmp/x" 2>>"$tmp/err" ||
				die_input "source $SR_SPEC: git archive ${SR_COMMIT:0:12} failed: $(head -n1 "$tmp/err")"
			if [[ -n $SR_DIFF_SHA256 ]]; then
				(cd "$tmp/x" && GIT_CEILING_DIRECTORIES=$tmp git apply --whitespace=nowarn "$SR_DIFF_FILE") 2>"$tmp/err" ||
					die_input "source $SR_SPEC: its uncommitted diff does not apply to ${SR_COMMIT:0:12}: $(head -n1 "$tmp/err")"
			fi
			t=$tmp/x
		else
			tar -xf "$SR_TARBALL" -C "$tmp/x" 2>"$tmp/err" ||
				die_input "source $SR_SPEC: $SR_TARBALL is not a tar archive that tar can unpack ($(grep -m1 . "$tmp/err" || echo "tar failed"))"
			t=$tmp/x
			# One top directory (linux-source-6.12/): the tree is inside it.
			n=$(find "$t" -mindepth 1 -maxdepth 1 | wc -l)
			if [[ ! -f $t/Makefile && $n == 1 ]] && [[ -d $(find "$t" -mindepth 1 -maxdepth 1) ]]; then
				t=$(find "$t" -mindepth 1 -maxdepth 1)
			fi
		fi
		SR_KVER=$(ksrc_version "$t" 2>/dev/null || true)
		[[ -n $SR_KVER ]] ||
			die_input "source $SR_SPEC is not a kernel tree (no top-level Makefile with VERSION, PATCHLEVEL and SUBLEVEL)"
		SR_FAMILY=$(DIE_CODE=${IOPF_INPUT_CODE:-2} ksrc_family "$SR_KVER") || exit "${IOPF_INPUT_CODE:-2}"
		touch "$t/.unpacked"
		rm -rf "$dir"
		mv "$t" "$dir"
		rm -rf "$tmp"
	fi
	SR_TREE=$dir
	SR_KVER=$(ksrc_version "$dir" 2>/dev/null || true)
	[[ -n $SR_KVER ]] || die_input "source $SR_SPEC is not a kernel tree ($dir has no versioned Makefile)"
	SR_FAMILY=$(DIE_CODE=${IOPF_INPUT_CODE:-2} ksrc_family "$SR_KVER") || exit "${IOPF_INPUT_CODE:-2}"
}

# source_tree_version: SR_KVER and SR_FAMILY of a fetched git tree source
# (source_fetch) from its top Makefile, without unpacking it: at the commit,
# or in the worktree when the uncommitted diff is part of the source. Not a
# kernel tree or an unsupported version: one line, exit 2.
source_tree_version() {
	local mk
	if [[ -n $SR_DIFF_SHA256 ]]; then
		mk=$(cat "$SR_PATH/Makefile" 2>/dev/null || true)
	else
		mk=$(GIT_OPTIONAL_LOCKS=0 git -C "$SR_PATH" show "$SR_COMMIT:Makefile" 2>/dev/null || true)
	fi
	SR_KVER=$(awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 } $1 == "SUBLEVEL" { s = $2 }
		v != "" && p != "" && s != "" { print v "." p "." s; exit }' <<<"$mk")
	[[ -n $SR_KVER ]] ||
		die_input "source $SR_SPEC is not a kernel tree (no top-level Makefile with VERSION, PATCHLEVEL and SUBLEVEL at ${SR_COMMIT:0:12})"
	SR_FAMILY=$(DIE_CODE=${IOPF_INPUT_CODE:-2} ksrc_family "$SR_KVER") || exit "${IOPF_INPUT_CODE:-2}"
}
