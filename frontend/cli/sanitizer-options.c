/*
 * Built into sanitizer builds only (meson.build): the defaults ASan reads
 * before $ASAN_OPTIONS, which still overrides them.
 *
 * intercept_tls_get_addr=0: the libvirt module is loaded with dlopen, so
 * libvirt's thread-local data lives in dynamic TLS blocks. Up to LLVM 16 the
 * runtime's __tls_get_addr interceptor takes a block whose address is 16
 * bytes into a page for one with glibc 2.19's header and reads a bogus range
 * from it; LeakSanitizer then dies scanning that range at exit ("Tracer
 * caught signal 11"), now and then, after a command that did everything
 * right. Without the interceptor the blocks are ordinary heap chunks that
 * glibc's DTV points to, so leak checking still sees through them.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "intercept_tls_get_addr=0";
}
