/*
 * null_milter.c - the floor: a libmilter filter that does nothing but what
 * any header-inspecting filter must (receive every header, accept at
 * end-of-headers), negotiated exactly like tlsrpt-milter.  The Postfix
 * benchmark runs it beside tlsrpt-milter to separate the cost of libmilter
 * and the MTA's milter protocol from the cost of this project's code.
 * Usage: null_milter unix:/path | inet:port@host
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <string.h>

static int tcp;

static sfsistat
nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL |
	    SMFIP_NOUNKNOWN | SMFIP_SKIP | SMFIP_NR_RCPT | SMFIP_NORCPT;

	(void)ctx;
	(void)f2;
	(void)f3;
	if (!tcp)
		skip |= SMFIP_NODATA | SMFIP_NR_HDR;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
	*pf1 = f1 & skip;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return tcp ? SMFIS_CONTINUE : SMFIS_NOREPLY;
}

static sfsistat
nm_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc;

	if (argc != 2) {
		fprintf(stderr, "usage: null_milter SOCKET\n");
		return 2;
	}
	tcp = strncmp(argv[1], "inet", 4) == 0;
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = "null";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	desc.xxfi_header = nm_header;
	desc.xxfi_data = nm_data;
	desc.xxfi_eoh = nm_eoh;
	desc.xxfi_negotiate = nm_negotiate;
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "null_milter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	fprintf(stderr, "null_milter: listening on %s\n", argv[1]);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
