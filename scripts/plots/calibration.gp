# calibration.gp - the CI gate's alarm rate against the slowdown injected
# with the synthetic regression knob (iopf-bench calibrate): at the default
# spec's repetitions per side (nmain) with its 95 % interval over the
# independent trials, the model's prediction, the other repetition counts
# measured on the same pool, and the goals (A/A at most 5 %, 3 % detected in
# 80 % of trials, 5 % in 95 %).
#
# Variables (gnuplot -e): plotdir, out, data (calibration.csv: slowdown_pct,
#   kind, n, trials, alarms, rate, ci_low, ci_high, independent_trials,
#   model_rate, model_need; the main rows have ci_low, the by-n rows not),
#   nmain, ns (the other n, words)
load plotdir.'/common.gp'
set datafile separator ','
set key top left box opaque
set grid
set xlabel 'slowdown injected into the response path (% of the per-request time)'
set ylabel 'alarm rate: share of trials the gate called regressed'
set yrange [-0.02:1.05]
set xrange [-0.5:*]
set offsets 0, 0.5, 0, 0
$goals << EOD
0,0.05
3,0.80
5,0.95
EOD
main(n) = (column(3) == nmain && valid(7)) ? column(1) : NaN
other(n) = (column(3) == n && !valid(7)) ? column(1) : NaN
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set title sprintf('CI gate calibration: alarm rate vs slowdown (A/A at 0 %%), %d repetitions per side', nmain)
	plot for [n in ns] data skip 1 using (other(n+0)):6 with linespoints lt 8 dt 3 ps 0.7 title 'n = '.n, \
	     data skip 1 using (main(0)):6:7:8 with yerrorlines lt 1 lw 2.5 title sprintf('n = %d (95 %% CI, independent trials)', nmain), \
	     data skip 1 using (main(0) > 0 ? main(0) : NaN):10 with linespoints lt 2 dt 2 title 'model (normal approximation)', \
	     $goals using 1:2 with points lt 7 pt 6 ps 2.5 lw 2 title 'goals'
	unset output
}
