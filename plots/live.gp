# Search length and time per allocation against live areas, log-log, with
# the least-squares slope of each model in its key entry.
# gnuplot -e "csv='live.csv'; models='linear rbtree'; out='x.png'" plots/live.gp
# csv is bench/live_scaling.sh's: model,live,events,alloc_search_mean,alloc_holdtime_avg_ns
set terminal pngcairo size 1200,1000 font "DejaVu Sans,10"
set output out
set datafile separator ","
set key outside right top noenhanced
set grid
set logscale xy
set format x "10^{%L}"
set xlabel "live areas"
set xrange [500:2e6]
# One model's rows: grep keeps each series contiguous, so lines join.
rows(m) = sprintf("< grep '^%s,' %s", m, csv)
set fit quiet logfile "/dev/null"
set multiplot layout 2,1 title "Allocation cost against the number of live areas (generated traces)"
do for [k in "4 5"] {
	col = int(k)
	set ylabel (col == 4 ? "nodes examined per alloc (mean)" : "ns per alloc call (mean)")
	# One fit per model: log10(y) = a + b log10(x); b is the slope.
	slopes = ""
	do for [m in models] {
		a = 1; b = 1
		fit [*:*] a + b * x rows(m) using (log10($2)):(log10(column(col))) via a, b
		slopes = slopes . sprintf(" %.2f", b)
	}
	plot for [i=1:words(models)] rows(word(models, i)) using 2:col \
	     with linespoints lw 1.5 pt int(word("7 1 6 2 9 4 8", i)) \
	     title sprintf("%s (slope %s)", word(models, i), word(slopes, i))
}
unset multiplot
