# cdf.gp - latency distributions at one point, one line per design (its
# histograms merged over the successful repetitions), response latency on
# the left, report latency on the right. y is -log10(1 - F), labelled as
# percentiles, so that 50, 90, 99, 99.9 % are equally spaced and the tail
# shows.
#
# Variables (gnuplot -e): plotdir, out,
#   data1, data2  blocks (two blank lines apart), one per design: first line
#                 the quoted title, then rows: latency_ns y
#   n1, n2        blocks in each; lts1, lts2: their line types (words)
#   ymax          top of the y axis (integer), logx, t1, t2, title
load plotdir.'/common.gp'
set key bottom right
set xlabel 'latency'
set ylabel 'percentile (fraction of requests at or below)'
if (logx) { set logscale x; set format x fmt_time_log } else { set format x fmt_time_lin }
set yrange [0:ymax + 0.2]
# (tic labels are formats: %% is a percent sign)
set ytics ('0' 0, '50 %%' log10(2), '90 %%' 1, '99 %%' 2, '99.9 %%' 3, '99.99 %%' 4, '99.999 %%' 5, '99.9999 %%' 6, '99.99999 %%' 7)
set offsets 0, 0, 0, 0
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set multiplot layout 1,2 title title font ',13'
	do for [panel=1:2] {
		set title (panel == 1 ? t1 : t2)
		nb = (panel == 1 ? n1 : n2)
		f = (panel == 1 ? data1 : data2)
		l = (panel == 1 ? lts1 : lts2)
		if (nb > 0) {
			plot for [i=0:nb-1] f index i using ($1*1e-9):2 with steps lt int(word(l, i+1)) title columnheader(1)
		} else {
			set label 1 'no samples' at graph 0.5, graph 0.5 center
			plot 1e9 notitle
			unset label 1
		}
	}
	unset multiplot
	set output
}
