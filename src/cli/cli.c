/*
 * cli.c - the command table and what every verb shares: help, errors and exit
 * codes, opening the store, reading input files.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

const struct kc_cmd kc_commands[] = {
	{ "init", cmd_init, 0, N_("create or upgrade the store and load the municipalities"),
	  N_("usage: kcert [--db PATH] init\n\n"
	     "Creates the store (default var/kcert.db) if needed, applies every pending\n"
	     "migration and loads Norway's 15 counties and 357 municipalities (2024), KommuneCERT\n"
	     "and its national partners. Safe to run again: nothing changes the second time.\n") },
	{ "status", cmd_status, NEEDS_STORE | NEEDS_SCHEMA, N_("summarise what the store holds"),
	  N_("usage: kcert [--db PATH] status [--format table|csv|json]\n") },
	{ "db", cmd_db, 0, N_("schema migrations and store information"),
	  N_("usage: kcert [--db PATH] db migrate\n"
	     "       kcert [--db PATH] db version\n"
	     "       kcert db copy SRC DST\n\n"
	     "copy moves every row of the store SRC into the empty store DST (a SQLite file into\n"
	     "PostgreSQL: kcert db copy var/kcert.db postgresql://kcert@dbhost/kcert) and verifies\n"
	     "row counts and checksums of every table.\n") },
	{ "org", cmd_org, NEEDS_STORE | NEEDS_SCHEMA, N_("list, show, add and change organisations"),
	  N_("usage: kcert org list [--kind municipality|county|iks|cert|authority] [--county NAME]\n"
	     "                      [--search TEXT] [--inactive] [--limit N] [--offset N]\n"
	     "                      [--format table|csv|json]\n"
	     "       kcert org show ORG [--format table|csv|json]\n"
	     "       kcert org add --kind iks|cert|authority|municipality|county --name NAME\n"
	     "                     [--slug SLUG] [--code CODE] [--county COUNTY] [--lang nb|nn|en]\n"
	     "                     [--member] [--note TEXT] [--serves 3201,3203,...]\n"
	     "       kcert org set ORG [--name NAME] [--lang nb|nn|en] [--member yes|no]\n"
	     "                     [--active yes|no] [--note TEXT] [--notify immediate|daily|weekly]\n"
	     "       kcert org serve PROVIDER ORG...      kcert org unserve PROVIDER ORG...\n\n"
	     "ORG is a kommunenummer (0301), a fylkesnummer (46), a slug (bergen) or #ID.\n") },
	{ "contact", cmd_contact, NEEDS_STORE | NEEDS_SCHEMA, N_("the contacts of an organisation"),
	  N_("usage: kcert contact add ORG --name NAME --email ADDRESS [--phone N]\n"
	     "                        [--role security|it-operations|management|24x7|abuse|other]\n"
	     "                        [--lang nb|nn|en] [--pgp FINGERPRINT] [--notices all|none|LIST]\n"
	     "       kcert contact list [ORG] [--format table|csv|json]\n"
	     "       kcert contact rm ORG ADDRESS\n") },
	{ "asset", cmd_asset, NEEDS_STORE | NEEDS_SCHEMA, N_("the IP ranges, AS numbers, domains and hosts organisations own"),
	  N_("usage: kcert asset add ORG cidr|asn|domain|host|product VALUE [--note TEXT]\n"
	     "       kcert asset rm ORG cidr|asn|domain|host|product VALUE\n"
	     "       kcert asset list [ORG] [--kind KIND] [--format table|csv|json]\n"
	     "       kcert asset import [--skip-bad] FILE|-\n"
	     "       kcert asset export [--format csv|json|table]\n\n"
	     "A domain covers its subdomains; a host covers only itself. The same value cannot\n"
	     "belong to two organisations; a range inside another organisation's range is a\n"
	     "sub-allocation and wins for the addresses it covers. Import files are CSV with the\n"
	     "header org,kind,value[,note] (as export writes them) or JSON [{\"org\":..., \"kind\":...,\n"
	     "\"value\":..., \"note\":...}]. With a bad row nothing is imported unless --skip-bad.\n") },
	{ "whois", cmd_whois, NEEDS_STORE | NEEDS_SCHEMA, N_("which organisation owns an IP address, AS number or domain"),
	  N_("usage: kcert whois [--format table|csv|json] VALUE\n\n"
	     "VALUE is an IP address, an AS number (AS64500), a domain, a URL or an e-mail address.\n"
	     "The most specific registration wins. Exit status: 0 found, 1 no constituent owns it,\n"
	     "2 invalid input.\n") },
	{ "audit", cmd_audit, NEEDS_STORE | NEEDS_SCHEMA, N_("read and verify the audit log"),
	  N_("usage: kcert audit list [--limit N] [--offset N] [--format table|csv|json]\n"
	     "       kcert audit verify\n") },
	{ "ingest", cmd_ingest, NEEDS_STORE | NEEDS_SCHEMA, N_("read threat-feed reports into events"),
	  N_("usage: kcert ingest [--feed NAME] [--report TYPE] [--keep-unattributed] [--quarantine FILE] FILE...\n"
	     "       kcert ingest --format list --classification TAXONOMY/TYPE/IDENTIFIER [--feed NAME] FILE...\n"
	     "       kcert ingest --format stix|misp [--classification T/T/I] [--feed NAME] FILE...\n"
	     "       kcert ingest --format csv --mapping FILE [--classification T/T/I] [--feed NAME] FILE...\n\n"
	     "Reads Shadowserver CSV reports (the type from the file name, 2024-05-01-scan_rdp-norway-geo.csv\n"
	     "-> scan_rdp, or --report), attributes every line to the organisation that owns the address\n"
	     "or host name, merges repeats within 24 hours, and stores the events. Lines no constituent\n"
	     "owns are counted and dropped unless --keep-unattributed. Malformed lines go to the\n"
	     "quarantine file (default var/quarantine.tsv) with their line number and the reason, and the\n"
	     "exit status is 1; the rest is ingested. A file ingested before is skipped.\n"
	     "A list has one address, prefix, domain or URL a line (defanged forms accepted, # comments).\n"
	     "STIX 2.1 bundles: indicators whose patterns name addresses, domains or URLs, and observed\n"
	     "data; other patterns are counted as skipped. MISP events: ip-src, ip-dst, domain, hostname,\n"
	     "url and domain|ip attributes. The classification comes from the file unless\n"
	     "--classification, TLP from its markings or tags. Any other CSV: --mapping names its columns\n"
	     "(see docs/kcert-ingest.md). On a terminal, big files show their progress.\n") },
	{ "event", cmd_event, NEEDS_STORE | NEEDS_SCHEMA, N_("list stored events"),
	  N_("usage: kcert event list [--org ORG] [--type IDENTIFIER] [--since TIME] [--address A]\n"
	     "                        [--limit N] [--format table|csv|json]\n\n"
	     "CSV and JSON use IntelMQ's field names (source.ip, classification.identifier, ...).\n") },
	{ "case", cmd_case, NEEDS_STORE | NEEDS_SCHEMA, N_("incident reports and incidents"),
	  N_("usage: kcert case new --title T [--org ORG] [--description TEXT | --file F] [--incident]\n"
	     "                     [--severity lav|moderat|alvorlig|kritisk] [--tlp LABEL]\n"
	     "                     [--classification TAXONOMY/TYPE] [--reporter NAME] [--email ADDRESS]\n"
	     "                     [--systems TEXT] [--discovered TIME] [--personal-data yes|no|unknown]\n"
	     "                     [--services-down yes|no|unknown] [--reported-to TEXT]\n"
	     "       kcert case list [--queue open|mine|unassigned|overdue|closed|all] [--org ORG]\n"
	     "                       [--classification TAXONOMY] [--search TEXT] [--format table|csv|json]\n"
	     "       kcert case show N\n"
	     "       kcert case reply N [--to ADDRESS] [--file F | --text T]   (else standard input)\n"
	     "       kcert case note N [--file F | --text T]\n"
	     "       kcert case status N reported|triage|handling|recovery|closed|rejected [--lessons TEXT]\n"
	     "       kcert case assign N USER|-\n"
	     "       kcert case classify N [--classification T/T] [--severity S] [--tlp L] [--title T]\n"
	     "       kcert case org N ORG [--role affected|reporter|partner]\n"
	     "       kcert case merge REPORT INCIDENT      kcert case split REPORT\n"
	     "       kcert case share N PARTNER [--note TEXT]   kcert case partner-ref N PARTNER REF\n"
	     "       kcert case clock N start gdpr-33|digitalsikkerhetsloven|sikkerhetsloven [--from TIME]\n"
	     "       kcert case clock N met KIND\n"
	     "       kcert case task N done|undo K\n"
	     "       kcert case campaigns\n\n"
	     "Queues put overdue and due-soon cases first. Replies and shares go through the outbox\n"
	     "with the subject tag [KommuneCERT #N] and the TLP label; closing needs lessons learned.\n") },
	{ "mailgate", cmd_mailgate, 0, N_("file one e-mail message from standard input"),
	  N_("usage: kcert mailgate < message.eml\n\n"
	     "For the MTA's pipe transport (postfix: kcert unix - n n - - pipe\n"
	     "  flags=Rq user=kcert argv=/usr/local/bin/kcert --db ... mailgate).\n"
	     "The raw message is always kept. A subject tag [KommuneCERT #123] adds it to case 123;\n"
	     "otherwise it opens an incident report for the sender's organisation (by contact\n"
	     "address or registered domain). The same Message-ID is filed once; auto-replies and\n"
	     "bounces are kept and never answered. It prints where the message went.\n"
	     "Exit status: 0 stored; 65 larger than 64 MiB (bounce); 75 not stored (try again).\n") },
	{ "situation", cmd_situation, NEEDS_STORE | NEEDS_SCHEMA, N_("the situational picture and the national threat level"),
	  N_("usage: kcert situation [--org ORG]\n"
	     "       kcert situation level 1-5 --rationale TEXT\n\n"
	     "The national threat level, open cases by severity and phase, overdue cases and legal\n"
	     "clocks, and events by type and by organisation over 24 hours, 7 and 30 days; with\n"
	     "--org, one organisation's own. level sets the national threat level (audited).\n") },
	{ "report", cmd_report, NEEDS_STORE | NEEDS_SCHEMA, N_("the weekly or monthly situation report"),
	  N_("usage: kcert report situation [--period week|month] [--format md|html|pdf] [--tlp GREEN]\n"
	     "                              [--output FILE]\n\n"
	     "The situation report of the last 7 (week) or 30 (month) days: threat level and rationale,\n"
	     "key figures, new events per day, events by type, open cases by classification, exposed\n"
	     "services and notable incidents, anonymised for the report's TLP (default GREEN; CLEAR and\n"
	     "GREEN name no organisation), marked on every page. In the language of --lang. A PDF needs\n"
	     "--output. The worker mails the weekly PDF to contacts whose notices include report.\n") },
	{ "demo", cmd_demo, NEEDS_STORE | NEEDS_SCHEMA, N_("load a synthetic demo dataset"),
	  N_("usage: kcert demo\n\n"
	     "For a first look: gives four municipalities (0301, 4601, 5001, 5501) the documentation\n"
	     "address ranges (RFC 5737, RFC 3849) and example domains, demo contacts at example.invalid,\n"
	     "90 days of events from a feed called demo, cases in every phase and a threat level.\n"
	     "Everything is marked DEMO. Once per store; never on a store in real use.\n") },
	{ "feed", cmd_feed, NEEDS_STORE | NEEDS_SCHEMA, N_("feeds fetched on a schedule"),
	  N_("usage: kcert feed add NAME URL [--format shadowserver|list|stix|misp|csv] [--every 1d]\n"
	     "                     [--report TYPE] [--classification TAXONOMY/TYPE/IDENTIFIER]\n"
	     "                     [--mapping FILE]\n"
	     "       kcert feed list [--format table|csv|json]\n"
	     "       kcert feed rm NAME\n"
	     "       kcert feed fetch NAME\n\n"
	     "The worker (kcert worker, or kcert serve) fetches each feed when it is due, with libcurl\n"
	     "over http or https, keeps what it received under var/feeds/NAME/ (KCERT_SPOOL), and\n"
	     "ingests it as kcert ingest would: the same content twice is ingested once, bad lines go\n"
	     "to var/feeds/NAME/quarantine.tsv. fetch does it now.\n") },
	{ "notify", cmd_notify, NEEDS_STORE | NEEDS_SCHEMA, N_("notices of events to the municipalities"),
	  N_("usage: kcert notify run [--dry-run] [--org ORG] [--force] [--no-send]\n"
	     "       kcert notify list [--org ORG] [--limit N] [--format table|csv|json]\n"
	     "       kcert notify show REF\n"
	     "       kcert notify ack REF\n\n"
	     "run gives each organisation whose digest is due (kcert org set ORG --notify\n"
	     "immediate|daily|weekly; urgent events go out at once) one notice per contact: a summary\n"
	     "per event type in the contact's language, the events as a CSV attachment, a reference and\n"
	     "a link to acknowledge it. The same problem is not notified to the same recipient again\n"
	     "within 7 days (infected systems) or 30 days (the rest). Then it delivers the outbox\n"
	     "(KCERT_SMTP_URL, default smtp://127.0.0.1:25; KCERT_MAIL_FROM; KCERT_BASE_URL for the link).\n"
	     "--force sends what is pending whatever the period; --no-send only queues.\n") },
	{ "outbox", cmd_outbox, NEEDS_STORE | NEEDS_SCHEMA, N_("messages waiting to be sent, sent or failed"),
	  N_("usage: kcert outbox list [--state queued|sent|failed|uncertain] [--ref REF] [--limit N]\n"
	     "                         [--format table|csv|json]\n"
	     "       kcert outbox retry ID\n\n"
	     "A message is uncertain when the worker stopped between the end of the message and the\n"
	     "mail server's answer: it may have arrived. It is never resent by itself; retry sends it\n"
	     "again once you have checked.\n") },
	{ "worker", cmd_worker, NEEDS_STORE | NEEDS_SCHEMA, N_("deliver the outbox and run scheduled work"),
	  N_("usage: kcert worker [--once] [--interval SECONDS]\n\n"
	     "Every interval (default 60 s): fetch the feeds that are due, queue the notices that\n"
	     "are due, deliver the outbox.\n"
	     "--once does what is due and exits (for cron and tests). Several workers may run on\n"
	     "several machines against one PostgreSQL store.\n") },
	{ "serve", cmd_serve, NEEDS_STORE | NEEDS_SCHEMA, N_("run the web server and the JSON API"),
	  N_("usage: kcert serve [--listen ADDRESS:PORT] [--threads N] [--secure-cookies]\n"
	     "                   [--no-worker] [--worker-interval SECONDS]\n\n"
	     "Serves the web pages, the JSON API under /api/v1 and /healthz (default 127.0.0.1:8080).\n"
	     "On the first start it creates the account 'admin' and prints its one-time password.\n"
	     "--secure-cookies marks cookies Secure and sends HSTS: use it behind TLS.\n"
	     "A worker thread does what kcert worker does (feeds, notices, the outbox) every 60 s;\n"
	     "--no-worker leaves that to separate kcert worker processes.\n") },
	{ "scan", cmd_scan, NEEDS_STORE | NEEDS_SCHEMA, N_("scan the registered assets of the organisations"),
	  N_("usage: kcert scan (--org ORG | --all) [--checks service,tls,http,mail] [--resolver ADDR@PORT]\n"
	     "                  [--trust-anchor FILE] [--ca-file FILE] [--smtp-port N] [--no-notify]\n"
	     "                  [--ports 22,443,...]\n"
	     "       kcert scan [--org ORG] [options] TARGET...\n"
	     "       kcert scan exclude ORG RANGE|ADDRESS|HOST --reason TEXT\n"
	     "       kcert scan schedule add (--org ORG | --all) --every 1d [--checks LIST]\n"
	     "       kcert scan schedule list [--format table|csv|json]\n"
	     "       kcert scan schedule rm ID\n"
	     "       kcert scan runs [--format table|csv|json]\n\n"
	     "Only what is registered is scanned: an organisation's ranges (IPv4 up to /22, IPv6 up to\n"
	     "/120), hosts and domains (with their MX and NS hosts when those are the organisation's\n"
	     "own), minus its exclusions. A TARGET given by hand (an address, a host name or a domain)\n"
	     "is refused, with the rule that refused it, unless it lies inside an asset registered to\n"
	     "a constituent organisation; when any is refused nothing is scanned (exit status 2).\n"
	     "Findings open, update and close by themselves; high ones are mailed to the contacts at\n"
	     "once. Settings: KCERT_SCAN_RESOLVER, KCERT_SCAN_TRUST_ANCHOR, KCERT_SCAN_CA_FILE,\n"
	     "KCERT_SCAN_CONTACT_URL (named in the User-Agent), KCERT_SCAN_TIMEOUT_MS.\n") },
	{ "finding", cmd_finding, NEEDS_STORE | NEEDS_SCHEMA, N_("the scanner's findings"),
	  N_("usage: kcert finding list [--org ORG] [--status open|fixed|accepted] [--severity high|medium|low|info]\n"
	     "                          [--limit N] [--format table|csv|json]\n"
	     "       kcert finding show ID [--format table|csv|json]\n"
	     "       kcert finding accept ID --reason TEXT --until YYYY-MM-DD\n\n"
	     "accept is comply-or-explain: the finding no longer counts for the rating until the day\n"
	     "after --until, when it is open again. Every change is kept in the finding's history.\n") },
	{ "rating", cmd_rating, NEEDS_STORE | NEEDS_SCHEMA, N_("each municipality's colour from its open findings"),
	  N_("usage: kcert rating [--county COUNTY] [--org ORG] [--format table|csv|json]\n\n"
	     "The worst open finding that is not accepted decides: high red, medium orange, low\n"
	     "yellow, otherwise green; grey when nothing is registered to scan.\n") },
	{ "user", cmd_user, NEEDS_STORE | NEEDS_SCHEMA, N_("accounts of people who log in"),
	  N_("usage: kcert user add NAME --role admin|analyst|member|partner [--org ORG]... [--password-stdin]\n"
	     "       kcert user list [--format table|csv|json]\n"
	     "       kcert user passwd NAME [--password-stdin]\n"
	     "       kcert user disable NAME      kcert user enable NAME\n\n"
	     "A member acts for the organisations given with --org; a partner belongs to one partner\n"
	     "CERT (--org). Without --password-stdin a random password is made and shown once.\n"
	     "Passwords have at least 12 characters and are not common ones.\n") },
	{ "token", cmd_token, NEEDS_STORE | NEEDS_SCHEMA, N_("API tokens"),
	  N_("usage: kcert token create USER [--name LABEL] [--expires 90d]\n\n"
	     "Prints a new token that acts as USER (shown once; stored hashed).\n") },
	{ "vuln", cmd_vuln, NEEDS_STORE | NEEDS_SCHEMA, N_("vulnerability data (NVD, CISA KEV) and who is exposed"),
	  N_("usage: kcert vuln import FILE...          (KEV or NVD CVE API 2.0 JSON, .gz too)\n"
	     "       kcert vuln show CVE [--format text|json]\n"
	     "       kcert vuln search TEXT [--limit N] [--format table|csv|json]\n"
	     "       kcert vuln list [--kev] [--since DATE] [--limit N] [--format table|csv|json]\n"
	     "       kcert vuln affected CVE [--format table|csv|json]\n\n"
	     "import exits 1 when bad records were skipped (each is named on stderr).\n") },
	{ "cvss", cmd_cvss, 0, N_("score a CVSS v3.0, v3.1 or v4.0 vector"),
	  N_("usage: kcert cvss [--format text|json] VECTOR\n\n"
	     "Validates the vector strictly (prefix, metric names and values, order, duplicates,\n"
	     "every base metric) and prints its scores and severity: for v3.x the base, temporal\n"
	     "and environmental scores (specification section 7, Appendix A Roundup); for v4.0\n"
	     "the CVSS-B/BT/BE/BTE score and its MacroVector (FIRST's reference method).\n"
	     "Exit status: 0 valid; 2 invalid vector, with the problem named.\n") },
	{ "advisory", cmd_advisory, NEEDS_STORE | NEEDS_SCHEMA, N_("advisories: write, publish, update and export (HTML, Atom, CSAF 2.0)"),
	  N_("usage: kcert advisory new --title T [--summary S] [--body-file F.md] [--cve ID[=SCORE=VECTOR]]...\n"
	     "                         [--product CPE]... [--fixed CPE=VERSION]... [--tlp L] [--severity S]\n"
	     "                         [--reference 'URL [SUMMARY]']... [--recommendation T]... [--workaround T]...\n"
	     "                         [--title-en T] [--summary-en S] [--body-en-file F.md]\n"
	     "       kcert advisory edit ID [the same options]          (a draft; lists given replace the old)\n"
	     "       kcert advisory publish ID [--summary TEXT]         (revision 1)\n"
	     "       kcert advisory update ID --summary TEXT [the same options]   (a new revision)\n"
	     "       kcert advisory list [--all] [--format table|csv|json]\n"
	     "       kcert advisory show ID [--format table|csv|json]\n"
	     "       kcert advisory export ID --format csaf|html|atom [--lang nb|nn|en]\n"
	     "       kcert advisory digest                              (queue the subscribers' digests)\n\n"
	     "new prints the new id, KCERT-YYYY-NNNN. Severity: lav, moderat, alvorlig, kritisk. Publishing\n"
	     "and updating notify the organisations that run an affected product. kcert serve publishes\n"
	     "the advisories under /advisories and /.well-known/csaf/ (see docs/kcert-advisory.md).\n") },
	{ "csaf", cmd_csaf, 0, N_("check CSAF 2.0 documents"),
	  N_("usage: kcert csaf validate FILE...\n\n"
	     "Runs CSAF 2.0's mandatory tests (section 6.1) and prints each failure as\n"
	     "FILE: TEST JSON-PATH: MESSAGE. Exit status 0 when every document passes, 1 otherwise.\n") },
	{ "share", cmd_share, NEEDS_STORE | NEEDS_SCHEMA, N_("what may be shared with partner CERTs and NSM, and exports"),
	  N_("usage: kcert share add case|event|observable N --tlp CLEAR|GREEN|AMBER --collection C\n"
	     "       kcert share add events [--org ORG] [--type TYPE] [--since TIME] [--until TIME] --tlp L --collection C\n"
	     "       kcert share add vulnerability CVE-ID | advisory KCERT-YYYY-NNNN --tlp L --collection C\n"
	     "       kcert share rm ID\n"
	     "       kcert share list [--collection C] [--format table|csv|json]\n"
	     "       kcert share member add|rm COMMUNITY PARTNER\n"
	     "       kcert share export --format stix|misp [--collection C] [--since TIME] [--output FILE]\n\n"
	     "Nothing leaves kcert unless marked. A collection (community) is a name such as partners or\n"
	     "nsm; TAXII serves one collection per community and TLP. Partner CERTs that are members of a\n"
	     "community read its TLP:AMBER collection. Exports: a STIX 2.1 bundle or one MISP event\n"
	     "(see docs/kcert-share.md).\n") },
	{ "stats", cmd_stats, NEEDS_STORE | NEEDS_SCHEMA, N_("statistics for NSM"),
	  N_("usage: kcert stats nsm --period month|quarter|year [--from DATE] [--format csv]\n\n"
	     "Incidents per RSIT classification and severity, per county, notices sent and events per\n"
	     "type for the period containing DATE (default: the last whole period), as CSV with the\n"
	     "columns period_start,period_end,measure,key,subkey,count (docs/kcert-share.md).\n") },
	{ "help", cmd_help, 0, N_("show help for a command"), N_("usage: kcert help [COMMAND]\n") },
	{ "version", cmd_version, 0, N_("show the version"), N_("usage: kcert version\n") },
	{ NULL, NULL, 0, NULL, NULL },
};

const struct kc_cmd *kc_cli_find(const char *name)
{
	for (const struct kc_cmd *c = kc_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int kc_cli_fail(const kc_err *err, int rc)
{
	fprintf(stderr, "kcert: %s\n", err && err->msg[0] ? err->msg : kc_strerror(rc));
	switch (rc) {
	case KC_EINVAL:
	case KC_EPARSE:
	case KC_ENOENT:
	case KC_EEXIST:
	case KC_ETOOBIG:
	case KC_EPERM:
		return KC_EXIT_USAGE;
	default:
		return KC_EXIT_FAIL;
	}
}

int kc_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kcert %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fprintf(stderr, _("Try 'kcert help %s'.\n"), cmd);
	return KC_EXIT_USAGE;
}

void kc_cli_help(const struct kc_cmd *c)
{
	printf("kcert %s - %s\n\n%s", c->name, _(c->summary), _(c->usage));
}

int kc_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int kc_cli_open_store(struct kc_cli *cli, unsigned flags, kc_err *err)
{
	int rc = kc_store_open(cli->db, &cli->st, err);

	if (rc)
		return rc;
	if (flags & NEEDS_SCHEMA)
		rc = kc_store_check_schema(cli->st, err);
	return rc;
}

int kc_cli_read_file(const char *path, size_t max, char **data, size_t *len, kc_err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[65536];
	kc_buf b;
	size_t n;
	int rc = KC_OK;

	if (!f)
		return kc_err_set(err, KC_EIO, _("cannot open %s: %s"), path, strerror(errno));
	kc_buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = kc_buf_add(&b, chunk, n);
		if (rc) {
			kc_err_set(err, rc, _("%s: larger than %zu bytes"), path, max);
			break;
		}
	}
	if (!rc && ferror(f))
		rc = kc_err_set(err, KC_EIO, _("cannot read %s: %s"), path, strerror(errno));
	if (f != stdin)
		fclose(f);
	if (rc) {
		kc_buf_release(&b);
		return rc;
	}
	*data = kc_buf_detach(&b, len);
	return *data ? KC_OK : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
}

int cmd_help(struct kc_cli *cli, int argc, char **argv)
{
	const struct kc_cmd *c;

	(void)cli;
	if (argc > 1) {
		c = kc_cli_find(argv[1]);
		if (!c)
			return kc_cli_usage("help", _("no such command: %s"), argv[1]);
		kc_cli_help(c);
		return KC_EXIT_OK;
	}
	printf("%s", _("usage: kcert [--db PATH|URI] [--lang nb|nn|en] [--log-level LEVEL] COMMAND [ARGS]\n\n"));
	printf("%s", _("Commands:\n"));
	for (c = kc_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, _(c->summary));
	printf("%s", _("\nThe store is --db, else $KCERT_DB, else var/kcert.db. 'kcert help COMMAND' tells more.\n"));
	return KC_EXIT_OK;
}

int cmd_version(struct kc_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("kcert %s\n", KCERT_VERSION);
	return KC_EXIT_OK;
}
