# load, unload, reload
lsmod | grep -q '^vmtrace'
grep -q vmtrace /proc/modules
rmmod vmtrace
insmod "$VMTRACE_SRC/vmtrace.ko"
