# Fragmentation of the main window along the trace, one series per model.
# gnuplot -e "files='a.csv b.csv'; titles='linear rbtree'; name='trace'; out='x.png'" plots/frag.gp
# Each file is a `vmtrace replay --series` CSV:
# seq,live_areas,live_bytes,span,holes,hole_bytes,largest_hole,small_hole_bytes,ext_frag,unusable_16k
set terminal pngcairo size 1200,1000 font "DejaVu Sans,10"
set output out
set datafile separator ","
set key outside right top noenhanced
set grid
MiB = 1048576.0
set multiplot layout 3,1 title sprintf("%s: fragmentation of the main window", name) noenhanced
set ylabel "holes below the highest busy end"
plot for [i=1:words(files)] word(files, i) skip 1 using 1:5 with lines lw 1.5 title word(titles, i)
set ylabel "MiB"
plot for [i=1:words(files)] word(files, i) skip 1 using 1:($3 / MiB) with lines lw 1.5 \
       title sprintf("%s live bytes", word(titles, i)), \
     for [i=1:words(files)] word(files, i) skip 1 using 1:($8 / MiB) with lines dt 2 lw 1.5 \
       title sprintf("%s hole bytes but the largest", word(titles, i))
# Log scale: with a huge hole at the top of the window (x86_64's first
# per-CPU chunk) both indices are tiny but still move.
set ylabel "index (log scale)"
set xlabel "event number in the trace"
set logscale y
plot for [i=1:words(files)] word(files, i) skip 1 using 1:9 with lines lw 1.5 title sprintf("%s external fragmentation", word(titles, i)), \
     for [i=1:words(files)] word(files, i) skip 1 using 1:10 with lines dt 2 lw 1.5 title sprintf("%s unusable index (16K)", word(titles, i))
unset multiplot
