# throughput.gp - delivered throughput against a numeric axis (offered rate,
# injectors, IOMMUs): one line per series (design x other axes' values),
# error bars min..max over the repetitions, optional delivered = offered
# diagonal and knee markers.
#
# Variables (gnuplot -e): plotdir, out (output path without extension),
#   data   blocks separated by two blank lines, one per series; first line the
#          quoted title, then rows: x median min max  (requests/s)
#   n      number of blocks;  lts / dts: per block line type / dash (words)
#   knees  (when nk > 0) rows: x y linetype "label"
#   nk, diagonal (0/1: x is the offered rate), logx, logy, xint (0/1: x is a
#   count), xlabel, ylabel, title
#   nd (designs): without the diagonal, lines of different designs are
#   shifted a little along x so that their error bars do not hide each other
load plotdir.'/common.gp'
if (!exists("nk")) nk = 0
if (!exists("nd")) nd = 1
if (!exists("diagonal")) diagonal = 0
if (!exists("xint")) xint = 0
set title title font ',13'
set xlabel xlabel
set ylabel ylabel
set key outside right top vertical
# Offered rates are shown in thousands per second, like the throughput.
xs = (diagonal ? 1e-3 : 1)
xo(x, i) = (diagonal ? x * xs : logx ? x * 2**(0.04 * (int(word(lts, i+1)) - (nd + 1) / 2.0)) : x + 0.04 * (int(word(lts, i+1)) - (nd + 1) / 2.0))
if (logx) { set logscale x } 
set format x '%g'
if (xint && !logx) { set xtics 1 }
if (logy) { set logscale y } else { set yrange [0:*] }
set format y '%g'
do for [t in "png svg"] {
	if (t eq "png") { @png_term } else { @svg_term }
	set output out.'.'.t
	if (diagonal && nk > 0) {
		plot for [i=0:n-1] data index i using (xo($1, i)):($2*1e-3):($3*1e-3):($4*1e-3) with yerrorlines \
			lt int(word(lts, i+1)) dt int(word(dts, i+1)) title columnheader(1), \
		     x with lines lc rgb '#777777' dt 2 lw 1.5 title 'delivered = offered', \
		     knees using ($1*xs):($2*1e-3):3 with points pt 6 ps 3.2 lw 2.5 lc variable title 'knee / max (circled)', \
		     knees using ($1*xs):($2*1e-3*0.72**$0):4 with labels left offset 1.2,-1.2 font ',10' notitle  # one label per design, stacked
	} else {
		if (diagonal) {
			plot for [i=0:n-1] data index i using (xo($1, i)):($2*1e-3):($3*1e-3):($4*1e-3) with yerrorlines \
				lt int(word(lts, i+1)) dt int(word(dts, i+1)) title columnheader(1), \
			     x with lines lc rgb '#777777' dt 2 lw 1.5 title 'delivered = offered'
		} else {
			plot for [i=0:n-1] data index i using (xo($1, i)):($2*1e-3):($3*1e-3):($4*1e-3) with yerrorlines \
				lt int(word(lts, i+1)) dt int(word(dts, i+1)) title columnheader(1)
		}
	}
	set output
}
