/* SPDX-License-Identifier: MIT */
/* The hypervisor's own serial port: a 16550 on x86 I/O ports, polled, output only. Its ports
 * are intercepted for the root (exits.c shows the root a quiet UART there). */
#include "core.h"
#include "x86.h"

static u16 uart_port;

void arch_console_init(u16 port)
{
	uart_port = port;
	outb(port + 1, 0x00); /* no interrupts */
	outb(port + 3, 0x80); /* DLAB */
	outb(port + 0, 0x01); /* 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03); /* 8N1 */
	outb(port + 2, 0xc7); /* FIFO on, cleared */
	outb(port + 4, 0x03); /* DTR, RTS */
}

void arch_console_putc(char c)
{
	if (!uart_port)
		return;
	for (int spin = 0; spin < 100000; spin++)
		if (inb(uart_port + 5) & 0x20) /* LSR: transmit holding register empty */
			break;
	outb(uart_port, (u8)c);
}
