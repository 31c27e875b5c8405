import RemindRecipients
import Testing

@Suite struct OptOutKeywordsTests {
    let keywords = OptOutKeywords()

    @Test(arguments: ["STOP", "stop", " Stop. ", "STOP!!", "stop please", "Stop texting me", "UNSUBSCRIBE", "StopAll", "ｓｔｏｐ"])
    func optOuts(_ reply: String) {
        #expect(keywords.isOptOut(replyText: reply))
    }

    @Test(arguments: ["", "Yes", "please don't stop", "STOPPED", "cancel", "Thanks, see you then", "non-stop"])
    func notOptOuts(_ reply: String) {
        #expect(!keywords.isOptOut(replyText: reply))
    }

    @Test func localWordsAndPhrasesAreConfigurable() {
        let de = OptOutKeywords(["STOP", "Abmelden", "opt out", "ARRÊT"])
        #expect(de.isOptOut(replyText: "abmelden"))
        #expect(de.isOptOut(replyText: "Opt-out"))
        #expect(de.isOptOut(replyText: "OPT OUT now"))
        #expect(de.isOptOut(replyText: "arret"))
        #expect(!de.isOptOut(replyText: "opt in"))
        #expect(!de.isOptOut(replyText: "UNSUBSCRIBE"))
        #expect(de.words == ["STOP", "Abmelden", "opt out", "ARRÊT"])
    }
}
