# casearrays.awk - the case arrays kept at function scope in a generated C
# file (src/backend/lower_cases.c): each `struct sing_case cP_[N];` at a
# body's start stores its constant words (msg, pad_) and, for a local no
# loop writes, its endpoint words; each sing_select/sing_sendsel call
# naming cP_ stores the other endpoint words on the line before it, in the
# call's block: every word in exactly one of the two places.
# Prints each call that differs, then "kept K hoisted H mixed M": the calls
# with every word stored at the call, every word at the entry, some of each.
/^\tstruct sing_case c[0-9]+_\[[0-9]+\];/ {
	split($3, d, /[\[\]]/); n[d[1]] = d[2]; entry[d[1]] = $0
}
/switch \(.*sing_(select|sendsel_call)\(th, (SING_HERE\()?c[0-9]+_[,)]/ {
	c = $0; sub(/.*sing_(select|sendsel_call)\(th, (SING_HERE\()?/, "", c); sub(/[,)].*/, "", c)
	ok = (c in n) && prev ~ /^\t\{ /
	at = 0
	for (k = 0; ok && k < n[c]; k++) {
		w = c "[" k "].ep = r"
		if ((index(prev, w) > 0) == (index(entry[c], w) > 0)) ok = 0
		at += index(prev, w) > 0
	}
	if (!ok) printf "%s: endpoints not each stored once before the call ", c
	else if (at == n[c]) kept++
	else if (at == 0) hoisted++
	else mixed++
}
{ prev = $0 }
END { print "kept " kept + 0 " hoisted " hoisted + 0 " mixed " mixed + 0 }
