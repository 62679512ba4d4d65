/*
 * texts.c - the notice texts, by classification (IntelMQ identifiers). Written
 * for a municipality's IT lead with little security staff: plain words, one
 * concrete action first.
 */
#include "notify/texts.h"

#include <string.h>

#include "base/kc.h"

#define DB_WHY N_("A database reachable from the whole Internet can be read, changed or encrypted by anyone who finds a weak password or an unpatched flaw; such services are scanned for constantly.")
#define DB_TODO N_("Close the port in the firewall so that only the servers that need the database can reach it. Check the logs for unknown logins and change the passwords if the service was open without restriction.")
#define AMP_WHY N_("This service answers anyone and can be abused to amplify denial-of-service attacks against others, and it may reveal information about your network.")
#define AMP_TODO N_("Restrict the service to your own networks in the firewall, or turn it off where it is not needed. For DNS: allow recursion only for your own clients.")
#define TLS_WHY N_("The service accepts outdated encryption that lets an attacker in the right place read or change traffic.")
#define TLS_TODO N_("Turn off SSLv3 and export ciphers on the service and allow only TLS 1.2 and newer. Update the software if it cannot be configured.")

static const kc_notice_text texts[] = {
	{ "open-rdp", NULL, 0, N_("Remote Desktop (RDP) open to the Internet"),
	  N_("RDP is one of the most common ways into a network for ransomware groups: passwords are guessed and flaws in the service are exploited."),
	  N_("Close RDP in the firewall and give access through VPN with multi-factor authentication. Check the server's logs for unknown logins.") },
	{ "open-smb", NULL, 0, N_("Windows file sharing (SMB) open to the Internet"),
	  N_("SMB should never be reachable from the Internet; it has been the way in for worms such as WannaCry."),
	  N_("Block ports 139 and 445 in the firewall towards the Internet. Check that the server is fully patched.") },
	{ "open-telnet", NULL, 0, N_("Telnet open to the Internet"),
	  N_("Telnet sends passwords in clear text and is often found on routers, cameras and other devices with default passwords."),
	  N_("Turn Telnet off and use SSH, or close the port in the firewall. Change default passwords on the device.") },
	{ "open-ftp", NULL, 0, N_("FTP server open to the Internet"),
	  N_("FTP sends passwords and files unencrypted, and anonymous access may expose data."),
	  N_("Replace FTP with SFTP or HTTPS, or limit access to known addresses. Check that anonymous access is off.") },
	{ "open-vnc", NULL, 0, N_("Remote control (VNC) open to the Internet"),
	  N_("VNC gives full control of the screen; it is often without a password or with a weak one."),
	  N_("Close VNC in the firewall and give access through VPN. Set a strong password.") },
	{ "open-ics", NULL, 1, N_("Industrial control system open to the Internet"),
	  N_("Control systems (water, wastewater, buildings) reachable from the Internet can be operated by outsiders, with physical consequences."),
	  N_("Disconnect the system from the Internet now and give remote access only through a secured VPN. Contact your supplier and KommuneCERT if you are unsure.") },
	{ "open-mssql", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-mysql", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-postgres", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-redis", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-elasticsearch", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-mongodb", NULL, 0, N_("Database open to the Internet"), DB_WHY, DB_TODO },
	{ "open-memcached", NULL, 0, N_("Service that can be abused for attacks on others"), AMP_WHY, AMP_TODO },
	{ "open-snmp", NULL, 0, N_("Service that can be abused for attacks on others"), AMP_WHY, AMP_TODO },
	{ "ntp-monitor", NULL, 0, N_("Service that can be abused for attacks on others"), AMP_WHY, AMP_TODO },
	{ "dns-open-resolver", NULL, 0, N_("Service that can be abused for attacks on others"), AMP_WHY, AMP_TODO },
	{ "ssl-poodle", NULL, 0, N_("Outdated encryption (SSLv3 or export ciphers)"), TLS_WHY, TLS_TODO },
	{ "ssl-freak", NULL, 0, N_("Outdated encryption (SSLv3 or export ciphers)"), TLS_WHY, TLS_TODO },
	{ "vulnerable-exchange-server", NULL, 1, N_("Microsoft Exchange server with known vulnerabilities"),
	  N_("Unpatched Exchange servers are attacked within days of a flaw becoming known, and a compromised mail server gives access to the whole organisation's mail."),
	  N_("Install the latest security update for Exchange at once. Check the server for web shells and unknown accounts (Microsoft's scripts), and contact KommuneCERT if you find anything.") },
	{ "compromised-website", NULL, 1, N_("Compromised website"),
	  N_("The website has been changed by someone else and may spread malware or phishing to its visitors."),
	  N_("Take the site down or restore it from a clean backup, update the publishing system and its plug-ins, and change every password for it.") },
	{ "brute-force", NULL, 0, N_("Password-guessing attacks from your network"),
	  N_("A machine in your network tried to log in to other systems by guessing passwords; it is probably infected or misused."),
	  N_("Find the machine behind the address and time, check it for malware and clean or reinstall it.") },
	{ "blacklisted-ip", NULL, 0, N_("Address on a block list"),
	  N_("Your address is listed by others as a source of unwanted traffic; mail and web traffic from it may be blocked, and it may be infected or misused."),
	  N_("Find the machine behind the address, check it for malware or open relays, and ask the list's owner to remove the address when it is clean.") },
	{ "accessible-http", NULL, 0, N_("Web service open to the Internet"),
	  N_("The web service may be an administration page or an outdated product that should not be public."),
	  N_("Check what the service is and whether it should be public; limit administration pages to known addresses and keep the software updated.") },
	{ "darknet", NULL, 0, N_("Traffic to unused addresses from your network"),
	  N_("A machine in your network sends traffic to addresses nobody uses; that is typical of malware looking for new victims."),
	  N_("Find the machine behind the address and time and check it for malware.") },
	/* By taxonomy, for identifiers without their own text. */
	{ NULL, "malicious-code", 1, N_("Infected system"),
	  N_("A machine in your network contacted a server used to control malware; it is very likely infected and may be used to steal data or attack others."),
	  N_("Find the machine behind the address and time (firewall or NAT logs), isolate it from the network, and clean or reinstall it. Change passwords used on it.") },
	{ NULL, "intrusions", 1, N_("Compromised system"),
	  N_("A system of yours appears to be under someone else's control."),
	  N_("Isolate the system, secure logs, and contact KommuneCERT for help with the investigation.") },
	{ NULL, "vulnerable", 0, N_("Vulnerable system"),
	  N_("A system of yours runs software or a configuration with a known weakness that attackers look for."),
	  N_("Update or reconfigure the system, or close it off from the Internet until it is fixed.") },
	{ NULL, NULL, 0, N_("Other security event"),
	  N_("A feed KommuneCERT follows reported this system; see the attachment for the details."),
	  N_("Check whether the event is expected, and contact KommuneCERT if you need help.") },
};

const kc_notice_text *kc_notice_text_find(const char *taxonomy, const char *identifier)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(texts); i++) {
		const kc_notice_text *t = &texts[i];

		if (t->identifier && identifier && !strcmp(t->identifier, identifier))
			return t;
		if (!t->identifier && (!t->taxonomy || (taxonomy && !strcmp(t->taxonomy, taxonomy))))
			return t;
	}
	return &texts[KC_ARRAY_LEN(texts) - 1];
}
