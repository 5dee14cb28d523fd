#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux child's ACPI tables as ACPICA's iasl (Debian's acpica-tools) sees them: every table
# the worker builds is disassembled with no error and no warning (checksums included), the
# DSDT shows the devices Linux looks for, and each disassembly compiles back to the very same
# bytes (only the checksum and compiler id differ, which iasl writes as its own). The RSDP has
# no table header, which `iasl -d` cannot read: it is compiled from its fields instead and
# compared byte for byte, both checksums included.
#   usage: iasl.sh ACPI_DUMP   (exit 77 = skipped: no iasl)
set -eu
dump=$1
if ! command -v iasl >/dev/null 2>&1; then
	echo "SKIP: iasl not found: install Debian's acpica-tools (tools/setup.sh does)"
	exit 77
fi
work=$(mktemp -d /tmp/hv-iasl-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

# Disassembles $1.dat; the output and the .dsl must carry no diagnostic.
disassemble() {
	(cd "$work" && iasl -d "$1.dat" >"$1.log" 2>&1) || fail "iasl -d $1.dat: $(cat "$work/$1.log")"
	if grep -Ei 'warning|error|incorrect|invalid|terminates' "$work/$1.log" "$work/$1.dsl"; then
		fail "iasl -d $1.dat reported the lines above"
	fi
}

# Compiles $1.dsl back (-oa: no optimisation, so names keep the root prefix the worker
# writes; -vw 6033: iasl's compiler wants a 7- or 8-character _HID, but hv_vmbus matches the
# 5-character "VMBUS", as Hyper-V's own DSDT has it) and compares with the worker's bytes,
# ignoring the checksum (byte 10) and the compiler id and revision (29-36).
roundtrip() {
	mkdir -p "$work/rt"
	cp "$work/$1.dsl" "$work/rt/"
	(cd "$work/rt" && iasl -oa -vw 6033 "$1.dsl" >"$1.log" 2>&1) ||
		fail "iasl $1.dsl: $(cat "$work/rt/$1.log")"
	grep -q '0 Errors, 0 Warnings' "$work/rt/$1.log" || fail "iasl $1.dsl: $(cat "$work/rt/$1.log")"
	diff=$(cmp -l "$work/rt/$1.aml" "$work/$1.dat" 2>&1 | awk '$1 != 10 && ($1 < 29 || $1 > 36)')
	[ -z "$diff" ] || fail "$1: iasl's bytes differ from the worker's: $diff"
}

expect() { # file, fixed string
	grep -qF -- "$2" "$work/$1" || fail "$1 lacks: $2"
}

"$dump" "$work" 4 || fail "acpi_dump failed"
for t in xsdt facp apic dsdt; do
	disassemble $t
	roundtrip $t
done

expect dsdt.dsl 'Device (VMBS)'
expect dsdt.dsl 'Name (_HID, "VMBUS")'
expect dsdt.dsl 'Device (COM1)'
expect dsdt.dsl 'Name (_HID, EisaId ("PNP0501")'
expect dsdt.dsl '0x03F8,             // Range Minimum'
expect dsdt.dsl 'IRQNoFlags ()'
expect dsdt.dsl '{4}'
expect dsdt.dsl 'Name (\_S5, Package (0x04)'
expect facp.dsl 'Hardware Reduced (V5) : 1'
expect facp.dsl '8042 Present on ports 60/64 (V2) : 0'
expect facp.dsl 'Address : 0000000000000604'
expect apic.dsl 'Local Apic Address : FEE00000'
expect apic.dsl 'Subtable Type : 01 [I/O APIC]'
expect apic.dsl 'Address : FEC00000'
[ "$(grep -c 'Subtable Type : 09 \[Processor Local x2APIC\]' "$work/apic.dsl")" = 4 ] ||
	fail "apic.dsl: not 4 x2APIC entries"

# RSDP: iasl's own encoding of the same fields.
xsdt=$(od -An -tx8 -j24 -N8 "$work/rsdp.dat" | tr -d ' ')
cat >"$work/rsdp.asl" <<ASL
[0008]                          Signature : "RSD PTR "
[0001]                           Checksum : 00
[0006]                             Oem ID : "HV    "
[0001]                           Revision : 02
[0004]                       RSDT Address : 00000000
[0004]                             Length : 00000024
[0008]                       XSDT Address : $xsdt
[0001]                  Extended Checksum : 00
[0003]                           Reserved : 000000
ASL
(cd "$work" && iasl rsdp.asl >rsdp.log 2>&1) || fail "iasl rsdp.asl: $(cat "$work/rsdp.log")"
cmp "$work/rsdp.aml" "$work/rsdp.dat" || fail "rsdp: iasl's bytes differ from the worker's"

echo "PASS: iasl disassembles XSDT, FADT, MADT and DSDT cleanly and rebuilds them and the RSDP byte for byte"
