# xmarks.awk - the ranged loops of each function of a generated C file
# (xmarks.sg): their guards, the guards' write-mark raises (`if (rA->wr <
# e_) rA->wr = e_;`) and the SING_XWRs left in the copy (after its `WN:;`),
# against what its name says: every v_* one guard; v_count (loads only) no
# raise, v_invariant one raise and one SING_XWR (its store at a fixed
# index), any other v_* one raise and no SING_XWR; any other function
# none of the three.  Prints each function that differs, then
# "functions N".
/^static const char fn[0-9]+\[\] = "/ {
	split($0, q, "\""); id = $4; sub(/^fn/, "", id); sub(/\[\]$/, "", id); name[id] = q[2]
}
/^#define FN fn[0-9]+$/ { cur = substr($3, 3); order[++nf] = cur; g[cur] = 0; m[cur] = 0; x[cur] = 0; copy = 0 }
/^\t+if \(r[0-9]+ >= 0 && .*\) (\{ .* )?goto W[0-9]+;( \})?$/ { g[cur]++ }
/^W[0-9]+:;$/ { copy = 1 }
/if \(r[0-9]+->wr < e_\) r[0-9]+->wr = e_;/ { m[cur]++ }
copy && /SING_XWR\(/ { x[cur]++ }
END {
	for (i = 1; i <= nf; i++) {
		f = order[i]; n = name[f]
		want = n == "v_count" ? "1 0 0" : n == "v_invariant" ? "1 1 1" : n ~ /^v_/ ? "1 1 0" : "0 0 0"
		if (g[f] " " m[f] " " x[f] != want)
			printf "%s: %d guards, %d raised, %d SING_XWR in the copy (expected %s) ", n, g[f], m[f], x[f], want
	}
	print "functions " nf
}
