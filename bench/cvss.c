/*
 * bench/cvss.c - vectors/s of kc_cvss_parse + kc_cvss_compute, v3.1 and v4.0,
 * beside a baseline in the same run: splitting the same strings on '/' and ':'
 * (what any parser must at least do). The vuln import scores the vectors of
 * every NVD record, so this tells what CVSS costs per 100,000 CVEs.
 *
 * Vectors are random but deterministic (bench.h seed): base metrics always, each
 * optional metric with probability 1/3, in the specification's order.
 *
 *   make build/bench/cvss && build/bench/cvss [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"
#include "base/kc.h"
#include "bench.h"

#define PASSES 5

struct m {
	const char *name, *values;
	int base;
};

static const struct m v31[] = {
	{ "AV", "NALP", 1 }, { "AC", "LH", 1 },	 { "PR", "NLH", 1 },	{ "UI", "NR", 1 },   { "S", "UC", 1 },
	{ "C", "HLN", 1 },   { "I", "HLN", 1 },	 { "A", "HLN", 1 },	{ "E", "XUPFH", 0 }, { "RL", "XOTWU", 0 },
	{ "RC", "XURC", 0 }, { "CR", "XLMH", 0 }, { "IR", "XLMH", 0 },	{ "AR", "XLMH", 0 }, { "MAV", "XNALP", 0 },
	{ "MAC", "XLH", 0 }, { "MPR", "XNLH", 0 }, { "MUI", "XNR", 0 },	{ "MS", "XUC", 0 },  { "MC", "XNLH", 0 },
	{ "MI", "XNLH", 0 }, { "MA", "XNLH", 0 },
};

static const struct m v40[] = {
	{ "AV", "NALP", 1 },  { "AC", "LH", 1 },    { "AT", "NP", 1 },	   { "PR", "NLH", 1 },	  { "UI", "NPA", 1 },
	{ "VC", "HLN", 1 },   { "VI", "HLN", 1 },   { "VA", "HLN", 1 },	   { "SC", "HLN", 1 },	  { "SI", "HLN", 1 },
	{ "SA", "HLN", 1 },   { "E", "XAPU", 0 },   { "CR", "XHML", 0 },   { "IR", "XHML", 0 },	  { "AR", "XHML", 0 },
	{ "MAV", "XNALP", 0 }, { "MAC", "XLH", 0 },  { "MAT", "XNP", 0 },  { "MPR", "XNLH", 0 },  { "MUI", "XNPA", 0 },
	{ "MVC", "XHLN", 0 }, { "MVI", "XHLN", 0 }, { "MVA", "XHLN", 0 },  { "MSC", "XHLN", 0 },  { "MSI", "XSHLN", 0 },
	{ "MSA", "XSHLN", 0 }, { "S", "XNP", 0 },    { "AU", "XNY", 0 },	   { "R", "XAUI", 0 },	  { "V", "XDC", 0 },
	{ "RE", "XLMH", 0 },
};

static void make_vector(char *out, size_t n, const char *prefix, const struct m *ms, size_t count)
{
	size_t used = (size_t)snprintf(out, n, "%s", prefix);

	for (size_t i = 0; i < count; i++) {
		if (!ms[i].base && next() % 3)
			continue;
		used += (size_t)snprintf(out + used, n - used, "/%s:%c", ms[i].name,
					 ms[i].values[next() % strlen(ms[i].values)]);
	}
}

static void run(const char *label, char **vec, size_t count)
{
	double best = 1e9, base_best = 1e9;
	long sum = 0, split = 0;

	for (int pass = 0; pass < PASSES; pass++) {
		double t0 = now();

		for (size_t i = 0; i < count; i++) {
			struct kc_cvss v;
			struct kc_cvss_scores s;

			if (kc_cvss_parse(vec[i], &v, NULL)) {
				fprintf(stderr, "bench: %s does not parse\n", vec[i]);
				exit(1);
			}
			kc_cvss_compute(&v, &s);
			sum += s.score10;
		}
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
		t0 = now();
		for (size_t i = 0; i < count; i++)
			for (const char *p = vec[i]; *p; p++)
				split += *p == '/' || *p == ':';
		t0 = now() - t0;
		if (t0 < base_best)
			base_best = t0;
	}
	printf("%s: %zu vectors: parse+score %.0f vectors/s (%.2f us each); baseline split %.0f vectors/s "
	       "[checksum %ld %ld]\n",
	       label, count, count / best, best * 1e6 / count, count / base_best, sum, split);
}

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	char **a = calloc(count, sizeof(*a)), **b = calloc(count, sizeof(*b));

	if (!a || !b || !count)
		return 1;
	for (size_t i = 0; i < count; i++) {
		a[i] = malloc(KC_CVSS_MAX_LEN);
		b[i] = malloc(KC_CVSS_MAX_LEN);
		if (!a[i] || !b[i])
			return 1;
		make_vector(a[i], KC_CVSS_MAX_LEN, "CVSS:3.1", v31, KC_ARRAY_LEN(v31));
		make_vector(b[i], KC_CVSS_MAX_LEN, "CVSS:4.0", v40, KC_ARRAY_LEN(v40));
	}
	run("v3.1", a, count);
	run("v4.0", b, count);
	for (size_t i = 0; i < count; i++) {
		free(a[i]);
		free(b[i]);
	}
	free(a);
	free(b);
	return 0;
}
