public import RemindConfig
public import RemindText
import RemindCore
import RemindInbox

extension Configuration {
    /// Everything that keeps this configuration from running, beyond what loading it already
    /// checked (its date patterns, dialects and encodings are read into RemindInbox's own
    /// values, so every parser can be made): template problems, a source whose template is
    /// missing, a provider command that cannot be run. One line each, naming the file; empty
    /// when it can run. The daemon (at start and reload) and `remindctl check-config` both give this
    /// verdict, so they never disagree.
    public func problems(with templates: TemplateSet) -> [String] {
        let templateProblems = templates.validate()
        var problems = templateProblems.map { "\(text.directory): \($0)" }
        // A template that is there but does not compile is named once, by its own problem.
        let broken = Set(templateProblems.compactMap(\.template))
        problems += providerProblems()
        for source in allSources {
            if source.kind == .broadcast, let variant = source.template, !templates.names.contains("broadcast.\(variant)") {
                problems.append("\(file): source \(source.name): template broadcast.\(variant).mustache is not in \(text.directory)")
            }
            if source.kind == .appointment, !templates.has(kind: .appointment), !broken.contains("appointment.mustache") {
                problems.append("\(file): source \(source.name): template appointment.mustache is not in \(text.directory)")
            }
            if source.kind != .appointment, source.kind != .private, source.template == nil,
                !templates.has(kind: source.kind.messageKind)
            {
                problems.append(
                    "\(file): source \(source.name): template \(source.kind.messageKind.rawValue).mustache is not in \(text.directory)")
            }
        }
        return problems
    }

    /// The templates of this configuration, loaded as the daemon loads them.
    public func loadTemplates() throws(TextError) -> TemplateSet {
        try TemplateSet(directory: text.directory, settings: text.settings, extraElements: text.extraElements)
    }
}
