build/obj/src/org/asset.o: src/org/asset.c src/org/asset.h src/base/err.h \
 src/org/attrib.h src/base/ip.h src/store/store.h src/audit/audit.h \
 src/base/csv.h src/base/buf.h src/base/domain.h src/base/time.h \
 src/org/org.h src/base/kc.h src/base/i18n.h src/base/log.h \
 src/base/banned.h
src/org/asset.h:
src/base/err.h:
src/org/attrib.h:
src/base/ip.h:
src/store/store.h:
src/audit/audit.h:
src/base/csv.h:
src/base/buf.h:
src/base/domain.h:
src/base/time.h:
src/org/org.h:
src/base/kc.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
