/*
 * refang.h - defanged indicators made usable again.
 */
#ifndef KC_REFANG_H
#define KC_REFANG_H

/*
 * Refang s in place; it never gets longer. "hxxp", "hXXp", "HXXP" and "fxp"
 * become http and ftp; "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}" a dot;
 * "[@]", "(@)", "{@}", "[at]", "(at)", "{at}" an at sign; "[:]" and "[://]"
 * colons. Bracketed forms with white space around them ("bergen [dot]
 * kommune [dot] no", "kari [at] bergen.no") count only between word
 * characters, so a bracket at the end of a sentence is left alone.
 */
void kc_refang(char *s);

#endif
