/* SPDX-License-Identifier: MIT */
/* PCI configuration space, which decides where devices decode memory and so belongs to the
 * hypervisor: the hypervisor's own config accesses (configuration mechanism #1 at 0xCF8/0xCFC,
 * which it never shares with the root), and the root's use of that mechanism, emulated: the
 * root's CONFIG_ADDRESS (a 32-bit access to 0xCF8) lives in a shadow, and each CONFIG_DATA
 * access (0xCFC-0xCFF) is replayed on the hardware with that address, writes only when
 * pci_filter_write() allows them. Byte and word accesses to 0xCF8-0xCFB are not config
 * accesses (0xCF9 is the reset control register) and reach the hardware.
 *
 * The shadow is the chipset's single CONFIG_ADDRESS register, shared by all CPUs as on
 * hardware (the root serialises its address/data pairs itself). Bits 27:24 (AMD's extended
 * register number) are cleared on the way to the hardware: an Intel chipset ignores them, and
 * the filter must see the register the hardware will write. */
#include "svm.h"
#include "x86.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	   0xcfc
#define CF8_ENABLE	   (1u << 31)
#define CF8_ADDR_BITS	   0x80fffffcu /* enable, bus, device, function, dword register */

static u32 root_cf8;

static u32 port_read(u16 port, u8 size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_write(u16 port, u8 size, u32 val)
{
	if (size == 1)
		outb(port, (u8)val);
	else if (size == 2)
		outw(port, (u16)val);
	else
		outl(port, val);
}

static void select_reg(u16 bdf, u16 reg)
{
	outl(PCI_CONFIG_ADDRESS, CF8_ENABLE | (u32)bdf << 8 | (reg & 0xfc));
}

u32 pci_cfg_read(u16 bdf, u16 reg, u8 size)
{
	select_reg(bdf, reg);
	return port_read((u16)(PCI_CONFIG_DATA + (reg & 3)), size);
}

void pci_cfg_write(u16 bdf, u16 reg, u8 size, u32 val)
{
	select_reg(bdf, reg);
	port_write((u16)(PCI_CONFIG_DATA + (reg & 3)), size, val);
}

/* The ECAM window, from the Q35 MCH's PCIEXBAR (held at this value by the filter): base in
 * bits 35:26, enable in bit 0, size in bits 2:1 (256, 128 or 64 MiB). Other chipsets: none
 * known here (reading ACPI's MCFG is later work; docs/hypervisor.md, Limits). */
#define Q35_MCH_ID_DWORD 0x29c08086u
#define Q35_PCIEXBAR	 0x60

void pci_find_ecam(void)
{
	if (pci_cfg_read(0, 0, 4) != Q35_MCH_ID_DWORD)
		return;
	u64 bar = pci_cfg_read(0, Q35_PCIEXBAR, 4) | (u64)pci_cfg_read(0, Q35_PCIEXBAR + 4, 4)
							     << 32;
	if (!(bar & 1))
		return;
	u32 len = (bar >> 1) & 3;
	arch.ecam_size = len == 0 ? 256ull << 20 : len == 1 ? 128ull << 20 : 64ull << 20;
	arch.ecam_base = bar & 0x0000000ffc000000ull & ~(arch.ecam_size - 1);
	hv_log("PCI ECAM window %lx-%lx (Q35 PCIEXBAR): read-only for the root", arch.ecam_base,
	       arch.ecam_base + arch.ecam_size - 1);
}

void pci_init(void)
{
	root_cf8 = inl(PCI_CONFIG_ADDRESS) & CF8_ADDR_BITS;
	for (u16 p = PCI_CONFIG_ADDRESS; p < PCI_CONFIG_DATA + 4; p++)
		iopm_intercept(p);
}

bool pci_port_io(struct io_access *io)
{
	if (io->port == PCI_CONFIG_ADDRESS && io->size == 4) {
		if (io->in)
			io->value = root_cf8;
		else
			root_cf8 = io->value & CF8_ADDR_BITS;
		return true;
	}
	if (io->port < PCI_CONFIG_ADDRESS || (u32)io->port + io->size > PCI_CONFIG_DATA + 4u)
		return false; /* running into or past the two registers: split byte by byte */
	if (io->port < PCI_CONFIG_DATA) {
		/* Bytes and words at 0xCF8-0xCFB are not CONFIG_ADDRESS (Linux's type-1 probe
		 * writes 0xCFB; 0xCF9 resets the machine): the hardware's. */
		if (io->in)
			io->value = port_read(io->port, io->size);
		else
			port_write(io->port, io->size, io->value);
		return true;
	}
	u16 bdf = (u16)(root_cf8 >> 8);
	u16 reg = (u16)((root_cf8 & 0xfc) | (io->port & 3));
	if (!io->in && (root_cf8 & CF8_ENABLE) && !pci_filter_write(bdf, reg, io->size, io->value))
		return true; /* dropped, as a locked register drops it */
	/* With the enable bit clear the data port is plain I/O: replayed as it is. */
	outl(PCI_CONFIG_ADDRESS, root_cf8);
	if (io->in)
		io->value = port_read(io->port, io->size);
	else
		port_write(io->port, io->size, io->value);
	return true;
}
