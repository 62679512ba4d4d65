build/obj/src/org/seed.o: src/org/seed.c src/org/seed.h src/base/err.h \
 src/store/store.h src/audit/audit.h src/base/csv.h src/base/buf.h \
 src/org/org.h src/base/kc.h src/base/i18n.h src/base/log.h \
 src/base/banned.h
src/org/seed.h:
src/base/err.h:
src/store/store.h:
src/audit/audit.h:
src/base/csv.h:
src/base/buf.h:
src/org/org.h:
src/base/kc.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
