# casearrays.awk - the case arrays kept at function scope in a generated C
# file (src/backend/lower_cases.c): each `struct sing_case cP_[N];` at a
# body's start stores only its constant words (msg, pad_), never an
# endpoint; each sing_select/sing_sendsel call naming cP_ has all N of its
# endpoint words stored on the line before it, in the call's block.
# Prints each call that differs, then "kept N" (the calls that passed).
/^\tstruct sing_case c[0-9]+_\[[0-9]+\];/ {
	split($3, d, /[\[\]]/); n[d[1]] = d[2]
	if ($0 ~ /\.ep/) printf "%s stores an endpoint at the entry ", d[1]
}
/switch \(.*sing_(select|sendsel)\(th, c[0-9]+_,/ {
	c = $0; sub(/.*sing_(select|sendsel)\(th, /, "", c); sub(/,.*/, "", c)
	ok = (c in n) && prev ~ /^\t\{ /
	for (k = 0; ok && k < n[c]; k++)
		if (index(prev, c "[" k "].ep = r") == 0) ok = 0
	if (ok) kept++; else printf "%s: endpoints not all stored before the call ", c
}
{ prev = $0 }
END { print "kept " kept + 0 }
