#!/bin/sh
# The ACPI handler of a DKVM host (acpid runs it for every event, see
# events/anything; it replaces the acpid package's handler, which would
# power the host off, or suspend it, at once).
#
# The power button asks every running VM to shut down (their guests get the
# ACPI button too) with `dkvm power button`; pressed again once no VM runs,
# it powers the host off. The lid and sleep buttons do nothing: a host that
# runs VMs does not suspend.
#
# acpid passes the event as words: <class> <device> <code> <value>.

# the system folders last: the PATH acpid was started with comes first
PATH=$PATH:/usr/bin:/bin:/usr/sbin:/sbin

log() {
	logger -t dkvm-acpi "$*" 2>/dev/null || true
}

case "$1" in
button/power)
	log "power button pressed: dkvm power button"
	out=$(dkvm power button 2>&1)
	status=$?
	log "dkvm power button (exit $status): $out"
	;;
esac
exit 0
