/* SPDX-License-Identifier: MIT */
/* VP 0's 64-bit start state (boot_regs.h). */
#include "boot_regs.h"

#include "hv/abi.h"

/* A segment register's value as hv/abi.h packs it: selector, attributes, limit. */
static uint64_t seg(uint16_t sel, uint16_t attr, uint32_t limit)
{
	return sel | (uint64_t)attr << 16 | (uint64_t)limit << 32;
}

uint32_t boot_flat64_regs(const struct boot_flat64 *s, uint32_t *names, uint64_t *values)
{
	uint32_t k = 0;
#define SET(name, value) (names[k] = (name), values[k++] = (value))
	SET(HV_REG_CR0, s->cr0);
	SET(HV_REG_CR3, s->cr3);
	SET(HV_REG_CR4, s->cr4);
	SET(HV_REG_EFER, s->efer);
	SET(HV_REG_RFLAGS, s->rflags);
	SET(HV_REG_CS, seg(s->sel_code, s->attr_code, 0xffffffff));
	for (uint32_t r = HV_REG_DS; r <= HV_REG_SS; r++)
		SET(r, seg(s->sel_data, s->attr_data, 0xffffffff));
	for (uint32_t r = HV_REG_CS_BASE; r <= HV_REG_SS_BASE; r++)
		SET(r, 0);
	SET(HV_REG_TR, seg(0, s->attr_tr, 0xffff));
	SET(HV_REG_GDTR_BASE, s->gdt_base);
	SET(HV_REG_GDTR_LIMIT, s->gdt_limit);
	SET(HV_REG_IDTR_BASE, 0);
	SET(HV_REG_IDTR_LIMIT, 0);
	SET(HV_REG_RSP, s->rsp);
	SET(s->arg_reg, s->arg);
	SET(HV_REG_RIP, s->rip);
#undef SET
	return k; /* BOOT_FLAT64_REGS */
}
