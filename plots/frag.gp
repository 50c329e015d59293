# Fragmentation of the main window along the trace, one series per model.
# gnuplot -e "files='a.csv b.csv'; titles='linear rbtree'; name='trace'; out='x.png'" plots/frag.gp
# Each file is a `vmtrace replay --series` CSV:
# seq,live_areas,live_bytes,span,holes,hole_bytes,largest_hole,ext_frag,unusable_16k
set terminal pngcairo size 1200,900 font "DejaVu Sans,10"
set output out
set datafile separator ","
set key outside right top noenhanced
set grid
set multiplot layout 3,1 title sprintf("%s: fragmentation of the main window", name) noenhanced
set ylabel "holes below the highest busy end"
plot for [i=1:words(files)] word(files, i) skip 1 using 1:5 with lines lw 1.5 title word(titles, i)
set ylabel "live areas"
plot for [i=1:words(files)] word(files, i) skip 1 using 1:2 with lines lw 1.5 title word(titles, i)
set ylabel "index (0..1)"
set xlabel "event number in the trace"
set yrange [0:1.05]
plot for [i=1:words(files)] word(files, i) skip 1 using 1:8 with lines lw 1.5 title sprintf("%s external fragmentation", word(titles, i)), \
     for [i=1:words(files)] word(files, i) skip 1 using 1:9 with lines dt 2 lw 1.5 title sprintf("%s unusable index (16K)", word(titles, i))
unset multiplot
