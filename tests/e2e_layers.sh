#!/bin/sh
# SPDX-License-Identifier: MIT
# The layer order of the source tree, and its check: every project header a
# .c or .h file includes must belong to its own layer or to one the table
# below lets it use.  Each include that breaks the order is printed as
#   file:line: includes X (layer A may not depend on layer B)
# and the test fails.  This table is the only place the order is written.
#
# A file's layer is the longest row name that is a directory holding it
# (allocator/ds/free_tree.h is in allocator/ds, allocator/busy_map.h in
# allocator).  A row lists what its layer may include besides its own
# headers ("-": nothing else, "*": anything): other layers, or single
# headers of a layer (report sees only the replay headers that describe
# results).  allocator/*.h are the allocator's public headers
# (allocator.h, lowest_fit.h, busy_map.h); its shared data structures,
# allocator/ds, are for the allocator alone.  A directory with sources
# but no row fails the test until it gets one.
layers='
layer          may include
lib            -
trace          lib
allocator      lib allocator/ds
allocator/ds   lib allocator
replay         lib trace allocator
capture        lib trace
report         lib trace allocator replay/metrics.h replay/summary.h
cli            lib trace allocator replay capture report
bench          lib trace allocator replay
tests          *
'
set -u
cd "$(dirname "$0")/.."

# An include names a project header when it resolves, as the compiler does
# it with -I., next to the includer or from the root; anything else
# (vmlinux.h, the generated skeleton) is not the project's to order.
files=$(find . -path ./build -prune -o -path './.*' -prune -o \
	\( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | sort)
printf '%s\n' "$files" | xargs grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
awk -v layers="$layers" -v files="$files" '
	# The longest row name that is a directory of @path, or "".
	function layer_of(path,    l, best) {
		best = ""
		for (l in may)
			if (index(path, l "/") == 1 && length(l) > length(best))
				best = l
		return best
	}
	# @path with its "dir/.." and "." segments taken out.
	function normalize(path,    n, parts, out, k, i) {
		n = split(path, parts, "/")
		k = 0
		for (i = 1; i <= n; i++) {
			if (parts[i] == "." || parts[i] == "")
				continue
			if (parts[i] == ".." && k > 0 && out[k] != "..")
				k--
			else
				out[++k] = parts[i]
		}
		path = out[1]
		for (i = 2; i <= k; i++)
			path = path "/" out[i]
		return path
	}
	BEGIN {
		n = split(layers, rows, "\n")
		for (i = 1; i <= n; i++) {
			if (split(rows[i], f, " ") == 0 || f[1] == "layer")
				continue
			may[f[1]] = " " f[1] " "
			for (j = 2; j in f; j++)
				may[f[1]] = may[f[1]] f[j] " "
		}
		split(files, list, "\n")
		for (i in list)
			exists[list[i]] = 1
	}
	{
		# grep -n output: file:line:#include "X"
		file = $0; sub(/:.*/, "", file)
		line = substr($0, length(file) + 2); sub(/:.*/, "", line)
		header = $0; sub(/^[^"]*"/, "", header); sub(/".*/, "", header)
		dir = file; sub(/\/[^\/]*$/, "", dir)
		if (dir == file)
			dir = "."
		if (normalize(dir "/" header) in exists)
			target = normalize(dir "/" header)
		else if (normalize(header) in exists)
			target = normalize(header)
		else
			next
		from = layer_of(file)
		if (from == "") {
			if (!(file in unplaced))
				print file ": in no layer of the table in tests/e2e_layers.sh"
			unplaced[file] = 1
			bad++
			next
		}
		to = layer_of(target)
		checked++
		if (may[from] ~ /\*/ || to == from || index(may[from], " " to " ") ||
		    index(may[from], " " target " "))
			next
		print file ":" line ": includes " header " (layer " from \
		      " may not depend on layer " (to == "" ? "(none)" : to) ")"
		bad++
	}
	END {
		if (bad) {
			print "FAIL: " bad " include(s) break the layer order"
			exit 1
		}
		print "e2e_layers: " checked " project includes keep the layer order"
	}'
