/* test_philox.c - Philox4x32-10 known-answer tests and stream separation */
#include "tap.h"

#include "kernels/philox.h"

int
main(void)
{
	/* Known-answer vectors published with Random123 (kat_vectors). */
	static const struct {
		uint32_t key[2], ctr[4], want[4];
	} kat[] = {
		{ { 0, 0 }, { 0, 0, 0, 0 },
		  { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
		{ { 0xffffffff, 0xffffffff },
		  { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
		  { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
		{ { 0xa4093822, 0x299f31d0 },
		  { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 },
		  { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
	};
	uint32_t a[4], b[4];

	for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
		uint32_t o[4];

		sv_philox4x32(kat[i].key, kat[i].ctr, o);
		ok(memcmp(o, kat[i].want, sizeof o) == 0,
		   "philox KAT %zu: %08x %08x %08x %08x", i, o[0], o[1], o[2], o[3]);
	}
	sv_rand4(3407, SV_STREAM_INIT, 0, 0, a);
	sv_rand4(3407, SV_STREAM_ORDER, 0, 0, b);
	ok(memcmp(a, b, sizeof a) != 0, "init and order streams differ");
	sv_rand4(3407, SV_STREAM_INIT, 1, 0, b);
	ok(memcmp(a, b, sizeof a) != 0, "sub-streams differ");
	sv_rand4(3408, SV_STREAM_INIT, 0, 0, b);
	ok(memcmp(a, b, sizeof a) != 0, "seeds differ");
	sv_rand4((uint64_t)1 << 32, SV_STREAM_INIT, 0, 0, b);
	sv_rand4(0, SV_STREAM_INIT, 0, 0, a);
	ok(memcmp(a, b, sizeof a) != 0, "high 32 bits of the seed count");
	sv_rand4(3407, SV_STREAM_INIT, 0, 0, a);
	sv_rand4(3407, SV_STREAM_INIT, 0, 0, b);
	ok(memcmp(a, b, sizeof a) == 0, "same key and counter, same numbers");
	ok(sv_u01f(0) == 0.0f && sv_u01f(0xffffffffu) < 1.0f, "u01 range [0,1)");
	ok(sv_u01f(0xffffffffu) == 1.0f - 0x1p-24f, "u01 top value exact");
	is_int(sv_below(0xffffffffu, 0xffffffffu, 10), 9, "below: top maps to n-1");
	is_int(sv_below(0, 0, 10), 0, "below: zero maps to 0");
	{
		/* a rough uniformity check: 10 bins of 100000 draws */
		int bins[10] = { 0 }, bad = 0;

		for (uint64_t i = 0; i < 100000; i++) {
			uint32_t o[4];

			sv_rand4(1, SV_STREAM_ORDER, 0, i, o);
			bins[sv_below(o[0], o[1], 10)]++;
		}
		for (int i = 0; i < 10; i++)
			bad += bins[i] < 9500 || bins[i] > 10500;
		is_int(bad, 0, "below: bins within 5%% of 10000");
	}
	return tap_done();
}
