# compare.gp - one gated metric of `iopf-bench compare --html`: per cell
# (point and design, along x), the runs of every folder side by side (top)
# and each later folder's verdict with its interval (bottom).
#
# Top: every successful repetition of each folder (one colour per folder,
# [1] the base), divided by the base's median (ratio mode: 1 = the base's
# median) or as measured (counts, or a base median <= 0); a bar marks each
# folder's median. Bottom: each later folder's Hodges-Lehmann ratio to the
# base with its interval (the row's confidence), coloured by its verdict,
# the band 1 +- threshold shaded; at the same x offset as its runs above.
#
# Variables (gnuplot -e): plotdir, out,
#   values   blocks (two blank lines apart), one per folder: rows x y
#   medians  blocks likewise: rows x median
#   cis      blocks, one per later folder: rows x ratio low high colour (0xRRGGBB)
#   labels   rows: x "point design" (the x tic labels)
#   nf, ncells, halfw (half a median bar), thr, title, ylabel1, ylabel2,
#   f1..f<nf> the folders' names, logy1, logy2, y1min, y1max, y2min, y2max
if (!exists("ncells")) ncells = 1
width = (ncells * 30 * nf > 1100 ? (ncells * 30 * nf < 4000 ? ncells * 30 * nf : 4000) : 1100)
height = 900
load plotdir.'/common.gp'
set offsets 0, 0, 0, 0
set xrange [-0.6:ncells-0.4]
set xtics rotate by -35 left font ',9' nomirror
set grid noxtics
set lmargin 12
set rmargin 26
set key outside right top vertical font ',10'
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	set multiplot layout 2,1 title title font ',13'
	# the cells apart: a light line between neighbours
	unset arrow
	do for [i=1:ncells-1] { set arrow from i-0.5, graph 0 to i-0.5, graph 1 nohead lc rgb '#dddddd' lw 1 back }
	set title 'the repetitions of each folder (bar: median)'
	set ylabel ylabel1
	unset logscale y
	if (logy1) { set logscale y }
	set yrange [y1min:y1max]
	unset object 1
	plot for [f=1:nf] values index f-1 using 1:2 with points lt f pt 7 ps 0.9 title value(sprintf('f%d', f)), \
		for [f=1:nf] medians index f-1 using ($1-halfw):2:(2*halfw):(0) with vectors nohead lt f lw 3 notitle, \
		labels using 1:(NaN):xtic(2) notitle
	set title sprintf('each later folder against [1]: ratio with its interval, by verdict (band: 1 +- %g %%)', thr * 100)
	set ylabel ylabel2
	unset logscale y
	if (logy2) { set logscale y }
	set yrange [y2min:y2max]
	set object 1 rect from graph 0, first 1 - thr to graph 1, first 1 + thr behind fc rgb '#e8f1e8' fs solid 1.0 noborder
	plot for [k=2:nf] cis index k-2 using 1:2:3:4:5 with yerrorbars lc rgb variable pt (k % 6 + 4) ps 1.3 lw 2 \
			title value(sprintf('f%d', k)), \
		1 with lines lc rgb '#555555' dt 2 notitle, \
		NaN with points pt 7 lc rgb '#c62828' title 'regressed', \
		NaN with points pt 7 lc rgb '#2e7d32' title 'improved', \
		NaN with points pt 7 lc rgb '#1565c0' title 'unchanged', \
		NaN with points pt 7 lc rgb '#8d8d8d' title 'noisy', \
		labels using 1:(NaN):xtic(2) notitle
	unset multiplot
	set output
}
