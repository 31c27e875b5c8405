import Foundation
import Testing

@testable import RemindInbox

@Suite struct CSVReaderTests {
    func records(_ text: String, _ delimiter: CSVDelimiter = .comma) -> [CSVReader.Record] {
        var reader = CSVReader(utf8: Array(text.utf8), delimiter: delimiter)
        var out: [CSVReader.Record] = []
        while let record = reader.next() { out.append(record) }
        return out
    }

    @Test func lineBreaksOfEveryKindCountAsPhysicalLines() {
        let result = records("a,b\r\nc,d\re,f\ng,\"h\r\ni\"\n\nj")
        #expect(result.map(\.line) == [1, 2, 3, 4, 7])
        #expect(result.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h\ni"], ["j"]])
    }

    @Test func quotesAreRFC4180AndLenient() {
        #expect(records(#""a ""b"", c",x"#).map(\.fields) == [[#"a "b", c"#, "x"]])
        #expect(records(#""a"b,c"#).map(\.fields) == [["ab", "c"]])
        #expect(records(#"5" tall,"",x"#).map(\.fields) == [[#"5" tall"#, "", "x"]])
        #expect(records("a,b,\n, ,\n;;\n\"\",\n").map(\.fields) == [["a", "b", ""], [";;"], ["", ""]])
        #expect(records("  a  ;\t b \t", .semicolon).map(\.fields) == [["a", "b"]])
    }

    @Test func anUnclosedQuoteCostsOneLineAndReadingResumesAfterIt() {
        let result = records("h1,h2\n1,\"oops\n2,b\n3,c")
        #expect(result == [
            CSVReader.Record(line: 1, fields: ["h1", "h2"], error: nil),
            CSVReader.Record(line: 2, fields: [], error: "a quoted field opened on this line is never closed"),
            CSVReader.Record(line: 3, fields: ["2", "b"], error: nil),
            CSVReader.Record(line: 4, fields: ["3", "c"], error: nil),
        ])
    }

    @Test func sniffing() {
        #expect(CSVDelimiter.sniff(Array("\n\na;b;c,d\n1,2,3,4,5,6".utf8)) == .semicolon)
        #expect(CSVDelimiter.sniff(Array("a\tb\tc".utf8)) == .tab)
        #expect(CSVDelimiter.sniff(Array("a,b;c".utf8)) == .semicolon)
        #expect(CSVDelimiter.sniff(Array("\"a;b;c\",d".utf8)) == .comma)
        #expect(CSVDelimiter.sniff(Array("single".utf8)) == .comma)
        #expect(CSVDelimiter.sniff(Array(";;;\n\t\n a,b\tc\tx".utf8)) == .tab)
    }
}
