#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fault catalogue across kernels: for each entry, the cause vmtrace named
# and what each kernel itself said of the drop (reason@function), from the
# scores of lab runs on different kernels (each case's last run:
# OUTDIR/CASE.result.scores, which run.sh writes).
#
#   kernel-said.sh LABEL=OUTDIR...      a markdown table on stdout
#
# e.g. kernel-said.sh 6.1=build/ktest 7.2=build/ktest-sid
set -eu
[ $# -gt 0 ] || { echo "usage: $0 LABEL=OUTDIR..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
labels=() files=()
for a in "$@"; do
	labels+=("${a%%=*}")
	files+=("$tmp/${#files[@]}")
	cat "${a#*=}"/*.result.scores > "${files[-1]}" 2>/dev/null || true
done
printf '| entry | what was broken | cause |'
printf ' %s |' "${labels[@]}"
printf '\n|---|---|---|'
printf -- '---|%.0s' "${labels[@]}"
printf '\n'
# a score line: case id title want got result kernel-said
# the column is the file's index (its name): an empty file has no FNR == 1
awk -F'\t' -v n=${#files[@]} '
	{
		k = split(FILENAME, path, "/"); f = path[k] + 1
		id = $2
		if (!(id in title)) { order[++ids] = id; title[id] = $3 }
		split($5, g, ";"); c = g[1]; sub(/^[a-z-]+ /, "", c); sub(/ .*/, "", c)
		if ($6 == "pass") cause[id] = c
		said[id, f] = ($6 == "pass" ? "" : "FAIL: ") ($7 == "" ? "-" : $7)
	}
	END {
		for (i = 1; i <= ids; i++) {
			id = order[i]
			printf "| %s | %s | %s |", id, title[id], (id in cause) ? cause[id] : "?"
			for (j = 1; j <= n; j++) {
				s = ((id, j) in said) ? said[id, j] : "not run"
				# no reason: "none", or "" and "0" from older runs
				s = ";" s; gsub(/;(0)?@/, ";none@", s); s = substr(s, 2)
				gsub(/;/, ", ", s); gsub(/@/, " at ", s)
				printf " %s |", s
			}
			printf "\n"
		}
	}' "${files[@]}"
