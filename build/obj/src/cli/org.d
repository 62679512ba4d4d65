build/obj/src/cli/org.o: src/cli/org.c src/cli/cli.h src/base/err.h \
 src/store/store.h src/org/org.h src/base/kc.h src/base/buf.h \
 src/base/i18n.h src/base/log.h src/base/banned.h
src/cli/cli.h:
src/base/err.h:
src/store/store.h:
src/org/org.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
