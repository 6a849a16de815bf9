#!/usr/bin/env bash
# Description: `iopf-bench compare --html` / `--out DIR` rendered in headless
# Chromium, for two and for three folders (hand-made reported folders, made
# as compare_test.sh makes them, by compare_fixture.py; nothing from the
# network): the page loads; every figure it shows (fig/*.svg, one per gated
# metric) and links (PNG) exists, is not empty and is decoded by Chromium;
# the verdicts are on the page (the regressed and the improved cell among
# the decided cells, first); compare.json is compare --json's document.
# The output never goes into a compared folder; an existing one is replaced
# only with --force and only when it is an earlier compare's; a figure
# gnuplot cannot draw leaves nothing behind (exit 2); the default place is
# results/compare/<time>-<name>/ of the checkout.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
here=$(dirname "$(readlink -f "$0")")
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's
[[ -x $PY ]] || PY=python3
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

mk() { "$PY" "$here/compare_fixture.py" "$tmp/$1" "${2:-{\}}" && echo "$tmp/$1"; }
# run ARGS...: out = stdout, err = stderr, rc
run() { out=$("$B" "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }
# chrome ARGS...: headless Chromium, its own profile, no network
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
		--proxy-server=127.0.0.1:9 --allow-file-access-from-files "$@" 2>>"$tmp/chromium.log"
}
# dom FILE: the page's DOM once Chromium has loaded it
dom() { chrome --virtual-time-budget=5000 --dump-dom "file://$1"; }
# images DIR SRC...: Chromium loads each image (a page of our own that reports
# each image's natural size, or "error"); one line per image
images() {
	local d=$1 s; shift
	{
		echo '<!DOCTYPE html><html><body><ul id="r"></ul><script>const srcs = ['
		for s in "$@"; do printf '"file://%s/%s",\n' "$d" "$s"; done
		echo '];'
		cat <<'EOS'
for (const s of srcs) {
	const i = new Image();
	const say = (t) => { const li = document.createElement('li'); li.textContent = t; document.getElementById('r').appendChild(li); };
	i.onload = () => say('loaded ' + (i.naturalWidth > 0 && i.naturalHeight > 0 ? 'nonempty ' : 'empty ') + s);
	i.onerror = () => say('error ' + s);
	i.src = s;
}
</script></body></html>
EOS
	} >"$tmp/images.html"
	dom "$tmp/images.html" | grep -o '<li>[^<]*</li>' | sed 's/<[^>]*>//g'
}
# page DIR: checks of one compare output folder; N = the folders compared
page() {
	local d=$1 what=$2 html svgs pngs bad= s
	html=$(dom "$d/compare.html")
	check_match "$what: Chromium loads compare.html" "<h1>iopf-bench compare: $N folders.*REGRESSION</span></h1>" "$(tr -d '\n' <<<"$html")"
	mapfile -t svgs < <(grep -o '<img src="[^"]*"' <<<"$html" | sed 's/^<img src="//; s/"$//')
	mapfile -t pngs < <(grep -o '<a href="fig/[^"]*\.png"' <<<"$html" | sed 's/^<a href="//; s/"$//' | sort -u)
	check "$what: a figure per gated metric, SVG shown and PNG linked" \
		"fig/compare-queue_p50_ns.svg fig/compare-report_p50_ns.svg fig/compare-response_p50_ns.svg 3" \
		"$(printf '%s\n' "${svgs[@]}" | sort | tr '\n' ' ')${#pngs[@]}"
	for s in "${svgs[@]}" "${pngs[@]}"; do
		[[ -s $d/$s ]] || bad+=" $s"
	done
	check "$what: every figure's file exists and is not empty" "" "$bad"
	check "$what: Chromium decodes every figure (SVG and PNG)" "6 loaded nonempty" \
		"$(images "$d" "${svgs[@]}" "${pngs[@]}" | awk '{n++; k[$1 " " $2]++} END {for (x in k) print n, x}')"
	check_match "$what: decided cells first: the regressed row, then the improved" \
		"<h2 id=\"decided\">Decided cells</h2>.*<td>\[2\]</td><td>gs.group_size=4</td><td>mutex</td><td>response_p50_ns</td>.*\+30.0 %.*<td class=\"v-regressed\"[^>]*>regressed</td>.*<td>\[$N\]</td><td>gs.group_size=1</td><td>rcu</td><td>report_p50_ns</td>.*-30.0 %.*<td class=\"v-improved\"[^>]*>improved</td>.*<h2 id=\"m-" \
		"$(tr -d '\n' <<<"$html")"
	check "$what: every cell's verdict is on the page (per metric tables)" "$CELLS" \
		"$(perl -0pe 's/<h2 id="decided">.*?<\/table>//s; s/<h2 id="other">.*//s' <<<"$html" |
			grep -o '<td class="v-[a-z]*" title="[^"]*">[a-z]*</td>' | grep -c '')"
	check "$what: compare.json is compare --json's document" "$(jq -c 'del(.tool)' <<<"$J")" \
		"$(jq -c 'del(.tool)' "$d/compare.json")"
}

base=$(mk base)
reg=$(mk reg '{"scale": {"gs.group_size=4/mutex/response_p50_ns": 1.3}}')
imp=$(mk imp '{"scale": {"gs.group_size=1/rcu/report_p50_ns": 0.7}, "shift": 2}')
both=$(mk both '{"scale": {"gs.group_size=4/mutex/response_p50_ns": 1.3, "gs.group_size=1/rcu/report_p50_ns": 0.7}}')
spec2=$(mk spec2 '{"spec": "tiny"}')
touch "$tmp/stamp"; sleep 1

ktap_print_header
# No Chromium is a machine that was not set up, not a pass.
[[ -n $CHROMIUM ]] || ktap_exit_fail_msg "no chromium (scripts/install-deps installs it)"
ktap_set_plan 26

# --- two folders ------------------------------------------------------------------
N=2 CELLS=18
run compare "$base" "$both" --out "$tmp/two" -q
check "two folders, --out: exit 1 (a regression), the summary on stdout, the page's path on stderr" \
	"1 compare: 18 cells: 1 regressed, 1 improved, 16 unchanged, 0 noisy, 0 missing -> REGRESSION wrote $tmp/two/compare.html" \
	"$rc $out $(sed -n 's/^iopf-bench compare: //p' <<<"$err")"
J=$("$B" compare "$base" "$both" --json 2>/dev/null)
# the page's [N] of the improved cell: with two folders both are in [2]
page "$tmp/two" "two folders"

# --- three folders ----------------------------------------------------------------
N=3 CELLS=36
run compare "$base" "$reg" "$imp" --out "$tmp/three" -q
check "three folders, --out: exit 1" "1" "$rc"
J=$("$B" compare "$base" "$reg" "$imp" --json 2>/dev/null)
page "$tmp/three" "three folders"
check_match "three folders: the folders table, one row each, with each later folder's verdicts" \
	"<td>\[1\]</td><td>base</td><td><code>$base</code>.*<td>\[2\]</td><td>new</td><td><code>$reg</code>.*1 regressed.*<td>\[3\]</td><td>new</td><td><code>$imp</code>.*0 regressed</span> 1 improved" \
	"$(tr -d '\n' <"$tmp/three/compare.html")"

# --- where it goes ----------------------------------------------------------------
sum=$(md5sum "$tmp/three/compare.html")
run compare "$base" "$reg" --out "$tmp/three" -q
check_match "an existing output without --force: exit 2, nothing replaced" \
	"^2 .*--out $tmp/three exists \(--force replaces an earlier compare's output there\) same$" \
	"$rc $err $([[ $(md5sum "$tmp/three/compare.html") == "$sum" ]] && echo same || echo changed)"
run compare "$base" "$reg" --out "$tmp/three" -q --force
check "--force replaces an earlier compare's output (two folders now)" "1 2" \
	"$rc $(jq '.folders | length' "$tmp/three/compare.json")"
mkdir "$tmp/mine"; echo keep >"$tmp/mine/notes.txt"
run compare "$base" "$reg" --out "$tmp/mine" -q --force
check_match "--force never replaces a folder that is not compare's output" \
	"^2 .*is not an earlier compare's output .*nothing replaced notes.txt$" "$rc $err $(ls "$tmp/mine")"
run compare "$base" "$reg" --out "$reg/cmp" -q
check_match "--out inside a compared folder: exit 2" "^2 .*--out $reg/cmp is inside the compared folder $reg: compare never writes" "$rc $err"
run compare "$base" "$reg" --out "$tmp/nosuch/x" -q
check_match "--out in a folder that does not exist: exit 2" "^2 .*its parent folder does not exist" "$rc $err"
GNUPLOT=false run compare "$base" "$reg" --out "$tmp/gp" -q
check_match "gnuplot fails: exit 2, said, nothing left behind" \
	"^2 .*--html: figure compare-[a-z_0-9]*: false .*exited with status 1 ok$" \
	"$rc $(tr '\n' ' ' <<<"$err")$(compgen -G "$tmp/gp*" >/dev/null || compgen -G "$tmp/.gp*" >/dev/null || echo ok)"
run compare "$base" "$spec2" --out "$tmp/mis" -q
check "different specs: exit 2, no page" "2 no" "$rc $([[ -e $tmp/mis ]] && echo yes || echo no)"
# The default: results/compare/ of the checkout holding the executable (here a copy of it).
mkdir -p "$tmp/co/bench" "$tmp/co/results"
cp "$B" "$tmp/co/bench/"; cp "$TESTS_TOP/results/run.schema.json" "$tmp/co/results/"
out=$(IOPF_PLOTS_DIR=$TESTS_TOP/scripts/plots "$tmp/co/bench/iopf-bench" compare "$base" "$reg" "$imp" --html -q 2>"$tmp/err"); rc=$?
d=$(sed -n 's|^iopf-bench compare: wrote \(.*\)/compare.html$|\1|p' "$tmp/err")
check_match "--html: a new folder results/compare/<time>-<last folder's name>/ of the checkout" \
	"^1 $tmp/co/results/compare/[0-9]{8}-[0-9]{6}-imp yes$" "$rc $d $([[ -s $d/compare.html ]] && echo yes || echo no)"
check "nothing was written into the compared folders" "" "$(find "$base" "$reg" "$imp" "$both" -newer "$tmp/stamp")"

ktap_finished
