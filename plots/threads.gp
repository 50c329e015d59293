# Thread scaling: operations/s and total lock wait against thread count.
# gnuplot -e "csv='scaling.csv'; models='linear rbtree'; out='x.png'" plots/threads.gp
# csv is `vmtrace report --scaling-csv`: trace,model,threads,scale,ops_per_sec,contentions,waittime_total
set terminal pngcairo size 1200,900 font "DejaVu Sans,10"
set output out
set datafile separator ","
set key outside right top noenhanced
set grid
set logscale x 2
set xlabel "replay threads (the machine has " . system("nproc") . " cores)"
of(model, want, v) = model eq want ? v : NaN
set multiplot layout 2,1 title "Multi-threaded replay: each thread takes the model's lock around every call" noenhanced
set ylabel "operations/s"
plot for [m in models] csv skip 1 using 3:(of(strcol(2), m, $5)) with linespoints lw 1.5 pt 7 title m
set ylabel "total lock wait, ms"
plot for [m in models] csv skip 1 using 3:(of(strcol(2), m, $7 / 1e6)) with linespoints lw 1.5 pt 7 title m
unset multiplot
