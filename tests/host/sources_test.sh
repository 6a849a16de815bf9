#!/usr/bin/env bash
# Description: kernel sources and design references. The parser
# (scripts/lib.sh design_resolve, through scripts/kernel-build --resolve)
# gives each reference its label, design, source, patches and role, and
# bench/sweep/spec.c gives the same labels; kernel/sources.tsv is well formed;
# every bad input (an unknown source, a bad label, a missing patch,
# a tarball that cannot be read or is not a kernel tree, a tree that is not
# a git repository or a REV that names no commit, an unsupported kernel
# version, a patch that does not apply, a version the archive lacks, an
# archive out of reach) exits 2 with one line and leaves nothing in the
# cache (an unknown design stays exit 1); the stress suite and the sweep
# take references. No kernel is built:
# everything that could write runs against a scratch cache.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
T=$TESTS_TOP
B=$T/bench/iopf-bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
C=$tmp/cache
real_cache=$IOPF_CACHE
unset IOPF_KSRC_TARBALL IOPF_APT_URI IOPF_DISTRO_SOURCE
export IOPF_BENCH_CACHE=$C

run() { out=$("$@" 2>&1); rc=$?; }
KB() { "$T/scripts/kernel-build" "$@"; }
# field KEY: a line of the last --resolve output.
field() { sed -n "s/^$1=//p" <<<"$out"; }
# resolved DESC REF "KEY=VALUE..." : kernel-build --resolve REF says so.
resolved() {
	local d=$1 r=$2 kv bad=
	shift 2
	run KB --design "$r" --resolve
	for kv in "$@"; do
		[[ $(field "${kv%%=*}") == "${kv#*=}" ]] || bad+=" ${kv%%=*}='$(field "${kv%%=*}")' (want '${kv#*=}')"
	done
	if [[ $rc == 0 && -z $bad ]]; then ktap_test_pass "$d"; else ktap_print_msg "$d: rc $rc:$bad: $out"; ktap_test_fail "$d"; fi
}
# bad DESC REGEX CMD...: exit 2 ($want if set), nothing on stdout, one error
# line on stderr (after progress lines, if any) matching REGEX.
bad() {
	local d=$1 re=$2 o e w=${want:-2}
	shift 2
	o=$("$@" 2>"$tmp/err"); rc=$?
	e=$(grep ': error: ' "$tmp/err")
	if [[ $rc == "$w" && -z $o && $(grep -c ': error: ' "$tmp/err") == 1 && $(tail -n1 "$tmp/err") == "$e" ]] &&
		grep -qE -- "$re" <<<"$e"; then
		ktap_test_pass "$d"
	else
		ktap_print_msg "$d: expected exit $w and one error line matching '$re', got $rc: $(cat "$tmp/err")${o:+ (stdout: $o)}"
		ktap_test_fail "$d"
	fi
}
# clean DESC: the scratch cache holds no build and no source tree, whole or half.
clean() {
	local left
	left=$(find "$C/kernels" "$C/src" -mindepth 1 -maxdepth 2 ! -name '.lock*' ! -path "$C/src/sums*" 2>/dev/null)
	check "$1: nothing left in the cache" "" "$left"
}

# Fixtures: tiny fake kernel trees (a top Makefile is what makes a kernel tree).
mk_tree() { # DIR VERSION PATCHLEVEL
	mkdir -p "$1/drivers/iommu"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = fake\n' "$2" "$3" >"$1/Makefile"
	echo 'obj-y += io-pgfault.o' >"$1/drivers/iommu/Makefile"
}
mk_tree "$tmp/f510/linux-5.10" 5 10
tar -C "$tmp/f510" -czf "$tmp/linux-5.10.tar.gz" linux-5.10
mk_tree "$tmp/f612/linux-6.12" 6 12
tar -C "$tmp/f612" -czf "$tmp/linux-6.12.tar.gz" linux-6.12
mkdir -p "$tmp/nk/x" && echo hello >"$tmp/nk/x/README" && tar -C "$tmp/nk" -cf "$tmp/notkernel.tar" x
head -c 4096 /dev/urandom >"$tmp/garbage.tar.xz"
gitc() { git -C "$1" -c user.name=t -c user.email=t@example.com "${@:2}"; }
mk_tree "$tmp/repo510" 5 10
git -C "$tmp/repo510" init -q && gitc "$tmp/repo510" add -A && gitc "$tmp/repo510" commit -qm v5.10
mkdir -p "$tmp/a@b" && cp -a "$tmp/repo510" "$tmp/a@b/repo"
mkdir -p "$tmp/notgit" "$tmp/work"
printf -- '--- a/no/such/file.c\n+++ b/no/such/file.c\n@@ -1 +1 @@\n-a\n+b\n' >"$tmp/work/rel.patch"
cp "$tmp/work/rel.patch" "$tmp/p.patch"

ktap_print_header
ktap_set_plan 76

# --- kernel/sources.tsv ------------------------------------------------------
names=$(source_names | tr '\n' ' ')
check "sources.tsv: debian-6.12 and debian-7.3" "debian-6.12 debian-7.3 " "$names"
check "sources.tsv: debian-7.3 pinned to 7.3.4-1~bpo13+1 (private apt)" "linux-source-7.3 7.3.4-1~bpo13+1 private" \
	"$(source_field debian-7.3 3) $(source_field debian-7.3 4) $(source_field debian-7.3 5)"
ok=1
while IFS=$'\t' read -r n k p v a d; do
	[[ $k == deb && $p == linux-source-* && $v =~ ^[0-9] && ($a == system || $a == private) && -n $d ]] || ok=0
	design_field "$n" 1 >/dev/null && ok=0
done < <(grep -v '^#' "$IOPF_SOURCES_TSV" | grep .)
check "sources.tsv: every line has kind, package, version, apt, description; no name is a design's" 1 "$ok"
check "the default source is the first line, debian-6.12" "debian-6.12" "$IOPF_DEFAULT_SOURCE"

# --- the parser ----------------------------------------------------------------
resolved "NAME: a design on debian-6.12" rcu label=rcu design=rcu role=baseline source=debian-6.12 ref=rcu
resolved "NAME@SOURCE: the pinned version" rcu@debian-7.3 label=rcu@debian-7.3 design=rcu \
	source=debian-7.3 source_kind=deb source_version=7.3.4-1~bpo13+1
resolved "NAME@SOURCE:VERSION: another version, a file-safe label" 'mutex@debian-7.3:7.3.5-1~bpo13+1' \
	'label=mutex@debian-7.3_7.3.5-1_bpo13+1' role=compare 'source_version=7.3.5-1~bpo13+1'
resolved "the pinned version written out is the plain name" 'rcu@debian-7.3:7.3.4-1~bpo13+1' \
	ref=rcu@debian-7.3 label=rcu@debian-7.3
cd "$tmp/work"
resolved "LABEL=SOURCE+PATCH: compare, patch made absolute" 'mine=debian-7.3+rel.patch' \
	label=mine design=- role=compare source=debian-7.3 "patch=$tmp/work/rel.patch" \
	"ref=mine=debian-7.3+$tmp/work/rel.patch"
cd "$T"
resolved "LABEL=: a '+' inside a Debian version is not a patch" "mine=debian-7.3:7.3.5-1~bpo13+1+$tmp/p.patch" \
	'source=debian-7.3:7.3.5-1~bpo13+1' "patch=$tmp/p.patch"
resolved "LABEL=NAME@SOURCE+PATCH: the design's patches and more" "mine=mutex@debian-7.3+$tmp/p.patch" \
	label=mine design=mutex role=compare source=debian-7.3
resolved "LABEL=NAME+PATCH: on the default source" "mine=mutex+$tmp/p.patch" design=mutex source=debian-6.12
resolved "NAME@tree:PATH@REV: split at the first '@', a derived label" "mutex@tree:$tmp/repo510@HEAD~0" \
	label=mutex@tree-repo510-HEAD_0 source_kind=tree "source_path=$tmp/repo510" 'source_rev=HEAD~0'
resolved "tree:PATH with '@' in the path" "mine=tree:$tmp/a@b/repo@main" "source_path=$tmp/a@b/repo" source_rev=main
resolved "tarball:~/PATH: ~ expanded, label from the file name" 'rcu@tarball:~/linux-x.tar.xz' \
	"source=tarball:$HOME/linux-x.tar.xz" label=rcu@tarball-linux-x
run KB --design mutex --source debian-7.3 --resolve
check "--design NAME --source S" "mutex@debian-7.3" "$(field ref)"
run env IOPF_KSRC_TARBALL="$tmp/linux-6.12.tar.gz" "$T/scripts/kernel-build" --design rcu --resolve
check "IOPF_KSRC_TARBALL is the source of a ref that names none" "tarball:$tmp/linux-6.12.tar.gz rcu" "$(field source) $(field label)"

# The C twin (bench/sweep/spec.c) gives the same labels.
same=1
for r in rcu rcu@debian-7.3 'mutex@debian-7.3:7.3.5-1~bpo13+1' "mine=mutex@debian-7.3+$tmp/p.patch" \
	"mutex@tree:$tmp/repo510@HEAD~0" "rcu@tree:$tmp/a@b/repo@main" 'rcu@tarball:~/linux-x.tar.xz' distro@debian-7.3; do
	l=$(KB --design "$r" --resolve 2>/dev/null | sed -n 's/^label=//p')
	[[ $r == distro@* ]] && l=$r
	c=$("$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --designs "$r" 2>&1 | sed -n '1s/.*designs \[ "\([^"]*\)" \].*/\1/p')
	[[ -n $l && $l == "$c" ]] || { same=0; ktap_print_msg "$r: shell '$l', C '$c'"; }
done
check "bench/sweep/spec.c and design_resolve: the same labels" 1 "$same"

# --- bad references: exit 2, one line ---------------------------------------------
bad "unknown source" "unknown source 'nosuch' \(kernel/sources.tsv has: debian-6.12 debian-7.3" KB --design rcu@nosuch --flavor perf
want=1 bad "unknown design: exit 1, as before" "unknown design 'nosuch'" KB --design nosuch --flavor perf
want=1 bad "unknown design on a source: exit 1" "unknown design 'nosuch'" KB --design nosuch@debian-7.3 --flavor perf
bad "a label is lower-case" "the label 'Mine' must be lower-case" KB --design Mine=debian-7.3 --flavor perf
bad "a label is not a design's name" "'rcu' is the name of a design" KB --design rcu=debian-7.3 --flavor perf
bad "a missing patch" "patch 'nope.patch' is not a readable file" KB --design mine=debian-7.3+nope.patch --flavor perf
bad "extra patches need a label" "extra patches need a label of their own: LABEL=rcu@debian-7.3\+x.patch" \
	KB --design rcu@debian-7.3+x.patch --flavor perf
bad "a version is a Debian version" "is not a Debian package version" KB --design 'rcu@debian-7.3:7.3/x' --flavor perf
bad "Debian's prebuilt kernels are not built" "Debian's prebuilt kernel: scripts/distro-kernel" \
	KB --design distro@debian-7.3 --flavor perf
bad "distro@ a versioned source" "distro@SOURCE takes a named Debian source without a version" \
	KB --design 'distro@debian-7.3:7.3.5-1~bpo13+1' --flavor perf
bad "an unknown flavor" "unknown flavor 'fast'" KB --design rcu --flavor fast
bad "ksrc_family: an unsupported version is exit 2" "kernel 5.10.0 is not supported: iopf-bench supports 6.12 and 7.x" \
	bash -c ". '$T/scripts/lib.sh'; DIE_CODE=2 ksrc_family 5.10.0"

# --- bad sources: exit 2, one line, nothing left in the cache ---------------------------
bad "a tarball that is not there" "source tarball:$tmp/none.tar.xz: no such readable file" \
	KB --design "rcu@tarball:$tmp/none.tar.xz" --flavor perf
bad "a file that is not a tarball" "is not a tar archive that tar can unpack" KB --design "rcu@tarball:$tmp/garbage.tar.xz" --flavor perf
clean "not a tarball"
bad "a tarball that is not a kernel tree" "is not a kernel tree \(no top-level Makefile" KB --design "rcu@tarball:$tmp/notkernel.tar" --flavor perf
clean "not a kernel tree"
bad "a tarball of an unsupported version" "kernel 5.10.0 is not supported" KB --design "rcu@tarball:$tmp/linux-5.10.tar.gz" --flavor perf
clean "an unsupported tarball"
bad "a tree that is not a git repository" "source tree:$tmp/notgit: not a git repository" KB --design "mine=tree:$tmp/notgit" --flavor perf
bad "a tree that does not exist" "source tree:$tmp/nosuch: no such directory" KB --design "mine=tree:$tmp/nosuch" --flavor perf
bad "a REV that names no commit" "source tree:$tmp/repo510: 'v9.9' does not name a commit there" \
	KB --design "mine=tree:$tmp/repo510@v9.9" --flavor perf
bad "a git tree of an unsupported version" "kernel 5.10.0 is not supported" KB --design "mine=tree:$tmp/repo510" --flavor perf
clean "an unsupported tree"
git -C "$tmp/repo510" status --porcelain >"$tmp/st"
check "the user's tree is left as it was (no index or worktree change)" "" "$(cat "$tmp/st")"
bad "a patch that does not apply: exit 2" "patch $tmp/p.patch does not apply to tarball:$tmp/linux-6.12.tar.gz \(Linux 6.12.0; design 'mine'\): .*nothing was built" \
	KB --design "mine=tarball:$tmp/linux-6.12.tar.gz+$tmp/p.patch" --flavor perf
check "a patch that does not apply: no build directory left" "" \
	"$(find "$C/kernels" -mindepth 1 -maxdepth 1 ! -name '.lock*' 2>/dev/null)"
rm -rf "$C"	# the fake 6.12 source it unpacked
bad "an archive out of reach" "cannot reach the Debian archive http://127.0.0.1:9/debian" \
	env IOPF_APT_URI=http://127.0.0.1:9/debian "$T/scripts/kernel-build" --design rcu@debian-7.3 --flavor perf
clean "an archive out of reach"
check "an archive out of reach: the real cache's apt is untouched" 0 \
	"$(grep -s 127.0.0.1 "$real_cache/apt/sources.list" | wc -l)"
# A version the archive does not have: the archive's lists, copied from the
# real cache (fresh copies: no network), else skipped.
if compgen -G "$real_cache/apt/lists/*trixie-backports*Packages*" >/dev/null && [[ -f $real_cache/apt/sources.list ]]; then
	rm -rf "$C/apt"; mkdir -p "$C/apt"
	cp "$real_cache/apt/sources.list" "$C/apt/" && cp -r "$real_cache/apt/lists" "$C/apt/lists"
	bad "a version the archive lacks: names the one it has and how to take it" \
		"linux-source-7.3 7.3.99-1~bpo13\+1 is not in the archive's trixie-backports, which has ([^ ]+): take it with debian-7.3:[^ ]+" \
		"$T/scripts/kernel-build" --design 'rcu@debian-7.3:7.3.99-1~bpo13+1' --flavor perf
	clean "a version the archive lacks"
else
	ktap_test_skip "a version the archive lacks (no trixie-backports lists in $real_cache/apt)"
	ktap_test_skip "a version the archive lacks: nothing left"
fi
# --- good sources, unpacked (scripts/kernel-src prints the pristine tree) -------------------
mk_tree "$tmp/repo612" 6 12
git -C "$tmp/repo612" init -q && gitc "$tmp/repo612" add -A && gitc "$tmp/repo612" commit -qm v6.12
c612=$(git -C "$tmp/repo612" rev-parse HEAD)
run "$T/scripts/kernel-src" --source "tree:$tmp/repo612"
check "tree:PATH, clean: unpacked at its commit" "$C/src/tree-${c612:0:12} VERSION = 6" \
	"$(tail -n1 <<<"$out") $(head -n1 "$(tail -n1 <<<"$out")/Makefile" 2>/dev/null)"
echo 'obj-y += mine.o' >>"$tmp/repo612/drivers/iommu/Makefile"
run "$T/scripts/kernel-src" --source "tree:$tmp/repo612"
d=$(tail -n1 <<<"$out")
check_match "tree:PATH, dirty: HEAD plus the uncommitted diff, in a directory of its own" \
	"^$C/src/tree-${c612:0:12}-[0-9a-f]{12} obj-y \+= mine.o$" "$d $(tail -n1 "$d/drivers/iommu/Makefile" 2>/dev/null)"
check "tree:PATH, dirty: the user's checkout and index are untouched" " M drivers/iommu/Makefile" \
	"$(git -C "$tmp/repo612" status --porcelain)"
run "$T/scripts/kernel-src" --source "tarball:$tmp/linux-6.12.tar.gz"
check_match "tarball:PATH: unpacked by its sha256, its top directory stripped" "^$C/src/linux-[0-9a-f]{12}:VERSION = 6$" \
	"$(tail -n1 <<<"$out"):$(head -n1 "$(tail -n1 <<<"$out")/Makefile" 2>/dev/null)"

# --- provenance: a cached build's source, patches and kernel, from its info ---------------------
ref="mine=mutex@tree:$tmp/repo612+$tmp/ok.patch"
printf -- '--- a/drivers/iommu/Makefile\n+++ b/drivers/iommu/Makefile\n@@ -1 +1,2 @@\n obj-y += io-pgfault.o\n+obj-y += x.o\n' >"$tmp/ok.patch"
key=$(KB --design "$ref" --flavor perf --key 2>/dev/null)
kd=$C/kernels/mine-perf-$key
mkdir -p "$kd/.iopf-bench" && touch "$kd/.iopf-bench/done" "$kd/.config"
printf 'mutex.patch\nok.patch\n' >"$kd/.iopf-bench/patches"
cp "$T/kernel/patches/mutex.patch" "$tmp/ok.patch" "$kd/.iopf-bench/"
printf 'design=mine\nflavor=perf\nkey=%s\nkernelrelease=6.12.0\n' "$key" >"$kd/.iopf-bench/info"
"$T/scripts/provenance" "$tmp/prov" --design "$ref" --flavor perf -- test >/dev/null 2>&1
check "provenance: label, ref, source (tree, commit, diff hash), kernel line, patches with hashes" \
	"mine|$ref|mutex|compare|tree|$c612|true|6.12|mutex.patch ok.patch|$(sha256sum "$tmp/ok.patch" | cut -c1-64)" \
	"$(jq -r '.kernels[0] | [.design, .design_ref, .design_base, .design_role, .source.kind, .source.commit,
		(.source.diff_sha256 | length == 64), .kernel_family, ([.design_patches[].name] | join(" ")),
		.design_patches[1].sha256] | join("|")' "$tmp/prov/provenance.json" 2>&1)"
check "provenance: config-LABEL-FLAVOR" 1 "$([[ -f $tmp/prov/config-mine-perf ]] && echo 1)"
bad "kernel-src: an unknown source" "unknown source 'nosuch'" "$T/scripts/kernel-src" --source nosuch
bad "kmod-build: a bad reference is exit 2" "unknown source 'nosuch'" "$T/scripts/kmod-build" --design rcu@nosuch --flavor perf
run "$T/scripts/vm-run" --design rcu@nosuch --flavor perf -- true
check_match "vm-run: a bad reference is its own error (125), one line" "^125:vm-run: error: unknown source 'nosuch'" "$rc:$out"

# --- the stress suite takes references -------------------------------------------------------
run "$T/scripts/stress" --list --source debian-7.3 --scenarios unbind-dev-g1
check_match "stress --source S: every design's column on S" "^unbind-dev-g1 +pass\*? +pass\*? +deadlock" "$out"
check_match "stress --source S: labelled NAME@S" "^scenario +rcu@debian-7.3 +mutex@debian-7.3 " "$out"
run "$T/scripts/stress" --list --designs "rcu@debian-7.3 mine=mutex@debian-7.3+$tmp/p.patch" --scenarios late-answer-hypothetical
check_match "stress --designs: a LABEL= ref takes its design's column" "^late-answer-hypothetical +pass\*?( \[[0-9]+\])? +splat" "$out"
run "$T/scripts/stress" --list --designs "mine=debian-7.3"
check_match "stress: a ref whose base is a source has no column (exit 2)" "^2:.*'mine=debian-7.3' has no column" "$rc:$out"
run "$T/scripts/stress" --list --designs rcu@nosuch
check_match "stress: a bad reference is exit 2" "^2:.*unknown source 'nosuch'" "$rc:$out"
check "stress: no options is every design, by name" "$("$T/scripts/stress" --list 2>&1)" \
	"$("$T/scripts/stress" --list --designs "$(design_names | tr '\n' ' ')" 2>&1)"

# --- the sweep: spec designs and --design ------------------------------------------------
sp=$tmp/s.ini
printf '[global]\ndesigns = rcu rcu@debian-7.3 mine=mutex@debian-7.3+%s\nbaseline = rcu@debian-7.3\nduration = 1s\n[s]\ngroup-size = 1\n' "$tmp/p.patch" >"$sp"
run "$B" sweep "$sp" --dry-run --target vm
check_match "spec: designs are references, labelled" '^0:spec s .*designs \[ "rcu", "rcu@debian-7.3", "mine" \] \(baseline rcu@debian-7.3\)' "$rc:$out"
check_match "spec: a LABEL= design is listed with its reference" "^design mine = mine=mutex@debian-7.3\+$tmp/p.patch \(flavor perf\)" "$out"
printf '[global]\ndesigns = rcu rcu@nosuch\n[s]\ngroup-size = 1\n' >"$sp"
run "$B" sweep "$sp" --dry-run --target vm
check_match "spec: an unknown source names the file and line (exit 2)" "^2:iopf-bench sweep: $sp:2: design 'rcu@nosuch': unknown source 'nosuch'" "$rc:$out"
printf '[global]\ndesigns = rcu mutex-busted@debian-7.3\n[s]\ngroup-size = 1\n' >"$sp"
run "$B" sweep "$sp" --dry-run --target vm
check_match "spec: a broken design on another source is refused" "^2:.*:2: design 'mutex-busted@debian-7.3' has role 'broken'" "$rc:$out"
cd "$tmp/work"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --design mine=debian-7.3+rel.patch --designs rcu
cd "$T"
check_match "--design REF adds a design; its patch made absolute" "^design mine = mine=debian-7.3\+$tmp/work/rel.patch" "$out"
check_match "--design after --designs: the baseline stays first" '^spec smoke .*designs \[ "rcu", "mine" \] \(baseline rcu\)' "$out"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --design mine=debian-7.3 --design mine=debian-6.12
check_match "--design: two designs with one label are refused" "^2:iopf-bench sweep: --design: 'mine=debian-7.3' and 'mine=debian-6.12' have the same label 'mine'" "$rc:$out"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --design Mine=debian-7.3
check_match "--design: a bad label" "^2:.*the label 'Mine' must be lower-case" "$rc:$out"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --design x=debian-7.3+nope.patch
check_match "--design: a missing patch" "^2:.*patch 'nope.patch' is not a readable file" "$rc:$out"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --design "x=tree:$tmp/nosuch@v1" --design "y=tarball:$tmp/none.tar"
check_match "--design: tree: and tarball: are checked when built, not here" "^0:" "$rc:$out"
run "$B" sweep "$T/bench/specs/smoke.ini" --dry-run --target vm --designs rcu --design distro@debian-7.3
check_match "--design distro@SOURCE: Debian's kernel, flavor amd64" "^design distro@debian-7.3 = distro@debian-7.3 \(flavor amd64\)" "$out"
ktap_finished
