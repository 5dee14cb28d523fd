# SPDX-License-Identifier: MIT
# Shared by the scenarios that use the management plane (sourced, not a scenario set).
#   vmms_start          starts vmms with its default paths, waits for its socket; sets vmms_pid
#   demo_vm_files DIR   makes DIR with the demo VM's files (the test guest image, a 1 MiB
#                       disk, demo.json as in docs/hvctl.md) and cd's into it
#   linux_vm_files DIR [NAME] [RUN] [DISK_MIB] [ARGS]
#                       makes DIR with NAME.json (default linux1) booting the Linux test child
#                       (/guests/linux/, docs/linux-child.md "The test child image") with
#                       child.run=RUN (default idle) and ARGS appended to its command line,
#                       256 MiB of RAM, one sparse disk NAME-disk0.img of DISK_MIB (default 64);
#                       cd's into DIR

vmms_start() {
  vmms >/tmp/vmms.out 2>&1 &
  vmms_pid=$!
  _i=0
  # The socket file exists from bind(), before listen(): wait until a client gets through.
  while [ ! -S /run/hv/vmms.sock ] || hvctl list 2>&1 >/dev/null | grep -q "cannot reach vmms"; do
    _i=$((_i + 1))
    if [ $_i -ge 100 ]; then
      echo "vmms did not open /run/hv/vmms.sock: $(cat /tmp/vmms.out)"; return 1
    fi
    sleep 0.1
  done
}

demo_vm_files() {
  mkdir -p "$1" && cd "$1" || return 1
  cp /usr/share/hv/testguest.elf guest.elf || return 1
  dd if=/dev/zero of=disk0.img bs=1024 count=1024 2>/dev/null
  cat > demo.json <<'JSON'
{
  "name": "demo",
  "memory_mib": 64,
  "vps": 1,
  "boot": { "guest": "guest.elf", "cmdline": "check=spin" },
  "disks": [ { "path": "disk0.img", "readonly": false } ],
  "console": "log"
}
JSON
}

linux_vm_files() {
  _name=${2:-linux1} _run=${3:-idle} _mib=${4:-64} _args=${5:+ $5}
  mkdir -p "$1" && cd "$1" || return 1
  [ -f /guests/linux/vmlinuz ] && [ -f /guests/linux/initrd.img ] ||
    { echo "the Linux test child's image is not in /guests/linux"; return 1; }
  rm -f "$_name-disk0.img"
  dd if=/dev/zero of="$_name-disk0.img" bs=1048576 count=0 seek="$_mib" 2>/dev/null || return 1
  cat > "$_name.json" <<JSON
{
  "name": "$_name",
  "memory_mib": 256,
  "vps": 1,
  "boot": { "kernel": "/guests/linux/vmlinuz", "initrd": "/guests/linux/initrd.img",
            "cmdline": "console=ttyS0 rdinit=/init earlycon=uart8250,io,0x3f8 pci=off no5lvl nokaslr panic=-1 child.run=$_run$_args" },
  "disks": [ { "path": "$_name-disk0.img", "readonly": false } ],
  "console": "log"
}
JSON
}
