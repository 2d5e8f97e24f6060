# chunks.awk - the polls of ranged loops' copies in each function of a
# generated C file: the copy's back-edge `goto VN;` without a poll, and the
# chunk's end `POLL(); goto WN;`, against what its name says: v_* one of
# each (and no polled `goto VN`), any other none; v_step's local step is
# hidden from cc by an empty asm where the chunk's end is computed (it
# would strength-reduce s * T over the loops around); c_* (a converging
# loop) has its back-edge unpolled, no chunk's end, and a guard that
# bounds hi - lo (so the trips).  Prints each function that differs, then
# "functions N".
/^static const char fn[0-9]+\[\] = "/ {
	split($0, q, "\""); id = $4; sub(/^fn/, "", id); sub(/\[\]$/, "", id); name[id] = q[2]
}
/^#define FN fn[0-9]+$/ { cur = substr($3, 3); if (!(cur in u)) order[++nf] = cur; u[cur] += 0; p[cur] += 0; bad[cur] += 0 }
/^\tgoto V[0-9]+;$/ { u[cur]++ }
/^\tPOLL\(\); goto W[0-9]+;$/ { p[cur]++ }
/__asm__\(""/ { hid[cur]++ }
/ && \(i64\)r[0-9]+ - \(i64\)r[0-9]+ <= [0-9]+\) goto W[0-9]+;$/ { gap[cur]++ }
/POLL\(\); goto V[0-9]+;/ { bad[cur]++ }
END {
	for (i = 1; i <= nf; i++) {
		f = order[i]; n = name[f]
		want = n ~ /^v_step/ ? "1 1 0 1 0" : n ~ /^v_/ ? "1 1 0 0 0" : n ~ /^c_/ ? "1 0 0 0 1" : "0 0 0 0 0"
		if (u[f] " " p[f] " " bad[f] " " hid[f] + 0 " " gap[f] + 0 != want)
			printf "%s: unpolled %d, chunk polls %d, polled copy back-edges %d, hidden steps %d, gap bounds %d (expected %s) ",
			    n, u[f], p[f], bad[f], hid[f], gap[f], want
	}
	print "functions " nf
}
