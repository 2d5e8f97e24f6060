# xmarks.awk - the write marks of ranged loops' copies in each function of
# a generated C file (xmarks.sg): the guard's raises (`if (rA->wr < e_)
# rA->wr = e_;`) and the SING_XWRs left in the copy (after its `WN:;`),
# against what its name says: v_count (loads only) none, v_invariant one
# raise and one SING_XWR (its store at a fixed index), any other v_* one
# raise and no SING_XWR.  Prints each function that differs, then
# "functions N".
/^static const char fn[0-9]+\[\] = "/ {
	split($0, q, "\""); id = $4; sub(/^fn/, "", id); sub(/\[\]$/, "", id); name[id] = q[2]
}
/^#define FN fn[0-9]+$/ { cur = substr($3, 3); order[++nf] = cur; m[cur] = 0; x[cur] = 0; copy = 0 }
/^W[0-9]+:;$/ { copy = 1 }
/if \(r[0-9]+->wr < e_\) r[0-9]+->wr = e_;/ { m[cur]++ }
copy && /SING_XWR\(/ { x[cur]++ }
END {
	for (i = 1; i <= nf; i++) {
		f = order[i]; n = name[f]
		want = n == "v_count" ? "0 0" : n == "v_invariant" ? "1 1" : n ~ /^v_/ ? "1 0" : "0 0"
		if (m[f] " " x[f] != want)
			printf "%s: %d raised, %d SING_XWR in the copy (expected %s) ", n, m[f], x[f], want
	}
	print "functions " nf
}
