# Without CAP_NET_ADMIN nobody may trace, read status, or listen to events.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
P="$BIN/nlprobe"
expect "start" "$("$P" --drop-privs start-lo)" "error=EPERM msg='' attr=-"
expect "status" "$("$P" --drop-privs status)" "error=EPERM msg='' attr=-"
expect "stats" "$("$P" --drop-privs stats)" "error=EPERM msg='' attr=-"
expect "join events" "$("$P" --drop-privs join)" "error=EPERM msg='join refused' attr=-"
expect "root may join" "$("$P" join)" "ok"

# The CLI says what is missing.
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$VT" events --if lo > $TMP/out 2> $TMP/err
rc=$?
set -e
cat $TMP/err
expect "cli rc" "$rc" 1
grep -q 'CAP_NET_ADMIN needed' $TMP/err
expect "sessions" "$("$VT" status --json | jq .sessions)" 0
