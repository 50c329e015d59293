# CDF of lock hold times, one colour and dash per model, alloc and free in
# two panels: a timing figure (`ninja bench`), never an exact one.
# gnuplot -e "files='a.csv b.csv'; models='linear rbtree'; name='trace'; runs=3; fmt='png'; out='x.png'" plots/holds.gp
# Each file is the `vmtrace replay --lock-stat --holds` CSVs of one model
# (op,ns rows; `runs` runs concatenated, headers included), in models order.
load "plots/style.gp"
eval figure(1200, 900)
set output out
set multiplot layout 2,1 margins 0.09,0.80,0.07,0.92 spacing 0,0.08 \
	title sprintf("%s: lock hold time of each operation, one thread, %d run%s pooled", \
	              name, runs, runs == 1 ? "" : "s")
set logscale x
set format x "10^{%L}"
set termoption enhanced
set yrange [0:1]
set ylabel "share held at most this long"
set key at screen 0.82, screen 0.92 left top Left reverse samplen 3
holds(file, op) = sprintf("< awk -F, '$1 == \"%s\" { print $2 }' '%s'", op, file)
do for [op in "alloc free"] {
	set label 1 op . " calls" at graph 0, graph 1.04 left front noenhanced
	if (op eq "free") { set xlabel "hold time, ns (log scale)"; unset key }
	plot for [i=1:words(files)] holds(word(files, i), op) using 1:(1) smooth cnormal with steps \
	       lw 1.5 lc rgb model_color(word(models, i)) dt model_dash(word(models, i)) \
	       title word(models, i) noenhanced
}
unset multiplot
