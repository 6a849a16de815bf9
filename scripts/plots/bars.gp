# bars.gp - the main metrics per point and design as clustered bars (any
# sweep without a numeric axis of its own figure): one panel per metric,
# whiskers min..max over the repetitions.
#
# Variables (gnuplot -e): plotdir, out,
#   data    one row per point: "label", then per metric (nm of them) per
#           design (nd): median min max  (throughput in requests/s, latencies in ns)
#   nd, nm, npts, designs (words), mt1..mt3 panel titles, logy1..3, has1..3, title
#   Metric 1 is a throughput, the others latencies.
load plotdir.'/common.gp'
height = 330 * nm + 90
png_term = sprintf("set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11' linewidth 1.2 background rgb 'white'", width, height)
svg_term = sprintf("set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,12' linewidth 1.2 background rgb 'white'", width, height)
set style data histogram
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.75 border -1
set boxwidth 0.9
set offsets 0, 0, 0, 0
set xrange [-0.6:npts-0.4]
set key outside right top vertical
set xtics rotate by -20 left font ',10' nomirror
set grid noxtics
set lmargin 12
set rmargin 14
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set multiplot layout nm,1 title title font ',13'
	do for [k=1:nm] {
		set title value(sprintf('mt%d', k))
		unset logscale y
		set yrange [*:*]
		lg = value(sprintf('logy%d', k))
		# throughput in k requests/s, latencies in seconds (SI prefixes)
		sc = (k > 1 ? 1e-9 : 1e-3)
		if (lg) { set logscale y; set format y (k > 1 ? fmt_time_log : '%g') } \
		else { set yrange [0:*]; set format y (k > 1 ? fmt_time_lin : '%g') }
		set ylabel (k > 1 ? 'latency' : 'k requests/s')
		if (value(sprintf('has%d', k))) {
			plot for [d=1:nd] data \
				using (column(2+3*((k-1)*nd+d-1))*sc):(column(3+3*((k-1)*nd+d-1))*sc):(column(4+3*((k-1)*nd+d-1))*sc):xtic(1) \
				lt d title word(designs, d)
		} else {
			set label 1 'no samples' at graph 0.5, graph 0.5 center
			set yrange [0:1]
			plot data using (NaN):xtic(1) notitle
			unset label 1
		}
	}
	unset multiplot
	set output
}
