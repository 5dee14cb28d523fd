# SPDX-License-Identifier: MIT
# Shared by the scenarios that use the management plane (sourced, not a scenario set).
#   vmms_start          starts vmms with its default paths, waits for its socket; sets vmms_pid
#   demo_vm_files DIR   makes DIR with the demo VM's files (the test guest image, a 1 MiB
#                       disk, demo.json as in docs/hvctl.md) and cd's into it

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
