# latency_vs.gp - latency percentiles against a numeric axis (group size,
# unbinders) in two panels side by side; colour = design (series), dash and
# point = percentile; error bars min..max over the repetitions.
#
# Variables (gnuplot -e): plotdir, out,
#   data   blocks (two blank lines apart), one per series; first line the
#          quoted title, then rows: x, then for panel 1's np percentiles and
#          panel 2's np percentiles: median min max (ns)
#   n, np  blocks, percentiles per panel; lts: per block line type (words)
#   pcts   the percentile names (words), t1 / t2 panel titles, xlabel, title
#   logx, logy1, logy2, has1, has2, xint (0/1), nd (designs: lines of
#   different designs are shifted a little along x so that their error bars
#   do not hide each other)
width = 1400
load plotdir.'/common.gp'
if (!exists("xint")) xint = 0
if (!exists("nd")) nd = 1
xo(x, i) = (logx ? x * 2**(0.04 * (int(word(lts, i+1)) - (nd + 1) / 2.0)) : x + 0.04 * (int(word(lts, i+1)) - (nd + 1) / 2.0))
set xlabel xlabel
set ylabel 'latency'
set key outside right top vertical font ',10'
if (logx) { set logscale x 2 }
set format x '%g'
if (xint && !logx) { set xtics 1 }
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set multiplot layout 1,2 title title font ',13'
	do for [panel=1:2] {
		set title (panel == 1 ? t1 : t2)
		lg = (panel == 1 ? logy1 : logy2)
		has = (panel == 1 ? has1 : has2)
		unset logscale y
		set yrange [*:*]
		if (lg) { set logscale y; set format y fmt_time_log } else { set format y fmt_time_lin; set yrange [0:*] }
		if (has) {
			plot for [i=0:n-1] for [j=1:np] data index i \
				using (xo($1, i)):(column(2+3*((panel-1)*np+j-1))*1e-9):(column(3+3*((panel-1)*np+j-1))*1e-9):(column(4+3*((panel-1)*np+j-1))*1e-9) \
				with yerrorlines lt int(word(lts, i+1)) dt int(j == 1 ? 3 : j == 2 ? 1 : 2) pt (j == 1 ? 6 : j == 2 ? 7 : 5) \
				title sprintf('%s %s', columnheader(1), word(pcts, j))
		} else {
			set label 1 'no samples' at graph 0.5, graph 0.5 center
			set xrange [0:1]; set yrange [0:1]
			plot 2 notitle
			unset label 1
			set xrange [*:*]
		}
	}
	unset multiplot
	set output
}
