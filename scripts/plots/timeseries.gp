# timeseries.gp - response p99 and report p99 per interval over time, one
# panel per design (one repetition each) side by side; grey impulses mark
# the intervals in which an unbind started, as short ticks along the bottom
# (at hundreds of unbinds per second full-height lines would hide the data).
#
# Variables (gnuplot -e): plotdir, out,
#   data    blocks (two blank lines apart), one per design: first line the
#           quoted title, then rows: t_ms response_p99_ns report_p99_ns unbind(0/1)
#   n       blocks; titles / lts: per block panel title and line type (words)
#   logy (0/1), ymin / ymax (ns), xmin / xmax (ms): the same ranges in every panel; title
load plotdir.'/common.gp'
width = (n > 1 ? 650 * n + 200 : 1200)
png_term = sprintf("set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11' linewidth 1.2 background rgb 'white'", width, height)
svg_term = sprintf("set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,12' linewidth 1.2 background rgb 'white'", width, height)
set xlabel 'time since the measured window started (ms)'
set ylabel 'latency p99 in the interval'
set y2range [0:14]
set xrange [xmin:xmax]
unset y2tics
set key outside right top vertical font ',10'
set offsets 0, 0, graph 0.05, 0
if (logy) { set logscale y; set format y fmt_time_log; set yrange [ymin*1e-9/1.5:ymax*1e-9*1.5] } \
else { set format y fmt_time_lin; set yrange [0:ymax*1e-9*1.1] }
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set multiplot layout 1,n title title font ',13'
	do for [i=0:n-1] {
		set title word(titles, i+1)
		plot data index i using 1:($4 > 0 ? 1 : NaN) axes x1y2 with impulses lc rgb '#888888' lw 1 title 'unbind started (ticks)', \
		     data index i using 1:($2*1e-9) with lines lt int(word(lts, i+1)) lw 1.5 title 'response p99', \
		     data index i using 1:($3*1e-9) with lines lt int(word(lts, i+1)) dt 2 lw 1.5 title 'report p99'
	}
	unset multiplot
	set output
}
