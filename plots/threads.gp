# Thread scaling: operations/s and total lock wait against thread count,
# the mean of the runs with their min and max as error bars: a timing
# figure (`ninja bench`).
# gnuplot -e "csv='threads.csv'; models='linear rbtree'; fmt='png'; out='x.png'" plots/threads.gp
# csv is bench/threads.sh's:
# model,threads,cores,runs,ops_mean,ops_min,ops_max,wait_ms_mean,wait_ms_min,wait_ms_max
load "plots/style.gp"
eval figure(1200, 900)
set output out
# The machine that measured, from the data: its cores and the run count.
cores = int(system(sprintf("awk -F, 'NR == 2 { print $3 }' '%s'", csv)))
runs = int(system(sprintf("awk -F, 'NR == 2 { print $4 }' '%s'", csv)))
set multiplot layout 2,1 margins 0.09,0.80,0.08,0.92 spacing 0,0.06 \
	title sprintf("Multi-threaded replay, each thread taking the model's lock around every call: mean of %d run%s, bars min to max", runs, runs == 1 ? "" : "s")
set logscale x 2
set xtics 2
set xrange [0.8:system(sprintf("awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m * 1.25 }' '%s'", csv)) + 0]
set arrow 1 from cores, graph 0 to cores, graph 1 nohead lc rgb "#888888" dt 2 lw 1.5
set label 2 sprintf("%d cores", cores) at cores, graph 0.97 right offset -0.5, 0 textcolor rgb "#555555"
set key at screen 0.82, screen 0.92 left top Left reverse samplen 3
rows(m) = sprintf("< grep '^%s,' '%s'", m, csv)
set format x ""
set ylabel "operations/s"
set format y "%.1s%c"
set yrange [0:*]
plot for [m in models] rows(m) using 2:5:6:7 with yerrorlines lw 1.5 pt model_point(m) \
       lc rgb model_color(m) dt model_dash(m) title m
unset key
set format x "%h"
set xlabel "replay threads (log scale)"
set ylabel "total lock wait, ms"
set format y "%h"
plot for [m in models] rows(m) using 2:8:9:10 with yerrorlines lw 1.5 pt model_point(m) \
       lc rgb model_color(m) dt model_dash(m) notitle
unset multiplot
