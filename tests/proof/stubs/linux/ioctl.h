/* SPDX-License-Identifier: MIT */
/* <linux/ioctl.h> as vid.h needs it outside the kernel: the x86 encoding of ioctl numbers
 * (asm-generic/ioctl.h), which the analysed checks never use but vid.h defines with. */
#ifndef PROOF_LINUX_IOCTL_H
#define PROOF_LINUX_IOCTL_H
#define _IOC(dir, type, nr, size) \
	(((dir) << 30) | ((type) << 8) | (nr) | ((unsigned long)(size) << 16))
#define _IO(type, nr)		  _IOC(0u, (type), (nr), 0)
#define _IOR(type, nr, t)	  _IOC(2u, (type), (nr), sizeof(t))
#define _IOW(type, nr, t)	  _IOC(1u, (type), (nr), sizeof(t))
#define _IOWR(type, nr, t)	  _IOC(3u, (type), (nr), sizeof(t))
#endif
