# backedges.awk - the back-edges of each function of a generated C file,
# polled and not (a goto to a label already seen in the function), against
# what its name says: u_* one unpolled, p_* one polled, pp_* two polled,
# nest one of each, any other none.  Prints each function that differs,
# then "functions N".
/^static const char fn[0-9]+\[\] = "/ {
	split($0, q, "\""); id = $4; sub(/^fn/, "", id); sub(/\[\]$/, "", id); name[id] = q[2]
}
/^#define FN fn[0-9]+$/ { cur = substr($3, 3); split("", seen); if (!(cur in p)) order[++nf] = cur; p[cur] += 0; u[cur] += 0 }
/^L[0-9]+:;$/ { seen[substr($0, 1, index($0, ":") - 1)] = 1 }
/goto L[0-9]+;/ {
	s = $0; sub(/.*goto /, "", s); sub(/;.*/, "", s)
	if (s in seen) { if ($0 ~ /POLL\(\); goto/) p[cur]++; else u[cur]++ }
}
END {
	for (i = 1; i <= nf; i++) {
		f = order[i]; n = name[f]
		want = n ~ /^u_/ ? "0 1" : n ~ /^pp_/ ? "2 0" : n ~ /^p_/ ? "1 0" : n == "nest" ? "1 1" : "0 0"
		if (p[f] " " u[f] != want)
			printf "%s: polled %d, unpolled %d (expected %s) ", n, p[f], u[f], want
	}
	print "functions " nf
}
