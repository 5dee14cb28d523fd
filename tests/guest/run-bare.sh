#!/bin/sh
# SPDX-License-Identifier: MIT
# guest.bare: boots testguest.elf on a bare QEMU PC through bareload.elf (a multiboot program
# that plays the worker's part of testguest/boot.h) once per case below, and checks each run's
# COM1 output and how QEMU ended. Until child partitions run it, this is what shows that the
# guest boots on the contract and that its checks report as documented; without a hypervisor
# cpuid and the VMBus checks must fail (cleanly, at once) and hypercalls runs against the
# guest's own stand-in stub (fakepage=1).
# The power-off port is QEMU's isa-debug-exit at 0x604 (exit status (0x34 << 1) | 1 = 105);
# acpi=off keeps the PIIX4 power-management block, which SeaBIOS puts at 0x600, off that port.
# usage: run-bare.sh <bareload.elf> <testguest.elf> <work dir>
set -u
loader=$1 guest=$2 work=$3
qemu=${HV_QEMU:-qemu-system-x86_64}
mkdir -p "$work"
objcopy --strip-debug "$guest" "$work/testguest.elf" || exit 1 # must end below 2 MiB
passed=0 failed=0

# run <name> <seconds> <expected QEMU status> <cmdline> <regex that must match> [one that must not]
run() {
	name=$1 secs=$2 want_rc=$3 cmdline=$4 want=$5 unwanted=${6:-}
	log=$work/$name.log
	rm -f "$log"
	timeout "$secs" "$qemu" -M pc,acpi=off -cpu qemu64,phys-bits=40 -m 16M -display none \
		-no-reboot -serial "file:$log" -device isa-debug-exit,iobase=0x604,iosize=1 \
		-kernel "$loader" -initrd "$work/testguest.elf" -append "$cmdline" \
		>"$work/$name.qemu" 2>&1
	rc=$?
	why=
	if [ "$rc" != "$want_rc" ]; then
		why="QEMU ended with $rc, expected $want_rc"
	elif ! grep -Eq "$want" "$log"; then
		why="no line matching '$want'"
	elif [ -n "$unwanted" ] && grep -Eq "$unwanted" "$log"; then
		why="a line matches '$unwanted'"
	fi
	if [ -z "$why" ]; then
		echo "PASS bare.$name"
		passed=$((passed + 1))
	else
		echo "FAIL bare.$name: $why; its console:"
		sed 's/^/    /' "$log" | tail -20
		failed=$((failed + 1))
	fi
}

off=105       # powered off through port 0x604
reset=0       # -no-reboot: a triple fault ends QEMU
killed=124    # still running when timeout stopped it
run hello 30 $off "check=hello" \
	'^testguest: hello from partition 0: 16 MiB RAM \(0x1000000 bytes\), 1 VP' 'FAIL'
run default 30 $off "" '^testguest: PASS hello$'
run memscan 60 $off "check=memscan passes=2" '^testguest: PASS memscan$' 'FAIL'
run peek-ram 30 $off "check=peek gpa=0x800000" '^testguest: PASS peek$'
run peek-beyond-width 30 $off "check=peek gpa=0x10000000000" \
	'beyond the CPU.s 40-bit physical addresses' 'FAIL'
run peek-unmapped 30 $off "check=peek gpa=0x1000000" \
	'^testguest: FAIL peek: GPA 0x1000000 outside RAM answered$'
run hypercalls 60 $off "check=hypercalls fakepage=1" \
	'^testguest: hypercalls: [0-9]+ calls, 0 misbehaved$' 'BAD|FAIL'
run ring3 30 $off "check=hypercalls part=ring3" '^testguest: hc VMMCALL at CPL 3 -> #UD ok$'
run cpuid-no-hyperv 30 $off "check=cpuid" '^testguest: FAIL cpuid: CPUID 4000_0000h'
run poweroff 30 $off "check=poweroff" '^testguest: PASS poweroff$'
run triplefault 30 $reset "check=triplefault" 'expect a triple fault' 'PASS|FAIL'
run fault 30 $off "check=fault" \
	'^testguest: FAIL fault: unexpected exception 6 \(#UD\) error 0x0 at rip 0x2' 'PASS'
run spin 5 $killed "check=spin" '^testguest: spinning' 'PASS|FAIL'
run unknown 30 $off "check=nope" '^testguest: FAIL nope: unknown check$'
# The VMBus checks need the hypervisor's SynIC: without it each fails at once, clearly.
nosynic='FAIL [a-z-]+: no SynIC: CPUID 0x40000003 EAX bit 2 clear'
run vmbus-disk 30 $off "check=vmbus-disk blocks=8" "^testguest: $nosynic" 'PASS'
run vmbus-ic 30 $off "check=vmbus-ic" "^testguest: $nosynic" 'PASS'
run vmbus-hostile 30 $off "check=vmbus-hostile case=msg-flood" "^testguest: $nosynic" 'PASS'
run vmbus-bench 30 $off "check=vmbus-bench qd=32 seconds=1" "^testguest: $nosynic" 'PASS'
run vmbus-hostile-nocase 30 $off "check=vmbus-hostile" \
	'^testguest: hostile cases: gpadl-outside-ram .* msg-flood$' 'PASS'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
