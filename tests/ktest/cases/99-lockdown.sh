# Secure Boot's lockdown refuses the unsigned module: vmtrace says so and
# how to fix it, instead of only "not loaded". (Runs last in its own boot:
# lockdown cannot be lifted.)
. "$VMTRACE_SRC/tests/ktest/lib.sh"
rmmod vmtrace
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
grep -q integrity /sys/kernel/security/lockdown || skip "this kernel has no lockdown LSM"
echo integrity > /sys/kernel/security/lockdown
set +e
insmod "$VMTRACE_KO" 2> $TMP/insmod; irc=$?
"$VT" status 2> $TMP/err; rc=$?
set -e
cat $TMP/insmod $TMP/err
[ "$irc" != 0 ] || { echo "FAIL: the locked-down kernel loaded an unsigned module"; false; }
expect "rc" "$rc" 3
expect "why" "$(sed -n 2p $TMP/err)" "vmtrace: note: the kernel is locked down (integrity, Secure Boot): it loads only modules signed by an enrolled key; enroll DKMS's with 'mokutil --import /var/lib/dkms/mok.pub' and reboot"
