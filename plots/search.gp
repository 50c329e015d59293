# Distribution of the alloc search length, one CDF per model: linear
# against tree at a glance.
# gnuplot -e "files='a.csv b.csv'; models='linear rbtree'; name='trace'; fmt='png'; out='x.png'" plots/search.gp
# Each file is a `vmtrace replay --events` CSV, in the order of models:
# seq,op,id,size,align,addr,search
load "plots/style.gp"
eval figure(1200, 600)
set output out
set title sprintf("%s: search length of each allocation, distribution per model", name)
set xlabel "nodes examined by one alloc (log scale)"
set ylabel "share of allocs examining at most this many"
set logscale x
# A search of 0 (a pool hit, say) has no place on a log axis: drawn at 0.5.
set xtics add ("0" 0.5)
set yrange [0:1]
set xrange [0.5:*]
set key outside right top Left reverse samplen 3
# Only the alloc rows: skipped rows (NaN) would cut the cumulative sum.
allocs(file) = sprintf("< awk -F, '$2 == \"alloc\" { print ($7 > 0 ? $7 : 0.5) }' '%s'", file)
plot for [i=1:words(files)] allocs(word(files, i)) using 1:(1) smooth cnormal with steps lw 1.5 \
       lc rgb model_color(word(models, i)) dt model_dash(word(models, i)) title word(models, i)
