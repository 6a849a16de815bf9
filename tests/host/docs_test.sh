#!/usr/bin/env bash
# Description: the README says what the code does, where the two must agree
# word for word: the calibration goals it quotes are `iopf-bench calibrate
# --help`'s (defined once, cal_goals in bench/analysis/calibrate.c), its
# first screen names `make smoke`, and the Makefile's smoke target runs the
# spec the README names, which exists and plans runs; the counts' words
# are defined in results/SCHEMA.md. A changed goal fails the first check
# (shown here against a copy of the README with another figure).
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
R=$TESTS_TOP/README.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# squeeze: one line, quote marks ("> ") and runs of white space made one space
squeeze() { sed 's/^> //' | tr '\n' ' ' | tr -s ' \t' '  '; }
goals=$("$B" calibrate --help | awk '/^Goals:/ { f = 1 } f && /^$/ { exit } f' | squeeze)
# quoted FILE: "yes" when FILE holds the goals paragraph word for word
quoted() { if [[ -n $goals ]] && squeeze <"$1" | grep -qF -- "${goals% }"; then echo yes; else echo no; fi; }

ktap_print_header
ktap_set_plan 5
check "the README quotes calibrate --help's goals word for word" yes "$(quoted "$R")"
sed 's/at least 80 %/at least 90 %/' "$R" >"$tmp/README.md"
check "the check fails on a README with another goal" no "$(quoted "$tmp/README.md")"
check_match "the README's first screen (40 lines) names make smoke" "^make smoke " "$(head -n 40 "$R")"
spec=$(make -s -n -C "$TESTS_TOP" smoke 2>/dev/null | sed -n 's/^scripts\/bench --spec \([^ ]*\).*/\1/p')
check "make smoke runs bench/specs/smoke.ini, as the README says, and it plans 16 runs in 4 boots" \
	"bench/specs/smoke.ini yes 16 runs in 4 boots" \
	"$spec $(grep -qF "$spec" <(head -n 40 "$R") && echo yes || echo no) $("$B" sweep "$TESTS_TOP/$spec" --dry-run --target vm 2>&1 | sed -n 's/^\(16 runs in 4 boots\);.*/\1/p')"
check "results/SCHEMA.md defines each count the README uses" "" \
	"$(for w in design point repetition run boot cell 'gated cells' 'stress cell' test; do
		awk '/^## Counts/ { f = 1; next } f && /^## / { f = 0 } f' "$TESTS_TOP/results/SCHEMA.md" |
			grep -qF -- "**$w**" || printf ' %s' "$w"; done)"
ktap_finished
