# common.gp - styles shared by every iopf-bench figure, loaded first by the
# other scripts here (iopf-bench report passes plotdir and out with -e).
#
# Each script draws its figure twice, as out.'.png' (pngcairo) and
# out.'.svg' (svg): `do for [t in "png svg"] { @term_{t} ... }` is spelled
# with the macros png_term / svg_term below.
#
# Colours: one per design, in the plan's design order (Okabe-Ito palette,
# distinguishable with colour-blindness); line dash / point type tell the
# other things apart (percentile, placement).
if (!exists("width")) width = 1200
if (!exists("height")) height = 640
set encoding utf8
png_term = sprintf("set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11' linewidth 1.2 background rgb 'white'", width, height)
svg_term = sprintf("set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,12' linewidth 1.2 background rgb 'white'", width, height)

set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2
set linetype 2 lc rgb '#D55E00' lw 2 pt 5 ps 1.2
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.4
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.4
set linetype 5 lc rgb '#E69F00' lw 2 pt 13 ps 1.4
set linetype 6 lc rgb '#56B4E9' lw 2 pt 15 ps 1.4
set linetype 7 lc rgb '#000000' lw 2 pt 3 ps 1.4
set linetype 8 lc rgb '#999999' lw 2 pt 1 ps 1.4
set linetype cycle 8
# Dash patterns for series of the same design (placement, percentile).
set dashtype 1 solid
set dashtype 2 (10,6)
set dashtype 3 (3,5)
set dashtype 4 (14,5,3,5)
set dashtype 5 (6,3)

set grid back lc rgb '#bbbbbb' lw 1 dt solid
set border 3 lc rgb '#444444'
set tics nomirror out
set key noenhanced box lc rgb '#bbbbbb' opaque samplen 5 spacing 1.1
set datafile missing 'NaN'
set offsets graph 0.03, graph 0.03, 0, 0

# Axis label formats: latencies are plotted in seconds (ns * 1e-9) so that
# gnuplot's SI prefixes give "10 us", "2 ms"; rates in thousands per second.
fmt_time_log = '%.0s %cs'
fmt_time_lin = '%.1s %cs'
