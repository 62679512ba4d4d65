/*
 * fuzz_banner.c - libFuzzer harness for banner parsing (src/scan/banner.c).
 *
 * The first byte picks the service, the rest is the banner. Invariants, each
 * checked with abort(): no crash and no read past the input (ASan sees the
 * exact buffer, not NUL-terminated); a recognised product has a CPE 2.3 name
 * that starts "cpe:2.3:a:", has exactly 12 unescaped colons-separated fields,
 * and parses with src/vuln's kc_cpe_parse in its canonical form (so organisation
 * products and NVD criteria compare alike), a confidence of 30 or 80 and NUL-terminated printable names; a refusal
 * leaves the product cleared; the excerpt is printable, terminated and
 * within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/banner.h"
#include "vuln/cpe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const services[] = {"ssh",   "ftp",   "smtp",      "imap",          "pop3", "http",
                                       "mysql", "redis", "memcached", "elasticsearch", "none"};

static void check_terminated(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_product p;
	char ex[64];
	const char *svc;
	char *copy;
	size_t got;

	if (size == 0)
		return 0;
	svc = services[data[0] % (sizeof(services) / sizeof(services[0]))];
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (kc_banner_product(svc, copy, size - 1, &p)) {
		int fields = 1;

		check_terminated(p.cpe, sizeof(p.cpe));
		check_terminated(p.name, sizeof(p.name));
		check_terminated(p.version, sizeof(p.version));
		check_terminated(p.patch, sizeof(p.patch));
		if (strncmp(p.cpe, "cpe:2.3:a:", 10) != 0)
			abort();
		for (const char *c = p.cpe; *c; c++) {
			if (*c == '\\' && c[1]) {
				c++;
				continue;
			}
			if (*c == ':')
				fields++;
		}
		if (fields != 13)
			abort();
		{
			char *canon = NULL;

			if (kc_cpe_canonical(p.cpe, &canon, NULL) != 0 || strcmp(canon, p.cpe) != 0)
				abort();
			free(canon);
		}
		if (p.confidence != 30 && p.confidence != 80)
			abort();
		for (const char *c = p.name; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
				abort();
	} else {
		if (p.cpe[0] || p.name[0] || p.confidence)
			abort();
	}
	got = kc_banner_excerpt(copy, size - 1, ex, sizeof(ex));
	check_terminated(ex, sizeof(ex));
	if (got > size - 1)
		abort();
	for (const char *c = ex; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			abort();
	free(copy);
	return 0;
}
