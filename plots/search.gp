# Search length of each allocation, in trace order, one series per model.
# gnuplot -e "files='a.csv b.csv'; titles='linear rbtree'; name='trace'; out='x.png'" plots/search.gp
# Each file is a `vmtrace replay --events` CSV: seq,op,id,size,align,addr,search
set terminal pngcairo size 1200,600 font "DejaVu Sans,10"
set output out
set datafile separator ","
set title sprintf("%s: search length of each allocation", name) noenhanced
set xlabel "event number in the trace"
set ylabel "nodes examined (log scale; 0 not shown)"
set logscale y
set key outside right top noenhanced
set grid
# Free rows and empty searches have no place on a log axis.
alloc_search(op, s) = (op eq "alloc" && s > 0) ? s : NaN
plot for [i=1:words(files)] word(files, i) skip 1 \
     using 1:(alloc_search(strcol(2), $7)) with points pt 7 ps 0.3 title word(titles, i)
