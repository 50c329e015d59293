#!/bin/sh
# One figure of a plots/*.gp script in several formats, from the same data.
#   scripts/figure.sh SCRIPT OUT "FORMATS" "VARS"
# writes OUT.png, OUT.pdf, OUT.svg for each of FORMATS (png pdf svg), VARS
# being the script's gnuplot assignments ("csv='x.csv'; models='a b'").
# cairo stamps each PDF with the time it was drawn: pinned to the epoch
# (same length, so the PDF's byte offsets still hold), the bytes depend on
# the data alone.
set -eu
script=$1 out=$2 formats=$3 vars=$4
for fmt in $formats; do
	gnuplot -e "$vars; fmt='$fmt'; out='$out.$fmt'" "$script"
	[ "$fmt" != pdf ] ||
		LC_ALL=C sed -i 's|/CreationDate (D:[0-9]\{14\}Z)|/CreationDate (D:19700101000000Z)|' \
			"$out.$fmt"
done
