# SPDX-License-Identifier: MIT
# The root cannot use SVM: EFER.SVME reads 0 and cannot be set, VM_CR says SVM is disabled
# and locked and refuses writes, VM_HSAVE_PA refuses writes, TSC_RATIO does not exist, SMM
# MSRs cannot be written; every SVM instruction raises #UD.
modprobe msr || { echo "modprobe msr failed"; exit 1; }
efer=$(hvmsr read 0xc0000080) || { echo "rdmsr EFER failed"; exit 1; }
[ $(( efer & 0x1000 )) -eq 0 ] || { echo "EFER $efer shows SVME"; exit 1; }
if hvmsr write 0xc0000080 $(( efer | 0x1000 )); then echo "EFER.SVME write was accepted"; exit 1; fi
efer2=$(hvmsr read 0xc0000080)
[ "$efer2" = "$efer" ] || { echo "EFER changed from $efer to $efer2"; exit 1; }
hvmsr write 0xc0000080 $efer || { echo "rewriting EFER unchanged was refused"; exit 1; }
vmcr=$(hvmsr read 0xc0010114) || { echo "rdmsr VM_CR failed"; exit 1; }
[ $(( vmcr & 0x18 )) -eq $(( 0x18 )) ] || { echo "VM_CR $vmcr lacks SVMDIS|LOCK"; exit 1; }
if hvmsr write 0xc0010114 0; then echo "VM_CR write was accepted"; exit 1; fi
if hvmsr write 0xc0010117 0x100000; then echo "VM_HSAVE_PA write was accepted"; exit 1; fi
if hvmsr read 0xc0000104; then echo "TSC_RATIO (an SVM feature) is readable"; exit 1; fi
smm=$(hvmsr read 0xc0010113) || { echo "reading SMM_MASK refused"; exit 1; }
if hvmsr write 0xc0010113 $smm; then echo "SMM_MASK write was accepted"; exit 1; fi
modprobe hvcheck || { echo "modprobe hvcheck failed: $(dmesg | grep hvcheck | tail -n 1)"; exit 1; }
out=$(cat /sys/kernel/debug/hvcheck/svm_insn) || { echo "reading svm_insn failed"; exit 1; }
echo "$out" | tr '\n' ' '; echo
for i in vmrun vmload vmsave stgi clgi skinit invlpga; do
  echo "$out" | grep -qx "$i 6" || { echo "$i did not raise #UD: $(echo "$out" | grep "^$i")"; exit 1; }
done
echo "EFER $efer, VM_CR $vmcr: SVM hidden and refused; 7 SVM instructions raise #UD"
