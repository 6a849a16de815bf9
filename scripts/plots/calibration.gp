# calibration.gp - the CI gate's alarm rate against the slowdown injected
# with the synthetic regression knob (iopf-bench calibrate): at the default
# spec's repetitions per side (nmain), unpaired (disjoint sets of boots, as
# a baseline and a new run are) with its 95 % interval over the independent
# trials, paired (the same boots: baseline and new interleaved within a
# boot), the bootstrap at more repetitions (ns), and the goals (goals: as
# calibrate.c's cal_goals define them). The A/A is at x = 0.
#
# Variables (gnuplot -e): plotdir, out, data (calibration.csv:
#   slowdown_pct, kind, method, n, trials, alarms, rate, ci_low, ci_high,
#   independent_trials, rate_without_separation), nmain, ns (bootstrap n
#   to draw, words), goals (words "SLOWDOWN_PCT,RATE": the A/A's at 0),
#   path (where the knob acted: response, report, both), nshift (how
#   many --shift levels; their series is drawn only if any). Rows of kind
#   "shift" (--shift: A' with one metric changed by exactly x %) are drawn
#   apart, at x = the shift in % of the metric.
load plotdir.'/common.gp'
set datafile separator ','
set key top left box opaque
set grid
set xlabel sprintf("slowdown: the knob on the %s path in %% of the per-request time (0 = A/A); a shift in %% of the metric", path)
set ylabel 'alarm rate: share of trials the gate called regressed'
set yrange [-0.02:1.05]
set xrange [-0.5:*]
set offsets 0, 0.5, 0, 0
set print $goals
do for [g in goals] { print g }
unset print
is(m, n) = (strcol(2) ne "shift" && strcol(3) eq m && column(4) == n) ? column(1) : NaN
isshift(n) = (strcol(2) eq "shift" && strcol(3) eq "split" && column(4) == n) ? column(1) : NaN
# The shifts' series only when there are shifts (an empty series makes gnuplot warn).
shiftplot = nshift > 0 ? "data skip 1 using (isshift(nmain)):7:8:9 with yerrorbars lt 4 pt 9 ps 1.5 " . \
	    "title sprintf('n = %d, a pure shift of the metric (synthetic)', nmain), " : ""
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set title sprintf('CI gate calibration: alarm rate vs slowdown, %d repetitions per side', nmain)
	plot data skip 1 using (is("split", nmain)):7:8:9 with yerrorlines lt 1 lw 2.5 \
	         title sprintf('n = %d, disjoint boots (95 %% CI: independent trials)', nmain), \
	     data skip 1 using (is("paired", nmain)):7 with linespoints lt 2 dt 2 \
	         title sprintf('n = %d, paired (same boots)', nmain), \
	     for [n in ns] data skip 1 using (is("bootstrap", n+0)):7 with linespoints lt 8 dt 3 ps 0.8 \
	         title 'bootstrap, n = '.n, \
	     @shiftplot $goals using 1:2 with points lt 7 pt 6 ps 2.5 lw 2 title 'goals'
	unset output
}
