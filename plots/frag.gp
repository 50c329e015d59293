# Fragmentation of the main window along the trace, one line per model.
# gnuplot -e "files='a.csv b.csv'; models='linear rbtree'; name='trace'; fmt='png'; out='x.png'" plots/frag.gp
# Each file is a `vmtrace replay --series` CSV, in the order of models:
# seq,live_areas,live_bytes,span,holes,hole_bytes,largest_hole,small_hole_bytes,ext_frag,unusable_16k
# The largest hole is left out of every panel: on x86_64 it is the gap below
# the first per-CPU chunk at the top of the window, terabytes that make
# external fragmentation and the unusable index ~0 whatever the model does.
load "plots/style.gp"
eval figure(1200, 1000)
set output out
# Fixed margins: the three panels share one x axis, aligned.
set multiplot layout 3,1 margins 0.09,0.80,0.07,0.93 spacing 0,0.06 \
	title sprintf("%s: fragmentation of the main window (below the largest hole)", name)
set key at screen 0.82, screen 0.93 left top Left reverse samplen 3
set xrange [0:*]
set autoscale xfixmax
set format x ""
f(i) = word(files, i)
m(i) = word(models, i)
# Bytes in the unit of the largest value, on a log axis: live bytes and
# the free bytes between areas can be orders of magnitude apart.
stats f(1) skip 1 using 8 nooutput
free_max = STATS_max
stats f(1) skip 1 using 3 nooutput
top = free_max > STATS_max ? free_max : STATS_max
div = unit_div(top)
set ylabel unit_name(top) . " (log scale)"
set logscale y
set label 1 "free bytes between busy areas (lines); live bytes (grey)" at graph 0, graph 1.06 left front
plot f(1) skip 1 using 1:($3 / div) with lines lw 4 lc rgb "#bbbbbb" \
       title "live bytes (all)", \
     for [i=1:words(files)] f(i) skip 1 using 1:($8 / div) with lines lw 1.5 \
       lc rgb model_color(m(i)) dt model_dash(m(i)) title m(i)
unset key
unset logscale y
set ylabel "holes"
set label 1 "free gaps below the highest busy end" at graph 0, graph 1.06 left front
plot for [i=1:words(files)] f(i) skip 1 using 1:5 with lines lw 1.5 \
       lc rgb model_color(m(i)) dt model_dash(m(i)) notitle
set format x "%h"
set xlabel "event number in the trace"
mean_gap(small, holes) = holes > 1 ? small / (holes - 1) : NaN
stats f(1) skip 1 using (mean_gap($8, $5)) nooutput
div = unit_div(STATS_max)
set ylabel unit_name(STATS_max)
set yrange [0:*]
set label 1 "mean size of a free gap but the largest: the space a request can find between busy areas" \
	at graph 0, graph 1.06 left front
plot for [i=1:words(files)] f(i) skip 1 using 1:(mean_gap($8, $5) / div) with lines lw 1.5 \
       lc rgb model_color(m(i)) dt model_dash(m(i)) notitle
unset multiplot
