/*
 * tasks.c - the checklists, after the phases of NSM's framework (detect and
 * assess, notify, contain, mitigate, recover, learn).
 */
#include "case/tasks.h"

#include <string.h>

#include "base/kc.h"

static const char *const infected[] = {
	N_("Identify the infected machines (address, time, NAT and proxy logs)"),
	N_("Isolate the machines from the network"),
	N_("Secure logs and, where needed, a disk or memory image"),
	N_("Find how the malware got in and whether it spread"),
	N_("Clean or reinstall the machines"),
	N_("Change passwords used on the machines"),
	N_("Confirm that the traffic to the control server has stopped"),
	N_("Write down lessons learned"),
	NULL,
};
static const char *const intrusion[] = {
	N_("Assess scope: which systems, accounts and data"),
	N_("Secure logs before they rotate"),
	N_("Consider notifying the police (NC3) and NSM"),
	N_("Contain: block the attacker's access, disable compromised accounts"),
	N_("Consider whether personal data is affected (GDPR art. 33: 72 hours)"),
	N_("Remove the attacker's foothold and patch the way in"),
	N_("Restore systems from clean backups"),
	N_("Monitor for the attacker's return"),
	N_("Write down lessons learned"),
	NULL,
};
static const char *const fraud[] = {
	N_("Collect the message with full headers, and the links"),
	N_("Find who received it and who clicked or answered"),
	N_("Reset passwords and sessions of those who entered credentials"),
	N_("Block the sender and the links in the mail filter and proxy"),
	N_("Ask the hosting provider to take the phishing page down"),
	N_("Warn the staff"),
	N_("Write down lessons learned"),
	NULL,
};
static const char *const availability[] = {
	N_("Establish which services are down and since when"),
	N_("Contact the Internet provider about filtering the attack"),
	N_("Inform users and the public about the outage"),
	N_("Restore the services"),
	N_("Write down lessons learned"),
	NULL,
};
static const char *const leak[] = {
	N_("Establish what information is exposed, and to whom"),
	N_("Stop the leak"),
	N_("Assess whether personal data is affected (GDPR art. 33: 72 hours)"),
	N_("Notify Datatilsynet and those affected when required"),
	N_("Write down lessons learned"),
	NULL,
};
static const char *const vulnerable[] = {
	N_("Confirm the vulnerable system and its owner"),
	N_("Patch, reconfigure or close it off from the Internet"),
	N_("Check for signs that the weakness was exploited"),
	N_("Confirm the fix (a new scan)"),
	NULL,
};
static const char *const general[] = {
	N_("Assess scope and severity"),
	N_("Notify the parties who need to know"),
	N_("Contain and mitigate"),
	N_("Recover"),
	N_("Write down lessons learned"),
	NULL,
};

const char *const *kc_case_task_template(const char *taxonomy)
{
	static const struct {
		const char *taxonomy;
		const char *const *tasks;
	} map[] = {
		{ "malicious-code", infected },		 { "intrusions", intrusion },	    { "intrusion-attempts", intrusion },
		{ "fraud", fraud },			 { "abusive-content", fraud },	    { "availability", availability },
		{ "information-content-security", leak }, { "vulnerable", vulnerable },
	};

	for (size_t i = 0; taxonomy && i < KC_ARRAY_LEN(map); i++)
		if (!strcmp(map[i].taxonomy, taxonomy))
			return map[i].tasks;
	return general;
}
