/* SPDX-License-Identifier: MIT */
/*
 * hvboot: boot time of the root partition with and without hv.efi, measured in the same run.
 * Each round boots the same kernel and initramfs three times through tests/qemu/run-qemu.sh,
 * in an order that rotates every round:
 *   anchor  hvloader.efi from the ESP with `hypervisor = none` (the same firmware path, disk
 *           and loader as hv, only hv.efi missing)
 *   hv      hvloader.efi + hv.efi
 *   direct  OVMF -> Linux from fw_cfg (-kernel), for reference
 * Two figures per boot: QEMU's wall time (firmware + hypervisor + kernel + the short hvboot
 * scenario + power-off) and the kernel's own uptime when the scenario runs. Prints every
 * round, the medians, the ratios hv/anchor (the hypervisor's cost) and hv/direct, and, from
 * the statistics hypercall, the exits of one boot by reason. Never judges the numbers.
 *   hvboot --runqemu PATH --build DIR [--rounds N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_ROUNDS  15
#define MAX_REASONS 16

struct boot {
	double wall, kernel;
	int nreasons;
	char reason[MAX_REASONS][32];
	unsigned long long count[MAX_REASONS];
	unsigned long long total;
};

static const char *runqemu, *build;

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum {
	DIRECT,
	ANCHOR,
	HV,
	MODES
};
static const char *const mode_name[MODES] = { "direct", "anchor", "hv" };
static const char *const mode_args[MODES] = {
	"--boot direct",
	"--boot hvloader --hvcfg hypervisor=none",
	"--boot hvloader",
};

static int run_boot(int mode, int round, struct boot *b)
{
	char name[64], cmd[4096], path[4096], line[512];
	snprintf(name, sizeof(name), "hvboot-%s-%d", mode_name[mode], round);
	snprintf(cmd, sizeof(cmd),
		 "%s --build %s --name %s --set hvboot %s --timeout 300 "
		 ">/dev/null 2>&1",
		 runqemu, build, name, mode_args[mode]);
	int rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
		fprintf(stderr, "hvboot: %s boot failed; see %s/qemu/artifacts/%s\n",
			mode_name[mode], build, name);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/qemu/artifacts/%s/seconds", build, name);
	FILE *f = fopen(path, "r");
	if (!f || fscanf(f, "%lf", &b->wall) != 1) {
		fprintf(stderr, "hvboot: cannot read %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/qemu/artifacts/%s/serial-root.log", build, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hvboot: cannot read %s\n", path);
		return -1;
	}
	b->kernel = -1;
	b->nreasons = 0;
	b->total = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "hvboot: ");
		if (!p)
			continue;
		p += 8;
		char key[32];
		unsigned long long n;
		double up;
		if (sscanf(p, "uptime %lf", &up) == 1)
			b->kernel = up;
		else if (sscanf(p, "total_exits %llu", &n) == 1)
			b->total = n;
		else if (sscanf(p, "exit.%31s %llu", key, &n) == 2 && b->nreasons < MAX_REASONS) {
			snprintf(b->reason[b->nreasons], sizeof(b->reason[0]), "%s", key);
			b->count[b->nreasons++] = n;
		}
	}
	fclose(f);
	if (b->kernel < 0) {
		fprintf(stderr, "hvboot: no 'hvboot: uptime' line in %s\n", path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runqemu") && i + 1 < argc)
			runqemu = argv[++i];
		else if (!strcmp(argv[i], "--build") && i + 1 < argc)
			build = argv[++i];
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: hvboot --runqemu PATH --build DIR [--rounds N]\n");
			return 2;
		}
	}
	if (!runqemu || !build || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: hvboot --runqemu PATH --build DIR [--rounds 1..%d]\n",
			MAX_ROUNDS);
		return 2;
	}
	static struct boot b[MODES][MAX_ROUNDS];
	double wall[MODES][MAX_ROUNDS], kern[MODES][MAX_ROUNDS], mw[MODES], mk[MODES];
	printf("hvboot: %d rounds of three boots (anchor = hvloader without hv.efi, hv = with it, "
	       "direct = OVMF -> Linux), order rotating\n",
	       rounds);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < MODES; k++) {
			int m = (r + k) % MODES;
			if (run_boot(m, r, &b[m][r]) < 0)
				return 1;
			wall[m][r] = b[m][r].wall;
			kern[m][r] = b[m][r].kernel;
		}
		printf("round %d:", r + 1);
		for (int m = 0; m < MODES; m++)
			printf(" %s wall %.1f s kernel %.2f s%s", mode_name[m], wall[m][r],
			       kern[m][r], m + 1 < MODES ? " |" : "");
		printf(", hv: %llu exits\n", b[HV][r].total);
		fflush(stdout);
	}
	for (int m = 0; m < MODES; m++) {
		mw[m] = median(wall[m], rounds);
		mk[m] = median(kern[m], rounds);
	}
	printf("median wall (QEMU start to power-off): anchor %.2f s, hv %.2f s, ratio %.3f; "
	       "direct %.2f s, hv/direct %.3f\n",
	       mw[ANCHOR], mw[HV], mw[HV] / mw[ANCHOR], mw[DIRECT], mw[HV] / mw[DIRECT]);
	printf("median kernel (uptime at the root's init scenario): anchor %.2f s, hv %.2f s, "
	       "ratio %.3f; direct %.2f s\n",
	       mk[ANCHOR], mk[HV], mk[HV] / mk[ANCHOR], mk[DIRECT]);
	const struct boot *last = &b[HV][rounds - 1];
	printf("exits per boot: total %llu (firmware from the take-over, loader, kernel, "
	       "scenario; last round)\n",
	       last->total);
	for (int i = 0; i < last->nreasons; i++)
		if (last->count[i])
			printf("  %-10s %llu\n", last->reason[i], last->count[i]);
	return 0;
}
