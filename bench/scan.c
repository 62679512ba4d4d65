/*
 * scan.c - the connect sweep of the scan engine beside the kernel's floor.
 *
 * Sweeps 127.0.16.0/20 x the engine's 27 default TCP ports (110,592 probes,
 * nothing listening unless bench/scan.sh started its listeners) twice, best
 * of RUNS (3): through kc_scan_ports (KC_SCAN_CONNECT_ONLY, per-IP limits
 * lifted) and as a bare loop of non-blocking connect + SO_ERROR + reset on
 * one socket, which is about the least a connect() sweep can cost the
 * kernel. The two must find the same number of open ports. The ratio is
 * the engine's own overhead; bench/scan.sh compares with nmap.
 *
 *   make O=build build/bench/scan && build/bench/scan [RUNS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "scan/engine.h"

#define NADDR 4096u

static size_t bare_loop(const uint16_t *ports, size_t np)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	size_t open = 0;

	for (uint32_t i = 0; i < NADDR; i++)
		for (size_t p = 0; p < np; p++) {
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(ports[p])};
			struct sockaddr un = {.sa_family = AF_UNSPEC};
			int err = 0;
			socklen_t l = sizeof(err);

			sa.sin_addr.s_addr = htonl(0x7f001000u + i);
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
				open++;
				close(fd);
				fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
				continue;
			}
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
			if (err == 0) { /* still connecting: count it open if it gets there */
				fd_set w;
				struct timeval tv = {2, 0};

				FD_ZERO(&w);
				FD_SET(fd, &w);
				if (select(fd + 1, NULL, &w, NULL, &tv) == 1) {
					getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
					open += err == 0;
				}
				close(fd);
				fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
				continue;
			}
			connect(fd, &un, sizeof(un));
		}
	close(fd);
	return open;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 3;
	struct kc_scan_opts o;
	struct kc_scan_target *t = calloc(NADDR, sizeof(*t));
	uint16_t ports[64];
	size_t np = 0, open_e = 0, open_b = 0;
	double best_e = 1e9, best_b = 1e9;
	kc_err err;

	if (!t)
		return 1;
	for (size_t i = 0; i < kc_scan_default_nports; i++)
		if (kc_scan_default_ports[i] != 47808)
			ports[np++] = kc_scan_default_ports[i];
	for (uint32_t i = 0; i < NADDR; i++) {
		struct in_addr a = {htonl(0x7f001000u + i)};

		inet_ntop(AF_INET, &a, t[i].ip, sizeof(t[i].ip));
	}
	kc_scan_opts_default(&o);
	o.retries = 0;
	o.timeout_ms = 2000;
	for (int r = 0; r < runs; r++) {
		struct kc_port_result *res = NULL;
		size_t n = 0;
		double t0 = now(), t1, t2;

		if (kc_scan_ports(&o, t, NADDR, ports, np, KC_SCAN_CONNECT_ONLY | KC_SCAN_NO_PER_IP_LIMIT,
		                  NULL, &res, &n, &err)) {
			fprintf(stderr, "bench/scan: %s\n", err.msg);
			return 1;
		}
		t1 = now();
		open_b = bare_loop(ports, np);
		t2 = now();
		free(res);
		open_e = n;
		if (t1 - t0 < best_e)
			best_e = t1 - t0;
		if (t2 - t1 < best_b)
			best_b = t2 - t1;
	}
	printf("bench/scan: connect sweep 127.0.16.0/20 x %zu TCP ports = %zu probes, best of %d\n", np,
	       (size_t)NADDR * np, runs);
	printf("  engine   kc_scan_ports connect-only  %6.3f s  %8.0f probes/s  %zu open\n", best_e,
	       (double)NADDR * (double)np / best_e, open_e);
	printf("  floor    bare connect loop           %6.3f s  %8.0f probes/s  %zu open\n", best_b,
	       (double)NADDR * (double)np / best_b, open_b);
	printf("  engine / floor %.2fx%s\n", best_e / best_b,
	       open_e == open_b ? "; same open ports" : "; OPEN PORTS DIFFER");
	free(t);
	return open_e == open_b ? 0 : 1;
}
