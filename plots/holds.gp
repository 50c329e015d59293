# CDF of lock hold times, one colour per model: alloc solid, free dashed.
# gnuplot -e "files='a.csv b.csv'; titles='linear rbtree'; name='trace'; out='x.png'" plots/holds.gp
# Each file is a `vmtrace replay --lock-stat --holds` CSV: op,ns
set terminal pngcairo size 1200,600 font "DejaVu Sans,10"
set output out
set datafile separator ","
set title sprintf("%s: lock hold time of each operation (one thread)", name) noenhanced
set xlabel "hold time, ns (log scale)"
set ylabel "fraction of operations held at most this long"
set logscale x
set yrange [0:1.02]
set key outside right top noenhanced
set grid
only(op, want, ns) = op eq want ? ns : NaN
plot for [i=1:words(files)] word(files, i) skip 1 \
       using (only(strcol(1), "alloc", $2)):(1) smooth cnormal lc i lw 1.5 \
       title sprintf("%s alloc", word(titles, i)), \
     for [i=1:words(files)] word(files, i) skip 1 \
       using (only(strcol(1), "free", $2)):(1) smooth cnormal lc i dt 2 lw 1.5 \
       title sprintf("%s free", word(titles, i))
