# One figure of bars: a value of each model on each trace, one group of
# bars per trace, one bar per model, on a log y axis.  Draws both the
# footprint (max span / max live bytes, exact: scripts/plot.sh) and the
# replay throughput (events/s, a timing: bench/timings.sh).
# gnuplot -e "csv='f.csv'; models='linear rbtree'; heading='...'; ylabel='...'; ymin=1; fmt='png'; out='x.png'" plots/bars.gp
# csv: trace,model,value[,...], rows grouped by trace, models in the order
# of `models`; ymin: the bottom of the log axis, where it means something
# (a footprint of 1 is no overhead); without it, the power of ten at or
# below the smallest value, so that no decade below the data is drawn.
load "plots/style.gp"
eval figure(1200, 600)
set output out
set title heading noenhanced
set ylabel ylabel
set logscale y
if (!exists("ymin")) {
	stats csv using 3 nooutput
	ymin = 10 ** floor(log10(STATS_min))
}
set yrange [ymin:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics rotate by -30 noenhanced
set key outside right top Left reverse noenhanced
set grid noxtics
rows(m) = sprintf("< grep ',%s,' '%s'", m, csv)
plot for [i=1:words(models)] rows(word(models, i)) using 3:xtic(1) \
       lc rgb model_color(word(models, i)) title word(models, i)
