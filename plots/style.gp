# The style every figure shares: loaded first by each plots/*.gp.
#   gnuplot -e "fmt='png'; out='x.png'; models='linear rbtree'; ..." plots/frag.gp
# fmt    png (default), pdf or svg: the same figure from the same script
# out    the file to write
# models the models drawn, in registry order (`vmtrace models`)
# registry every model `vmtrace models` lists (default: models)
#
# A model keeps one colour and one dash in every figure: the colour is its
# entry in `known` below when it has one, else the palette entry of its
# position in `models` (registry order); the dash cycles through five
# patterns by the same index, so models stay apart in greyscale too.

if (!exists("fmt")) fmt = "png"
if (!exists("registry")) registry = models
# Sizes in pixels for PNG and SVG; a PDF is 160 of them to the inch (a
# 1200-pixel figure spans a paper's 7.5-inch text width) in a 7-point font.
figure(w, h) = fmt eq "pdf" ? \
	sprintf("set terminal pdfcairo size %gin,%gin font 'DejaVu Sans,7' linewidth 1 noenhanced", w / 160.0, h / 160.0) : \
	fmt eq "svg" ? \
	sprintf("set terminal svg size %d,%d font 'DejaVu Sans,10' linewidth 1 noenhanced background '#ffffff'", w, h) : \
	sprintf("set terminal pngcairo size %d,%d font 'DejaVu Sans,10' linewidth 1 noenhanced", w, h)
# `eval figure(w, h)` then `set output out`: every script does both.

set datafile separator ","
set grid lc rgb "#d0d0d0" lw 0.5 dt 3
set border lw 1
set key noenhanced
set tics nomirror out
# One tick format everywhere: plain numbers, a power of ten above 10^5.
set format x "%h"
set format y "%h"

# The kernel's designs first, then issue 15's alternatives.  14 colours
# (Okabe-Ito but a crimson for vermillion, too close to orange in a thin
# dashed line; then Tol's), chosen to stay apart on screen and on paper.
known = "linear rbtree rbtree-cache augmented augmented-5.2 augmented-5.19 vmap-nodes " . \
	"vmem-instant vmem-best vmem-next bitmap buddy maple jemalloc"
palette = "#000000 #e69f00 #56b4e9 #009e73 #cc79a7 #0072b2 #c8102e " . \
	"#882255 #44aa99 #999933 #aa4499 #661100 #6699cc #888888"
position(m, list, i) = i > words(list) ? 0 : (word(list, i) eq m ? i : position(m, list, i + 1))
# Unknown names by registry order (`registry`, as `vmtrace models` lists).
model_index(m) = position(m, known, 1) > 0 ? position(m, known, 1) : \
	(position(m, registry, 1) - 1) % words(palette) + 1
model_color(m) = word(palette, model_index(m))
model_dash(m) = (model_index(m) - 1) % 5 + 1
model_point(m) = word("7 5 9 11 13 4 6 8 10 12 14 1 2 3", model_index(m)) + 0

# A byte axis in the binary unit that suits its largest value.
MiB = 1048576.0
unit_exp(bytes) = bytes < 1024.0**2 ? 1 : bytes < 1024.0**3 ? 2 : bytes < 1024.0**4 ? 3 : 4
unit_div(bytes) = 1024.0**unit_exp(bytes)
unit_name(bytes) = word("KiB MiB GiB TiB", unit_exp(bytes))
