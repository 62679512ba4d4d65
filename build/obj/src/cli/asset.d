build/obj/src/cli/asset.o: src/cli/asset.c src/cli/cli.h src/base/err.h \
 src/store/store.h src/org/asset.h src/org/attrib.h src/base/ip.h \
 src/org/org.h src/base/kc.h src/base/buf.h src/base/i18n.h \
 src/base/log.h src/base/banned.h
src/cli/cli.h:
src/base/err.h:
src/store/store.h:
src/org/asset.h:
src/org/attrib.h:
src/base/ip.h:
src/org/org.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
