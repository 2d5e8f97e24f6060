# ranged.awk - the ranged loops of each function of a generated C file (a
# guard `if (rI >= 0 && ...) goto WN;` before the loop's header, or `...)
# { raising write marks; goto WN; }`), against
# what its name says: v_* one, any other none.  Prints each function that
# differs, then "functions N".
/^static const char fn[0-9]+\[\] = "/ {
	split($0, q, "\""); id = $4; sub(/^fn/, "", id); sub(/\[\]$/, "", id); name[id] = q[2]
}
/^#define FN fn[0-9]+$/ { cur = substr($3, 3); if (!(cur in g)) order[++nf] = cur; g[cur] += 0 }
/^\t+if \(r[0-9]+ >= 0 && .*\) (\{ .* )?goto W[0-9]+;( \})?$/ { g[cur]++ }
END {
	for (i = 1; i <= nf; i++) {
		f = order[i]; n = name[f]
		want = n ~ /^v_/ ? 1 : 0
		if (g[f] != want)
			printf "%s: %d ranged loops (expected %d) ", n, g[f], want
	}
	print "functions " nf
}
