build/obj/src/org/contact.o: src/org/contact.c src/audit/audit.h \
 src/base/err.h src/store/store.h src/base/domain.h src/base/buf.h \
 src/base/time.h src/org/org.h src/base/kc.h src/base/i18n.h \
 src/base/log.h src/base/banned.h
src/audit/audit.h:
src/base/err.h:
src/store/store.h:
src/base/domain.h:
src/base/buf.h:
src/base/time.h:
src/org/org.h:
src/base/kc.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
