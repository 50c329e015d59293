# Footprint of each model on each trace: max span / max live bytes, the
# address space a design needs per byte it holds (exact).  One group of
# bars per trace, one bar per model.
# gnuplot -e "csv='footprint.csv'; models='linear rbtree'; fmt='png'; out='x.png'" plots/footprint.gp
# csv: trace,model,footprint,max_span,max_live_bytes (scripts/plot.sh's),
# rows grouped by trace, models in the order of `models`.
load "plots/style.gp"
eval figure(1200, 600)
set output out
set title "Footprint: largest span / largest live bytes (log scale), per trace and model"
set ylabel "span per live byte"
set logscale y
set yrange [1:*]
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
