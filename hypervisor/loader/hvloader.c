/* SPDX-License-Identifier: MIT */
/* hvloader.efi: reads \hv.cfg from its own volume, starts the hypervisor (hv.efi), then
 * starts the kernel (any EFI image; Linux through its EFI stub) with the configured command
 * line in LoadOptions. When the hypervisor refuses, it prints why and, per on_failure,
 * boots the kernel without it (marked loudly, and `hvloader.hv=off` on the command line)
 * or powers the machine off. `hypervisor = none` skips it on purpose (benchmark anchor). */
#include <efi.h>
#include <efilib.h>
#include "cfg.h"

static EFI_HANDLE self;
static EFI_HANDLE device;

static CHAR16 *to_ucs2(const char *s)
{
	UINTN n = strlena((const CHAR8 *)s);
	CHAR16 *w = AllocatePool((n + 1) * sizeof(CHAR16));
	if (!w)
		return NULL;
	for (UINTN i = 0; i <= n; i++)
		w[i] = (CHAR16)(unsigned char)s[i];
	return w;
}

static EFI_STATUS read_file(const CHAR16 *path, char **out, UINTN *size)
{
	EFI_FILE_HANDLE root = LibOpenRoot(device), fh;
	if (!root)
		return EFI_NOT_FOUND;
	EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &fh, (CHAR16 *)(UINTN)path,
					  EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	EFI_FILE_INFO *info = LibFileInfo(fh);
	if (!info) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return EFI_DEVICE_ERROR;
	}
	UINTN n = info->FileSize;
	FreePool(info);
	char *buf = AllocatePool(n + 1);
	if (!buf) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return EFI_OUT_OF_RESOURCES;
	}
	st = uefi_call_wrapper(fh->Read, 3, fh, &n, buf);
	uefi_call_wrapper(fh->Close, 1, fh);
	if (EFI_ERROR(st)) {
		FreePool(buf);
		return st;
	}
	buf[n] = 0;
	*out = buf;
	*size = n;
	return EFI_SUCCESS;
}

static EFI_STATUS load(const char *path, const char *options, EFI_HANDLE *h)
{
	CHAR16 *wpath = to_ucs2(path);
	if (!wpath)
		return EFI_OUT_OF_RESOURCES;
	EFI_DEVICE_PATH *dp = FileDevicePath(device, wpath);
	EFI_STATUS st = dp ? uefi_call_wrapper(BS->LoadImage, 6, FALSE, self, dp, NULL, 0, h)
			   : EFI_OUT_OF_RESOURCES;
	FreePool(wpath);
	if (dp)
		FreePool(dp);
	if (EFI_ERROR(st))
		return st;
	EFI_LOADED_IMAGE *li;
	CHAR16 *wopt = NULL;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, *h, &LoadedImageProtocol, (void **)&li);
	if (!EFI_ERROR(st) && !(wopt = to_ucs2(options)))
		st = EFI_OUT_OF_RESOURCES;
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->UnloadImage, 1, *h); /* nothing half-loaded stays behind */
		return st;
	}
	li->LoadOptions = wopt;
	li->LoadOptionsSize = (UINT32)((StrLen(wopt) + 1) * sizeof(CHAR16));
	return EFI_SUCCESS;
}

static void stop_machine(void)
{
	Print(L"hvloader: on_failure = stop: powering off\n");
	uefi_call_wrapper(BS->Stall, 1, 1000000);
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_ABORTED, 0, NULL);
	for (;;)
		uefi_call_wrapper(BS->Stall, 1, 1000000);
}

/* Returns TRUE when the hypervisor runs. */
static BOOLEAN start_hypervisor(const struct hv_cfg *cfg)
{
	static char opts[64];
	EFI_HANDLE h;
	{
		const char *hex = "0123456789abcdef";
		char *p = opts;
		const char *pre = "log_port=";
		while (*pre)
			*p++ = *pre++;
		if (cfg->log_port) {
			*p++ = '0';
			*p++ = 'x';
			for (int sh = 12; sh >= 0; sh -= 4)
				if ((cfg->log_port >> sh) || !sh)
					*p++ = hex[(cfg->log_port >> sh) & 15];
		} else {
			const char *none = "none";
			while (*none)
				*p++ = *none++;
		}
		if (cfg->on_panic == HV_ON_PANIC_RESET) {
			const char *reset = " on_panic=reset";
			while (*reset)
				*p++ = *reset++;
		}
		if (cfg->on_root_triple_fault == HV_ON_ROOT_TRIPLE_FAULT_HALT) {
			const char *halt = " root_triple_fault=halt";
			while (*halt)
				*p++ = *halt++;
		}
		*p = 0;
	}
	Print(L"hvloader: starting the hypervisor %a (%a)\n", cfg->hypervisor, opts);
	EFI_STATUS st = load(cfg->hypervisor, opts, &h);
	if (EFI_ERROR(st)) {
		Print(L"hvloader: cannot load %a: %r\n", cfg->hypervisor, st);
		return FALSE;
	}
	UINTN exit_size = 0;
	CHAR16 *exit_data = NULL;
	st = uefi_call_wrapper(BS->StartImage, 3, h, &exit_size, &exit_data);
	if (EFI_ERROR(st)) {
		Print(L"hvloader: the hypervisor refused to start (%r): %s\n", st,
		      exit_data && exit_size >= 2 ? exit_data : L"no reason given");
		if (exit_data)
			FreePool(exit_data);
		return FALSE;
	}
	return TRUE;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	self = image;
	EFI_LOADED_IMAGE *li;
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	device = li->DeviceHandle;

	static struct hv_cfg cfg;
	char *text = NULL, err[64];
	UINTN size = 0;
	EFI_STATUS st = read_file(L"\\hv.cfg", &text, &size);
	if (EFI_ERROR(st)) {
		Print(L"hvloader: cannot read \\hv.cfg: %r\n", st);
		return st;
	}
	int bad = hv_cfg_parse(&cfg, text, size, err, sizeof(err));
	if (bad) {
		Print(L"hvloader: \\hv.cfg line %d: %a\n", bad, err);
		return EFI_INVALID_PARAMETER;
	}

	BOOLEAN none = !strcmpa((const CHAR8 *)cfg.hypervisor, (const CHAR8 *)"none");
	BOOLEAN running = !none && start_hypervisor(&cfg);
	if (none) {
		Print(L"hvloader: hypervisor = none: starting %a without a hypervisor\n",
		      cfg.kernel);
	} else if (!running) {
		if (cfg.on_failure == HV_ON_FAILURE_STOP)
			stop_machine();
		Print(L"hvloader: ************************************************************\n");
		Print(L"hvloader: *** on_failure = boot: starting %a WITHOUT the hypervisor ***\n",
		      cfg.kernel);
		Print(L"hvloader: ************************************************************\n");
	}

	/* LoadOptions as the UEFI shell passes them: image name, then the arguments. */
	static char opts[HV_CFG_CMDLINE_MAX + 2 * HV_CFG_PATH_MAX + 64];
	char *p = opts, *end = opts + sizeof(opts) - 1;
#define APPEND(s)                                   \
	for (const char *q_ = (s); *q_ && p < end;) \
	*p++ = *q_++
	APPEND(cfg.kernel);
	if (cfg.initrd[0]) {
		APPEND(" initrd=");
		APPEND(cfg.initrd);
	}
	if (cfg.cmdline[0]) {
		APPEND(" ");
		APPEND(cfg.cmdline);
	}
	if (!running)
		APPEND(" hvloader.hv=off");
#undef APPEND
	*p = 0;

	EFI_HANDLE kh;
	Print(L"hvloader: starting %a\n", opts);
	st = load(cfg.kernel, opts, &kh);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(BS->StartImage, 3, kh, NULL, NULL);
	Print(L"hvloader: %a did not start or returned: %r\n", cfg.kernel, st);
	return st;
}
