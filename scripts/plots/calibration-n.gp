# calibration-n.gp - the CI gate's alarm rate against the repetitions per
# side (iopf-bench calibrate's fig/power-vs-n): one line per level of the
# pool (the A/A, each knob level, each --shift), from disjoint sets of
# boots (method split in calibration.csv: fewer independent trials as n
# grows), with the goals as horizontal lines. What a goal takes in
# repetitions is where its level's line crosses the goal's.
#
# Variables (gnuplot -e): plotdir, out, data (calibration.csv), lp and lk
# (the levels as words: slowdown_pct and kind, aa / ab / shift, in the same
# order), goals (words "SLOWDOWN_PCT,RATE": the A/A's at 0), path (where
# the knob acted), alpha and family (the gate's false-alarm rate and family).
load plotdir.'/common.gp'
set datafile separator ','
set key at graph 0.02, graph 0.74 left top Left reverse box opaque
set grid
set xlabel 'repetitions per side (n): disjoint sets of boots'
set ylabel 'alarm rate: share of trials the gate called regressed'
set yrange [-0.02:1.05]
set xrange [0:*]
sel(p, k) = (strcol(3) eq "split" && strcol(2) eq k && abs(column(1) - p) < 1e-9) ? column(4) : NaN
name(p, k) = k eq "aa" ? "A/A" : k eq "shift" ? sprintf("shift %g %% of the metric (synthetic)", p) : \
	     sprintf("knob %g %% of the per-request time (%s path)", p, path)
grate(i) = word(goals, i)[strstrt(word(goals, i), ",") + 1:] + 0
gsize(i) = word(goals, i)[1:strstrt(word(goals, i), ",") - 1] + 0
do for [i = 1:words(goals)] {
	set arrow i from graph 0, first grate(i) to graph 1, first grate(i) nohead lt 7 dt 2 lw 1
	set label i sprintf(gsize(i) == 0 ? "A/A goal: at most %.0f %%" : "goal for %g %%: %.0f %%", \
			    gsize(i) == 0 ? 100 * grate(i) : gsize(i), 100 * grate(i)) \
		at graph 0.01, first grate(i) + 0.02 left font ',9'
}
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set title sprintf('CI gate calibration: alarm rate vs repetitions per side (alpha %g over a family of %d)', alpha, family)
	plot for [i = 1:words(lp)] data skip 1 using (sel(word(lp, i) + 0, word(lk, i))):7 smooth unique \
		with linespoints lt i title name(word(lp, i) + 0, word(lk, i))
	unset output
}
