import RemindCore
import Testing

/// The hash is on disk (the reference index's numbers, claimed inbox names, kept reply
/// parts, list fingerprints): it must stay the published FNV-1a 64.
@Suite struct FNV1aTests {
    @Test func publishedVectors() {
        #expect(FNV1a.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
        #expect(FNV1a.hex("a") == "af63dc4c8601ec8c")
        #expect(FNV1a.hex("").count == 16)
    }
}
